"""Referral counts per staff (推介统计表) for a day, week or month, and the monthly summary."""

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status

from branchflow_contracts import StaffReferralCounts
from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from referral import access, views
from referral.domain.counts import count_by_staff
from referral.domain.periods import Period, month_label, period_bounds
from referral.entrypoints.api.shared import BranchDay, container, today
from referral.entrypoints.schemas import BranchId, CountsOut, SummaryOut

router = service_router()
Month = Annotated[str, Path(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM")]


@router.get(
    "/branches/{branch_id}/referral-counts",
    response_model=CountsOut,
    summary="Referral counts per staff (推介统计表) for the day, ISO week or month holding `day`",
)
async def branch_counts(
    branch_id: BranchId,
    request: Request,
    period: Period = Period.DAY,
    day: BranchDay = None,
    staff: Staff = Depends(require_role(*access.COUNT_READERS)),
) -> CountsOut:
    access.check_may_read_counts(staff, branch_id)
    first, last = period_bounds(period, day or today())
    async with container(request).engine.connect() as conn:
        forms = (await views.counted_forms_by_branch(conn, first, last, branch_id)).get(branch_id, [])
    return CountsOut(
        branch_id=branch_id, period=period, first_day=first, last_day=last, counts=count_by_staff(forms)
    )


@router.get(
    "/referral-counts",
    response_model=list[CountsOut],
    summary="Every branch's referral counts per staff for a day, week or month (head office)",
    description="Only branches with at least one form in the period are listed, ordered by branch.",
)
async def all_counts(
    request: Request,
    period: Period = Period.DAY,
    day: BranchDay = None,
    staff: Staff = Depends(require_role(*access.ALL_BRANCH_COUNT_READERS)),
) -> list[CountsOut]:
    first, last = period_bounds(period, day or today())
    async with container(request).engine.connect() as conn:
        by_branch = await views.counted_forms_by_branch(conn, first, last)
    return [
        CountsOut(branch_id=b, period=period, first_day=first, last_day=last, counts=count_by_staff(forms))
        for b, forms in by_branch.items()
    ]


@router.get(
    "/branches/{branch_id}/monthly-summaries/{month}",
    response_model=SummaryOut,
    summary="A month's referral counts per staff as sent to the branch head for appraisal",
)
async def monthly_summary(
    branch_id: BranchId,
    month: Month,
    request: Request,
    staff: Staff = Depends(require_role(*access.SUMMARY_READERS)),
) -> SummaryOut:
    access.check_may_read_summary(staff, branch_id)
    async with container(request).engine.connect() as conn:
        row = await views.monthly_summary(conn, branch_id, month)
    if row is None:
        current = month_label(today())
        when = "is sent on the first working day of next month" if month == current else "was not sent"
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"the summary of {month} for {branch_id} {when}")
    return SummaryOut(
        branch_id=row.branch_id,
        month=row.month,
        counts=[StaffReferralCounts(**c) for c in row.counts],
        issued_at=row.issued_at,
    )
