"""End to end over real HTTP and a real broker: the referral views through the gateway against the
real referral and identify services (issue 10 §6; the verdict's trace through the gateway is in
``test_not_premium_verdict``).

A lobby manager's observation (identify) becomes a suggested referral (referral consumes
customer.identified), which the lobby manager files with one action through the gateway; the
wealth manager the form names is pushed the customer waiting in the lobby over its WebSocket
subscription (the gateway reads customer.referred from Kafka) — nobody else is. Then a branch's
close of business, the register with its confidential reads, a verdict and the refusal it causes,
counts and the access log, each role through its own schema."""

import asyncio
import json
from datetime import datetime, timedelta

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
from branchflow_runtime.privacy import BRANCH_ZONE
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.telemetry import setup_tracing
from branchflow_runtime.testing import serving

from .conftest import identify_and_referral

pytestmark = pytest.mark.connected

SPANS = InMemorySpanExporter()


def token(staff_id: str, role: Role, branch: str = "BR001") -> str:
    return mint_token(staff_id, role, branch, secret=DEV_JWT_SECRET)


LOBBY = token("lm-ref", Role.LOBBY_MANAGER)
TELLER = token("tl-ref", Role.TELLER)
WEALTH = token("wm-ref", Role.WEALTH_MANAGER)
COLLEAGUE = token("wm-ref-2", Role.WEALTH_MANAGER)
NAMESAKE = token("wm-ref", Role.WEALTH_MANAGER, "BR002")  # the same staff id in another branch
HEAD = token("bh-ref", Role.BRANCH_HEAD)
HEAD_OFFICE = token("ho-ref", Role.HEAD_OFFICE, "HO")


@pytest.fixture(scope="module")
async def platform(kafka_broker, database_factory):
    """identify and referral as they run (``conftest.identify_and_referral``: each following its
    topics in a group of its own), the gateway in front, each served over real HTTP."""
    setup_tracing("e2e", [SimpleSpanProcessor(SPANS)])  # the three apps run in this process
    async with identify_and_referral(kafka_broker, database_factory) as services:
        gateway = create_gateway(
            GatewaySettings(
                identify_url=services.identify.url,
                referral_url=services.referral.url,
                kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
            )
        )
        async with (
            serving(gateway) as gateway_url,
            httpx.AsyncClient(base_url=gateway_url, timeout=15) as client,
        ):
            await asyncio.wait_for(gateway.state.gateway.domains["referral"].live.ready.wait(), 30)
            yield client, gateway_url.replace("http://", "ws://") + "/graphql"


async def ask(client: httpx.AsyncClient, auth: str, query: str, variables: dict | None = None) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {auth}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def data(body: dict) -> dict:
    assert "errors" not in body, body["errors"]
    return body["data"]


WAITING = """subscription { customerWaiting { referralId customerId referredBy referrerRole referredAtLocal
    referral { source status wealthManagerId
      person { customerId prospectId name phone personalDataMasked } } } }"""


