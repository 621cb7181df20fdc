"""The referral service's texts in the caller's language: its own codes' labels and its message
catalogue (``locale/``; ``make i18n``). The codes it shares with the events (statuses, sources,
results, ways) are labelled in ``branchflow_contracts.labels``.

``say`` words a refusal: the marked English template from the catalogue, its placeholders filled
with times in the branch's zone and codes as labels."""

from datetime import datetime
from enum import Enum

from branchflow_runtime.i18n import NC_, Catalogue, label, labelled_enums, register_labels
from branchflow_runtime.privacy import local_time
from referral.domain.business_day import DayStatus
from referral.domain.marketing import ActivityKind, ParticipantRole
from referral.domain.periods import Period
from referral.domain.suggestion import SuggestionStatus

CATALOGUE = Catalogue("referral")

LABELS = {
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
    ActivityKind: {
        ActivityKind.INTRODUCTION: NC_("ActivityKind", "Introduction"),
        ActivityKind.FIELD_VISIT: NC_("ActivityKind", "Field visit"),
        ActivityKind.SEMINAR: NC_("ActivityKind", "Seminar"),
        ActivityKind.SALON: NC_("ActivityKind", "Salon"),
    },
    ParticipantRole: {
        ParticipantRole.INTRODUCED: NC_("ParticipantRole", "Introduced"),
        ParticipantRole.MET: NC_("ParticipantRole", "Met"),
        ParticipantRole.ATTENDEE: NC_("ParticipantRole", "Attendee"),
        ParticipantRole.GUEST: NC_("ParticipantRole", "Brought by an attendee"),
    },
    Period: {
        Period.DAY: NC_("Period", "Day"),
        Period.WEEK: NC_("Period", "Week"),
        Period.MONTH: NC_("Period", "Month"),
    },
}
register_labels(CATALOGUE, LABELS)


def say(template: str, params: dict[str, object]) -> str:
    """``template`` (a marked text) in the request's language, its placeholders filled."""
    return CATALOGUE.gettext(template).format(**{name: _shown(value) for name, value in params.items()})


def _shown(value: object) -> object:
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, Enum) and type(value) in labelled_enums():
        return label(value)
    return value
