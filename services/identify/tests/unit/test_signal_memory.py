"""How a customer's signals are remembered: each kind for its lifetime; a smaller later large
business does not erase a larger earlier one, and takes over when that one runs out."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from branchflow_contracts import SignalCategory
from identify.domain.signals import ObservedSignal, current, next_expiry, remember

from .ruleset import RULES

NOW = datetime(2026, 11, 20, tzinfo=UTC)
LIFETIMES = RULES.signal_lifetimes  # a luxury car 30 days, everything else 365


def deposit(amount: str, days_ago: float) -> ObservedSignal:
    return ObservedSignal(
        SignalCategory.LARGE_BUSINESS, "cash_deposit", Decimal(amount), NOW - timedelta(days=days_ago)
    )


def car(days_ago: float) -> ObservedSignal:
    return ObservedSignal(SignalCategory.APPEARANCE, "luxury_car", observed_at=NOW - timedelta(days=days_ago))


def test_a_smaller_later_signal_does_not_erase_a_larger_earlier_one():
    kept = remember((deposit("900000", 100),), (deposit("150000", 1),), LIFETIMES, NOW)
    assert len(kept) == 2
    assert current(kept, LIFETIMES, NOW)["cash_deposit"].amount == Decimal("900000")
    # when the larger one runs out, the smaller later one counts
    later = NOW + timedelta(days=300)
    assert current(kept, LIFETIMES, later)["cash_deposit"].amount == Decimal("150000")
    assert next_expiry(kept, LIFETIMES, NOW) == NOW + timedelta(days=265)


def test_a_larger_later_signal_replaces_the_smaller_earlier_one():
    kept = remember((deposit("150000", 100),), (deposit("900000", 1),), LIFETIMES, NOW)
    assert [s.amount for s in kept] == [Decimal("900000")]


def test_a_signal_seen_again_is_refreshed_and_an_expired_one_forgotten():
    assert remember((car(20),), (car(0),), LIFETIMES, NOW) == (car(0),)
    assert remember((car(31),), (), LIFETIMES, NOW) == ()
    assert current((car(31),), LIFETIMES, NOW) == {}
