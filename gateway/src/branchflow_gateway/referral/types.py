"""Referral's GraphQL types, each defined once and shared by the role schemas that may show it.
Times are UTC with a twin in the branch's zone (``…AtLocal``, Asia/Shanghai); each code has its
label beside it in the caller's language (``status`` and ``statusLabel``; the labels of the
gateway's own codes: ``referral/labels.py``); the referral service holds no tier, score or amount,
and no type here carries one. Fields that follow a link
to another record (a suggestion's form, a register entry's form) load it through this request's
DataLoaders; they are nullable, so a record the caller may not read is an error on that field
alone."""

from datetime import date, datetime, time
from enum import StrEnum

import strawberry

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    FollowUpStatus,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    Verdict,
)
from branchflow_gateway.label_fields import label_field
from branchflow_runtime import access
from branchflow_runtime.access import Data
from branchflow_runtime.auth import Role
from branchflow_runtime.privacy import local_time

ReferralStatusType = strawberry.enum(
    ReferralStatus,
    name="ReferralStatus",
    description="A form's status: filed REFERRED or PENDING, closed CONFIRMED or COPIED, or WITHDRAWN.",
)
ReferralSourceType = strawberry.enum(ReferralSource, name="ReferralSource")
MarketingResultType = strawberry.enum(
    MarketingResult,
    name="MarketingResult",
    description="What came of the meeting, as the wealth manager confirms it.",
)
ContactWayType = strawberry.enum(ContactWay, name="ContactWay")
AttemptResultType = strawberry.enum(
    AttemptResult, name="AttemptResult", description="NO_ANSWER, UNREACHABLE and DECLINED are failures."
)
FollowUpStatusType = strawberry.enum(FollowUpStatus, name="FollowUpStatus")
VerdictType = strawberry.enum(Verdict, name="Verdict")


@strawberry.enum(description="How a form is filed: handed to the wealth manager on the spot, or pending.")
class FilingStatus(StrEnum):
    REFERRED = "referred"
    PENDING = "pending"


@strawberry.enum(
    description="What came of a form. Lobby managers and tellers read CLOSED where a wealth manager "
    "judged the customer NOT_PREMIUM: they are told that the follow-up is closed, not why."
)
class ReferralResult(StrEnum):
    SOLD = "sold"
    FOLLOW_UP = "follow_up"
    NOT_PREMIUM = "not_premium"
    CLOSED = "closed"


@strawberry.enum(
    name="ReferralResult",
    description="What came of a form: SOLD, FOLLOW_UP, or CLOSED (the wealth manager closed the follow-up).",
)
class ResultAsSeen(StrEnum):
    """A form's result in the schemas of the roles that may not read tiers (``RESULT_AS_SEEN``):
    a verdict is not even a value there, so its name tells them nothing either."""

    SOLD = "sold"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


@strawberry.enum(description="What became of a suggested referral.")
class SuggestionStatus(StrEnum):
    OPEN = "open"
    FILED = "filed"
    DISMISSED = "dismissed"
    LAPSED = "lapsed"  # never acted on; the day was closed


@strawberry.enum
class DayStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@strawberry.enum(
    description="Counts cover the day, the ISO week (Monday to Sunday) or the month holding a day."
)
class CountPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.enum
class ActivityKind(StrEnum):
    INTRODUCTION = "introduction"
    FIELD_VISIT = "field_visit"
    SEMINAR = "seminar"
    SALON = "salon"


@strawberry.enum
class SeminarKind(StrEnum):
    SEMINAR = "seminar"
    SALON = "salon"


@strawberry.enum(description="How a person took part in a marketing activity.")
class ParticipantRole(StrEnum):
    INTRODUCED = "introduced"  # introduced by an existing customer
    MET = "met"  # met on a field visit
    ATTENDEE = "attendee"
    GUEST = "guest"  # a friend an attendee brought


