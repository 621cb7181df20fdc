"""What several use cases share: who a form is about, admitting new forms under the filing
rules, loading a form, judging a customer not premium, opening a register entry."""

from datetime import datetime

from branchflow_runtime.auth import Staff
from referral import access
from referral.domain.filing import check_filing
from referral.domain.follow_up import FollowUpEntry
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.people import Prospect, Subject
from referral.domain.referral import Referral
from referral.domain.refusals import Refused
from referral.domain.rules import ReferralRules
from referral.unit_of_work import UnitOfWork

# who a form is about, as a request gives it: a customer id, or a prospect's name and phone
Person = str | Prospect


async def subject_of(uow: UnitOfWork, person: Person) -> Subject:
    """A walk-in identify has linked to a customer id is the customer. Locked before the link is
    read, so that a link being applied meanwhile either is seen or moves this form too."""
    if isinstance(person, Prospect):
        prospect_id = await uow.repo.prospect_id_for(person)
        await uow.repo.lock_person(prospect_id)
        customer_id = await uow.repo.customer_linked_to(prospect_id)
        return Subject(customer_id=customer_id, prospect_id=prospect_id)
    return Subject(customer_id=person)


async def admit_all(
    uow: UnitOfWork, referrals: list[Referral], trace_carriers: list[dict | None]
) -> list[Referral | Refused | None]:
    """Run the filing rules for new forms, in order, each as if it were alone, and store those
    admitted with their events. Per form: None when admitted, the stored form for a retry, or
    the refusal (which changes nothing and does not stop the others)."""
    state = await uow.repo.state_for_filing(referrals)
    outcomes: list[Referral | Refused | None] = []
    admitted = []
    for referral, carrier in zip(referrals, trace_carriers, strict=True):
        try:
            outcome = check_filing(state, referral)
        except Refused as refusal:
            outcome = refusal
        outcomes.append(outcome)
        if outcome is None:
            state.admitted(referral)
            admitted.append(referral)
            uow.emit(referral.filed_event(), key=referral.subject.key, trace_carrier=carrier)
    await uow.repo.add_referrals(admitted)
    return outcomes


async def admit(uow: UnitOfWork, referral: Referral) -> Referral | None:
    """One new form: None when admitted, the stored form for a retry; a refusal is raised."""
    [outcome] = await admit_all(uow, [referral], [None])
    if isinstance(outcome, Refused):
        raise outcome
    return outcome


async def find_referral(uow: UnitOfWork, referral_id: str, staff: Staff) -> Referral:
    referral = await uow.repo.get_referral(referral_id)
    if referral is None:
        raise access.missing(staff, "referral", referral_id)
    return referral


def judge_not_premium(
    uow: UnitOfWork,
    referral: Referral,
    by: str,
    at: datetime,
    rules: ReferralRules,
    entry_id: str | None = None,
) -> NotPremiumBlock:
    block = NotPremiumBlock.judge(
        subject_key=referral.subject.key, referral_id=referral.referral_id, by=by, at=at, rules=rules
    )
    uow.emit(block.judged_event(branch_id=referral.branch_id, entry_id=entry_id), key=block.subject_key)
    return block


async def open_entry(uow: UnitOfWork, referral: Referral, at: datetime) -> FollowUpEntry:
    entry = FollowUpEntry.copied_from(referral, at)
    await uow.repo.add_entry(entry)
    uow.emit(entry.opened_event(), key=entry.subject.key)
    return entry
