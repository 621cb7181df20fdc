"""A customer's comprehensive rating and the lines of its explanation."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from branchflow_contracts import CustomerTier
from branchflow_gateway.identify.types.codes import CustomerTierType
from branchflow_gateway.label_fields import label_field


@strawberry.type(
    description="A line of the explanation: its code and params, and detail, the line in your language. "
    "Lines with factor `tier` say why this type and why not the next one up."
)
class ScoreItem:
    factor: str
    factor_label: str | None
    code: str | None
    params: JSON
    detail: str
    points: Decimal


@strawberry.type(description="A customer's comprehensive rating and what counted.")
class Rating:
    customer_id: str
    branch_id: str
    tier: CustomerTierType
    score: Decimal
    explanation: list[ScoreItem]
    decided_by: str = strawberry.field(description="the tier rule that matched, in your language")
    rules_version: str
    rated_at: datetime

    tier_label: str = label_field("tier", CustomerTier)

    @classmethod
    def from_json(cls, data: dict) -> "Rating":
        return cls(
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            tier=CustomerTier(data["tier"]),
            score=Decimal(str(data["score"])),
            explanation=[
                ScoreItem(
                    factor=i["factor"],
                    factor_label=i.get("factor_label"),
                    code=i.get("code"),
                    params=i.get("params") or {},
                    detail=i["detail"],
                    points=Decimal(str(i["points"])),
                )
                for i in data["explanation"]
            ],
            decided_by=data["decided_by"],
            rules_version=data["rules_version"],
            rated_at=datetime.fromisoformat(data["rated_at"]),
        )
