"""Whatever a caller sends, the answer is a 4xx or a GraphQL error with a code that says what is
wrong: never a 500, never a masked error for a mistake of the caller's, never the input echoed
back in full. Each variable case gives what the same mistake written inline gives."""

import asyncio
import contextlib
import json

import httpx
import pytest

from branchflow_gateway.limits import MAX_JSON_NESTING
from branchflow_runtime.auth import Role

from .conftest import graphql, token

RECORD = "mutation($o: ObservationInput!) { recordObservation(observation: $o) { identificationId } }"


def _headers(role: Role = Role.LOBBY_MANAGER, **extra) -> dict:
    return {"Authorization": f"Bearer {token(role)}", "content-type": "application/json", **extra}


def bad_user_input(response) -> list[dict]:
    """The errors of a refused request, each checked to carry BAD_USER_INPUT."""
    assert response.status_code < 500, response.text
    errors = response.json()["errors"]
    assert errors, response.text
    for error in errors:
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return errors


async def test_a_body_that_is_not_utf8_is_400_saying_so(gateway):
    body = b'{"query": "{ me { role } }", "variables": {"x": "caf\xe9"}}'  # Latin-1, not UTF-8
    response = await gateway.post("/graphql", content=body, headers=_headers())
    assert response.status_code == 400
    [error] = bad_user_input(response)
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"query": "{ me { role } }", "variables": {"x": ' + b"[" * 1000 + b"]" * 1000 + b"}}",
        b'{"query": "{ me { role } }", "variables": {"x": ' + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"}}",
    ],
    ids=["body", "variables-list", "variables-object"],
)
async def test_json_nested_1000_levels_is_400(gateway, body):
    response = await gateway.post("/graphql", content=body, headers=_headers())
    assert response.status_code == 400
    [error] = bad_user_input(response)
    assert error["message"] == f"JSON 嵌套超过 {MAX_JSON_NESTING} 层"  # in Chinese unless asked otherwise


@pytest.mark.parametrize("body", [b"1", b'"query"', b"true", b"null"])
async def test_a_body_that_is_not_an_object_is_400(gateway, body):
    response = await gateway.post("/graphql", content=body, headers=_headers())
    assert response.status_code == 400
    bad_user_input(response)


@pytest.mark.parametrize("number", [b"1e309", b"-1e309", b"NaN", b"Infinity", b"-Infinity"])
async def test_a_non_finite_number_is_400(gateway, number):
    signal = b'{"category": "LARGE_BUSINESS", "kind": "cash_deposit", "amount": ' + number + b"}"
    variables = b'{"o": {"customerId": "C1", "signals": [' + signal + b"]}}"
    body = b'{"query": "' + RECORD.encode() + b'", "variables": ' + variables + b"}"
    response = await gateway.post("/graphql", content=body, headers=_headers())
    assert response.status_code == 400
    bad_user_input(response)


async def test_a_wrong_enum_in_variables_is_one_bad_user_input_naming_the_allowed_values(gateway):
    signals = [{"category": "appearance", "kind": "luxury_car"}] * 50
    response = await graphql(gateway, RECORD, variables={"o": {"customerId": "C1", "signals": signals}})
    [error] = bad_user_input(response)  # one problem, one error: not fifty
    message = error["message"]
    assert "appearance" in message and "SignalCategory" in message
    for allowed in ("LARGE_BUSINESS", "ACCOUNT_OPENING", "APPEARANCE", "INFORMATION"):
        assert allowed in message
    assert "50" in message  # how many places had it


@pytest.mark.parametrize(
    "mistake",
    ['{category: appearance, kind: "luxury_car"}', '{category: "appearance", kind: "luxury_car"}'],
    ids=["enum-literal", "string"],
)
async def test_the_same_enum_mistake_inline_names_the_allowed_values_too(gateway, mistake):
    observation = f'{{customerId: "C1", signals: [{mistake}]}}'
    query = f"mutation {{ recordObservation(observation: {observation}) {{ customerId }} }}"
    [error] = bad_user_input(await graphql(gateway, query))
    assert "APPEARANCE" in error["message"] and "LARGE_BUSINESS" in error["message"]


