"""Each role's schema, derived from the platform's access policy (``branchflow_runtime.access``).

A domain declares its operations (``query``, ``mutation``, ``subscription``) and, for every field
of its GraphQL types, what the field shows: a kind of data of the policy, or ``None`` for what
tells nothing about a customer (ids, times, the record's own codes); a code's label
(``<code>Label``) shows what its code shows, and every code staff read has one
(``check_labels``). A root field needs every kind of data reachable from its type; a mutation
also needs its action, and so does a work list or a push of work (a wealth manager's forms to
confirm: the work of those who confirm); a field that reads every branch needs a grant that
reaches every branch. A role's schema holds the fields whose needs the policy grants that role —
so the schemas and the REST APIs obey one table, and a type that gains a field showing a tier
drops out of every schema whose role may not read tiers."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLSchema, get_named_type, get_nullable_type
from graphql.type import GraphQLList

from branchflow_runtime import access
from branchflow_runtime.access import Action, Data, Reach
from branchflow_runtime.auth import Role

Kind = Literal["query", "mutation", "subscription"]
# (GraphQL type name, field name) → what the field shows
Shows = Mapping[tuple[str, str], Data | None]
# (GraphQL type name, field name) → the data a role must read to get the field's own type, and the
# type a role that may not read it gets in its place (e.g. an enum without the values that tell it)
Narrowed = Mapping[tuple[str, str], tuple[Data, object]]


@dataclass(frozen=True)
class Operation:
    resolver: Callable
    kind: Kind
    action: Action | None = None
    every_branch: bool = False  # reads all branches at once (head office's views)

    @property
    def name(self) -> str:
        return self.resolver.__name__


def query(resolver: Callable, *, every_branch: bool = False, action: Action | None = None) -> Operation:
    """``action``: the query lists work to do, for those who do it."""
    return Operation(resolver, "query", action=action, every_branch=every_branch)


def mutation(resolver: Callable, action: Action) -> Operation:
    return Operation(resolver, "mutation", action=action)


def subscription(resolver: Callable, action: Action | None = None) -> Operation:
    """``action``: it pushes work to do, to those who do it."""
    return Operation(resolver, "subscription", action=action)


class UndeclaredField(LookupError):
    """A field nobody said the meaning of: the schema cannot be built until it is declared."""


class Mislabelled(LookupError):
    """A code staff can read without its label beside it, or a label declared to show other data
    than its code: the schema cannot be built until it is fixed."""


def label_field(code_field: str, is_list: bool) -> str:
    """The field beside a code that holds its label: ``tier`` → ``tierLabel``, a list
    ``alternatives`` → ``alternativeLabels``."""
    return f"{code_field.removesuffix('s')}Labels" if is_list else f"{code_field}Label"


def labelled_code(field: str) -> str | None:
    """The code a label field labels (``label_field`` read backwards); None for other fields."""
    if field.endswith("Labels"):
        return f"{field.removesuffix('Labels')}s"
    if field.endswith("Label"):
        return field.removesuffix("Label")
    return None


def check_labels(schema: GraphQLSchema, shows: Shows) -> None:
    """Every enum field of an output type has its label beside it, and every label field is
    declared to show what its code shows (a tier's label shows a tier)."""
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        name, fields = graphql_type.name, graphql_type.fields
        for field_name, field in fields.items():
            code = labelled_code(field_name)
            if code is not None:
                if code not in fields:
                    raise Mislabelled(f"{name}.{field_name} labels no field: {name} has no {code}")
                if shows.get((name, field_name)) != shows.get((name, code)):
                    raise Mislabelled(
                        f"{name}.{field_name} is declared to show {shows.get((name, field_name))}, its code "
                        f"{name}.{code} {shows.get((name, code))}: a label shows what its code shows"
                    )
            elif isinstance(get_named_type(field.type), GraphQLEnumType):
                is_list = isinstance(get_nullable_type(field.type), GraphQLList)
                if label_field(field_name, is_list) not in fields:
                    wanted = label_field(field_name, is_list)
                    raise Mislabelled(f"{name}.{field_name} is a code staff read: give it {name}.{wanted}")


def shown_by(schema: GraphQLSchema, root: str, field: str, shows: Shows) -> frozenset[Data]:
    """Every kind of data reachable from the root field ``root.field`` of ``schema``."""
    root_type = {"query": schema.query_type, "mutation": schema.mutation_type}.get(root) or (
        schema.subscription_type
    )
    found: set[Data] = set()
    _walk(get_named_type(root_type.fields[field].type), shows, found, set())
    return frozenset(found)


def _walk(graphql_type, shows: Shows, found: set[Data], seen: set[str]) -> None:
    if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name in seen:
        return
    seen.add(graphql_type.name)
    for name, field in graphql_type.fields.items():
        key = (graphql_type.name, name)
        if key not in shows:
            raise UndeclaredField(f"{graphql_type.name}.{name}: declare what it shows (a Data kind or None)")
        if shows[key] is not None:
            found.add(shows[key])
        _walk(get_named_type(field.type), shows, found, seen)


def granted(role: Role, operation: Operation, needs: Iterable[Data]) -> bool:
    readable = access.READ[role]
    if not all(data in readable for data in needs):
        return False
    if operation.every_branch and not all(readable[data] is Reach.ALL for data in needs):
        return False
    return operation.action is None or operation.action in access.permitted(role)


def reachable(schema: GraphQLSchema, shows: Shows) -> frozenset[Data]:
    """What a role's schema can show at all (the access matrix test compares it with the policy)."""
    found: set[Data] = set()
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is None:
            continue
        for field in root.fields.values():
            _walk(get_named_type(field.type), shows, found, set())
    return frozenset(found)
