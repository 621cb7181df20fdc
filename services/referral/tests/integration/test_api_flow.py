"""The referral API over ASGI against real PostgreSQL: a day of forms from several staff, the
wealth manager's confirmations, the close of business, the counts; refusals that say why."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from branchflow_runtime.auth import Role

from .conftest import auth

pytestmark = pytest.mark.connected

TELLER = auth(Role.TELLER, "t-flow", "BRFLOW")
TELLER_2 = auth(Role.TELLER, "t-flow-2", "BRFLOW")
LOBBY = auth(Role.LOBBY_MANAGER, "lm-flow", "BRFLOW")
WM = auth(Role.WEALTH_MANAGER, "wm-flow", "BRFLOW")
HEAD = auth(Role.BRANCH_HEAD, "bh-flow", "BRFLOW")


def contact(days: int = 1) -> dict:
    return {"at": (datetime.now(UTC) + timedelta(days=days)).isoformat(), "way": "phone"}


async def file(client, headers, **body):
    return await client.post("/referrals", json={"wealth_manager_id": "wm-flow", **body}, headers=headers)


async def test_a_day_from_filing_to_close(client):
    referred = await file(client, TELLER, customer_id="FLOW1", status="referred")
    assert referred.status_code == 201, referred.text
    pending = await file(
        client,
        TELLER_2,
        prospect={"name": "周先生", "phone": "139 1111 2222"},
        status="pending",
        contact=contact(),
    )
    assert pending.status_code == 201, pending.text
    lobby = await file(client, LOBBY, customer_id="FLOW3", status="referred", note="asked about gold")
    assert lobby.status_code == 201 and lobby.json()["source"] == "lobby"
    today = referred.json()["business_day"]

    day = (await client.get(f"/branches/BRFLOW/days/{today}", headers=LOBBY)).json()
    assert day["status"] == "open"
    assert [r["person"]["customer_id"] for r in day["awaiting_confirmation"]] == ["FLOW1", "FLOW3"]
    [waiting] = day["awaiting_copy"]
    # the lobby manager did not file the prospect's form: name and phone are masked
    assert waiting["person"]["personal_data_masked"] is True
    assert waiting["person"]["phone"] == "139****2222"

    closing = await client.post(f"/branches/BRFLOW/days/{today}/close", headers=LOBBY)
    assert closing.status_code == 409
    assert closing.json()["code"] == "day_has_open_forms"
    assert "3 form(s) still await the wealth manager" in closing.json()["detail"]

    to_confirm = (await client.get("/me/referrals-to-confirm", headers=WM)).json()
    assert {r["referral_id"] for r in to_confirm} >= {
        referred.json()["referral_id"],
        lobby.json()["referral_id"],
    }
    # the wealth manager calls the prospect: sees the phone
    assert next(r for r in to_confirm if r["status"] == "pending")["person"]["phone"] == "13911112222"

    sold = await client.post(
        f"/referrals/{referred.json()['referral_id']}/confirmation",
        json={"met": True, "result": "sold"},
        headers=WM,
    )
    assert sold.status_code == 200 and sold.json()["status"] == "confirmed"
    copied = await client.post(f"/referrals/{pending.json()['referral_id']}/register-copy", headers=WM)
    assert copied.status_code == 200 and copied.json()["entry_id"]
    judged = await client.post(
        f"/referrals/{lobby.json()['referral_id']}/confirmation",
        json={"met": True, "result": "not_premium"},
        headers=WM,
    )
    assert judged.json()["result"] == "not_premium"

    closed = await client.post(f"/branches/BRFLOW/days/{today}/close", headers=LOBBY)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed" and body["closed_by"] == "lm-flow"
    assert [(c["staff_id"], c["filed"], c["met"], c["sold"]) for c in body["counts"]] == [
        ("lm-flow", 1, 1, 0),
        ("t-flow", 1, 1, 1),
        ("t-flow-2", 1, 0, 0),
    ]
    # the lobby manager learns the follow-up is closed, never the verdict
    assert next(r for r in body["done"] if r["person"]["customer_id"] == "FLOW3")["result"] == "closed"
    assert "premium" not in closed.text

    week = await client.get("/branches/BRFLOW/referral-counts", params={"period": "week"}, headers=HEAD)
    assert week.status_code == 200
    assert sum(c["filed"] for c in week.json()["counts"]) == 3

    late = await file(client, TELLER, customer_id="FLOW4", status="referred")
    assert late.status_code == 409 and late.json()["code"] == "day_closed"
    reopened = await client.post(f"/branches/BRFLOW/days/{today}/reopen", headers=LOBBY)
    assert reopened.json()["status"] == "open"
    assert (await file(client, TELLER, customer_id="FLOW4", status="referred")).status_code == 201


async def test_a_customer_judged_not_premium_is_refused_without_a_tier(client):
    first = await file(client, TELLER, customer_id="NP1", status="referred")
    await client.post(
        f"/referrals/{first.json()['referral_id']}/confirmation",
        json={"met": True, "result": "not_premium"},
        headers=WM,
    )
    again = await file(client, TELLER_2, customer_id="NP1", status="referred")
    assert again.status_code == 409
    assert again.json()["code"] == "followed_up_recently"
    assert again.json()["detail"].startswith("A wealth manager already followed this customer up on ")
    for word in ("tier", "ordinary", "potential", "premium_core", "score"):
        assert word not in again.text


async def test_a_retried_filing_is_one_form(client):
    referral_id = str(uuid.uuid4())
    first = await file(client, TELLER, customer_id="RETRY1", status="referred", referral_id=referral_id)
    again = await file(client, TELLER, customer_id="RETRY1", status="referred", referral_id=referral_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["referral_id"] == referral_id
    mine = (await client.get("/me/referrals", headers=TELLER)).json()
    assert [r["referral_id"] for r in mine].count(referral_id) == 1


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        ({"status": "referred"}, ["body"], "either customer_id or prospect"),
        ({"customer_id": "X", "status": "pending"}, ["body", "contact"], "agreed contact time and way"),
        ({"customer_id": "X", "status": "confirmed"}, ["body", "status"], "'referred' or 'pending'"),
        (
            {
                "customer_id": "X",
                "status": "pending",
                "contact": {"at": "2000-01-01T00:00:00Z", "way": "phone"},
            },
            ["body", "contact", "at"],
            "before the referral",
        ),
        (
            {"prospect": {"name": "A", "phone": "abc"}, "status": "referred"},
            ["body", "prospect", "phone"],
            "pattern",
        ),
        ({"customer_id": "X", "status": "referred", "tier": "premium"}, ["body", "tier"], "Extra inputs"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(client, body, loc, words):
    response = await file(client, TELLER, **body)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"][: len(loc)] == loc
    assert words in error["msg"]


async def test_a_moment_past_the_year_2999_is_a_422_not_a_500(client):
    """Found by the API fuzz: a meeting at 9999-12-31 was stored, then could not be shown in the
    branch's time zone (OverflowError, a 500)."""
    pending = await file(client, TELLER_2, customer_id="FAR1", status="pending", contact=contact())
    referral_id = pending.json()["referral_id"]
    copied = await client.post(f"/referrals/{referral_id}/register-copy", headers=WM)
    entry = copied.json()["entry_id"]
    far = "9999-12-31T23:00:00-12:00"
    attempts = [
        (f"/follow-ups/{entry}/appointments", {"meets_at": far}, ["body", "meets_at"]),
        (
            f"/follow-ups/{entry}/attempts",
            {"way": "phone", "result": "meeting_agreed", "meeting": {"meets_at": far}},
            ["body", "meeting", "meets_at"],
        ),
        ("/referrals", {"customer_id": "FAR2", "status": "pending", "wealth_manager_id": "wm-flow",
                        "contact": {"at": far, "way": "phone"}}, ["body", "contact", "at"]),
    ]  # fmt: skip
    for path, body, loc in attempts:
        response = await client.post(path, json=body, headers=WM if "follow-ups" in path else TELLER)
        assert response.status_code == 422, (path, response.text)
        assert [e["loc"] for e in response.json()["detail"]] == [loc]
    ok = await client.post(
        f"/follow-ups/{entry}/appointments", json={"meets_at": "2999-12-31T10:00:00+00:00"}, headers=WM
    )
    assert ok.status_code == 201 and ok.json()["meets_at_local"] == "2999-12-31T18:00:00+08:00"


