"""Targeted marketing over the API (a seminar with friends brought, a handover into a wealth
manager's register, an introduction thanked), the views each role reads, and that nothing a lobby
manager or teller gets carries a tier, a score or an amount."""

from datetime import UTC, datetime, timedelta

import pytest

from branchflow_runtime.auth import Role
from branchflow_runtime.privacy import BRANCH_ZONE
from referral import handlers
from referral.unit_of_work import sql_unit_of_work

from .conftest import auth

pytestmark = pytest.mark.connected

BRANCH = "BRMKT"
MARKETING = auth(Role.MARKETING_MANAGER, "mm-mkt", BRANCH)
WM = auth(Role.WEALTH_MANAGER, "wm-mkt", BRANCH)
TODAY = datetime.now(BRANCH_ZONE).date()


def contact() -> dict:
    return {"at": (datetime.now(UTC) + timedelta(days=2)).isoformat(), "way": "visit"}


async def test_a_salon_ends_with_a_handover_into_the_managers_register(client):
    salon = await client.post(
        "/seminars",
        json={
            "kind": "salon",
            "day": TODAY.isoformat(),
            "topic": "Saving for a child's education",
            "place": "Wealth centre, 2nd floor",
            "attendees": [
                {
                    "customer_id": "MKT1",
                    "friends": [{"prospect": {"name": "孙先生", "phone": "13500001111"}}],
                },
                {"customer_id": "MKT2"},
            ],
        },
        headers=MARKETING,
    )
    assert salon.status_code == 201, salon.text
    activity = salon.json()
    attendee, guest, _ = activity["participants"]
    assert (guest["role"], guest["brought_by"]) == ("guest", attendee["person_id"])
    assert guest["person"]["phone"] == "13500001111"  # the organiser sees the data it hands over

    handed = await client.post(
        f"/marketing-activities/{activity['activity_id']}/participants/{guest['person_id']}/handover",
        json={"wealth_manager_id": "wm-mkt", "contact": contact(), "note": "interested in education funds"},
        headers=MARKETING,
    )
    assert handed.status_code == 201, handed.text
    referral = handed.json()
    assert (referral["filed_as"], referral["status"], referral["source"], referral["referred_by"]) == (
        "pending",
        "copied",
        "seminar",
        "mm-mkt",
    )
    register = await client.get("/wealth-managers/wm-mkt/follow-ups", headers=WM)
    [entry] = [e for e in register.json() if e["referral_id"] == referral["referral_id"]]
    assert entry["person"]["name"] == "孙先生" and entry["source"] == "seminar"

    # a colleague reading the activity sees the guest's data masked
    seen = await client.get(
        f"/marketing-activities/{activity['activity_id']}", headers=auth(Role.WEALTH_MANAGER, "wm-x", BRANCH)
    )
    assert seen.json()["participants"][1]["person"]["phone"] == "135****1111"
    listed = await client.get(
        f"/branches/{BRANCH}/marketing-activities", params={"kind": "salon"}, headers=MARKETING
    )
    assert activity["activity_id"] in [a["activity_id"] for a in listed.json()]
    assert (
        await client.post("/seminars", json={}, headers=auth(Role.TELLER, branch=BRANCH))
    ).status_code == 403


async def test_an_introduction_is_thanked_with_a_reward_flag(client):
    intro = await client.post(
        "/introductions",
        json={
            "day": TODAY.isoformat(),
            "introducer_customer_id": "MKT5",
            "introduced": [{"customer_id": "MKT6"}],
        },
        headers=WM,
    )
    assert intro.status_code == 201, intro.text
    thanked = await client.post(
        f"/marketing-activities/{intro.json()['activity_id']}/introducer-thanks",
        json={"reward_due": True},
        headers=WM,
    )
    assert (thanked.json()["thanked_by"], thanked.json()["reward_due"]) == ("wm-mkt", True)
    again = await client.post(
        f"/marketing-activities/{intro.json()['activity_id']}/introducer-thanks",
        json={"reward_due": False},
        headers=WM,
    )
    assert again.status_code == 409 and again.json()["code"] == "already_thanked"
    bad = await client.post(
        "/introductions",
        json={"day": TODAY.isoformat(), "introducer_customer_id": "MKT5", "introduced": []},
        headers=WM,
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "introduced"]


