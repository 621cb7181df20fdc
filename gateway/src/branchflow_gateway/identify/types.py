"""GraphQL types, each defined once and shared by the role schemas that may show it. Types a
lobby or counter schema holds carry no tier, score or amount.

Every code a person reads has its label beside it, in the caller's language: ``tier`` and
``tierLabel``, ``alternatives`` and ``alternativeLabels`` (``branchflow_gateway.access`` refuses
a code without one). The gateway labels the shared codes itself (the contracts' and the roles'),
so a row from the live feed or the kept lobby list reads in each caller's language; labels and
texts identify owns (explanations, facts) come worded from identify, which was asked in the
caller's language."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from branchflow_contracts import (
    Channel,
    CustomerTier,
    GuidanceAction,
    GuidanceScript,
    HandlingOutcome,
    IdentificationReason,
    SignalCategory,
    VisitPurpose,
)
from branchflow_contracts.money import format_money
from branchflow_gateway.label_fields import label_field
from branchflow_gateway.scalars import Money
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import label

GuidanceActionType = strawberry.enum(GuidanceAction, name="GuidanceAction")
ChannelType = strawberry.enum(Channel, name="Channel")
SignalCategoryType = strawberry.enum(SignalCategory, name="SignalCategory")
CustomerTierType = strawberry.enum(CustomerTier, name="CustomerTier")
VisitPurposeType = strawberry.enum(
    VisitPurpose, name="VisitPurpose", description="What the customer came for."
)


HandlingOutcomeType = strawberry.enum(
    HandlingOutcome, name="HandlingOutcome", description="What became of a guidance."
)


def _datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@strawberry.type(description="Where to send the customer and what to say: never a tier or an amount.")
class Guidance:
    action: GuidanceActionType
    call_wealth_manager: bool
    alternatives: list[GuidanceActionType]
    script_code: str | None = None
    offer_wealth_manager_card: bool = strawberry.field(
        default=False, description="hand over a wealth manager's card and agree a contact time"
    )
    # as the event or the service gave it: shown when the code is not one we know
    given_script: strawberry.Private[str] = ""

    @strawberry.field(description="What to say, in your language: the words of scriptCode.")
    def script(self) -> str:
        code = GuidanceScript._value2member_map_.get(self.script_code or "")
        return self.given_script if code is None else label(code)

    action_label: str = label_field("action", GuidanceAction)

    @strawberry.field(description="The label of each of the alternatives, in their order.")
    def alternative_labels(self) -> list[str]:
        return [label(GuidanceAction(a)) for a in self.alternatives]

    @classmethod
    def from_json(cls, data: dict) -> "Guidance":
        return cls(
            action=GuidanceAction(data["action"]),
            call_wealth_manager=data["call_wealth_manager"],
            alternatives=[GuidanceAction(a) for a in data.get("alternatives", [])],
            given_script=data["script"],
            script_code=data.get("script_code"),
            offer_wealth_manager_card=data.get("offer_wealth_manager_card", False),
        )


@strawberry.type(
    description="A lobby list row: who (masked name), what they came for, who observed them, where to "
    "send them, whether a wealth manager was called, and what became of it."
)
class LobbyIdentification:
    identification_id: strawberry.ID
    customer_id: str | None = strawberry.field(description="null: a walk-in prospect without an account yet")
    prospect_id: strawberry.ID | None
    name: str | None = strawberry.field(description="masked unless you may see it")
    name_masked: bool
    channel: ChannelType
    purpose: VisitPurposeType | None
    observed_by: str | None
    observer_role: str | None
    guidance: Guidance
    call_wealth_manager: bool
    handling: HandlingOutcomeType | None = strawberry.field(description="null: not handled yet")
    handled_by: str | None
    handled_at: datetime | None
    identified_at: datetime
    identified_at_local: str = strawberry.field(description="in the branch's zone (Asia/Shanghai)")

    channel_label: str = label_field("channel", Channel)
    purpose_label: str | None = label_field("purpose", VisitPurpose, optional=True)
    observer_role_label: str | None = label_field("observer_role", Role, optional=True)
    handling_label: str | None = label_field("handling", HandlingOutcome, optional=True)

    @classmethod
    def from_json(cls, data: dict) -> "LobbyIdentification":
        guidance = Guidance.from_json(data["guidance"])
        purpose, handling, prospect = data.get("purpose"), data.get("handling"), data.get("prospect_id")
        return cls(
            identification_id=strawberry.ID(data["identification_id"]),
            customer_id=data.get("customer_id"),
            prospect_id=None if prospect is None else strawberry.ID(prospect),
            name=data.get("name"),
            name_masked=data.get("name_masked", True),
            channel=Channel(data["channel"]),
            purpose=None if purpose is None else VisitPurpose(purpose),
            observed_by=data.get("observed_by"),
            observer_role=data.get("observer_role"),
            guidance=guidance,
            call_wealth_manager=guidance.call_wealth_manager,
            handling=None if handling is None else HandlingOutcome(handling),
            handled_by=data.get("handled_by"),
            handled_at=_datetime(data.get("handled_at")),
            identified_at=datetime.fromisoformat(data["identified_at"]),
            identified_at_local=data["identified_at_local"],
        )


@strawberry.type
class ObservationResult:
    identification_id: strawberry.ID
    customer_id: str
    guidance: Guidance
    identified_at: datetime


@strawberry.input(description="What was observed; amounts only for large business.")
class SignalInput:
    category: SignalCategoryType
    kind: str
    amount: Money | None = None
    currency: str = strawberry.field(default="CNY", description="of the amount (ISO 4217); converted to CNY")

    def to_json(self) -> dict:
        return {
            "category": SignalCategory(self.category).value,
            "kind": self.kind,
            **({"amount": format_money(self.amount)} if self.amount is not None else {}),
            **({"currency": self.currency} if self.currency != "CNY" else {}),
        }


@strawberry.input
class ObservationInput:
    customer_id: str
    purpose: VisitPurposeType = VisitPurpose.OTHER
    channel: ChannelType = Channel.BRANCH
    customer_has_time: bool | None = strawberry.field(
        default=None,
        description="asked: has the customer time to meet a wealth manager now? (null: not asked)",
    )
    signals: list[SignalInput] = strawberry.field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "customer_id": self.customer_id,
            "purpose": VisitPurpose(self.purpose).value,
            "channel": Channel(self.channel).value,
            **({"customer_has_time": self.customer_has_time} if self.customer_has_time is not None else {}),
            "signals": [s.to_json() for s in self.signals],
        }


@strawberry.type(
    description="A line of the explanation: its code and params, and detail, the line in your language. "
    "Lines with factor `tier` say why this type and why not the next one up."
)
class ScoreItem:
    factor: str
    factor_label: str | None
    code: str | None
    params: JSON
    detail: str
    points: Decimal


@strawberry.type(description="A customer's comprehensive rating and what counted.")
class Rating:
    customer_id: str
    branch_id: str
    tier: CustomerTierType
    score: Decimal
    explanation: list[ScoreItem]
    decided_by: str = strawberry.field(description="the tier rule that matched, in your language")
    rules_version: str
    rated_at: datetime

    tier_label: str = label_field("tier", CustomerTier)

    @classmethod
    def from_json(cls, data: dict) -> "Rating":
        return cls(
            customer_id=data["customer_id"],
            branch_id=data["branch_id"],
            tier=CustomerTier(data["tier"]),
            score=Decimal(str(data["score"])),
            explanation=[
                ScoreItem(
                    factor=i["factor"],
                    factor_label=i.get("factor_label"),
                    code=i.get("code"),
                    params=i.get("params") or {},
                    detail=i["detail"],
                    points=Decimal(str(i["points"])),
                )
                for i in data["explanation"]
            ],
            decided_by=data["decided_by"],
            rules_version=data["rules_version"],
            rated_at=datetime.fromisoformat(data["rated_at"]),
        )


@strawberry.type
class TierCount:
    tier: CustomerTierType
    tier_label: str = label_field("tier", CustomerTier)
    count: int


@strawberry.type
class ChannelCount:
    channel: ChannelType
    channel_label: str = label_field("channel", Channel)
    count: int


@strawberry.type(description="The customers one staff member identified that day, each once.")
class StaffCount:
    staff_id: str
    role: str | None
    customers: int
    by_tier: list[TierCount]
    visiting: int = strawberry.field(description="customers of other branches (their tier is theirs)")
    role_label: str | None = label_field("role", Role, optional=True)


@strawberry.type(
    description="A branch's identifications of a day (branch time), counted in customers (one identified "
    "three times is one): byTier by their last tier that day, byChannel by the channel that found them "
    "first. Re-ratings are not identifications."
)
class IdentificationCounts:
    branch_id: str
    day: date
    total: int
    by_tier: list[TierCount] = strawberry.field(description="the branch's own customers, by tier")
    visiting: int = strawberry.field(
        description="customers of other branches: their tier is not counted here"
    )
    by_channel: list[ChannelCount]
    by_staff: list[StaffCount] | None = strawberry.field(description="for those who appraise staff")

    @classmethod
    def from_json(cls, data: dict) -> "IdentificationCounts":
        by_staff = data.get("by_staff")
        return cls(
            branch_id=data["branch_id"],
            day=date.fromisoformat(str(data["day"])),
            total=data["total"],
            by_tier=_tier_counts(data["by_tier"]),
            visiting=data.get("visiting", 0),
            by_channel=[ChannelCount(channel=Channel(c), count=n) for c, n in data["by_channel"].items()],
            by_staff=None
            if by_staff is None
            else [
                StaffCount(
                    staff_id=s["staff_id"],
                    role=s.get("role"),
                    customers=s["customers"],
                    by_tier=_tier_counts(s["by_tier"]),
                    visiting=s.get("visiting", 0),
                )
                for s in by_staff
            ],
        )


def _tier_counts(by_tier: dict) -> list[TierCount]:
    return [TierCount(tier=CustomerTier(t), count=n) for t, n in by_tier.items()]


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
    reason: str = strawberry.field(description="observation | system_mining")
    identified_by: str | None
    identified_at: datetime
    identified_at_local: str

    channel_label: str = label_field("channel", Channel)
    tier_label: str | None = label_field("tier", CustomerTier, optional=True)
    previous_tier_label: str | None = label_field("previous_tier", CustomerTier, optional=True)
    reason_label: str = label_field("reason", IdentificationReason)

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


# --- second diversion (二次分流) ----------------------------------------------------------------


@strawberry.input(description="Someone already queuing, asked what they came for.")
class QueueCheckInput:
    purpose: VisitPurposeType
    ticket: str | None = strawberry.field(default=None, description="the queue ticket number, e.g. A017")
    customer_id: str | None = strawberry.field(default=None, description="if known: guided on their rating")

    def to_json(self) -> dict:
        body = {"purpose": VisitPurpose(self.purpose).value}
        return body | {k: v for k, v in (("ticket", self.ticket), ("customer_id", self.customer_id)) if v}


@strawberry.type(description="One person asked in the queue, and where they were sent.")
class QueueCheck:
    check_id: strawberry.ID
    ticket: str | None
    customer_id: str | None
    purpose: VisitPurposeType
    guidance: Guidance
    moved: bool = strawberry.field(description="sent out of the queue (self-service, e-banking, priority)")
    checked_by: str
    checked_at: datetime
    checked_at_local: str

    purpose_label: str = label_field("purpose", VisitPurpose)

    @classmethod
    def from_json(cls, data: dict) -> "QueueCheck":
        return cls(
            check_id=strawberry.ID(data["check_id"]),
            ticket=data.get("ticket"),
            customer_id=data.get("customer_id"),
            purpose=VisitPurpose(data["purpose"]),
            guidance=Guidance.from_json(data["guidance"]),
            moved=data["moved"],
            checked_by=data["checked_by"],
            checked_at=datetime.fromisoformat(data["checked_at"]),
            checked_at_local=data["checked_at_local"],
        )


@strawberry.type
class ActionCount:
    action: GuidanceActionType
    action_label: str = label_field("action", GuidanceAction)
    count: int


@strawberry.type(description="A day's second diversion in the branch: who was asked and where they went.")
class QueueChecks:
    branch_id: str
    day: date
    asked: int
    moved: list[ActionCount]
    kept_ticket: int
    checks: list[QueueCheck]

    @classmethod
    def from_json(cls, data: dict) -> "QueueChecks":
        return cls(
            branch_id=data["branch_id"],
            day=date.fromisoformat(str(data["day"])),
            asked=data["asked"],
            moved=[ActionCount(action=GuidanceAction(a), count=n) for a, n in data["moved"].items()],
            kept_ticket=data["kept_ticket"],
            checks=[QueueCheck.from_json(c) for c in data["checks"]],
        )


# --- walk-in prospects --------------------------------------------------------------------------


@strawberry.input(description="A walk-in who is not our customer yet: no customer id is invented.")
class ProspectInput:
    name: str
    phone: str | None = None
    purpose: VisitPurposeType = VisitPurpose.OTHER
    channel: ChannelType = Channel.BRANCH
    customer_has_time: bool | None = None
    signals: list[SignalInput] = strawberry.field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            **({"phone": self.phone} if self.phone is not None else {}),
            "purpose": VisitPurpose(self.purpose).value,
            "channel": Channel(self.channel).value,
            **({"customer_has_time": self.customer_has_time} if self.customer_has_time is not None else {}),
            "signals": [s.to_json() for s in self.signals],
        }


@strawberry.type
class ProspectRecorded:
    prospect_id: strawberry.ID
    identification_id: strawberry.ID
    guidance: Guidance
    identified_at: datetime


@strawberry.type(description="The prospect now has an account: their identifications follow the customer id.")
class ProspectLinked:
    prospect_id: strawberry.ID
    customer_id: str


@strawberry.type(
    description="A walk-in prospect, for those who follow prospects up; contact masked unless yours."
)
class Prospect:
    prospect_id: strawberry.ID
    branch_id: str
    name: str
    phone: str | None
    contact_masked: bool
    recorded_by: str
    recorded_at: datetime
    recorded_at_local: str
    customer_id: str | None = strawberry.field(description="once linked to an account")
    linked_at: datetime | None

    @classmethod
    def from_json(cls, data: dict) -> "Prospect":
        return cls(
            prospect_id=strawberry.ID(data["prospect_id"]),
            branch_id=data["branch_id"],
            name=data["name"],
            phone=data.get("phone"),
            contact_masked=data["contact_masked"],
            recorded_by=data["recorded_by"],
            recorded_at=datetime.fromisoformat(data["recorded_at"]),
            recorded_at_local=data["recorded_at_local"],
            customer_id=data.get("customer_id"),
            linked_at=_datetime(data.get("linked_at")),
        )
