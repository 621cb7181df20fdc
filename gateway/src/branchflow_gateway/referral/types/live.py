"""The wealth manager's live push: a customer referred to them on the spot, waiting."""

from datetime import datetime

import strawberry

from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.forms import Referral
from branchflow_runtime.auth import Role


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
