"""The signals a lobby manager or teller records (参考特征), by category (DOMAIN.md §1)."""

from dataclasses import dataclass
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
        {"high_end_residence", "high_end_workplace", "high_income_profession", "family_high_income"}
    ),
}


class InvalidSignal(ValueError):
    pass


@dataclass(frozen=True)
class ObservedSignal:
    category: SignalCategory
    kind: str
    amount: Decimal | None = None  # large business only, in CNY

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
