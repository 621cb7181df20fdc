"""Use cases of the identify service, one function each. Rating and guidance are pure (domain);
these functions load, decide, and store state and events in one unit of work.

Identifications (an observation, a mined transaction) are counted; re-ratings (facts changed,
signals expired, rules changed, the periodic review, a prospect linked) are kept apart and
told only when the tier changed. A wealth manager's not-premium verdict (from the referral
service) keeps guidance from calling a wealth manager while it holds."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from branchflow_contracts import (
    Channel,
    CustomerIdentified,
    CustomerJudgedNotPremium,
    CustomerReferred,
    CustomerTier,
    EventContract,
    Guidance,
    HandlingOutcome,
    ProspectLinked,
    RerateCause,
    SignalCategory,
    TransactionPosted,
    is_higher_tier,
)
from branchflow_runtime.messaging.outbox import current_trace_carrier
from branchflow_runtime.telemetry import current_trace_id
from identify.adapters.repository import QueueCheck, RatingState, StoredCustomer, observed_from_json
from identify.domain.facts import CustomerFacts, unknown_customer
from identify.domain.guidance import Visit, VisitPurpose, guide
from identify.domain.identification import Identification, Rerating
from identify.domain.money import ExchangeRates
from identify.domain.prospect import Prospect
from identify.domain.rating import Rating, RatingRules, rate
from identify.domain.refusals import Refused
from identify.domain.signals import SIGNAL_KINDS, ObservedSignal, remember
from identify.domain.verdict import NotPremiumVerdict
from identify.unit_of_work import UnitOfWork

BranchScope = Callable[[str], bool]  # may the caller see this branch


def _anywhere(branch_id: str) -> bool:
    return True


@dataclass(frozen=True)
class RecordObservation:
    customer_id: str
    branch_id: str
    channel: Channel
    signals: tuple[ObservedSignal, ...]
    observed_by: str
    purpose: VisitPurpose = VisitPurpose.OTHER
    observer_role: str | None = None
    has_time: bool | None = None  # for a wealth manager now, if the customer was asked
    # the trace of the request that asked, captured when the command is made: the command may
    # be stored in a transaction shared with other requests (see GroupCommit)
    trace_carrier: dict[str, str] = field(default_factory=current_trace_carrier, compare=False)
    trace_id: str | None = field(default_factory=current_trace_id, compare=False)

    @property
    def visit(self) -> Visit:
        shown = any(s.kind == "own_bank_vip_card" for s in self.signals)
        return Visit(self.purpose, vip_card_shown=shown, has_time=self.has_time)


@dataclass(frozen=True)
class UpsertFacts:
    facts: CustomerFacts
    changed_by: str


@dataclass(frozen=True)
class RecordProspect:
    branch_id: str
    name: str
    phone: str | None
    signals: tuple[ObservedSignal, ...]
    observed_by: str
    observer_role: str | None = None
    channel: Channel = Channel.BRANCH
    purpose: VisitPurpose = VisitPurpose.OTHER
    has_time: bool | None = None
    # derived from the phone (identify.domain.prospect.prospect_id_for), else a UUID
    prospect_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class LinkProspect:
    prospect_id: str
    customer_id: str
    linked_by: str


@dataclass(frozen=True)
class CheckQueue:
    """Second diversion (二次分流): someone already queuing, asked what they came for."""

    branch_id: str
    purpose: VisitPurpose
    checked_by: str
    ticket: str | None = None
    customer_id: str | None = None


class ProspectNotFound(Refused, LookupError):
    code = "prospect.not_found"


class ProspectAlreadyLinked(Refused):
    code = "prospect.already_linked"


class CustomerOfAnotherBranch(Refused):
    code = "prospect.other_branch_customer"


class ProspectIsCustomer(Refused):
    """The walk-in's phone is a prospect's already linked to a customer id: they are our customer."""

    code = "prospect.is_customer"


def _followed_up(verdict: NotPremiumVerdict | None, customer: StoredCustomer | None, now: datetime) -> bool:
    """Whether a wealth manager's not-premium verdict holds for the customer as rated now."""
    return verdict is not None and verdict.holds(now, customer.tier_raised_at if customer else None)


