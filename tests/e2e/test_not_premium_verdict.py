"""Two real services over Kafka (real Tansu, real PostgreSQL, real HTTP): a lobby manager's
observation at identify is suggested at the referral service and referred; the wealth manager
judges the customer not premium there; the verdict travels to identify, whose guidance for that
customer stops calling a wealth manager — in one trace from the referral service's request to
identify's consumer span. With the gateway in front (issue 10 §7): one trace id from the wealth
manager's GraphQL mutation to the Kafka message and identify's consumer span."""

import asyncio

import httpx
import pytest
import sqlalchemy as sa
from opentelemetry import context as otel_context
from opentelemetry import propagate
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from branchflow_contracts import Topic
from branchflow_gateway.app import create_app as create_gateway
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.telemetry import setup_tracing
from branchflow_runtime.testing import read_events, serving

from .conftest import identify_and_referral

pytestmark = pytest.mark.connected

BRANCH = "BRVERDICT"
CUSTOMER = "E2EV001"
LOBBY = {"Authorization": f"Bearer {mint_token('lm-v', Role.LOBBY_MANAGER, BRANCH, secret=DEV_JWT_SECRET)}"}
TELLER = {"Authorization": f"Bearer {mint_token('t-v', Role.TELLER, BRANCH, secret=DEV_JWT_SECRET)}"}
WEALTH = {"Authorization": f"Bearer {mint_token('wm-v', Role.WEALTH_MANAGER, BRANCH, secret=DEV_JWT_SECRET)}"}
# banks mainly elsewhere and looks wealthy: a customer to win, with the tests' rules
WEALTHY_ELSEWHERE = {
    "purpose": "investment",
    "customer_has_time": True,
    "signals": [
        {"category": "information", "kind": "main_bank_elsewhere"},
        {"category": "appearance", "kind": "luxury_car"},
        {"category": "appearance", "kind": "luxury_watch"},
    ],
}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPANS = InMemorySpanExporter()


@pytest.fixture(scope="module")
async def services(kafka_broker, database_factory):
    setup_tracing("e2e", [SimpleSpanProcessor(SPANS)])  # both services run in this process
    async with identify_and_referral(kafka_broker, database_factory) as running:
        yield running


