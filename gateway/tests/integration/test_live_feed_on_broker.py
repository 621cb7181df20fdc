"""The live feed against the real broker: the topic made at start (ready before any event), a
replayed event delivered once, and the trace in the message's headers continued."""

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from asgi_lifespan import LifespanManager
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from branchflow_contracts import CustomerIdentified, Guidance, GuidanceAction
from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.identify.live import LiveIdentifications
from branchflow_runtime.embedded import EmbeddedKafkaBroker
from branchflow_runtime.messaging import cloudevents_codec
from branchflow_runtime.telemetry import setup_tracing

from ..unit.conftest import FakeIdentify

pytestmark = pytest.mark.connected

SPANS = InMemorySpanExporter()
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def fresh_feed(bootstrap_servers: str) -> LiveIdentifications:
    """The lobby's feed on a topic of its own that no one has created yet."""

    class Feed(LiveIdentifications):
        topic = f"test.customer-identified.{uuid.uuid4().hex[:8]}"

    return Feed(bootstrap_servers)


@pytest.fixture(scope="module", autouse=True)
def spans():
    setup_tracing("gateway-test", [SimpleSpanProcessor(SPANS)])


@pytest.fixture
async def feed(kafka_broker):
    feed = fresh_feed(kafka_broker.bootstrap_servers)
    await feed.start()
    try:
        await asyncio.wait_for(feed.ready.wait(), 15)  # no event was published: the feed made the topic
        yield feed
    finally:
        await feed.stop()


async def publish(bootstrap_servers: str, topic: str, *messages: cloudevents_codec.WireMessage) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        for message in messages:
            headers = [(k, v.encode()) for k, v in message.headers.items()] + [
                ("traceparent", TRACEPARENT.encode())
            ]
            await producer.send_and_wait(topic, message.value, key=message.key, headers=headers)
    finally:
        await producer.stop()


def identified(identification_id: str, branch: str) -> cloudevents_codec.WireMessage:
    event = CustomerIdentified(
        identification_id=identification_id,
        customer_id="C1",
        branch_id=branch,
        channel="branch",
        tier="premium",
        score=Decimal("61"),
        guidance=Guidance(action=GuidanceAction.MEET_WEALTH_MANAGER, call_wealth_manager=True, script="Hi."),
        reason="observation",
        identified_at=datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
    )
    return cloudevents_codec.encode(
        event_id=f"event-{identification_id}",
        ce_type=CustomerIdentified.ce_type,
        source="/identify",
        subject=event.customer_id,
        time=event.identified_at,
        data=event.model_dump(mode="json"),
        key=event.customer_id,
    )


async def test_the_topic_is_created_at_start(feed, kafka_broker):
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap_servers)
    await admin.start()
    try:
        assert feed.topic in await admin.list_topics()
    finally:
        await admin.close()


async def test_a_replayed_event_reaches_the_lobby_once(feed, kafka_broker):
    branch = f"BR{uuid.uuid4().hex[:6]}"
    follower = feed.follow(branch)
    first = asyncio.ensure_future(anext(follower))
    await asyncio.sleep(0)
    first_copy = identified("a", branch)
    # a relay that died between publishing and marking: the same event, twice, then the next
    await publish(kafka_broker.bootstrap_servers, feed.topic, first_copy, first_copy, identified("b", branch))
    rows = [await asyncio.wait_for(first, 15)]
    rows.append(await asyncio.wait_for(anext(follower), 15))
    assert [row["identification_id"] for row in rows] == ["a", "b"]  # "a" once, and "b" came after it
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(follower), 0.5)


async def test_each_event_is_handled_in_a_consumer_span_of_the_trace_it_carries(feed, kafka_broker):
    branch = f"BR{uuid.uuid4().hex[:6]}"
    follower = feed.follow(branch)
    pushed = asyncio.ensure_future(anext(follower))
    await asyncio.sleep(0)
    await publish(kafka_broker.bootstrap_servers, feed.topic, identified("traced", branch))
    await asyncio.wait_for(pushed, 15)
    [span] = [s for s in SPANS.get_finished_spans() if s.name == f"{feed.topic} process"]
    assert span.kind is SpanKind.CONSUMER
    assert format(span.context.trace_id, "032x") == TRACEPARENT.split("-")[1]
    assert format(span.parent.span_id, "016x") == TRACEPARENT.split("-")[2]
    assert span.attributes["messaging.message.id"] == "event-traced"


async def test_ready_reports_live_updates_from_the_start_on_a_new_broker():
    """A broker on which nothing was ever published: the gateway makes customer.identified and
    reports its live updates ready without waiting for the first identification."""
    with EmbeddedKafkaBroker() as broker:
        app = create_app(
            GatewaySettings(kafka_bootstrap_servers=broker.bootstrap_servers),
            transports={"identify": httpx.MockTransport(FakeIdentify().handler)},
        )
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
        ):
            for _ in range(100):
                if (await client.get("/health/ready")).json()["live_updates"]:
                    break
                await asyncio.sleep(0.1)
            assert (await client.get("/health/ready")).json() == {"status": "ok", "live_updates": True}
