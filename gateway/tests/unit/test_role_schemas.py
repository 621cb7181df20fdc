"""The role × field matrix: what each role's schema can show. Output fields only — a lobby
manager may type in the amount of a deposit it saw, but no answer can carry one back."""

import pytest
from graphql import GraphQLObjectType

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime import access
from branchflow_runtime.access import Data
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


def test_every_role_has_a_schema_and_those_who_read_guidance_the_live_lobby():
    assert set(SCHEMAS) == set(Role)
    with_subscription = {r for r, s in SCHEMAS.items() if s._schema.subscription_type is not None}
    assert with_subscription == {r for r in Role if Data.GUIDANCE in access.readable(r)}
    assert Role.OPS not in with_subscription and Role.SERVICE_QUALITY_OFFICER not in with_subscription


def test_shared_types_are_defined_once():
    lobby = SCHEMAS[Role.LOBBY_MANAGER]._schema.type_map["Guidance"]
    teller = SCHEMAS[Role.TELLER]._schema.type_map["Guidance"]
    assert set(lobby.fields) == set(teller.fields)
