"""Branchflow event contracts: topic names, CloudEvents types and payload models.

Depends on pydantic only, so head-office integrators can install it on its own:
``pip install branchflow-contracts``.
"""

from branchflow_contracts.events import (
    ComplaintEscalated,
    CustomerIdentified,
    CustomerReferred,
    CustomerRerated,
    EventContract,
    PlanDue,
    Signal,
    TransactionPosted,
)
from branchflow_contracts.money import Money
from branchflow_contracts.referral import (
    REFERRAL_EVENTS,
    AttemptResult,
    ContactWay,
    CustomerConverted,
    CustomerJudgedNotPremium,
    FollowUpAbandoned,
    FollowUpAppointmentMade,
    FollowUpAttemptRecorded,
    FollowUpOpened,
    FollowUpStatus,
    MarketingResult,
    ReferralConfirmed,
    ReferralDayClosed,
    ReferralMonthSummarized,
    ReferralSource,
    ReferralStatus,
    StaffReferralCounts,
    Verdict,
)
from branchflow_contracts.registry import ALL_EVENTS, contract_for_topic, contract_for_type
from branchflow_contracts.topics import Topic, dead_letter_topic
from branchflow_contracts.vocabulary import (
    Channel,
    CustomerTier,
    Guidance,
    GuidanceAction,
    RerateCause,
    SignalCategory,
    VisitPurpose,
)

__all__ = [
    "ALL_EVENTS",
    "REFERRAL_EVENTS",
    "AttemptResult",
    "Channel",
    "ComplaintEscalated",
    "ContactWay",
    "CustomerConverted",
    "CustomerIdentified",
    "CustomerJudgedNotPremium",
    "CustomerReferred",
    "CustomerRerated",
    "CustomerTier",
    "EventContract",
    "FollowUpAbandoned",
    "FollowUpAppointmentMade",
    "FollowUpAttemptRecorded",
    "FollowUpOpened",
    "FollowUpStatus",
    "Guidance",
    "GuidanceAction",
    "MarketingResult",
    "Money",
    "PlanDue",
    "ReferralConfirmed",
    "ReferralDayClosed",
    "ReferralMonthSummarized",
    "ReferralSource",
    "ReferralStatus",
    "RerateCause",
    "Signal",
    "SignalCategory",
    "StaffReferralCounts",
    "Topic",
    "TransactionPosted",
    "Verdict",
    "VisitPurpose",
    "contract_for_topic",
    "contract_for_type",
    "dead_letter_topic",
]
