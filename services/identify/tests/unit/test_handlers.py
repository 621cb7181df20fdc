"""Use cases with a fake unit of work (no database, no broker) and the tests' own rules."""

import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from branchflow_contracts import (
    Channel,
    CustomerIdentified,
    CustomerJudgedNotPremium,
    CustomerReferred,
    CustomerRerated,
    CustomerTier,
    GuidanceAction,
    RerateCause,
    TransactionPosted,
)
from identify import handlers
from identify.adapters.rules_file import rules_from_dict
from identify.domain.facts import CustomerFacts
from identify.domain.guidance import Visit, VisitPurpose, guide
from identify.domain.money import NoExchangeRate
from identify.domain.signals import CATEGORY_OF_KIND, ObservedSignal

from .fakes import FakeRepository, FakeUnitOfWork
from .ruleset import RATES, RULES, RULES_DIR


def seen(kind: str, amount: str | None = None, days_ago: float = 0) -> ObservedSignal:
    return ObservedSignal(
        CATEGORY_OF_KIND[kind],
        kind,
        None if amount is None else Decimal(amount),
        observed_at=datetime.now(UTC) - timedelta(days=days_ago),
    )


def observation(customer_id="C1", signals=(), **kw):
    return handlers.RecordObservation(
        customer_id=customer_id,
        branch_id="BR001",
        channel=Channel.BRANCH,
        signals=tuple(signals),
        observed_by="lm-1",
        observer_role="lobby_manager",
        **kw,
    )


# --- observations -----------------------------------------------------------------------------


async def test_every_observation_is_an_identification_with_an_event():
    uow = FakeUnitOfWork()
    first = await handlers.record_observation(
        observation(signals=[seen("luxury_car")], purpose=VisitPurpose.LARGE_CASH), uow, RULES
    )
    await handlers.record_observation(observation(), uow, RULES)
    events = uow.events(CustomerIdentified)
    assert len(events) == 2
    assert events[0].identification_id == first.identification_id
    assert (events[0].reason, events[0].purpose, events[0].observer_role) == (
        "observation",
        "large_cash",
        "lobby_manager",
    )
    assert uow.published[0][1] == "C1"


async def test_signals_are_remembered_for_later_ratings_until_they_run_out():
    uow = FakeUnitOfWork()
    await handlers.record_observation(observation(signals=[seen("luxury_car", days_ago=29)]), uow, RULES)
    second = await handlers.record_observation(observation(), uow, RULES)
    assert second.rating.score == 10
    assert second.signals == ()  # what was observed this time
    # the tests' rules give a luxury car 30 days: a day later it no longer counts
    await handlers.rerate_due_customers(
        lambda: uow,
        RULES,
        max_age=timedelta(days=30),
        batch_size=10,
        now=datetime.now(UTC) + timedelta(days=2),
    )
    rating, _ = uow.repo.ratings["C1"]
    assert rating.score == 0


async def test_a_premium_customer_showing_our_vip_card_is_taken_to_priority_service():
    uow = FakeUnitOfWork()
    await handlers.upsert_facts(
        handlers.UpsertFacts(CustomerFacts("VIP1", "BR001", deposits=Decimal("1000000")), "wm-1"), uow, RULES
    )
    result = await handlers.record_observation(
        observation("VIP1", [seen("own_bank_vip_card")], purpose=VisitPurpose.INVESTMENT), uow, RULES
    )
    assert result.guidance.action == GuidanceAction.PRIORITY_COUNTER
    assert result.guidance.offer_wealth_manager_card
    with_time = await handlers.record_observation(
        observation("VIP1", [seen("own_bank_vip_card")], purpose=VisitPurpose.INVESTMENT, has_time=True),
        uow,
        RULES,
    )
    assert with_time.guidance.call_wealth_manager


# --- a wealth manager's not-premium verdict (the referral service's event) ---------------------

WEALTHY_ELSEWHERE = ("main_bank_elsewhere", "luxury_car", "luxury_watch")  # to win, with the tests' rules