async def test_a_wrong_enum_of_another_type_names_its_values(gateway):
    response = await graphql(gateway, RECORD, variables={"o": {"customerId": "C1", "channel": "pigeon"}})
    [error] = bad_user_input(response)
    assert "Channel" in error["message"] and "BRANCH" in error["message"]


async def test_a_lone_surrogate_in_a_variable_is_bad_user_input(gateway):
    body = json.dumps({"query": RECORD, "variables": {"o": {"customerId": "\ud800"}}}).encode()
    assert b"\\ud800" in body  # JSON's escape: valid JSON text, not a valid string
    bad_user_input(await gateway.post("/graphql", content=body, headers=_headers()))


async def test_a_lone_surrogate_inline_is_bad_user_input(gateway):
    query = 'mutation { recordObservation(observation: {customerId: "\\ud800"}) { customerId } }'
    bad_user_input(await graphql(gateway, query))


async def test_a_bad_date_in_variables_is_bad_user_input_as_inline(gateway):
    by_variable = await graphql(
        gateway, "query($d: Date) { lobbyList(day: $d) { customerId } }", variables={"d": "tomorrow"}
    )
    inline = await graphql(gateway, '{ lobbyList(day: "tomorrow") { customerId } }')
    bad_user_input(by_variable)
    bad_user_input(inline)


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_subscription_over_http_is_refused_pointing_to_the_websocket(gateway, method):
    query = "subscription { lobbyIdentifications { customerId } }"
    if method == "POST":
        response = await gateway.post("/graphql", json={"query": query}, headers=_headers())
    else:
        response = await gateway.get("/graphql", params={"query": query}, headers=_headers())
    assert 400 <= response.status_code < 500
    [error] = bad_user_input(response)
    assert "WebSocket" in error["message"]


async def test_a_body_above_the_limit_is_413_with_a_graphql_error(gateway):
    body = json.dumps({"query": "{ me { role } }", "variables": {"x": "a" * 70_000}}).encode()
    response = await gateway.post("/graphql", content=body, headers=_headers())
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "65536" in error["message"]


async def test_a_body_above_the_limit_without_a_length_is_413(gateway):
    """Sent in chunks, without Content-Length: reading stops at the limit."""

    async def chunks():
        yield b'{"query": "{ me { role } }", "variables": {"x": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}}'

    response = await gateway.post("/graphql", content=chunks(), headers=_headers())
    assert response.status_code == 413


async def test_a_body_within_the_limit_is_served(gateway):
    body = json.dumps({"query": "{ me { role } }", "variables": {"x": "a" * 60_000}}).encode()
    response = await gateway.post("/graphql", content=body, headers=_headers())
    assert response.json() == {"data": {"me": {"role": "lobby_manager"}}}


@pytest.mark.parametrize("value", ["中" * 20_000, "/" * 60_000], ids=["cjk", "slashes"])
async def test_an_identifier_too_long_for_a_url_is_bad_user_input(gateway, value):
    query = "query($c: String!) { customerRating(customerId: $c) { tier } }"
    response = await graphql(gateway, query, role=Role.WEALTH_MANAGER, variables={"c": value}, language="en")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "too long" in error["message"]


LONG = "x" * 60_000


