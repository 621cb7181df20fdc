"""Use cases with a fake unit of work: no database, no broker."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from branchflow_contracts import Channel, CustomerIdentified, CustomerTier, SignalCategory, TransactionPosted
from identify import handlers
from identify.adapters.repository import StoredCustomer
from identify.config import DEFAULT_RULES
from identify.domain.facts import CustomerFacts
from identify.domain.rating import RatingRules
from identify.domain.signals import ObservedSignal

RULES = RatingRules.from_toml(DEFAULT_RULES)


class FakeRepository:
    def __init__(self) -> None:
        self.customers: dict[str, StoredCustomer] = {}
        self.ratings: dict[str, tuple] = {}  # customer id → (tier, rules version, rated at)
        self.identifications = []

    async def get_customers(self, customer_ids):
        found = {}
        for cid in customer_ids:
            if cid in self.customers:
                rating = self.ratings.get(cid)
                stored = self.customers[cid]
                found[cid] = StoredCustomer(stored.facts, stored.signals, rating[0] if rating else None)
        return found

    async def save_customers(self, stored):
        for s in stored:
            self.customers[s.facts.customer_id] = s

    async def save_ratings(self, ratings):
        for facts, rating, rated_at in ratings:
            self.ratings[facts.customer_id] = (rating.tier, rating.rules_version, rated_at)

    async def add_identifications(self, identifications):
        self.identifications.extend(identifications)

    async def customers_due(self, rules_version, rated_before, limit):
        due = [
            cid
            for cid in self.customers
            if cid not in self.ratings
            or self.ratings[cid][1] != rules_version
            or self.ratings[cid][2] < rated_before
        ]
        return due[:limit]


class FakeUnitOfWork:
    def __init__(self, repo: FakeRepository | None = None) -> None:
        self.repo = repo or FakeRepository()
        self.published: list = []
        self.seen: set[str] = set()
        self._staged: list = []
        self.commits = 0

    async def __aenter__(self):
        self._staged = []
        return self

    async def __aexit__(self, *exc):
        self._staged = []  # rollback of what was not committed

    def emit(self, event, key, trace_carrier=None):
        self._staged.append((event, key))

    async def first_delivery(self, event_id, topic):
        if event_id in self.seen:
            return False
        self.seen.add(event_id)
        return True

    async def commit(self):
        self.published.extend(self._staged)
        self._staged = []
        self.commits += 1


def observation(customer_id="C1", signals=()):
    return handlers.RecordObservation(
        customer_id=customer_id,
        branch_id="BR001",
        channel=Channel.BRANCH,
        signals=tuple(signals),
        observed_by="lm-1",
    )


async def test_every_observation_is_an_identification_with_an_event():
    uow = FakeUnitOfWork()
    luxury = ObservedSignal(SignalCategory.APPEARANCE, "luxury_car")
    first = await handlers.record_observation(observation(signals=[luxury]), uow, RULES)
    await handlers.record_observation(observation(), uow, RULES)
    assert len(uow.published) == 2
    event, key = uow.published[0]
    assert isinstance(event, CustomerIdentified)
    assert key == "C1"
    assert event.identification_id == first.identification_id
    assert event.reason == "observation"


async def test_signals_are_remembered_for_later_ratings():
    uow = FakeUnitOfWork()
    car = ObservedSignal(SignalCategory.APPEARANCE, "luxury_car")
    await handlers.record_observation(observation(signals=[car]), uow, RULES)
    second = await handlers.record_observation(observation(), uow, RULES)
    assert second.rating.score == Decimal("10")
    assert second.signals == ()  # what was observed this time


async def test_new_facts_emit_only_when_the_tier_changes():
    uow = FakeUnitOfWork()
    modest = CustomerFacts("C2", "BR001", deposits=Decimal("1000"))
    rich = CustomerFacts("C2", "BR001", deposits=Decimal("800000"))
    assert await handlers.upsert_facts(handlers.UpsertFacts(modest, "wm-1"), uow, RULES) is None
    changed = await handlers.upsert_facts(handlers.UpsertFacts(rich, "wm-1"), uow, RULES)
    again = await handlers.upsert_facts(handlers.UpsertFacts(rich, "wm-1"), uow, RULES)
    assert changed is not None and changed.rating.tier == CustomerTier.PREMIUM
    assert changed.previous_tier == CustomerTier.ORDINARY
    assert again is None
    assert [e.reason for e, _ in uow.published] == ["facts_changed"]


def posted(customer_id: str, amount: str, business_type: str = "cash_deposit") -> TransactionPosted:
    return TransactionPosted(
        transaction_id="T1",
        customer_id=customer_id,
        branch_id="BR001",
        business_type=business_type,
        amount=Decimal(amount),
        posted_at=datetime.now(UTC),
    )


@pytest.mark.parametrize(("amount", "identified"), [("199999.99", False), ("200000.00", True)])
async def test_system_mining_threshold_edges(amount, identified):
    uow = FakeUnitOfWork()
    result = await handlers.mine_transaction(posted("C3", amount), "evt-1", uow, RULES)
    assert (result is not None) == identified
    if identified:
        assert result.channel == Channel.SYSTEM
        assert result.signals[0].amount == Decimal(amount)


async def test_system_mining_applies_a_redelivered_event_once():
    uow = FakeUnitOfWork()
    await handlers.mine_transaction(posted("C4", "900000"), "evt-9", uow, RULES)
    await handlers.mine_transaction(posted("C4", "900000"), "evt-9", uow, RULES)
    assert len(uow.repo.identifications) == 1
    assert len(uow.published) == 1


async def test_sweep_rerates_under_new_rules_and_emits_on_tier_change_only():
    repo = FakeRepository()
    uow = FakeUnitOfWork(repo)
    await handlers.upsert_facts(
        handlers.UpsertFacts(CustomerFacts("C5", "BR001", deposits=Decimal("300000")), "wm-1"), uow, RULES
    )
    await handlers.upsert_facts(
        handlers.UpsertFacts(CustomerFacts("C6", "BR001", deposits=Decimal("1000")), "wm-1"), uow, RULES
    )
    raw = DEFAULT_RULES.read_text().replace('version = "2026.1"', 'version = "2026.2"')
    raw = raw.replace("min_aum = 500_000", "min_aum = 300_000", 1)
    import tomllib

    new_rules = RatingRules.from_dict(tomllib.loads(raw))
    count = await handlers.rerate_due_customers(
        lambda: uow, new_rules, max_age=timedelta(days=30), batch_size=100
    )
    assert count == 2
    assert [(e.customer_id, e.tier, e.reason) for e, _ in uow.published] == [
        ("C5", CustomerTier.PREMIUM, "periodic_sweep")
    ]
    assert all(version == "2026.2" for _, version, _ in repo.ratings.values())
