"""The REST API's request and response bodies. Validation errors name the field and the reason
(FastAPI's 422 ``detail`` carries each error's ``loc`` and ``msg``). No body carries a tier, a
score or an amount: the service holds none."""

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    FollowUpStatus,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    StaffReferralCounts,
    Verdict,
)
from referral.domain.marketing import ActivityKind, ParticipantRole
from referral.domain.periods import Period
from referral.domain.suggestion import SuggestionStatus

CustomerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
BranchId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
StaffId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
# free text as staff type it: any script, tabs and line breaks, but no other control characters
_PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
# a calendar day the services can turn into an interval (the first and last a datetime holds cannot)
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))]
# a moment the services can store and show in the branch's time zone: one near the largest a
# datetime holds (9999-12-31) could not be moved to Asia/Shanghai for the answer (a 500)
Moment = Annotated[
    AwareDatetime,
    Field(
        ge=datetime.fromisoformat("2000-01-01T00:00:00+00:00"),
        le=datetime.fromisoformat("2999-12-31T23:59:59+00:00"),
    ),
]
MAX_BATCH = 200  # ids per batch read (a GraphQL DataLoader's batch)


def plain_text(max_length: int, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=_PLAIN)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProspectIn(Body):
    """A walk-in the bank has no customer id for: a name and a phone."""

    name: plain_text(64, 1)
    phone: str = Field(pattern=r"^\+?[0-9 -]{7,24}$", examples=["138 1234 5678"])


class PersonIn(Body):
    """Exactly one of an existing customer's id or a prospect."""

    customer_id: CustomerId | None = None
    prospect: ProspectIn | None = None

    @model_validator(mode="after")
    def _one_of(self) -> "PersonIn":
        if (self.customer_id is None) == (self.prospect is None):
            raise ValueError("give either customer_id or prospect (name and phone), not both")
        return self


class ContactIn(Body):
    """When and how the wealth manager will contact the customer (待跟进)."""

    at: Moment
    way: ContactWay


class ReferralIn(PersonIn):
    referral_id: uuid.UUID | None = Field(
        default=None, description="chosen by the client so that a retry never files twice; default: a new one"
    )
    source: ReferralSource | None = Field(
        default=None,
        description="default: the caller's own (counter for tellers, lobby for the lobby manager)",
    )
    status: Literal["referred", "pending"]
    wealth_manager_id: StaffId
    contact: ContactIn | None = Field(default=None, description="required when pending")
    identification_id: uuid.UUID | None = Field(default=None, description="the lobby identification, if any")
    note: plain_text(500) | None = None


class SuggestionReferralIn(Body):
    referral_id: uuid.UUID | None = None
    status: Literal["referred", "pending"]
    wealth_manager_id: StaffId
    contact: ContactIn | None = None
    note: plain_text(500) | None = None


class ReasonIn(Body):
    reason: plain_text(200, 1)


class ConfirmationIn(Body):
    met: bool
    result: MarketingResult


class AnalysisIn(Body):
    means: plain_text(1000) | None = Field(default=None, description="客户实力")
    character: plain_text(1000) | None = Field(default=None, description="性格爱好")
    likely_needs: plain_text(1000) | None = Field(default=None, description="可能的金融需求")


class PlannedContactIn(Body):
    day: Day
    way: ContactWay
    at_time: time | None = None
    purpose: plain_text(300) | None = None


class MeetingIn(Body):
    meets_at: Moment
    place: plain_text(200) | None = None
    note: plain_text(500) | None = None


class AttemptIn(Body):
    way: ContactWay
    result: AttemptResult
    attempted_at: Moment | None = Field(default=None, description="default: now")
    note: plain_text(1000) | None = None
    next_step: plain_text(500) | None = None
    planned_contact_id: uuid.UUID | None = Field(default=None, description="the diary line it carries out")
    next_contact: PlannedContactIn | None = None
    meeting: MeetingIn | None = Field(
        default=None, description="required with, and only with, meeting_agreed"
    )


class AbandonDecisionIn(Body):
    abandon: bool = Field(description="true: confirm the register's proposal; false: keep following up")


class VerdictIn(Body):
    verdict: Verdict


class IntroductionIn(Body):
    day: Day
    introducer_customer_id: CustomerId
    introduced: list[PersonIn] = Field(min_length=1, max_length=20)


class FieldVisitIn(Body):
    day: Day
    place: plain_text(200, 1)
    met: list[PersonIn] = Field(min_length=1, max_length=100)


class AttendeeIn(PersonIn):
    friends: list[PersonIn] = Field(default_factory=list, max_length=5, description="friends they brought")


class SeminarIn(Body):
    kind: Literal["seminar", "salon"] = "seminar"
    day: Day
    topic: plain_text(200, 1)
    place: plain_text(200, 1)
    attendees: list[AttendeeIn] = Field(min_length=1, max_length=300)


class HandoverIn(Body):
    referral_id: uuid.UUID | None = None
    wealth_manager_id: StaffId
    contact: ContactIn
    note: plain_text(1000) | None = Field(default=None, description="the customer's data handed over")


class ThanksIn(Body):
    reward_due: bool = False


# answers


