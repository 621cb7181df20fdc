"""Hostile request bodies for the services' fuzz tests: what an outside tester sent the platform
(non-finite numbers, lone surrogates, invalid UTF-8, nesting a thousand deep, megabyte strings,
values of the wrong kind), as a hypothesis strategy, and the check every answer must pass: a 4xx
that says what is wrong, short, never a 5xx or an echo of the input.

Imported by tests only (hypothesis is a test dependency)."""

import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MAX_ANSWER_BYTES = 8_000  # an error names the field and quotes an excerpt; it never echoes the body

_LITERALS = [b"NaN", b"Infinity", b"-Infinity", b"1e309", b"-1e400", b'"\\ud800"', b'"\\udfff x"']


def _nested(depth: int) -> bytes:
    return b'{"a": ' + b"[" * depth + b"]" * depth + b"}"


def _json_value():
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=40),
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    )


def hostile_json_bodies(field_names: list[str]) -> st.SearchStrategy[bytes]:
    """Bodies that are not JSON a service may accept; ``field_names`` are fields of the operation,
    so the hostile values reach validation where they can."""
    field = st.sampled_from(field_names or ["x"])
    value_literals = st.sampled_from([b"NaN", b"1e309", b'"\\ud800"', b'"\xff\xfe"', b'"\\u0000"'])
    return st.one_of(
        st.sampled_from(_LITERALS),
        st.builds(lambda f, v: b'{"' + f.encode() + b'": ' + v + b"}", field, value_literals),
        st.integers(min_value=33, max_value=3000).map(_nested),
        st.builds(
            lambda f, n: json.dumps({f: "长" * n}).encode(),
            field,
            st.sampled_from([1_000, 60_000, 2_000_000]),
        ),
        st.builds(lambda f, v: json.dumps({f: v}).encode(), field, _json_value()),
        st.binary(max_size=64),
    )


def refused_cleanly(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert len(response.content) <= MAX_ANSWER_BYTES, (response.status_code, len(response.content))


def body_operations(openapi: dict, path_values: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    """(method, path with its parameters filled, the body's field names) of every operation that
    takes a JSON body."""
    schemas = openapi.get("components", {}).get("schemas", {})
    found = []
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            ref = content["schema"].get("$ref", "")
            fields = list(schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            filled = path
            for name, value in path_values.items():
                filled = filled.replace("{" + name + "}", value)
            found.append((method.upper(), filled, fields))
    return found


def send_hostile_bodies(
    method: str, url: str, fields: list[str], tokens: list[str], *, examples: int = 12
) -> None:
    """Send ``examples`` hostile bodies to one operation, as each of ``tokens``; every answer must
    be ``refused_cleanly``. A hypothesis test of its own, run where it is called."""

    @given(body=hostile_json_bodies(fields))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    def send(body: bytes) -> None:
        for token in tokens:
            response = httpx.request(
                method,
                url,
                content=body,
                headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
                timeout=30,
            )
            refused_cleanly(response)

    send()
