"""Referral's GraphQL types, each defined once and shared by the role schemas that may show it.
Times are UTC with a twin in the branch's zone (``…AtLocal``, Asia/Shanghai); each code has its
label beside it in the caller's language (``status`` and ``statusLabel``; the labels of the
gateway's own codes: ``referral/labels.py``); the referral service holds no tier, score or amount,
and no type here carries one. Fields that follow a link
to another record (a suggestion's form, a register entry's form) load it through this request's
DataLoaders; they are nullable, so a record the caller may not read is an error on that field
alone.

Callers use the package (``from branchflow_gateway.referral.types import Referral``); the modules
are where a reader finds a concern's types: ``codes`` (the enums), ``forms`` (a form and whom it
is about), ``suggestions``, ``close_of_business`` (the day), ``figures`` (counts and the monthly
summary), ``register`` (the follow-up register, the diary, the access log), ``marketing``,
``live`` (the wealth manager's "customer waiting" push) and ``inputs``; ``shared`` reads the
service's JSON."""

from branchflow_gateway.referral.types.close_of_business import DayLeftOpen, ReferralDay
from branchflow_gateway.referral.types.codes import (
    ActivityKind,
    AttemptResultType,
    ContactWayType,
    CountPeriod,
    DayStatus,
    FilingStatus,
    FollowUpStatusType,
    MarketingResultType,
    ParticipantRole,
    ReferralResult,
    ReferralSourceType,
    ReferralStatusType,
    ResultAsSeen,
    SeminarKind,
    SuggestionStatus,
    VerdictType,
    result_as_seen,
)
from branchflow_gateway.referral.types.figures import MonthlySummary, ReferralCounts, StaffReferralCount
from branchflow_gateway.referral.types.forms import Person, Referral
from branchflow_gateway.referral.types.inputs import (
    AnalysisInput,
    AttemptInput,
    AttendeeInput,
    ContactInput,
    FieldVisitInput,
    HandoverInput,
    IntroductionInput,
    MeetingInput,
    PersonInput,
    PlannedContactInput,
    ReferralInput,
    SeminarInput,
    SuggestionReferralInput,
    WalkInInput,
)
from branchflow_gateway.referral.types.live import WaitingCustomer
from branchflow_gateway.referral.types.marketing import MarketingActivity, Participant
from branchflow_gateway.referral.types.register import (
    Appointment,
    Attempt,
    AttemptRecorded,
    FollowUpAnalysis,
    FollowUpEntry,
    FollowUpState,
    PlannedContact,
    RegisterRead,
    WorkDiary,
)
from branchflow_gateway.referral.types.suggestions import Suggestion

__all__ = [
    "ActivityKind",
    "AnalysisInput",
    "Appointment",
    "Attempt",
    "AttemptInput",
    "AttemptRecorded",
    "AttemptResultType",
    "AttendeeInput",
    "ContactInput",
    "ContactWayType",
    "CountPeriod",
    "DayLeftOpen",
    "DayStatus",
    "FieldVisitInput",
    "FilingStatus",
    "FollowUpAnalysis",
    "FollowUpEntry",
    "FollowUpState",
    "FollowUpStatusType",
    "HandoverInput",
    "IntroductionInput",
    "MarketingActivity",
    "MarketingResultType",
    "MeetingInput",
    "MonthlySummary",
    "Participant",
    "ParticipantRole",
    "Person",
    "PersonInput",
    "PlannedContact",
    "PlannedContactInput",
    "Referral",
    "ReferralCounts",
    "ReferralDay",
    "ReferralInput",
    "ReferralResult",
    "ReferralSourceType",
    "ReferralStatusType",
    "RegisterRead",
    "ResultAsSeen",
    "SeminarInput",
    "SeminarKind",
    "StaffReferralCount",
    "Suggestion",
    "SuggestionReferralInput",
    "SuggestionStatus",
    "VerdictType",
    "WaitingCustomer",
    "WalkInInput",
    "WorkDiary",
    "result_as_seen",
]
