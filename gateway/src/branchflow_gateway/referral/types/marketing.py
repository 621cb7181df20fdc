"""Targeted marketing (定向营销): introductions, field visits, seminars and salons, with the
people met and their handovers."""

from datetime import date, datetime

import strawberry

from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.codes import ActivityKind, ParticipantRole
from branchflow_gateway.referral.types.forms import Person, Referral, load_referral
from branchflow_gateway.referral.types.shared import at_or_none, id_or_none, local_or_none
from branchflow_runtime.auth import Role


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
        return await load_referral(info, self.referral_id)


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
            created_at_local=local_or_none(data["created_at"]),
            topic=data.get("topic"),
            place=data.get("place"),
            introducer_customer_id=data.get("introducer_customer_id"),
            thanked_by=data.get("thanked_by"),
            thanked_at=at_or_none(data.get("thanked_at")),
            reward_due=data["reward_due"],
            participants=[
                Participant(
                    person_id=strawberry.ID(p["person_id"]),
                    person=Person.from_json(p["person"]),
                    role=ParticipantRole(p["role"]),
                    brought_by=id_or_none(p.get("brought_by")),
                    referral_id=id_or_none(p.get("referral_id")),
                    handed_to=p.get("handed_to"),
                )
                for p in data["participants"]
            ],
        )
