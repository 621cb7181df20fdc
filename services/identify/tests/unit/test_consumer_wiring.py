"""Subscriber wiring with FastStream's TestKafkaBroker (in memory): the envelope is read, the
handler runs, poison goes to the dead-letter topic."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from branchflow_contracts import Topic, dead_letter_topic
from identify.bootstrap import build_broker
from identify.config import IdentifySettings

from .fakes import FakeUnitOfWork
from .ruleset import RATES, RULES


class FakeContainer:
    def __init__(self) -> None:
        self.rules = RULES
        self.rates = RATES
        self.uow = FakeUnitOfWork()

    def unit_of_work(self) -> FakeUnitOfWork:
        return self.uow


def posted(amount: str, currency: str = "CNY") -> bytes:
    return json.dumps(
        {
            "transaction_id": "T1",
            "customer_id": "W1",
            "branch_id": "BR001",
            "business_type": "cash_deposit",
            "amount": amount,
            "currency": currency,
            "posted_at": datetime.now(UTC).isoformat(),
        }
    ).encode()


def ce_headers() -> dict[str, str]:
    return {
        "ce_id": str(uuid.uuid4()),
        "ce_type": "bank.core.transaction-posted.v1",
        "ce_source": "/core",
        "ce_specversion": "1.0",
        "content-type": "application/json",
    }


async def test_a_posted_transaction_reaches_the_handler_and_poison_is_dead_lettered():
    container = FakeContainer()
    broker, _ = build_broker(IdentifySettings(consumer_max_attempts=2), container)
    parked = []

    @broker.subscriber(dead_letter_topic(Topic.CORE_TRANSACTION_POSTED))
    async def dead_letters(body: Any, message: KafkaMessage) -> None:
        parked.append(message.headers)

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(posted("900000"), Topic.CORE_TRANSACTION_POSTED, headers=ce_headers())
        await test_broker.publish(posted("not money"), Topic.CORE_TRANSACTION_POSTED, headers=ce_headers())
        await test_broker.publish(posted("900000"), Topic.CORE_TRANSACTION_POSTED)  # no envelope
        await test_broker.publish(
            posted("900000", "XAU"), Topic.CORE_TRANSACTION_POSTED, headers=ce_headers()
        )

    assert [i.reason for i in container.uow.repo.identifications] == ["system_mining"]
    assert [h["x-dlq-error-type"] for h in parked] == ["ValidationError", "InvalidEnvelope", "NoExchangeRate"]
    assert parked[2]["x-dlq-error"].startswith("money.no_exchange_rate: no exchange rate for XAU")
    assert parked[2]["x-dlq-attempts"] == "1"  # refused, not retried
    assert all(h["x-dlq-original-topic"] == Topic.CORE_TRANSACTION_POSTED for h in parked)


def verdict(customer_id: str, judged_at: datetime, **overrides) -> bytes:
    payload = {
        "customer_id": customer_id,
        "branch_id": "BR001",
        "referral_id": "R1",
        "judged_by": "wm-1",
        "judged_at": judged_at.isoformat(),
        "no_referral_until": (judged_at + timedelta(days=180)).isoformat(),
    }
    return json.dumps({**payload, **overrides}).encode()


def verdict_headers(event_id: str | None = None) -> dict[str, str]:
    return {
        **ce_headers(),
        "ce_id": event_id or str(uuid.uuid4()),
        "ce_type": "bank.branch.customer.judged-not-premium.v1",
        "ce_source": "/branchflow/referral",
    }


async def test_a_verdict_reaches_the_handler_once_per_event_id_and_poison_is_dead_lettered():
    container = FakeContainer()
    broker, _ = build_broker(IdentifySettings(consumer_max_attempts=2), container)
    parked = []

    @broker.subscriber(dead_letter_topic(Topic.CUSTOMER_JUDGED_NOT_PREMIUM))
    async def dead_letters(body: Any, message: KafkaMessage) -> None:
        parked.append(message.headers)

    judged_at = datetime.now(UTC)
    topic = Topic.CUSTOMER_JUDGED_NOT_PREMIUM
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(verdict("V1", judged_at), topic, key=b"V1", headers=verdict_headers("e-1"))
        # an event id seen before is dropped, whatever it carries
        later = verdict("V1", judged_at + timedelta(days=1))
        await test_broker.publish(later, topic, key=b"V1", headers=verdict_headers("e-1"))
        await test_broker.publish(
            verdict("V2", judged_at, no_referral_until="in half a year"), topic, headers=verdict_headers()
        )
        await test_broker.publish(verdict("V3", judged_at), topic)  # no envelope

    assert list(container.uow.repo.verdicts) == ["V1"]
    assert container.uow.repo.verdicts["V1"].judged_at == judged_at
    assert [h["x-dlq-error-type"] for h in parked] == ["ValidationError", "InvalidEnvelope"]
    assert all(h["x-dlq-original-topic"] == Topic.CUSTOMER_JUDGED_NOT_PREMIUM for h in parked)
