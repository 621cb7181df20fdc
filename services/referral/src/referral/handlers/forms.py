"""Filing referral forms, and the form's status machine: confirmed, copied into the register,
withdrawn."""

from dataclasses import dataclass, field
from datetime import datetime

from branchflow_contracts import MarketingResult, ReferralSource, ReferralStatus
from branchflow_runtime.auth import Staff
from branchflow_runtime.messaging.outbox import current_trace_carrier
from referral import access
from referral.access import Forbidden
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import Invalid, Refused
from referral.domain.rules import ReferralRules
from referral.handlers.shared import (
    Person,
    admit_all,
    find_referral,
    judge_not_premium,
    open_entry,
    subject_of,
)
from referral.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class FileReferral:
    staff: Staff
    at: datetime
    person: Person
    source: ReferralSource
    status: ReferralStatus
    wealth_manager_id: str
    contact: AgreedContact | None = None
    identification_id: str | None = None
    note: str | None = None
    referral_id: str | None = None  # chosen by the client, so that a retry files nothing twice
    # the request's trace, for its event: forms filed together are written by one task
    trace_carrier: dict[str, str] = field(default_factory=current_trace_carrier, compare=False)


# what filing a form comes to: the form (new, or filed before with the same id and content), or
# why it was refused
Filed = Referral | Forbidden | Invalid | Refused


async def file_referrals(cmds: list[FileReferral], uow: UnitOfWork) -> list[Filed]:
    """Several forms in one transaction (group commit under load), each decided in order as if it
    were alone: a refused one changes nothing and does not stop the others."""
    outcomes: dict[int, Filed] = {}
    new: dict[int, Referral] = {}
    async with uow:
        for n, cmd in enumerate(cmds):
            try:
                access.check_may_file(cmd.staff, cmd.source)
                new[n] = Referral.file(
                    branch_id=cmd.staff.branch_id,
                    subject=await subject_of(uow, cmd.person),
                    referred_by=cmd.staff.staff_id,
                    referrer_role=str(cmd.staff.role),
                    source=cmd.source,
                    status=cmd.status,
                    wealth_manager_id=cmd.wealth_manager_id,
                    at=cmd.at,
                    contact=cmd.contact,
                    identification_id=cmd.identification_id,
                    note=cmd.note,
                    referral_id=cmd.referral_id,
                )
            except (Forbidden, Invalid) as refusal:
                outcomes[n] = refusal
        if new:
            carriers = [cmds[n].trace_carrier for n in new]
            admitted = await admit_all(uow, list(new.values()), carriers)
            for (n, referral), outcome in zip(new.items(), admitted, strict=True):
                outcomes[n] = referral if outcome is None else outcome
        await uow.commit()
    return [outcomes[n] for n in range(len(cmds))]


async def file_referral(cmd: FileReferral, uow: UnitOfWork) -> Referral:
    [outcome] = await file_referrals([cmd], uow)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


# the form's status machine


@dataclass(frozen=True)
class ConfirmReferral:
    staff: Staff
    at: datetime
    referral_id: str
    met: bool
    result: MarketingResult


async def confirm_referral(cmd: ConfirmReferral, uow: UnitOfWork, rules: ReferralRules) -> Referral:
    """The wealth manager confirms a form filed as referred: met? and the marketing result. A
    customer to follow up goes into the register; one judged not premium is blocked."""
    async with uow:
        referral = await find_referral(uow, cmd.referral_id, cmd.staff)
        access.check_may_confirm(
            cmd.staff, branch_id=referral.branch_id, wealth_manager_id=referral.wealth_manager_id
        )
        if referral.confirm(by=cmd.staff.staff_id, met=cmd.met, result=cmd.result, at=cmd.at):
            if referral.needs_follow_up:
                await open_entry(uow, referral, cmd.at)
            if cmd.result is MarketingResult.NOT_PREMIUM:
                await uow.repo.save_block(judge_not_premium(uow, referral, cmd.staff.staff_id, cmd.at, rules))
            await uow.repo.save_referral(referral)
            uow.emit(referral.confirmed_event(), key=referral.subject.key)
        await uow.commit()
    return referral


@dataclass(frozen=True)
class CopyToRegister:
    staff: Staff
    at: datetime
    referral_id: str


async def copy_to_register(cmd: CopyToRegister, uow: UnitOfWork) -> Referral:
    """The wealth manager copies a pending form into the follow-up register (抄录)."""
    async with uow:
        referral = await find_referral(uow, cmd.referral_id, cmd.staff)
        access.check_may_confirm(
            cmd.staff, branch_id=referral.branch_id, wealth_manager_id=referral.wealth_manager_id
        )
        if referral.copy_to_register(by=cmd.staff.staff_id, at=cmd.at):
            await open_entry(uow, referral, cmd.at)
            await uow.repo.save_referral(referral)
        await uow.commit()
    return referral


@dataclass(frozen=True)
class WithdrawReferral:
    staff: Staff
    at: datetime
    referral_id: str
    reason: str


async def withdraw_referral(cmd: WithdrawReferral, uow: UnitOfWork) -> Referral:
    async with uow:
        referral = await find_referral(uow, cmd.referral_id, cmd.staff)
        access.check_may_withdraw(cmd.staff, branch_id=referral.branch_id, referred_by=referral.referred_by)
        if referral.withdraw(by=cmd.staff.staff_id, reason=cmd.reason, at=cmd.at):
            await uow.repo.save_referral(referral)
        await uow.commit()
    return referral
