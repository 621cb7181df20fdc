"""Who may see what: tiers and amounts never reach the lobby or the counter, branch scope holds,
personal data is masked for staff who do not own the customer."""

import pytest

from branchflow_runtime.auth import Role

from .conftest import auth, gives_away

pytestmark = pytest.mark.connected

FACTS = {
    "branch_id": "BR001",
    "deposits": "1200000.00",
    "wealth_manager_id": "wm-owner",
    "name": "王芳",
    "id_number": "11010519491231002X",
    "phone": "13812345678",
    "address": "上海市浦东新区世纪大道100号",
}


async def test_facts_rerate_and_the_tier_change_is_reported(client):
    response = await client.put("/customers/ACC001/facts", json=FACTS, headers=auth(Role.WEALTH_MANAGER))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tier_changed"] is True
    assert body["rating"]["tier"] == "premium"
    again = await client.put("/customers/ACC001/facts", json=FACTS, headers=auth(Role.WEALTH_MANAGER))
    assert again.json()["tier_changed"] is False


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
async def test_lobby_and_counter_never_get_a_tier_score_or_amount(client, role):
    await client.put("/customers/ACC002/facts", json=FACTS, headers=auth(Role.WEALTH_MANAGER))
    observed = await client.post(
        "/observations", json={"customer_id": "ACC002", "signals": []}, headers=auth(role)
    )
    listed = await client.get("/branches/BR001/identifications", headers=auth(role))
    rating = await client.get("/customers/ACC002/rating", headers=auth(role))
    assert observed.status_code == 201 and listed.status_code == 200
    assert rating.status_code == 403
    for text in (observed.text, listed.text):
        for word in ('"tier"', '"score"', '"explanation"'):
            assert word not in text
        assert gives_away(text, 1_200_000) == []


async def test_another_branch_is_forbidden(client):
    await client.put("/customers/ACC003/facts", json=FACTS, headers=auth(Role.WEALTH_MANAGER))
    other = auth(Role.WEALTH_MANAGER, branch="BR002")
    assert (await client.get("/customers/ACC003/rating", headers=other)).status_code == 403
    assert (await client.get("/branches/BR001/identifications", headers=other)).status_code == 403
    head_office = auth(Role.HEAD_OFFICE, branch="HO")
    assert (await client.get("/customers/ACC003/rating", headers=head_office)).status_code == 200


