"""Use cases of the identify service, one function each. Rating and guidance are pure (domain);
these functions load, decide, and store state and events in one unit of work."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from branchflow_contracts import Channel, CustomerTier, SignalCategory, TransactionPosted
from branchflow_runtime.messaging.outbox import current_trace_carrier
from branchflow_runtime.telemetry import current_trace_id
from identify.adapters.repository import StoredCustomer
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
    # the trace of the request that asked, captured when the command is made: the command may
    # be stored in a transaction shared with other requests (see GroupCommit)
    trace_carrier: dict[str, str] = field(default_factory=current_trace_carrier, compare=False)
    trace_id: str | None = field(default_factory=current_trace_id, compare=False)


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


class _Changes:
    """What one unit of work writes: customers, ratings, identifications (and their events)."""

    def __init__(self) -> None:
        self.customers: dict[str, StoredCustomer] = {}
        self.ratings: dict[str, tuple] = {}
        self.identifications: list[tuple[Identification, dict[str, str] | None]] = []

    def rate(
        self,
        stored: StoredCustomer,
        rules: RatingRules,
        *,
        branch_id: str,
        channel: Channel,
        reason: str,
        identified_by: str | None,
        purpose: VisitPurpose = VisitPurpose.OTHER,
        observed: tuple[ObservedSignal, ...] = (),
        only_on_tier_change: bool = False,
        trace_id: str | None = None,
        trace_carrier: dict[str, str] | None = None,
    ) -> Identification | None:
        """Rate the customer; an identification unless only a tier change must be told and the
        tier did not change."""
        now = datetime.now(UTC)
        rating = rate(stored.facts, list(stored.signals), rules)
        customer_id = stored.facts.customer_id
        self.customers[customer_id] = StoredCustomer(stored.facts, stored.signals, rating.tier)
        self.ratings[customer_id] = (stored.facts, rating, now)
        if only_on_tier_change and rating.tier == (stored.tier or CustomerTier.ORDINARY):
            return None
        identification = Identification(
            customer_id=customer_id,
            branch_id=branch_id,
            channel=channel,
            rating=rating,
            guidance=guide(rating.tier, purpose),
            reason=reason,
            signals=observed,
            identified_by=identified_by,
            previous_tier=stored.tier,
            trace_id=trace_id if trace_carrier is not None else current_trace_id(),
            identified_at=now,
        )
        self.identifications.append((identification, trace_carrier))
        return identification

    async def store(self, uow: UnitOfWork) -> None:
        await uow.repo.save_customers(list(self.customers.values()))
        await uow.repo.save_ratings(list(self.ratings.values()))
        await uow.repo.add_identifications([i for i, _ in self.identifications])
        for identification, carrier in self.identifications:
            uow.emit(identification.to_event(), key=identification.customer_id, trace_carrier=carrier)


async def record_observations(
    cmds: list[RecordObservation], uow: UnitOfWork, rules: RatingRules
) -> list[Identification]:
    """Every observation is an identification with an event. Several observations can share one
    transaction; the same customer twice is applied in order."""
    changes = _Changes()
    async with uow:
        current = await uow.repo.get_customers(sorted({c.customer_id for c in cmds}))
        results = []
        for cmd in cmds:
            known = current.get(cmd.customer_id)
            facts = known.facts if known else unknown_customer(cmd.customer_id, cmd.branch_id)
            signals = merge_signals(known.signals if known else (), cmd.signals)
            identification = changes.rate(
                StoredCustomer(facts, signals, known.tier if known else None),
                rules,
                branch_id=cmd.branch_id,
                channel=cmd.channel,
                reason="observation",
                identified_by=cmd.observed_by,
                purpose=cmd.purpose,
                observed=cmd.signals,
                trace_id=cmd.trace_id,
                trace_carrier=cmd.trace_carrier,
            )
            current[cmd.customer_id] = changes.customers[cmd.customer_id]
            results.append(identification)
        await changes.store(uow)
        await uow.commit()
    return results


async def record_observation(cmd: RecordObservation, uow: UnitOfWork, rules: RatingRules) -> Identification:
    [identification] = await record_observations([cmd], uow, rules)
    return identification


async def upsert_facts(cmd: UpsertFacts, uow: UnitOfWork, rules: RatingRules) -> Identification | None:
    """New facts re-rate the customer; an identification only when the tier changes."""
    changes = _Changes()
    async with uow:
        known = (await uow.repo.get_customers([cmd.facts.customer_id])).get(cmd.facts.customer_id)
        identification = changes.rate(
            StoredCustomer(cmd.facts, known.signals if known else (), known.tier if known else None),
            rules,
            branch_id=cmd.facts.branch_id,
            channel=Channel.SYSTEM,
            reason="facts_changed",
            identified_by=cmd.changed_by,
            only_on_tier_change=True,
        )
        await changes.store(uow)
        await uow.commit()
    return identification


async def mine_transaction(
    event: TransactionPosted, event_id: str, uow: UnitOfWork, rules: RatingRules
) -> Identification | None:
    """System mining (系统挖掘): a large posted transaction identifies its customer."""
    changes = _Changes()
    async with uow:
        if not await uow.first_delivery(event_id, str(event.topic)):
            return None  # redelivered: already applied
        minimum = rules.system_mining_min_amount.get(event.business_type)
        if minimum is None or event.amount < minimum:
            await uow.commit()  # remember we saw it
            return None
        signal = _large_business_signal(event.business_type, event.amount)
        observed = (signal,) if signal else ()
        known = (await uow.repo.get_customers([event.customer_id])).get(event.customer_id)
        facts = known.facts if known else unknown_customer(event.customer_id, event.branch_id)
        identification = changes.rate(
            StoredCustomer(
                facts,
                merge_signals(known.signals if known else (), observed),
                known.tier if known else None,
            ),
            rules,
            branch_id=facts.branch_id,
            channel=Channel.SYSTEM,
            reason="system_mining",
            identified_by=None,
            observed=observed,
        )
        await changes.store(uow)
        await uow.commit()
    return identification


def _large_business_signal(business_type: str, amount: Decimal) -> ObservedSignal | None:
    if business_type not in SIGNAL_KINDS[SignalCategory.LARGE_BUSINESS]:
        return None  # a business type we mine on but do not score as a signal
    return ObservedSignal(SignalCategory.LARGE_BUSINESS, business_type, amount)


async def rerate_due_customers(
    uow_factory, rules: RatingRules, *, max_age: timedelta, batch_size: int
) -> int:
    """The periodic sweep: re-rate customers rated under older rules or too long ago, in one
    transaction per batch; an identification only when the tier changed."""
    rated_before = datetime.now(UTC) - max_age
    changes = _Changes()
    async with uow_factory() as uow:
        due = await uow.repo.customers_due(rules.version, rated_before, batch_size)
        for stored in (await uow.repo.get_customers(due)).values():
            changes.rate(
                stored,
                rules,
                branch_id=stored.facts.branch_id,
                channel=Channel.SYSTEM,
                reason="periodic_sweep",
                identified_by=None,
                only_on_tier_change=True,
            )
        await changes.store(uow)
        await uow.commit()
    return len(due)
