"""What the lobby and the counter work from: the lobby list row (masked name, purpose, who
observed, guidance, wealth manager called, handled), the tellers' own list, what became of a
guidance, and the second diversion of people already queuing. Guidance only: never a tier, a
score or an amount. Customer ids here start with LV; the branch BR555 is only this file's."""

import json
import uuid

import pytest

from branchflow_runtime.auth import Role

from .conftest import auth, gives_away

pytestmark = pytest.mark.connected

BRANCH = "BR555"
LOBBY = auth(Role.LOBBY_MANAGER, "lm-lv", branch=BRANCH)
TELLER = auth(Role.TELLER, "tl-lv", branch=BRANCH)
OTHER_TELLER = auth(Role.TELLER, "tl-lv2", branch=BRANCH)
OWNER = auth(Role.WEALTH_MANAGER, "wm-lv", branch=BRANCH)
PREMIUM_FACTS = {
    "branch_id": BRANCH,
    "deposits": "3000000.00",
    "wealth_manager_id": "wm-lv",
    "name": "司马懿",
}


async def _observe(client, customer_id: str, headers, **body) -> dict:
    response = await client.post("/observations", json={"customer_id": customer_id, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _row(client, identification_id: str, headers, path: str = f"/branches/{BRANCH}/identifications"):
    rows = (await client.get(path, headers=headers)).json()
    return next(r for r in rows if r["identification_id"] == identification_id)


async def test_the_lobby_row_says_who_what_and_where_and_never_a_tier(client):
    await client.put("/customers/LV001/facts", json=PREMIUM_FACTS, headers=OWNER)
    observed = await _observe(
        client,
        "LV001",
        TELLER,
        purpose="small_cash",
        signals=[{"category": "appearance", "kind": "own_bank_vip_card"}],
    )
    row = await _row(client, observed["identification_id"], LOBBY)
    assert (row["name"], row["name_masked"]) == ("司**", True)
    assert (row["purpose"], row["observed_by"], row["observer_role"]) == ("small_cash", "tl-lv", "teller")
    # a premium customer who shows our VIP card for quick cash: priority service first, the card offered
    assert row["guidance"]["action"] == "priority_counter"
    assert row["guidance"]["script_code"] == "priority_counter_first"
    assert row["guidance"]["offer_wealth_manager_card"] is True
    assert row["call_wealth_manager"] is False and row["handling"] is None
    text = json.dumps(row, ensure_ascii=False)
    for word in ('"tier"', '"score"'):
        assert word not in text
    assert gives_away(text, 3_000_000) == []


async def test_the_customers_own_wealth_manager_sees_the_name_on_the_list(client):
    await client.put("/customers/LV002/facts", json=PREMIUM_FACTS, headers=OWNER)
    observed = await _observe(client, "LV002", OWNER, purpose="investment", customer_has_time=True)
    assert observed["guidance"]["action"] == "meet_wealth_manager"
    rows = (await client.get(f"/branches/{BRANCH}/counter-observations", headers=TELLER)).json()
    assert observed["identification_id"] not in {r["identification_id"] for r in rows}  # not the counter's


async def test_handling_is_recorded_and_shown_on_the_row(client):
    observed = await _observe(client, "LV003", LOBBY, purpose="bill_payment")
    response = await client.put(
        f"/identifications/{observed['identification_id']}/handling",
        json={"outcome": "guided"},
        headers=LOBBY,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["handling"], response.json()["handled_by"]) == ("guided", "lm-lv")
    row = await _row(client, observed["identification_id"], LOBBY)
    assert row["handling"] == "guided" and row["handled_at"]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ({"outcome": "vanished"}, LOBBY, 422),
        ({"outcome": "left"}, auth(Role.LOBBY_MANAGER, branch="BR002"), 403),  # another branch's
        ({"outcome": "left"}, auth(Role.BRANCH_HEAD, branch=BRANCH), 403),  # records no visits
        ({"outcome": "left"}, auth(Role.HEAD_OFFICE, branch="HO"), 403),
    ],
)
async def test_handling_refusals(client, body, headers, status):
    observed = await _observe(client, "LV004", LOBBY)
    response = await client.put(
        f"/identifications/{observed['identification_id']}/handling", json=body, headers=headers
    )
    assert response.status_code == status, response.text
    missing = await client.put(
        f"/identifications/{uuid.uuid4()}/handling", json={"outcome": "left"}, headers=LOBBY
    )
    assert missing.status_code == 403  # outside head office, missing and out of reach look the same


