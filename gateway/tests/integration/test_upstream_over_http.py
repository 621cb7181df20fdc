"""The gateway's real upstream client (httpx on aiohttp's pool) against real sockets: a service
that is not listening, too slow, or failing gives UPSTREAM_UNAVAILABLE and partial data, never a
500; a service that answers is read."""

import asyncio

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.embedded import free_port
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.testing import serving

LOBBY = mint_token("lm-1", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET)
QUERY = "{ me { staffId } lobbyList { customerId } }"
ROW = {
    "identification_id": "0b0e7f0e-0000-4000-8000-000000000001",
    "customer_id": "C1",
    "channel": "branch",
    "guidance": {"action": "meet_wealth_manager", "call_wealth_manager": True, "script": "Hello."},
    "identified_at": "2026-11-22T01:00:00Z",
    "identified_at_local": "2026-11-22T09:00:00+08:00",
}


async def lobby_list(request):
    match request.path_params["branch_id"]:
        case "BR001" if request.headers.get("authorization") == f"Bearer {LOBBY}":
            behaviour = request.app.state.behaviour
            if behaviour == "slow":
                await asyncio.sleep(2)
            if behaviour == "failing":
                return JSONResponse({"detail": "boom"}, status_code=503)
            return JSONResponse([ROW])
        case _:
            return JSONResponse({"detail": "not yours"}, status_code=403)


@pytest.fixture(scope="module")
async def upstream():
    """A stand-in identify on a real port, whose behaviour each test picks."""
    app = Starlette(routes=[Route("/branches/{branch_id}/identifications", lobby_list)])
    async with serving(app) as base_url:
        yield app, base_url


async def ask(identify_url: str, language: str | None = None) -> dict:
    settings = GatewaySettings(identify_url=identify_url, live_updates=False, upstream_timeout_seconds=0.5)
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
    ):
        headers = {"Authorization": f"Bearer {LOBBY}"} | ({"Accept-Language": language} if language else {})
        response = await client.post("/graphql", json={"query": QUERY}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_answering_service_is_read(upstream):
    app, url = upstream
    app.state.behaviour = "ok"
    assert (await ask(url))["data"]["lobbyList"] == [{"customerId": "C1"}]


@pytest.mark.parametrize(
    ("behaviour", "language", "message"),
    [
        ("slow", "en", "the identify service is unavailable (no answer in time)"),
        ("failing", "en", "the identify service answered 503"),
        ("not listening", "en", "the identify service is unavailable (could not connect)"),
        ("not listening", None, "identify 服务不可用（无法连接）"),
    ],
)
async def test_an_unavailable_service_gives_partial_data_and_a_code(upstream, behaviour, language, message):
    app, url = upstream
    app.state.behaviour = behaviour
    if behaviour == "not listening":
        url = f"http://127.0.0.1:{free_port()}"
    body = await ask(url, language)
    assert body["data"] == {"me": {"staffId": "lm-1"}, "lobbyList": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["path"] == ["lobbyList"]
    assert error["message"] == message
