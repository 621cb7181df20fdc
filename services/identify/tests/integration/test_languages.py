"""identify's REST API in the caller's language: zh-CN unless Accept-Language asks for English,
said in Content-Language; codes (`type`, `loc`) stay as they are."""

import pytest

from branchflow_runtime.auth import Role

from .conftest import auth, gives_away

pytestmark = pytest.mark.connected

BAD_OBSERVATION = {"customer_id": "", "channel": "teleport", "signals": [{"category": "appearance"}]}


async def _refused(client, language: str | None):
    headers = auth(Role.LOBBY_MANAGER) | ({"Accept-Language": language} if language else {})
    response = await client.post("/observations", json=BAD_OBSERVATION, headers=headers)
    assert response.status_code == 422, response.text
    return response


async def test_validation_messages_are_chinese_by_default_and_english_on_request(client):
    chinese, english = await _refused(client, None), await _refused(client, "en-US,en;q=0.9")
    assert chinese.headers["content-language"] == "zh-CN"
    assert english.headers["content-language"] == "en"
    assert "Accept-Language" in chinese.headers["vary"]
    zh = {tuple(e["loc"]): e for e in chinese.json()["detail"]}
    en = {tuple(e["loc"]): e for e in english.json()["detail"]}
    assert zh.keys() == en.keys()
    assert zh[("body", "customer_id")]["msg"] == "字符串长度应至少为 1 个字符"
    assert en[("body", "customer_id")]["msg"] == "String should have at least 1 character"
    assert zh[("body", "signals", 0, "kind")]["msg"] == "必填字段"
    assert en[("body", "signals", 0, "kind")]["msg"] == "Field required"
    assert zh[("body", "channel")]["msg"].startswith("输入应为 ")
    for loc, error in zh.items():  # the codes a front end keys on are the same in both
        assert _without_msg(error) == _without_msg(en[loc])


def _without_msg(error: dict) -> dict:
    return {key: value for key, value in error.items() if key != "msg"}


async def test_chinese_is_asked_for_too(client):
    response = await _refused(client, "zh-Hans-CN, en;q=0.5")
    assert response.headers["content-language"] == "zh-CN"
    assert response.json()["detail"][0]["msg"] != "String should have at least 1 character"


@pytest.mark.parametrize(
    ("language", "content_language", "missing", "refused"),
    [
        (None, "zh-CN", "缺少 Bearer 令牌，请先登录", "大堂经理无权查看客户类型"),
        ("en", "en", "missing bearer token", "Lobby manager may not read customer tier"),
    ],
)
async def test_refusals_are_worded_in_the_callers_language(
    client, language, content_language, missing, refused
):
    headers = {"Accept-Language": language} if language else {}
    no_token = await client.get("/customers/C1/rating", headers=headers)
    lobby = await client.get("/customers/C1/rating", headers=headers | auth(Role.LOBBY_MANAGER))
    assert no_token.status_code == 401 and lobby.status_code == 403
    assert no_token.json()["detail"] == missing
    assert lobby.json()["detail"].startswith(refused)
    assert no_token.headers["content-language"] == lobby.headers["content-language"] == content_language


async def test_a_bad_token_says_why_in_chinese(client):
    response = await client.get("/customers/C1/rating", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("令牌无效：")


async def test_another_branch_is_named_in_chinese(client):
    other = auth(Role.BRANCH_HEAD, branch="BR002")
    response = await client.get("/branches/BR001/identifications", headers=other)
    assert response.json()["detail"] == "网点 BR001 不属于您所在的网点 BR002"


FACTS = {"branch_id": "BR001", "deposits": "1200000.00", "wealth_manager_id": "wm-owner"}  # premium
# what the lobby saw: a large cash deposit (an amount it typed in) and our VIP card
SEEN = [
    {"category": "large_business", "kind": "cash_deposit", "amount": "500000"},
    {"category": "appearance", "kind": "own_bank_vip_card"},
]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("language", [None, "zh-CN", "en"])
@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
async def test_lobby_and_counter_read_no_tier_word_or_amount_in_any_language(client, role, language):
    """Everything a lobby or counter screen gets — the guidance of an observation, of a walk-in
    prospect and of someone queuing, the lobby list, the tellers' list — says where to send the
    customer, in the caller's language, and nothing of a tier or an amount in any language or form."""
    await client.put("/customers/LANG01/facts", json=FACTS, headers=auth(Role.WEALTH_MANAGER))
    headers = auth(role) | ({"Accept-Language": language} if language else {})
    visit = {"signals": SEEN, "purpose": "large_cash"}
    observed = await client.post("/observations", json={"customer_id": "LANG01", **visit}, headers=headers)
    prospect = await client.post("/prospects", json={"name": "林先生", **visit}, headers=headers)
    queued = await client.post(
        "/queue-checks", json={"purpose": "small_cash", "customer_id": "LANG01"}, headers=headers
    )
    listed = await client.get("/branches/BR001/identifications?include_prospects=true", headers=headers)
    counter = await client.get("/branches/BR001/counter-observations", headers=headers)
    answers = [observed, prospect, queued, listed, counter]
    assert [a.status_code for a in answers] == [201, 201, 201, 200, 200], [a.text for a in answers]

    chinese = language != "en"
    guidance = observed.json()["guidance"]
    assert guidance["script_code"] == "priority_counter_first"  # the code stays a code
    assert _has_chinese(guidance["script"]) is chinese  # the words are the caller's
    assert _has_chinese(guidance["action_label"]) is chinese
    assert _has_chinese(prospect.json()["guidance"]["script"]) is chinese
    for answer in answers:
        assert answer.headers["content-language"] == ("zh-CN" if chinese else "en")
        assert gives_away(answer.text, 1_200_000, 500_000) == [], answer.text
    # the check sees a tier where there is one: in the customer's own wealth manager's view
    rating = await client.get(
        "/customers/LANG01/rating",
        headers=auth(Role.WEALTH_MANAGER, "wm-owner") | ({"Accept-Language": language} if language else {}),
    )
    tier_label = "普通优质客户" if chinese else "Premium customer"
    assert rating.json()["tier_label"] == tier_label and tier_label in gives_away(rating.text)
