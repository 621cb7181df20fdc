"""The follow-up register is confidential (严禁泄漏): its wealth manager, the branch's deputy head
and head, and head office read an entry, and each read is recorded; a wealth manager of another
branch, a colleague, a teller or a lobby manager gets 403 and nothing is recorded."""

from datetime import UTC, datetime, timedelta

import pytest

from branchflow_runtime.auth import Role
from branchflow_runtime.privacy import BRANCH_ZONE

from .conftest import auth

pytestmark = pytest.mark.connected

BRANCH = "BRREG"
OWNER = auth(Role.WEALTH_MANAGER, "wm-owner", BRANCH)
HEAD = auth(Role.BRANCH_HEAD, "bh-reg", BRANCH)


@pytest.fixture(scope="module")
async def entry_id(client) -> str:
    filed = await client.post(
        "/referrals",
        json={
            "prospect": {"name": "钱女士", "phone": "13655556666"},
            "status": "pending",
            "wealth_manager_id": "wm-owner",
            "contact": {"at": (datetime.now(UTC) + timedelta(days=1)).isoformat(), "way": "phone"},
        },
        headers=auth(Role.TELLER, "t-reg", BRANCH),
    )
    assert filed.status_code == 201, filed.text
    copied = await client.post(f"/referrals/{filed.json()['referral_id']}/register-copy", headers=OWNER)
    entry_id = copied.json()["entry_id"]
    analysis = await client.put(
        f"/follow-ups/{entry_id}/analysis",
        json={"means": "runs a trading company", "likely_needs": "children's education abroad"},
        headers=OWNER,
    )
    assert analysis.status_code == 200, analysis.text
    return entry_id


@pytest.mark.parametrize(
    "headers",
    [
        auth(Role.WEALTH_MANAGER, "wm-owner", "BROTHER"),  # the same id in another branch
        auth(Role.WEALTH_MANAGER, "wm-elsewhere", "BROTHER"),
        auth(Role.WEALTH_MANAGER, "wm-colleague", BRANCH),
        auth(Role.TELLER, "t-reg", BRANCH),
        auth(Role.LOBBY_MANAGER, "lm-reg", BRANCH),
        auth(Role.MARKETING_MANAGER, "mm-reg", BRANCH),
        auth(Role.BRANCH_HEAD, "bh-other", "BROTHER"),
    ],
)
async def test_anyone_else_is_refused_and_nothing_is_recorded(client, entry_id, headers):
    before = await _log(client)
    response = await client.get(f"/follow-ups/{entry_id}", headers=headers)
    assert response.status_code == 403
    assert "runs a trading company" not in response.text
    batch = await client.get("/follow-ups", params={"ids": [entry_id]}, headers=headers)
    assert batch.status_code in (200, 403) and "runs a trading company" not in batch.text
    assert await _log(client) == before


async def test_the_allowed_reads_are_recorded_and_only_they(client, entry_id):
    readers = [
        ("wm-owner", auth(Role.WEALTH_MANAGER, "wm-owner", BRANCH)),
        ("dbh-reg", auth(Role.DEPUTY_BRANCH_HEAD, "dbh-reg", BRANCH)),
        ("bh-reg", HEAD),
        ("ho-1", auth(Role.HEAD_OFFICE, "ho-1", "HO")),
    ]
    before = await _log(client)
    for staff_id, headers in readers:
        response = await client.get(f"/follow-ups/{entry_id}", headers=headers)
        assert response.status_code == 200, (staff_id, response.text)
        assert response.json()["analysis"]["means"] == "runs a trading company"
        # the attacker's refused read in between is not recorded
        await client.get(f"/follow-ups/{entry_id}", headers=auth(Role.TELLER, "t-reg", BRANCH))
    reads = (await _log(client))[len(before) :]
    assert [(r["entry_id"], r["read_by"], r["via"]) for r in reads] == [
        (entry_id, staff_id, "entry") for staff_id, _ in readers
    ]
    assert {r["reader_role"] for r in reads} == {
        "wealth_manager",
        "deputy_branch_head",
        "branch_head",
        "head_office",
    }


async def test_only_the_owner_sees_the_prospects_phone(client, entry_id):
    owner = (await client.get(f"/follow-ups/{entry_id}", headers=OWNER)).json()
    head = (await client.get(f"/follow-ups/{entry_id}", headers=HEAD)).json()
    assert owner["person"]["phone"] == "13655556666" and owner["person"]["personal_data_masked"] is False
    assert head["person"]["phone"] == "136****6666" and head["person"]["name"] == "钱**"


async def test_the_register_and_the_diary_record_what_they_show(client, entry_id):
    today = datetime.now(BRANCH_ZONE).date()
    planned = await client.post(
        f"/follow-ups/{entry_id}/planned-contacts",
        json={"day": (today + timedelta(days=2)).isoformat(), "way": "phone", "purpose": "first call"},
        headers=OWNER,
    )
    assert planned.status_code == 201, planned.text
    before = await _log(client)
    register = await client.get("/wealth-managers/wm-owner/follow-ups", headers=OWNER)
    assert entry_id in [e["entry_id"] for e in register.json()]
    diary = await client.get(
        "/wealth-managers/wm-owner/diary", params={"day": planned.json()["day"]}, headers=OWNER
    )
    assert [c["entry_id"] for c in diary.json()["planned_contacts"]] == [entry_id]
    refused = await client.get(
        "/wealth-managers/wm-owner/diary", headers=auth(Role.WEALTH_MANAGER, "wm-colleague", BRANCH)
    )
    assert refused.status_code == 403
    reads = (await _log(client))[len(before) :]
    assert [(r["entry_id"], r["via"]) for r in reads if r["entry_id"] == entry_id] == [
        (entry_id, "register"),
        (entry_id, "diary"),
    ]


async def test_the_access_log_is_the_branch_heads(client, entry_id):
    for headers in (
        auth(Role.DEPUTY_BRANCH_HEAD, "dbh-reg", BRANCH),
        OWNER,
        auth(Role.BRANCH_HEAD, "x", "BROTHER"),
    ):
        response = await client.get(f"/branches/{BRANCH}/register-access-log", headers=headers)
        assert response.status_code == 403


async def _log(client) -> list[dict]:
    response = await client.get(f"/branches/{BRANCH}/register-access-log", headers=HEAD)
    assert response.status_code == 200, response.text
    return response.json()
