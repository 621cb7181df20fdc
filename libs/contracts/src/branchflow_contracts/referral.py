"""The referral service's codes and events (DOMAIN.md §2): referral forms (优质客户推介表), the close of
business, the follow-up register (待跟进客户信息记录表), the verdicts and the monthly figures.

A form's customer is an existing customer id or, for a walk-in the bank has no id for yet, a
prospect id (``P`` + 12 hex digits, one per phone number). ``customer_id`` in these payloads is
whichever of the two the form has, and it is the Kafka key, so one person's events stay in order.
Branch-level events (a day closed, a month's figures) are keyed by branch id.

Filing publishes ``customer.referred`` with the v1 ``CustomerReferred`` payload (``status``
``referred`` or ``pending``); every later change has a topic of its own below. No payload carries
a tier, a score or an amount.
"""

import re
from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from branchflow_contracts.events import TYPE_PREFIX, CustomerReferred, EventContract
from branchflow_contracts.topics import Topic

# the referral service's id of a walk-in it has no customer id for (one per phone number)
PROSPECT_ID = re.compile(r"^P[0-9A-F]{12}$")


def is_prospect_id(person_key: str) -> bool:
    """Whether a payload's ``customer_id`` is the referral service's prospect id of a walk-in:
    no other service knows anyone by it."""
    return PROSPECT_ID.fullmatch(person_key) is not None


class ReferralStatus(StrEnum):
    """A referral form's status. Filed as ``referred`` or ``pending``; closed by the wealth manager
    at the close of business (``confirmed`` / ``copied``) or withdrawn by whoever filed it."""

    REFERRED = "referred"  # 已推介: handed to the wealth manager on the spot
    PENDING = "pending"  # 待跟进: the manager's card handed over, a contact time agreed
    CONFIRMED = "confirmed"  # the wealth manager confirmed the meeting and its result
    COPIED = "copied"  # the wealth manager copied it into the follow-up register
    WITHDRAWN = "withdrawn"  # filed by mistake; not counted


class ReferralSource(StrEnum):
    LOBBY = "lobby"  # the lobby manager (with the identification's id when there is one)
    COUNTER = "counter"  # a cash or non-cash teller
    INTRODUCTION = "introduction"  # 现有优质客户介绍
    FIELD_VISIT = "field_visit"  # 外勤访问
    SEMINAR = "seminar"  # 金融研讨会 / 理财沙龙


class MarketingResult(StrEnum):
    """What came of the meeting (营销成果), as the wealth manager confirms it."""

    SOLD = "sold"
    FOLLOW_UP = "follow_up"
    NOT_PREMIUM = "not_premium"


