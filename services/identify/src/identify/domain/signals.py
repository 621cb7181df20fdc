"""The signals a lobby manager or teller records (参考特征), by category (DOMAIN.md §1), and how
they are remembered: each kind keeps counting for a lifetime the bank sets (a luxury car seen two
years ago no longer counts), and a smaller later signal does not erase a larger earlier one."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from branchflow_contracts import SignalCategory
from identify.domain.refusals import Refused


class SignalKind(StrEnum):
    """What was seen, by category (seed: 参考优质客户的如下特征)."""

    # large business (大额业务)
    CASH_DEPOSIT = "cash_deposit"
    CASH_WITHDRAWAL = "cash_withdrawal"
    REMITTANCE = "remittance"
    FOREIGN_EXCHANGE = "foreign_exchange"
    LOAN_REPAYMENT = "loan_repayment"
    LOAN_PREPAYMENT = "loan_prepayment"
    DEPOSIT_CERTIFICATE = "deposit_certificate"
    LARGE_CD_LOSS_REPORT = "large_cd_loss_report"
    BOND_PURCHASE = "bond_purchase"
    FUND_PURCHASE = "fund_purchase"
    INSURANCE_PURCHASE = "insurance_purchase"
    WEALTH_PRODUCT_PURCHASE = "wealth_product_purchase"
    # account opening (开户)
    SAFE_DEPOSIT_BOX = "safe_deposit_box"
    COMPLEX_INVESTMENT_INQUIRY = "complex_investment_inquiry"
    # appearance (外观)
    LUXURY_CAR = "luxury_car"
    OWN_BANK_VIP_CARD = "own_bank_vip_card"
    OTHER_BANK_VIP_CARD = "other_bank_vip_card"
    LUXURY_CLOTHING = "luxury_clothing"
    LUXURY_WATCH = "luxury_watch"
    LUXURY_JEWELLERY = "luxury_jewellery"
    FOREIGN_NATIONAL = "foreign_national"
    HIGH_END_PHONE = "high_end_phone"
    CELEBRITY = "celebrity"
    # information (信息分析)
    HIGH_END_RESIDENCE = "high_end_residence"
    HIGH_END_WORKPLACE = "high_end_workplace"
    HIGH_INCOME_PROFESSION = "high_income_profession"
    FAMILY_HIGH_INCOME = "family_high_income"
    # the customer says their main bank is another one (their business is mainly elsewhere)
    MAIN_BANK_ELSEWHERE = "main_bank_elsewhere"


SIGNAL_KINDS: dict[SignalCategory, frozenset[SignalKind]] = {
    SignalCategory.LARGE_BUSINESS: frozenset(
        {
            SignalKind.CASH_DEPOSIT,
            SignalKind.CASH_WITHDRAWAL,
            SignalKind.REMITTANCE,
            SignalKind.FOREIGN_EXCHANGE,
            SignalKind.LOAN_REPAYMENT,
            SignalKind.LOAN_PREPAYMENT,
            SignalKind.DEPOSIT_CERTIFICATE,
            SignalKind.LARGE_CD_LOSS_REPORT,
            SignalKind.BOND_PURCHASE,
            SignalKind.FUND_PURCHASE,
            SignalKind.INSURANCE_PURCHASE,
            SignalKind.WEALTH_PRODUCT_PURCHASE,
        }
    ),
    SignalCategory.ACCOUNT_OPENING: frozenset(
        {
            SignalKind.SAFE_DEPOSIT_BOX,
            SignalKind.COMPLEX_INVESTMENT_INQUIRY,
        }
    ),
    SignalCategory.APPEARANCE: frozenset(
        {
            SignalKind.LUXURY_CAR,
            SignalKind.OWN_BANK_VIP_CARD,
            SignalKind.OTHER_BANK_VIP_CARD,
            SignalKind.LUXURY_CLOTHING,
            SignalKind.LUXURY_WATCH,
            SignalKind.LUXURY_JEWELLERY,
            SignalKind.FOREIGN_NATIONAL,
            SignalKind.HIGH_END_PHONE,
            SignalKind.CELEBRITY,
        }
    ),
    SignalCategory.INFORMATION: frozenset(
        {
            SignalKind.HIGH_END_RESIDENCE,
            SignalKind.HIGH_END_WORKPLACE,
            SignalKind.HIGH_INCOME_PROFESSION,
            SignalKind.FAMILY_HIGH_INCOME,
            SignalKind.MAIN_BANK_ELSEWHERE,
        }
    ),
}
CATEGORY_OF_KIND: dict[str, SignalCategory] = {
    kind: category for category, kinds in SIGNAL_KINDS.items() for kind in kinds
}


class InvalidSignal(Refused, ValueError):
    """A signal that cannot be: a kind of another category, an amount where none belongs or
    none where one does. The code says which (``texts.REFUSAL_TEXTS``)."""


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
        category, kind = str(self.category), str(self.kind)
        if self.kind not in kinds:
            expected = sorted(str(k) for k in kinds)
            raise InvalidSignal(
                "signal.kind_not_in_category", kind=kind, category=category, expected=expected
            )
        if self.category is SignalCategory.LARGE_BUSINESS:
            if self.amount is None:
                raise InvalidSignal("signal.amount_required", kind=kind)
            if self.amount <= 0:
                raise InvalidSignal("signal.amount_not_positive", kind=kind)
        elif self.amount is not None:
            raise InvalidSignal("signal.amount_not_allowed", kind=kind, category=category)
        if self.observed_at.tzinfo is None:
            raise InvalidSignal("signal.time_without_zone", kind=kind)

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
