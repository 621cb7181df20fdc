"""The role × field matrix: what each role's schema can show. Output fields only — a lobby
manager may type in the amount of a deposit it saw, but no answer can carry one back."""

import re

import pytest
from graphql import GraphQLObjectType

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime import access
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Role

SCHEMAS = build_schemas(GatewaySettings(dev_mode=True))

SENSITIVE = {"tier", "score", "points", "explanation", "amount", "deposits", "idNumber", "phone", "byTier"}
# "phone": a walk-in prospect's, masked unless the reader recorded or follows the prospect up
CUSTOMER_MANAGER = {"tier", "score", "points", "explanation", "deposits", "idNumber", "phone"}
MAY_SEE = {
    Role.LOBBY_MANAGER: {"phone"},
    Role.TELLER: {"phone"},
    Role.WEALTH_MANAGER: CUSTOMER_MANAGER,
    Role.MARKETING_MANAGER: CUSTOMER_MANAGER,
    Role.SERVICE_QUALITY_OFFICER: set(),
    Role.DEPUTY_BRANCH_HEAD: CUSTOMER_MANAGER | {"byTier"},
    Role.BRANCH_HEAD: CUSTOMER_MANAGER | {"byTier"},
    Role.HEAD_OFFICE: CUSTOMER_MANAGER | {"byTier"},
    Role.OPS: set(),
}


def output_fields(role: Role) -> set[str]:
    names = set()
    for type_ in SCHEMAS[role]._schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            names.update(type_.fields)
    return names


@pytest.mark.parametrize("role", list(Role))
def test_sensitive_fields_only_where_the_role_may_see_them(role):
    assert output_fields(role) & SENSITIVE == MAY_SEE[role]


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
def test_lobby_and_counter_schemas_have_no_tier_type(role):
    sdl = SCHEMAS[role].as_str()
    assert "CustomerTier" not in sdl
    assert "Rating" not in sdl


NOT_PREMIUM_WORDING = re.compile(r"not[\s_-]*premium|verdict|judged", re.IGNORECASE)


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
def test_lobby_and_counter_schemas_do_not_even_name_a_not_premium_verdict(role):
    """They read CLOSED for it; their schema has no such value, nor a word of it in a description."""
    sdl = SCHEMAS[role].as_str()
    assert NOT_PREMIUM_WORDING.findall(sdl) == []
    assert set(SCHEMAS[role]._schema.type_map["ReferralResult"].values) == {"SOLD", "FOLLOW_UP", "CLOSED"}


def test_those_who_may_read_tiers_keep_the_verdict_in_a_forms_result():
    for role in (Role.WEALTH_MANAGER, Role.BRANCH_HEAD, Role.HEAD_OFFICE):
        assert "NOT_PREMIUM" in SCHEMAS[role]._schema.type_map["ReferralResult"].values


def test_every_role_has_a_schema_and_those_who_read_guidance_the_live_lobby():
    assert set(SCHEMAS) == set(Role)
    with_subscription = {r for r, s in SCHEMAS.items() if s._schema.subscription_type is not None}
    assert with_subscription == {r for r in Role if Data.GUIDANCE in access.readable(r)}
    assert Role.OPS not in with_subscription and Role.SERVICE_QUALITY_OFFICER not in with_subscription


def test_shared_types_are_defined_once():
    lobby = SCHEMAS[Role.LOBBY_MANAGER]._schema.type_map["Guidance"]
    teller = SCHEMAS[Role.TELLER]._schema.type_map["Guidance"]
    assert set(lobby.fields) == set(teller.fields)


def fields_of(role: Role) -> set[str]:
    schema = SCHEMAS[role]._schema
    roots = (schema.query_type, schema.mutation_type, schema.subscription_type)
    return {name for root in roots if root is not None for name in root.fields}


REFERRAL_VIEWS = {  # issue 10 §6, role by role
    Role.LOBBY_MANAGER: {
        "fileReferral",
        "fileSuggestedReferral",
        "dismissSuggestion",
        "withdrawReferral",
        "myReferrals",
        "referralSuggestions",
        "referralDay",
        "closeReferralDay",
        "reopenReferralDay",
        "referralCounts",
        "referral",
    },
    Role.TELLER: {"fileReferral", "withdrawReferral", "myReferrals", "referral"},
    Role.WEALTH_MANAGER: {
        "fileReferral",
        "withdrawReferral",
        "myReferrals",
        "referral",
        "referralsToConfirm",
        "confirmReferral",
        "copyReferralToRegister",
        "followUpRegister",
        "followUp",
        "workDiary",
        "updateFollowUpAnalysis",
        "planContact",
        "recordAttempt",
        "makeAppointment",
        "decideAbandon",
        "recordVerdict",
        "customerWaiting",
        "marketingActivities",
        "marketingActivity",
        "recordIntroduction",
        "recordFieldVisit",
        "recordSeminar",
        "handOver",
        "thankIntroducer",
    },
    Role.MARKETING_MANAGER: {
        "fileReferral",
        "withdrawReferral",
        "myReferrals",
        "referral",
        "marketingActivities",
        "marketingActivity",
        "recordIntroduction",
        "recordFieldVisit",
        "recordSeminar",
        "handOver",
        "thankIntroducer",
    },
    Role.SERVICE_QUALITY_OFFICER: set(),
    Role.DEPUTY_BRANCH_HEAD: {
        "referral",
        "referralSuggestions",
        "referralDay",
        "referralCounts",
        "referralMonthlySummary",
        "followUpRegister",
        "followUp",
        "workDiary",
        "marketingActivities",
        "marketingActivity",
    },
    Role.OPS: set(),
}
REFERRAL_VIEWS[Role.BRANCH_HEAD] = REFERRAL_VIEWS[Role.DEPUTY_BRANCH_HEAD] | {
    "registerAccessLog",
    "reopenReferralDay",
}
REFERRAL_VIEWS[Role.HEAD_OFFICE] = REFERRAL_VIEWS[Role.BRANCH_HEAD] - {"reopenReferralDay"} | {
    "branchReferralCounts"
}
EVERY_REFERRAL_VIEW = set().union(*REFERRAL_VIEWS.values())


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_referral_views_and_no_other(role):
    assert fields_of(role) & EVERY_REFERRAL_VIEW == REFERRAL_VIEWS[role]


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
def test_lobby_and_counter_schemas_hold_no_register_verdict_or_appraisal(role):
    types = set(SCHEMAS[role]._schema.type_map)
    assert not types & {"FollowUpEntry", "Verdict", "MarketingResult", "MonthlySummary", "RegisterRead"}
    assert "CLOSED" in SCHEMAS[role]._schema.type_map["ReferralResult"].values  # a verdict reads CLOSED


def test_the_wealth_managers_push_goes_to_those_who_confirm_forms_only():
    pushed = {role for role in Role if "customerWaiting" in fields_of(role)}
    assert pushed == {role for role in Role if Action.CONFIRM_REFERRAL in access.permitted(role)}
