"""GraphQL types, each defined once and shared by the role schemas that may show it. Types a
lobby or counter schema holds carry no tier, score or amount."""

from datetime import date, datetime
from decimal import Decimal

import strawberry

from branchflow_contracts import Channel, CustomerTier, GuidanceAction, SignalCategory
from branchflow_contracts.money import format_money
from branchflow_gateway.scalars import Money

GuidanceActionType = strawberry.enum(GuidanceAction, name="GuidanceAction")
ChannelType = strawberry.enum(Channel, name="Channel")
SignalCategoryType = strawberry.enum(SignalCategory, name="SignalCategory")
CustomerTierType = strawberry.enum(CustomerTier, name="CustomerTier")


@strawberry.type(description="Where to send the customer and what to say: never a tier or an amount.")
class Guidance:
    action: GuidanceActionType
    call_wealth_manager: bool
    alternatives: list[GuidanceActionType]
    script: str

    @classmethod
    def from_json(cls, data: dict) -> "Guidance":
        return cls(
            action=GuidanceAction(data["action"]),
            call_wealth_manager=data["call_wealth_manager"],
            alternatives=[GuidanceAction(a) for a in data.get("alternatives", [])],
            script=data["script"],
        )


@strawberry.type(description="A lobby list row: who, when, where to send them.")
class LobbyIdentification:
    identification_id: strawberry.ID
    customer_id: str
    channel: ChannelType
    guidance: Guidance
    call_wealth_manager: bool
    identified_at: datetime
    identified_at_local: str = strawberry.field(description="in the branch's zone (Asia/Shanghai)")

    @classmethod
    def from_json(cls, data: dict) -> "LobbyIdentification":
        guidance = Guidance.from_json(data["guidance"])
        return cls(
            identification_id=strawberry.ID(data["identification_id"]),
            customer_id=data["customer_id"],
            channel=Channel(data["channel"]),
            guidance=guidance,
            call_wealth_manager=guidance.call_wealth_manager,
            identified_at=datetime.fromisoformat(data["identified_at"]),
            identified_at_local=data["identified_at_local"],
        )


@strawberry.type
class ObservationResult:
    identification_id: strawberry.ID
    customer_id: str
    guidance: Guidance
    identified_at: datetime


@strawberry.input(description="What was observed; amounts only for large business (CNY).")
class SignalInput:
    category: SignalCategoryType
    kind: str
    amount: Money | None = None


@strawberry.input
class ObservationInput:
    customer_id: str
    purpose: str = "other"
    channel: ChannelType = Channel.BRANCH
    signals: list[SignalInput] = strawberry.field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "customer_id": self.customer_id,
            "purpose": self.purpose,
            "channel": Channel(self.channel).value,
            "signals": [
                {
                    "category": SignalCategory(s.category).value,
                    "kind": s.kind,
                    **({"amount": format_money(s.amount)} if s.amount is not None else {}),
                }
                for s in self.signals
            ],
        }


@strawberry.type
class ScoreItem:
    factor: str
    detail: str
    points: Decimal


@strawberry.type(description="A customer's comprehensive rating and what counted.")
class Rating:
    customer_id: str
    branch_id: str
    tier: CustomerTierType
    score: Decimal
    explanation: list[ScoreItem]
    decided_by: str
    rules_version: str
    rated_at: datetime

    @classmethod
    def from_json(cls, data: dict) -> "Rating":
        return cls(
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            tier=CustomerTier(data["tier"]),
            score=Decimal(str(data["score"])),
            explanation=[
                ScoreItem(factor=i["factor"], detail=i["detail"], points=Decimal(str(i["points"])))
                for i in data["explanation"]
            ],
            decided_by=data["decided_by"],
            rules_version=data["rules_version"],
            rated_at=datetime.fromisoformat(data["rated_at"]),
        )


@strawberry.type
class TierCount:
    tier: CustomerTierType
    count: int


@strawberry.type
class ChannelCount:
    channel: ChannelType
    count: int


@strawberry.type(description="A branch's identifications of a day (branch time), by tier and channel.")
class IdentificationCounts:
    branch_id: str
    day: date
    total: int
    by_tier: list[TierCount] = strawberry.field(description="the branch's own customers, by tier")
    visiting: int = strawberry.field(
        description="customers of other branches; their tier is not counted here"
    )
    by_channel: list[ChannelCount]

    @classmethod
    def from_json(cls, data: dict) -> "IdentificationCounts":
        return cls(
            branch_id=data["branch_id"],
            day=date.fromisoformat(str(data["day"])),
            total=data["total"],
            by_tier=[TierCount(tier=CustomerTier(t), count=n) for t, n in data["by_tier"].items()],
            visiting=data.get("visiting", 0),
            by_channel=[ChannelCount(channel=Channel(c), count=n) for c, n in data["by_channel"].items()],
        )


@strawberry.type(description="From an identification to the trace of the request that made it.")
class IdentificationTrace:
    identification_id: strawberry.ID
    branch_id: str
    trace_id: str | None
    identified_at: datetime
    trace_url: str | None = strawberry.field(
        default=None, description="Where the trace opens in the trace viewer (none if not configured)."
    )


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
    occupation: str | None
    address_area: str | None
    social_standing: str | None
    family_high_income: bool
    own_bank_vip: bool
    other_bank_vip: bool
    banks_mainly_elsewhere: bool
    personal_data: PersonalData

    @classmethod
    def from_json(cls, data: dict) -> "CustomerFacts":
        facts, personal = data["facts"], data["personal_data"]
        return cls(
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            wealth_manager_id=data.get("wealth_manager_id"),
            holdings=Holdings(
                **{name: Decimal(str(facts.get(name, "0"))) for name in HOLDINGS},
            ),
            occupation=facts.get("occupation"),
            address_area=facts.get("address_area"),
            social_standing=facts.get("social_standing"),
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


@strawberry.type(
    description="An identification in the branch, for those who may read tiers: a visiting customer's "
    "tier and score stay with the home branch (null here)."
)
class BranchIdentification:
    identification_id: strawberry.ID
    customer_id: str
    branch_id: str
    customer_branch_id: str
    visiting: bool
    channel: ChannelType
    tier: CustomerTierType | None
    previous_tier: CustomerTierType | None
    score: Decimal | None
    guidance: Guidance | None
    reason: str
    identified_by: str | None
    identified_at: datetime
    identified_at_local: str

    @classmethod
    def from_json(cls, data: dict) -> "BranchIdentification":
        return cls(
            identification_id=strawberry.ID(data["identification_id"]),
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            customer_branch_id=data["customer_branch_id"],
            visiting=data["visiting"],
            channel=Channel(data["channel"]),
            tier=CustomerTier(data["tier"]) if data.get("tier") else None,
            previous_tier=CustomerTier(data["previous_tier"]) if data.get("previous_tier") else None,
            score=Decimal(str(data["score"])) if data.get("score") is not None else None,
            guidance=Guidance.from_json(data["guidance"]) if data.get("guidance") else None,
            reason=data["reason"],
            identified_by=data.get("identified_by"),
            identified_at=datetime.fromisoformat(data["identified_at"]),
            identified_at_local=data["identified_at_local"],
        )


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
