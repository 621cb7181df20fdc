"""The REST API's request and response bodies. Validation errors name the field and the reason
(FastAPI's 422 ``detail`` carries each error's ``loc`` and ``msg``).

Answers carry codes, and beside each code a person reads its label in the caller's language
(``<field>_label``; ``identify.labels``); texts — scripts, explanations, refusals — are worded in
that language, their codes and parameters beside them."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from branchflow_contracts import (
    Channel,
    CustomerTier,
    Guidance,
    GuidanceAction,
    HandlingOutcome,
    Money,
    RerateCause,
    SignalCategory,
)
from identify import labels
from identify.domain.guidance import VisitPurpose
from identify.domain.money import CNY, ExchangeRates, NoExchangeRate
from identify.domain.signals import InvalidSignal, ObservedSignal
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding, UnknownTerm, parse_term

CustomerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
BranchId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
StaffId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
# free text as staff type it: any script, tabs and line breaks, but no other control characters
# (PostgreSQL refuses NUL in text; the rest is never meant)
_PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def plain_text(max_length: int):
    return Annotated[str, Field(max_length=max_length, pattern=_PLAIN)]


# Amounts are parsed by branchflow_contracts.Money; a foreign one is converted in signals_to_domain.
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217, e.g. CNY, USD")]


class SignalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: SignalCategory
    kind: str = Field(examples=["luxury_car", "cash_deposit"])
    amount: Money | None = Field(default=None, description="large business signals only")
    currency: Currency = Field(
        default=CNY, description="of the amount; converted to CNY with the bank's rates"
    )
    _domain: ObservedSignal | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _known_signal(self) -> "SignalIn":
        """The domain's own rules decide; the signal they accept is kept for the handler."""
        try:
            self._domain = ObservedSignal(self.category, self.kind, self.amount)
        except InvalidSignal as exc:
            raise labels.as_validation_error(exc) from None
        return self

    def to_domain(self, rates: ExchangeRates) -> ObservedSignal:
        """The signal with its amount in CNY; ``NoExchangeRate`` for a currency without a rate."""
        if self.amount is None or self.currency.upper() == CNY:
            return self._domain
        amount, conversion = rates.to_cny(self.amount, self.currency)
        return ObservedSignal(self.category, self.kind, amount, self._domain.observed_at, conversion)


def signals_to_domain(signals: list[SignalIn], rates: ExchangeRates) -> tuple[ObservedSignal, ...]:
    """The request's signals in CNY, or a 422 that names the signal whose currency has no rate."""
    from fastapi.exceptions import RequestValidationError

    out = []
    for n, s in enumerate(signals):
        try:
            out.append(s.to_domain(rates))
        except NoExchangeRate as exc:
            loc = ("body", "signals", n, "currency")
            raise RequestValidationError(
                [
                    {
                        "type": exc.code,
                        "loc": loc,
                        "msg": labels.said(exc),
                        "input": s.currency,
                        "ctx": exc.params,
                    }
                ]
            ) from None
    return tuple(out)


def _term(vocabulary):
    """A code, or its English or Chinese name; a value that matches nothing is a 422 naming the
    field, with the error type ``vocabulary.unknown_term``."""

    def parse(value):
        if value is None or isinstance(value, vocabulary):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", "Input should be a valid string")
        try:
            return parse_term(vocabulary, value)
        except UnknownTerm as exc:
            raise labels.as_validation_error(exc) from None

    names = ", ".join(c.value for c in vocabulary)
    return Annotated[
        vocabulary | None,
        BeforeValidator(parse),
        Field(default=None, description=f"a code ({names}) or its Chinese or English name"),
    ]


class ObservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: CustomerId
    channel: Channel = Channel.BRANCH
    purpose: VisitPurpose = VisitPurpose.OTHER
    customer_has_time: bool | None = Field(
        default=None,
        description="asked: has the customer time to meet a wealth manager now? (unset: not asked)",
    )
    signals: list[SignalIn] = Field(default_factory=list, max_length=40)


class LabelledGuidance(Guidance):
    """A guidance as staff read it: ``script`` in the caller's language (``script_code`` beside
    it), and the label of each action."""

    action_label: str
    alternative_labels: list[str] = Field(default_factory=list, description="of ``alternatives``, in order")

    @classmethod
    def of(cls, guidance: Guidance | dict) -> "LabelledGuidance":
        return cls.model_validate(labels.guidance(guidance))