def referred(identification_id: str | None, customer_id="C1") -> CustomerReferred:
    return CustomerReferred(
        referral_id="R1",
        customer_id=customer_id,
        branch_id="BR001",
        referred_by="lm-1",
        referrer_role="lobby_manager",
        wealth_manager_id="wm-1",
        status="referred",
        referred_at=datetime.now(UTC),
        identification_id=identification_id,
    )


async def test_a_form_filed_from_an_identification_marks_it_referred_on_the_lobby_list_once():
    uow = FakeUnitOfWork()
    first = await handlers.record_observation(observation(customer_id="C1"), uow, RULES)
    by_hand = await handlers.record_observation(observation(customer_id="C2"), uow, RULES)
    await handlers.record_handling(by_hand.identification_id, "left", "lm-1", uow)

    assert await handlers.mark_referred(referred(first.identification_id), "e1", uow) is True
    assert await handlers.mark_referred(referred(first.identification_id), "e1", uow) is False  # redelivered
    assert await handlers.mark_referred(referred(by_hand.identification_id, "C2"), "e2", uow) is False
    assert await handlers.mark_referred(referred(None), "e3", uow) is False  # a walk-in without one
    handling = uow.repo.handling
    assert handling[first.identification_id][:2] == ("referred", "lm-1")
    assert handling[by_hand.identification_id][0] == "left"  # what the lobby recorded stands


def judged(customer_id="FU1", *, at=None, days=180, branch_id="BR001") -> CustomerJudgedNotPremium:
    at = at or datetime.now(UTC)
    return CustomerJudgedNotPremium(
        customer_id=customer_id,
        branch_id=branch_id,
        referral_id="R1",
        judged_by="wm-1",
        judged_at=at,
        no_referral_until=at + timedelta(days=days),
    )


def wealthy_elsewhere(customer_id="FU1", **kw):
    return observation(customer_id, [seen(kind) for kind in WEALTHY_ELSEWHERE], **kw)


async def test_a_verdict_stops_guidance_calling_a_wealth_manager_for_that_customer():
    uow = FakeUnitOfWork()
    visit = {"purpose": VisitPurpose.INVESTMENT, "has_time": True}
    before = await handlers.record_observation(wealthy_elsewhere(**visit), uow, RULES)
    assert before.rating.tier == CustomerTier.TO_WIN and before.guidance.call_wealth_manager

    assert await handlers.record_not_premium_verdict(judged(), "v-1", uow) is not None
    after = await handlers.record_observation(observation("FU1", **visit), uow, RULES)
    assert after.rating.tier == CustomerTier.TO_WIN  # the rating is the rating; the guidance changes
    assert not after.guidance.call_wealth_manager and not after.guidance.offer_wealth_manager_card
    assert after.guidance == guide(CustomerTier.ORDINARY, Visit(VisitPurpose.INVESTMENT, has_time=True))
    published = uow.events(CustomerIdentified)[-1]  # what the referral service and the lobby read
    assert published.guidance.call_wealth_manager is False
    other = await handlers.record_observation(wealthy_elsewhere("FU2", **visit), uow, RULES)
    assert other.guidance.call_wealth_manager  # for that customer only


async def test_second_diversion_and_system_mining_honour_the_verdict_too():
    uow = FakeUnitOfWork()
    await handlers.upsert_facts(
        handlers.UpsertFacts(CustomerFacts("FU3", "BR001", deposits=Decimal("1000000")), "wm-1"), uow, RULES
    )
    await handlers.record_not_premium_verdict(judged("FU3"), "v-3", uow)
    queued = await handlers.check_queue(
        handlers.CheckQueue("BR001", VisitPurpose.LARGE_CASH, "lm-1", "A020", customer_id="FU3"), uow
    )
    assert queued.guidance.action == GuidanceAction.PRIORITY_COUNTER  # still premium by the rating
    assert not queued.guidance.offer_wealth_manager_card
    mined = await handlers.mine_transaction(posted("FU3", "900000"), "evt-fu3", uow, RULES, RATES)
    assert not mined.guidance.call_wealth_manager and not mined.guidance.offer_wealth_manager_card


