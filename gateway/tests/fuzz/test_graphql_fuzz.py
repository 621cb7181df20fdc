"""Property-based GraphQL tests (schemathesis + hypothesis-graphql, from each role's own schema)
against the gateway over real HTTP, with fake identify and referral services behind it: whatever the query,
never a server error, and every error carries a stable code. The same for hostile variables and
bodies (hypothesis): non-finite numbers, lone surrogates, deep nesting, huge strings, wrong
enums, bodies that are not UTF-8 or not JSON."""

import json
import threading
import time

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.embedded import free_port
from branchflow_runtime.settings import DEV_JWT_SECRET

from ..unit.conftest import FakeIdentify, fake_services
from ..unit.fake_referral import ENTRY_ID, FakeReferral

SCHEMAS = build_schemas(GatewaySettings())
# INTERNAL_SERVER_ERROR is absent on purpose: a masked error is a bug the fuzzer found
CODES = {"BAD_USER_INPUT", "FORBIDDEN", "NOT_FOUND", "UPSTREAM_UNAVAILABLE"}


@pytest.fixture(scope="module")
def gateway_url():
    port = free_port()
    app = create_app(
        GatewaySettings(live_updates=False),
        transports=fake_services(FakeIdentify(), FakeReferral()),
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "gateway did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True
    thread.join(10)


def _check(case, url: str, role: Role) -> None:
    token = mint_token(f"{role.value}-fuzz", role, "BR001", secret=DEV_JWT_SECRET)
    response = case.call(url=url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    body = response.json()
    for error in body.get("errors", []):
        assert error.get("extensions", {}).get("code") in CODES, error
        assert "Traceback" not in error["message"]


lobby = schemathesis.graphql.from_file(
    SCHEMAS[Role.LOBBY_MANAGER].as_str().replace("type Subscription", "type _Unused")
)
head_office = schemathesis.graphql.from_file(SCHEMAS[Role.HEAD_OFFICE].as_str())
ops = schemathesis.graphql.from_file(SCHEMAS[Role.OPS].as_str())
# the referral views: the wealth manager's register and marketing, the marketing manager's handovers
wealth_manager = schemathesis.graphql.from_file(
    SCHEMAS[Role.WEALTH_MANAGER].as_str().replace("type Subscription", "type _Unused")
)
branch_head = schemathesis.graphql.from_file(
    SCHEMAS[Role.BRANCH_HEAD].as_str().replace("type Subscription", "type _Unused")
)


@lobby.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_lobby_manager_schema(case, gateway_url):
    _check(case, gateway_url, Role.LOBBY_MANAGER)


@head_office.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_head_office_schema(case, gateway_url):
    _check(case, gateway_url, Role.HEAD_OFFICE)


@ops.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_ops_schema(case, gateway_url):
    _check(case, gateway_url, Role.OPS)


@wealth_manager.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_wealth_manager_schema(case, gateway_url):
    _check(case, gateway_url, Role.WEALTH_MANAGER)


@branch_head.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_branch_head_schema(case, gateway_url):
    _check(case, gateway_url, Role.BRANCH_HEAD)


# Hostile values in variables and bodies, which schemathesis (inline arguments, valid JSON)
# does not send: the values that once made 500s or masked errors.
class Deep(int):
    """A list nested this many levels, written into the JSON text (json.dumps would recurse)."""


SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.tuples(st.text(max_size=5), SURROGATE, st.text(max_size=5)).map("".join),
    st.integers(1_000, 80_000).map(lambda n: "y" * n),
    st.integers(1_000, 25_000).map(lambda n: "中/" * n),  # longer still once in a URL
    st.sampled_from(["appearance", "branch", "large-business", "premium", "", "1e309"]),
    st.integers(30, 1_500).map(Deep),
    st.integers(-(2**70), 2**70),
    st.text(max_size=30),
    st.booleans(),
    st.none(),
)
ENUM = st.sampled_from(["LARGE_BUSINESS", "APPEARANCE", "INFORMATION", "ACCOUNT_OPENING"])


def maybe(valid):
    return st.one_of(valid, HOSTILE)


SIGNAL = st.fixed_dictionaries(
    {"category": maybe(ENUM), "kind": maybe(st.just("luxury_car"))},
    optional={"amount": maybe(st.sampled_from(["600000.00", "1", "-0", "１００"]))},
)
OBSERVATION = st.fixed_dictionaries(
    {"customerId": maybe(st.just("C1"))},
    optional={
        "channel": maybe(st.sampled_from(["BRANCH", "SYSTEM"])),
        "purpose": maybe(st.just("large_cash")),
        "signals": st.one_of(st.lists(SIGNAL, max_size=60), HOSTILE),
    },
)
WALK_IN = st.fixed_dictionaries({"name": maybe(st.just("周先生")), "phone": maybe(st.just("139 1111 2222"))})
REFERRAL = st.fixed_dictionaries(
    {"status": maybe(st.sampled_from(["REFERRED", "PENDING"])), "wealthManagerId": maybe(st.just("wm-1"))},
    optional={
        "customerId": maybe(st.just("C1")),
        "prospect": maybe(WALK_IN),
        "contact": maybe(
            st.fixed_dictionaries(
                {"at": maybe(st.just("2026-11-25T10:00:00+08:00")), "way": maybe(st.just("PHONE"))}
            )
        ),
        "referralId": HOSTILE,
        "identificationId": HOSTILE,
    },
)
ATTEMPT = st.fixed_dictionaries(
    {"way": maybe(st.just("PHONE")), "result": maybe(st.sampled_from(["NO_ANSWER", "MEETING_AGREED"]))},
    optional={
        "attemptedAt": HOSTILE,
        "plannedContactId": HOSTILE,
        "nextContact": maybe(st.fixed_dictionaries({"day": maybe(st.just("2026-11-28")), "way": HOSTILE})),
        "meeting": maybe(st.fixed_dictionaries({"meetsAt": HOSTILE})),
    },
)
OPERATIONS = st.sampled_from(
    [
        (
            Role.LOBBY_MANAGER,
            "mutation($v: ReferralInput!) { fileReferral(referral: $v) { referralId person { name } } }",
            REFERRAL,
        ),
        (
            Role.LOBBY_MANAGER,
            "query($v: ID!) { referral(referralId: $v) { status } }",
            maybe(st.just(ENTRY_ID)),
        ),
        (Role.LOBBY_MANAGER, "query($v: Date) { referralDay(day: $v) { status } }", HOSTILE),
        (
            Role.WEALTH_MANAGER,
            f'mutation($v: AttemptInput!) {{ recordAttempt(entryId: "{ENTRY_ID}", attempt: $v) '
            "{ status } }",
            ATTEMPT,
        ),
        (
            Role.WEALTH_MANAGER,
            "query($v: String) { followUpRegister(wealthManagerId: $v) { entryId } }",
            HOSTILE,
        ),
        (Role.WEALTH_MANAGER, "subscription { customerWaiting { referralId } }", st.none()),
        (Role.BRANCH_HEAD, "query($v: String!) { referralMonthlySummary(month: $v) { month } }", HOSTILE),
        (
            Role.HEAD_OFFICE,
            "query($v: CountPeriod) { branchReferralCounts(period: $v) { branchId } }",
            HOSTILE,
        ),
        (
            Role.LOBBY_MANAGER,
            "mutation($v: ObservationInput!) { recordObservation(observation: $v) { identificationId } }",
            OBSERVATION,
        ),
        (
            Role.LOBBY_MANAGER,
            "query($v: Date) { lobbyList(day: $v) { customerId } }",
            maybe(st.just("2026-11-22")),
        ),
        (Role.LOBBY_MANAGER, "subscription { lobbyIdentifications { customerId } }", st.none()),
        (
            Role.HEAD_OFFICE,
            "query($v: String!) { customerRating(customerId: $v) { tier score } }",
            maybe(st.just("C1")),
        ),
        (Role.HEAD_OFFICE, "query($v: Date) { identificationCounts(day: $v) { total } }", HOSTILE),
        (Role.OPS, "query($v: ID!) { identificationTrace(identificationId: $v) { traceId } }", HOSTILE),
    ]
)


HTTP = httpx.Client(timeout=30)  # one pool for the examples: a new connection each was most of the time


def to_json(value) -> bytes:
    """JSON as a careless client writes it: NaN and Infinity as bare words, lone surrogates as
    ``\\udXXX`` escapes, deep lists in full."""
    deep: list[int] = []

    def mark(v):
        if isinstance(v, Deep):
            deep.append(int(v))
            return f"__deep_{len(deep) - 1}__"
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mark(x) for x in v]
        return v

    text = json.dumps(mark(value), allow_nan=True)
    for n, levels in enumerate(deep):
        text = text.replace(f'"__deep_{n}__"', "[" * levels + "]" * levels)
    return text.encode()


