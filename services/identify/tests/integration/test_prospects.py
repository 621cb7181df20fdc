"""A walk-in who is not our customer yet: recorded with a name and phone (masked for those who may
not see them), without a customer id, and later linked to the customer id; their identifications
follow, on the wire as well."""

import itertools
import json

import pytest

from branchflow_contracts import CustomerIdentified, ProspectLinked, Topic, derive_prospect_id
from branchflow_runtime.auth import Role
from branchflow_runtime.settings import DEV_PROSPECT_ID_KEY
from branchflow_runtime.testing import read_events

from .conftest import auth

pytestmark = pytest.mark.connected

WALK_IN = {
    "name": "欧阳娜娜",
    "phone": "13912345678",
    "purpose": "large_cash",
    "signals": [
        {"category": "appearance", "kind": "luxury_car"},
        {"category": "appearance", "kind": "luxury_watch"},
    ],
}


# a walk-in is known by their phone: each test's is another person
_PHONES = (f"139{n:04d}5678" for n in itertools.count(1000))


async def _record(client, headers=None) -> dict:
    walk_in = WALK_IN | {"phone": next(_PHONES)}
    response = await client.post(
        "/prospects", json=walk_in, headers=headers or auth(Role.LOBBY_MANAGER, "lm-p")
    )
    assert response.status_code == 201, response.text
    return response.json() | {"phone": walk_in["phone"]}


async def test_a_prospect_is_recorded_without_a_customer_id_and_is_on_the_lobby_list(client):
    recorded = await _record(client)
    assert recorded["guidance"]["action"] == "meet_wealth_manager"  # wealthy and not our customer
    assert recorded["guidance"]["call_wealth_manager"]
    lobby = auth(Role.LOBBY_MANAGER, "lm-other")
    v1 = (await client.get("/branches/BR001/identifications", headers=lobby)).json()
    assert recorded["identification_id"] not in {
        r["identification_id"] for r in v1
    }  # v1 rows have a customer
    rows = (
        await client.get("/branches/BR001/identifications", params={"include_prospects": True}, headers=lobby)
    ).json()
    [row] = [r for r in rows if r["identification_id"] == recorded["identification_id"]]
    assert row["customer_id"] is None and row["prospect_id"] == recorded["prospect_id"]
    assert (row["name"], row["name_masked"]) == ("欧***", True)
    assert (row["purpose"], row["observed_by"], row["observer_role"]) == (
        "large_cash",
        "lm-p",
        "lobby_manager",
    )
    for word in ("to_win", '"tier"', '"score"', recorded["phone"]):
        assert word not in json.dumps(rows)


@pytest.mark.parametrize(
    ("reader", "unmasked", "tier_shown"),
    [
        (auth(Role.LOBBY_MANAGER, "lm-p"), True, False),  # recorded them
        (auth(Role.LOBBY_MANAGER, "lm-other"), False, False),
        (auth(Role.TELLER), False, False),
        (auth(Role.WEALTH_MANAGER), True, True),  # follows them up
        (auth(Role.HEAD_OFFICE, branch="HO"), False, True),
    ],
)
async def test_name_and_phone_are_masked_for_those_who_may_not_see_them(client, reader, unmasked, tier_shown):
    recorded = await _record(client)
    response = await client.get(f"/prospects/{recorded['prospect_id']}", headers=reader)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["contact_masked"] is not unmasked
    assert (body["name"], body["phone"]) == (
        ("欧阳娜娜", recorded["phone"]) if unmasked else ("欧***", "139****5678")
    )
    assert (body["tier"] == "to_win") is tier_shown


async def test_another_branch_cannot_read_or_link_a_prospect(client):
    recorded = await _record(client)
    other = auth(Role.WEALTH_MANAGER, branch="BR002")
    assert (await client.get(f"/prospects/{recorded['prospect_id']}", headers=other)).status_code == 403
    linked = await client.post(
        f"/prospects/{recorded['prospect_id']}/link", json={"customer_id": "PRX999"}, headers=other
    )
    assert linked.status_code == 403  # the same answer as for a prospect that does not exist
    nobody = "00000000-0000-4000-8000-000000000000"
    missing = await client.post(f"/prospects/{nobody}/link", json={"customer_id": "PRX999"}, headers=other)
    assert missing.status_code == 403
    assert missing.json()["detail"] == linked.json()["detail"].replace(recorded["prospect_id"], nobody)


