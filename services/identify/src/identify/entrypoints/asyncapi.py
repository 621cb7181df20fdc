"""The AsyncAPI document of this service (``make asyncapi`` writes it; a test fails when it is stale)."""

from branchflow_runtime.messaging.asyncapi import document as asyncapi_document
from identify.bootstrap import build_broker
from identify.config import IdentifySettings


def document() -> str:
    # a fixed address, so the document does not depend on where it was generated
    broker, _ = build_broker(IdentifySettings(kafka_bootstrap_servers="kafka:9092", start_consumers=True))
    return asyncapi_document(
        broker,
        title="Branchflow identify service",
        description="Events the identify service publishes and consumes.",
    )
