"""One schema per role, holding only what that role may see. Types and resolvers are shared
(``types``, ``resolvers``); a schema is a choice of fields."""

import functools

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.config import StrawberryConfig

from branchflow_gateway import resolvers
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.errors import StableErrorCodes
from branchflow_runtime.auth import Role


def _field(resolver):
    """A new field object each time: a field belongs to the one type it is declared on."""
    return strawberry.field(resolver=resolver, description=resolver.__doc__)


@strawberry.type(name="Query")
class LobbyManagerQuery:
    me = _field(resolvers.me)
    lobby_list = _field(resolvers.lobby_list)


@strawberry.type(name="Mutation")
class ObserverMutation:
    record_observation = strawberry.mutation(
        resolver=resolvers.record_observation, description=resolvers.record_observation.__doc__
    )


@strawberry.type(name="Subscription")
class LobbyManagerSubscription:
    lobby_identifications = strawberry.subscription(
        resolver=resolvers.lobby_identifications, description=resolvers.lobby_identifications.__doc__
    )


@strawberry.type(name="Query")
class TellerQuery:
    me = _field(resolvers.me)


@strawberry.type(name="Query")
class WealthManagerQuery:
    me = _field(resolvers.me)
    customer_rating = _field(resolvers.customer_rating)


@strawberry.type(name="Query")
class ServiceQualityOfficerQuery:
    me = _field(resolvers.me)


@strawberry.type(name="Query")
class BranchHeadQuery:
    me = _field(resolvers.me)
    customer_rating = _field(resolvers.customer_rating)
    identification_counts = _field(resolvers.identification_counts)


@strawberry.type(name="Query")
class HeadOfficeQuery:
    me = _field(resolvers.me)
    customer_rating = _field(resolvers.customer_rating)
    identification_counts = _field(resolvers.identification_counts)
    branch_identification_counts = _field(resolvers.branch_identification_counts)


@strawberry.type(name="Query")
class OpsQuery:
    me = _field(resolvers.me)
    identification_trace = _field(resolvers.identification_trace)


# role → (query, mutation, subscription)
ROLE_OPERATIONS: dict[Role, tuple[type, type | None, type | None]] = {
    Role.LOBBY_MANAGER: (LobbyManagerQuery, ObserverMutation, LobbyManagerSubscription),
    Role.TELLER: (TellerQuery, ObserverMutation, None),
    Role.WEALTH_MANAGER: (WealthManagerQuery, ObserverMutation, None),
    Role.MARKETING_MANAGER: (WealthManagerQuery, ObserverMutation, None),
    Role.SERVICE_QUALITY_OFFICER: (ServiceQualityOfficerQuery, None, None),
    Role.DEPUTY_BRANCH_HEAD: (BranchHeadQuery, None, None),
    Role.BRANCH_HEAD: (BranchHeadQuery, None, None),
    Role.HEAD_OFFICE: (HeadOfficeQuery, None, None),
    Role.OPS: (OpsQuery, None, None),
}


@functools.cache
def _limit_rules(max_depth: int, max_aliases: int) -> tuple:
    """The depth and alias rules, made once. Strawberry's limiter extensions make a new rule
    class per instance, and the validation cache is keyed by the rule classes: with a new
    extension per request, no query was ever found in the cache (4 ms of validation each)."""
    return (
        depth_limit_rule(max_depth, None, None),
        alias_limit_rule(max_aliases),
    )


def build_schemas(settings: GatewaySettings) -> dict[Role, strawberry.Schema]:
    rules = _limit_rules(settings.max_depth, settings.max_aliases)

    def extensions():
        chosen = [
            StableErrorCodes,
            lambda: AddValidationRules(list(rules)),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
        ]
        if not settings.dev_mode:
            chosen.append(DisableIntrospection)
        return chosen

    config = StrawberryConfig(disable_field_suggestions=not settings.dev_mode)
    built: dict[tuple, strawberry.Schema] = {}
    schemas = {}
    for role, operations in ROLE_OPERATIONS.items():
        if operations not in built:  # roles with the same view share one schema object
            query, mutation, subscription = operations
            built[operations] = strawberry.Schema(
                query=query,
                mutation=mutation,
                subscription=subscription,
                extensions=extensions(),
                config=config,
            )
        schemas[role] = built[operations]
    return schemas
