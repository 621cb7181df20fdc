"""One schema per role, holding only what that role may see: its Query, Mutation and
Subscription are ``me`` and the operations of every domain (``<domain>/fields.py``) whose data
the access policy lets the role read (``branchflow_gateway.access``). Types and resolvers live in
their domain, defined once; a field a domain narrows (``NARROWED``) has, in the schema of a role
that may not read what its own type tells, the narrower type in its place."""

import copy

import strawberry
from cross_web import HTTPException
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.execution import ExecutionContext
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType

from branchflow_gateway import access
from branchflow_gateway import me as me_module
from branchflow_gateway.access import Narrowed, Operation
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.errors import StableErrorCodes, log_error
from branchflow_gateway.identify import fields as identify_fields
from branchflow_gateway.language import CallersLanguage, _
from branchflow_gateway.limits import limit_rules
from branchflow_gateway.me import me
from branchflow_gateway.referral import fields as referral_fields
from branchflow_gateway.scalars import SCALAR_MAP
from branchflow_runtime import access as policy
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import N_

DOMAINS = (identify_fields, referral_fields)  # each: OPERATIONS and SHOWS, and NARROWED if any
OPERATIONS: tuple[Operation, ...] = tuple(op for domain in DOMAINS for op in domain.OPERATIONS)
SHOWS = {key: data for module in (me_module, *DOMAINS) for key, data in module.SHOWS.items()}
NARROWED: Narrowed = {key: n for domain in DOMAINS for key, n in getattr(domain, "NARROWED", {}).items()}

# role → (query, mutation, subscription) resolvers
Operations = tuple[tuple, tuple, tuple]


def operation_needs(config: StrawberryConfig) -> dict[str, frozenset]:
    """Each operation's name → every kind of data it can show, read off one schema holding them
    all (a field whose meaning nobody declared, or a code without its label, stops the gateway
    here, at start)."""
    everything = strawberry.Schema(
        query=_operation_type("Query", (me, *_of("query")), strawberry.field),
        mutation=_operation_type("Mutation", _of("mutation"), strawberry.mutation),
        subscription=_operation_type("Subscription", _of("subscription"), strawberry.subscription),
        config=config,
    )
    graphql_schema = everything._schema
    access.check_labels(graphql_schema, SHOWS)
    return {
        op.name: access.shown_by(
            graphql_schema, op.kind, everything.config.name_converter.apply_naming_config(op.name), SHOWS
        )
        for op in OPERATIONS
    }


def _of(kind: str) -> tuple:
    return tuple(op.resolver for op in OPERATIONS if op.kind == kind)


def role_operations(role: Role, needs: dict[str, frozenset]) -> Operations:
    """What the role's Query, Mutation and Subscription hold: ``me``, and every operation whose
    needs the policy grants the role."""
    mine = [op for op in OPERATIONS if access.granted(role, op, needs[op.name])]
    query = (me, *(op.resolver for op in mine if op.kind == "query"))
    mutation = tuple(op.resolver for op in mine if op.kind == "mutation")
    subscription = tuple(op.resolver for op in mine if op.kind == "subscription")
    return query, mutation, subscription


def narrowed_fields(role: Role) -> dict[tuple[str, str], object]:
    """(type, field) → the type the role gets in place of the field's own: the narrowed fields
    whose data the role may not read."""
    readable = policy.readable(role)
    return {key: narrower for key, (data, narrower) in NARROWED.items() if data not in readable}


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


class GatewaySchema(strawberry.Schema):
    """A role's schema: subscriptions only over the WebSocket, quiet logs for refusals, and the
    role's narrowed fields (``narrowed``: (type, field) → the type in the field's place)."""

    def __init__(self, *args, narrowed: dict[tuple[str, str], object] | None = None, **kwargs) -> None:
        self.narrowed = narrowed or {}  # before Strawberry builds the schema, which asks get_fields
        super().__init__(*args, **kwargs)

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        """Strawberry's hook for a schema's own view of a type's fields."""
        fields = super().get_fields(type_definition)
        if not self.narrowed:
            return fields
        return [self._as_seen(type_definition.name, field) for field in fields]

    def _as_seen(self, type_name: str, field: StrawberryField) -> StrawberryField:
        narrower = self.narrowed.get((type_name, self.config.name_converter.get_graphql_name(field)))
        if narrower is None:
            return field
        field = copy.copy(field)  # the type's own field stays as the other schemas see it
        field.type = narrower
        return field

    async def execute(self, query, *args, allowed_operation_types=None, **kwargs):
        """``execute`` serves HTTP (and the WebSocket's queries); Strawberry would let a
        subscription through over HTTP for its multipart protocol, which this gateway does not
        offer, and executing one here fails inside graphql-core."""
        allowed = set(allowed_operation_types or OperationType) - {OperationType.SUBSCRIPTION}
        try:
            return await super().execute(query, *args, allowed_operation_types=allowed, **kwargs)
        except InvalidOperationTypeError as exc:
            if exc.operation_type is not OperationType.SUBSCRIPTION:
                raise
            raise HTTPException(400, _(SUBSCRIPTION_OVER_HTTP)) from None

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None):
        # Strawberry logs every error with its stack trace, a FORBIDDEN as loudly as a bug
        for error in errors:
            log_error(error)


SUBSCRIPTION_OVER_HTTP = N_(
    "a subscription is served over a WebSocket: connect to /graphql with the graphql-transport-ws "
    "protocol and send it there"
)


def build_schemas(settings: GatewaySettings) -> dict[Role, strawberry.Schema]:
    rules = limit_rules(settings.max_depth, settings.max_aliases)

    def extensions():
        chosen = [
            CallersLanguage,  # first: the others' messages are in the caller's language too
            StableErrorCodes,
            lambda: AddValidationRules(list(rules)),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
        ]
        if not settings.dev_mode:
            chosen.append(DisableIntrospection)
        return chosen

    config = StrawberryConfig(disable_field_suggestions=not settings.dev_mode, scalar_map=SCALAR_MAP)
    needs = operation_needs(config)
    built: dict[tuple, strawberry.Schema] = {}
    schemas: dict[Role, strawberry.Schema] = {}
    for role in Role:
        operations, narrowed = role_operations(role, needs), narrowed_fields(role)
        view = (operations, frozenset(narrowed))
        if view not in built:  # roles with the same view share one schema object
            query, mutation, subscription = operations
            built[view] = GatewaySchema(
                query=_operation_type("Query", query, strawberry.field),
                mutation=_operation_type("Mutation", mutation, strawberry.mutation),
                subscription=_operation_type("Subscription", subscription, strawberry.subscription),
                extensions=extensions(),
                config=config,
                narrowed=narrowed,
            )
        schemas[role] = built[view]
    return schemas