def _check_answer(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text[:500]
    body = response.json()
    assert body.get("errors") or "data" in body, body
    for error in body.get("errors", []):
        assert error.get("extensions", {}).get("code") in CODES, error
        assert len(error["message"]) < 1_000, error["message"][:300]


@given(operation=OPERATIONS, value=st.data(), as_get=st.booleans())
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_hostile_variables(gateway_url, operation, value, as_get):
    role, query, values = operation
    variables = to_json({"v": value.draw(values)})
    headers = {"Authorization": f"Bearer {mint_token('fuzz', role, 'BR001', secret=DEV_JWT_SECRET)}"}
    # a long URL is answered by the HTTP server before the gateway sees it; front ends POST those
    if as_get and not query.startswith("mutation") and len(variables) < 4_000:
        response = HTTP.get(gateway_url, params={"query": query, "variables": variables}, headers=headers)
    else:
        body = b'{"query": ' + json.dumps(query).encode() + b', "variables": ' + variables + b"}"
        headers["content-type"] = "application/json"
        response = HTTP.post(gateway_url, content=body, headers=headers)
    _check_answer(response)


@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: json.dumps({"query": t}).encode("utf-16")),
        st.text(max_size=300).map(
            lambda t: json.dumps({"query": "{ me { role } }", "x": t}).encode("latin-1", "replace")
        ),
        st.integers(1, 1_500).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 1_500).map(
            lambda n: b'{"query": "{ me { role } }", "extensions": ' + b'{"a":' * n + b"1" + b"}" * n + b"}"
        ),
    )
)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_hostile_bodies(gateway_url, body):
    token = mint_token("fuzz", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET)
    response = httpx.post(
        gateway_url,
        content=body,
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    _check_answer(response)
