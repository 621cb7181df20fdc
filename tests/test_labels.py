"""Every code of every enum a member of staff can see, across the platform, has a label in Chinese
and in English: the shared codes (contracts), the roles and the access policy's words (runtime),
identify's and referral's own codes, and every enum of every role's GraphQL schema. (Each
package's tests check its own; this one checks that none is missing from the list.)"""

import pytest
from graphql import GraphQLEnumType

from branchflow_contracts import (
    AttemptResult,
    Channel,
    ContactWay,
    CustomerTier,
    FollowUpStatus,
    GuidanceAction,
    GuidanceScript,
    HandlingOutcome,
    IdentificationReason,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    RerateCause,
    SignalCategory,
    Verdict,
    VisitPurpose,
)
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.referral import types as gateway_referral
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime import access_labels
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import LOCALES, label, labelled_enums
from identify import labels as identify_labels
from referral import labels as referral_labels

STAFF_VISIBLE = {
    # shared: identification, guidance, re-ratings, referral
    CustomerTier,
    Channel,
    SignalCategory,
    GuidanceAction,
    GuidanceScript,
    VisitPurpose,
    HandlingOutcome,
    IdentificationReason,
    RerateCause,
    ReferralStatus,
    ReferralSource,
    MarketingResult,
    ContactWay,
    AttemptResult,
    FollowUpStatus,
    Verdict,
    # who, and what the access policy names in its refusals
    Role,
    *access_labels.LABELS,
    # the services' own
    *identify_labels.LABELS,
    *referral_labels.LABELS,
}
IN_SCHEMAS = {  # the Python enum behind each GraphQL enum (Strawberry keeps it)
    graphql_type.wrapped_cls
    for schema in build_schemas(GatewaySettings(dev_mode=True)).values()
    for graphql_type in schema._schema.type_map.values()
    if isinstance(graphql_type, GraphQLEnumType) and not graphql_type.name.startswith("__")
}
CODES = sorted(
    (code for enum in STAFF_VISIBLE | IN_SCHEMAS for code in enum), key=lambda c: (type(c).__name__, c.name)
)


def test_every_enum_staff_can_see_is_labelled():
    assert set(labelled_enums()) >= STAFF_VISIBLE | IN_SCHEMAS
    assert {Data, Action} <= STAFF_VISIBLE and IN_SCHEMAS  # the lists are not empty by mistake


@pytest.mark.parametrize("code", CODES, ids=lambda c: f"{type(c).__name__}.{c.name}")
def test_every_code_has_a_label_in_both_languages(code):
    chinese, english = (label(code, locale) for locale in LOCALES)
    assert chinese.strip() and english.strip()
    assert code.value not in (chinese, english)
    assert chinese != english  # a missing translation would fall back to English
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


# the gateway's copies of the referral service's own codes, and the service's
COPIES = [
    (gateway_referral.SuggestionStatus, referral_labels.SuggestionStatus),
    (gateway_referral.DayStatus, referral_labels.DayStatus),
    (gateway_referral.CountPeriod, referral_labels.Period),
    (gateway_referral.ActivityKind, referral_labels.ActivityKind),
    (gateway_referral.ParticipantRole, referral_labels.ParticipantRole),
]


@pytest.mark.parametrize(("copy", "original"), COPIES, ids=lambda e: e.__name__)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_gateway_words_the_referral_codes_it_copies_as_the_service_does(copy, original, locale):
    assert {c.value for c in copy} == {c.value for c in original}
    for code in copy:
        assert label(code, locale) == label(original(code.value), locale)
