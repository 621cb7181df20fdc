"""Batch reads for the gateway's DataLoaders (identifications and ratings by many ids) and the
day's counts of identifications by tier and channel, per branch and across branches. The
database is shared by the whole session: customer ids here start with BAT, counted branches are
only this file's (BR777, BR778), and counts are compared before and after this file's writes."""

import uuid

import pytest

from branchflow_contracts import Channel, CustomerTier
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import label

from .conftest import auth, gives_away

pytestmark = pytest.mark.connected

TIERS = {"premium_core", "premium", "potential", "to_win", "ordinary"}
CHANNELS = {"branch", "system", "ebanking", "external"}
HEAD_OFFICE = auth(Role.HEAD_OFFICE, branch="HO")


async def _facts(client, customer_id: str, branch: str, deposits: str = "1500000.00") -> None:
    response = await client.put(
        f"/customers/{customer_id}/facts",
        json={"branch_id": branch, "deposits": deposits},
        headers=auth(Role.WEALTH_MANAGER, branch=branch),
    )
    assert response.status_code == 200, response.text


async def _observe(client, customer_id: str, branch: str, role=Role.LOBBY_MANAGER, channel="branch") -> str:
    response = await client.post(
        "/observations",
        json={"customer_id": customer_id, "channel": channel, "signals": []},
        headers=auth(role, branch=branch),
    )
    assert response.status_code == 201, response.text
    return response.json()["identification_id"]


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["identification_id"] for row in response.json()]


async def test_a_batch_of_identifications_drops_missing_ids_and_other_branches(client):
    await _facts(client, "BAT001", "BR001")
    ours = await _observe(client, "BAT001", "BR001")
    theirs = await _observe(client, "BAT002", "BR002")
    missing = str(uuid.uuid4())
    params = {"ids": [theirs, missing, ours, ours]}

    wealth_manager = await client.get("/identifications", params=params, headers=auth(Role.WEALTH_MANAGER))
    head_office = await client.get("/identifications", params=params, headers=HEAD_OFFICE)

    assert _ids(wealth_manager) == [ours]
    assert _ids(head_office) == [theirs, ours]  # the order asked, each once
    row = wealth_manager.json()[0]
    assert row["customer_id"] == "BAT001" and row["branch_id"] == "BR001"
    assert row["tier"] == "premium" and row["channel"] == "branch"
    assert row["identified_at_local"].endswith("+08:00")
    single = await client.get(f"/identifications/{ours}", headers=auth(Role.WEALTH_MANAGER))
    assert single.json() == row


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"ids": [str(uuid.uuid4()), "not-a-uuid"]}, ["query", "ids", 1]),
        ({"ids": [str(uuid.uuid4()) for _ in range(201)]}, ["query", "ids"]),
        ({}, ["query", "ids"]),
    ],
)
async def test_bad_identification_ids_are_422_naming_ids(client, params, loc):
    response = await client.get("/identifications", params=params, headers=auth(Role.WEALTH_MANAGER))
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


async def test_two_hundred_ids_are_allowed(client):
    params = {"ids": [str(uuid.uuid4()) for _ in range(200)]}
    response = await client.get("/identifications", params=params, headers=auth(Role.WEALTH_MANAGER))
    assert response.status_code == 200 and response.json() == []


async def test_a_batch_of_ratings(client):
    await _facts(client, "BAT010", "BR001")
    await _facts(client, "BAT011", "BR002")
    params = {"customer_ids": ["BAT011", "BAT012-never-rated", "BAT010"]}

    wealth_manager = await client.get("/ratings", params=params, headers=auth(Role.WEALTH_MANAGER))
    head_office = await client.get("/ratings", params=params, headers=HEAD_OFFICE)

    assert wealth_manager.status_code == 200, wealth_manager.text
    assert [r["customer_id"] for r in wealth_manager.json()] == ["BAT010"]
    assert [r["customer_id"] for r in head_office.json()] == ["BAT011", "BAT010"]
    single = await client.get("/customers/BAT010/rating", headers=auth(Role.WEALTH_MANAGER))
    assert wealth_manager.json()[0] == single.json()
    assert single.json()["tier"] == "premium"


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"customer_ids": ["BAT010", "bad id!"]}, ["query", "customer_ids", 1]),
        ({"customer_ids": [f"BAT{i}" for i in range(201)]}, ["query", "customer_ids"]),
        ({}, ["query", "customer_ids"]),
    ],
)
async def test_bad_customer_ids_are_422_naming_customer_ids(client, params, loc):
    response = await client.get("/ratings", params=params, headers=auth(Role.WEALTH_MANAGER))
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


async def _branch_counts(client, branch: str, **params) -> dict:
    response = await client.get(
        f"/branches/{branch}/identification-counts",
        params=params,
        headers=auth(Role.BRANCH_HEAD, branch=branch),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["by_tier"]) == TIERS and set(body["by_channel"]) == CHANNELS
    assert (
        body["total"] == sum(body["by_tier"].values()) + body["visiting"] == sum(body["by_channel"].values())
    )
    return body


def _difference(after: dict, before: dict) -> dict:
    return {
        "total": after["total"] - before["total"],
        "by_tier": {
            t: n - before["by_tier"][t] for t, n in after["by_tier"].items() if n != before["by_tier"][t]
        },
        "by_channel": {
            c: n - before["by_channel"][c]
            for c, n in after["by_channel"].items()
            if n != before["by_channel"][c]
        },
    }


