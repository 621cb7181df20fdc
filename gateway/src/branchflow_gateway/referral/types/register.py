"""The follow-up register (严禁泄漏): entries, attempts, the work diary's planned contacts and
appointments, and the log of who read an entry."""

from datetime import date, datetime, time

import strawberry

from branchflow_contracts import AttemptResult, ContactWay, FollowUpStatus, ReferralSource
from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.codes import (
    AttemptResultType,
    ContactWayType,
    FollowUpStatusType,
    ReferralSourceType,
)
from branchflow_gateway.referral.types.forms import Person, Referral, load_referral
from branchflow_gateway.referral.types.shared import at_or_none, id_or_none, local_or_none
from branchflow_runtime.auth import Role


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
            planned_contact_id=id_or_none(data.get("planned_contact_id")),
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
            done_by_attempt_id=id_or_none(data.get("done_by_attempt_id")),
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
        return await load_referral(info, self.referral_id)

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
            opened_at_local=local_or_none(data["opened_at"]),
            status=FollowUpStatus(data["status"]),
            abandon_proposed=data["abandon_proposed"],
            failures_in_a_row=data["failures_in_a_row"],
            analysis=FollowUpAnalysis(
                means=analysis.get("means"),
                character=analysis.get("character"),
                likely_needs=analysis.get("likely_needs"),
            ),
            closed_by=data.get("closed_by"),
            closed_at=at_or_none(data.get("closed_at")),
            closed_at_local=local_or_none(data.get("closed_at")),
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