async def test_a_later_verdict_takes_over_and_an_earlier_or_repeated_one_changes_nothing():
    uow = FakeUnitOfWork()
    first = datetime.now(UTC) - timedelta(days=10)
    assert await handlers.record_not_premium_verdict(judged(at=first), "v-1", uow) is not None
    later = await handlers.record_not_premium_verdict(judged(at=first + timedelta(days=5)), "v-2", uow)
    assert later is not None and later.until == first + timedelta(days=185)
    assert await handlers.record_not_premium_verdict(judged(at=first), "v-3", uow) is None  # earlier
    assert await handlers.record_not_premium_verdict(judged(at=first), "v-1", uow) is None  # redelivered
    assert uow.repo.verdicts["FU1"] == later
    assert {"v-1", "v-2", "v-3"} <= uow.seen  # each event remembered once applied


async def test_a_verdict_on_a_customer_identify_does_not_know_yet_is_honoured_at_the_first_observation():
    uow = FakeUnitOfWork()
    await handlers.record_not_premium_verdict(judged("NEW2"), "v-new", uow)
    assert uow.repo.customers == {}  # no customer is made up from a verdict
    first = await handlers.record_observation(wealthy_elsewhere("NEW2", has_time=True), uow, RULES)
    assert first.rating.tier == CustomerTier.TO_WIN and first.previous_tier is None  # a first rating
    assert not first.guidance.call_wealth_manager


async def test_the_verdict_ends_at_its_date():
    uow = FakeUnitOfWork()
    await handlers.record_not_premium_verdict(
        judged(at=datetime.now(UTC) - timedelta(days=31), days=30), "v-old", uow
    )
    result = await handlers.record_observation(wealthy_elsewhere(has_time=True), uow, RULES)
    assert result.guidance.call_wealth_manager


async def test_a_higher_tier_after_the_verdict_lifts_it_as_the_referral_service_lifts_its_block():
    uow = FakeUnitOfWork()
    await handlers.record_observation(observation("UP1", [seen("luxury_car")]), uow, RULES)
    await handlers.record_not_premium_verdict(
        judged("UP1", at=datetime.now(UTC) - timedelta(seconds=1)), "v", uow
    )
    same = await handlers.record_observation(observation("UP1", [seen("luxury_watch")]), uow, RULES)
    assert same.rating.tier == CustomerTier.ORDINARY and not same.guidance.call_wealth_manager
    risen = await handlers.record_observation(
        observation("UP1", [seen("main_bank_elsewhere")], has_time=True), uow, RULES
    )
    # the event tells of the rise (ordinary → to win), which lifts the referral service's block
    assert (risen.previous_tier, risen.rating.tier) == (CustomerTier.ORDINARY, CustomerTier.TO_WIN)
    assert risen.guidance.call_wealth_manager
    again = await handlers.record_observation(observation("UP1", has_time=True), uow, RULES)
    assert again.guidance.call_wealth_manager  # lifted for good, not for one observation


async def test_a_verdict_judged_before_the_tier_rose_and_read_late_does_not_hold():
    uow = FakeUnitOfWork()
    judged_at = datetime.now(UTC) - timedelta(minutes=5)
    await handlers.record_observation(observation("UP2", [seen("luxury_car")]), uow, RULES)
    risen = await handlers.record_observation(
        observation("UP2", [seen("luxury_watch"), seen("main_bank_elsewhere")]), uow, RULES
    )
    assert risen.rating.tier == CustomerTier.TO_WIN
    await handlers.record_not_premium_verdict(judged("UP2", at=judged_at), "v-late", uow)  # read late
    result = await handlers.record_observation(observation("UP2", has_time=True), uow, RULES)
    assert result.guidance.call_wealth_manager
    # a new verdict, judged knowing the tier, holds
    await handlers.record_not_premium_verdict(judged("UP2"), "v-new", uow)
    result = await handlers.record_observation(observation("UP2", has_time=True), uow, RULES)
    assert not result.guidance.call_wealth_manager


