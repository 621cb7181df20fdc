"""The FastStream Kafka broker every service uses, and the outbox relay's publishers."""

import logging
from collections.abc import Callable
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

from branchflow_contracts import EventContract
from branchflow_runtime.messaging.cloudevents_codec import WireMessage
from branchflow_runtime.messaging.dead_letter import DeadLetterPolicy
from branchflow_runtime.settings import ServiceSettings


def create_kafka_broker(settings: ServiceSettings, dead_letters: DeadLetterPolicy) -> KafkaBroker:
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        request_timeout_ms=15_000,
        linger_ms=5,
        # telemetry outermost: its consume span covers the retries and the dead-lettering
        middlewares=[KafkaTelemetryMiddleware(), dead_letters],
        logger=logging.getLogger(f"{settings.service_name}.kafka"),
        description=f"Branchflow {settings.service_name} service",
    )
    dead_letters.bind(broker)
    return broker


def build_service_broker(
    settings: ServiceSettings,
    outgoing: list[type[EventContract]],
    register_consumers: Callable[[KafkaBroker, Any, ServiceSettings], None],
    container: Any = None,
) -> tuple[KafkaBroker, "OutboxPublishers"]:
    """A service's broker with a publisher per event it emits and, when ``start_consumers``, its
    subscribers (``container=None``: only to generate the AsyncAPI document)."""
    broker = create_kafka_broker(settings, DeadLetterPolicy(settings.consumer_max_attempts))
    publishers = OutboxPublishers(broker, outgoing)
    if settings.start_consumers:
        register_consumers(broker, container, settings)
    return broker, publishers


class OutboxPublishers:
    """One FastStream publisher per outgoing event, so the AsyncAPI document shows what the
    service emits; the relay sends through them."""

    def __init__(self, broker: KafkaBroker, contracts: list[type[EventContract]]) -> None:
        self._publishers = {
            str(contract.topic): broker.publisher(
                str(contract.topic),
                schema=contract,
                title=f"{contract.topic}:publish",
                description=f"{contract.__doc__ or contract.__name__} "
                f"CloudEvents type `{contract.ce_type}`, key = customer id.",
            )
            for contract in contracts
        }

    async def send(self, topic: str, message: WireMessage) -> Any:
        """Hand the message to the producer; returns a future resolved on the broker's ack."""
        return await self._publishers[topic].publish(
            message.value, key=message.key, headers=message.headers, no_confirm=True
        )
