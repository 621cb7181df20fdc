"""Subscriber wiring with FastStream's TestKafkaBroker (in memory): the envelope is read, the
handler runs once per event id, poison goes to the dead-letter topic."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from branchflow_contracts import Topic, dead_letter_topic
from referral.bootstrap import build_broker
from referral.config import ReferralSettings
from referral.domain.rules import ReferralRules

from .fakes import FakeUnitOfWork


class FakeContainer:
    def __init__(self) -> None:
        self.rules = ReferralRules()
        self.uow = FakeUnitOfWork()

    def unit_of_work(self) -> FakeUnitOfWork:
        return self.uow


def identified(customer_id: str, call: bool = True, guidance: dict | None = None) -> bytes:
    return json.dumps(
        {
            "identification_id": str(uuid.uuid4()),
            "customer_id": customer_id,
            "branch_id": "BR001",
            "channel": "branch",
            "tier": "premium",
            "score": "71.00",
            "guidance": guidance
            or {"action": "meet_wealth_manager", "call_wealth_manager": call, "script": "Invite them."},
            "reason": "observation",
            "identified_at": datetime.now(UTC).isoformat(),
        }
    ).encode()


def ce_headers(event_id: str | None = None) -> dict[str, str]:
    return {
        "ce_id": event_id or str(uuid.uuid4()),
        "ce_type": "bank.branch.customer.identified.v1",
        "ce_source": "/branchflow/identify",
        "ce_specversion": "1.0",
        "content-type": "application/json",
    }


async def test_identifications_become_suggestions_and_poison_is_dead_lettered():
    container = FakeContainer()
    broker, _ = build_broker(ReferralSettings(consumer_max_attempts=2), container)
    parked = []

    @broker.subscriber(dead_letter_topic(Topic.CUSTOMER_IDENTIFIED))
    async def dead_letters(body: Any, message: KafkaMessage) -> None:
        parked.append(message.headers)

    twice = ce_headers()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(identified("W1"), Topic.CUSTOMER_IDENTIFIED, headers=twice)
        await test_broker.publish(identified("W1"), Topic.CUSTOMER_IDENTIFIED, headers=twice)  # redelivered
        await test_broker.publish(
            identified("W2", call=False), Topic.CUSTOMER_IDENTIFIED, headers=ce_headers()
        )
        await test_broker.publish(
            identified("W3", guidance={"action": "nowhere"}), Topic.CUSTOMER_IDENTIFIED, headers=ce_headers()
        )
        await test_broker.publish(identified("W4"), Topic.CUSTOMER_IDENTIFIED)  # no envelope

    assert [s.customer_id for s in container.uow.committed.suggestions.values()] == ["W1"]
    assert container.uow.commits == 2  # W1 once, W2 remembered as seen
    assert [h["x-dlq-error-type"] for h in parked] == ["ValidationError", "InvalidEnvelope"]
    assert all(h["x-dlq-original-topic"] == Topic.CUSTOMER_IDENTIFIED for h in parked)


def rerated(customer_id: str, previous: str, tier: str) -> bytes:
    return json.dumps(
        {
            "rerating_id": str(uuid.uuid4()),
            "customer_id": customer_id,
            "branch_id": "BR001",
            "cause": "facts_changed",
            "previous_tier": previous,
            "tier": tier,
            "score": "80.00",
            "rules_version": "2026.2",
            "rerated_at": datetime.now(UTC).isoformat(),
        }
    ).encode()


async def test_a_rerating_to_a_higher_tier_lifts_the_not_premium_block():
    from datetime import timedelta

    from referral.domain.not_premium import NotPremiumBlock

    container = FakeContainer()
    judged = datetime.now(UTC) - timedelta(days=1)
    for key in ("UP1", "DOWN1"):
        container.uow.committed.blocks[key] = NotPremiumBlock.judge(
            subject_key=key, referral_id="R1", by="wm-1", at=judged, rules=container.rules
        )
    broker, _ = build_broker(ReferralSettings(), container)
    headers = {**ce_headers(), "ce_type": "bank.branch.customer.rerated.v1"}
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            rerated("UP1", "potential", "premium"), Topic.CUSTOMER_RERATED, headers=headers
        )
        await test_broker.publish(
            rerated("DOWN1", "potential", "ordinary"),
            Topic.CUSTOMER_RERATED,
            headers={**headers, "ce_id": str(uuid.uuid4())},
        )

    blocks = container.uow.committed.blocks
    assert blocks["UP1"].lifted_at is not None
    assert blocks["DOWN1"].lifted_at is None


def prospect_linked(prospect_id: str, customer_id: str) -> bytes:
    return json.dumps(
        {
            "prospect_id": prospect_id,
            "customer_id": customer_id,
            "branch_id": "BR001",
            "linked_by": "lm-1",
            "linked_at": datetime.now(UTC).isoformat(),
        }
    ).encode()


async def test_a_link_is_applied_once_and_a_bad_one_is_dead_lettered():
    container = FakeContainer()
    broker, _ = build_broker(ReferralSettings(consumer_max_attempts=2), container)
    parked = []

    @broker.subscriber(dead_letter_topic(Topic.CUSTOMER_PROSPECT_LINKED))
    async def dead_letters(body: Any, message: KafkaMessage) -> None:
        parked.append(message.headers)

    once = ce_headers() | {"ce_type": "bank.branch.customer.prospect-linked.v1"}
    async with TestKafkaBroker(broker) as test_broker:
        for _ in range(2):  # redelivered
            await test_broker.publish(
                prospect_linked("PAB813C8177C4", "C1"), Topic.CUSTOMER_PROSPECT_LINKED, headers=once
            )
        await test_broker.publish(  # a prospect id is no customer id
            prospect_linked("PAB813C8177C4", "P0123456789AB"),
            Topic.CUSTOMER_PROSPECT_LINKED,
            headers=ce_headers(),
        )

    assert container.uow.committed.links == {"PAB813C8177C4": "C1"}
    assert container.uow.commits == 1
    assert [h["x-dlq-error-type"] for h in parked] == ["ValidationError"]
