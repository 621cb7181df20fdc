"""What the bank knows of a customer (the inputs of the rating), and new facts with their re-rating."""

from decimal import Decimal

import strawberry

from branchflow_contracts.money import format_money
from branchflow_gateway.identify.types.rating import Rating
from branchflow_gateway.scalars import Money


@strawberry.type(description="What a customer holds with us and owes, CNY.")
class Holdings:
    deposits: Money
    funds: Money
    insurance: Money
    wealth_products: Money
    loans: Money


@strawberry.type(
    description="Name, ID number, phone and address: masked unless you are the customer's wealth manager."
)
class PersonalData:
    name: str | None
    id_number: str | None
    phone: str | None
    address: str | None
    masked: bool


@strawberry.type(description="What the bank knows of a customer, the inputs of the rating.")
class CustomerFacts:
    customer_id: str
    branch_id: str
    wealth_manager_id: str | None
    holdings: Holdings
    occupation: str | None = strawberry.field(description="a code")
    occupation_label: str | None
    address_area: str | None = strawberry.field(description="a code")
    address_area_label: str | None
    social_standing: str | None = strawberry.field(description="a code")
    social_standing_label: str | None
    family_high_income: bool
    own_bank_vip: bool
    other_bank_vip: bool
    banks_mainly_elsewhere: bool
    personal_data: PersonalData

    @classmethod
    def from_json(cls, data: dict) -> "CustomerFacts":
        facts, personal, labels = data["facts"], data["personal_data"], data.get("facts_labels") or {}
        return cls(
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            wealth_manager_id=data.get("wealth_manager_id"),
            holdings=Holdings(
                **{name: Decimal(str(facts.get(name, "0"))) for name in HOLDINGS},
            ),
            occupation=facts.get("occupation"),
            occupation_label=labels.get("occupation"),
            address_area=facts.get("address_area"),
            address_area_label=labels.get("address_area"),
            social_standing=facts.get("social_standing"),
            social_standing_label=labels.get("social_standing"),
            family_high_income=bool(facts.get("family_high_income")),
            own_bank_vip=bool(facts.get("own_bank_vip")),
            other_bank_vip=bool(facts.get("other_bank_vip")),
            banks_mainly_elsewhere=bool(facts.get("banks_mainly_elsewhere")),
            personal_data=PersonalData(
                name=personal.get("name"),
                id_number=personal.get("id_number"),
                phone=personal.get("phone"),
                address=personal.get("address"),
                masked=data["personal_data_masked"],
            ),
        )


HOLDINGS = ("deposits", "funds", "insurance", "wealth_products", "loans")


@strawberry.input(description="A customer's facts, replacing what was known; the customer is re-rated.")
class FactsInput:
    branch_id: str
    deposits: Money = Decimal("0")
    funds: Money = Decimal("0")
    insurance: Money = Decimal("0")
    wealth_products: Money = Decimal("0")
    loans: Money = Decimal("0")
    occupation: str | None = strawberry.field(
        default=None, description="a code, or its Chinese or English name"
    )
    address_area: str | None = None
    social_standing: str | None = None
    family_high_income: bool = False
    own_bank_vip: bool = False
    other_bank_vip: bool = False
    banks_mainly_elsewhere: bool = False
    wealth_manager_id: str | None = None
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None

    def to_json(self) -> dict:
        body = {name: getattr(self, name) for name in self.__annotations__}
        return {k: format_money(v) if k in HOLDINGS else v for k, v in body.items() if v is not None}


@strawberry.type(description="The rating after new facts, and whether the tier changed.")
class FactsUpdate:
    rating: Rating
    tier_changed: bool