class _Changes:
    """What one unit of work writes: customers, ratings, identifications, re-ratings, events."""

    def __init__(self, rules: RatingRules, now: datetime | None = None) -> None:
        self.rules = rules
        self.now = now or datetime.now(UTC)
        self.customers: dict[str, StoredCustomer] = {}
        self.ratings: dict[str, tuple] = {}
        self.identifications: list[tuple[Identification, dict[str, str] | None]] = []
        self.reratings: list[Rerating] = []
        self.events: list[tuple[EventContract, str]] = []  # published as they are, not from rows

    def rate(self, stored: StoredCustomer, new_signals: tuple[ObservedSignal, ...] = ()) -> StoredCustomer:
        """Remember the new signals, rate, and keep the customer and rating to save."""
        signals = remember(stored.signals, new_signals, self.rules.signal_lifetimes, self.now)
        rating = rate(stored.facts, signals, self.rules, self.now)
        customer_id = stored.facts.customer_id
        raised_at = self.now if is_higher_tier(stored.tier, rating.tier) else stored.tier_raised_at
        updated = replace(stored, signals=signals, tier=rating.tier, tier_raised_at=raised_at)
        self.customers[customer_id] = updated
        self.ratings[customer_id] = (stored.facts, rating, self.now)
        return updated

    def rating_of(self, customer_id: str) -> Rating:
        return self.ratings[customer_id][1]

    def identify(
        self, identification: Identification, trace_carrier: dict[str, str] | None
    ) -> Identification:
        self.identifications.append((identification, trace_carrier))
        return identification

    def rerate_if_changed(
        self, before: StoredCustomer | None, after: StoredCustomer, cause: RerateCause, by: str | None
    ) -> Rerating | None:
        """A re-rating is told only when the tier changed (a first rating as ordinary is not)."""
        previous = before.tier if before else None
        if after.tier == (previous or CustomerTier.ORDINARY):
            return None
        rerating = Rerating(
            customer_id=after.facts.customer_id,
            branch_id=after.facts.branch_id,
            cause=cause,
            previous_tier=previous,
            rating=self.rating_of(after.facts.customer_id),
            rerated_by=by,
            trace_id=current_trace_id(),
            rerated_at=self.now,
        )
        self.reratings.append(rerating)
        return rerating

    async def store(self, uow: UnitOfWork) -> None:
        await uow.repo.save_customers(list(self.customers.values()))
        await uow.repo.save_ratings(list(self.ratings.values()))
        await uow.repo.add_identifications([i for i, _ in self.identifications])
        await uow.repo.add_reratings(self.reratings)
        for identification, carrier in self.identifications:
            if identification.customer_id is not None:  # a prospect's is told once linked
                uow.emit(identification.to_event(), key=identification.customer_id, trace_carrier=carrier)
        for event, key in self.events:
            uow.emit(event, key=key)
        for rerating in self.reratings:
            uow.emit(rerating.to_event(), key=rerating.customer_id)


async def record_observations(
    cmds: list[RecordObservation], uow: UnitOfWork, rules: RatingRules
) -> list[Identification]:
    """Every observation is an identification with an event. Several observations can share one
    transaction; the same customer twice is applied in order."""
    changes = _Changes(rules)
    async with uow:
        customer_ids = sorted({c.customer_id for c in cmds})
        current = await uow.repo.get_customers(customer_ids)
        verdicts = await uow.repo.get_verdicts(customer_ids)
        results = []
        for cmd in cmds:
            known = current.get(cmd.customer_id)
            stored = known or StoredCustomer(unknown_customer(cmd.customer_id, cmd.branch_id), ())
            updated = changes.rate(stored, cmd.signals)
            current[cmd.customer_id] = updated
            rating = changes.rating_of(cmd.customer_id)
            identification = Identification(
                customer_id=cmd.customer_id,
                branch_id=cmd.branch_id,
                channel=cmd.channel,
                rating=rating,
                guidance=guide(
                    rating.tier,
                    cmd.visit,
                    wealth_manager_followed_up=_followed_up(
                        verdicts.get(cmd.customer_id), updated, changes.now
                    ),
                ),
                reason="observation",
                signals=cmd.signals,
                identified_by=cmd.observed_by,
                observer_role=cmd.observer_role,
                purpose=str(cmd.purpose),
                previous_tier=known.tier if known else None,
                trace_id=cmd.trace_id,
                identified_at=changes.now,
            )
            results.append(changes.identify(identification, cmd.trace_carrier))
        await changes.store(uow)
        await uow.commit()
    return results


