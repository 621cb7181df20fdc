"""Kafka subscribers (FastStream). Thin: read the envelope, call the handler. Redeliveries are
dropped by CloudEvents id (the inbox); poison messages go to ``<topic>.dlq``."""

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from branchflow_contracts import CustomerJudgedNotPremium, CustomerReferred, Topic, TransactionPosted
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

    @broker.subscriber(
        str(Topic.CUSTOMER_JUDGED_NOT_PREMIUM),
        **consumer_options(settings, default_group="identify"),
        title=f"{Topic.CUSTOMER_JUDGED_NOT_PREMIUM}:identify",
        description="A wealth manager judged the customer not premium: until `no_referral_until`, or "
        "until the customer's tier rises after the verdict, the lobby's and the counter's guidance "
        "calls no wealth manager for them (and says nothing of a verdict). Kept for a customer "
        "identify does not know yet; the latest verdict counts; a key that is a walk-in's "
        "prospect id holds for that walk-in's next visits. Redeliveries are dropped by event id; poison "
        f"messages go to `{Topic.CUSTOMER_JUDGED_NOT_PREMIUM}.dlq`.",
    )
    async def on_customer_judged_not_premium(event: CustomerJudgedNotPremium, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.record_not_premium_verdict(event, envelope.get_id(), container.unit_of_work())

    @broker.subscriber(
        str(Topic.CUSTOMER_REFERRED),
        **consumer_options(settings, default_group="identify"),
        title=f"{Topic.CUSTOMER_REFERRED}:identify",
        description="A referral form filed from a lobby identification marks that identification "
        "handled (referred) on the lobby's list, unless the lobby recorded what became of it already. "
        f"Redeliveries are dropped by event id; poison messages go to `{Topic.CUSTOMER_REFERRED}.dlq`.",
    )
    async def on_customer_referred(event: CustomerReferred, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.mark_referred(event, envelope.get_id(), container.unit_of_work())
