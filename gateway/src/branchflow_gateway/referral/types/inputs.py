"""What callers send: forms, suggestions filed, the register's analysis, contacts, attempts
and meetings, and marketing activities with their handovers."""

from datetime import date, datetime, time

import strawberry

from branchflow_contracts import AttemptResult, ContactWay, ReferralSource
from branchflow_gateway.referral.types.codes import (
    AttemptResultType,
    ContactWayType,
    FilingStatus,
    ReferralSourceType,
    SeminarKind,
)


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
