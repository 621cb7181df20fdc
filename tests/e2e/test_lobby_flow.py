"""End to end over real HTTP and a real broker: a lobby manager's GraphQL mutation goes through
the gateway to the identify service, its customer.identified event reaches a plain Kafka
consumer with the trace id of the GraphQL request, and the lobby's subscription delivers it."""

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from opentelemetry import context as otel_context
from opentelemetry import propagate
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from websockets.asyncio.client import connect

from branchflow_contracts import Topic
from branchflow_gateway.app import create_app as create_gateway
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.telemetry import setup_tracing
from branchflow_runtime.testing import read_events, serving
from identify.bootstrap import create_app as create_identify
from identify.config import IdentifySettings

pytestmark = pytest.mark.connected

LOBBY = mint_token("lm-e2e", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET)
OTHER_BRANCH_LOBBY = mint_token("lm-e2e-2", Role.LOBBY_MANAGER, "BR002", secret=DEV_JWT_SECRET)
SUBSCRIPTION = "subscription { lobbyIdentifications { identificationId customerId guidance { action } } }"
MUTATION = """mutation($o: ObservationInput!) {
  recordObservation(observation: $o) { identificationId guidance { action callWealthManager } } }"""


SPANS = InMemorySpanExporter()
IDENTIFY_TEST_RULES = Path(__file__).parents[2] / "services" / "identify" / "tests" / "rules"


@pytest.fixture(scope="module")
async def platform(kafka_broker, database_factory):
    setup_tracing("e2e", [SimpleSpanProcessor(SPANS)])  # both apps run in this process
    identify = create_identify(
        IdentifySettings(
            database_url=await database_factory("e2e_identify"),
            kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
            start_consumers=False,
            start_sweeper=False,
            relay_idle_poll_seconds=0.2,
            # identify's test rules: what this test expects does not move when the bank edits its own
            rating_rules_path=IDENTIFY_TEST_RULES / "rating.toml",
            exchange_rates_path=IDENTIFY_TEST_RULES / "exchange_rates.toml",
        )
    )
    async with serving(identify) as identify_url:
        gateway = create_gateway(
            GatewaySettings(
                identify_url=identify_url,
                kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
                lobby_list_cache_seconds=300,  # a kept list that missed an event would stay stale
            )
        )
        async with (
            serving(gateway) as gateway_url,
            httpx.AsyncClient(base_url=gateway_url, timeout=10) as client,
        ):
            # the gateway's live feed follows from its start (it makes the topic if need be)
            await asyncio.wait_for(gateway.state.gateway.domains["identify"].live.ready.wait(), 30)
            warm = await client.post(
                "/graphql",
                json={"query": MUTATION, "variables": {"o": {"customerId": "E2EWARM"}}},
                headers={"Authorization": f"Bearer {LOBBY}"},
            )
            assert warm.status_code == 200, warm.text
            yield client, gateway_url.replace("http://", "ws://") + "/graphql", identify_url


