"""customer.judged-not-premium over the real broker into the real database: the verdict changes
the guidance of that customer's next observation, is applied once per event id, an earlier one
does not replace a later one (in the handler and in the SQL), poison is dead-lettered."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiokafka import AIOKafkaProducer

from branchflow_contracts import Topic, dead_letter_topic
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import read_events
from identify.adapters.repository import SqlIdentifyRepository
from identify.domain.verdict import NotPremiumVerdict

from .conftest import auth

pytestmark = pytest.mark.connected

TOPIC = Topic.CUSTOMER_JUDGED_NOT_PREMIUM
WEALTHY_ELSEWHERE = {
    "purpose": "investment",
    "customer_has_time": True,
    "signals": [
        {"category": "information", "kind": "main_bank_elsewhere"},
        {"category": "appearance", "kind": "luxury_car"},
        {"category": "appearance", "kind": "luxury_watch"},
    ],
}


def judged(customer_id: str, judged_at: datetime, days: int = 180) -> bytes:
    return json.dumps(
        {
            "customer_id": customer_id,
            "branch_id": "BR001",
            "referral_id": f"R-{customer_id}",
            "judged_by": "wm-1",
            "judged_at": judged_at.isoformat(),
            "no_referral_until": (judged_at + timedelta(days=days)).isoformat(),
        }
    ).encode()


def headers(event_id: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_id", event_id.encode()),
        ("ce_type", b"bank.branch.customer.judged-not-premium.v1"),
        ("ce_source", b"/branchflow/referral"),
        ("ce_specversion", b"1.0"),
        ("content-type", b"application/json"),
    ]


async def produce(kafka_broker, *messages: tuple[bytes, str, bytes]) -> None:
    """(value, event id, key) in this order, as the referral service's relay sends them."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_broker.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for value, event_id, key in messages:
            await producer.send_and_wait(TOPIC, value, key=key, headers=headers(event_id))
    finally:
        await producer.stop()


async def verdict_of(identify_container, customer_id: str, timeout: float = 30.0):
    engine = identify_container.engine
    async with asyncio.timeout(timeout):
        while True:
            async with engine.connect() as conn:
                found = await SqlIdentifyRepository(conn).get_verdicts([customer_id])
            if found:
                return found[customer_id]
            await asyncio.sleep(0.2)


async def observe(client, customer_id: str) -> dict:
    response = await client.post(
        "/observations",
        json={"customer_id": customer_id, **WEALTHY_ELSEWHERE},
        headers=auth(Role.LOBBY_MANAGER),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_verdict_read_from_kafka_stops_the_guidance_calling_a_wealth_manager(
    client, identify_container, kafka_broker
):
    before = await observe(client, "NPV01")
    assert before["guidance"]["call_wealth_manager"] is True
    await produce(kafka_broker, (judged("NPV01", datetime.now(UTC)), str(uuid.uuid4()), b"NPV01"))
    await verdict_of(identify_container, "NPV01")
    after = await observe(client, "NPV01")
    assert after["guidance"]["call_wealth_manager"] is False
    assert after["guidance"]["offer_wealth_manager_card"] is False
    assert "premium" not in json.dumps(after)  # the lobby's answer: a guidance, not a verdict


async def test_a_verdict_is_applied_once_and_an_earlier_one_does_not_replace_it(
    client, identify_container, kafka_broker
):
    judged_at = datetime.now(UTC).replace(microsecond=0)
    first_id = str(uuid.uuid4())
    await produce(
        kafka_broker,
        (judged("NPV02", judged_at), first_id, b"NPV02"),
        (judged("NPV02", judged_at + timedelta(days=1)), first_id, b"NPV02"),  # same id: redelivered
        (judged("NPV02", judged_at - timedelta(days=1)), str(uuid.uuid4()), b"NPV02"),  # earlier
        # a marker after them, on their partition: once it is applied, so are they
        (judged("NPV02M", judged_at), str(uuid.uuid4()), b"NPV02"),
    )
    await verdict_of(identify_container, "NPV02M")
    kept = await verdict_of(identify_container, "NPV02")
    assert (kept.judged_at, kept.until) == (judged_at, judged_at + timedelta(days=180))


async def test_the_sql_never_replaces_a_later_verdict(identify_container):
    """Should two verdicts on one customer ever be applied side by side, the later one stays."""
    judged_at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)

    def verdict(at: datetime) -> NotPremiumVerdict:
        return NotPremiumVerdict("NPV03", "BR001", judged_at=at, until=at + timedelta(days=180))

    async with identify_container.engine.begin() as conn:
        repo = SqlIdentifyRepository(conn)
        await repo.save_verdict(verdict(judged_at))
        await repo.save_verdict(verdict(judged_at - timedelta(hours=1)))
        assert (await repo.get_verdicts(["NPV03"]))["NPV03"].judged_at == judged_at
        await repo.save_verdict(verdict(judged_at + timedelta(hours=1)))
        assert (await repo.get_verdicts(["NPV03"]))["NPV03"].judged_at == judged_at + timedelta(hours=1)


async def test_poison_is_dead_lettered_and_the_next_verdict_is_applied(identify_container, kafka_broker):
    poison = b'{"customer_id": "NPV04", "judged_at": "soon"}'
    await produce(
        kafka_broker,
        (poison, str(uuid.uuid4()), b"NPV04"),
        (judged("NPV05", datetime.now(UTC)), str(uuid.uuid4()), b"NPV04"),
    )
    await verdict_of(identify_container, "NPV05")
    [parked] = await read_events(
        kafka_broker.bootstrap_servers, dead_letter_topic(TOPIC), 1, match=lambda r: r.key == b"NPV04"
    )
    parked_headers = {name: value.decode() for name, value in parked.headers}
    assert parked.value == poison
    assert parked_headers["x-dlq-original-topic"] == TOPIC
    assert parked_headers["x-dlq-error-type"] == "ValidationError"
    async with identify_container.engine.connect() as conn:
        assert not await conn.scalar(
            sa.text("SELECT count(*) FROM not_premium_verdicts WHERE customer_id = 'NPV04'")
        )