async def test_a_field_visit_handover_of_a_customer_already_referred_says_why(client):
    await client.post(
        "/referrals",
        json={"customer_id": "MKT9", "status": "referred", "wealth_manager_id": "wm-mkt"},
        headers=auth(Role.TELLER, "t-mkt", BRANCH),
    )
    visit = await client.post(
        "/field-visits",
        json={"day": TODAY.isoformat(), "place": "Riverside garden estate", "met": [{"customer_id": "MKT9"}]},
        headers=MARKETING,
    )
    person = visit.json()["participants"][0]["person_id"]
    handed = await client.post(
        f"/marketing-activities/{visit.json()['activity_id']}/participants/{person}/handover",
        json={"wealth_manager_id": "wm-mkt", "contact": contact()},
        headers=MARKETING,
    )
    assert handed.status_code == 409 and handed.json()["code"] == "already_referred"


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
async def test_lobby_and_counter_answers_carry_no_tier_score_or_amount(client, role):
    staff = auth(role, f"{role.value}-lc", "BRLOB")
    filed = await client.post(
        "/referrals",
        json={"customer_id": f"LC-{role.value}", "status": "referred", "wealth_manager_id": "wm-lc"},
        headers=staff,
    )
    await client.post(
        f"/referrals/{filed.json()['referral_id']}/confirmation",
        json={"met": True, "result": "not_premium"},
        headers=auth(Role.WEALTH_MANAGER, "wm-lc", "BRLOB"),
    )
    answers = [
        filed,
        await client.get(f"/referrals/{filed.json()['referral_id']}", headers=staff),
        await client.get("/me/referrals", headers=staff),
        await client.post(
            "/referrals",
            json={"customer_id": f"LC-{role.value}", "status": "referred", "wealth_manager_id": "wm-lc"},
            headers=staff,
        ),
    ]
    if role is Role.LOBBY_MANAGER:
        answers += [
            await client.get(f"/branches/BRLOB/days/{TODAY.isoformat()}", headers=staff),
            await client.get("/branches/BRLOB/referrals", headers=staff),
            await client.get("/branches/BRLOB/suggestions", headers=staff),
            await client.get("/branches/BRLOB/referral-counts", params={"period": "week"}, headers=staff),
        ]
    assert answers[3].status_code == 409
    for answer in answers:
        assert answer.status_code < 500, answer.text
        for word in ("tier", "score", "amount", "premium"):
            assert word not in answer.text.lower(), (answer.request.url, word)


async def test_counts_for_head_office_and_the_monthly_summary_view(client, referral_app):
    await client.post(
        "/referrals",
        json={"customer_id": "SUM1", "status": "referred", "wealth_manager_id": "wm-sum"},
        headers=auth(Role.TELLER, "t-sum", "BRSUM"),
    )
    head_office = auth(Role.HEAD_OFFICE, "ho-1", "HO")
    every = await client.get("/referral-counts", params={"period": "month"}, headers=head_office)
    assert "BRSUM" in [c["branch_id"] for c in every.json()]
    assert (
        await client.get("/referral-counts", headers=auth(Role.BRANCH_HEAD, branch="BRSUM"))
    ).status_code == 403

    # the job, as the service runs it, on the first working day of next month
    container = referral_app.state.container
    first_of_next = (TODAY.replace(day=28) + timedelta(days=4)).replace(day=1)
    first_working = next(
        d for d in (first_of_next + timedelta(n) for n in range(15)) if container.calendar.is_working_day(d)
    )
    at = datetime.combine(first_working, datetime.min.time(), tzinfo=BRANCH_ZONE) + timedelta(hours=9)
    sent = await handlers.issue_monthly_summaries(
        lambda: sql_unit_of_work(container.engine), container.calendar, at
    )
    month = f"{TODAY.year:04d}-{TODAY.month:02d}"
    assert ("BRSUM", month) in sent
    again = await handlers.issue_monthly_summaries(
        lambda: sql_unit_of_work(container.engine), container.calendar, at
    )
    assert again == []
    summary = await client.get(
        f"/branches/BRSUM/monthly-summaries/{month}", headers=auth(Role.BRANCH_HEAD, branch="BRSUM")
    )
    assert summary.status_code == 200, summary.text
    assert [(c["staff_id"], c["filed"]) for c in summary.json()["counts"]] == [("t-sum", 1)]
    refused = await client.get(
        f"/branches/BRSUM/monthly-summaries/{month}", headers=auth(Role.TELLER, branch="BRSUM")
    )
    assert refused.status_code == 403
    missing = await client.get(
        "/branches/BRSUM/monthly-summaries/2001-01", headers=auth(Role.BRANCH_HEAD, branch="BRSUM")
    )
    assert missing.status_code == 404
