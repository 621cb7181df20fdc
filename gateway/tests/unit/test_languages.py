"""The gateway in the caller's language: Chinese unless ``Accept-Language`` (HTTP) or the
WebSocket's ``connection_init`` asks for English; labels beside the codes, the gateway's own
messages, and the language passed on to the services it calls."""

import asyncio
import json

import httpx
import pytest
import strawberry

from branchflow_gateway import access
from branchflow_gateway import schemas as schemas_module
from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime.access import Data
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import serving

from .conftest import graphql, token

LOBBY_LIST = """{ me { role roleLabel }
  lobbyList { channel channelLabel purpose purposeLabel observerRole observerRoleLabel handling handlingLabel
    guidance { action actionLabel alternatives alternativeLabels scriptCode script } } }"""
CHINESE = {
    "me": {"role": "lobby_manager", "roleLabel": "大堂经理"},
    "lobbyList": [
        {
            "channel": "BRANCH",
            "channelLabel": "理财中心识别",
            "purpose": None,
            "purposeLabel": None,
            "observerRole": None,
            "observerRoleLabel": None,
            "handling": None,
            "handlingLabel": None,
            "guidance": {
                "action": "MEET_WEALTH_MANAGER",
                "actionLabel": "引见理财经理",
                "alternatives": ["PRIORITY_COUNTER"],
                "alternativeLabels": ["优先窗口或绿色通道"],
                "scriptCode": None,
                "script": "Invite the customer to meet a wealth manager now.",  # no code: as given
            },
        }
    ],
}


async def test_labels_are_chinese_by_default_and_english_on_request(gateway, fake_identify):
    chinese = await graphql(gateway, LOBBY_LIST)
    english = await graphql(gateway, LOBBY_LIST, language="en-GB,en;q=0.9")
    assert chinese.json() == {"data": CHINESE}
    assert english.json()["data"]["me"]["roleLabel"] == "Lobby manager"
    [row] = english.json()["data"]["lobbyList"]
    assert (row["channel"], row["channelLabel"]) == ("BRANCH", "Wealth centre identification")
    assert row["guidance"]["actionLabel"] == "Meet a wealth manager"
    assert (chinese.headers["content-language"], english.headers["content-language"]) == ("zh-CN", "en")
    # identify was asked in the caller's language each time
    asked = [call.headers["accept-language"] for call in fake_identify.calls]
    assert asked == ["zh-CN", "en"]


async def test_a_script_is_the_words_of_its_code_in_the_callers_language(gateway):
    query = "{ counterObservations { purposeLabel guidance { scriptCode script } } }"
    zh = (await graphql(gateway, query, role=Role.TELLER)).json()["data"]["counterObservations"][0]
    en = (await graphql(gateway, query, role=Role.TELLER, language="en")).json()["data"][
        "counterObservations"
    ][0]
    assert zh["guidance"]["scriptCode"] == en["guidance"]["scriptCode"] == "meet_wealth_manager_or_card"
    assert zh["guidance"]["script"].startswith("邀请客户现在与理财经理面谈")
    assert en["guidance"]["script"].startswith("Invite the customer to meet a wealth manager now; if they")
    assert (zh["purposeLabel"], en["purposeLabel"]) == ("大额存取款", "Large cash deposit or withdrawal")


@pytest.mark.parametrize(
    ("language", "not_a_uuid", "no_token"),
    [
        (None, "identificationId“x”不是 UUID", "缺少 Bearer 令牌，请先登录"),
        ("en", "identificationId 'x' is not a UUID", "missing bearer token"),
    ],
)
async def test_the_gateways_own_messages_are_in_the_callers_language(gateway, language, not_a_uuid, no_token):
    query = '{ identificationTrace(identificationId: "x") { traceId } }'
    refused = await graphql(gateway, query, role=Role.OPS, language=language)
    assert refused.json()["errors"][0]["message"] == not_a_uuid
    anonymous = await graphql(gateway, "{ me { role } }", role=None, language=language)
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["message"] == no_token


async def _over_websocket(base_url: str, payload: dict, headers: dict | None = None) -> dict:
    from websockets.asyncio.client import connect

    url = f"{base_url.replace('http', 'ws')}/graphql?token={token(Role.LOBBY_MANAGER)}"
    async with connect(url, subprotocols=["graphql-transport-ws"], additional_headers=headers) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": LOBBY_LIST}}))
        message = json.loads(await ws.recv())
        assert message["type"] == "next", message
        return message["payload"]["data"]


async def test_a_websocket_connection_chooses_its_language_in_connection_init(fake_identify):
    app = create_app(
        GatewaySettings(live_updates=False),
        transports={"identify": httpx.MockTransport(fake_identify.handler)},
    )
    async with serving(app) as base_url, asyncio.timeout(20):
        chinese = await _over_websocket(base_url, {})
        english = await _over_websocket(base_url, {"Accept-Language": "en"})
        by_header = await _over_websocket(base_url, {}, headers={"Accept-Language": "en"})
        chosen_again = await _over_websocket(
            base_url, {"accept-language": "zh-CN"}, {"Accept-Language": "en"}
        )
    assert chinese == CHINESE
    assert english["me"]["roleLabel"] == by_header["me"]["roleLabel"] == "Lobby manager"
    assert english["lobbyList"][0]["guidance"]["alternativeLabels"] == ["Priority counter or green channel"]
    assert chosen_again == CHINESE
    asked = [call.headers["accept-language"] for call in fake_identify.calls]
    assert asked == ["zh-CN", "en", "en", "zh-CN"]


def test_a_label_declared_to_show_other_data_than_its_code_stops_the_gateway(monkeypatch):
    monkeypatch.setitem(schemas_module.SHOWS, ("Rating", "tierLabel"), Data.SCORE)
    with pytest.raises(access.Mislabelled, match=r"Rating\.tierLabel .* a label shows what its code shows"):
        build_schemas(GatewaySettings())


def test_a_code_without_its_label_stops_the_gateway():
    from branchflow_contracts import Channel

    @strawberry.type
    class Visit:
        channel: strawberry.enum(Channel, name="Channel")

    @strawberry.type
    class Query:
        visit: Visit

    schema = strawberry.Schema(query=Query)._schema
    with pytest.raises(
        access.Mislabelled, match=r"Visit\.channel is a code staff read: give it Visit\.channelLabel"
    ):
        access.check_labels(schema, {("Visit", "channel"): Data.IDENTIFICATION})


@pytest.mark.parametrize(
    ("code", "is_list", "label"), [("tier", False, "tierLabel"), ("alternatives", True, "alternativeLabels")]
)
def test_a_labels_name_says_which_code_it_labels(code, is_list, label):
    assert access.label_field(code, is_list) == label
    assert access.labelled_code(label) == code
