"""Walk-in prospects: recorded without a customer id, linked once they have an account."""

from datetime import datetime

import strawberry

from branchflow_contracts import Channel, VisitPurpose
from branchflow_gateway.identify.types.codes import ChannelType, VisitPurposeType
from branchflow_gateway.identify.types.lobby import Guidance, SignalInput
from branchflow_gateway.identify.types.shared import datetime_or_none


@strawberry.input(description="A walk-in who is not our customer yet: no customer id is invented.")
class ProspectInput:
    name: str
    phone: str | None = None
    purpose: VisitPurposeType = VisitPurpose.OTHER
    channel: ChannelType = Channel.BRANCH
    customer_has_time: bool | None = None
    signals: list[SignalInput] = strawberry.field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            **({"phone": self.phone} if self.phone is not None else {}),
            "purpose": VisitPurpose(self.purpose).value,
            "channel": Channel(self.channel).value,
            **({"customer_has_time": self.customer_has_time} if self.customer_has_time is not None else {}),
            "signals": [s.to_json() for s in self.signals],
        }


@strawberry.type
class ProspectRecorded:
    prospect_id: strawberry.ID
    identification_id: strawberry.ID
    guidance: Guidance
    identified_at: datetime


@strawberry.type(description="The prospect now has an account: their identifications follow the customer id.")
class ProspectLinked:
    prospect_id: strawberry.ID
    customer_id: str


@strawberry.type(
    description="A walk-in prospect, for those who follow prospects up; contact masked unless yours."
)
class Prospect:
    prospect_id: strawberry.ID
    branch_id: str
    name: str
    phone: str | None
    contact_masked: bool
    recorded_by: str
    recorded_at: datetime
    recorded_at_local: str
    customer_id: str | None = strawberry.field(description="once linked to an account")
    linked_at: datetime | None

    @classmethod
    def from_json(cls, data: dict) -> "Prospect":
        return cls(
            prospect_id=strawberry.ID(data["prospect_id"]),
            branch_id=data["branch_id"],
            name=data["name"],
            phone=data.get("phone"),
            contact_masked=data["contact_masked"],
            recorded_by=data["recorded_by"],
            recorded_at=datetime.fromisoformat(data["recorded_at"]),
            recorded_at_local=data["recorded_at_local"],
            customer_id=data.get("customer_id"),
            linked_at=datetime_or_none(data.get("linked_at")),
        )