# --- re-ratings are not identifications -------------------------------------------------------


async def test_new_facts_are_a_rerating_told_only_when_the_tier_changes():
    uow = FakeUnitOfWork()
    modest = CustomerFacts("C2", "BR001", deposits=Decimal("1000"))
    rich = CustomerFacts("C2", "BR001", deposits=Decimal("1000000"))
    assert await handlers.upsert_facts(handlers.UpsertFacts(modest, "wm-1"), uow, RULES) is None
    changed = await handlers.upsert_facts(handlers.UpsertFacts(rich, "wm-1"), uow, RULES)
    again = await handlers.upsert_facts(handlers.UpsertFacts(rich, "wm-1"), uow, RULES)
    assert changed is not None and changed.rating.tier == CustomerTier.PREMIUM
    assert changed.previous_tier == CustomerTier.ORDINARY
    assert again is None
    [event] = uow.events(CustomerRerated)
    assert (event.cause, event.previous_tier, event.tier, event.rerated_by) == (
        RerateCause.FACTS_CHANGED,
        CustomerTier.ORDINARY,
        CustomerTier.PREMIUM,
        "wm-1",
    )
    assert uow.repo.identifications == [] and uow.events(CustomerIdentified) == []


async def test_the_sweep_rerates_under_new_rules_with_that_cause():
    repo = FakeRepository()
    uow = FakeUnitOfWork(repo)
    for cid, deposits in (("C5", "600000"), ("C6", "1000")):
        facts = CustomerFacts(cid, "BR001", deposits=Decimal(deposits))
        await handlers.upsert_facts(handlers.UpsertFacts(facts, "wm-1"), uow, RULES)
    raw = _raw_rules() | {"version": "test-2"}
    raw["tiers"].insert(0, {"tier": "premium", "min_aum": 500_000})  # the bank lowers the bar
    edited = rules_from_dict(raw)
    count = await handlers.rerate_due_customers(
        lambda: uow, edited, max_age=timedelta(days=30), batch_size=100
    )
    assert count == 2
    assert [(e.customer_id, e.tier, e.cause) for e in uow.events(CustomerRerated)] == [
        ("C5", CustomerTier.PREMIUM, RerateCause.RULES_CHANGED)
    ]
    assert all(rating.rules_version == "test-2" for rating, _ in repo.ratings.values())


async def test_the_sweep_tells_when_an_expired_signal_changes_the_tier():
    uow = FakeUnitOfWork()
    signals = [seen("main_bank_elsewhere"), seen("luxury_car", days_ago=25), seen("luxury_watch")]
    first = await handlers.record_observation(observation("EXP1", signals), uow, RULES)
    assert first.rating.tier == CustomerTier.TO_WIN  # wealth 20 with the car
    later = datetime.now(UTC) + timedelta(days=6)  # the car (30 days) has run out
    await handlers.rerate_due_customers(
        lambda: uow, RULES, max_age=timedelta(days=30), batch_size=10, now=later
    )
    [event] = uow.events(CustomerRerated)
    assert (event.cause, event.previous_tier, event.tier) == (
        RerateCause.SIGNALS_EXPIRED,
        CustomerTier.TO_WIN,
        CustomerTier.ORDINARY,
    )
    assert len(uow.events(CustomerIdentified)) == 1  # the observation only


# --- system mining ----------------------------------------------------------------------------


def posted(customer_id: str, amount: str, business_type="cash_deposit", currency="CNY") -> TransactionPosted:
    return TransactionPosted(
        transaction_id="T1",
        customer_id=customer_id,
        branch_id="BR001",
        business_type=business_type,
        amount=Decimal(amount),
        currency=currency,
        posted_at=datetime.now(UTC),
    )