@pytest.fixture(scope="module")
async def identify(services):
    async with httpx.AsyncClient(base_url=services.identify.url, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
async def referral(services):
    headers = {"Accept-Language": "en"}
    async with httpx.AsyncClient(base_url=services.referral.url, timeout=10, headers=headers) as http:
        yield http


async def observe(identify: httpx.AsyncClient) -> dict:
    response = await identify.post(
        "/observations", json={"customer_id": CUSTOMER, **WEALTHY_ELSEWHERE}, headers=LOBBY
    )
    assert response.status_code == 201, response.text
    return response.json()


async def suggestion_for(referral: httpx.AsyncClient, identification_id: str, timeout: float = 30) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            listed = await referral.get(f"/branches/{BRANCH}/suggestions", headers=LOBBY)
            assert listed.status_code == 200, listed.text
            found = [s for s in listed.json() if s["identification_id"] == identification_id]
            if found:
                return found[0]
            await asyncio.sleep(0.2)


_INBOXED = sa.text("SELECT 1 FROM inbox_events WHERE event_id = :id")


async def applied(service, event_id: str, timeout: float = 30) -> None:
    """Until the service has applied the event (its inbox holds the event id)."""
    async with asyncio.timeout(timeout):
        while True:
            async with service.container.engine.connect() as conn:
                if await conn.scalar(
                    sa.text("SELECT 1 FROM inbox_events WHERE event_id = :id"), {"id": event_id}
                ):
                    return
            await asyncio.sleep(0.2)


async def test_a_not_premium_verdict_at_referral_changes_identifys_guidance_in_one_trace(
    services, identify, referral, kafka_broker
):
    before = await observe(identify)
    assert before["guidance"]["call_wealth_manager"] is True

    # the lobby manager files the suggestion the identification became; the wealth manager meets
    # the customer and judges them not premium — the front end's trace around that request
    suggestion = await suggestion_for(referral, before["identification_id"])
    filed = await referral.post(
        f"/suggestions/{suggestion['suggestion_id']}/referral",
        json={"status": "referred", "wealth_manager_id": "wm-v"},
        headers=LOBBY,
    )
    assert filed.status_code == 201, filed.text
    token = otel_context.attach(propagate.extract({"traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01"}))
    try:
        judged = await referral.post(
            f"/referrals/{filed.json()['referral_id']}/confirmation",
            json={"met": True, "result": "not_premium"},
            headers=WEALTH,
        )
    finally:
        otel_context.detach(token)
    assert judged.status_code == 200, judged.text

    # the verdict on Kafka, as any consumer reads it: this customer, the request's trace
    [record] = await read_events(
        kafka_broker.bootstrap_servers,
        Topic.CUSTOMER_JUDGED_NOT_PREMIUM,
        1,
        match=lambda r: r.key == CUSTOMER.encode() and TRACE_ID in dict(r.headers)["traceparent"].decode(),
    )
    await applied(services.identify, dict(record.headers)["ce_id"].decode())

    # the lobby is told: a new observation of that customer calls no wealth manager
    after = await observe(identify)
    assert after["guidance"]["call_wealth_manager"] is False
    assert after["guidance"]["offer_wealth_manager_card"] is False
    assert after["guidance"]["action"] != before["guidance"]["action"]
    # …as the referral service refuses to refer them again, saying why without a tier
    again = await referral.post(
        "/referrals",
        json={"customer_id": CUSTOMER, "status": "referred", "wealth_manager_id": "wm-v"},
        headers=TELLER,
    )
    assert again.status_code == 409 and again.json()["code"] == "followed_up_recently", again.text

    # one trace: the referral service's request → its relay's publish → identify's consumer
    # span, whose SQL writes the verdict to identify's own database
    spans = {
        s.context.span_id: s
        for s in SPANS.get_finished_spans()
        if format(s.context.trace_id, "032x") == TRACE_ID
    }
    [server] = [s for s in spans.values() if s.kind is SpanKind.SERVER and "/confirmation" in s.name]
    [consumer] = [
        s
        for s in spans.values()
        if s.kind is SpanKind.CONSUMER
        and s.name == f"{Topic.CUSTOMER_JUDGED_NOT_PREMIUM} process"
        and any(
            sql.attributes.get("db.name") == services.identify.database
            and "not_premium_verdicts" in sql.attributes.get("db.statement", "")
            for sql in spans.values()
            if s in _ancestors(spans, sql)
        )
    ]
    producer = spans[consumer.parent.span_id]
    assert producer.kind is SpanKind.PRODUCER
    assert server in _ancestors(spans, producer)


def _ancestors(spans: dict, span) -> list:
    """The span's parents up to the trace's first, as far as this process recorded them."""
    found = []
    while span.parent is not None and span.parent.span_id in spans:
        span = spans[span.parent.span_id]
        found.append(span)
    return found


# --- the GraphQL front ----------------------------------------------------------------------------

GATEWAY_TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
OTHER_CUSTOMER = "E2EV002"


@pytest.fixture(scope="module")
async def gateway(services, kafka_broker):
    """The gateway in front of the two services, over real HTTP."""
    app = create_gateway(
        GatewaySettings(
            identify_url=services.identify.url,
            referral_url=services.referral.url,
            kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
            live_updates=False,
        )
    )
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        yield http


async def ask(gateway: httpx.AsyncClient, headers: dict, query: str, variables: dict | None = None) -> dict:
    response = await gateway.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


OBSERVE = """mutation($c: String!) { recordObservation(observation: {customerId: $c, purpose: INVESTMENT,
    customerHasTime: true, signals: [{category: INFORMATION, kind: "main_bank_elsewhere"},
    {category: APPEARANCE, kind: "luxury_car"}, {category: APPEARANCE, kind: "luxury_watch"}]})
    { identificationId guidance { callWealthManager } } }"""


async def test_a_verdict_through_the_gateway_is_one_trace_to_identifys_consumer_span(
    services, gateway, kafka_broker
):
    """The lobby refers a customer to be called back (pending), the wealth manager copies the form
    into its register and, having followed the customer up, records the verdict not premium — all
    through the gateway. The front end's trace runs from the GraphQL request through the gateway's
    call to referral, its relay's Kafka message, to identify's consumer span and its SQL; and the
    lobby's next observation of that customer, through the gateway, calls no wealth manager."""
    before = (await ask(gateway, LOBBY, OBSERVE, {"c": OTHER_CUSTOMER}))["recordObservation"]
    assert before["guidance"]["callWealthManager"] is True
    filed = await ask(
        gateway,
        LOBBY,
        """mutation($c: String!, $at: DateTime!) { fileReferral(referral: {customerId: $c, status: PENDING,
            wealthManagerId: "wm-v", contact: {at: $at, way: PHONE}}) { referralId } }""",
        {"c": OTHER_CUSTOMER, "at": "2099-01-05T10:00:00+08:00"},
    )
    copied = await ask(
        gateway,
        WEALTH,
        "mutation($r: ID!) { copyReferralToRegister(referralId: $r) { entryId } }",
        {"r": filed["fileReferral"]["referralId"]},
    )
    entry = copied["copyReferralToRegister"]["entryId"]

    token = otel_context.attach(
        propagate.extract({"traceparent": f"00-{GATEWAY_TRACE_ID}-b7ad6b7169203331-01"})
    )
    try:
        judged = await ask(
            gateway,
            WEALTH,
            "mutation($e: ID!) { recordVerdict(entryId: $e, verdict: NOT_PREMIUM) { status } }",
            {"e": entry},
        )
    finally:
        otel_context.detach(token)
    assert judged["recordVerdict"] == {"status": "NOT_PREMIUM"}

    # the Kafka message carries the GraphQL request's trace id
    [record] = await read_events(
        kafka_broker.bootstrap_servers,
        Topic.CUSTOMER_JUDGED_NOT_PREMIUM,
        1,
        match=lambda r: (
            r.key == OTHER_CUSTOMER.encode() and GATEWAY_TRACE_ID in dict(r.headers)["traceparent"].decode()
        ),
    )
    await applied(services.identify, dict(record.headers)["ce_id"].decode())

    # one trace: the gateway's GraphQL request → its call to referral → referral's request → the
    # relay's publish → identify's consumer span writing the verdict to identify's database
    spans = {
        s.context.span_id: s
        for s in SPANS.get_finished_spans()
        if format(s.context.trace_id, "032x") == GATEWAY_TRACE_ID
    }
    [graphql] = [s for s in spans.values() if s.kind is SpanKind.SERVER and "/graphql" in s.name]
    [call] = [s for s in spans.values() if s.kind is SpanKind.CLIENT and "/verdict" in str(s.attributes)]
    [server] = [s for s in spans.values() if s.kind is SpanKind.SERVER and "/verdict" in s.name]
    consumers = [
        s
        for s in spans.values()
        if s.kind is SpanKind.CONSUMER and s.name == f"{Topic.CUSTOMER_JUDGED_NOT_PREMIUM} process"
    ]
    # this identify's consumer: the one that wrote the verdict to its database (other identify
    # apps of the test session, in this process, read the same topic in groups of their own)
    [consumer] = [
        c
        for c in consumers
        if any(
            sql.attributes.get("db.name") == services.identify.database
            and "not_premium_verdicts" in sql.attributes.get("db.statement", "")
            for sql in spans.values()
            if c in _ancestors(spans, sql)
        )
    ]
    chain = _ancestors(spans, consumer)
    assert spans[consumer.parent.span_id].kind is SpanKind.PRODUCER
    assert server in chain and call in chain and graphql in chain

    # the lobby is told, through the gateway too: that customer's guidance calls no wealth manager
    after = (await ask(gateway, LOBBY, OBSERVE, {"c": OTHER_CUSTOMER}))["recordObservation"]
    assert after["guidance"]["callWealthManager"] is False
