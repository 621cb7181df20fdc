"""Labels of the shared codes, in Simplified Chinese and English (DOMAIN.md §1).

Events and APIs carry the codes; a person reads these labels. The English label is the msgid of
this package's gettext catalogue (``locale/``), the enum's name its context, so the same English
word in two enums can be translated differently. The compiled catalogues ship with the package and
are read with the standard library's gettext: ``label(CustomerTier.PREMIUM, "zh_CN")`` works with
nothing but this package installed. Branchflow's services use ``branchflow_runtime.i18n.label``,
which answers in the request's language.
"""

import functools
import gettext
from enum import StrEnum
from pathlib import Path

from branchflow_contracts.referral import (
    AttemptResult,
    ContactWay,
    FollowUpStatus,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    Verdict,
)
from branchflow_contracts.vocabulary import (
    Channel,
    CustomerTier,
    GuidanceAction,
    GuidanceScript,
    HandlingOutcome,
    IdentificationReason,
    RerateCause,
    SignalCategory,
    VisitPurpose,
)

DOMAIN = "branchflow_contracts"
LOCALE_DIR = Path(__file__).with_name("locale")


def NC_(context: str, message: str) -> str:
    """Marks a label for extraction (``make i18n``); it is translated where it is shown."""
    return message


LABELS: dict[type[StrEnum], dict[StrEnum, str]] = {
    CustomerTier: {
        CustomerTier.PREMIUM_CORE: NC_("CustomerTier", "Core premium customer"),
        CustomerTier.PREMIUM: NC_("CustomerTier", "Premium customer"),
        CustomerTier.POTENTIAL: NC_("CustomerTier", "Potential premium customer"),
        CustomerTier.TO_WIN: NC_("CustomerTier", "Premium customer to win"),
        CustomerTier.ORDINARY: NC_("CustomerTier", "Ordinary personal customer"),
    },
    Channel: {
        Channel.BRANCH: NC_("Channel", "Wealth centre identification"),
        Channel.SYSTEM: NC_("Channel", "System mining"),
        Channel.EBANKING: NC_("Channel", "E-banking mining"),
        Channel.EXTERNAL: NC_("Channel", "External mining"),
    },
    SignalCategory: {
        SignalCategory.LARGE_BUSINESS: NC_("SignalCategory", "Large business"),
        SignalCategory.ACCOUNT_OPENING: NC_("SignalCategory", "Account opening"),
        SignalCategory.APPEARANCE: NC_("SignalCategory", "Appearance"),
        SignalCategory.INFORMATION: NC_("SignalCategory", "Information analysis"),
    },
    GuidanceAction: {
        GuidanceAction.MEET_WEALTH_MANAGER: NC_("GuidanceAction", "Meet a wealth manager"),
        GuidanceAction.PRIORITY_COUNTER: NC_("GuidanceAction", "Priority counter or green channel"),
        GuidanceAction.FAST_E_CHANNEL: NC_("GuidanceAction", "Fast electronic channel"),
        GuidanceAction.SELF_SERVICE: NC_("GuidanceAction", "Self-service machines"),
        GuidanceAction.E_BANKING: NC_("GuidanceAction", "Phone, online or mobile banking"),
        GuidanceAction.NON_CASH_COUNTER: NC_("GuidanceAction", "Non-cash counter"),
        GuidanceAction.CASH_COUNTER: NC_("GuidanceAction", "Cash counter"),
    },
    VisitPurpose: {
        VisitPurpose.SMALL_CASH: NC_("VisitPurpose", "Small cash deposit or withdrawal"),
        VisitPurpose.BILL_PAYMENT: NC_("VisitPurpose", "Bill payment"),
        VisitPurpose.TRANSFER: NC_("VisitPurpose", "Transfer or remittance"),
        VisitPurpose.ACCOUNT_INQUIRY: NC_("VisitPurpose", "Account inquiry"),
        VisitPurpose.COMPLEX_NON_CASH: NC_("VisitPurpose", "Complex non-cash business"),
        VisitPurpose.LARGE_CASH: NC_("VisitPurpose", "Large cash deposit or withdrawal"),
        VisitPurpose.INVESTMENT: NC_("VisitPurpose", "Wealth management and investment"),
        VisitPurpose.OTHER: NC_("VisitPurpose", "Other business"),
    },
    GuidanceScript: {
        GuidanceScript.MEET_WEALTH_MANAGER_NOW: NC_(
            "GuidanceScript",
            "Invite the customer to meet a wealth manager now; the wealth manager also sees that "
            "today's business is served first.",
        ),
        GuidanceScript.MEET_WEALTH_MANAGER_OR_CARD: NC_(
            "GuidanceScript",
            "Invite the customer to meet a wealth manager now; if they are in a hurry, hand over the "
            "wealth manager's card and agree a contact time.",
        ),
        GuidanceScript.PRIORITY_COUNTER_FIRST: NC_(
            "GuidanceScript",
            "Take the customer to the priority counter (green channel) first; then hand over the "
            "wealth manager's card and agree a contact time.",
        ),
        GuidanceScript.FAST_E_CHANNEL_FIRST: NC_(
            "GuidanceScript",
            "Help the customer through the fast e-channel first; then hand over the wealth manager's "
            "card and agree a contact time.",
        ),
        GuidanceScript.CARD_AND_CONTACT_TIME: NC_(
            "GuidanceScript",
            "Hand over a wealth manager's card and agree a time for a call; then serve today's "
            "business as usual.",
        ),
        GuidanceScript.PRIORITY_COUNTER: NC_(
            "GuidanceScript", "Take the customer to the priority counter (green channel)."
        ),
        GuidanceScript.FAST_E_CHANNEL: NC_("GuidanceScript", "Help the customer through the fast e-channel."),
        GuidanceScript.DIVERT_SMALL_CASH: NC_(
            "GuidanceScript", "Walk the customer to the self-service machines and help with the first step."
        ),
        GuidanceScript.DIVERT_BILL_PAYMENT: NC_(
            "GuidanceScript", "Show the bill-payment machine; offer to set up mobile-banking payments."
        ),
        GuidanceScript.DIVERT_TRANSFER: NC_(
            "GuidanceScript", "Offer to do it together on mobile banking; a counter ticket if they prefer."
        ),
        GuidanceScript.DIVERT_ACCOUNT_INQUIRY: NC_(
            "GuidanceScript", "Show the inquiry on mobile banking or the self-service terminal."
        ),
        GuidanceScript.DIVERT_COMPLEX_NON_CASH: NC_(
            "GuidanceScript", "Give a non-cash counter ticket and check the documents while they wait."
        ),
        GuidanceScript.DIVERT_LARGE_CASH: NC_("GuidanceScript", "Give a cash counter ticket."),
        GuidanceScript.DIVERT_INVESTMENT: NC_(
            "GuidanceScript", "Give a non-cash counter ticket; product leaflets are on the stand."
        ),
        GuidanceScript.DIVERT_OTHER: NC_(
            "GuidanceScript", "Ask what they need and give the matching ticket."
        ),
        GuidanceScript.QUEUE_KEEP_TICKET: NC_(
            "GuidanceScript",
            "Keep the ticket: this needs the counter. Check the documents while they wait.",
        ),
    },
    HandlingOutcome: {
        HandlingOutcome.REFERRED: NC_("HandlingOutcome", "Referred to a wealth manager"),
        HandlingOutcome.GUIDED: NC_("HandlingOutcome", "Guided"),
        HandlingOutcome.LEFT: NC_("HandlingOutcome", "Customer left"),
    },
    IdentificationReason: {
        IdentificationReason.OBSERVATION: NC_("IdentificationReason", "Observed by staff"),
        IdentificationReason.SYSTEM_MINING: NC_("IdentificationReason", "Large transaction posted"),
    },
    RerateCause: {
        RerateCause.FACTS_CHANGED: NC_("RerateCause", "Customer facts changed"),
        RerateCause.SIGNALS_EXPIRED: NC_("RerateCause", "Observed signs expired"),
        RerateCause.RULES_CHANGED: NC_("RerateCause", "Rating rules changed"),
        RerateCause.PERIODIC_REVIEW: NC_("RerateCause", "Periodic review"),
        RerateCause.PROSPECT_LINKED: NC_("RerateCause", "Walk-in prospect opened an account"),
    },
    # referral (DOMAIN.md §2)
    ReferralStatus: {
        ReferralStatus.REFERRED: NC_("ReferralStatus", "Referred on the spot"),
        ReferralStatus.PENDING: NC_("ReferralStatus", "To follow up"),
        ReferralStatus.CONFIRMED: NC_("ReferralStatus", "Confirmed by the wealth manager"),
        ReferralStatus.COPIED: NC_("ReferralStatus", "Copied into the follow-up register"),
        ReferralStatus.WITHDRAWN: NC_("ReferralStatus", "Withdrawn"),
    },
    ReferralSource: {
        ReferralSource.LOBBY: NC_("ReferralSource", "Lobby"),
        ReferralSource.COUNTER: NC_("ReferralSource", "Counter"),
        ReferralSource.INTRODUCTION: NC_("ReferralSource", "Introduction by a customer"),
        ReferralSource.FIELD_VISIT: NC_("ReferralSource", "Field visit"),
        ReferralSource.SEMINAR: NC_("ReferralSource", "Seminar or salon"),
    },
    MarketingResult: {
        MarketingResult.SOLD: NC_("MarketingResult", "Sold"),
        MarketingResult.FOLLOW_UP: NC_("MarketingResult", "To follow up"),
        MarketingResult.NOT_PREMIUM: NC_("MarketingResult", "Not a premium customer"),
    },
    ContactWay: {
        ContactWay.PHONE: NC_("ContactWay", "Phone"),
        ContactWay.EMAIL: NC_("ContactWay", "E-mail"),
        ContactWay.LETTER: NC_("ContactWay", "Letter"),
        ContactWay.VISIT: NC_("ContactWay", "Visit"),
    },
    AttemptResult: {
        AttemptResult.REACHED: NC_("AttemptResult", "Reached"),
        AttemptResult.MEETING_AGREED: NC_("AttemptResult", "Meeting agreed"),
        AttemptResult.NO_ANSWER: NC_("AttemptResult", "No answer"),
        AttemptResult.UNREACHABLE: NC_("AttemptResult", "Unreachable"),
        AttemptResult.DECLINED: NC_("AttemptResult", "Declined"),
    },
    FollowUpStatus: {
        FollowUpStatus.OPEN: NC_("FollowUpStatus", "Following up"),
        FollowUpStatus.ABANDON_PROPOSED: NC_("FollowUpStatus", "Abandon proposed"),
        FollowUpStatus.ABANDONED: NC_("FollowUpStatus", "Abandoned"),
        FollowUpStatus.NOT_PREMIUM: NC_("FollowUpStatus", "Closed: not premium"),
        FollowUpStatus.CONVERTED: NC_("FollowUpStatus", "Converted to relationship maintenance"),
    },
    Verdict: {
        Verdict.PREMIUM: NC_("Verdict", "Premium"),
        Verdict.NOT_PREMIUM: NC_("Verdict", "Not premium"),
    },
}


def label(code: StrEnum, locale: str = "zh_CN") -> str:
    """The label of ``code`` in ``locale`` (``zh_CN`` or ``en``; English for any other)."""
    return _translations(locale).pgettext(type(code).__name__, LABELS[type(code)][code])


@functools.lru_cache(maxsize=8)
def _translations(locale: str) -> gettext.NullTranslations:
    try:
        with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
            return gettext.GNUTranslations(mo)
    except (FileNotFoundError, NotADirectoryError):
        return gettext.NullTranslations()