@pytest.mark.parametrize(("amount", "identified"), [("199999.99", False), ("200000.00", True)])
async def test_system_mining_threshold_edges(amount, identified):
    """The tests' rules mine a cash deposit from 200,000 CNY on."""
    uow = FakeUnitOfWork()
    result = await handlers.mine_transaction(posted("C3", amount), "evt-1", uow, RULES, RATES)
    assert (result is not None) == identified
    if identified:
        assert result.channel == Channel.SYSTEM and result.reason == "system_mining"
        assert result.signals[0].amount == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "currency", "identified"),
    [
        ("28571.42", "USD", False),
        ("28571.43", "usd", True),
        ("4000000", "JPY", True),
        ("3999999", "JPY", False),
    ],
)
async def test_a_foreign_amount_is_converted_before_it_is_compared(amount, currency, identified):
    """The tests' rates: 7 CNY per USD, 0.05 per JPY; 28,571.43 USD is 200,000.01 CNY."""
    uow = FakeUnitOfWork()
    result = await handlers.mine_transaction(
        posted("FX1", amount, currency=currency), "evt-fx", uow, RULES, RATES
    )
    assert (result is not None) == identified
    if identified:
        [signal] = result.signals
        assert signal.amount >= Decimal("200000") and signal.conversion.currency == currency.upper()
        line = next(i for i in result.rating.explanation if i.code == "signal.large_business_converted")
        assert line.params["rates_as_of"] == "test-rates"


async def test_a_currency_without_a_rate_is_refused_and_nothing_is_written():
    uow = FakeUnitOfWork()
    with pytest.raises(NoExchangeRate, match="XAU"):
        await handlers.mine_transaction(posted("FX2", "900000", currency="XAU"), "evt-x", uow, RULES, RATES)
    assert uow.repo.identifications == [] and uow.published == [] and uow.seen == set()


async def test_a_large_purchase_by_a_customer_we_hold_no_facts_for_is_at_least_potential():
    uow = FakeUnitOfWork()
    result = await handlers.mine_transaction(
        posted("NEW1", "250000", business_type="wealth_product_purchase"), "evt-2", uow, RULES, RATES
    )
    assert result.rating.tier == CustomerTier.POTENTIAL


async def test_system_mining_applies_a_redelivered_event_once():
    uow = FakeUnitOfWork()
    await handlers.mine_transaction(posted("C4", "900000"), "evt-9", uow, RULES, RATES)
    await handlers.mine_transaction(posted("C4", "900000"), "evt-9", uow, RULES, RATES)
    assert len(uow.repo.identifications) == 1
    assert len(uow.published) == 1


# --- prospects --------------------------------------------------------------------------------


def walk_in(signals):
    return handlers.RecordProspect(
        branch_id="BR001",
        name="李四",
        phone="13900001111",
        signals=tuple(signals),
        observed_by="lm-1",
        observer_role="lobby_manager",
        purpose=VisitPurpose.LARGE_CASH,
    )


async def test_a_walk_in_judged_not_premium_is_not_sent_to_a_wealth_manager_on_the_next_visit():
    uow = FakeUnitOfWork()
    visit = replace(walk_in([seen("luxury_car"), seen("luxury_watch")]), prospect_id="P0123456789AB")
    assert (await handlers.record_prospect(visit, uow, RULES)).guidance.call_wealth_manager
    # the referral service judged the walk-in by the id both services derive from the phone
    assert await handlers.record_not_premium_verdict(judged("P0123456789AB"), "v-p", uow) is not None
    assert not (await handlers.record_prospect(visit, uow, RULES)).guidance.call_wealth_manager


