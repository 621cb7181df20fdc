"""The AsyncAPI document of this service (``make asyncapi`` writes it; a test fails when it is stale)."""

from branchflow_runtime.messaging.asyncapi import document as asyncapi_document
from referral.bootstrap import build_broker
from referral.config import ReferralSettings


def document() -> str:
    # a fixed address, so the document does not depend on where it was generated
    broker, _ = build_broker(ReferralSettings(kafka_bootstrap_servers="kafka:9092", start_consumers=True))
    return asyncapi_document(
        broker,
        title="Branchflow referral service",
        description="Events the referral service publishes and consumes. Keys: the customer id "
        "(a prospect's id for a walk-in without one) for a person's events, the branch id for a "
        "branch's day and month. No payload carries a tier, a score or an amount.",
    )