async def subscribe(url: str, auth: str):
    ws = await connect(url, subprotocols=["graphql-transport-ws"])
    await ws.send(json.dumps({"type": "connection_init", "payload": {"token": auth}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": WAITING}}))
    await asyncio.sleep(0.2)  # let the subscription register before the event
    return ws


async def next_push(ws, referral_id: str) -> dict:
    while True:
        message = json.loads(await ws.recv())
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        push = message["payload"]["data"]["customerWaiting"]
        if push["referralId"] == referral_id:
            return push


OBSERVE = """mutation($o: ObservationInput!) { recordObservation(observation: $o) {
    identificationId guidance { callWealthManager } } }"""
CALLS_A_WEALTH_MANAGER = [
    {"category": "APPEARANCE", "kind": "luxury_car"},
    {"category": "APPEARANCE", "kind": "other_bank_vip_card"},
    {"category": "INFORMATION", "kind": "high_end_residence"},
    {"category": "LARGE_BUSINESS", "kind": "cash_deposit", "amount": "800000.00"},
]


async def suggestion_for(client, identification_id: str) -> dict:
    """The lobby's suggestion for one identification, once referral has consumed its event."""
    for _ in range(300):
        body = await ask(
            client, LOBBY, "{ referralSuggestions { suggestionId identificationId customerId status } }"
        )
        found = [s for s in data(body)["referralSuggestions"] if s["identificationId"] == identification_id]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no suggestion for identification {identification_id}")


async def handling_of(client, identification_id: str) -> tuple:
    """How the lobby's list shows an identification handled, once identify has read the form."""
    for _ in range(300):
        rows = data(await ask(client, LOBBY, "{ lobbyList { identificationId handling handledBy } }"))[
            "lobbyList"
        ]
        [row] = [r for r in rows if r["identificationId"] == identification_id]
        if row["handling"]:
            return row["handling"], row["handledBy"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"identification {identification_id} never shown handled")


async def test_a_suggestion_filed_through_the_gateway_waits_for_its_wealth_manager_alone(platform):
    client, ws_url = platform
    mine, colleague, namesake = (
        await subscribe(ws_url, WEALTH),
        await subscribe(ws_url, COLLEAGUE),
        await subscribe(ws_url, NAMESAKE),
    )
    observed = data(
        await ask(
            client, LOBBY, OBSERVE, {"o": {"customerId": "E2EREF01", "signals": CALLS_A_WEALTH_MANAGER}}
        )
    )["recordObservation"]
    assert observed["guidance"]["callWealthManager"] is True
    suggestion = await suggestion_for(client, observed["identificationId"])
    assert (suggestion["customerId"], suggestion["status"]) == ("E2EREF01", "OPEN")

    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"  # the front end's trace
    trace = otel_context.attach(propagate.extract({"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}))
    try:
        filed = await ask(
            client,
            LOBBY,
            """mutation($s: ID!) { fileSuggestedReferral(suggestionId: $s,
                referral: {status: REFERRED, wealthManagerId: "wm-ref"})
                { referralId status source identificationId } }""",
            {"s": suggestion["suggestionId"]},
        )
    finally:
        otel_context.detach(trace)
    filed = data(filed)["fileSuggestedReferral"]
    assert (filed["status"], filed["source"]) == ("REFERRED", "LOBBY")
    assert filed["identificationId"] == observed["identificationId"]

    push = await asyncio.wait_for(next_push(mine, filed["referralId"]), 20)
    assert push["customerId"] == "E2EREF01"
    assert (push["referredBy"], push["referrerRole"]) == ("lm-ref", "lobby_manager")
    assert push["referredAtLocal"].endswith("+08:00")
    assert push["referral"]["person"]["customerId"] == "E2EREF01"
    for other in (colleague, namesake):  # another wealth manager, the same id in another branch
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(other.recv(), 1.0)
    # identify read the form's event too: the lobby's list shows that identification referred
    assert await handling_of(client, observed["identificationId"]) == ("REFERRED", "lm-ref")
    # the push came out of the mutation's trace: gateway → referral → outbox → Kafka → the gateway's feed
    [feed_span] = [
        s
        for s in SPANS.get_finished_spans()
        if s.name == f"{Topic.CUSTOMER_REFERRED} process"
        and format(s.context.trace_id, "032x") == trace_id
        and s.instrumentation_scope.name == "branchflow_gateway.events"  # identify reads the event too
    ]
    assert feed_span.kind is SpanKind.CONSUMER

    # a walk-in referred on the spot: the wealth manager the form names reads the name in clear
    walk_in = data(
        await ask(
            client,
            LOBBY,
            """mutation { fileReferral(referral: {prospect: {name: "周先生", phone: "139 1111 2222"},
                status: REFERRED, wealthManagerId: "wm-ref"}) { referralId person { prospectId } } }""",
        )
    )["fileReferral"]
    push = await asyncio.wait_for(next_push(mine, walk_in["referralId"]), 20)
    assert push["customerId"] == walk_in["person"]["prospectId"]
    assert push["referral"]["person"] == {
        "customerId": None,
        "prospectId": walk_in["person"]["prospectId"],
        "name": "周先生",
        "phone": "13911112222",  # as the service keeps it: digits
        "personalDataMasked": False,
    }
    # …and a colleague it does not name reads no form of it at all
    refused = await ask(
        client,
        COLLEAGUE,
        "query($r: ID!) { referral(referralId: $r) { status } }",
        {"r": walk_in["referralId"]},
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for ws in (mine, colleague, namesake):
        await ws.close()


def today() -> str:
    return datetime.now(BRANCH_ZONE).date().isoformat()


async def test_a_branchs_day_the_register_and_the_figures_each_role_through_its_schema(platform):
    client, _ = platform
    branch = "BR003"  # a branch of this test alone: its day is closed at the end
    lobby, teller = token("lm-3", Role.LOBBY_MANAGER, branch), token("tl-3", Role.TELLER, branch)
    wealth, head = token("wm-3", Role.WEALTH_MANAGER, branch), token("bh-3", Role.BRANCH_HEAD, branch)
    elsewhere = token("wm-3", Role.WEALTH_MANAGER, "BR001")
    file = """mutation($r: ReferralInput!) { fileReferral(referral: $r) { referralId status
        person { name phone personalDataMasked } } }"""
    contact_at = (datetime.now(BRANCH_ZONE) + timedelta(days=1)).replace(microsecond=0).isoformat()

    # the counter: one on the spot, one walk-in pending with the agreed contact; its own forms
    sold = data(
        await ask(
            client,
            teller,
            file,
            {"r": {"customerId": "E2EREF31", "status": "REFERRED", "wealthManagerId": "wm-3"}},
        )
    )["fileReferral"]["referralId"]
    pending = data(
        await ask(
            client,
            teller,
            file,
            {
                "r": {
                    "prospect": {"name": "王小明", "phone": "13700001234"},
                    "status": "PENDING",
                    "wealthManagerId": "wm-3",
                    "contact": {"at": contact_at, "way": "PHONE"},
                }
            },
        )
    )["fileReferral"]
    assert pending["person"] == {"name": "王小明", "phone": "13700001234", "personalDataMasked": False}
    mine = data(await ask(client, teller, "{ myReferrals { referralId } }"))["myReferrals"]
    assert {r["referralId"] for r in mine} == {sold, pending["referralId"]}
    # the lobby: one more on the spot; the lobby manager reads the walk-in masked (not its form)
    judged = data(
        await ask(
            client,
            lobby,
            file,
            {"r": {"customerId": "E2EREF32", "status": "REFERRED", "wealthManagerId": "wm-3"}},
        )
    )["fileReferral"]["referralId"]
    day_query = """query($d: Date) { referralDay(day: $d) { status forms { referralId status result
        person { name personalDataMasked } } awaitingConfirmation { referralId } awaitingCopy { referralId }
        counts { staffId filed referred pending met sold } } }"""
    day = data(await ask(client, lobby, day_query, {"d": today()}))["referralDay"]
    assert {r["referralId"] for r in day["awaitingConfirmation"]} == {sold, judged}
    assert [r["referralId"] for r in day["awaitingCopy"]] == [pending["referralId"]]
    [walk_in] = [r for r in day["forms"] if r["referralId"] == pending["referralId"]]
    assert walk_in["person"] == {"name": "王**", "personalDataMasked": True}

    # closing with forms open is refused with the service's reason
    refused = await ask(
        client, lobby, "mutation($d: Date) { closeReferralDay(day: $d) { status } }", {"d": today()}
    )
    assert refused["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "reason": "day_has_open_forms"}

    # the wealth manager's close of business: confirm two, copy the pending one into the register
    todo = data(await ask(client, wealth, "{ referralsToConfirm { referralId } }"))["referralsToConfirm"]
    assert {r["referralId"] for r in todo} == {sold, judged, pending["referralId"]}
    confirm = """mutation($r: ID!, $x: MarketingResult!) {
        confirmReferral(referralId: $r, met: true, result: $x) { status result } }"""
    assert data(await ask(client, wealth, confirm, {"r": sold, "x": "SOLD"}))["confirmReferral"] == {
        "status": "CONFIRMED",
        "result": "SOLD",
    }
    assert data(await ask(client, wealth, confirm, {"r": judged, "x": "NOT_PREMIUM"}))["confirmReferral"] == {
        "status": "CONFIRMED",
        "result": "NOT_PREMIUM",
    }
    # the customer judged not premium at the meeting is not referred again: the reason, never a tier
    again = await ask(
        client,
        lobby,
        file,
        {"r": {"customerId": "E2EREF32", "status": "REFERRED", "wealthManagerId": "wm-3"}},
    )
    [error] = again["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "followed_up_recently"}
    assert "premium" not in error["message"].lower() and "优质" not in error["message"]

    copied = data(
        await ask(
            client,
            wealth,
            "mutation($r: ID!) { copyReferralToRegister(referralId: $r) { status entryId } }",
            {"r": pending["referralId"]},
        )
    )["copyReferralToRegister"]
    assert copied["status"] == "COPIED"
    entry = copied["entryId"]

    # the lobby reads the verdict as CLOSED, and closes the day
    day = data(await ask(client, lobby, day_query, {"d": today()}))["referralDay"]
    assert {r["referralId"]: r["result"] for r in day["forms"]} == {
        sold: "SOLD",
        judged: "CLOSED",
        pending["referralId"]: None,
    }
    closed = data(
        await ask(
            client,
            lobby,
            "mutation($d: Date) { closeReferralDay(day: $d) { status closedBy } }",
            {"d": today()},
        )
    )
    assert closed["closeReferralDay"] == {"status": "CLOSED", "closedBy": "lm-3"}

    # the register: the owner works it; a wealth manager of another branch is refused
    register = data(
        await ask(
            client,
            wealth,
            "{ followUpRegister { entryId status person { name } referral { referralId referredBy } } }",
        )
    )["followUpRegister"]
    assert register == [
        {
            "entryId": entry,
            "status": "OPEN",
            "person": {"name": "王小明"},
            "referral": {"referralId": pending["referralId"], "referredBy": "tl-3"},
        }
    ]
    attempt = """mutation($e: ID!, $at: DateTime!) { recordAttempt(entryId: $e, attempt: {way: PHONE,
        result: MEETING_AGREED, meeting: {meetsAt: $at, place: "VIP room"}}) {
        status appointment { meetsAtLocal place } } }"""
    recorded = data(await ask(client, wealth, attempt, {"e": entry, "at": contact_at}))["recordAttempt"]
    assert recorded["appointment"] == {"meetsAtLocal": contact_at, "place": "VIP room"}
    diary = data(
        await ask(
            client,
            wealth,
            "query($d: Date) { workDiary(day: $d) { appointments { place person { name } } } }",
            {"d": contact_at[:10]},
        )
    )["workDiary"]
    assert diary["appointments"] == [{"place": "VIP room", "person": {"name": "王小明"}}]
    outsider = await ask(
        client, elsewhere, "query($e: ID!) { followUp(entryId: $e) { entryId } }", {"e": entry}
    )
    assert outsider["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    verdict = data(
        await ask(
            client,
            wealth,
            "mutation($e: ID!) { recordVerdict(entryId: $e, verdict: PREMIUM) { status } }",
            {"e": entry},
        )
    )
    assert verdict["recordVerdict"] == {"status": "CONVERTED"}

    # the branch head: the week's counts per staff, and who read the register (the refused read is not there)
    figures = data(
        await ask(
            client,
            head,
            """{ referralCounts(period: WEEK) { period counts { staffId filed referred pending met sold } }
                registerAccessLog { entryId readBy readerBranch via } }""",
        )
    )
    counts = {c["staffId"]: c for c in figures["referralCounts"]["counts"]}
    assert counts["tl-3"] == {"staffId": "tl-3", "filed": 2, "referred": 1, "pending": 1, "met": 1, "sold": 1}
    assert counts["lm-3"]["filed"] == 1 and counts["lm-3"]["sold"] == 0
    readers = {(r["readBy"], r["readerBranch"]) for r in figures["registerAccessLog"]}
    assert readers == {("wm-3", branch)}
    assert {r["via"] for r in figures["registerAccessLog"]} >= {"register", "diary"}
    # head office: every branch's counts
    across = data(await ask(client, HEAD_OFFICE, "{ branchReferralCounts(period: MONTH) { branchId } }"))
    assert branch in {c["branchId"] for c in across["branchReferralCounts"]}