async def record_observation(cmd: RecordObservation, uow: UnitOfWork, rules: RatingRules) -> Identification:
    [identification] = await record_observations([cmd], uow, rules)
    return identification


async def upsert_facts(cmd: UpsertFacts, uow: UnitOfWork, rules: RatingRules) -> Rerating | None:
    """New facts re-rate the customer: a re-rating (not an identification) when the tier changes."""
    changes = _Changes(rules)
    async with uow:
        known = (await uow.repo.get_customers([cmd.facts.customer_id])).get(cmd.facts.customer_id)
        stored = replace(known, facts=cmd.facts) if known else StoredCustomer(cmd.facts, ())
        updated = changes.rate(stored)
        rerating = changes.rerate_if_changed(known, updated, RerateCause.FACTS_CHANGED, cmd.changed_by)
        await changes.store(uow)
        await uow.commit()
    return rerating


async def mine_transaction(
    event: TransactionPosted, event_id: str, uow: UnitOfWork, rules: RatingRules, rates: ExchangeRates
) -> Identification | None:
    """System mining (系统挖掘): a large posted transaction identifies its customer. A foreign
    amount is converted with the bank's rates; a currency without a rate raises
    ``NoExchangeRate`` before anything is written (the message is dead-lettered)."""
    amount, conversion = rates.to_cny(event.amount, event.currency)
    changes = _Changes(rules)
    async with uow:
        if not await uow.first_delivery(event_id, str(event.topic)):
            return None  # redelivered: already applied
        minimum = rules.system_mining_min_amount.get(event.business_type)
        if minimum is None or amount < minimum:
            await uow.commit()  # remember we saw it
            return None
        observed = ()
        if event.business_type in SIGNAL_KINDS[SignalCategory.LARGE_BUSINESS]:
            posted_at = min(event.posted_at, changes.now)  # a clock ahead of ours is not the future
            observed = (
                ObservedSignal(
                    SignalCategory.LARGE_BUSINESS, event.business_type, amount, posted_at, conversion
                ),
            )
        known = (await uow.repo.get_customers([event.customer_id])).get(event.customer_id)
        verdict = (await uow.repo.get_verdicts([event.customer_id])).get(event.customer_id)
        stored = known or StoredCustomer(unknown_customer(event.customer_id, event.branch_id), ())
        updated = changes.rate(stored, observed)
        rating = changes.rating_of(event.customer_id)
        identification = changes.identify(
            Identification(
                customer_id=event.customer_id,
                branch_id=stored.facts.branch_id,
                channel=Channel.SYSTEM,
                rating=rating,
                guidance=guide(
                    rating.tier, wealth_manager_followed_up=_followed_up(verdict, updated, changes.now)
                ),
                reason="system_mining",
                signals=observed,
                previous_tier=known.tier if known else None,
                trace_id=current_trace_id(),
                identified_at=changes.now,
            ),
            None,
        )
        await changes.store(uow)
        await uow.commit()
    return identification


def _sweep_cause(state: RatingState | None, rules: RatingRules, now: datetime) -> RerateCause:
    if state is not None and state.rules_version != rules.version:
        return RerateCause.RULES_CHANGED
    if state is not None and state.next_expiry_at is not None and state.next_expiry_at <= now:
        return RerateCause.SIGNALS_EXPIRED
    return RerateCause.PERIODIC_REVIEW


async def rerate_due_customers(
    uow_factory, rules: RatingRules, *, max_age: timedelta, batch_size: int, now: datetime | None = None
) -> int:
    """The periodic sweep: re-rate customers rated under other rules, whose signals ran out, or
    rated too long ago, in one transaction per batch; a re-rating with its cause when the tier
    changed."""
    changes = _Changes(rules, now)
    async with uow_factory() as uow:
        due = await uow.repo.customers_due(rules.version, changes.now - max_age, changes.now, batch_size)
        for stored in (await uow.repo.get_customers(list(due))).values():
            cause = _sweep_cause(due[stored.facts.customer_id], rules, changes.now)
            changes.rerate_if_changed(stored, changes.rate(stored), cause, None)
        await changes.store(uow)
        await uow.commit()
    return len(due)


