"""The close of business: the reconciliation of a branch's day, its close and its reopening."""

from datetime import date

from fastapi import Depends, Request

from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from referral import access, handlers, views
from referral.adapters.repository import referral_from_row, suggestion_from_row
from referral.domain.business_day import reconcile
from referral.entrypoints.api.shared import container, now, referral_out, suggestion_out
from referral.entrypoints.schemas import BranchId, Day, DayLeftOpenOut, ReconciliationOut, ReferralOut

router = service_router()


async def _reconciliation(request: Request, branch_id: str, day: date, staff: Staff) -> ReconciliationOut:
    async with container(request).engine.connect() as conn:
        rows = await views.referrals_of_day(conn, branch_id, day)
        suggestion_rows = await views.suggestions_of_day(conn, branch_id, day)
        day_row = await views.business_day(conn, branch_id, day)
        left_open = await views.days_left_open(conn, branch_id, day)
    by_id = {str(row.referral_id): row for row in rows}
    suggestion_by_id = {str(row.suggestion_id): row for row in suggestion_rows}
    # the domain's own sorting of the day, the one the close goes by
    sorted_day = reconcile(
        day, [referral_from_row(row) for row in rows], [suggestion_from_row(row) for row in suggestion_rows]
    )

    def out(referrals) -> list[ReferralOut]:
        return [referral_out(by_id[r.referral_id], staff) for r in referrals if r.referral_id in by_id]

    return ReconciliationOut(
        branch_id=branch_id,
        day=day,
        status=day_row.status if day_row else "open",
        closed_by=day_row.closed_by if day_row else None,
        closed_at=day_row.closed_at if day_row else None,
        awaiting_confirmation=out(sorted_day.awaiting_confirmation),
        awaiting_copy=out(sorted_day.awaiting_copy),
        done=out(sorted_day.done),
        withdrawn=out(sorted_day.withdrawn),
        suggestions_not_acted_on=[
            suggestion_out(suggestion_by_id[s.suggestion_id]) for s in sorted_day.suggestions_not_acted_on
        ],
        counts=sorted_day.counts,
        earlier_days_left_open=[
            DayLeftOpenOut(day=d, closed=closed, awaiting_confirmation=referred, awaiting_copy=pending)
            for d, closed, referred, pending in left_open
        ],
    )


@router.get(
    "/branches/{branch_id}/days/{day}",
    response_model=ReconciliationOut,
    summary="The reconciliation of a branch's day: forms by what they await, suggestions never acted "
    "on, counts per staff, and earlier days left open",
)
async def get_day(
    branch_id: BranchId, day: Day, request: Request, staff: Staff = Depends(require_role(*access.DAY_READERS))
) -> ReconciliationOut:
    access.check_may_read_day(staff, branch_id)
    return await _reconciliation(request, branch_id, day, staff)


@router.post(
    "/branches/{branch_id}/days/{day}/close",
    response_model=ReconciliationOut,
    summary="The lobby manager closes the day once every form is confirmed or copied",
)
async def close_day(
    branch_id: BranchId, day: Day, request: Request, staff: Staff = Depends(require_role(*access.DAY_CLOSERS))
) -> ReconciliationOut:
    await handlers.close_day(
        handlers.CloseDay(staff, now(), branch_id, day), container(request).unit_of_work()
    )
    return await _reconciliation(request, branch_id, day, staff)


@router.post(
    "/branches/{branch_id}/days/{day}/reopen",
    response_model=ReconciliationOut,
    summary="Reopen a closed day (a form to file after the close)",
)
async def reopen_day(
    branch_id: BranchId,
    day: Day,
    request: Request,
    staff: Staff = Depends(require_role(*access.DAY_REOPENERS)),
) -> ReconciliationOut:
    await handlers.reopen_day(
        handlers.CloseDay(staff, now(), branch_id, day), container(request).unit_of_work()
    )
    return await _reconciliation(request, branch_id, day, staff)
