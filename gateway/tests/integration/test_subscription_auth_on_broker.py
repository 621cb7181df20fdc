"""A lobby screen that authenticates in connection_init (no token in the upgrade's URL or
headers) gets its branch's identifications from the real broker; one without a valid token is
closed with 4401 before it could follow anything."""

import asyncio
import json
import uuid

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import serving

from ..unit.conftest import FakeIdentify, fake_services, token
from ..unit.fake_referral import FakeReferral
from .test_live_feed_on_broker import identified, publish

pytestmark = pytest.mark.connected

SUBSCRIPTION = "subscription { lobbyIdentifications { identificationId guidance { action } } }"


@pytest.fixture(scope="module")
async def gateway(kafka_broker):
    """The gateway, following the broker, served on a real port: (its app, its ws:// URL)."""
    app = create_app(
        GatewaySettings(kafka_bootstrap_servers=kafka_broker.bootstrap_servers),
        transports=fake_services(FakeIdentify(), FakeReferral()),
    )
    async with serving(app) as base_url:
        await asyncio.wait_for(app.state.gateway.domains["identify"].live.ready.wait(), 30)
        yield app.state.gateway, base_url.replace("http", "ws") + "/graphql"


async def followed(gateway, branch: str) -> None:
    """Until a subscription of ``branch`` follows the feed (an event before would miss it)."""
    live = gateway.domains["identify"].live
    while not live._followers.get(branch):  # noqa: ASYNC110 (the feed signals no new follower)
        await asyncio.sleep(0.02)


async def test_a_token_in_connection_init_gets_the_branchs_identifications(gateway, kafka_broker):
    app_gateway, url = gateway
    branch = f"BR{uuid.uuid4().hex[:6]}"
    payload = {"Authorization": f"Bearer {token(Role.LOBBY_MANAGER, branch=branch)}"}
    async with asyncio.timeout(30), connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        await followed(app_gateway, branch)
        await publish(
            kafka_broker.bootstrap_servers,
            app_gateway.domains["identify"].live.topic,
            identified(f"ws-{branch}", branch),
        )
        message = json.loads(await ws.recv())
    assert message["type"] == "next", message
    assert message["payload"]["data"]["lobbyIdentifications"] == {
        "identificationId": f"ws-{branch}",
        "guidance": {"action": "MEET_WEALTH_MANAGER"},
    }


async def test_a_forged_token_in_connection_init_closes_the_connection_with_4401(gateway):
    _, url = gateway
    async with asyncio.timeout(10), connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": "forged"}}))
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4401
    assert closed.value.rcvd.reason.startswith("令牌无效")