async def record_prospect(cmd: RecordProspect, uow: UnitOfWork, rules: RatingRules) -> Identification:
    """A walk-in who is not our customer yet: recorded with name and phone under a prospect id,
    rated on what was observed (as not our customer), and identified without a customer id. A
    second visit (the same phone, so the same id) is the same prospect: what was seen before
    still counts, and the prospect follows this visit (branch, name, who recorded it, when): the
    lobby that met them last is the one that links them when they open an account. A prospect
    already linked is refused: they are our customer now."""
    now = datetime.now(UTC)
    async with uow:
        await uow.repo.lock_prospect(cmd.prospect_id)
        known = await uow.repo.get_prospect(cmd.prospect_id)
        if known is not None and known.customer_id is not None:
            raise ProspectIsCustomer(prospect_id=known.prospect_id, customer_id=known.customer_id)
        before = known.signals if known else ()
        prospect = Prospect(
            branch_id=cmd.branch_id,
            name=cmd.name,
            phone=cmd.phone,
            recorded_by=cmd.observed_by,
            signals=remember(before, cmd.signals, rules.signal_lifetimes, now),
            prospect_id=cmd.prospect_id,
            recorded_at=now,
        )
        rating = rate(prospect.facts, prospect.signals, rules, now)
        verdict = (await uow.repo.get_verdicts([prospect.prospect_id])).get(prospect.prospect_id)
        identification = Identification(
            customer_id=None,
            prospect_id=prospect.prospect_id,
            branch_id=cmd.branch_id,
            channel=cmd.channel,
            rating=rating,
            guidance=guide(
                rating.tier,
                Visit(cmd.purpose, has_time=cmd.has_time),
                wealth_manager_followed_up=_followed_up(verdict, None, now),
            ),
            reason="observation",
            signals=cmd.signals,
            identified_by=cmd.observed_by,
            observer_role=cmd.observer_role,
            purpose=str(cmd.purpose),
            trace_id=current_trace_id(),
            identified_at=now,
        )
        await uow.repo.save_prospect(prospect, rating.tier)
        await uow.repo.add_identifications([identification])
        await uow.commit()
    return identification


async def link_prospect(
    cmd: LinkProspect, uow: UnitOfWork, rules: RatingRules, may_see_branch: BranchScope = _anywhere
) -> Rerating | None:
    """The prospect opened an account: linked to the customer id. Their identifications become the
    customer's and are published now (they could not be without a customer); their signals join
    the customer's, with the fact that their main bank was another when they walked in; and
    ``customer.prospect-linked`` tells the other services (the referral service's forms for the
    walk-in become the customer's). ``may_see_branch``: the caller's branch scope (another
    branch's prospect is not found)."""
    changes = _Changes(rules)
    async with uow:
        prospect = await uow.repo.get_prospect(cmd.prospect_id)
        if prospect is None or not may_see_branch(prospect.branch_id):
            raise ProspectNotFound(prospect_id=cmd.prospect_id)
        if prospect.customer_id is not None:
            raise ProspectAlreadyLinked(prospect_id=prospect.prospect_id, customer_id=prospect.customer_id)
        known = (await uow.repo.get_customers([cmd.customer_id])).get(cmd.customer_id)
        if (
            known
            and known.facts.branch_id != prospect.branch_id
            and not may_see_branch(known.facts.branch_id)
        ):
            raise CustomerOfAnotherBranch(
                customer_id=cmd.customer_id,
                customer_branch=known.facts.branch_id,
                branch_id=prospect.branch_id,
            )
        stored = known or StoredCustomer(
            replace(
                unknown_customer(cmd.customer_id, prospect.branch_id),
                name=prospect.name,
                phone=prospect.phone,
            ),
            (),
        )
        updated = changes.rate(stored, prospect.signals_for_the_customer())
        rerating = changes.rerate_if_changed(known, updated, RerateCause.PROSPECT_LINKED, cmd.linked_by)
        linked = replace(
            prospect, customer_id=cmd.customer_id, linked_by=cmd.linked_by, linked_at=changes.now
        )
        await uow.repo.save_prospect(linked, changes.rating_of(cmd.customer_id).tier)
        for row in await uow.repo.move_prospect_identifications(prospect.prospect_id, cmd.customer_id):
            changes.events.append((_identified_event(row), cmd.customer_id))
        changes.events.append((_linked_event(linked), cmd.customer_id))
        await changes.store(uow)
        await uow.commit()
    return rerating