async def test_personal_data_is_masked_unless_you_own_the_customer(client):
    await client.put("/customers/ACC004/facts", json=FACTS, headers=auth(Role.WEALTH_MANAGER))
    owner = (
        await client.get("/customers/ACC004/facts", headers=auth(Role.WEALTH_MANAGER, "wm-owner"))
    ).json()
    other = (
        await client.get("/customers/ACC004/facts", headers=auth(Role.WEALTH_MANAGER, "wm-other"))
    ).json()
    assert owner["personal_data"]["id_number"] == "11010519491231002X"
    assert owner["personal_data_masked"] is False
    assert other["personal_data"]["id_number"] == "110***********002X"
    assert other["personal_data"]["phone"] == "138****5678"
    assert other["personal_data"]["name"] == "王*"
    assert other["personal_data_masked"] is True


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer nonsense"}, 401)],
)
async def test_no_or_bad_token_is_401(client, headers, status):
    response = await client.post("/observations", json={"customer_id": "X1"}, headers=headers)
    assert response.status_code == status
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": "bad id!"}, ["body", "customer_id"]),
        ({"customer_id": "C1", "channel": "telepathy"}, ["body", "channel"]),
        (
            {"customer_id": "C1", "signals": [{"category": "large_business", "kind": "remittance"}]},
            ["body", "signals", 0],
        ),
        ({"customer_id": "C1", "unexpected": 1}, ["body", "unexpected"]),
    ],
)
async def test_bad_input_names_the_field(client, body, field):
    response = await client.post("/observations", json=body, headers=auth(Role.LOBBY_MANAGER))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == field


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        (None, "柜员不能在“外部挖掘”途径记录，可用途径：理财中心识别"),
        ("en", "channel External mining is not for role Teller; use Wealth centre identification"),
    ],
)
async def test_a_teller_cannot_record_on_the_external_channel(client, language, detail):
    headers = auth(Role.TELLER) | ({"Accept-Language": language} if language else {})
    response = await client.post(
        "/observations", json={"customer_id": "C9", "channel": "external"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert response.json()["code"] == "observation.channel_not_for_role"
    assert response.json()["params"] == {"channel": "external", "role": "teller", "allowed": ["branch"]}


async def test_list_shows_times_in_the_branch_zone(client):
    await client.post("/observations", json={"customer_id": "TZ001"}, headers=auth(Role.LOBBY_MANAGER))
    [row] = [
        r
        for r in (await client.get("/branches/BR001/identifications", headers=auth(Role.BRANCH_HEAD))).json()
        if r["customer_id"] == "TZ001"
    ]
    assert row["identified_at_local"].endswith("+08:00")
    assert row["identified_at"].endswith("Z") or row["identified_at"].endswith("+00:00")


async def test_a_day_out_of_range_is_refused_not_a_server_error(client):
    response = await client.get(
        "/branches/BR001/identifications", params={"day": "0001-01-01"}, headers=auth(Role.BRANCH_HEAD)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "day"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "王\x00芳"}, "name"),
        ({"address": "世纪大道\x00100号"}, "address"),
        ({"branch_id": "BR\x00001"}, "branch_id"),
        ({"wealth_manager_id": "wm owner"}, "wealth_manager_id"),
    ],
)
async def test_facts_with_control_characters_or_odd_ids_are_refused_and_name_the_field(client, change, field):
    """PostgreSQL refuses NUL in text: caught as bad input, never a server error."""
    response = await client.put(
        "/customers/ACC009/facts", json={**FACTS, **change}, headers=auth(Role.HEAD_OFFICE)
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_free_text_keeps_any_script_and_line_breaks(client):
    facts = {**FACTS, "address": "上海市浦东新区\n世纪大道100号", "name": "欧阳\t娜娜"}
    response = await client.put("/customers/ACC010/facts", json=facts, headers=auth(Role.WEALTH_MANAGER))
    assert response.status_code == 200, response.text


async def test_occupation_and_standing_in_chinese_are_understood_and_scored(client):
    facts = {**FACTS, "deposits": "100000.00", "occupation": "企业主", "social_standing": "社会名流"}
    response = await client.put("/customers/ACC011/facts", json=facts, headers=auth(Role.WEALTH_MANAGER))
    assert response.status_code == 200, response.text
    lines = {line["code"]: line for line in response.json()["rating"]["explanation"]}
    assert lines["personal.occupation"]["params"] == {"occupation": "entrepreneur"}
    assert lines["personal.social_standing"]["points"] == "10"
    stored = await client.get("/customers/ACC011/facts", headers=auth(Role.WEALTH_MANAGER))
    assert stored.json()["facts"]["occupation"] == "entrepreneur"


@pytest.mark.parametrize(("field", "value"), [("occupation", "宇航员"), ("social_standing", "royalty")])
async def test_a_term_that_matches_nothing_is_a_422_naming_the_field(client, field, value):
    response = await client.put(
        "/customers/ACC012/facts", json={**FACTS, field: value}, headers=auth(Role.WEALTH_MANAGER)
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert error["type"] == "vocabulary.unknown_term"
    assert value in error["msg"]
    nothing_written = await client.get(
        "/customers/ACC012/rating", headers=auth(Role.HEAD_OFFICE, branch="HO")
    )
    assert nothing_written.status_code == 404


async def test_a_branch_path_with_a_nul_is_refused_not_a_server_error(client):
    response = await client.get("/branches/BR%00001/identifications", headers=auth(Role.HEAD_OFFICE))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "branch_id"]


async def test_a_token_whose_branch_is_a_list_is_401_not_read_as_text(client):
    import jwt

    from branchflow_runtime.settings import DEV_JWT_SECRET

    claims = {"sub": "lm-9", "role": "lobby_manager", "branch": ["BR001", "BR002"], "exp": 4102444800}
    token = jwt.encode(
        {**claims, "aud": "branchflow", "iss": "branchflow"}, DEV_JWT_SECRET, algorithm="HS256"
    )
    response = await client.get(
        "/branches/BR001/identifications",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "claim 'branch'" in response.json()["detail"]


async def test_outside_the_branch_a_record_that_exists_and_one_that_does_not_look_the_same(client):
    """403 either way: a refusal does not reveal whether another branch's customer exists."""
    await client.put(
        "/customers/ELSE001/facts",
        json={**FACTS, "branch_id": "BR002"},
        headers=auth(Role.HEAD_OFFICE, branch="HO"),
    )
    for path in ("/customers/{}/rating", "/customers/{}/facts"):
        existing = await client.get(path.format("ELSE001"), headers=auth(Role.WEALTH_MANAGER))
        missing = await client.get(path.format("NOSUCH9"), headers=auth(Role.WEALTH_MANAGER))
        assert existing.status_code == missing.status_code == 403
    head_office = await client.get("/customers/NOSUCH9/rating", headers=auth(Role.HEAD_OFFICE, branch="HO"))
    assert head_office.status_code == 404


async def test_a_visiting_customers_tier_stays_with_the_home_branch(client):
    """BR001's lobby records BR002's premium customer: BR001 serves them with the guidance and
    sees they are a visitor, but neither its list nor its counts show their tier or score."""
    await client.put(
        "/customers/VISIT01/facts",
        json={**FACTS, "branch_id": "BR002"},
        headers=auth(Role.HEAD_OFFICE, branch="HO"),
    )
    observed = await client.post(
        "/observations", json={"customer_id": "VISIT01"}, headers=auth(Role.LOBBY_MANAGER)
    )
    assert observed.status_code == 201
    assert observed.json()["guidance"]["call_wealth_manager"] is True  # served as premium

    rows = (await client.get("/branches/BR001/identifications", headers=auth(Role.BRANCH_HEAD))).json()
    [row] = [r for r in rows if r["customer_id"] == "VISIT01"]
    assert row["visiting"] is True and row["customer_branch_id"] == "BR002"
    assert row["tier"] is None and row["score"] is None and row["previous_tier"] is None
    assert row["guidance"]["call_wealth_manager"] is True
    counts = (
        await client.get("/branches/BR001/identification-counts", headers=auth(Role.BRANCH_HEAD))
    ).json()
    assert counts["visiting"] >= 1
    rating = await client.get("/customers/VISIT01/rating", headers=auth(Role.BRANCH_HEAD))
    assert rating.status_code == 403

    # the home branch reads it all
    home = auth(Role.BRANCH_HEAD, branch="BR002")
    assert (await client.get("/customers/VISIT01/rating", headers=home)).json()["tier"] == "premium"
