"""The lobby: guidance, a lobby list row, and an observation and its result."""

from datetime import datetime

import strawberry

from branchflow_contracts import (
    Channel,
    GuidanceAction,
    GuidanceScript,
    HandlingOutcome,
    SignalCategory,
    VisitPurpose,
)
from branchflow_contracts.money import format_money
from branchflow_gateway.identify.types.codes import (
    ChannelType,
    GuidanceActionType,
    HandlingOutcomeType,
    SignalCategoryType,
    VisitPurposeType,
)
from branchflow_gateway.identify.types.shared import datetime_or_none
from branchflow_gateway.label_fields import label_field
from branchflow_gateway.scalars import Money
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import label


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
            handled_at=datetime_or_none(data.get("handled_at")),
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