def _linked_event(prospect: Prospect) -> ProspectLinked:
    return ProspectLinked(
        prospect_id=prospect.prospect_id,
        customer_id=prospect.customer_id,
        branch_id=prospect.branch_id,
        linked_by=prospect.linked_by,
        linked_at=prospect.linked_at,
    )


def _identified_event(row: dict) -> CustomerIdentified:
    return CustomerIdentified(
        identification_id=str(row["identification_id"]),
        customer_id=row["customer_id"],
        branch_id=row["branch_id"],
        channel=Channel(row["channel"]),
        tier=CustomerTier(row["tier"]),
        previous_tier=row["previous_tier"],
        score=row["score"],
        signals=[
            {"category": s.category, "kind": s.kind, "amount": s.amount}
            for s in observed_from_json(row["signals"])
        ],
        guidance=Guidance.model_validate(row["guidance"]),
        reason=row["reason"],
        identified_by=row["identified_by"],
        identified_at=row["identified_at"],
        purpose=row["purpose"],
        observer_role=row["observer_role"],
        prospect_id=str(row["prospect_id"]),
    )


async def record_handling(
    identification_id: str,
    outcome: str,
    handled_by: str,
    uow: UnitOfWork,
    may_see_branch: BranchScope = _anywhere,
) -> dict | None:
    """What became of a lobby or counter guidance: referred to a wealth manager, guided, or the
    customer left. None if there is no such identification the caller may see."""
    async with uow:
        row = await uow.repo.set_handling(identification_id, outcome, handled_by, datetime.now(UTC))
        if row is None or not may_see_branch(row["branch_id"]):
            return None  # rolled back on exit
        await uow.commit()
    return row


async def mark_referred(event: CustomerReferred, event_id: str, uow: UnitOfWork) -> bool:
    """A referral form filed from a lobby identification (``customer.referred``): the lobby list
    shows that identification handled — referred — unless someone recorded what became of it
    already. True when it was marked."""
    async with uow:
        if not await uow.first_delivery(event_id, str(event.topic)):
            return False  # redelivered: already applied
        marked = event.identification_id is not None and await uow.repo.mark_handled_unless_recorded(
            event.identification_id, str(HandlingOutcome.REFERRED), event.referred_by, event.referred_at
        )
        await uow.commit()
    return marked


async def check_queue(cmd: CheckQueue, uow: UnitOfWork) -> QueueCheck:
    """Second diversion: guidance for someone already queuing. The simple errands move to
    self-service or e-banking; a known customer is guided on their current rating (a premium
    customer to priority service), without a new identification."""
    now = datetime.now(UTC)
    async with uow:
        known = verdict = None
        if cmd.customer_id:
            known = (await uow.repo.get_customers([cmd.customer_id])).get(cmd.customer_id)
            verdict = (await uow.repo.get_verdicts([cmd.customer_id])).get(cmd.customer_id)
        tier = known.tier if known and known.tier else CustomerTier.ORDINARY
        guidance = guide(
            tier,
            Visit(cmd.purpose, in_queue=True),
            wealth_manager_followed_up=_followed_up(verdict, known, now),
        )
        check = QueueCheck(
            branch_id=cmd.branch_id,
            ticket=cmd.ticket,
            customer_id=cmd.customer_id,
            purpose=str(cmd.purpose),
            guidance=guidance,
            checked_by=cmd.checked_by,
            checked_at=now,
        )
        await uow.repo.add_queue_check(check)
        await uow.commit()
    return check


async def record_not_premium_verdict(
    event: CustomerJudgedNotPremium, event_id: str, uow: UnitOfWork
) -> NotPremiumVerdict | None:
    """A wealth manager judged the customer not premium (the referral service's event): from now
    on, while the verdict holds, guidance for them calls no wealth manager. The verdict is kept
    whether or not identify knows the customer yet. Returns it when it became the customer's
    verdict; None when it changes nothing: redelivered, or earlier than the one kept. A walk-in's
    verdict is keyed by their prospect id, which is identify's id of them too (one derived from the
    phone): their next visit's guidance calls no wealth manager either."""
    async with uow:
        if not await uow.first_delivery(event_id, str(event.topic)):
            return None
        verdict = NotPremiumVerdict.of(event)
        current = (await uow.repo.get_verdicts([verdict.customer_id])).get(verdict.customer_id)
        if verdict.replaces(current):
            await uow.repo.save_verdict(verdict)
        else:
            verdict = None
        await uow.commit()  # remember the event, whatever it changed
    return verdict
