"""The close of business: the lobby manager closes the branch's day, or reopens it."""

from dataclasses import dataclass
from datetime import date, datetime

from branchflow_contracts import ReferralDayClosed
from branchflow_runtime.auth import Staff
from referral import access
from referral.domain.business_day import BusinessDay, reconcile
from referral.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CloseDay:
    staff: Staff
    at: datetime
    branch_id: str
    day: date


async def close_day(cmd: CloseDay, uow: UnitOfWork) -> BusinessDay:
    """The lobby manager closes the branch's day once every form is confirmed or copied; the
    day's counts per staff go out with the event."""
    access.check_may_close_day(cmd.staff, cmd.branch_id)
    async with uow:
        business_day = await uow.repo.day_for_closing(cmd.branch_id, cmd.day)
        suggestions = await uow.repo.suggestions_of_day(cmd.branch_id, cmd.day)
        reconciliation = reconcile(
            cmd.day, await uow.repo.referrals_of_day(cmd.branch_id, cmd.day), suggestions
        )
        if business_day.close(reconciliation, suggestions, by=cmd.staff.staff_id, at=cmd.at):
            await uow.repo.save_day(business_day)
            await uow.repo.save_suggestions(reconciliation.suggestions_not_acted_on)
            uow.emit(
                ReferralDayClosed(
                    branch_id=cmd.branch_id,
                    day=cmd.day,
                    closed_by=cmd.staff.staff_id,
                    closed_at=cmd.at,
                    counts=reconciliation.counts,
                    suggestions_not_acted_on=len(reconciliation.suggestions_not_acted_on),
                ),
                key=cmd.branch_id,
            )
        await uow.commit()
    return business_day


async def reopen_day(cmd: CloseDay, uow: UnitOfWork) -> BusinessDay:
    access.check_may_reopen_day(cmd.staff, cmd.branch_id)
    async with uow:
        business_day = await uow.repo.day_for_closing(cmd.branch_id, cmd.day)
        if business_day.reopen(by=cmd.staff.staff_id, at=cmd.at):
            await uow.repo.save_day(business_day)
        await uow.commit()
    return business_day
