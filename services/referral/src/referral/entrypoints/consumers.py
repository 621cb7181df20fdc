"""Kafka subscribers (FastStream). Thin: read the envelope, call the handler. Redeliveries are
dropped by CloudEvents id (the inbox); poison messages go to ``<topic>.dlq``."""

from datetime import UTC, datetime

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from branchflow_contracts import CustomerIdentified, CustomerRerated, ProspectLinked, Topic
from branchflow_runtime.messaging import cloudevents_codec
from branchflow_runtime.service import consumer_options
from referral import handlers
from referral.config import ReferralSettings


def register_consumers(broker: KafkaBroker, container, settings: ReferralSettings) -> None:
    @broker.subscriber(
        str(Topic.CUSTOMER_IDENTIFIED),
        **consumer_options(settings, default_group="referral"),
        title=f"{Topic.CUSTOMER_IDENTIFIED}:referral",
        description="An identification whose guidance calls a wealth manager becomes a suggested "
        "referral on the lobby manager's list of the day; a higher tier lifts a not-premium block. "
        f"Redeliveries are dropped by event id; poison messages go to `{Topic.CUSTOMER_IDENTIFIED}.dlq`.",
    )
    async def on_customer_identified(event: CustomerIdentified, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.record_identification(
            handlers.Identified(
                event_id=envelope.get_id(),
                topic=str(Topic.CUSTOMER_IDENTIFIED),
                identification_id=event.identification_id,
                customer_id=event.customer_id,
                branch_id=event.branch_id,
                tier=event.tier,
                previous_tier=event.previous_tier,
                calls_wealth_manager=event.guidance.call_wealth_manager,
                reason=event.reason,
                identified_at=event.identified_at,
            ),
            container.unit_of_work(),
            container.rules,
        )

    @broker.subscriber(
        str(Topic.CUSTOMER_RERATED),
        **consumer_options(settings, default_group="referral"),
        title=f"{Topic.CUSTOMER_RERATED}:referral",
        description="A re-rating to a higher tier lifts a not-premium block (the customer may be "
        f"referred again). Redeliveries are dropped by event id; poison messages go to "
        f"`{Topic.CUSTOMER_RERATED}.dlq`.",
    )
    async def on_customer_rerated(event: CustomerRerated, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.record_rerating(
            handlers.Rerated(
                event_id=envelope.get_id(),
                topic=str(Topic.CUSTOMER_RERATED),
                customer_id=event.customer_id,
                tier=event.tier,
                previous_tier=event.previous_tier,
                rerated_at=event.rerated_at,
            ),
            container.unit_of_work(),
        )

    @broker.subscriber(
        str(Topic.CUSTOMER_PROSPECT_LINKED),
        **consumer_options(settings, default_group="referral"),
        title=f"{Topic.CUSTOMER_PROSPECT_LINKED}:referral",
        description="A walk-in linked to a customer id: the forms, register entries, suggestions and "
        "marketing participants held under the prospect id become the customer's in one transaction "
        "(one open form and one active entry per person: the first stands), the latest not-premium "
        "verdict is kept under the customer id (and published for it, if it was the prospect's and "
        "holds), and a form filed later by the walk-in's phone is the customer's. Redeliveries are "
        f"dropped by event id; poison messages go to `{Topic.CUSTOMER_PROSPECT_LINKED}.dlq`.",
    )
    async def on_prospect_linked(event: ProspectLinked, message: KafkaMessage) -> None:
        envelope = cloudevents_codec.decode(message.headers, message.raw_message.key, message.body)
        await handlers.link_prospect(
            handlers.Linked(
                event_id=envelope.get_id(),
                topic=str(Topic.CUSTOMER_PROSPECT_LINKED),
                prospect_id=event.prospect_id,
                customer_id=event.customer_id,
                branch_id=event.branch_id,
                linked_by=event.linked_by,
                linked_at=event.linked_at,
            ),
            container.unit_of_work(),
            datetime.now(UTC),
        )