def _at(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _local(value: str | None) -> str | None:
    return None if value is None else local_time(datetime.fromisoformat(value))


def _id(value: str | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(value)


def result_as_seen(result: str | None, role: Role) -> ReferralResult | ResultAsSeen | None:
    """The referral service already tells lobby managers and tellers CLOSED for NOT_PREMIUM (a
    verdict says something of the tier they may not read); the gateway holds to the same rule, so
    no lobby or counter answer can carry the verdict whatever a service sends. Their schemas'
    ``Referral.result`` is a ``ResultAsSeen`` (``schemas.narrowed_fields``)."""
    if result is None:
        return None
    if Data.TIER not in access.readable(role):
        return ResultAsSeen.CLOSED if result == ReferralResult.NOT_PREMIUM else ResultAsSeen(result)
    return ReferralResult(result)


# --- people and forms -------------------------------------------------------------------------


@strawberry.type(
    description="Whom a form is about: an existing customer, or a walk-in prospect (name and phone "
    "masked unless you filed the form, it names you, or the entry is yours)."
)
class Person:
    customer_id: str | None
    prospect_id: str | None = strawberry.field(description="P + 12 hex digits, one per phone number")
    name: str | None
    phone: str | None
    personal_data_masked: bool

    @classmethod
    def from_json(cls, data: dict) -> "Person":
        return cls(
            customer_id=data.get("customer_id"),
            prospect_id=data.get("prospect_id"),
            name=data.get("name"),
            phone=data.get("phone"),
            personal_data_masked=data["personal_data_masked"],
        )


@strawberry.type(description="A referral form (优质客户推介表).")
class Referral:
    referral_id: strawberry.ID
    branch_id: str
    business_day: date = strawberry.field(description="the branch's day it was filed on (Asia/Shanghai)")
    person: Person
    referred_by: str
    referrer_role: str
    referrer_role_label: str = label_field("referrer_role", Role)
    source: ReferralSourceType
    source_label: str = label_field("source", ReferralSource)
    filed_as: ReferralStatusType
    filed_as_label: str = label_field("filed_as", ReferralStatus)
    status: ReferralStatusType
    status_label: str = label_field("status", ReferralStatus)
    wealth_manager_id: str
    referred_at: datetime
    referred_at_local: str
    identification_id: strawberry.ID | None = strawberry.field(description="the lobby identification, if any")
    suggestion_id: strawberry.ID | None
    activity_id: strawberry.ID | None = strawberry.field(description="the marketing activity it came from")
    contact_at: datetime | None = strawberry.field(description="pending: the agreed contact time")
    contact_at_local: str | None
    contact_way: ContactWayType | None
    contact_way_label: str | None = label_field("contact_way", ContactWay, optional=True)
    note: str | None
    met: bool | None = strawberry.field(description="confirmed: whether the wealth manager met the customer")
    result: ReferralResult | None  # a ResultAsSeen where the role may not read tiers (result_as_seen)
    result_label: str | None = label_field("result", ReferralResult, optional=True)
    closed_by: str | None
    closed_at: datetime | None
    closed_at_local: str | None
    entry_id: strawberry.ID | None = strawberry.field(description="the follow-up entry it opened, if any")
    withdrawal_reason: str | None

    @classmethod
    def from_json(cls, data: dict, role: Role) -> "Referral":
        way = data.get("contact_way")
        return cls(
            referral_id=strawberry.ID(data["referral_id"]),
            branch_id=data["branch_id"],
            business_day=date.fromisoformat(str(data["business_day"])),
            person=Person.from_json(data["person"]),
            referred_by=data["referred_by"],
            referrer_role=data["referrer_role"],
            source=ReferralSource(data["source"]),
            filed_as=ReferralStatus(data["filed_as"]),
            status=ReferralStatus(data["status"]),
            wealth_manager_id=data["wealth_manager_id"],
            referred_at=datetime.fromisoformat(data["referred_at"]),
            referred_at_local=data["referred_at_local"],
            identification_id=_id(data.get("identification_id")),
            suggestion_id=_id(data.get("suggestion_id")),
            activity_id=_id(data.get("activity_id")),
            contact_at=_at(data.get("contact_at")),
            contact_at_local=_local(data.get("contact_at")),
            contact_way=None if way is None else ContactWay(way),
            note=data.get("note"),
            met=data.get("met"),
            result=result_as_seen(data.get("result"), role),
            closed_by=data.get("closed_by"),
            closed_at=_at(data.get("closed_at")),
            closed_at_local=_local(data.get("closed_at")),
            entry_id=_id(data.get("entry_id")),
            withdrawal_reason=data.get("withdrawal_reason"),
        )


async def _load_referral(info: strawberry.Info, referral_id: str | None) -> Referral | None:
    if referral_id is None:
        return None
    data = await info.context.referral.loaders.referrals.load(str(referral_id))
    return Referral.from_json(data, info.context.staff.role)


async def _load_referrals(info: strawberry.Info, referral_ids: list[str]) -> list[Referral]:
    """In one batch with every other form this request loads."""
    rows = await info.context.referral.loaders.referrals.load_many([str(i) for i in referral_ids])
    return [Referral.from_json(data, info.context.staff.role) for data in rows]


@strawberry.type(
    description="A suggested referral: an identification whose guidance called a wealth manager, on "
    "the lobby's list for the day, filed with one action."
)
class Suggestion:
    suggestion_id: strawberry.ID
    branch_id: str
    business_day: date
    customer_id: str
    identification_id: strawberry.ID
    identified_at: datetime
    identified_at_local: str
    status: SuggestionStatus
    status_label: str = label_field("status", SuggestionStatus)
    referral_id: strawberry.ID | None = strawberry.field(description="the form filed from it")
    acted_by: str | None
    acted_at: datetime | None
    acted_at_local: str | None
    dismissal_reason: str | None

    @strawberry.field(description="The form filed from it, if any.")
    async def referral(self, info: strawberry.Info) -> Referral | None:
        return await _load_referral(info, self.referral_id)

    @classmethod
    def from_json(cls, data: dict) -> "Suggestion":
        return cls(
            suggestion_id=strawberry.ID(data["suggestion_id"]),
            branch_id=data["branch_id"],
            business_day=date.fromisoformat(str(data["business_day"])),
            customer_id=data["customer_id"],
            identification_id=strawberry.ID(data["identification_id"]),
            identified_at=datetime.fromisoformat(data["identified_at"]),
            identified_at_local=data["identified_at_local"],
            status=SuggestionStatus(data["status"]),
            referral_id=_id(data.get("referral_id")),
            acted_by=data.get("acted_by"),
            acted_at=_at(data.get("acted_at")),
            acted_at_local=_local(data.get("acted_at")),
            dismissal_reason=data.get("dismissal_reason"),
        )


# --- the close of business and the counts -----------------------------------------------------


@strawberry.type(
    description="One member of staff's forms in a period (推介统计表); withdrawn forms do not count."
)
class StaffReferralCount:
    staff_id: str
    role: str
    role_label: str = label_field("role", Role)
    filed: int
    referred: int = strawberry.field(description="filed as referred: handed over on the spot")
    pending: int = strawberry.field(description="filed as pending: card handed, contact agreed")
    met: int = strawberry.field(description="confirmed as met by the wealth manager")
    sold: int

    @classmethod
    def from_json(cls, data: dict) -> "StaffReferralCount":
        return cls(
            **{
                name: data[name]
                for name in ("staff_id", "role", "filed", "referred", "pending", "met", "sold")
            }
        )


@strawberry.type(description="An earlier day of the branch that still has forms awaiting the wealth manager.")
class DayLeftOpen:
    day: date
    closed: bool
    awaiting_confirmation_ids: strawberry.Private[list[str]]
    awaiting_copy_ids: strawberry.Private[list[str]]

    @strawberry.field(description="Referred forms the wealth manager has still to confirm.")
    async def awaiting_confirmation(self, info: strawberry.Info) -> list[Referral] | None:
        return await _load_referrals(info, self.awaiting_confirmation_ids)

    @strawberry.field(description="Pending forms the wealth manager has still to copy into the register.")
    async def awaiting_copy(self, info: strawberry.Info) -> list[Referral] | None:
        return await _load_referrals(info, self.awaiting_copy_ids)


@strawberry.type(
    description="A branch's day at the close of business (营业终了): every form of every teller and "
    "the lobby manager by what it awaits, the suggestions never acted on, counts per staff, and "
    "earlier days left open."
)
class ReferralDay:
    branch_id: str
    day: date
    status: DayStatus
    status_label: str = label_field("status", DayStatus)
    closed_by: str | None
    closed_at: datetime | None
    closed_at_local: str | None
    forms: list[Referral] = strawberry.field(description="every form of the day, in the order filed")
    awaiting_confirmation: list[Referral]
    awaiting_copy: list[Referral]
    done: list[Referral]
    withdrawn: list[Referral]
    suggestions_not_acted_on: list[Suggestion]
    counts: list[StaffReferralCount]
    earlier_days_left_open: list[DayLeftOpen] = strawberry.field(description="oldest first")

    @classmethod
    def from_json(cls, data: dict, role: Role) -> "ReferralDay":
        groups = {
            name: [Referral.from_json(r, role) for r in data[name]]
            for name in ("awaiting_confirmation", "awaiting_copy", "done", "withdrawn")
        }
        every = sorted((r for forms in groups.values() for r in forms), key=lambda r: r.referred_at)
        return cls(
            branch_id=data["branch_id"],
            day=date.fromisoformat(str(data["day"])),
            status=DayStatus(data["status"]),
            closed_by=data.get("closed_by"),
            closed_at=_at(data.get("closed_at")),
            closed_at_local=_local(data.get("closed_at")),
            forms=every,
            **groups,
            suggestions_not_acted_on=[Suggestion.from_json(s) for s in data["suggestions_not_acted_on"]],
            counts=[StaffReferralCount.from_json(c) for c in data["counts"]],
            earlier_days_left_open=[
                DayLeftOpen(
                    day=date.fromisoformat(str(d["day"])),
                    closed=d["closed"],
                    awaiting_confirmation_ids=d["awaiting_confirmation"],
                    awaiting_copy_ids=d["awaiting_copy"],
                )
                for d in data["earlier_days_left_open"]
            ],
        )


@strawberry.type(description="Referral counts per staff for a day, an ISO week or a month.")
class ReferralCounts:
    branch_id: str
    period: CountPeriod
    period_label: str = label_field("period", CountPeriod)
    first_day: date
    last_day: date
    counts: list[StaffReferralCount]

    @classmethod
    def from_json(cls, data: dict) -> "ReferralCounts":
        return cls(
            branch_id=data["branch_id"],
            period=CountPeriod(data["period"]),
            first_day=date.fromisoformat(str(data["first_day"])),
            last_day=date.fromisoformat(str(data["last_day"])),
            counts=[StaffReferralCount.from_json(c) for c in data["counts"]],
        )


@strawberry.type(
    description="Last month's counts per staff as sent to the branch head for appraisal, on the first "
    "working day of the month."
)
class MonthlySummary:
    branch_id: str
    month: str = strawberry.field(description="YYYY-MM")
    counts: list[StaffReferralCount]
    issued_at: datetime
    issued_at_local: str

    @classmethod
    def from_json(cls, data: dict) -> "MonthlySummary":
        return cls(
            branch_id=data["branch_id"],
            month=data["month"],
            counts=[StaffReferralCount.from_json(c) for c in data["counts"]],
            issued_at=datetime.fromisoformat(data["issued_at"]),
            issued_at_local=_local(data["issued_at"]),
        )


# --- the follow-up register (严禁泄漏) and the work diary ----------------------------------------


@strawberry.type(description="The wealth manager's analysis of the customer.")
class FollowUpAnalysis:
    means: str | None = strawberry.field(description="客户实力")
    character: str | None = strawberry.field(description="性格爱好")
    likely_needs: str | None = strawberry.field(description="可能的金融需求")


@strawberry.type(description="A contact attempt, its result and the next step.")
class Attempt:
    attempt_id: strawberry.ID
    way: ContactWayType
    way_label: str = label_field("way", ContactWay)
    result: AttemptResultType
    result_label: str = label_field("result", AttemptResult)
    attempted_at: datetime
    attempted_at_local: str
    recorded_by: str
    note: str | None
    next_step: str | None
    planned_contact_id: strawberry.ID | None = strawberry.field(description="the diary line it carried out")

    @classmethod
    def from_json(cls, data: dict) -> "Attempt":
        return cls(
            attempt_id=strawberry.ID(data["attempt_id"]),
            way=ContactWay(data["way"]),
            result=AttemptResult(data["result"]),
            attempted_at=datetime.fromisoformat(data["attempted_at"]),
            attempted_at_local=data["attempted_at_local"],
            recorded_by=data["recorded_by"],
            note=data.get("note"),
            next_step=data.get("next_step"),
            planned_contact_id=_id(data.get("planned_contact_id")),
        )


@strawberry.type(description="A planned contact: a line in the wealth manager's work diary for its day.")
class PlannedContact:
    contact_id: strawberry.ID
    entry_id: strawberry.ID
    day: date
    at_time: time | None = strawberry.field(description="in the branch's zone")
    way: ContactWayType
    way_label: str = label_field("way", ContactWay)
    purpose: str | None
    done_by_attempt_id: strawberry.ID | None
    person: Person | None = strawberry.field(description="whom to contact (in the diary)")

    @classmethod
    def from_json(cls, data: dict) -> "PlannedContact":
        at_time = data.get("at_time")
        return cls(
            contact_id=strawberry.ID(data["contact_id"]),
            entry_id=strawberry.ID(data["entry_id"]),
            day=date.fromisoformat(str(data["day"])),
            at_time=None if at_time is None else time.fromisoformat(at_time),
            way=ContactWay(data["way"]),
            purpose=data.get("purpose"),
            done_by_attempt_id=_id(data.get("done_by_attempt_id")),
            person=Person.from_json(data["person"]) if data.get("person") else None,
        )


@strawberry.type(description="An agreed meeting: an appointment in the wealth manager's diary.")
class Appointment:
    appointment_id: strawberry.ID
    entry_id: strawberry.ID
    meets_at: datetime
    meets_at_local: str
    place: str | None
    note: str | None
    person: Person | None = strawberry.field(description="whom to meet (in the diary)")

    @classmethod
    def from_json(cls, data: dict) -> "Appointment":
        return cls(
            appointment_id=strawberry.ID(data["appointment_id"]),
            entry_id=strawberry.ID(data["entry_id"]),
            meets_at=datetime.fromisoformat(data["meets_at"]),
            meets_at_local=data["meets_at_local"],
            place=data.get("place"),
            note=data.get("note"),
            person=Person.from_json(data["person"]) if data.get("person") else None,
        )


@strawberry.type(
    description="A follow-up register entry (待跟进客户信息记录表). Confidential: read by its wealth "
    "manager, the branch's heads and head office, and every read is recorded."
)
class FollowUpEntry:
    entry_id: strawberry.ID
    referral_id: strawberry.ID
    branch_id: str
    person: Person
    wealth_manager_id: str
    source: ReferralSourceType
    source_label: str = label_field("source", ReferralSource)
    opened_at: datetime
    opened_at_local: str
    status: FollowUpStatusType
    status_label: str = label_field("status", FollowUpStatus)
    abandon_proposed: bool = strawberry.field(description="the bank's number of failures in a row reached")
    failures_in_a_row: int
    analysis: FollowUpAnalysis
    closed_by: str | None
    closed_at: datetime | None
    closed_at_local: str | None
    attempts: list[Attempt]
    planned_contacts: list[PlannedContact]
    appointments: list[Appointment]

    @strawberry.field(description="The form it was copied from.")
    async def referral(self, info: strawberry.Info) -> Referral | None:
        return await _load_referral(info, self.referral_id)

    @classmethod
    def from_json(cls, data: dict) -> "FollowUpEntry":
        analysis = data.get("analysis") or {}
        return cls(
            entry_id=strawberry.ID(data["entry_id"]),
            referral_id=strawberry.ID(data["referral_id"]),
            branch_id=data["branch_id"],
            person=Person.from_json(data["person"]),
            wealth_manager_id=data["wealth_manager_id"],
            source=ReferralSource(data["source"]),
            opened_at=datetime.fromisoformat(data["opened_at"]),
            opened_at_local=_local(data["opened_at"]),
            status=FollowUpStatus(data["status"]),
            abandon_proposed=data["abandon_proposed"],
            failures_in_a_row=data["failures_in_a_row"],
            analysis=FollowUpAnalysis(
                means=analysis.get("means"),
                character=analysis.get("character"),
                likely_needs=analysis.get("likely_needs"),
            ),
            closed_by=data.get("closed_by"),
            closed_at=_at(data.get("closed_at")),
            closed_at_local=_local(data.get("closed_at")),
            attempts=[Attempt.from_json(a) for a in data["attempts"]],
            planned_contacts=[PlannedContact.from_json(p) for p in data["planned_contacts"]],
            appointments=[Appointment.from_json(a) for a in data["appointments"]],
        )


@strawberry.type(description="An entry's state after a change: open, abandon proposed, or closed.")
class FollowUpState:
    entry_id: strawberry.ID
    status: FollowUpStatusType
    status_label: str = label_field("status", FollowUpStatus)
    failures_in_a_row: int
    abandon_proposed: bool

    @classmethod
    def from_json(cls, data: dict) -> "FollowUpState":
        return cls(
            entry_id=strawberry.ID(data["entry_id"]),
            status=FollowUpStatus(data["status"]),
            failures_in_a_row=data["failures_in_a_row"],
            abandon_proposed=data["abandon_proposed"],
        )


@strawberry.type(
    description="An attempt recorded, the next contact planned and the appointment made with it."
)
class AttemptRecorded:
    entry_id: strawberry.ID
    status: FollowUpStatusType
    status_label: str = label_field("status", FollowUpStatus)
    failures_in_a_row: int
    abandon_proposed: bool = strawberry.field(description="confirm with decideAbandon, or keep going")
    attempt: Attempt
    next_contact: PlannedContact | None
    appointment: Appointment | None

    @classmethod
    def from_json(cls, data: dict) -> "AttemptRecorded":
        nxt, meeting = data.get("next_contact"), data.get("appointment")
        return cls(
            entry_id=strawberry.ID(data["entry_id"]),
            status=FollowUpStatus(data["status"]),
            failures_in_a_row=data["failures_in_a_row"],
            abandon_proposed=data["abandon_proposed"],
            attempt=Attempt.from_json(data["attempt"]),
            next_contact=None if nxt is None else PlannedContact.from_json(nxt),
            appointment=None if meeting is None else Appointment.from_json(meeting),
        )


@strawberry.type(
    description="A wealth manager's work diary for a day (工作日志): whom to contact, whom to meet."
)
class WorkDiary:
    wealth_manager_id: str
    day: date
    planned_contacts: list[PlannedContact]
    appointments: list[Appointment]

    @classmethod
    def from_json(cls, data: dict) -> "WorkDiary":
        return cls(
            wealth_manager_id=data["wealth_manager_id"],
            day=date.fromisoformat(str(data["day"])),
            planned_contacts=[PlannedContact.from_json(p) for p in data["planned_contacts"]],
            appointments=[Appointment.from_json(a) for a in data["appointments"]],
        )


@strawberry.type(description="One read of a register entry: who, when, which entry, through what.")
class RegisterRead:
    entry_id: strawberry.ID
    read_by: str
    reader_role: str
    reader_role_label: str = label_field("reader_role", Role)
    reader_branch: str
    read_at: datetime
    read_at_local: str
    via: str = strawberry.field(description="entry, batch, register or diary")

    @classmethod
    def from_json(cls, data: dict) -> "RegisterRead":
        return cls(
            entry_id=strawberry.ID(data["entry_id"]),
            read_by=data["read_by"],
            reader_role=data["reader_role"],
            reader_branch=data["reader_branch"],
            read_at=datetime.fromisoformat(data["read_at"]),
            read_at_local=data["read_at_local"],
            via=data["via"],
        )


# --- targeted marketing (定向营销) --------------------------------------------------------------


@strawberry.type(
    description="A person met through targeted marketing, and their handover to a wealth manager."
)
class Participant:
    person_id: strawberry.ID
    person: Person
    role: ParticipantRole
    role_label: str = label_field("role", ParticipantRole)
    brought_by: strawberry.ID | None = strawberry.field(description="a guest: the attendee who brought them")
    referral_id: strawberry.ID | None = strawberry.field(description="the pending form of the handover")
    handed_to: str | None = strawberry.field(description="the wealth manager they were handed to")

    @strawberry.field(description="The pending form the handover filed, if any.")
    async def referral(self, info: strawberry.Info) -> Referral | None:
        return await _load_referral(info, self.referral_id)


@strawberry.type(description="An introduction, a field visit, or a seminar or salon, with the people met.")
class MarketingActivity:
    activity_id: strawberry.ID
    kind: ActivityKind
    kind_label: str = label_field("kind", ActivityKind)
    branch_id: str
    organised_by: str
    organiser_role: str
    organiser_role_label: str = label_field("organiser_role", Role)
    day: date
    created_at: datetime
    created_at_local: str
    topic: str | None
    place: str | None
    introducer_customer_id: str | None
    thanked_by: str | None = strawberry.field(description="an introduction: who thanked the introducer")
    thanked_at: datetime | None
    reward_due: bool
    participants: list[Participant]

    @classmethod
    def from_json(cls, data: dict) -> "MarketingActivity":
        return cls(
            activity_id=strawberry.ID(data["activity_id"]),
            kind=ActivityKind(data["kind"]),
            branch_id=data["branch_id"],
            organised_by=data["organised_by"],
            organiser_role=data["organiser_role"],
            day=date.fromisoformat(str(data["day"])),
            created_at=datetime.fromisoformat(data["created_at"]),
            created_at_local=_local(data["created_at"]),
            topic=data.get("topic"),
            place=data.get("place"),
            introducer_customer_id=data.get("introducer_customer_id"),
            thanked_by=data.get("thanked_by"),
            thanked_at=_at(data.get("thanked_at")),
            reward_due=data["reward_due"],
            participants=[
                Participant(
                    person_id=strawberry.ID(p["person_id"]),
                    person=Person.from_json(p["person"]),
                    role=ParticipantRole(p["role"]),
                    brought_by=_id(p.get("brought_by")),
                    referral_id=_id(p.get("referral_id")),
                    handed_to=p.get("handed_to"),
                )
                for p in data["participants"]
            ],
        )


# --- the wealth manager's live push -----------------------------------------------------------


@strawberry.type(
    description="A customer referred to you on the spot: waiting in the lobby. Who referred them and "
    "when come with the event; the form (the customer's name as you may read it) from the referral "
    "service."
)
class WaitingCustomer:
    referral_id: strawberry.ID
    customer_id: str = strawberry.field(description="the customer id, or a walk-in's prospect id (P…)")
    referred_by: str
    referrer_role: str
    referrer_role_label: str = label_field("referrer_role", Role)
    referred_at: datetime
    referred_at_local: str

    @strawberry.field(description="The form, as the referral service shows it to you.")
    async def referral(self, info: strawberry.Info) -> Referral | None:
        ctx = info.context
        data = await ctx.referral.client.referral(ctx.staff.token, str(self.referral_id))
        return Referral.from_json(data, ctx.staff.role)


# --- inputs -------------------------------------------------------------------------------------


@strawberry.input(description="A walk-in the bank has no customer id for yet.")
class WalkInInput:
    name: str
    phone: str = strawberry.field(description="e.g. 138 1234 5678")


@strawberry.input(description="Exactly one of an existing customer's id or a walk-in.")
class PersonInput:
    customer_id: str | None = None
    prospect: WalkInInput | None = None

    def to_json(self) -> dict:
        if self.prospect is not None:
            body = {"prospect": {"name": self.prospect.name, "phone": self.prospect.phone}}
        else:
            body = {}
        return body | ({"customer_id": self.customer_id} if self.customer_id is not None else {})


@strawberry.input(description="When and how the wealth manager will contact the customer.")
class ContactInput:
    at: datetime = strawberry.field(description="with its zone, e.g. 2026-11-25T10:00:00+08:00")
    way: ContactWayType

    def to_json(self) -> dict:
        return {"at": self.at.isoformat(), "way": ContactWay(self.way).value}


def _optional(**fields) -> dict:
    return {name: value for name, value in fields.items() if value is not None}


@strawberry.input(
    description="A referral form: REFERRED (handed over on the spot) or PENDING (with the contact)."
)
class ReferralInput:
    status: FilingStatus
    wealth_manager_id: str
    customer_id: str | None = None
    prospect: WalkInInput | None = None
    contact: ContactInput | None = strawberry.field(default=None, description="required when PENDING")
    source: ReferralSourceType | None = strawberry.field(
        default=None,
        description="default: the caller's own (COUNTER for tellers, LOBBY for the lobby manager)",
    )
    identification_id: strawberry.ID | None = strawberry.field(
        default=None, description="the lobby identification"
    )
    note: str | None = None
    referral_id: strawberry.ID | None = strawberry.field(
        default=None, description="chosen by the client (a UUID), so that a retry never files twice"
    )

    def to_json(self) -> dict:
        person = PersonInput(customer_id=self.customer_id, prospect=self.prospect).to_json()
        return person | {
            "status": FilingStatus(self.status).value,
            "wealth_manager_id": self.wealth_manager_id,
            **_optional(
                contact=None if self.contact is None else self.contact.to_json(),
                source=None if self.source is None else ReferralSource(self.source).value,
                identification_id=self.identification_id,
                note=self.note,
                referral_id=self.referral_id,
            ),
        }


@strawberry.input(
    description="Filing a suggested referral: the customer and the identification are the suggestion's."
)
class SuggestionReferralInput:
    status: FilingStatus
    wealth_manager_id: str
    contact: ContactInput | None = strawberry.field(default=None, description="required when PENDING")
    note: str | None = None
    referral_id: strawberry.ID | None = None

    def to_json(self) -> dict:
        return {
            "status": FilingStatus(self.status).value,
            "wealth_manager_id": self.wealth_manager_id,
            **_optional(
                contact=None if self.contact is None else self.contact.to_json(),
                note=self.note,
                referral_id=self.referral_id,
            ),
        }


@strawberry.input
class AnalysisInput:
    means: str | None = strawberry.field(default=None, description="客户实力")
    character: str | None = strawberry.field(default=None, description="性格爱好")
    likely_needs: str | None = strawberry.field(default=None, description="可能的金融需求")

    def to_json(self) -> dict:
        return _optional(means=self.means, character=self.character, likely_needs=self.likely_needs)


@strawberry.input(description="A contact to plan: a line in the diary of its day.")
class PlannedContactInput:
    day: date
    way: ContactWayType
    at_time: time | None = None
    purpose: str | None = None

    def to_json(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "way": ContactWay(self.way).value,
            **_optional(
                at_time=None if self.at_time is None else self.at_time.isoformat(), purpose=self.purpose
            ),
        }


@strawberry.input(description="An agreed meeting.")
class MeetingInput:
    meets_at: datetime = strawberry.field(description="with its zone")
    place: str | None = None
    note: str | None = None

    def to_json(self) -> dict:
        return {"meets_at": self.meets_at.isoformat(), **_optional(place=self.place, note=self.note)}


@strawberry.input(description="A contact attempt; MEETING_AGREED comes with the meeting.")
class AttemptInput:
    way: ContactWayType
    result: AttemptResultType
    attempted_at: datetime | None = strawberry.field(default=None, description="default: now")
    note: str | None = None
    next_step: str | None = None
    planned_contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="the diary line it carries out"
    )
    next_contact: PlannedContactInput | None = None
    meeting: MeetingInput | None = None

    def to_json(self) -> dict:
        return {
            "way": ContactWay(self.way).value,
            "result": AttemptResult(self.result).value,
            **_optional(
                attempted_at=None if self.attempted_at is None else self.attempted_at.isoformat(),
                note=self.note,
                next_step=self.next_step,
                planned_contact_id=self.planned_contact_id,
                next_contact=None if self.next_contact is None else self.next_contact.to_json(),
                meeting=None if self.meeting is None else self.meeting.to_json(),
            ),
        }


@strawberry.input(description="Friends or relatives an existing customer introduced (现有优质客户介绍).")
class IntroductionInput:
    day: date
    introducer_customer_id: str
    introduced: list[PersonInput]

    def to_json(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "introducer_customer_id": self.introducer_customer_id,
            "introduced": [p.to_json() for p in self.introduced],
        }


@strawberry.input(description="A field visit (外勤访问) and the people met.")
class FieldVisitInput:
    day: date
    place: str
    met: list[PersonInput]

    def to_json(self) -> dict:
        return {"day": self.day.isoformat(), "place": self.place, "met": [p.to_json() for p in self.met]}


@strawberry.input(description="Someone who came, and the friends they brought.")
class AttendeeInput:
    customer_id: str | None = None
    prospect: WalkInInput | None = None
    friends: list[PersonInput] = strawberry.field(default_factory=list)

    def to_json(self) -> dict:
        person = PersonInput(customer_id=self.customer_id, prospect=self.prospect).to_json()
        return person | {"friends": [f.to_json() for f in self.friends]}


@strawberry.input(description="A seminar or salon (金融研讨会 / 理财沙龙).")
class SeminarInput:
    day: date
    topic: str
    place: str
    attendees: list[AttendeeInput]
    kind: SeminarKind = SeminarKind.SEMINAR

    def to_json(self) -> dict:
        return {
            "kind": SeminarKind(self.kind).value,
            "day": self.day.isoformat(),
            "topic": self.topic,
            "place": self.place,
            "attendees": [a.to_json() for a in self.attendees],
        }


@strawberry.input(
    description="A person handed to a wealth manager with their data: a pending form in their register."
)
class HandoverInput:
    wealth_manager_id: str
    contact: ContactInput
    note: str | None = strawberry.field(default=None, description="the customer's data handed over")
    referral_id: strawberry.ID | None = None

    def to_json(self) -> dict:
        return {
            "wealth_manager_id": self.wealth_manager_id,
            "contact": self.contact.to_json(),
            **_optional(note=self.note, referral_id=self.referral_id),
        }
