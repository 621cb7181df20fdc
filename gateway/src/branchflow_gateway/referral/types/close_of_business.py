"""A branch's day at the close of business (营业终了), and earlier days left open."""

from datetime import date, datetime

import strawberry

from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.codes import DayStatus
from branchflow_gateway.referral.types.figures import StaffReferralCount
from branchflow_gateway.referral.types.forms import Referral, load_referrals
from branchflow_gateway.referral.types.shared import at_or_none, local_or_none
from branchflow_gateway.referral.types.suggestions import Suggestion
from branchflow_runtime.auth import Role


@strawberry.type(description="An earlier day of the branch that still has forms awaiting the wealth manager.")
class DayLeftOpen:
    day: date
    closed: bool
    awaiting_confirmation_ids: strawberry.Private[list[str]]
    awaiting_copy_ids: strawberry.Private[list[str]]

    @strawberry.field(description="Referred forms the wealth manager has still to confirm.")
    async def awaiting_confirmation(self, info: strawberry.Info) -> list[Referral] | None:
        return await load_referrals(info, self.awaiting_confirmation_ids)

    @strawberry.field(description="Pending forms the wealth manager has still to copy into the register.")
    async def awaiting_copy(self, info: strawberry.Info) -> list[Referral] | None:
        return await load_referrals(info, self.awaiting_copy_ids)


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
            closed_at=at_or_none(data.get("closed_at")),
            closed_at_local=local_or_none(data.get("closed_at")),
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
