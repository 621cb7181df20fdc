"""Referral's codes as GraphQL enums: the contracts' (statuses, sources, ways, results) and the
gateway's own (how a form is filed, its result as each role may read it, and its copies of
the referral service's codes); their labels: ``referral/labels.py``."""

from enum import StrEnum

import strawberry

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    FollowUpStatus,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    Verdict,
)
from branchflow_runtime import access
from branchflow_runtime.access import Data
from branchflow_runtime.auth import Role

ReferralStatusType = strawberry.enum(
    ReferralStatus,
    name="ReferralStatus",
    description="A form's status: filed REFERRED or PENDING, closed CONFIRMED or COPIED, or WITHDRAWN.",
)
ReferralSourceType = strawberry.enum(ReferralSource, name="ReferralSource")
MarketingResultType = strawberry.enum(
    MarketingResult,
    name="MarketingResult",
    description="What came of the meeting, as the wealth manager confirms it.",
)
ContactWayType = strawberry.enum(ContactWay, name="ContactWay")
AttemptResultType = strawberry.enum(
    AttemptResult, name="AttemptResult", description="NO_ANSWER, UNREACHABLE and DECLINED are failures."
)
FollowUpStatusType = strawberry.enum(FollowUpStatus, name="FollowUpStatus")
VerdictType = strawberry.enum(Verdict, name="Verdict")


@strawberry.enum(description="How a form is filed: handed to the wealth manager on the spot, or pending.")
class FilingStatus(StrEnum):
    REFERRED = "referred"
    PENDING = "pending"


@strawberry.enum(
    description="What came of a form. Lobby managers and tellers read CLOSED where a wealth manager "
    "judged the customer NOT_PREMIUM: they are told that the follow-up is closed, not why."
)
class ReferralResult(StrEnum):
    SOLD = "sold"
    FOLLOW_UP = "follow_up"
    NOT_PREMIUM = "not_premium"
    CLOSED = "closed"


@strawberry.enum(
    name="ReferralResult",
    description="What came of a form: SOLD, FOLLOW_UP, or CLOSED (the wealth manager closed the follow-up).",
)
class ResultAsSeen(StrEnum):
    """A form's result in the schemas of the roles that may not read tiers (``RESULT_AS_SEEN``):
    a verdict is not even a value there, so its name tells them nothing either."""

    SOLD = "sold"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


@strawberry.enum(description="What became of a suggested referral.")
class SuggestionStatus(StrEnum):
    OPEN = "open"
    FILED = "filed"
    DISMISSED = "dismissed"
    LAPSED = "lapsed"  # never acted on; the day was closed


@strawberry.enum
class DayStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@strawberry.enum(
    description="Counts cover the day, the ISO week (Monday to Sunday) or the month holding a day."
)
class CountPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.enum
class ActivityKind(StrEnum):
    INTRODUCTION = "introduction"
    FIELD_VISIT = "field_visit"
    SEMINAR = "seminar"
    SALON = "salon"


@strawberry.enum
class SeminarKind(StrEnum):
    SEMINAR = "seminar"
    SALON = "salon"


@strawberry.enum(description="How a person took part in a marketing activity.")
class ParticipantRole(StrEnum):
    INTRODUCED = "introduced"  # introduced by an existing customer
    MET = "met"  # met on a field visit
    ATTENDEE = "attendee"
    GUEST = "guest"  # a friend an attendee brought


def result_as_seen(result: str | None, role: Role) -> ReferralResult | ResultAsSeen | None:
    """The referral service already tells lobby managers and tellers CLOSED for NOT_PREMIUM (a
    verdict says something of the tier they may not read); the gateway holds to the same rule, so
    no lobby or counter answer can carry the verdict whatever a service sends. Their schemas'
    ``Referral.result`` is a ``ResultAsSeen`` (``schemas.narrowed_fields``)."""
    if result is None:
        return None
    if Data.TIER not in access.readable(role):
        return ResultAsSeen.CLOSED if result == ReferralResult.NOT_PREMIUM else ResultAsSeen(result)
    return ReferralResult(result)