class ContactWay(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    VISIT = "visit"


class AttemptResult(StrEnum):
    """One contact attempt's result. ``no_answer``, ``unreachable`` and ``declined`` are failures."""

    REACHED = "reached"
    MEETING_AGREED = "meeting_agreed"
    NO_ANSWER = "no_answer"
    UNREACHABLE = "unreachable"
    DECLINED = "declined"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    ABANDON_PROPOSED = "abandon_proposed"  # after the bank's number of failures in a row
    ABANDONED = "abandoned"
    NOT_PREMIUM = "not_premium"  # closed: judged not premium
    CONVERTED = "converted"  # judged premium: on to relationship maintenance


class Verdict(StrEnum):
    PREMIUM = "premium"
    NOT_PREMIUM = "not_premium"


class StaffReferralCounts(BaseModel):
    """One member of staff's referral forms in a period (推介统计表). Withdrawn forms are not counted."""

    model_config = ConfigDict(frozen=True)

    staff_id: str
    role: str
    filed: int = Field(description="forms filed")
    referred: int = Field(description="filed as referred: handed over on the spot")
    pending: int = Field(description="filed as pending: card handed, contact agreed")
    met: int = Field(description="confirmed as met by the wealth manager")
    sold: int = Field(description="confirmed with the result sold")


class ReferralConfirmed(EventContract):
    """The wealth manager confirmed a form filed as ``referred``: met or not, and the result.
    A result of ``follow_up`` (or a customer not met) also opens a follow-up entry."""

    topic: ClassVar[Topic] = Topic.REFERRAL_CONFIRMED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.referral.confirmed.v1"

    referral_id: str
    customer_id: str = Field(description="customer id, or the prospect id of a walk-in")
    branch_id: str
    wealth_manager_id: str
    met: bool
    result: MarketingResult
    entry_id: str | None = Field(default=None, description="the follow-up entry it opened, if any")
    confirmed_by: str
    confirmed_at: AwareDatetime


class ReferralDayClosed(EventContract):
    """The lobby manager closed a branch's day (营业终了): every form was confirmed or copied."""

    topic: ClassVar[Topic] = Topic.REFERRAL_DAY_CLOSED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.referral.day-closed.v1"

    branch_id: str
    day: date = Field(description="the branch's day, Asia/Shanghai")
    closed_by: str
    closed_at: AwareDatetime
    counts: list[StaffReferralCounts]
    suggestions_not_acted_on: int


class ReferralMonthSummarized(EventContract):
    """Last month's referral counts per member of staff, for the branch head's appraisal, sent on
    the first working day of a month (once per branch and month)."""

    topic: ClassVar[Topic] = Topic.REFERRAL_MONTH_SUMMARIZED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.referral.month-summarized.v1"

    branch_id: str
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, Asia/Shanghai")
    counts: list[StaffReferralCounts]
    issued_at: AwareDatetime


class FollowUpOpened(EventContract):
    """A customer was copied into a wealth manager's follow-up register."""

    topic: ClassVar[Topic] = Topic.FOLLOW_UP_OPENED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.follow-up.opened.v1"

    entry_id: str
    referral_id: str
    customer_id: str = Field(description="customer id, or the prospect id of a walk-in")
    branch_id: str
    wealth_manager_id: str
    source: ReferralSource
    opened_at: AwareDatetime


class FollowUpAttemptRecorded(EventContract):
    """A contact attempt and its result; ``abandon_proposed`` once the failures in a row reach the
    bank's number."""

    topic: ClassVar[Topic] = Topic.FOLLOW_UP_ATTEMPT_RECORDED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.follow-up.attempt-recorded.v1"

    entry_id: str
    attempt_id: str
    customer_id: str
    branch_id: str
    wealth_manager_id: str
    way: ContactWay
    result: AttemptResult
    failures_in_a_row: int
    abandon_proposed: bool
    attempted_at: AwareDatetime


class FollowUpAppointmentMade(EventContract):
    """The customer agreed to meet: an appointment in the wealth manager's diary."""

    topic: ClassVar[Topic] = Topic.FOLLOW_UP_APPOINTMENT_MADE
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.follow-up.appointment-made.v1"

    entry_id: str
    appointment_id: str
    customer_id: str
    branch_id: str
    wealth_manager_id: str
    meets_at: AwareDatetime
    made_at: AwareDatetime


class FollowUpAbandoned(EventContract):
    """The wealth manager confirmed the register's proposal to stop following the customer up."""

    topic: ClassVar[Topic] = Topic.FOLLOW_UP_ABANDONED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.follow-up.abandoned.v1"

    entry_id: str
    customer_id: str
    branch_id: str
    wealth_manager_id: str
    failures_in_a_row: int
    abandoned_by: str
    abandoned_at: AwareDatetime


class CustomerJudgedNotPremium(EventContract):
    """A wealth manager judged the customer not premium (at the meeting, or closing a follow-up).
    Nobody refers the customer again until ``no_referral_until``, or until identify reports a
    higher tier after ``judged_at``; identify's lobby and counter guidance calls no wealth manager
    for them meanwhile. The latest verdict on a person counts. A ``customer_id`` that is a
    prospect id (``is_prospect_id``) is the referral service's own."""

    topic: ClassVar[Topic] = Topic.CUSTOMER_JUDGED_NOT_PREMIUM
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.customer.judged-not-premium.v1"

    customer_id: str = Field(description="customer id, or the prospect id of a walk-in")
    branch_id: str
    referral_id: str
    entry_id: str | None = None
    judged_by: str
    judged_at: AwareDatetime
    no_referral_until: AwareDatetime


class CustomerConverted(EventContract):
    """A followed-up customer was judged premium: relationship maintenance takes over, owned by
    ``wealth_manager_id``."""

    topic: ClassVar[Topic] = Topic.CUSTOMER_CONVERTED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.customer.converted.v1"

    customer_id: str = Field(description="customer id, or the prospect id of a walk-in")
    branch_id: str
    referral_id: str
    entry_id: str
    wealth_manager_id: str
    converted_at: AwareDatetime


REFERRAL_EVENTS: tuple[type[EventContract], ...] = (
    CustomerReferred,
    ReferralConfirmed,
    ReferralDayClosed,
    ReferralMonthSummarized,
    FollowUpOpened,
    FollowUpAttemptRecorded,
    FollowUpAppointmentMade,
    FollowUpAbandoned,
    CustomerJudgedNotPremium,
    CustomerConverted,
)