class GuidanceOut(BaseModel):
    """What the lobby and the counter see: no tier, no score, no amount."""

    identification_id: str
    customer_id: str
    guidance: LabelledGuidance
    identified_at: datetime


class FactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    branch_id: BranchId
    deposits: Money = Decimal("0")
    funds: Money = Decimal("0")
    insurance: Money = Decimal("0")
    wealth_products: Money = Decimal("0")
    loans: Money = Decimal("0")
    occupation: _term(Occupation) = None
    address_area: _term(AddressArea) = None
    family_high_income: bool = False
    social_standing: _term(SocialStanding) = None
    own_bank_vip: bool = False
    other_bank_vip: bool = False
    banks_mainly_elsewhere: bool = False
    wealth_manager_id: StaffId | None = None
    name: plain_text(128) | None = None
    id_number: str | None = Field(default=None, pattern=r"^[0-9]{17}[0-9Xx]$")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 -]{7,20}$")
    address: plain_text(256) | None = None


class ScoreItemOut(BaseModel):
    """A line of the explanation: ``code`` and ``params``, and ``detail``, the line in the caller's
    language. Lines with factor ``tier`` say why this type and why not the next one up (0 points)."""

    factor: str
    factor_label: str | None = None
    code: str | None = None  # None on ratings stored before lines had codes (detail: English)
    params: dict = Field(default_factory=dict)
    detail: str
    points: Decimal


class RatingOut(BaseModel):
    customer_id: str
    branch_id: str
    tier: CustomerTier
    tier_label: str
    score: Decimal
    explanation: list[ScoreItemOut]
    decided_by: str = Field(description="the tier rule that matched, in the caller's language")
    rules_version: str
    rated_at: datetime
    guidance: LabelledGuidance


class FactsUpsertOut(BaseModel):
    rating: RatingOut
    tier_changed: bool = Field(description="a re-rating (customer.rerated, cause facts_changed) was made")


class IdentificationOut(BaseModel):
    """An identification. What the caller may not read is null (branchflow_runtime.access): a
    visiting customer's tier and score stay with the home branch; ops read no guidance."""

    identification_id: str
    customer_id: str | None = Field(description="None: a walk-in prospect without an account yet")
    prospect_id: str | None = None
    branch_id: str = Field(description="the branch where the customer was identified")
    customer_branch_id: str = Field(description="the customer's home branch (a prospect's: where recorded)")
    visiting: bool = Field(description="identified in a branch other than the home branch")
    channel: Channel
    channel_label: str
    tier: CustomerTier | None
    tier_label: str | None
    previous_tier: CustomerTier | None
    previous_tier_label: str | None
    score: Decimal | None
    guidance: LabelledGuidance | None
    reason: str = Field(description="observation | system_mining")
    reason_label: str
    purpose: VisitPurpose | None = None
    purpose_label: str | None = None
    identified_by: str | None
    observer_role: str | None = None
    observer_role_label: str | None = None
    handling: HandlingOutcome | None = None
    handling_label: str | None = None
    identified_at: datetime
    identified_at_local: str = Field(description="in the branch's zone, Asia/Shanghai")
    trace_id: str | None


class LobbyIdentificationOut(BaseModel):
    """A lobby list row: who (masked name), what they came for, who observed them, where to send
    them, whether a wealth manager was called and what became of it. No tier, no amounts."""

    identification_id: str
    customer_id: str | None = Field(description="None: a walk-in prospect without an account yet")
    prospect_id: str | None = None
    name: str | None = Field(default=None, description="masked unless the caller may see it")
    name_masked: bool = True
    channel: Channel
    channel_label: str
    purpose: VisitPurpose | None = None
    purpose_label: str | None = None
    observed_by: str | None = None
    observer_role: str | None = None
    observer_role_label: str | None = None
    guidance: LabelledGuidance
    call_wealth_manager: bool
    handling: HandlingOutcome | None = Field(default=None, description="None: not yet handled")
    handling_label: str | None = None
    handled_by: str | None = None
    handled_at: datetime | None = None
    identified_at: datetime
    identified_at_local: str


MAX_BATCH = 200  # ids per batch read (a GraphQL DataLoader's batch)


class StaffCountOut(BaseModel):
    """The customers one staff member identified that day (each once), by their tier then."""

    staff_id: str
    role: str | None
    role_label: str | None = None
    customers: int
    by_tier: dict[CustomerTier, int] = Field(description="the branch's own customers, by tier")
    visiting: int = Field(0, description="customers of other branches: their tier is not counted here")


