"""A WebSocket is authenticated at connection_init, over a real socket: the payload's token
(``Authorization: Bearer …`` or ``token``, keys in any case) names the caller and so the schema
the connection runs on; a missing or invalid one closes it with 4401 and says why. The upgrade's
header or ``?token=`` is the fallback when the payload names none."""

import asyncio
import json
from datetime import timedelta

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import serving

from .conftest import FakeIdentify, fake_services, token
from .fake_referral import FakeReferral

ME = "{ me { staffId role branchId } }"
SUBSCRIPTION_FIELDS = "{ __schema { subscriptionType { fields { name } } } }"
SCHEMAS = build_schemas(GatewaySettings(dev_mode=True))


@pytest.fixture(scope="module")
async def ws_url():
    app = create_app(
        GatewaySettings(live_updates=False, dev_mode=True),  # dev mode: the test reads the schema
        transports=fake_services(FakeIdentify(), FakeReferral()),
    )
    async with serving(app) as base_url:
        yield base_url.replace("http", "ws") + "/graphql"


async def run_over_websocket(url: str, payload: dict | None, query: str, headers: dict | None = None) -> dict:
    """connection_init with ``payload`` (None: none sent), then ``query``: its first answer."""
    async with (
        asyncio.timeout(10),
        connect(url, subprotocols=["graphql-transport-ws"], additional_headers=headers) as ws,
    ):
        init = {"type": "connection_init"} | ({} if payload is None else {"payload": payload})
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        return json.loads(await ws.recv())


async def refusal_of(url: str, payload: dict | None) -> tuple[int, str]:
    """The close code and reason a connection_init with ``payload`` gets."""
    async with asyncio.timeout(10), connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init"} | ({} if payload is None else {"payload": payload})
        await ws.send(json.dumps(init))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    return closed.value.rcvd.code, closed.value.rcvd.reason


@pytest.mark.parametrize(
    "shape",
    [
        lambda t: {"Authorization": f"Bearer {t}"},
        lambda t: {"authorization": f"bearer {t}"},
        lambda t: {"AUTHORIZATION": f"BEARER  {t} ", "Accept-Language": "en"},
        lambda t: {"token": t},
        lambda t: {"Token": t},
    ],
    ids=["Authorization", "lower-case", "upper-case", "token", "Token"],
)
async def test_a_token_in_connection_init_names_the_caller(ws_url, shape):
    answer = await run_over_websocket(ws_url, shape(token(Role.TELLER, branch="BR007")), ME)
    assert answer["type"] == "next", answer
    assert answer["payload"]["data"]["me"] == {"staffId": "teller-1", "role": "teller", "branchId": "BR007"}


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER, Role.WEALTH_MANAGER, Role.OPS])
async def test_the_connection_runs_on_the_schema_its_token_names(ws_url, role):
    answer = await run_over_websocket(ws_url, {"Authorization": f"Bearer {token(role)}"}, SUBSCRIPTION_FIELDS)
    subscription = answer["payload"]["data"]["__schema"]["subscriptionType"]
    expected = SCHEMAS[role]._schema.subscription_type
    if expected is None:
        assert subscription is None
    else:
        assert {f["name"] for f in subscription["fields"]} == set(expected.fields)


async def test_a_role_without_the_subscription_gets_the_usual_refusal(ws_url):
    """The teller's connection runs on the teller's schema: no customerWaiting there; ops have
    no subscriptions at all."""
    waiting = "subscription { customerWaiting { referralId } }"
    lobby = "subscription { lobbyIdentifications { identificationId } }"
    teller = await run_over_websocket(ws_url, {"token": token(Role.TELLER)}, waiting)
    ops = await run_over_websocket(ws_url, {"token": token(Role.OPS)}, lobby)
    assert teller["type"] == ops["type"] == "error"
    assert [(e["message"], e["extensions"]["code"]) for e in teller["payload"] + ops["payload"]] == [
        ("Cannot query field 'customerWaiting' on type 'Subscription'.", "BAD_USER_INPUT"),
        ("The subscription operation is not supported by the schema.", "BAD_USER_INPUT"),
    ]


MISSING_ZH, MISSING_EN = "缺少 Bearer 令牌，请先登录", "missing bearer token"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (None, MISSING_ZH),
        ({}, MISSING_ZH),
        ({"Accept-Language": "en"}, MISSING_EN),  # said in the language the payload chooses
        ({"Authorization": token(Role.LOBBY_MANAGER)}, MISSING_ZH),  # no Bearer: not taken for a token
        ({"Authorization": "Basic bG9iYnk6cHc="}, MISSING_ZH),
        ({"token": 42}, MISSING_ZH),
        ({"token": ""}, MISSING_ZH),
        ({"Authorization": "Bearer forged", "Accept-Language": "en"}, "invalid token: "),
        ({"token": token(Role.LOBBY_MANAGER, ttl=-timedelta(hours=1))}, "令牌已过期，请重新登录"),
    ],
    ids=[
        "no-payload",
        "empty",
        "empty-en",
        "no-bearer",
        "basic",
        "not-a-string",
        "blank",
        "forged",
        "expired",
    ],
)
async def test_a_connection_without_a_valid_token_is_closed_with_4401(ws_url, payload, reason):
    code, said = await refusal_of(ws_url, payload)
    assert code == 4401
    assert said.startswith(reason)


async def test_the_upgrades_token_is_the_fallback_and_the_payloads_counts_first(ws_url):
    teller, wealth_manager = token(Role.TELLER), token(Role.WEALTH_MANAGER)
    by_query = await run_over_websocket(f"{ws_url}?token={teller}", {}, ME)
    by_header = await run_over_websocket(ws_url, None, ME, headers={"Authorization": f"Bearer {teller}"})
    assert by_query["payload"]["data"]["me"]["role"] == by_header["payload"]["data"]["me"]["role"] == "teller"
    both = await run_over_websocket(
        f"{ws_url}?token={teller}", {"Authorization": f"Bearer {wealth_manager}"}, ME
    )
    assert both["payload"]["data"]["me"]["role"] == "wealth_manager"
    code, _ = await refusal_of(f"{ws_url}?token={teller}", {"token": "forged"})
    assert code == 4401  # a payload's token that fails is not passed over for the upgrade's


async def test_a_forged_token_at_the_upgrade_is_refused_there(ws_url):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{ws_url}?token=forged", subprotocols=["graphql-transport-ws"]):
            pass
    assert refused.value.response.status_code == 403


async def test_an_operation_before_connection_init_is_refused(ws_url):
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": ME}}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4401


async def test_a_request_over_http_still_needs_its_token_in_the_header(gateway):
    """Only a WebSocket may come without one; a request does not get in on a query parameter."""
    response = await gateway.post(f"/graphql?token={token(Role.TELLER)}", json={"query": ME})
    assert response.status_code == 401
