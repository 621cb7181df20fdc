"""The REST API's request and response bodies. Validation errors name the field and the reason
(FastAPI's 422 ``detail`` carries each error's ``loc`` and ``msg``)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from branchflow_contracts import Channel, CustomerTier, Guidance, Money, SignalCategory
from identify.domain.guidance import VisitPurpose
from identify.domain.signals import InvalidSignal, ObservedSignal

CustomerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
BranchId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
StaffId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
# free text as staff type it: any script, tabs and line breaks, but no other control characters
# (PostgreSQL refuses NUL in text; the rest is never meant)
_PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def plain_text(max_length: int):
    return Annotated[str, Field(max_length=max_length, pattern=_PLAIN)]


class SignalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: SignalCategory
    kind: str = Field(examples=["luxury_car", "cash_deposit"])
    amount: Money | None = Field(default=None, description="CNY; large business signals only")
    _domain: ObservedSignal | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _known_signal(self) -> "SignalIn":
        """The domain's own rules decide; the signal they accept is kept for the handler."""
        try:
            self._domain = ObservedSignal(self.category, self.kind, self.amount)
        except InvalidSignal as exc:
            raise ValueError(str(exc)) from None
        return self

    def to_domain(self) -> ObservedSignal:
        return self._domain


class ObservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: CustomerId
    channel: Channel = Channel.BRANCH
    purpose: VisitPurpose = VisitPurpose.OTHER
    signals: list[SignalIn] = Field(default_factory=list, max_length=40)


class GuidanceOut(BaseModel):
    """What the lobby and the counter see: no tier, no score, no amount."""

    identification_id: str
    customer_id: str
    guidance: Guidance
    identified_at: datetime


class FactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    branch_id: BranchId
    deposits: Money = Decimal("0")
    funds: Money = Decimal("0")
    insurance: Money = Decimal("0")
    wealth_products: Money = Decimal("0")
    loans: Money = Decimal("0")
    occupation: plain_text(64) | None = None
    address_area: str | None = Field(
        default=None, pattern=r"^(high_end_residential|high_end_office|ordinary)$"
    )
    family_high_income: bool = False
    social_standing: str | None = Field(default=None, pattern=r"^(high|normal)$")
    own_bank_vip: bool = False
    other_bank_vip: bool = False
    banks_mainly_elsewhere: bool = False
    wealth_manager_id: StaffId | None = None
    name: plain_text(128) | None = None
    id_number: str | None = Field(default=None, pattern=r"^[0-9]{17}[0-9Xx]$")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 -]{7,20}$")
    address: plain_text(256) | None = None


class ScoreItemOut(BaseModel):
    factor: str
    detail: str
    points: Decimal


class RatingOut(BaseModel):
    customer_id: str
    branch_id: str
    tier: CustomerTier
    score: Decimal
    explanation: list[ScoreItemOut]
    decided_by: str
    rules_version: str
    rated_at: datetime
    guidance: Guidance


class FactsUpsertOut(BaseModel):
    rating: RatingOut
    tier_changed: bool


class IdentificationOut(BaseModel):
    """An identification. What the caller may not read is null (branchflow_runtime.access): a
    visiting customer's tier and score stay with the home branch; ops read no guidance."""

    identification_id: str
    customer_id: str
    branch_id: str = Field(description="the branch where the customer was identified")
    customer_branch_id: str = Field(description="the customer's home branch")
    visiting: bool = Field(description="identified in a branch other than the home branch")
    channel: Channel
    tier: CustomerTier | None
    previous_tier: CustomerTier | None
    score: Decimal | None
    guidance: Guidance | None
    reason: str
    identified_by: str | None
    identified_at: datetime
    identified_at_local: str = Field(description="in the branch's zone, Asia/Shanghai")
    trace_id: str | None


class LobbyIdentificationOut(BaseModel):
    """A lobby list row: who, when, where to send them. No tier, no amounts."""

    identification_id: str
    customer_id: str
    channel: Channel
    guidance: Guidance
    call_wealth_manager: bool
    identified_at: datetime
    identified_at_local: str


MAX_BATCH = 200  # ids per batch read (a GraphQL DataLoader's batch)


class IdentificationCountsOut(BaseModel):
    """A branch's identifications of one day (branch time), counted. Every tier and every channel
    is a key, 0 when none."""

    branch_id: str
    day: date = Field(description="the day in the branch's zone, Asia/Shanghai")
    total: int
    by_tier: dict[CustomerTier, int] = Field(description="the branch's own customers, by tier")
    visiting: int = Field(0, description="customers of other branches: their tier is not counted here")
    by_channel: dict[Channel, int]