class IdentificationCountsOut(BaseModel):
    """A branch's identifications of one day (branch time), counted in customers: a customer
    identified three times is one. ``by_tier``: each customer's tier at their last identification
    that day (a customer of another branch is counted as ``visiting``: their tier belongs to their
    home branch); ``by_channel``: the channel of their first (who found them). ``by_tier`` with
    ``visiting``, and ``by_channel``, each add up to ``total``. Re-ratings are not identifications
    and are not counted. Every tier and channel is a key, 0 when none. ``by_staff`` only for those
    who appraise staff (else null)."""

    branch_id: str
    day: date = Field(description="the day in the branch's zone, Asia/Shanghai")
    total: int
    by_tier: dict[CustomerTier, int] = Field(description="the branch's own customers, by tier")
    visiting: int = Field(0, description="customers of other branches: their tier is not counted here")
    by_channel: dict[Channel, int]
    by_staff: list[StaffCountOut] | None = None
    tier_labels: dict[CustomerTier, str] = Field(description="the label of each tier counted")
    channel_labels: dict[Channel, str] = Field(description="the label of each channel counted")


class ReratingOut(BaseModel):
    rerating_id: str
    customer_id: str
    branch_id: str
    cause: RerateCause
    cause_label: str
    previous_tier: CustomerTier | None
    previous_tier_label: str | None
    tier: CustomerTier
    tier_label: str
    score: Decimal
    rules_version: str
    rerated_by: str | None
    rerated_at: datetime
    rerated_at_local: str


# --- the lobby's and the counter's own views -------------------------------------------------


class HandlingIn(BaseModel):
    """What became of the guidance: referred to a wealth manager, guided (to the counter,
    self-service, e-banking), or the customer left."""

    model_config = ConfigDict(extra="forbid")

    outcome: HandlingOutcome


class QueueCheckIn(BaseModel):
    """Second diversion (二次分流): someone already queuing, asked what they came for."""

    model_config = ConfigDict(extra="forbid")

    purpose: VisitPurpose
    ticket: plain_text(16) | None = Field(default=None, description="the queue ticket number, e.g. A017")
    customer_id: CustomerId | None = Field(default=None, description="if known: guided on their rating")


class QueueCheckOut(BaseModel):
    check_id: str
    ticket: str | None
    customer_id: str | None
    purpose: VisitPurpose
    purpose_label: str
    guidance: LabelledGuidance
    moved: bool = Field(description="sent out of the queue (self-service, e-banking, priority service)")
    checked_by: str
    checked_at: datetime
    checked_at_local: str


class QueueChecksOut(BaseModel):
    """A day's second diversion in a branch: each person asked, and how many were moved where."""

    branch_id: str
    day: date
    asked: int
    moved: dict[GuidanceAction, int] = Field(
        description="moved out of the queue, by the action they were given"
    )
    action_labels: dict[GuidanceAction, str] = Field(description="the label of each action in ``moved``")
    kept_ticket: int
    checks: list[QueueCheckOut]


# --- prospects ---------------------------------------------------------------------------------


class ProspectIn(BaseModel):
    """A walk-in who is not our customer yet, worth winning: no customer id is invented."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=128, pattern=_PLAIN)]
    # 7 to 20 digits, spaced or dashed as people type them: the prospect id is derived from the
    # digits (branchflow_contracts.normalize_phone)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9](?:[ -]?[0-9]){6,19}$")
    channel: Channel = Channel.BRANCH
    purpose: VisitPurpose = VisitPurpose.OTHER
    customer_has_time: bool | None = None
    signals: list[SignalIn] = Field(default_factory=list, max_length=40)


class ProspectRecordedOut(BaseModel):
    prospect_id: str
    identification_id: str
    guidance: LabelledGuidance
    identified_at: datetime


class ProspectOut(BaseModel):
    prospect_id: str
    branch_id: str
    name: str
    phone: str | None
    contact_masked: bool
    tier: CustomerTier | None = Field(description="only for those who may see tiers")
    tier_label: str | None = None
    recorded_by: str
    recorded_at: datetime
    recorded_at_local: str
    customer_id: str | None
    linked_by: str | None
    linked_at: datetime | None


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: CustomerId


class LinkOut(BaseModel):
    prospect_id: str
    customer_id: str
    tier_changed: bool = Field(description="a re-rating (cause prospect_linked) was made")
