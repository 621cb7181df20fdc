"""core.transaction-posted → system mining: applied once per event, poison parked in the DLQ."""

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from branchflow_contracts import Topic, dead_letter_topic
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import read_events

from .conftest import auth

pytestmark = pytest.mark.connected


def transaction(
    customer_id: str, amount: str = "900000.00", business_type: str = "cash_deposit", currency: str = "CNY"
):
    return {
        "transaction_id": str(uuid.uuid4()),
        "customer_id": customer_id,
        "branch_id": "BR001",
        "business_type": business_type,
        "amount": amount,
        "currency": currency,
        "posted_at": datetime.now(UTC).isoformat(),
    }


def cloudevent_headers(event_id: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_id", event_id.encode()),
        ("ce_type", b"bank.core.transaction-posted.v1"),
        ("ce_source", b"/core-banking"),
        ("ce_specversion", b"1.0"),
        ("content-type", b"application/json"),
    ]


async def produce(kafka_broker, value: bytes, headers, key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_broker.bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(Topic.CORE_TRANSACTION_POSTED, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def identifications_of(client, customer_id: str) -> list[dict]:
    response = await client.get("/branches/BR001/identifications", headers=auth(Role.BRANCH_HEAD))
    return [i for i in response.json() if i["customer_id"] == customer_id]


async def eventually(probe, timeout: float = 30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.3)


async def test_large_transaction_identifies_and_redelivery_is_applied_once(client, kafka_broker):
    event_id = str(uuid.uuid4())
    value = json.dumps(transaction("MINE01")).encode()
    await produce(kafka_broker, value, cloudevent_headers(event_id), b"MINE01")
    await produce(kafka_broker, value, cloudevent_headers(event_id), b"MINE01")  # redelivery
    # a marker after both: once it is applied, both copies have been handled
    marker_id = str(uuid.uuid4())
    await produce(
        kafka_broker,
        json.dumps(transaction("MINE01M")).encode(),
        cloudevent_headers(marker_id),
        b"MINE01M",
    )
    assert await eventually(lambda: identifications_of(client, "MINE01M"))
    found = await identifications_of(client, "MINE01")
    assert len(found) == 1
    assert found[0]["channel"] == "system"
    assert found[0]["reason"] == "system_mining"


async def test_small_transaction_identifies_nobody(client, kafka_broker):
    await produce(
        kafka_broker,
        json.dumps(transaction("SMALL01", amount="1000.00")).encode(),
        cloudevent_headers(str(uuid.uuid4())),
        b"SMALL01",
    )
    marker = json.dumps(transaction("SMALL01M")).encode()
    await produce(kafka_broker, marker, cloudevent_headers(str(uuid.uuid4())), b"SMALL01")
    assert await eventually(lambda: identifications_of(client, "SMALL01M"))
    assert await identifications_of(client, "SMALL01") == []


async def test_poison_message_goes_to_dlq_and_the_next_one_is_processed(client, kafka_broker):
    poison = b'{"customer_id": "POISON01", "amount": "not money"}'
    await produce(kafka_broker, poison, cloudevent_headers(str(uuid.uuid4())), b"POISON01")
    await produce(
        kafka_broker,
        json.dumps(transaction("AFTER01")).encode(),
        cloudevent_headers(str(uuid.uuid4())),
        b"AFTER01",
    )
    assert await eventually(lambda: identifications_of(client, "AFTER01"))
    [parked] = await read_events(
        kafka_broker.bootstrap_servers,
        dead_letter_topic(Topic.CORE_TRANSACTION_POSTED),
        1,
        match=lambda r: r.key == b"POISON01",
    )
    headers = {name: value.decode() for name, value in parked.headers}
    assert parked.value == poison
    assert headers["x-dlq-original-topic"] == Topic.CORE_TRANSACTION_POSTED
    assert headers["x-dlq-error-type"] == "ValidationError"
    assert "amount" in headers["x-dlq-error"]


async def test_message_without_cloudevents_headers_is_dead_lettered(client, kafka_broker):
    await produce(kafka_broker, json.dumps(transaction("NOCE01")).encode(), [], b"NOCE01")
    [parked] = await read_events(
        kafka_broker.bootstrap_servers,
        dead_letter_topic(Topic.CORE_TRANSACTION_POSTED),
        1,
        match=lambda r: r.key == b"NOCE01",
    )
    headers = {name: value.decode() for name, value in parked.headers}
    assert headers["x-dlq-error-type"] == "InvalidEnvelope"
    assert await identifications_of(client, "NOCE01") == []


async def test_a_foreign_currency_purchase_is_converted_and_identifies_a_customer_we_hold_nothing_for(
    client, kafka_broker
):
    """The tests' rates: 7 CNY per USD. 40,000 USD of wealth products is 280,000 CNY, above the
    200,000 the tests' rules mine from; the customer has no facts with us: at least potential."""
    value = transaction("FX01", amount="40000.00", business_type="wealth_product_purchase", currency="USD")
    await produce(kafka_broker, json.dumps(value).encode(), cloudevent_headers(str(uuid.uuid4())), b"FX01")
    [found] = await eventually(lambda: identifications_of(client, "FX01"))
    assert (found["channel"], found["tier"]) == ("system", "potential")
    rating = (await client.get("/customers/FX01/rating", headers=auth(Role.WEALTH_MANAGER))).json()
    [line] = [i for i in rating["explanation"] if i["code"] == "signal.large_business_converted"]
    assert line["params"]["currency"] == "USD" and line["params"]["original_amount"] == "40000.00"
    assert line["params"]["rates_as_of"] == "test-rates"
    assert "USD 40,000.00，按 test-rates 汇率 7 折算" in line["detail"]  # in Chinese unless asked


async def test_a_currency_without_a_rate_is_dead_lettered_with_the_reason(client, kafka_broker):
    value = json.dumps(transaction("FX02", amount="900000.00", currency="XAU")).encode()
    await produce(kafka_broker, value, cloudevent_headers(str(uuid.uuid4())), b"FX02")
    [parked] = await read_events(
        kafka_broker.bootstrap_servers,
        dead_letter_topic(Topic.CORE_TRANSACTION_POSTED),
        1,
        match=lambda r: r.key == b"FX02",
    )
    headers = {name: value.decode() for name, value in parked.headers}
    assert headers["x-dlq-error-type"] == "NoExchangeRate"
    assert headers["x-dlq-error"].startswith("money.no_exchange_rate: no exchange rate for XAU")
    assert await identifications_of(client, "FX02") == []