@pytest.mark.parametrize(
    ("role", "by_variable", "inline"),
    [
        (
            Role.OPS,
            "query($v: ID!) { identificationTrace(identificationId: $v) { traceId } }",
            f'{{ identificationTrace(identificationId: "{LONG}") {{ traceId }} }}',
        ),
        (
            Role.LOBBY_MANAGER,
            "query($v: Date) { lobbyList(day: $v) { customerId } }",
            f'{{ lobbyList(day: "{LONG}") {{ customerId }} }}',
        ),
        (
            Role.LOBBY_MANAGER,
            'mutation($v: Channel!) { recordObservation(observation: {customerId: "C1", channel: $v}) '
            "{ customerId } }",
            f'mutation {{ recordObservation(observation: {{customerId: "C1", channel: {LONG}}}) '
            "{ customerId } }",
        ),
    ],
    ids=["uuid-check", "date-scalar", "enum"],
)
async def test_an_error_echoes_only_an_excerpt_of_a_long_input(gateway, role, by_variable, inline):
    for response in (
        await graphql(gateway, by_variable, role=role, variables={"v": LONG}),
        await graphql(gateway, inline, role=role),
    ):
        assert len(response.content) < 2_000, response.text[:300]
        [error] = bad_user_input(response)
        assert "xxxxxxxx" in error["message"]  # an excerpt is there to say which value


async def test_dev_mode_depth_limit_counts_introspection_fields(fake_identify):
    """50 levels of ``ofType`` are refused; the introspection query GraphiQL sends still runs."""
    from graphql import get_introspection_query

    async with dev_gateway(fake_identify) as client:
        deep = "{ __schema { types { " + "ofType { " * 50 + "name" + " }" * 50 + " } } }"
        [error] = bad_user_input(await graphql(client, deep))
        assert "depth" in error["message"]
        standard = await graphql(client, get_introspection_query(descriptions=True))
        assert "errors" not in standard.json()
        assert standard.json()["data"]["__schema"]["queryType"]["name"] == "Query"


@contextlib.asynccontextmanager
async def dev_gateway(fake_identify):
    from asgi_lifespan import LifespanManager

    from branchflow_gateway.app import create_app
    from branchflow_gateway.config import GatewaySettings

    app = create_app(
        GatewaySettings(live_updates=False, dev_mode=True, max_tokens=100_000),
        transports={"identify": httpx.MockTransport(fake_identify.handler)},
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
    ):
        yield client


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "[" * 1000 + "]" * 1000,
        '{"type": "subscribe", "id": "1", "payload": {"query": "\\ud800"}}',
    ],
    ids=["not-json", "deep", "lone-surrogate"],
)
async def test_a_websocket_message_that_is_not_json_closes_with_4400(fake_identify, message):
    """graphql-transport-ws, over a real socket: a message that is not JSON closes it with 4400."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    from branchflow_gateway.app import create_app
    from branchflow_gateway.config import GatewaySettings
    from branchflow_runtime.testing import serving

    app = create_app(
        GatewaySettings(live_updates=False),
        transports={"identify": httpx.MockTransport(fake_identify.handler)},
    )
    async with serving(app) as base_url, asyncio.timeout(10):
        url = f"{base_url.replace('http', 'ws')}/graphql?token={token(Role.LOBBY_MANAGER)}"
        async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(message)
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
    assert closed.value.rcvd.code == 4400


@pytest.mark.parametrize("amount", ["１００", " 100", "-0", "1e15", "100.555", 100.5])
async def test_an_amount_is_checked_by_the_money_rule_not_made_valid_on_the_way(
    gateway, fake_identify, amount
):
    """Full-width digits, spaces, signs and exponents are refused here as identify refuses them,
    rather than turned into a valid "100" on the way to it."""
    signal = {"category": "LARGE_BUSINESS", "kind": "cash_deposit", "amount": amount}
    response = await graphql(gateway, RECORD, variables={"o": {"customerId": "C1", "signals": [signal]}})
    [error] = bad_user_input(response)
    assert "plain decimal string" in error["message"]
    assert not fake_identify.calls


async def test_an_amount_is_sent_canonically(gateway, fake_identify):
    signal = {"category": "LARGE_BUSINESS", "kind": "cash_deposit", "amount": "600000"}
    response = await graphql(gateway, RECORD, variables={"o": {"customerId": "C1", "signals": [signal]}})
    assert "errors" not in response.json()
    [call] = fake_identify.calls
    assert json.loads(call.content)["signals"][0]["amount"] == "600000.00"
