"""One walk-in across identify and the referral service (real Tansu, real PostgreSQL, real HTTP):
recorded by the lobby at identify, referred at the referral service by name and phone (under the
same prospect id), followed up and judged not premium there; when identify links the walk-in to
the customer id of the account they opened, the referral service lists the form and the register
entry under the customer id, refuses a new form for the customer within the period judged while
they were a prospect, and identify's guidance for the customer calls no wealth manager."""

import httpx
import pytest

from branchflow_contracts import Topic
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.testing import read_events

from .conftest import identify_and_referral
from .test_not_premium_verdict import applied

pytestmark = pytest.mark.connected

BRANCH = "BRWALKIN"
CUSTOMER = "E2EW001"
WALK_IN = {"name": "周先生", "phone": "139 2222 3333"}


def _auth(staff_id: str, role: Role) -> dict:
    return {"Authorization": f"Bearer {mint_token(staff_id, role, BRANCH, secret=DEV_JWT_SECRET)}"}


LOBBY, TELLER, WEALTH = (
    _auth("lm-w", Role.LOBBY_MANAGER),
    _auth("t-w", Role.TELLER),
    _auth("wm-w", Role.WEALTH_MANAGER),
)
WEALTHY = {
    "purpose": "investment",
    "customer_has_time": True,
    "signals": [
        {"category": "appearance", "kind": "luxury_car"},
        {"category": "appearance", "kind": "luxury_watch"},
    ],
}


@pytest.fixture(scope="module")
async def services(kafka_broker, database_factory):
    async with identify_and_referral(kafka_broker, database_factory) as running:
        yield running


async def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def test_a_walk_in_referred_under_its_prospect_id_is_the_customer_once_linked(services, kafka_broker):
    async with (
        httpx.AsyncClient(base_url=services.identify.url, timeout=10) as identify,
        httpx.AsyncClient(base_url=services.referral.url, timeout=10) as referral,
    ):
        recorded = await _ok(await identify.post("/prospects", json=WALK_IN | WEALTHY, headers=LOBBY), 201)
        prospect_id = recorded["prospect_id"]

        # referred by name and phone: the referral service files it under identify's prospect id
        form = await _ok(
            await referral.post(
                "/referrals",
                json={"prospect": WALK_IN, "status": "referred", "wealth_manager_id": "wm-w"},
                headers=LOBBY,
            ),
            201,
        )
        assert (form["person"]["prospect_id"], form["person"]["customer_id"]) == (prospect_id, None)
        confirmed = await _ok(
            await referral.post(
                f"/referrals/{form['referral_id']}/confirmation",
                json={"met": True, "result": "follow_up"},
                headers=WEALTH,
            )
        )
        entry_id = confirmed["entry_id"]
        await _ok(
            await referral.post(
                f"/follow-ups/{entry_id}/verdict", json={"verdict": "not_premium"}, headers=WEALTH
            )
        )

        # the walk-in opens an account: the lobby links them at identify
        await _ok(
            await identify.post(
                f"/prospects/{prospect_id}/link", json={"customer_id": CUSTOMER}, headers=TELLER
            )
        )
        [link] = await read_events(
            kafka_broker.bootstrap_servers,
            Topic.CUSTOMER_PROSPECT_LINKED,
            1,
            match=lambda r: r.key == CUSTOMER.encode(),
        )
        await applied(services.referral, dict(link.headers)["ce_id"].decode())

        # the referral service lists the form and the register entry under the customer id
        form = await _ok(await referral.get(f"/referrals/{form['referral_id']}", headers=LOBBY))
        assert (form["person"]["customer_id"], form["person"]["prospect_id"]) == (CUSTOMER, prospect_id)
        assert form["person"]["name"] == "周先生"  # the lobby manager filed it: the contact stays
        listed = await _ok(await referral.get(f"/branches/{BRANCH}/referrals", headers=LOBBY))
        assert [f["person"]["customer_id"] for f in listed] == [CUSTOMER]
        entry = await _ok(await referral.get(f"/follow-ups/{entry_id}", headers=WEALTH))
        assert entry["person"]["customer_id"] == CUSTOMER
        closed = await _ok(
            await referral.get("/wealth-managers/wm-w/follow-ups", params={"closed": True}, headers=WEALTH)
        )
        assert [e["person"]["customer_id"] for e in closed] == [CUSTOMER]
        counts = await _ok(await referral.get(f"/branches/{BRANCH}/referral-counts", headers=LOBBY))
        assert [(c["staff_id"], c["filed"]) for c in counts["counts"]] == [("lm-w", 1)]

        # the period judged while they were a prospect holds for the customer id…
        again = await referral.post(
            "/referrals",
            json={"customer_id": CUSTOMER, "status": "referred", "wealth_manager_id": "wm-w"},
            headers=TELLER,
        )
        assert again.status_code == 409 and again.json()["code"] == "followed_up_recently", again.text

        # …and identify is told, under the customer id: its guidance calls no wealth manager
        [verdict] = await read_events(
            kafka_broker.bootstrap_servers,
            Topic.CUSTOMER_JUDGED_NOT_PREMIUM,
            1,
            match=lambda r: r.key == CUSTOMER.encode(),
        )
        await applied(services.identify, dict(verdict.headers)["ce_id"].decode())
        observed = await _ok(
            await identify.post("/observations", json={"customer_id": CUSTOMER, **WEALTHY}, headers=LOBBY),
            201,
        )
        assert observed["guidance"]["call_wealth_manager"] is False
