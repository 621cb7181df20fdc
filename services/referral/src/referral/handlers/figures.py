"""The figures sent on: the monthly summary of referral counts per staff."""

from datetime import datetime

from branchflow_contracts import ReferralMonthSummarized
from referral.domain.counts import count_by_staff
from referral.domain.periods import (
    WorkingDays,
    branch_day,
    first_working_day_of_month,
    month_label,
    previous_month,
)


async def issue_monthly_summaries(uow_factory, calendar: WorkingDays, at: datetime) -> list[tuple[str, str]]:
    """From the first working day of a month on, last month's counts per staff go out once per
    branch (the summary's unique key decides; a restart or a second replica sends nothing
    twice). Returns the (branch, month) pairs sent now."""
    today = branch_day(at)
    if today < first_working_day_of_month(today, calendar):
        return []
    first, last = previous_month(today)
    month = month_label(first)
    async with uow_factory() as uow:
        due = set(await uow.repo.branches_with_referrals()) - await uow.repo.summarized_branches(month)
    sent = []
    for branch_id in sorted(due):
        async with uow_factory() as uow:
            counts = count_by_staff(await uow.repo.counted_forms(branch_id, first, last))
            if await uow.repo.add_summary(branch_id, month, counts, at):
                uow.emit(
                    ReferralMonthSummarized(branch_id=branch_id, month=month, counts=counts, issued_at=at),
                    key=branch_id,
                )
                sent.append((branch_id, month))
            await uow.commit()
    return sent
