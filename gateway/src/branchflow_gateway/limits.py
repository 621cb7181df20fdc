"""Limits on what one request may ask of the gateway: its body's size and nesting, and its
operation's depth and aliases (the token limit is Strawberry's ``MaxTokensLimiter``)."""

import functools

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule

from branchflow_runtime.http_errors import MAX_JSON_DEPTH

# JSON nesting of a body (or of GET's variables), as the services allow: the deepest a front end
# sends is about six (body → variables → observation → signals → list → signal); graphql-core
# recurses into values, and a thousand levels made that a RecursionError
MAX_JSON_NESTING = MAX_JSON_DEPTH

# An introspection query may nest deeper than an operation on data: the standard one (GraphiQL's,
# graphql-core's get_introspection_query) follows a type's ``ofType`` chain to depth 14
MAX_INTROSPECTION_DEPTH = 16


class BodyTooLarge(Exception):
    pass


async def read_body(scope, receive, limit: int) -> bytes:
    """The request's body; ``BodyTooLarge`` as soon as it is known to exceed ``limit`` bytes,
    from its Content-Length or, without one, from what arrived: no more is read or kept."""
    length = dict(scope["headers"]).get(b"content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes):
    """An ASGI ``receive`` that hands the app the body already read."""
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether JSON-like ``value`` nests lists and objects more than ``limit`` levels (without
    recursing itself)."""
    level = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, (dict, list))
        ]
        if not level:
            return False
    return True


@functools.cache
def limit_rules(max_depth: int, max_aliases: int) -> tuple:
    """The depth and alias rules, made once. Strawberry's limiter extensions make a new rule
    class per instance, and the validation cache is keyed by the rule classes: with a new
    extension per request, no query was ever found in the cache (4 ms of validation each)."""
    return depth_limit_rule(max_depth), alias_limit_rule(max_aliases)


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    """Every field counts, introspection's too (Strawberry's depth limiter skips fields that
    begin with ``__``, so 50 levels of ``ofType`` passed); an operation that only introspects
    may go to ``MAX_INTROSPECTION_DEPTH``. Depth counts from 0 at the top-level fields."""

    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            introspection_only = all(
                isinstance(s, FieldNode) and s.name.value.startswith("__")
                for s in node.selection_set.selections
            )
            limit = max(max_depth, MAX_INTROSPECTION_DEPTH) if introspection_only else max_depth
            if _depth(node.selection_set, fragments, {}, set()) > limit:
                name = node.name.value if node.name else "anonymous"
                self.report_error(GraphQLError(f"'{name}' exceeds maximum operation depth of {limit}", node))

    return DepthLimit


def _depth(selections: SelectionSetNode, fragments: dict, known: dict[str, int], entered: set[str]) -> int:
    """Levels of fields with selections of their own below ``selections``. A fragment's depth
    is worked out once (a fragment spread many times is not walked many times); a fragment
    that spreads itself counts as 0 here and is refused by the NoFragmentCycles rule."""
    deepest = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode) and selection.selection_set:
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragments, known, entered))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, known, entered))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in known and name in fragments and name not in entered:
                entered.add(name)
                known[name] = _depth(fragments[name].selection_set, fragments, known, entered)
                entered.discard(name)
            deepest = max(deepest, known.get(name, 0))
    return deepest