async def test_tellers_get_their_own_list_of_todays_counter_observations(client):
    mine = await _observe(client, "LV010", TELLER, purpose="transfer")
    theirs = await _observe(client, "LV011", OTHER_TELLER, purpose="small_cash")
    lobby = await _observe(client, "LV012", LOBBY, purpose="small_cash")

    counter = (await client.get(f"/branches/{BRANCH}/counter-observations", headers=TELLER)).json()
    ids = {r["identification_id"] for r in counter}
    assert {mine["identification_id"], theirs["identification_id"]} <= ids
    assert lobby["identification_id"] not in ids
    assert {r["observer_role"] for r in counter} == {"teller"}
    own = (
        await client.get(f"/branches/{BRANCH}/counter-observations", params={"mine": True}, headers=TELLER)
    ).json()
    assert mine["identification_id"] in {r["identification_id"] for r in own}
    assert {r["observed_by"] for r in own} == {"tl-lv"}
    for word in ('"tier"', '"score"'):
        assert word not in json.dumps(counter)
    ops = auth(Role.OPS, branch="HO")  # ops follow flows, not the guidance
    assert (await client.get(f"/branches/{BRANCH}/counter-observations", headers=ops)).status_code == 403
    assert (await client.get("/branches/BR002/counter-observations", headers=TELLER)).status_code == 403


async def test_second_diversion_moves_the_simple_errands_out_of_the_queue(client):
    await client.put("/customers/LV020/facts", json=PREMIUM_FACTS, headers=OWNER)
    asked = [
        {"ticket": "A101", "purpose": "small_cash"},
        {"ticket": "A102", "purpose": "transfer"},
        {"ticket": "A103", "purpose": "complex_non_cash"},
        {"ticket": "A104", "purpose": "large_cash", "customer_id": "LV020"},  # a premium customer queuing
    ]
    answers = []
    for body in asked:
        response = await client.post("/queue-checks", json=body, headers=LOBBY)
        assert response.status_code == 201, response.text
        answers.append(response.json())
    assert [(a["guidance"]["action"], a["moved"]) for a in answers] == [
        ("self_service", True),
        ("e_banking", True),
        ("non_cash_counter", False),
        ("priority_counter", True),
    ]
    assert answers[2]["guidance"]["script_code"] == "queue.keep_ticket"

    view = (await client.get(f"/branches/{BRANCH}/queue-checks", headers=LOBBY)).json()
    mine = [c for c in view["checks"] if c["ticket"] in {"A101", "A102", "A103", "A104"}]
    assert len(mine) == 4
    assert view["asked"] >= 4 and view["moved"]["self_service"] >= 1 and view["kept_ticket"] >= 1
    assert view["asked"] == sum(view["moved"].values()) + view["kept_ticket"]
    assert gives_away(json.dumps(view, ensure_ascii=False)) == []
    # every post that serves customers diverts them (seed p. 38); ops and branch heads ask no one
    assert (await client.post("/queue-checks", json=asked[0], headers=TELLER)).status_code == 201
    head = auth(Role.BRANCH_HEAD, branch=BRANCH)
    assert (await client.post("/queue-checks", json=asked[0], headers=head)).status_code == 403
    assert (await client.get(f"/branches/{BRANCH}/queue-checks", headers=head)).status_code == 200
    ops = auth(Role.OPS, branch="HO")
    assert (await client.get(f"/branches/{BRANCH}/queue-checks", headers=ops)).status_code == 403
