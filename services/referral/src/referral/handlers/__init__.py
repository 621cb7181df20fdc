"""Use cases of the referral service, one function each, in a module per concern. The rules are
the domain's and who may act is ``referral.access``; these functions load, decide, and store state
and its events in one unit of work. A request repeated after a lost answer (same form id, same
confirmation) changes nothing and publishes nothing: a client may always retry.

Callers use the package (``from referral import handlers; handlers.file_referral(...)``); the
modules are where a reader finds a concern's use cases."""

from referral.handlers.close_of_business import CloseDay, close_day, reopen_day
from referral.handlers.figures import issue_monthly_summaries
from referral.handlers.forms import (
    ConfirmReferral,
    CopyToRegister,
    Filed,
    FileReferral,
    WithdrawReferral,
    confirm_referral,
    copy_to_register,
    file_referral,
    file_referrals,
    withdraw_referral,
)
from referral.handlers.identify_events import (
    Identified,
    Linked,
    Rerated,
    link_prospect,
    record_identification,
    record_rerating,
)
from referral.handlers.marketing import (
    HandOver,
    RecordActivity,
    ThankIntroducer,
    hand_over,
    record_activity,
    thank_introducer,
)
from referral.handlers.register import (
    AgreedMeeting,
    AttemptRecorded,
    DecideAbandon,
    MakeAppointment,
    NextContact,
    PlanContact,
    RecordAttempt,
    RecordVerdict,
    UpdateAnalysis,
    decide_abandon,
    make_appointment,
    plan_contact,
    record_attempt,
    record_verdict,
    update_analysis,
)
from referral.handlers.shared import Person
from referral.handlers.suggestions import (
    DismissSuggestion,
    FileFromSuggestion,
    dismiss_suggestion,
    file_from_suggestion,
)

__all__ = [
    "AgreedMeeting",
    "AttemptRecorded",
    "CloseDay",
    "ConfirmReferral",
    "CopyToRegister",
    "DecideAbandon",
    "DismissSuggestion",
    "FileFromSuggestion",
    "FileReferral",
    "Filed",
    "HandOver",
    "Identified",
    "Linked",
    "MakeAppointment",
    "NextContact",
    "Person",
    "PlanContact",
    "RecordActivity",
    "RecordAttempt",
    "RecordVerdict",
    "Rerated",
    "ThankIntroducer",
    "UpdateAnalysis",
    "WithdrawReferral",
    "close_day",
    "confirm_referral",
    "copy_to_register",
    "decide_abandon",
    "dismiss_suggestion",
    "file_from_suggestion",
    "file_referral",
    "file_referrals",
    "hand_over",
    "issue_monthly_summaries",
    "link_prospect",
    "make_appointment",
    "plan_contact",
    "record_activity",
    "record_attempt",
    "record_identification",
    "record_rerating",
    "record_verdict",
    "reopen_day",
    "thank_introducer",
    "update_analysis",
    "withdraw_referral",
]
