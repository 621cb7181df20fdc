"""Use cases of the identify service, one function each."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from branchflow_contracts import Channel, CustomerTier, SignalCategory, TransactionPosted
from branchflow_runtime.telemetry import current_trace_id
from identify.domain.facts import CustomerFacts, unknown_customer
from identify.domain.guidance import VisitPurpose, guide
from identify.domain.identification import Identification
from identify.domain.rating import RatingRules, rate
from identify.domain.signals import SIGNAL_KINDS, ObservedSignal
from identify.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RecordObservation:
    customer_id: str
    branch_id: str
    channel: Channel
    signals: tuple[ObservedSignal, ...]
    observed_by: str
    purpose: VisitPurpose = VisitPurpose.OTHER


@dataclass(frozen=True)
class UpsertFacts:
    facts: CustomerFacts
    changed_by: str


def merge_signals(
    remembered: tuple[ObservedSignal, ...], new: tuple[ObservedSignal, ...]
) -> tuple[ObservedSignal, ...]:
    """Signals keep counting after they were seen; a newer one of the same kind replaces the older."""
    by_kind = {s.kind: s for s in remembered}
    by_kind.update({s.kind: s for s in new})
    return tuple(by_kind.values())


async def _identify(
    uow: UnitOfWork,
    rules: RatingRules,
    facts: CustomerFacts,
    signals: tuple[ObservedSignal, ...],
    *,
    previous_tier: CustomerTier | None,
    branch_id: str,
    channel: Channel,
    reason: str,
    identified_by: str | None,
    purpose: VisitPurpose = VisitPurpose.OTHER,
    observed: tuple[ObservedSignal, ...] = (),
    only_on_tier_change: bool = False,
) -> Identification | None:
    """Rate, store the rating and, unless nothing changed that must be told, the identification
    and its event. Runs inside the caller's unit of work."""
    now = datetime.now(UTC)
    rating = rate(facts, list(signals), rules)
    await uow.repo.save_rating(facts, rating, now)
    if only_on_tier_change and rating.tier == (previous_tier or CustomerTier.ORDINARY):
        return None
    identification = Identification(
        customer_id=facts.customer_id,
        branch_id=branch_id,
        channel=channel,
        rating=rating,
        guidance=guide(rating.tier, purpose),
        reason=reason,
        signals=observed,
        identified_by=identified_by,
        previous_tier=previous_tier,
        trace_id=current_trace_id(),
        identified_at=now,
    )
    await uow.repo.add_identification(identification)
    uow.emit(identification.to_event(), key=facts.customer_id)
    return identification


async def record_observation(cmd: RecordObservation, uow: UnitOfWork, rules: RatingRules) -> Identification:
    async with uow:
        stored = await uow.repo.get_customer(cmd.customer_id)
        facts = stored.facts if stored else unknown_customer(cmd.customer_id, cmd.branch_id)
        signals = merge_signals(stored.signals if stored else (), cmd.signals)
        await uow.repo.save_customer(facts, signals)
        identification = await _identify(
            uow,
            rules,
            facts,
            signals,
            previous_tier=stored.tier if stored else None,
            branch_id=cmd.branch_id,
            channel=cmd.channel,
            reason="observation",
            identified_by=cmd.observed_by,
            purpose=cmd.purpose,
            observed=cmd.signals,
        )
        await uow.commit()
    return identification


async def upsert_facts(cmd: UpsertFacts, uow: UnitOfWork, rules: RatingRules) -> Identification | None:
    """New facts re-rate the customer; an identification only when the tier changes."""
    async with uow:
        stored = await uow.repo.get_customer(cmd.facts.customer_id)
        signals = stored.signals if stored else ()
        await uow.repo.save_customer(cmd.facts, signals)
        identification = await _identify(
            uow,
            rules,
            cmd.facts,
            signals,
            previous_tier=stored.tier if stored else None,
            branch_id=cmd.facts.branch_id,
            channel=Channel.SYSTEM,
            reason="facts_changed",
            identified_by=cmd.changed_by,
            only_on_tier_change=True,
        )
        await uow.commit()
    return identification


async def mine_transaction(
    event: TransactionPosted, event_id: str, uow: UnitOfWork, rules: RatingRules
) -> Identification | None:
    """System mining (系统挖掘): a large posted transaction identifies its customer."""
    async with uow:
        if not await uow.first_delivery(event_id, str(event.topic)):
            return None  # redelivered: already applied
        minimum = rules.system_mining_min_amount.get(event.business_type)
        if minimum is None or event.amount < minimum:
            await uow.commit()  # remember we saw it
            return None
        signal = _large_business_signal(event.business_type, event.amount)
        stored = await uow.repo.get_customer(event.customer_id)
        facts = stored.facts if stored else unknown_customer(event.customer_id, event.branch_id)
        signals = merge_signals(stored.signals if stored else (), (signal,) if signal else ())
        await uow.repo.save_customer(facts, signals)
        identification = await _identify(
            uow,
            rules,
            facts,
            signals,
            previous_tier=stored.tier if stored else None,
            branch_id=facts.branch_id,
            channel=Channel.SYSTEM,
            reason="system_mining",
            identified_by=None,
            observed=(signal,) if signal else (),
        )
        await uow.commit()
    return identification


def _large_business_signal(business_type: str, amount: Decimal) -> ObservedSignal | None:
    if business_type not in SIGNAL_KINDS[SignalCategory.LARGE_BUSINESS]:
        return None  # a business type we mine on but do not score as a signal
    return ObservedSignal(SignalCategory.LARGE_BUSINESS, business_type, amount)


async def rerate_due_customers(
    uow_factory, rules: RatingRules, *, max_age: timedelta, batch_size: int
) -> int:
    """The periodic sweep: re-rate customers rated under older rules or too long ago. Each
    customer in its own transaction; an identification only when the tier changed."""
    rated_before = datetime.now(UTC) - max_age
    async with uow_factory() as uow:
        due = await uow.repo.customers_due(rules.version, rated_before, batch_size)
    for customer_id in due:
        async with uow_factory() as uow:
            stored = await uow.repo.get_customer(customer_id)
            if stored is None:
                continue
            await _identify(
                uow,
                rules,
                stored.facts,
                stored.signals,
                previous_tier=stored.tier,
                branch_id=stored.facts.branch_id,
                channel=Channel.SYSTEM,
                reason="periodic_sweep",
                identified_by=None,
                only_on_tier_change=True,
            )
            await uow.commit()
    return len(due)
