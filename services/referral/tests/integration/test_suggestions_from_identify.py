"""Two real services over Kafka: a lobby manager's observation at identify becomes a suggested
referral on the referral service's lobby list, filed with one action; an ordinary walk-in does
not; a customer judged not premium is not suggested again."""

import asyncio

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager

from branchflow_runtime.auth import Role
from identify.bootstrap import create_app as create_identify
from identify.config import IdentifySettings

from .conftest import auth, client_of

pytestmark = pytest.mark.connected

BRANCH = "BRSUG"
LOBBY = auth(Role.LOBBY_MANAGER, "lm-sug", BRANCH)
RICH_WALK_IN = {
    "purpose": "large_cash",
    "signals": [
        {"category": "appearance", "kind": "luxury_car"},
        {"category": "appearance", "kind": "other_bank_vip_card"},
        {"category": "large_business", "kind": "cash_deposit", "amount": "800000.00"},
        {"category": "information", "kind": "high_end_residence"},
    ],
}


@pytest.fixture(scope="module")
async def identify(kafka_broker, database_factory):
    settings = IdentifySettings(
        database_url=await database_factory("identify_for_referral"),
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        start_consumers=False,
        start_sweeper=False,
        relay_idle_poll_seconds=0.2,
    )
    app = create_identify(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://identify") as http,
    ):
        http.engine = app.state.container.engine
        yield http


@pytest.fixture(scope="module")
async def client(following_app):
    """This module's referral service is the one following customer.identified."""
    async with client_of(following_app) as http:
        yield http


async def observe(identify, customer_id: str, body: dict) -> dict:
    response = await identify.post("/observations", json={"customer_id": customer_id, **body}, headers=LOBBY)
    assert response.status_code == 201, response.text
    return response.json()


async def suggestion_of(client, customer_id: str, timeout: float = 30.0) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            listed = await client.get(f"/branches/{BRANCH}/suggestions", headers=LOBBY)
            assert listed.status_code == 200, listed.text
            found = [s for s in listed.json() if s["customer_id"] == customer_id]
            if found:
                return found[0]
            await asyncio.sleep(0.2)


async def test_an_observation_becomes_a_suggestion_filed_with_one_action(identify, client):
    observed = await observe(identify, "SUG1", RICH_WALK_IN)
    assert observed["guidance"]["call_wealth_manager"] is True
    await observe(identify, "SUG2", {"purpose": "small_cash"})  # ordinary: no suggestion
    suggestion = await suggestion_of(client, "SUG1")
    assert (suggestion["identification_id"], suggestion["status"]) == (observed["identification_id"], "open")

    filed = await client.post(
        f"/suggestions/{suggestion['suggestion_id']}/referral",
        json={"status": "referred", "wealth_manager_id": "wm-sug"},
        headers=LOBBY,
    )
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert (
        body["source"],
        body["identification_id"],
        body["suggestion_id"],
        body["person"]["customer_id"],
    ) == (
        "lobby",
        observed["identification_id"],
        suggestion["suggestion_id"],
        "SUG1",
    )
    listed = (await client.get(f"/branches/{BRANCH}/suggestions", headers=LOBBY)).json()
    assert [(s["customer_id"], s["status"]) for s in listed] == [("SUG1", "filed")]
    again = await client.post(
        f"/suggestions/{suggestion['suggestion_id']}/referral",
        json={"status": "referred", "wealth_manager_id": "wm-sug"},
        headers=LOBBY,
    )
    assert again.status_code == 409 and again.json()["code"] == "suggestion_acted_on"


async def test_a_customer_judged_not_premium_is_not_suggested(identify, client, following_app):
    filed = await client.post(
        "/referrals",
        json={"customer_id": "SUG3", "status": "referred", "wealth_manager_id": "wm-sug"},
        headers=auth(Role.TELLER, "t-sug", BRANCH),
    )
    judged = await client.post(
        f"/referrals/{filed.json()['referral_id']}/confirmation",
        json={"met": True, "result": "not_premium"},
        headers=auth(Role.WEALTH_MANAGER, "wm-sug", BRANCH),
    )
    assert judged.status_code == 200, judged.text
    observed = await observe(identify, "SUG3", RICH_WALK_IN)
    # this identify follows no verdict (tests/e2e/test_not_premium_verdict.py has one that does):
    # the referral service alone keeps the customer off the list
    assert observed["guidance"]["call_wealth_manager"] is True
    await consumed(identify, following_app, observed["identification_id"])
    listed = (await client.get(f"/branches/{BRANCH}/suggestions", headers=LOBBY)).json()
    assert "SUG3" not in [s["customer_id"] for s in listed]


async def consumed(identify, referral_app, identification_id: str, timeout: float = 30.0) -> None:
    """Until the referral service has applied the event of this identification (its inbox has it)."""
    async with identify.engine.connect() as conn:
        event_id = await conn.scalar(
            sa.text("SELECT event_id FROM outbox_events WHERE payload->>'identification_id' = :id"),
            {"id": identification_id},
        )
    async with asyncio.timeout(timeout):
        while True:
            async with referral_app.state.container.engine.connect() as conn:
                if await conn.scalar(
                    sa.text("SELECT 1 FROM inbox_events WHERE event_id = :id"), {"id": str(event_id)}
                ):
                    return
            await asyncio.sleep(0.2)