async def _record(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post(
        "/graphql",
        json={
            "query": MUTATION,
            "variables": {
                "o": {
                    "customerId": "E2E001",
                    "purpose": "LARGE_CASH",
                    "signals": [
                        {"category": "APPEARANCE", "kind": "luxury_car"},
                        {"category": "APPEARANCE", "kind": "other_bank_vip_card"},
                        {"category": "INFORMATION", "kind": "high_end_residence"},
                        {"category": "LARGE_BUSINESS", "kind": "cash_deposit", "amount": "800000.00"},
                    ],
                }
            },
        },
        headers={"Authorization": f"Bearer {LOBBY}"},
    )


async def subscribe(url: str, token: str):
    ws = await connect(url, subprotocols=["graphql-transport-ws"])  # the token goes in connection_init
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    ack = await ws.recv()
    assert isinstance(ack, str), "graphql-transport-ws messages are text frames"
    assert json.loads(ack)["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    await asyncio.sleep(0.2)  # let the subscription register before the event
    return ws


async def next_push_for(ws, identification_id: str) -> dict:
    """The pushed row of one identification (earlier ones of the branch may come first)."""
    while True:
        frame = await ws.recv()
        assert isinstance(frame, str), "graphql-transport-ws messages are text frames"
        message = json.loads(frame)
        assert message["type"] == "next", message
        row = message["payload"]["data"]["lobbyIdentifications"]
        if row["identificationId"] == identification_id:
            return row


async def test_mutation_to_kafka_with_one_trace_and_the_lobby_is_pushed(platform, kafka_broker):
    client, ws_url, _ = platform
    lobby_ws = await subscribe(ws_url, LOBBY)
    other_branch_ws = await subscribe(ws_url, OTHER_BRANCH_LOBBY)
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    # the front end's trace: httpx is instrumented in this process, so the request is sent
    # inside that trace (a bare traceparent header would be replaced by the client's span)
    token = otel_context.attach(propagate.extract({"traceparent": f"00-{trace_id}-b7ad6b7169203331-01"}))
    try:
        response = await _record(client)
    finally:
        otel_context.detach(token)
    body = response.json()
    assert "errors" not in body, body
    result = body["data"]["recordObservation"]
    assert result["guidance"] == {"action": "MEET_WEALTH_MANAGER", "callWealthManager": True}

    # the event, read by a plain Kafka consumer: same identification, same trace
    [record] = await read_events(
        kafka_broker.bootstrap_servers,
        Topic.CUSTOMER_IDENTIFIED,
        1,
        match=lambda r: json.loads(r.value)["identification_id"] == result["identificationId"],
    )
    assert dict(record.headers)["traceparent"].decode().split("-")[1] == trace_id

    # ops see the hop: the gateway's client span is the parent of identify's server span
    spans = [s for s in SPANS.get_finished_spans() if format(s.context.trace_id, "032x") == trace_id]
    [client_span] = [s for s in spans if s.kind is SpanKind.CLIENT and "/observations" in str(s.attributes)]
    hop = client_span.context.span_id
    [server_span] = [s for s in spans if s.kind is SpanKind.SERVER and s.parent and s.parent.span_id == hop]
    assert "/observations" in server_span.name

    # the lobby of BR001 is pushed the guidance; BR002's lobby is not
    row = await asyncio.wait_for(next_push_for(lobby_ws, result["identificationId"]), 15)
    assert row == {
        "identificationId": result["identificationId"],
        "customerId": "E2E001",
        "guidance": {"action": "MEET_WEALTH_MANAGER"},
    }
    with pytest.raises(TimeoutError):  # BR002's lobby hears nothing of BR001
        await asyncio.wait_for(other_branch_ws.recv(), 1.0)

    # …and the gateway's live feed handled the event in the same trace: gateway → identify →
    # outbox → Kafka → gateway, one trace for ops
    spans = {
        s.context.span_id: s
        for s in SPANS.get_finished_spans()
        if format(s.context.trace_id, "032x") == trace_id
    }
    [feed_span] = [s for s in spans.values() if s.name == f"{Topic.CUSTOMER_IDENTIFIED} process"]
    assert feed_span.kind is SpanKind.CONSUMER
    assert spans[feed_span.parent.span_id].kind is SpanKind.PRODUCER  # the relay's publish
    await lobby_ws.close()
    await other_branch_ws.close()


async def test_a_websocket_without_a_valid_token_is_closed(platform):
    _, ws_url, _ = platform
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    with pytest.raises((ConnectionClosed, InvalidStatus)):
        ws = await connect(f"{ws_url}?token=forged", subprotocols=["graphql-transport-ws"])
        await ws.recv()


async def graphql_as(
    client: httpx.AsyncClient, token: str, query: str, variables: dict | None = None
) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_other_roles_views_against_the_real_service(platform):
    client, _, _ = platform
    recorded = await graphql_as(
        client,
        LOBBY,
        MUTATION,
        {"o": {"customerId": "E2E002", "signals": [{"category": "APPEARANCE", "kind": "celebrity"}]}},
    )
    identification_id = recorded["data"]["recordObservation"]["identificationId"]

    ops = mint_token("op-e2e", Role.OPS, "HO", secret=DEV_JWT_SECRET)
    trace = await graphql_as(
        client,
        ops,
        f'{{ identificationTrace(identificationId: "{identification_id}") {{ traceId branchId }} }}',
    )
    assert trace["data"]["identificationTrace"]["branchId"] == "BR001"
    assert len(trace["data"]["identificationTrace"]["traceId"]) == 32

    head = mint_token("bh-e2e", Role.BRANCH_HEAD, "BR001", secret=DEV_JWT_SECRET)
    counts = await graphql_as(
        client, head, "{ identificationCounts { branchId total byChannel { channel count } } }"
    )
    own = counts["data"]["identificationCounts"]
    assert own["branchId"] == "BR001" and own["total"] >= 2
    assert {c["channel"]: c["count"] for c in own["byChannel"]}["BRANCH"] == own["total"]
    other = await graphql_as(client, head, '{ identificationCounts(branchId: "BR002") { total } }')
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    head_office = mint_token("ho-e2e", Role.HEAD_OFFICE, "HO", secret=DEV_JWT_SECRET)
    across = await graphql_as(client, head_office, "{ branchIdentificationCounts { branchId total } }")
    assert "BR001" in {row["branchId"] for row in across["data"]["branchIdentificationCounts"]}

    wealth = mint_token("wm-e2e", Role.WEALTH_MANAGER, "BR001", secret=DEV_JWT_SECRET)
    rating = await graphql_as(
        client,
        wealth,
        '{ customerRating(customerId: "E2E002") { tier score explanation { factor points } } }',
    )
    explanation = rating["data"]["customerRating"]["explanation"]
    scored = [line for line in explanation if line["factor"] != "tier"]
    assert scored == [{"factor": "appearance", "points": "10"}]
    assert {line["factor"] for line in explanation} == {"appearance", "tier"}  # why this type, not the next
    elsewhere = mint_token("wm-e2e-2", Role.WEALTH_MANAGER, "BR002", secret=DEV_JWT_SECRET)
    forbidden = await graphql_as(client, elsewhere, '{ customerRating(customerId: "E2E002") { tier } }')
    assert forbidden["data"]["customerRating"] is None
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


LOBBY_LIST = "{ lobbyList { identificationId customerId } }"


async def lobby_ids(client: httpx.AsyncClient) -> list[str]:
    body = await graphql_as(client, LOBBY, LOBBY_LIST)
    return [row["identificationId"] for row in body["data"]["lobbyList"]]


async def test_the_kept_lobby_list_follows_every_identification(platform):
    """The gateway keeps the lobby list between identifications: its own mutation shows at once,
    and one recorded elsewhere (another gateway, a teller's system) shows once its event arrives."""
    client, _, identify_url = platform
    before = await lobby_ids(client)
    recorded = await graphql_as(client, LOBBY, MUTATION, {"o": {"customerId": "E2E003"}})
    own = recorded["data"]["recordObservation"]["identificationId"]
    assert (await lobby_ids(client))[0] == own
    kept = await lobby_ids(client)

    async with httpx.AsyncClient(base_url=identify_url, timeout=10) as identify:
        direct = await identify.post(
            "/observations", json={"customer_id": "E2E004"}, headers={"Authorization": f"Bearer {LOBBY}"}
        )
    assert direct.status_code in (200, 201), direct.text
    elsewhere = direct.json()["identification_id"]

    for _ in range(200):  # polled, as a lobby screen does; the event drops the kept list, not the TTL
        if elsewhere in (ids := await lobby_ids(client)):
            break
        await asyncio.sleep(0.05)
    assert ids[:2] == [elsewhere, own]
    assert set(before) <= set(kept)


TELLER = mint_token("tl-e2e", Role.TELLER, "BR001", secret=DEV_JWT_SECRET)
WEALTH = mint_token("wm-e2e", Role.WEALTH_MANAGER, "BR001", secret=DEV_JWT_SECRET)


async def test_a_walk_in_prospect_the_lobby_row_handling_and_the_queue_against_the_real_service(platform):
    """§2 of issue 8 through the gateway and the real identify service: a walk-in prospect is on
    the lobby list with a masked name, the purpose and who observed; the guidance's handling is
    recorded; the teller's own list; the second diversion; the prospect linked to an account."""
    client, _, _ = platform
    recorded = await graphql_as(
        client,
        LOBBY,
        """mutation { recordProspect(prospect: {name: "欧阳娜娜", phone: "13912345678",
            purpose: LARGE_CASH, signals: [{category: APPEARANCE, kind: "luxury_car"},
            {category: APPEARANCE, kind: "luxury_watch"}]})
            { prospectId identificationId guidance { action callWealthManager scriptCode } } }""",
    )
    prospect = recorded["data"]["recordProspect"]
    assert (
        prospect["guidance"]["action"] == "MEET_WEALTH_MANAGER" and prospect["guidance"]["callWealthManager"]
    )

    rows = await graphql_as(
        client,
        LOBBY,
        "{ lobbyList { identificationId customerId prospectId name purpose observedBy handling } }",
    )
    [row] = [r for r in rows["data"]["lobbyList"] if r["identificationId"] == prospect["identificationId"]]
    assert row == {
        "identificationId": prospect["identificationId"],
        "customerId": None,
        "prospectId": prospect["prospectId"],
        "name": "欧***",
        "purpose": "LARGE_CASH",
        "observedBy": "lm-e2e",
        "handling": None,
    }
    handled = await graphql_as(
        client,
        LOBBY,
        "mutation($id: ID!) { recordHandling(identificationId: $id, outcome: REFERRED) { handling } }",
        {"id": prospect["identificationId"]},
    )
    assert handled["data"]["recordHandling"]["handling"] == "REFERRED"

    observed = await graphql_as(
        client, TELLER, MUTATION, {"o": {"customerId": "E2E010", "purpose": "TRANSFER"}}
    )
    mine = await graphql_as(
        client, TELLER, "{ counterObservations(mine: true) { identificationId purpose } }"
    )
    assert {
        "identificationId": observed["data"]["recordObservation"]["identificationId"],
        "purpose": "TRANSFER",
    } in (mine["data"]["counterObservations"])

    queue = await graphql_as(
        client,
        LOBBY,
        'mutation { checkQueue(check: {purpose: BILL_PAYMENT, ticket: "B007"}) '
        "{ moved guidance { action } } }",
    )
    assert queue["data"]["checkQueue"] == {"moved": True, "guidance": {"action": "SELF_SERVICE"}}
    view = await graphql_as(client, LOBBY, "{ queueChecks { asked checks { ticket purpose } } }")
    assert {"ticket": "B007", "purpose": "BILL_PAYMENT"} in view["data"]["queueChecks"]["checks"]

    linked = await graphql_as(
        client,
        TELLER,
        'mutation($p: ID!) { linkProspect(prospectId: $p, customerId: "E2E011") { customerId } }',
        {"p": prospect["prospectId"]},
    )
    assert linked["data"]["linkProspect"]["customerId"] == "E2E011"
    followed = await graphql_as(client, WEALTH, "{ prospects(linked: true) { prospectId customerId phone } }")
    [mine] = [p for p in followed["data"]["prospects"] if p["prospectId"] == prospect["prospectId"]]
    assert mine == {"prospectId": prospect["prospectId"], "customerId": "E2E011", "phone": "13912345678"}


LABELLED_PUSH = """subscription { lobbyIdentifications { identificationId channel channelLabel
  purposeLabel guidance { action actionLabel scriptCode script } } }"""
LABELLED_RECORD = """mutation($o: ObservationInput!) { recordObservation(observation: $o) {
  identificationId guidance { action actionLabel alternativeLabels scriptCode script } } }"""


async def _subscribe_in(url: str, payload: dict):
    # the token in the URL: the fallback, for a client that cannot put it in connection_init
    ws = await connect(f"{url}?token={LOBBY}", subprotocols=["graphql-transport-ws"])
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": LABELLED_PUSH}}))
    await asyncio.sleep(0.2)
    return ws


async def _push_for(ws, identification_id: str) -> dict:
    while True:
        row = json.loads(await ws.recv())["payload"]["data"]["lobbyIdentifications"]
        if row["identificationId"] == identification_id:
            return row


async def test_the_same_flow_reads_in_chinese_by_default_and_in_english_on_request(platform):
    """One query, with and without ``Accept-Language: en``, through the gateway and the real identify
    service: labels, scripts and identify's refusals come in Chinese, or in English when asked; the
    live lobby, over the WebSocket, in the language each connection chose in connection_init."""
    client, ws_url, _ = platform
    chinese_ws, english_ws = (
        await _subscribe_in(ws_url, {}),
        await _subscribe_in(ws_url, {"Accept-Language": "en"}),
    )
    observation = {"o": {"customerId": "E2ELANG01", "purpose": "SMALL_CASH"}}

    answers = {}
    for language in (None, "en"):
        headers = {"Authorization": f"Bearer {LOBBY}"} | ({"Accept-Language": language} if language else {})
        response = await client.post(
            "/graphql", json={"query": LABELLED_RECORD, "variables": observation}, headers=headers
        )
        assert response.headers["content-language"] == ("en" if language else "zh-CN")
        answers[language] = response.json()["data"]["recordObservation"]
    zh, en = answers[None]["guidance"], answers["en"]["guidance"]
    assert zh["action"] == en["action"] == "SELF_SERVICE" and zh["scriptCode"] == en["scriptCode"]
    assert (zh["actionLabel"], en["actionLabel"]) == ("自助设备", "Self-service machines")
    assert zh["script"] == "陪同客户到自助区，协助完成第一步操作。"
    assert en["script"] == "Walk the customer to the self-service machines and help with the first step."

    # identify's refusal, passed on in the caller's language
    refused = {}
    for language in (None, "en"):
        headers = {"Authorization": f"Bearer {TELLER}"} | ({"Accept-Language": language} if language else {})
        body = {
            "query": LABELLED_RECORD,
            "variables": {"o": {"customerId": "E2ELANG02", "channel": "EXTERNAL"}},
        }
        response = await client.post("/graphql", json=body, headers=headers)
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        refused[language] = error["message"]
    assert refused[None] == "柜员不能在“外部挖掘”途径记录，可用途径：理财中心识别"
    assert refused["en"] == "channel External mining is not for role Teller; use Wealth centre identification"

    # the live lobby: one event, each connection in its own language
    pushed_id = answers[None]["identificationId"]
    chinese = await asyncio.wait_for(_push_for(chinese_ws, pushed_id), 15)
    english = await asyncio.wait_for(_push_for(english_ws, pushed_id), 15)
    assert (chinese["channelLabel"], english["channelLabel"]) == (
        "理财中心识别",
        "Wealth centre identification",
    )
    assert (chinese["purposeLabel"], english["purposeLabel"]) == (
        "小额存取款",
        "Small cash deposit or withdrawal",
    )
    assert chinese["guidance"]["script"] == zh["script"] and english["guidance"]["script"] == en["script"]
    await chinese_ws.close()
    await english_ws.close()