class PersonOut(BaseModel):
    customer_id: str | None
    prospect_id: str | None
    name: str | None = Field(description="a prospect's; masked unless yours to see")
    phone: str | None = Field(description="a prospect's; masked unless yours to see")
    personal_data_masked: bool


class ReferralOut(BaseModel):
    referral_id: str
    branch_id: str
    business_day: date = Field(description="the branch's day (Asia/Shanghai) it was filed on")
    person: PersonOut
    referred_by: str
    referrer_role: str
    source: ReferralSource
    filed_as: ReferralStatus
    status: ReferralStatus
    wealth_manager_id: str
    referred_at: datetime
    referred_at_local: str
    identification_id: str | None
    suggestion_id: str | None
    activity_id: str | None
    contact_at: datetime | None
    contact_way: ContactWay | None
    note: str | None
    met: bool | None
    result: str | None = Field(description="sold | follow_up | not_premium; lobby and counter see closed")
    closed_by: str | None
    closed_at: datetime | None
    entry_id: str | None
    withdrawal_reason: str | None


class SuggestionOut(BaseModel):
    suggestion_id: str
    branch_id: str
    business_day: date
    customer_id: str
    identification_id: str
    identified_at: datetime
    identified_at_local: str
    status: SuggestionStatus
    referral_id: str | None
    acted_by: str | None
    acted_at: datetime | None
    dismissal_reason: str | None


class DayLeftOpenOut(BaseModel):
    day: date
    closed: bool
    awaiting_confirmation: list[str] = Field(description="referral ids")
    awaiting_copy: list[str] = Field(description="referral ids")


class ReconciliationOut(BaseModel):
    """A branch's day at the close of business (营业终了)."""

    branch_id: str
    day: date
    status: Literal["open", "closed"]
    closed_by: str | None
    closed_at: datetime | None
    awaiting_confirmation: list[ReferralOut]
    awaiting_copy: list[ReferralOut]
    done: list[ReferralOut]
    withdrawn: list[ReferralOut]
    suggestions_not_acted_on: list[SuggestionOut]
    counts: list[StaffReferralCounts]
    earlier_days_left_open: list[DayLeftOpenOut] = Field(
        description="earlier days with open items, oldest first"
    )


class CountsOut(BaseModel):
    branch_id: str
    period: Period
    first_day: date
    last_day: date
    counts: list[StaffReferralCounts]


class SummaryOut(BaseModel):
    branch_id: str
    month: str
    counts: list[StaffReferralCounts]
    issued_at: datetime


class AttemptOut(BaseModel):
    attempt_id: str
    way: ContactWay
    result: AttemptResult
    attempted_at: datetime
    attempted_at_local: str
    recorded_by: str
    note: str | None
    next_step: str | None
    planned_contact_id: str | None


class PlannedContactOut(BaseModel):
    contact_id: str
    entry_id: str
    day: date
    at_time: time | None
    way: ContactWay
    purpose: str | None
    done_by_attempt_id: str | None


class AppointmentOut(BaseModel):
    appointment_id: str
    entry_id: str
    meets_at: datetime
    meets_at_local: str
    place: str | None
    note: str | None


class EntryOut(BaseModel):
    """A follow-up register entry. Confidential: each answer is recorded as a read."""

    entry_id: str
    referral_id: str
    branch_id: str
    person: PersonOut
    wealth_manager_id: str
    source: ReferralSource
    opened_at: datetime
    status: FollowUpStatus
    abandon_proposed: bool
    failures_in_a_row: int
    analysis: dict[str, str]
    closed_by: str | None
    closed_at: datetime | None
    attempts: list[AttemptOut]
    planned_contacts: list[PlannedContactOut]
    appointments: list[AppointmentOut]


class AttemptRecordedOut(BaseModel):
    entry_id: str
    status: FollowUpStatus
    failures_in_a_row: int
    abandon_proposed: bool
    attempt: AttemptOut
    next_contact: PlannedContactOut | None
    appointment: AppointmentOut | None


class DiaryContactOut(PlannedContactOut):
    person: PersonOut


class DiaryAppointmentOut(AppointmentOut):
    person: PersonOut


class DiaryOut(BaseModel):
    """A wealth manager's work diary for a day (工作日志): what to contact, whom to meet."""

    wealth_manager_id: str
    day: date
    planned_contacts: list[DiaryContactOut]
    appointments: list[DiaryAppointmentOut]


class RegisterReadOut(BaseModel):
    entry_id: str
    read_by: str
    reader_role: str
    reader_branch: str
    read_at: datetime
    read_at_local: str
    via: str


class ParticipantOut(BaseModel):
    person_id: str
    person: PersonOut
    role: ParticipantRole
    brought_by: str | None
    referral_id: str | None
    handed_to: str | None


class ActivityOut(BaseModel):
    activity_id: str
    kind: ActivityKind
    branch_id: str
    organised_by: str
    organiser_role: str
    day: date
    created_at: datetime
    topic: str | None
    place: str | None
    introducer_customer_id: str | None
    thanked_by: str | None
    thanked_at: datetime | None
    reward_due: bool
    participants: list[ParticipantOut]


class RefusalOut(BaseModel):
    """A 409: the state forbids the request. ``code`` for programs, ``detail`` for people."""

    code: str
    detail: str