async def test_a_prospect_linked_to_a_new_account_takes_their_identifications_along(client, kafka_broker):
    recorded = await _record(client)
    response = await client.post(
        f"/prospects/{recorded['prospect_id']}/link",
        json={"customer_id": "PRX001"},
        headers=auth(Role.TELLER),
    )
    assert response.status_code == 200, response.text
    assert response.json()["tier_changed"] is True

    head = auth(Role.BRANCH_HEAD)
    rows = (await client.get("/branches/BR001/identifications", headers=head)).json()
    [row] = [r for r in rows if r["identification_id"] == recorded["identification_id"]]
    assert (row["customer_id"], row["prospect_id"]) == ("PRX001", recorded["prospect_id"])
    rating = (await client.get("/customers/PRX001/rating", headers=auth(Role.WEALTH_MANAGER))).json()
    assert rating["tier"] == "to_win"  # their main bank was another when they walked in
    facts = (await client.get("/customers/PRX001/facts", headers=head)).json()
    assert facts["personal_data"]["name"] == "欧***"  # kept with the customer, masked for a non-owner

    [record] = await read_events(
        kafka_broker.bootstrap_servers,
        Topic.CUSTOMER_IDENTIFIED,
        1,
        match=lambda r: json.loads(r.value)["customer_id"] == "PRX001",
    )
    event = CustomerIdentified.model_validate_json(record.value)
    assert event.identification_id == recorded["identification_id"]
    assert event.prospect_id == recorded["prospect_id"] and event.channel == "branch"
    assert "欧阳" not in record.value.decode()  # no personal data on the wire

    again = await client.post(
        f"/prospects/{recorded['prospect_id']}/link",
        json={"customer_id": "PRX002"},
        headers=auth(Role.TELLER),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "prospect.already_linked"
    assert again.json()["params"] == {"prospect_id": recorded["prospect_id"], "customer_id": "PRX001"}


async def test_the_branch_list_of_prospects_still_without_an_account(client):
    recorded = await _record(client)
    listed = await client.get(
        "/branches/BR001/prospects", params={"linked": False}, headers=auth(Role.WEALTH_MANAGER)
    )
    assert listed.status_code == 200, listed.text
    assert recorded["prospect_id"] in {p["prospect_id"] for p in listed.json()}
    assert all(p["customer_id"] is None for p in listed.json())


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"name": ""}, ["body", "name"]),
        ({"phone": "call me"}, ["body", "phone"]),
        ({"customer_id": "C1"}, ["body", "customer_id"]),  # a prospect has no customer id
        (
            {
                "signals": [
                    {"category": "large_business", "kind": "cash_deposit", "amount": "1", "currency": "XAU"}
                ]
            },
            ["body", "signals", 0, "currency"],
        ),
    ],
)
async def test_bad_prospects_are_refused_naming_the_field(client, change, loc):
    response = await client.post("/prospects", json={**WALK_IN, **change}, headers=auth(Role.LOBBY_MANAGER))
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


async def test_a_walk_in_is_known_by_the_id_derived_from_their_phone_and_seen_again_as_one(
    client, kafka_broker
):
    """The id the referral service files them under; a second visit is the same prospect; the
    link goes out as customer.prospect-linked, without name or phone."""
    first = await _record(client)
    spaced = f"{first['phone'][:3]} {first['phone'][3:7]}-{first['phone'][7:]}"
    again = await client.post(
        "/prospects", json=WALK_IN | {"phone": spaced}, headers=auth(Role.LOBBY_MANAGER, "lm-p")
    )
    assert again.status_code == 201, again.text
    assert first["prospect_id"] == again.json()["prospect_id"]
    assert first["prospect_id"] == derive_prospect_id(first["phone"], DEV_PROSPECT_ID_KEY)

    linked = await client.post(
        f"/prospects/{first['prospect_id']}/link", json={"customer_id": "PRX101"}, headers=auth(Role.TELLER)
    )
    assert linked.status_code == 200, linked.text
    [record] = await read_events(
        kafka_broker.bootstrap_servers,
        Topic.CUSTOMER_PROSPECT_LINKED,
        1,
        match=lambda r: json.loads(r.value)["customer_id"] == "PRX101",
    )
    event = ProspectLinked.model_validate_json(record.value)
    assert (event.prospect_id, event.branch_id, event.linked_by) == (
        first["prospect_id"],
        "BR001",
        "teller-1",
    )
    assert first["phone"] not in record.value.decode() and "欧阳" not in record.value.decode()

    refused = await client.post(
        "/prospects", json=WALK_IN | {"phone": first["phone"]}, headers=auth(Role.LOBBY_MANAGER)
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "prospect.is_customer"
    assert refused.json()["params"]["customer_id"] == "PRX101"
