"""The gateway in-process with fake identify and referral services (httpx MockTransport): no network."""

import json

import httpx
import jwt
import pytest

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET

from .fake_referral import FakeReferral

GUIDANCE = {
    "action": "meet_wealth_manager",
    "call_wealth_manager": True,
    "alternatives": ["priority_counter"],
    "script": "Invite the customer to meet a wealth manager now.",
}
RATING = {
    "customer_id": "C1",
    "branch_id": "BR001",
    "tier": "premium",
    "score": "42.00",
    "explanation": [{"factor": "holdings", "detail": "assets ≥ 500,000 CNY", "points": "35"}],
    "decided_by": "premium: assets ≥ 500,000",
    "rules_version": "2026.1",
    "rated_at": "2026-11-22T01:00:00Z",
    "guidance": GUIDANCE,
}


LOBBY_ROW = {
    "identification_id": "0b0e7f0e-0000-4000-8000-000000000002",
    "customer_id": None,
    "prospect_id": "7c1e0000-0000-4000-8000-000000000001",
    "name": "欧***",
    "name_masked": True,
    "channel": "branch",
    "purpose": "large_cash",
    "observed_by": "teller-1",
    "observer_role": "teller",
    "guidance": {**GUIDANCE, "script_code": "meet_wealth_manager_or_card", "offer_wealth_manager_card": True},
    "call_wealth_manager": True,
    "handling": None,
    "handled_by": None,
    "handled_at": None,
    "identified_at": "2026-11-22T01:00:00Z",
    "identified_at_local": "2026-11-22T09:00:00+08:00",
}
QUEUE_CHECK = {
    "check_id": "9d9d0000-0000-4000-8000-000000000001",
    "ticket": "A017",
    "customer_id": None,
    "purpose": "small_cash",
    "guidance": {**GUIDANCE, "action": "self_service", "call_wealth_manager": False, "alternatives": []},
    "moved": True,
    "checked_by": "lobby_manager-1",
    "checked_at": "2026-11-22T01:00:00Z",
    "checked_at_local": "2026-11-22T09:00:00+08:00",
}
PROSPECT = {
    "prospect_id": "7c1e0000-0000-4000-8000-000000000001",
    "branch_id": "BR001",
    "name": "欧阳娜娜",
    "phone": "13912345678",
    "contact_masked": False,
    "tier": "to_win",
    "recorded_by": "lobby_manager-1",
    "recorded_at": "2026-11-22T01:00:00Z",
    "recorded_at_local": "2026-11-22T09:00:00+08:00",
    "customer_id": None,
    "linked_by": None,
    "linked_at": None,
}
LIST_ROW = {  # a row of the branch's list, as the lobby and the counter get it
    "identification_id": "0b0e7f0e-0000-4000-8000-000000000001",
    "customer_id": "C1",
    "channel": "branch",
    "guidance": GUIDANCE,
    "call_wealth_manager": True,
    "identified_at": "2026-11-22T01:00:00Z",
    "identified_at_local": "2026-11-22T09:00:00+08:00",
}
FULL_ROW = {
    **{k: v for k, v in LIST_ROW.items() if k != "call_wealth_manager"},
    "branch_id": "BR001",
    "customer_branch_id": "BR001",
    "visiting": False,
    "tier": "premium",
    "previous_tier": None,
    "score": "42.00",
    "reason": "observation",
    "identified_by": "lobby_manager-1",
    "trace_id": None,
}
GUIDANCE_ONLY = {Role.LOBBY_MANAGER, Role.TELLER}


def _caller_role(request: httpx.Request) -> Role:
    token = request.headers["authorization"].removeprefix("Bearer ")
    return Role(jwt.decode(token, options={"verify_signature": False})["role"])


