"""The branch's identifications for those who may read tiers: each one, the day's counts, and
the trace of the request that made one."""

from datetime import date, datetime
from decimal import Decimal

import strawberry

from branchflow_contracts import Channel, CustomerTier, IdentificationReason
from branchflow_gateway.identify.types.codes import ChannelType, CustomerTierType
from branchflow_gateway.identify.types.lobby import Guidance
from branchflow_gateway.label_fields import label_field
from branchflow_runtime.auth import Role


@strawberry.type(
    description="An identification in the branch, for those who may read tiers: a visiting customer's "
    "tier and score stay with the home branch (null here)."
)
class BranchIdentification:
    identification_id: strawberry.ID
    customer_id: str
    branch_id: str
    customer_branch_id: str
    visiting: bool
    channel: ChannelType
    tier: CustomerTierType | None
    previous_tier: CustomerTierType | None
    score: Decimal | None
    guidance: Guidance | None
    reason: str = strawberry.field(description="observation | system_mining")
    identified_by: str | None
    identified_at: datetime
    identified_at_local: str

    channel_label: str = label_field("channel", Channel)
    tier_label: str | None = label_field("tier", CustomerTier, optional=True)
    previous_tier_label: str | None = label_field("previous_tier", CustomerTier, optional=True)
    reason_label: str = label_field("reason", IdentificationReason)

    @classmethod
    def from_json(cls, data: dict) -> "BranchIdentification":
        return cls(
            identification_id=strawberry.ID(data["identification_id"]),
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            customer_branch_id=data["customer_branch_id"],
            visiting=data["visiting"],
            channel=Channel(data["channel"]),
            tier=CustomerTier(data["tier"]) if data.get("tier") else None,
            previous_tier=CustomerTier(data["previous_tier"]) if data.get("previous_tier") else None,
            score=Decimal(str(data["score"])) if data.get("score") is not None else None,
            guidance=Guidance.from_json(data["guidance"]) if data.get("guidance") else None,
            reason=data["reason"],
            identified_by=data.get("identified_by"),
            identified_at=datetime.fromisoformat(data["identified_at"]),
            identified_at_local=data["identified_at_local"],
        )


@strawberry.type
class TierCount:
    tier: CustomerTierType
    tier_label: str = label_field("tier", CustomerTier)
    count: int


@strawberry.type
class ChannelCount:
    channel: ChannelType
    channel_label: str = label_field("channel", Channel)
    count: int


@strawberry.type(description="The customers one staff member identified that day, each once.")
class StaffCount:
    staff_id: str
    role: str | None
    customers: int
    by_tier: list[TierCount]
    visiting: int = strawberry.field(description="customers of other branches (their tier is theirs)")
    role_label: str | None = label_field("role", Role, optional=True)


@strawberry.type(
    description="A branch's identifications of a day (branch time), counted in customers (one identified "
    "three times is one): byTier by their last tier that day, byChannel by the channel that found them "
    "first. Re-ratings are not identifications."
)
class IdentificationCounts:
    branch_id: str
    day: date
    total: int
    by_tier: list[TierCount] = strawberry.field(description="the branch's own customers, by tier")
    visiting: int = strawberry.field(
        description="customers of other branches: their tier is not counted here"
    )
    by_channel: list[ChannelCount]
    by_staff: list[StaffCount] | None = strawberry.field(description="for those who appraise staff")

    @classmethod
    def from_json(cls, data: dict) -> "IdentificationCounts":
        by_staff = data.get("by_staff")
        return cls(
            branch_id=data["branch_id"],
            day=date.fromisoformat(str(data["day"])),
            total=data["total"],
            by_tier=_tier_counts(data["by_tier"]),
            visiting=data.get("visiting", 0),
            by_channel=[ChannelCount(channel=Channel(c), count=n) for c, n in data["by_channel"].items()],
            by_staff=None
            if by_staff is None
            else [
                StaffCount(
                    staff_id=s["staff_id"],
                    role=s.get("role"),
                    customers=s["customers"],
                    by_tier=_tier_counts(s["by_tier"]),
                    visiting=s.get("visiting", 0),
                )
                for s in by_staff
            ],
        )


def _tier_counts(by_tier: dict) -> list[TierCount]:
    return [TierCount(tier=CustomerTier(t), count=n) for t, n in by_tier.items()]


@strawberry.type(description="From an identification to the trace of the request that made it.")
class IdentificationTrace:
    identification_id: strawberry.ID
    branch_id: str
    trace_id: str | None
    identified_at: datetime
    trace_url: str | None = strawberry.field(
        default=None, description="Where the trace opens in the trace viewer (none if not configured)."
    )
