"""The comprehensive rating: each signal category, thresholds at their edges, each tier."""

from decimal import Decimal

import pytest

from branchflow_contracts import CustomerTier, SignalCategory
from identify.config import DEFAULT_RULES
from identify.domain.facts import CustomerFacts
from identify.domain.rating import RatingRules, rate
from identify.domain.signals import InvalidSignal, ObservedSignal

RULES = RatingRules.from_toml(DEFAULT_RULES)


def facts(**kw) -> CustomerFacts:
    return CustomerFacts(customer_id="C1", branch_id="BR001", **kw)


def signal(category: str, kind: str, amount: str | None = None) -> ObservedSignal:
    return ObservedSignal(SignalCategory(category), kind, None if amount is None else Decimal(amount))


@pytest.mark.parametrize(
    ("category", "kind", "amount", "points"),
    [
        ("large_business", "cash_deposit", "50000", Decimal("10")),
        ("account_opening", "safe_deposit_box", None, Decimal("10")),
        ("appearance", "luxury_car", None, Decimal("10")),
        ("information", "high_end_residence", None, Decimal("8")),
    ],
)
def test_every_signal_category_scores_and_is_explained(category, kind, amount, points):
    rating = rate(facts(), [signal(category, kind, amount)], RULES)
    assert rating.score == points
    [item] = rating.explanation
    assert item.factor == category
    assert item.points == points


def test_large_business_counts_from_its_threshold_on():
    below = rate(facts(), [signal("large_business", "cash_deposit", "49999.99")], RULES)
    at = rate(facts(), [signal("large_business", "cash_deposit", "50000.00")], RULES)
    assert below.score == 0 and below.explanation == ()
    assert at.score == 10


def test_same_signal_twice_counts_once():
    twice = [signal("appearance", "luxury_car"), signal("appearance", "luxury_car")]
    assert rate(facts(), twice, RULES).score == 10


@pytest.mark.parametrize(
    ("deposits", "tier"),
    [
        ("499999.99", CustomerTier.ORDINARY),  # 15 points, below every rule
        ("500000.00", CustomerTier.PREMIUM),
        ("5999999.99", CustomerTier.PREMIUM),  # 2M+ needs score ≥ 75 for core
        ("6000000.00", CustomerTier.PREMIUM_CORE),
    ],
)
def test_aum_thresholds_at_their_edges(deposits, tier):
    assert rate(facts(deposits=Decimal(deposits)), [], RULES).tier == tier


def test_premium_core_by_score_with_two_million():
    rich = facts(
        deposits=Decimal("2000000"),
        funds=Decimal("1"),
        occupation="entrepreneur",
        address_area="high_end_residential",
    )
    rating = rate(rich, [signal("appearance", "luxury_car")], RULES)
    assert rating.score == Decimal("85")
    assert rating.tier == CustomerTier.PREMIUM_CORE
    assert "score ≥ 75" in rating.decided_by


def test_to_win_is_wealthy_but_banks_elsewhere():
    outsider = facts(deposits=Decimal("10000"), other_bank_vip=True, occupation="executive")
    rating = rate(outsider, [signal("information", "high_end_residence")], RULES)
    assert rating.tier == CustomerTier.TO_WIN  # 10 + 12 + 8 = 30 wealth indicator points


def test_potential_needs_business_with_us():
    assert rate(facts(deposits=Decimal("200000"), loans=Decimal("1000000")), [], RULES).tier == (
        CustomerTier.POTENTIAL
    )


def test_ordinary_when_nothing_counts():
    rating = rate(facts(deposits=Decimal("1000")), [], RULES)
    assert rating.tier == CustomerTier.ORDINARY
    assert rating.decided_by == "no premium rule matched"


def test_score_is_capped():
    everything = [signal(c, k) for c, k in [("appearance", "luxury_car"), ("appearance", "celebrity")]] + [
        signal("large_business", "bond_purchase", "9000000")
    ]
    rating = rate(facts(deposits=Decimal("9000000"), occupation="executive"), everything, RULES)
    assert rating.score == RULES.score_cap


def test_rules_come_from_the_bank_file(tmp_path):
    edited = DEFAULT_RULES.read_text().replace("min_aum = 500_000", "min_aum = 300_000", 1)
    path = tmp_path / "rating.toml"
    path.write_text(edited)
    rules = RatingRules.from_toml(path)
    assert rate(facts(deposits=Decimal("300000")), [], rules).tier == CustomerTier.PREMIUM


@pytest.mark.parametrize(
    ("category", "kind", "amount", "message"),
    [
        ("appearance", "cash_deposit", None, "not a signal of category appearance"),
        ("large_business", "cash_deposit", None, "needs an amount"),
        ("large_business", "cash_deposit", "-5", "must be positive"),
        ("appearance", "luxury_car", "10", "carries no amount"),
    ],
)
def test_bad_signals_are_refused_with_the_reason(category, kind, amount, message):
    with pytest.raises(InvalidSignal, match=message):
        signal(category, kind, amount)
