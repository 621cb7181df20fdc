"""The comprehensive rating, against the tests' own rules (``rules/rating.toml``): each customer
type means what the seeds say, one piece of evidence counts once, thresholds hold at their edges,
and the explanation says why this type and not the next."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from branchflow_contracts import CustomerTier, SignalCategory
from identify.domain.facts import CustomerFacts
from identify.domain.rating import rate
from identify.domain.signals import CATEGORY_OF_KIND, InvalidSignal, ObservedSignal
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding

from .ruleset import RULES

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def facts(**kw) -> CustomerFacts:
    return CustomerFacts(customer_id="C1", branch_id="BR001", **kw)


def signal(kind: str, amount: str | None = None, days_ago: float = 0) -> ObservedSignal:
    return ObservedSignal(
        CATEGORY_OF_KIND[kind],
        kind,
        None if amount is None else Decimal(amount),
        observed_at=NOW - timedelta(days=days_ago),
    )


def rated(f: CustomerFacts, *signals: ObservedSignal):
    return rate(f, signals, RULES, NOW)


def lines(rating, code: str) -> list:
    return [i for i in rating.explanation if i.code == code]


# --- what each type means -------------------------------------------------------------------


def test_signs_of_wealth_alone_do_not_make_a_potential_customer():
    """Potential means much business with us: a luxury car, a watch and a celebrity are not."""
    rating = rated(facts(), signal("luxury_car"), signal("luxury_watch"), signal("celebrity"))
    assert rating.score == 30 and rating.business_with_us == 0
    assert rating.tier == CustomerTier.ORDINARY
    [why_not] = lines(rating, "tier.not_next")
    assert why_not.params["next_tier"] == "potential"
    assert "business with us 0 < 10 points" in why_not.detail


def test_potential_is_much_business_with_us_and_signs_of_growth():
    rating = rated(facts(deposits=Decimal("100000"), occupation=Occupation.ENTREPRENEUR))
    assert (rating.business_with_us, rating.wealth_indicators) == (10, 10)
    assert rating.tier == CustomerTier.POTENTIAL
    [matched] = lines(rating, "tier.matched")
    assert [c["condition"] for c in matched.params["conditions"]] == [
        "min_business_with_us",
        "min_wealth_indicators",
    ]
    [why_not] = lines(rating, "tier.not_next")
    assert why_not.params["next_tier"] == "to_win"
    assert "no sign of banking mainly elsewhere" in why_not.detail


def test_much_business_with_us_but_no_sign_of_growth_is_ordinary():
    assert rated(facts(deposits=Decimal("999999"))).tier == CustomerTier.ORDINARY


def test_to_win_needs_the_main_bank_elsewhere():
    wealthy = {"occupation": Occupation.ENTREPRENEUR, "address_area": AddressArea.HIGH_END_RESIDENTIAL}
    assert rated(facts(**wealthy)).tier == CustomerTier.ORDINARY  # wealth 20, but nothing says elsewhere
    on_record = rated(facts(**wealthy, banks_mainly_elsewhere=True))
    assert on_record.tier == CustomerTier.TO_WIN
    assert "banks mainly elsewhere (banks_mainly_elsewhere)" in on_record.decided_by
    said_in_the_lobby = rated(facts(**wealthy), signal("main_bank_elsewhere"))
    assert said_in_the_lobby.tier == CustomerTier.TO_WIN
    assert said_in_the_lobby.score == 20  # the signal tells where, it adds no points


def test_to_win_is_checked_before_potential_and_after_premium():
    both = facts(deposits=Decimal("100000"), occupation=Occupation.ENTREPRENEUR, other_bank_vip=True)
    rating = rated(both)
    assert rating.tier == CustomerTier.TO_WIN  # wealth 20 with another bank's card
    [why_not] = lines(rating, "tier.not_next")
    assert why_not.params["next_tier"] == "premium"
    assert "assets with us 100,000 < 1,000,000 CNY" in why_not.detail


def test_a_walk_in_who_is_not_our_customer_banks_elsewhere():
    prospect = facts(our_customer=False)
    rating = rated(prospect, signal("luxury_car"), signal("luxury_watch"))
    assert rating.tier == CustomerTier.TO_WIN
    assert [i.code for i in rating.explanation if i.factor == "personal"] == ["personal.not_our_customer"]


def test_a_large_purchase_with_us_is_business_and_wealth():
    """A customer we hold no facts for who buys a wealth product with us is at least potential."""
    rating = rated(facts(), signal("wealth_product_purchase", "100000"))
    assert (rating.business_with_us, rating.wealth_indicators) == (10, 10)
    assert rating.tier == CustomerTier.POTENTIAL


@pytest.mark.parametrize(
    ("deposits", "tier"),
    [
        ("999999.99", CustomerTier.ORDINARY),
        ("1000000.00", CustomerTier.PREMIUM),
        ("4999999.99", CustomerTier.PREMIUM),
        ("5000000.00", CustomerTier.PREMIUM_CORE),
    ],
)
def test_asset_thresholds_at_their_edges(deposits, tier):
    assert rated(facts(deposits=Decimal(deposits))).tier == tier


def test_the_top_type_has_no_next_and_ordinary_says_why_not_the_last_rule():
    top = rated(facts(deposits=Decimal("5000000")))
    assert [i.code for i in top.explanation if i.factor == "tier"] == ["tier.matched"]
    bottom = rated(facts())
    assert [i.code for i in bottom.explanation if i.factor == "tier"] == ["tier.no_rule", "tier.not_next"]
    assert bottom.decided_by == "ordinary: no rule for another type matched"


# --- one piece of evidence counts once -------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "observed", "points"),
    [
        ({"other_bank_vip": True}, "other_bank_vip_card", 15),  # the card: fact 10, shown 15
        ({"address_area": AddressArea.HIGH_END_RESIDENTIAL}, "high_end_residence", 10),  # 10 vs 5
        ({"family_high_income": True}, "family_high_income", 10),  # 10 vs 5
        ({"occupation": Occupation.ENTREPRENEUR}, "high_income_profession", 10),  # 10 vs 5
        ({"social_standing": SocialStanding.HIGH}, "celebrity", 10),  # 10 vs 10
        ({"own_bank_vip": True}, "own_bank_vip_card", 10),
    ],
)
def test_a_fact_and_a_signal_that_say_the_same_count_once(fact, observed, points):
    both = rated(facts(**fact), signal(observed))
    assert both.score == points
    [line] = [i for i in both.explanation if i.factor != "tier"]
    assert line.points == points
    assert "counted once" in line.detail and len(line.params["also"]) == 1


def test_different_evidence_still_adds_up():
    rating = rated(facts(other_bank_vip=True, occupation=Occupation.ENTREPRENEUR), signal("luxury_car"))
    assert rating.score == 30


def test_the_same_signal_twice_counts_once():
    assert rated(facts(), signal("luxury_car"), signal("luxury_car", days_ago=1)).score == 10


# --- thresholds, ageing, cap -----------------------------------------------------------------


def test_large_business_counts_from_its_threshold_on():
    below = rated(facts(), signal("cash_deposit", "99999.99"))
    at = rated(facts(), signal("cash_deposit", "100000.00"))
    assert below.score == 0 and [i.factor for i in below.explanation] == ["tier", "tier"]
    assert at.score == 10


def test_a_signal_counts_for_its_lifetime_only():
    """The tests' rules give a luxury car 30 days."""
    assert rated(facts(), signal("luxury_car", days_ago=29.9)).score == 10
    assert rated(facts(), signal("luxury_car", days_ago=30)).score == 0
    car = signal("luxury_car", days_ago=10)
    assert rated(facts(), car).next_expiry == car.observed_at + timedelta(days=30)


def test_the_score_is_capped():
    many = [signal(k) for k in ("luxury_car", "luxury_watch", "celebrity", "other_bank_vip_card")]
    rating = rated(facts(deposits=Decimal("5000000"), family_high_income=True, own_bank_vip=True), *many)
    assert rating.score == RULES.score_cap


def test_every_explanation_line_has_a_code_params_and_english_detail():
    rating = rated(facts(deposits=Decimal("100000"), funds=Decimal("1")), signal("cash_deposit", "150000"))
    for line in rating.explanation_dicts():
        assert line["code"] and isinstance(line["params"], dict) and line["detail"]
    [deposit] = lines(rating, "signal.large_business")
    assert deposit.params == {"kind": "cash_deposit", "observed_on": "2026-11-20", "min_amount": "100000"}
    assert deposit.detail == "cash_deposit ≥ 100,000 CNY, 2026-11-20"


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
        ObservedSignal(SignalCategory(category), kind, None if amount is None else Decimal(amount))
