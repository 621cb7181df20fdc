"""The labels of the referral codes the gateway defines itself: what a form's result reads as at
the lobby and the counter (``ReferralResult``: CLOSED; ``ResultAsSeen``, the result in their
schemas, in the same words), how a form is filed, and its copies of the referral service's own
codes (suggestion and day statuses, count periods, marketing activities and participants) —
worded as the referral service words them (``tests/test_labels.py`` compares).
The shared referral codes (statuses, sources, ways, results…) are labelled in the contracts."""

from branchflow_gateway.language import CATALOGUE
from branchflow_gateway.referral.types import (
    ActivityKind,
    CountPeriod,
    DayStatus,
    FilingStatus,
    ParticipantRole,
    ReferralResult,
    ResultAsSeen,
    SeminarKind,
    SuggestionStatus,
)
from branchflow_runtime.i18n import NC_, register_labels

LABELS = {
    ReferralResult: {
        ReferralResult.SOLD: NC_("ReferralResult", "Sold"),
        ReferralResult.FOLLOW_UP: NC_("ReferralResult", "To follow up"),
        ReferralResult.NOT_PREMIUM: NC_("ReferralResult", "Not a premium customer"),
        ReferralResult.CLOSED: NC_("ReferralResult", "Follow-up closed"),
    },
    ResultAsSeen: {  # ReferralResult as the lobby and the counter read it: the same words
        ResultAsSeen.SOLD: NC_("ResultAsSeen", "Sold"),
        ResultAsSeen.FOLLOW_UP: NC_("ResultAsSeen", "To follow up"),
        ResultAsSeen.CLOSED: NC_("ResultAsSeen", "Follow-up closed"),
    },
    FilingStatus: {
        FilingStatus.REFERRED: NC_("FilingStatus", "Referred on the spot"),
        FilingStatus.PENDING: NC_("FilingStatus", "To follow up"),
    },
    SuggestionStatus: {
        SuggestionStatus.OPEN: NC_("SuggestionStatus", "Suggested"),
        SuggestionStatus.FILED: NC_("SuggestionStatus", "Filed"),
        SuggestionStatus.DISMISSED: NC_("SuggestionStatus", "Dismissed"),
        SuggestionStatus.LAPSED: NC_("SuggestionStatus", "Never acted on"),
    },
    DayStatus: {
        DayStatus.OPEN: NC_("DayStatus", "Open"),
        DayStatus.CLOSED: NC_("DayStatus", "Closed"),
    },
    CountPeriod: {
        CountPeriod.DAY: NC_("CountPeriod", "Day"),
        CountPeriod.WEEK: NC_("CountPeriod", "Week"),
        CountPeriod.MONTH: NC_("CountPeriod", "Month"),
    },
    ActivityKind: {
        ActivityKind.INTRODUCTION: NC_("ActivityKind", "Introduction"),
        ActivityKind.FIELD_VISIT: NC_("ActivityKind", "Field visit"),
        ActivityKind.SEMINAR: NC_("ActivityKind", "Seminar"),
        ActivityKind.SALON: NC_("ActivityKind", "Salon"),
    },
    SeminarKind: {
        SeminarKind.SEMINAR: NC_("SeminarKind", "Seminar"),
        SeminarKind.SALON: NC_("SeminarKind", "Salon"),
    },
    ParticipantRole: {
        ParticipantRole.INTRODUCED: NC_("ParticipantRole", "Introduced"),
        ParticipantRole.MET: NC_("ParticipantRole", "Met"),
        ParticipantRole.ATTENDEE: NC_("ParticipantRole", "Attendee"),
        ParticipantRole.GUEST: NC_("ParticipantRole", "Brought by an attendee"),
    },
}
register_labels(CATALOGUE, LABELS)
