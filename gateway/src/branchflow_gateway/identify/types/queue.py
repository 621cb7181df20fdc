"""Second diversion (二次分流): people already queuing, asked what they came for."""

from datetime import date, datetime

import strawberry

from branchflow_contracts import GuidanceAction, VisitPurpose
from branchflow_gateway.identify.types.codes import GuidanceActionType, VisitPurposeType
from branchflow_gateway.identify.types.lobby import Guidance
from branchflow_gateway.label_fields import label_field


@strawberry.input(description="Someone already queuing, asked what they came for.")
class QueueCheckInput:
    purpose: VisitPurposeType
    ticket: str | None = strawberry.field(default=None, description="the queue ticket number, e.g. A017")
    customer_id: str | None = strawberry.field(default=None, description="if known: guided on their rating")

    def to_json(self) -> dict:
        body = {"purpose": VisitPurpose(self.purpose).value}
        return body | {k: v for k, v in (("ticket", self.ticket), ("customer_id", self.customer_id)) if v}


@strawberry.type(description="One person asked in the queue, and where they were sent.")
class QueueCheck:
    check_id: strawberry.ID
    ticket: str | None
    customer_id: str | None
    purpose: VisitPurposeType
    guidance: Guidance
    moved: bool = strawberry.field(description="sent out of the queue (self-service, e-banking, priority)")
    checked_by: str
    checked_at: datetime
    checked_at_local: str

    purpose_label: str = label_field("purpose", VisitPurpose)

    @classmethod
    def from_json(cls, data: dict) -> "QueueCheck":
        return cls(
            check_id=strawberry.ID(data["check_id"]),
            ticket=data.get("ticket"),
            customer_id=data.get("customer_id"),
            purpose=VisitPurpose(data["purpose"]),
            guidance=Guidance.from_json(data["guidance"]),
            moved=data["moved"],
            checked_by=data["checked_by"],
            checked_at=datetime.fromisoformat(data["checked_at"]),
            checked_at_local=data["checked_at_local"],
        )


@strawberry.type
class ActionCount:
    action: GuidanceActionType
    action_label: str = label_field("action", GuidanceAction)
    count: int


@strawberry.type(description="A day's second diversion in the branch: who was asked and where they went.")
class QueueChecks:
    branch_id: str
    day: date
    asked: int
    moved: list[ActionCount]
    kept_ticket: int
    checks: list[QueueCheck]

    @classmethod
    def from_json(cls, data: dict) -> "QueueChecks":
        return cls(
            branch_id=data["branch_id"],
            day=date.fromisoformat(str(data["day"])),
            asked=data["asked"],
            moved=[ActionCount(action=GuidanceAction(a), count=n) for a, n in data["moved"].items()],
            kept_ticket=data["kept_ticket"],
            checks=[QueueCheck.from_json(c) for c in data["checks"]],
        )
