"""Kafka subscribers (FastStream). Thin: read the envelope, call the handler."""

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from branchflow_contracts import Topic, TransactionPosted
from branchflow_runtime.messaging import cloudevents_codec
from branchflow_runtime.service import consumer_options
from identify import handlers
from identify.config import IdentifySettings


def register_consumers(broker: KafkaBroker, container, settings: IdentifySettings) -> None:
    @broker.subscriber(
        str(Topic.CORE_TRANSACTION_POSTED),
        **consumer_options(settings, default_group="identify"),
        title=f"{Topic.CORE_TRANSACTION_POSTED}:identify",
        description="System mining: large posted transactions become identifications on channel "
        "`system`; amounts in another currency are converted with the bank's rates, and a currency "
        "without a rate is dead-lettered (`x-dlq-error` says `money.no_exchange_rate`). Redeliveries "
        f"are dropped by event id; poison messages go to `{Topic.CORE_TRANSACTION_POSTED}.dlq`.",
    )
    async def on_transaction_posted(event: TransactionPosted, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.mine_transaction(
            event, envelope.get_id(), container.unit_of_work(), container.rules, container.rates
        )