async def test_a_walk_in_prospect_is_identified_without_a_customer_id_and_linked_later():
    repo = FakeRepository()
    uow = FakeUnitOfWork(repo)
    identification = await handlers.record_prospect(
        walk_in([seen("luxury_car"), seen("luxury_watch")]), uow, RULES
    )
    assert identification.customer_id is None and identification.prospect_id
    assert identification.rating.tier == CustomerTier.TO_WIN  # wealthy and not our customer
    assert identification.guidance.call_wealth_manager
    assert uow.published == []  # nothing to key an event by yet

    await handlers.link_prospect(
        handlers.LinkProspect(identification.prospect_id, "NEWC1", "lm-1"), uow, RULES
    )
    [event] = uow.events(CustomerIdentified)
    assert (event.customer_id, event.prospect_id, event.identification_id) == (
        "NEWC1",
        identification.prospect_id,
        identification.identification_id,
    )
    assert [i.customer_id for i in repo.identifications] == ["NEWC1"]
    customer = repo.customers["NEWC1"]
    assert customer.facts.name == "李四"
    assert {s.kind for s in customer.signals} == {"luxury_car", "luxury_watch", "main_bank_elsewhere"}
    assert customer.tier == CustomerTier.TO_WIN  # their main bank was another when they walked in
    [rerated] = uow.events(CustomerRerated)
    assert rerated.cause == RerateCause.PROSPECT_LINKED


async def test_a_prospect_is_linked_once():
    uow = FakeUnitOfWork()
    identification = await handlers.record_prospect(walk_in([]), uow, RULES)
    link = handlers.LinkProspect(identification.prospect_id, "NEWC2", "lm-1")
    await handlers.link_prospect(link, uow, RULES)
    with pytest.raises(handlers.ProspectAlreadyLinked, match="already linked to customer NEWC2"):
        await handlers.link_prospect(
            handlers.LinkProspect(identification.prospect_id, "OTHER", "lm-1"), uow, RULES
        )
    with pytest.raises(handlers.ProspectNotFound):
        await handlers.link_prospect(handlers.LinkProspect("nobody", "X", "lm-1"), uow, RULES)


async def test_a_prospect_of_another_branch_is_not_found():
    uow = FakeUnitOfWork()
    identification = await handlers.record_prospect(walk_in([]), uow, RULES)
    with pytest.raises(handlers.ProspectNotFound):
        await handlers.link_prospect(
            handlers.LinkProspect(identification.prospect_id, "X", "lm-2"), uow, RULES, lambda b: b == "BR002"
        )


# --- second diversion and handling -------------------------------------------------------------


async def test_second_diversion_guides_the_queue_on_purpose_and_a_known_customers_rating():
    uow = FakeUnitOfWork()
    await handlers.upsert_facts(
        handlers.UpsertFacts(CustomerFacts("Q1", "BR001", deposits=Decimal("1000000")), "wm-1"), uow, RULES
    )
    simple = await handlers.check_queue(
        handlers.CheckQueue("BR001", VisitPurpose.SMALL_CASH, "lm-1", "A017"), uow
    )
    complex_ = await handlers.check_queue(
        handlers.CheckQueue("BR001", VisitPurpose.LARGE_CASH, "lm-1", "A018"), uow
    )
    premium = await handlers.check_queue(
        handlers.CheckQueue("BR001", VisitPurpose.LARGE_CASH, "lm-1", "A019", customer_id="Q1"), uow
    )
    assert simple.guidance.action == GuidanceAction.SELF_SERVICE
    assert complex_.guidance.script_code == "queue.keep_ticket"
    assert premium.guidance.action == GuidanceAction.PRIORITY_COUNTER
    assert [c.ticket for c in uow.repo.queue_checks] == ["A017", "A018", "A019"]
    assert uow.repo.identifications == []


async def test_handling_is_recorded_on_the_identification():
    uow = FakeUnitOfWork()
    identification = await handlers.record_observation(observation("H1"), uow, RULES)
    row = await handlers.record_handling(identification.identification_id, "guided", "lm-1", uow)
    assert (row["handling"], row["handled_by"]) == ("guided", "lm-1")
    hidden = await handlers.record_handling(
        identification.identification_id, "left", "lm-9", uow, lambda branch: branch == "BR009"
    )
    assert hidden is None


def _raw_rules() -> dict:
    return tomllib.loads((RULES_DIR / "rating.toml").read_text())
