"""Kafka subscribers (FastStream). Thin: read the envelope, call the handler."""

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from branchflow_contracts import Topic, TransactionPosted
from branchflow_runtime.messaging import cloudevents_codec
from identify import handlers


def register_consumers(broker: KafkaBroker, container, group_id: str) -> None:
    @broker.subscriber(
        str(Topic.CORE_TRANSACTION_POSTED),
        group_id=group_id,
        ack_policy=AckPolicy.ACK,  # commit after the handler's transaction, not before
        auto_offset_reset="earliest",
        title=f"{Topic.CORE_TRANSACTION_POSTED}:identify",
        description="System mining: large posted transactions become identifications on channel "
        "`system`. Redeliveries are dropped by event id; poison messages go to "
        f"`{Topic.CORE_TRANSACTION_POSTED}.dlq`.",
    )
    async def on_transaction_posted(event: TransactionPosted, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.mine_transaction(event, envelope.get_id(), container.unit_of_work(), container.rules)