class FakeIdentify:
    """Answers like the identify service; records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []
        self.down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        if path == "/observations":
            body = json.loads(request.content)
            return httpx.Response(
                201,
                json={
                    "identification_id": "0b0e7f0e-0000-4000-8000-000000000001",
                    "customer_id": body["customer_id"],
                    "guidance": GUIDANCE,
                    "identified_at": "2026-11-22T01:00:00Z",
                },
            )
        if path.endswith("/identifications") and path.startswith("/branches/"):
            # as identify: the lobby and the counter get guidance-only rows, the others full rows
            return httpx.Response(
                200, json=[LIST_ROW if _caller_role(request) in GUIDANCE_ONLY else FULL_ROW]
            )
        if path.endswith("/counter-observations"):
            return httpx.Response(200, json=[LOBBY_ROW])
        if path.endswith("/handling"):
            outcome = json.loads(request.content)["outcome"]
            return httpx.Response(
                200, json={**LOBBY_ROW, "handling": outcome, "handled_by": "lobby_manager-1"}
            )
        if path == "/queue-checks":
            body = json.loads(request.content)
            return httpx.Response(201, json={**QUEUE_CHECK, **body})
        if path.endswith("/queue-checks"):
            return httpx.Response(
                200,
                json={
                    "branch_id": "BR001",
                    "day": "2026-11-22",
                    "asked": 1,
                    "moved": {"self_service": 1},
                    "kept_ticket": 0,
                    "checks": [QUEUE_CHECK],
                },
            )
        if path == "/prospects":
            return httpx.Response(
                201,
                json={
                    "prospect_id": PROSPECT["prospect_id"],
                    "identification_id": "0b0e7f0e-0000-4000-8000-000000000003",
                    "guidance": GUIDANCE,
                    "identified_at": "2026-11-22T01:00:00Z",
                },
            )
        if path.endswith("/link"):
            customer = json.loads(request.content)["customer_id"]
            return httpx.Response(
                200, json={"prospect_id": path.split("/")[2], "customer_id": customer, "tier_changed": True}
            )
        if path.endswith("/prospects"):
            return httpx.Response(200, json=[PROSPECT])
        if path == "/ratings":
            ids = request.url.params.get_list("customer_ids")
            return httpx.Response(200, json=[{**RATING, "customer_id": i} for i in ids if i.startswith("C")])
        if request.method == "PUT" and path.endswith("/facts"):
            return httpx.Response(200, json={"rating": RATING, "tier_changed": True})
        if path.startswith("/customers/X"):
            return httpx.Response(403, json={"detail": "branch BR002 is outside your branch BR001"})
        if path.startswith("/customers/"):
            return httpx.Response(404, json={"detail": "no rating"})
        return httpx.Response(404, json={"detail": f"no route {path}"})


def token(role: Role, branch: str = "BR001", **kw) -> str:
    return mint_token(f"{role.value}-1", role, branch, secret=DEV_JWT_SECRET, **kw)


@pytest.fixture
def fake_identify() -> FakeIdentify:
    return FakeIdentify()


@pytest.fixture
def fake_referral() -> FakeReferral:
    return FakeReferral()


def fake_services(fake_identify: FakeIdentify, fake_referral: FakeReferral) -> dict:
    return {
        "identify": httpx.MockTransport(fake_identify.handler),
        "referral": httpx.MockTransport(fake_referral.handler),
    }


@pytest.fixture
async def gateway(fake_identify, fake_referral):
    settings = GatewaySettings(live_updates=False, max_depth=2, max_aliases=3, max_tokens=120)
    app = create_app(settings, transports=fake_services(fake_identify, fake_referral))
    from asgi_lifespan import LifespanManager

    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
    ):
        yield client


async def graphql(
    client,
    query: str,
    role: Role | None = Role.LOBBY_MANAGER,
    variables=None,
    language: str | None = None,
    **token_kw,
):
    """``language``: the Accept-Language to send (none: the gateway's default, Chinese)."""
    headers = {"Authorization": f"Bearer {token(role, **token_kw)}"} if role else {}
    headers |= {"Accept-Language": language} if language else {}
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