async def test_who_may_do_what(client):
    filed = await file(client, TELLER, customer_id="WHO1", status="referred")
    referral_id = filed.json()["referral_id"]
    other_wm = auth(Role.WEALTH_MANAGER, "wm-other", "BRFLOW")
    refused = await client.post(
        f"/referrals/{referral_id}/confirmation", json={"met": True, "result": "sold"}, headers=other_wm
    )
    assert refused.status_code == 403 and "wm-flow" in refused.json()["detail"]
    assert (await client.post("/branches/BRFLOW/days/2026-01-05/close", headers=TELLER)).status_code == 403
    assert (await client.get("/branches/BRFLOW/referrals", headers=TELLER)).status_code == 403
    assert (
        await client.get("/branches/BRFLOW/referrals", headers=auth(Role.LOBBY_MANAGER, branch="BR2"))
    ).status_code == 403
    lobby_source = await file(client, TELLER, customer_id="WHO2", status="referred", source="lobby")
    assert lobby_source.status_code == 403
    assert (await client.post("/referrals", json={})).status_code == 401
    # a missing form and another branch's look the same, except to head office
    assert (await client.get(f"/referrals/{uuid.uuid4()}", headers=LOBBY)).status_code == 403
    assert (
        await client.get(f"/referrals/{referral_id}", headers=auth(Role.LOBBY_MANAGER, branch="BR2"))
    ).status_code == 403
    head_office = auth(Role.HEAD_OFFICE, "ho-1", "HO")
    assert (await client.get(f"/referrals/{uuid.uuid4()}", headers=head_office)).status_code == 404
    assert (await client.get(f"/referrals/{referral_id}", headers=head_office)).status_code == 200


async def test_refusals_are_in_chinese_unless_english_is_asked_for(client):
    first = await file(client, TELLER, customer_id="LANG1", status="referred")
    chinese = {**TELLER_2, "Accept-Language": "zh-CN"}
    again = await client.post(
        "/referrals",
        json={"customer_id": "LANG1", "status": "referred", "wealth_manager_id": "wm-flow"},
        headers=chinese,
    )
    assert again.status_code == 409 and again.headers["content-language"] == "zh-CN"
    assert again.json()["code"] == "already_referred"
    assert (
        again.json()["detail"].startswith("该客户已于 ")
        and first.json()["referral_id"] in again.json()["detail"]
    )
    refused = await client.post(
        f"/referrals/{first.json()['referral_id']}/confirmation",
        json={"met": True, "result": "sold"},
        headers={**auth(Role.WEALTH_MANAGER, "wm-x", "BRFLOW"), "Accept-Language": "zh-CN"},
    )
    assert refused.json()["detail"] == "只有推介表所指的理财经理 wm-flow 可以确认"
    invalid = await client.post(
        "/referrals",
        json={"customer_id": "LANG2", "status": "pending", "wealth_manager_id": "wm-flow"},
        headers=chinese,
    )
    assert invalid.json()["detail"][0]["msg"] == "待跟进的推介须填写约定的联络时间和方式"
