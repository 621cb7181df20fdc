"""The referral form (优质客户推介表) and its status machine.

    referred ──confirm(met, result)──▶ confirmed      (met and follow-up, or not met: a register entry)
    pending  ──copy to the register──▶ copied         (a register entry)
    referred | pending ──withdraw──▶ withdrawn        (filed by mistake; not counted)

Every other move is refused with the reason. Repeating a move already made, with the same
content, changes nothing and is not an error: a client that lost the answer may ask again."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from branchflow_contracts import (
    ContactWay,
    CustomerReferred,
    MarketingResult,
    ReferralConfirmed,
    ReferralSource,
    ReferralStatus,
)
from referral.domain.people import Subject
from referral.domain.periods import branch_day
from referral.domain.refusals import N_, Invalid, Refusal, Refused

OPEN_STATUSES = frozenset({ReferralStatus.REFERRED, ReferralStatus.PENDING})


@dataclass(frozen=True)
class AgreedContact:
    """When and how the wealth manager will contact a customer who could not stay (待跟进)."""

    at: datetime
    way: ContactWay


@dataclass
class Referral:
    referral_id: str
    branch_id: str
    subject: Subject
    referred_by: str
    referrer_role: str
    source: ReferralSource
    filed_as: ReferralStatus
    wealth_manager_id: str
    referred_at: datetime
    identification_id: str | None = None
    suggestion_id: str | None = None
    activity_id: str | None = None
    contact: AgreedContact | None = None
    note: str | None = None
    status: ReferralStatus | None = None
    # the close: confirmation, copy or withdrawal
    met: bool | None = None
    result: MarketingResult | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    entry_id: str | None = None
    withdrawal_reason: str | None = None

    def __post_init__(self) -> None:
        if self.status is None:
            self.status = self.filed_as

    @classmethod
    def file(
        cls,
        *,
        branch_id: str,
        subject: Subject,
        referred_by: str,
        referrer_role: str,
        source: ReferralSource,
        status: ReferralStatus,
        wealth_manager_id: str,
        at: datetime,
        contact: AgreedContact | None = None,
        identification_id: str | None = None,
        suggestion_id: str | None = None,
        activity_id: str | None = None,
        note: str | None = None,
        referral_id: str | None = None,
    ) -> "Referral":
        """A new form, ``referred`` (handed over on the spot) or ``pending`` (card handed, contact
        agreed: the time and way are required, and the time is not before the filing)."""
        if status not in OPEN_STATUSES:
            raise Invalid("status", N_("a form is filed as referred or pending, not {status}"), status=status)
        if status is ReferralStatus.PENDING:
            if contact is None:
                raise Invalid("contact", N_("a pending referral needs the agreed contact time and way"))
            if contact.at < at.replace(second=0, microsecond=0):
                raise Invalid("contact.at", N_("the agreed contact time is before the referral"))
        return cls(
            referral_id=referral_id or str(uuid.uuid4()),
            branch_id=branch_id,
            subject=subject,
            referred_by=referred_by,
            referrer_role=referrer_role,
            source=source,
            filed_as=status,
            wealth_manager_id=wealth_manager_id,
            referred_at=at,
            identification_id=identification_id,
            suggestion_id=suggestion_id,
            activity_id=activity_id,
            contact=contact,
            note=note,
        )

    @property
    def business_day(self):
        """The branch day it was filed on: the day whose close reconciles it, and counts it."""
        return branch_day(self.referred_at)

    @property
    def is_open(self) -> bool:
        """Awaiting the wealth manager at the close of business."""
        return self.status in OPEN_STATUSES

    @property
    def needs_follow_up(self) -> bool:
        """Whether closing it put the customer in the follow-up register."""
        return self.status is ReferralStatus.COPIED or (
            self.status is ReferralStatus.CONFIRMED
            and (not self.met or self.result is MarketingResult.FOLLOW_UP)
        )

    def same_filing(self, other: "Referral") -> bool:
        """Whether ``other`` is this form filed again (a retried request with the same id)."""
        return (
            self.subject == other.subject
            and self.branch_id == other.branch_id
            and self.referred_by == other.referred_by
            and self.source == other.source
            and self.filed_as == other.filed_as
            and self.wealth_manager_id == other.wealth_manager_id
            and self.contact == other.contact
            and self.identification_id == other.identification_id
        )

    def confirm(self, *, by: str, met: bool, result: MarketingResult, at: datetime) -> bool:
        """The wealth manager confirms the meeting and its marketing result. True when the form
        changed; False when it was confirmed so already."""
        if self.status is ReferralStatus.CONFIRMED and (self.met, self.result) == (met, result):
            return False  # confirmed so already: a retry
        self._refuse_unless_open()
        if self.status is ReferralStatus.PENDING:
            raise Refused(Refusal.PENDING_IS_COPIED)
        if not met and result is not MarketingResult.FOLLOW_UP:
            raise Refused(Refusal.NOT_MET_NEEDS_FOLLOW_UP, result=result)
        self.status, self.met, self.result = ReferralStatus.CONFIRMED, met, result
        self.closed_by, self.closed_at = by, at
        return True

    def copy_to_register(self, *, by: str, at: datetime) -> bool:
        """The wealth manager copies a pending form into the follow-up register (抄录). True when
        the form changed; False when it was copied already."""
        if self.status is ReferralStatus.COPIED:
            return False
        self._refuse_unless_open()
        if self.status is ReferralStatus.REFERRED:
            raise Refused(Refusal.REFERRED_IS_CONFIRMED)
        self.status, self.closed_by, self.closed_at = ReferralStatus.COPIED, by, at
        return True

    def withdraw(self, *, by: str, reason: str, at: datetime) -> bool:
        if self.status is ReferralStatus.WITHDRAWN:
            return False
        if not self.is_open:
            raise Refused(Refusal.CLOSED_FORM_NOT_WITHDRAWN, status=self.status)
        self.status, self.closed_by, self.closed_at = ReferralStatus.WITHDRAWN, by, at
        self.withdrawal_reason = reason
        return True

    def _refuse_unless_open(self) -> None:
        if self.status is ReferralStatus.CONFIRMED:
            raise Refused(Refusal.ALREADY_CONFIRMED, by=self.closed_by, at=self.closed_at, result=self.result)
        if self.status is ReferralStatus.COPIED:
            raise Refused(Refusal.ALREADY_COPIED, by=self.closed_by, at=self.closed_at)
        if self.status is ReferralStatus.WITHDRAWN:
            raise Refused(Refusal.WITHDRAWN, by=self.closed_by, at=self.closed_at)

    def filed_event(self) -> CustomerReferred:
        return CustomerReferred(
            referral_id=self.referral_id,
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            referred_by=self.referred_by,
            referrer_role=self.referrer_role,
            wealth_manager_id=self.wealth_manager_id,
            status=str(self.filed_as),
            referred_at=self.referred_at,
            identification_id=self.identification_id,
        )

    def confirmed_event(self) -> ReferralConfirmed:
        return ReferralConfirmed(
            referral_id=self.referral_id,
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            wealth_manager_id=self.wealth_manager_id,
            met=bool(self.met),
            result=self.result,
            entry_id=self.entry_id,
            confirmed_by=self.closed_by,
            confirmed_at=self.closed_at,
        )
