"""The lobby's suggested referrals: filed with one action, or dismissed with a reason."""

from dataclasses import dataclass
from datetime import datetime

from branchflow_contracts import ReferralSource, ReferralStatus
from branchflow_runtime.auth import Staff
from referral import access
from referral.domain.people import Subject
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import Refusal, Refused
from referral.domain.suggestion import Suggestion
from referral.handlers.shared import admit
from referral.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class FileFromSuggestion:
    """The lobby manager files a suggested referral with one action."""

    staff: Staff
    at: datetime
    suggestion_id: str
    status: ReferralStatus
    wealth_manager_id: str
    contact: AgreedContact | None = None
    note: str | None = None
    referral_id: str | None = None


async def file_from_suggestion(cmd: FileFromSuggestion, uow: UnitOfWork) -> Referral:
    async with uow:
        suggestion = await _suggestion(uow, cmd.suggestion_id, cmd.staff)
        access.check_may_handle_suggestions(cmd.staff, suggestion.branch_id)
        if suggestion.referral_id is not None and suggestion.referral_id == cmd.referral_id:
            return await uow.repo.get_referral(suggestion.referral_id)  # filed before: a retry
        referral = Referral.file(
            branch_id=suggestion.branch_id,
            subject=Subject(customer_id=suggestion.customer_id),
            referred_by=cmd.staff.staff_id,
            referrer_role=str(cmd.staff.role),
            source=ReferralSource.LOBBY,
            status=cmd.status,
            wealth_manager_id=cmd.wealth_manager_id,
            at=cmd.at,
            contact=cmd.contact,
            identification_id=suggestion.identification_id,
            suggestion_id=suggestion.suggestion_id,
            note=cmd.note,
            referral_id=cmd.referral_id,
        )
        suggestion.filed(referral_id=referral.referral_id, by=cmd.staff.staff_id, at=cmd.at)
        if await admit(uow, referral) is not None:
            raise Refused(Refusal.REFERRAL_ID_TAKEN, referral_id=referral.referral_id)
        await uow.repo.save_suggestions([suggestion])
        await uow.commit()
    return referral


@dataclass(frozen=True)
class DismissSuggestion:
    staff: Staff
    at: datetime
    suggestion_id: str
    reason: str


async def dismiss_suggestion(cmd: DismissSuggestion, uow: UnitOfWork) -> Suggestion:
    async with uow:
        suggestion = await _suggestion(uow, cmd.suggestion_id, cmd.staff)
        access.check_may_handle_suggestions(cmd.staff, suggestion.branch_id)
        if suggestion.dismiss(by=cmd.staff.staff_id, reason=cmd.reason, at=cmd.at):
            await uow.repo.save_suggestions([suggestion])
        await uow.commit()
    return suggestion


async def _suggestion(uow: UnitOfWork, suggestion_id: str, staff: Staff) -> Suggestion:
    suggestion = await uow.repo.get_suggestion(suggestion_id)
    if suggestion is None:
        raise access.missing(staff, "suggestion", suggestion_id)
    return suggestion
