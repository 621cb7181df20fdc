"""The signals a lobby manager or teller records (参考特征), by category (DOMAIN.md §1), and how
they are remembered: each kind keeps counting for a lifetime the bank sets (a luxury car seen two
years ago no longer counts), and a smaller later signal does not erase a larger earlier one."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from branchflow_contracts import SignalCategory

SIGNAL_KINDS: dict[SignalCategory, frozenset[str]] = {
    SignalCategory.LARGE_BUSINESS: frozenset(
        {
            "cash_deposit",
            "cash_withdrawal",
            "remittance",
            "foreign_exchange",
            "loan_repayment",
            "loan_prepayment",
            "deposit_certificate",
            "large_cd_loss_report",
            "bond_purchase",
            "fund_purchase",
            "insurance_purchase",
            "wealth_product_purchase",
        }
    ),
    SignalCategory.ACCOUNT_OPENING: frozenset({"safe_deposit_box", "complex_investment_inquiry"}),
    SignalCategory.APPEARANCE: frozenset(
        {
            "luxury_car",
            "own_bank_vip_card",
            "other_bank_vip_card",
            "luxury_clothing",
            "luxury_watch",
            "luxury_jewellery",
            "foreign_national",
            "high_end_phone",
            "celebrity",
        }
    ),
    SignalCategory.INFORMATION: frozenset(
        {
            "high_end_residence",
            "high_end_workplace",
            "high_income_profession",
            "family_high_income",
            # the customer says their main bank is another one (their business is mainly elsewhere)
            "main_bank_elsewhere",
        }
    ),
}
CATEGORY_OF_KIND: dict[str, SignalCategory] = {
    kind: category for category, kinds in SIGNAL_KINDS.items() for kind in kinds
}


class InvalidSignal(ValueError):
    pass


@dataclass(frozen=True)
class Conversion:
    """A foreign amount and the rate that made it CNY (kept to explain the rating)."""

    currency: str
    amount: Decimal
    cny_per_unit: Decimal
    rates_as_of: str


@dataclass(frozen=True)
class ObservedSignal:
    category: SignalCategory
    kind: str
    amount: Decimal | None = None  # large business only, in CNY
    observed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    conversion: Conversion | None = None  # when the amount was in another currency

    def __post_init__(self) -> None:
        kinds = SIGNAL_KINDS[self.category]
        if self.kind not in kinds:
            raise InvalidSignal(
                f"{self.kind!r} is not a signal of category {self.category}; expected one of {sorted(kinds)}"
            )
        if self.category is SignalCategory.LARGE_BUSINESS:
            if self.amount is None:
                raise InvalidSignal(f"large business signal {self.kind!r} needs an amount")
            if self.amount <= 0:
                raise InvalidSignal(f"amount of {self.kind!r} must be positive")
        elif self.amount is not None:
            raise InvalidSignal(f"{self.category} signal {self.kind!r} carries no amount")
        if self.observed_at.tzinfo is None:
            raise InvalidSignal(f"observation time of {self.kind!r} must carry a time zone")

    def expires_at(self, lifetimes: dict[str, timedelta]) -> datetime:
        return self.observed_at + lifetimes[self.kind]

    def dominates(self, other: "ObservedSignal") -> bool:
        """Counts at least as much as ``other`` for at least as long (same kind)."""
        if self.observed_at < other.observed_at:
            return False
        return self.amount is None or other.amount is None or self.amount >= other.amount


def remember(
    remembered: tuple[ObservedSignal, ...],
    new: tuple[ObservedSignal, ...],
    lifetimes: dict[str, timedelta],
    now: datetime,
) -> tuple[ObservedSignal, ...]:
    """What to keep of a customer's signals: per kind, every unexpired signal no other one
    dominates. A later signal of a kind without amount refreshes it; a smaller later large
    business is kept beside the larger earlier one, and takes over when that one expires."""
    kept: list[ObservedSignal] = []
    for signal in (*remembered, *new):
        if signal.expires_at(lifetimes) <= now or any(
            k.kind == signal.kind and k.dominates(signal) for k in kept
        ):
            continue
        kept = [k for k in kept if not (k.kind == signal.kind and signal.dominates(k))]
        kept.append(signal)
    return tuple(sorted(kept, key=lambda s: (s.kind, s.observed_at)))


def current(
    signals: tuple[ObservedSignal, ...], lifetimes: dict[str, timedelta], now: datetime
) -> dict[str, ObservedSignal]:
    """Per kind, the signal that counts now: unexpired, and the largest amount among those."""
    best: dict[str, ObservedSignal] = {}
    for signal in signals:
        if signal.observed_at > now or signal.expires_at(lifetimes) <= now:
            continue
        held = best.get(signal.kind)
        if held is None or _outweighs(signal, held):
            best[signal.kind] = signal
    return best


def _outweighs(signal: ObservedSignal, held: ObservedSignal) -> bool:
    if signal.amount is not None and held.amount is not None and signal.amount != held.amount:
        return signal.amount > held.amount
    return signal.observed_at > held.observed_at


def next_expiry(
    signals: tuple[ObservedSignal, ...], lifetimes: dict[str, timedelta], now: datetime
) -> datetime | None:
    """When the next of these signals stops counting: the rating may change then."""
    upcoming = [s.expires_at(lifetimes) for s in signals if s.expires_at(lifetimes) > now]
    return min(upcoming, default=None)
