"""Event payloads. The CloudEvents ``type`` carries the version; a breaking change is a new
version published side by side, never an edit of an existing one."""

from decimal import Decimal
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from branchflow_contracts.money import Money
from branchflow_contracts.topics import Topic
from branchflow_contracts.vocabulary import Channel, CustomerTier, Guidance, RerateCause, SignalCategory

TYPE_PREFIX = "bank.branch"


class EventContract(BaseModel):
    """Base of every payload: ``topic`` and ``ce_type`` say where and as what it travels."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[Topic]
    ce_type: ClassVar[str]


class Signal(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: SignalCategory
    kind: str
    amount: Money | None = Field(default=None, description="CNY; large business signals only")


class CustomerIdentified(EventContract):
    """A customer was identified: observed in the branch (or on another channel by staff), or
    mined from a posted transaction. Re-ratings are ``CustomerRerated``, not identifications."""

    topic: ClassVar[Topic] = Topic.CUSTOMER_IDENTIFIED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.customer.identified.v1"

    identification_id: str
    customer_id: str
    branch_id: str
    channel: Channel
    tier: CustomerTier
    previous_tier: CustomerTier | None = None
    score: Decimal
    signals: list[Signal] = Field(default_factory=list)
    guidance: Guidance
    reason: str = Field(
        description="observation | system_mining (facts_changed, periodic_sweep: before customer.rerated)"
    )
    identified_by: str | None = Field(default=None, description="staff id, None for the system")
    identified_at: AwareDatetime
    # added in v1, optional: what the customer came for, who observed, and for an identification
    # made while the customer was a walk-in prospect (published when the prospect was linked)
    purpose: str | None = Field(default=None, description="visit purpose, as the lobby saw it")
    observer_role: str | None = Field(default=None, description="role of identified_by")
    prospect_id: str | None = Field(default=None, description="set if made before an account existed")


class CustomerRerated(EventContract):
    """A customer's tier changed without an identification: facts changed, signals expired, the
    rules changed, the periodic review, or a prospect's signals joined their new account. Not
    counted as an identification."""

    topic: ClassVar[Topic] = Topic.CUSTOMER_RERATED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.customer.rerated.v1"

    rerating_id: str
    customer_id: str
    branch_id: str
    cause: RerateCause
    previous_tier: CustomerTier | None = Field(description="None: the customer's first rating")
    tier: CustomerTier
    score: Decimal
    rules_version: str
    rerated_by: str | None = Field(default=None, description="staff id, None for the system")
    rerated_at: AwareDatetime


class CustomerReferred(EventContract):
    topic: ClassVar[Topic] = Topic.CUSTOMER_REFERRED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.customer.referred.v1"

    referral_id: str
    customer_id: str
    branch_id: str
    referred_by: str
    referrer_role: str
    wealth_manager_id: str | None = None
    status: str = Field(description="referred | pending | converted | abandoned | closed")
    referred_at: AwareDatetime
    identification_id: str | None = Field(
        default=None,
        description="the lobby identification the form came from, if any: identify marks it referred",
    )


class ComplaintEscalated(EventContract):
    topic: ClassVar[Topic] = Topic.COMPLAINT_ESCALATED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.complaint.escalated.v1"

    complaint_id: str
    customer_id: str | None = None
    branch_id: str
    from_level: str
    to_level: str
    reason: str = Field(description="time_limit_breached | by_hand | regulator | media")
    escalated_by: str | None = None
    escalated_at: AwareDatetime
    reply_due_at: AwareDatetime | None = None


class PlanDue(EventContract):
    topic: ClassVar[Topic] = Topic.RELATIONSHIP_PLAN_DUE
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.relationship.plan-due.v1"

    task_id: str
    plan_id: str
    customer_id: str
    branch_id: str
    wealth_manager_id: str
    contact_kind: str
    channel: str
    due_at: AwareDatetime


class TransactionPosted(EventContract):
    """Inbound from core banking: a transaction was posted to a customer's account."""

    topic: ClassVar[Topic] = Topic.CORE_TRANSACTION_POSTED
    ce_type: ClassVar[str] = "bank.core.transaction-posted.v1"

    transaction_id: str
    customer_id: str
    branch_id: str
    business_type: str = Field(
        description="cash_deposit | cash_withdrawal | remittance | foreign_exchange | "
        "loan_repayment | deposit_certificate | bond_purchase | fund_purchase | "
        "insurance_purchase | wealth_product_purchase | …"
    )
    amount: Decimal = Field(gt=0)
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    posted_at: AwareDatetime
