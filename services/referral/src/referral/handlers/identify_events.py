"""Events from identify: identifications (the lobby's suggestions), re-ratings (a higher tier
lifts a not-premium block), and a walk-in linked to a customer id."""

from dataclasses import dataclass, replace
from datetime import datetime

from branchflow_contracts import CustomerTier, is_higher_tier
from referral.domain.linking import Held, Merged, merge
from referral.domain.periods import branch_day
from referral.domain.rules import ReferralRules
from referral.domain.suggestion import Suggestion
from referral.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Identified:
    """What the service needs of a ``customer.identified`` event."""

    event_id: str
    topic: str
    identification_id: str
    customer_id: str
    branch_id: str
    tier: CustomerTier
    previous_tier: CustomerTier | None
    calls_wealth_manager: bool
    reason: str
    identified_at: datetime


async def record_identification(
    event: Identified, uow: UnitOfWork, rules: ReferralRules
) -> Suggestion | None:
    """An identification whose guidance calls a wealth manager puts the customer on the lobby's
    list of the day, unless the customer is judged not premium, already referred or followed up.
    A higher tier lifts a not-premium block. A redelivered event changes nothing."""
    async with uow:
        if not await uow.first_delivery(event.event_id, event.topic):
            return None
        repo = uow.repo
        await repo.lock_person(event.customer_id)
        block = await repo.get_block(event.customer_id)
        if (
            block is not None
            and is_higher_tier(event.previous_tier, event.tier)
            and block.lift(at=event.identified_at, reason=f"{event.topic}: a higher tier")
        ):
            await repo.save_block(block)
        suggestion = None
        if (
            event.calls_wealth_manager
            and event.reason in rules.suggestion_reasons
            and not (block is not None and block.blocks(event.identified_at))
            and await repo.open_referral_of(event.customer_id) is None
            and await repo.active_entry_of(event.customer_id) is None
        ):
            suggestion = await _suggest(uow, event)
        await uow.commit()
    return suggestion


async def _suggest(uow: UnitOfWork, event: Identified) -> Suggestion:
    day = branch_day(event.identified_at)
    suggestion = await uow.repo.suggestion_for(event.branch_id, day, event.customer_id)
    if suggestion is None:
        suggestion = Suggestion(
            event.branch_id, day, event.customer_id, event.identification_id, event.identified_at
        )
        await uow.repo.add_suggestion(suggestion)
    else:
        suggestion.refresh(event.identification_id, event.identified_at)
        await uow.repo.save_suggestions([suggestion])
    return suggestion


@dataclass(frozen=True)
class Rerated:
    """What the service needs of a ``customer.rerated`` event."""

    event_id: str
    topic: str
    customer_id: str
    tier: CustomerTier
    previous_tier: CustomerTier | None
    rerated_at: datetime


async def record_rerating(event: Rerated, uow: UnitOfWork) -> bool:
    """A higher tier lifts the not-premium block. True when a block was lifted."""
    async with uow:
        if not await uow.first_delivery(event.event_id, event.topic):
            return False
        await uow.repo.lock_person(event.customer_id)
        block = await uow.repo.get_block(event.customer_id)
        lifted = (
            block is not None
            and is_higher_tier(event.previous_tier, event.tier)
            and block.lift(at=event.rerated_at, reason=f"{event.topic}: a higher tier")
        )
        if lifted:
            await uow.repo.save_block(block)
        await uow.commit()
    return lifted


@dataclass(frozen=True)
class Linked:
    """What the service needs of a ``customer.prospect-linked`` event."""

    event_id: str
    topic: str
    prospect_id: str
    customer_id: str
    branch_id: str
    linked_by: str
    linked_at: datetime


async def link_prospect(event: Linked, uow: UnitOfWork, at: datetime) -> Merged | None:
    """identify linked a walk-in to a customer id: what is held under the prospect id becomes the
    customer's, in one transaction (``referral.domain.linking``); a form then filed for the
    customer id, or by the walk-in's phone, meets the not-premium rule judged while they were a
    prospect, and identify is told of that verdict under the customer id. A redelivered event,
    or a second link of one prospect (the first stands), changes nothing. Returns what changed."""
    async with uow:
        if not await uow.first_delivery(event.event_id, event.topic):
            return None
        repo, prospect_id, customer_id = uow.repo, event.prospect_id, event.customer_id
        for key in sorted({prospect_id, customer_id}):
            await repo.lock_person(key)
        if not await repo.add_link(
            prospect_id, customer_id, event.branch_id, event.linked_by, event.linked_at
        ):
            await uow.commit()  # remember the event
            return None
        merged = merge(
            await _held(repo, prospect_id),
            await _held(repo, customer_id),
            prospect_id=prospect_id,
            customer_id=customer_id,
            by=event.linked_by,
            at=at,
        )
        if merged.withdrawn is not None:
            await repo.save_referral(merged.withdrawn)
        if merged.closed is not None:
            await repo.save_entry(merged.closed)
        await repo.move_person(prospect_id, customer_id)
        if merged.closed is not None:
            closed = replace(merged.closed, subject=merged.closed.subject.linked_to(customer_id))
            uow.emit(closed.abandoned_event(), key=customer_id)
        await repo.delete_block(prospect_id)
        if merged.block is not None:
            await repo.save_block(merged.block)
            if merged.block_moved and merged.block.blocks(at):
                judged_in = await repo.get_referral(merged.block.referral_id)
                branch_id = judged_in.branch_id if judged_in else event.branch_id
                uow.emit(merged.block.judged_event(branch_id=branch_id), key=customer_id)
        await uow.commit()
    return merged


async def _held(repo, person_key: str) -> Held:
    return Held(
        open_form=await repo.open_referral_of(person_key),
        active_entry=await repo.active_entry_of(person_key),
        block=await repo.get_block(person_key),
    )
