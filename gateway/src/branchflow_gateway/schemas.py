"""One schema per role, holding only what that role may see: its Query, Mutation and
Subscription are composed of ``me`` and the fields each domain module names for that role
(``<domain>/fields.py``). Types and resolvers live in their domain, defined once."""

import strawberry
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.schema.config import StrawberryConfig

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.domain import RoleFields
from branchflow_gateway.errors import StableErrorCodes
from branchflow_gateway.identify.fields import FIELDS as IDENTIFY_FIELDS
from branchflow_gateway.limits import limit_rules
from branchflow_gateway.me import me
from branchflow_runtime.auth import Role

DOMAIN_FIELDS: tuple[dict[Role, RoleFields], ...] = (IDENTIFY_FIELDS,)

# role → (query, mutation, subscription) resolvers
Operations = tuple[tuple, tuple, tuple]


def role_operations(role: Role) -> Operations:
    """What the role's Query, Mutation and Subscription hold, from every domain."""
    query, mutation, subscription = [me], [], []
    for fields in DOMAIN_FIELDS:
        granted = fields.get(role, RoleFields())
        query += granted.query
        mutation += granted.mutation
        subscription += granted.subscription
    return tuple(query), tuple(mutation), tuple(subscription)


def _operation_type(name: str, resolvers: tuple, make_field) -> type | None:
    """A GraphQL object type with one field per resolver, named after it (``lobby_list`` →
    ``lobbyList``). A new field object each time: a field belongs to the one type it is on."""
    if not resolvers:
        return None
    names = [r.__name__ for r in resolvers]
    if len(set(names)) != len(names):
        raise ValueError(f"two domains offer the same {name} field: {sorted(names)}")
    namespace = {r.__name__: make_field(resolver=r, description=r.__doc__) for r in resolvers}
    return strawberry.type(type(name, (), namespace), name=name)


def build_schemas(settings: GatewaySettings) -> dict[Role, strawberry.Schema]:
    rules = limit_rules(settings.max_depth, settings.max_aliases)

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
    built: dict[Operations, strawberry.Schema] = {}
    schemas = {}
    for role in Role:
        operations = role_operations(role)
        if operations not in built:  # roles with the same view share one schema object
            query, mutation, subscription = operations
            built[operations] = strawberry.Schema(
                query=_operation_type("Query", query, strawberry.field),
                mutation=_operation_type("Mutation", mutation, strawberry.mutation),
                subscription=_operation_type("Subscription", subscription, strawberry.subscription),
                extensions=extensions(),
                config=config,
            )
        schemas[role] = built[operations]
    return schemas
