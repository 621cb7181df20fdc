"""Re-ratings of a customer (facts changed, signals expired, rules changed, the periodic review,
a prospect linked): kept apart from identifications, read by those who may see tiers."""

from fastapi import Depends, Query, Request

from branchflow_contracts import CustomerTier, RerateCause
from branchflow_runtime.access import Data
from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import check_read, missing_or_out_of_reach, require_reading
from branchflow_runtime.http_errors import service_router
from branchflow_runtime.privacy import local_time
from identify import labels, views
from identify.entrypoints.schemas import CustomerId, ReratingOut

router = service_router(tags=["ratings"])


@router.get(
    "/customers/{customer_id}/reratings",
    response_model=list[ReratingOut],
    summary="A customer's re-ratings that changed the tier, newest first, each with its cause",
)
async def list_reratings(
    customer_id: CustomerId,
    request: Request,
    limit: int = Query(default=100, ge=1, le=1000),
    staff: Staff = Depends(require_reading(Data.TIER)),
) -> list[ReratingOut]:
    async with request.app.state.container.engine.connect() as conn:
        customer = await views.customer(conn, customer_id)
        if customer is None:
            what = labels.CATALOGUE.gettext("customer {customer_id}").format(customer_id=customer_id)
            raise missing_or_out_of_reach(staff, Data.TIER, what)
        check_read(staff, Data.TIER, branch_id=customer.branch_id)
        rows = await views.reratings_of(conn, customer_id, limit)
    return [
        ReratingOut(
            rerating_id=str(r.rerating_id),
            customer_id=r.customer_id,
            branch_id=r.branch_id,
            cause=r.cause,
            cause_label=labels.label_of(RerateCause, r.cause),
            previous_tier=r.previous_tier,
            previous_tier_label=labels.label_of(CustomerTier, r.previous_tier),
            tier=r.tier,
            tier_label=labels.label_of(CustomerTier, r.tier),
            score=r.score,
            rules_version=r.rules_version,
            rerated_by=r.rerated_by,
            rerated_at=r.rerated_at,
            rerated_at_local=local_time(r.rerated_at),
        )
        for r in rows
    ]
