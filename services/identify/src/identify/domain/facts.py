"""What the bank knows of a customer, the inputs of the comprehensive rating (综合评价)."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding

ZERO = Decimal("0")


class Product(StrEnum):
    """Intermediary business (中间业务) a customer holds with us."""

    FUNDS = "funds"
    INSURANCE = "insurance"
    WEALTH_PRODUCTS = "wealth_products"


@dataclass(frozen=True)
class CustomerFacts:
    customer_id: str
    branch_id: str
    # holdings with us, CNY
    deposits: Decimal = ZERO
    funds: Decimal = ZERO
    insurance: Decimal = ZERO
    wealth_products: Decimal = ZERO
    loans: Decimal = ZERO
    # personal
    occupation: Occupation | None = None
    address_area: AddressArea | None = None
    family_high_income: bool = False
    social_standing: SocialStanding | None = None
    own_bank_vip: bool = False
    other_bank_vip: bool = False
    banks_mainly_elsewhere: bool = False
    # False for a walk-in prospect: no account with us yet (evidence of banking elsewhere)
    our_customer: bool = True
    # owner and personal data (masked for everyone else)
    wealth_manager_id: str | None = None
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def aum(self) -> Decimal:
        """Assets under management with us."""
        return self.deposits + self.funds + self.insurance + self.wealth_products

    @property
    def intermediary_products(self) -> list[str]:
        held = {
            Product.FUNDS: self.funds,
            Product.INSURANCE: self.insurance,
            Product.WEALTH_PRODUCTS: self.wealth_products,
        }
        return [product.value for product, amount in held.items() if amount > 0]


def unknown_customer(customer_id: str, branch_id: str) -> CustomerFacts:
    """A walk-in the bank has no facts about yet: rated on what is observed."""
    return CustomerFacts(customer_id=customer_id, branch_id=branch_id)