async def test_counts_of_a_branch_count_customers_identified_not_reratings(client):
    before = await _branch_counts(client, "BR777")

    await _facts(client, "BAT020", "BR777")  # premium by its facts: a re-rating, not counted
    await _observe(client, "BAT020", "BR777")  # premium, found in the lobby
    await _observe(client, "BAT021", "BR777")  # ordinary, lobby
    await _observe(client, "BAT022", "BR777", Role.WEALTH_MANAGER, "ebanking")  # ordinary
    await _observe(client, "BAT020", "BR777", Role.WEALTH_MANAGER, "external")  # the same customer again
    await _observe(client, "BAT020", "BR777")  # and again: one customer
    after = await _branch_counts(client, "BR777")

    assert after["branch_id"] == "BR777"
    assert _difference(after, before) == {
        "total": 3,
        "by_tier": {"premium": 1, "ordinary": 2},
        "by_channel": {"branch": 2, "ebanking": 1},  # BAT020 by the channel that found it first
    }
    staff = {row["staff_id"]: row for row in after["by_staff"]}
    lobby, wealth = staff["lobby_manager-1"], staff["wealth_manager-1"]
    assert (lobby["role"], lobby["customers"], lobby["by_tier"]["premium"]) == ("lobby_manager", 2, 1)
    assert (wealth["role"], wealth["customers"], wealth["by_tier"]["ordinary"]) == ("wealth_manager", 2, 1)
    assert await _branch_counts(client, "BR777", day=after["day"]) == after
    empty = await _branch_counts(client, "BR777", day="2000-01-01")
    assert empty == {
        "branch_id": "BR777",
        "day": "2000-01-01",
        "total": 0,
        "by_tier": dict.fromkeys(TIERS, 0),
        "visiting": 0,
        "by_channel": dict.fromkeys(CHANNELS, 0),
        "by_staff": [],
        "tier_labels": {tier: label(CustomerTier(tier), "zh_CN") for tier in TIERS},
        "channel_labels": {channel: label(Channel(channel), "zh_CN") for channel in CHANNELS},
    }
    assert (lobby["role_label"], wealth["role_label"]) == ("大堂经理", "理财经理")


async def test_counts_across_branches_for_head_office_not_ops(client):
    await _observe(client, "BAT030", "BR778")
    await _observe(client, "BAT031", "BR778", Role.WEALTH_MANAGER, "external")

    head_office = await client.get("/identification-counts", headers=HEAD_OFFICE)
    ops = await client.get("/identification-counts", headers=auth(Role.OPS, branch="HO"))

    assert head_office.status_code == 200, head_office.text
    assert ops.status_code == 403  # ops follow flows, not the branches' figures
    branches = [row["branch_id"] for row in head_office.json()]
    assert branches == sorted(branches) and {"BR001", "BR002", "BR778"} <= set(branches)
    [br778] = [row for row in head_office.json() if row["branch_id"] == "BR778"]
    assert br778 == await _branch_counts(client, "BR778")
    assert br778["total"] == 2
    assert br778["by_channel"] == {"branch": 1, "system": 0, "ebanking": 0, "external": 1}
    assert br778["by_tier"]["ordinary"] == 2
    long_ago = await client.get("/identification-counts", params={"day": "2000-01-01"}, headers=HEAD_OFFICE)
    assert long_ago.json() == []


async def test_a_bad_day_is_422_naming_day(client):
    response = await client.get(
        "/branches/BR001/identification-counts", params={"day": "2024-13-01"}, headers=auth(Role.BRANCH_HEAD)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "day"]


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
async def test_lobby_and_counter_get_no_counts_ratings_or_identifications(client, role):
    await _facts(client, "BAT040", "BR001")
    identification = await _observe(client, "BAT040", "BR001")
    for path, params in [
        ("/branches/BR001/identification-counts", {}),
        ("/identification-counts", {}),
        ("/ratings", {"customer_ids": ["BAT040"]}),
        ("/identifications", {"ids": [identification]}),
    ]:
        response = await client.get(path, params=params, headers=auth(role))
        assert response.status_code == 403, (path, response.text)
        for word in ('"tier"', '"score"'):
            assert word not in response.text
        assert gives_away(response.text, 1_500_000) == []


async def test_counts_hold_roles_and_branch_scope(client):
    other_branch = await client.get(
        "/branches/BR002/identification-counts", headers={**auth(Role.BRANCH_HEAD), "Accept-Language": "en"}
    )
    assert other_branch.status_code == 403
    assert "branch BR002 is outside your branch BR001" in other_branch.json()["detail"]
    wealth_manager = auth(Role.WEALTH_MANAGER)
    assert (
        await client.get("/branches/BR002/identification-counts", headers=wealth_manager)
    ).status_code == 403
    assert (
        await client.get("/branches/BR001/identification-counts", headers=wealth_manager)
    ).status_code == 403
    for role in (Role.BRANCH_HEAD, Role.DEPUTY_BRANCH_HEAD, Role.WEALTH_MANAGER):
        assert (await client.get("/identification-counts", headers=auth(role))).status_code == 403
    deputy = await client.get("/branches/BR001/identification-counts", headers=auth(Role.DEPUTY_BRANCH_HEAD))
    assert deputy.status_code == 200
    head_office = await client.get("/branches/BR002/identification-counts", headers=HEAD_OFFICE)
    assert head_office.status_code == 200 and head_office.json()["branch_id"] == "BR002"
