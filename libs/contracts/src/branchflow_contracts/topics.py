"""Kafka topic names. They live here and nowhere else."""

from enum import StrEnum


class Topic(StrEnum):
    CUSTOMER_IDENTIFIED = "customer.identified"
    CUSTOMER_RERATED = "customer.rerated"
    CUSTOMER_REFERRED = "customer.referred"
    COMPLAINT_ESCALATED = "complaint.escalated"
    RELATIONSHIP_PLAN_DUE = "relationship.plan-due"
    # inbound from core banking
    CORE_TRANSACTION_POSTED = "core.transaction-posted"


def dead_letter_topic(topic: str) -> str:
    """Where a message that keeps failing on ``topic`` is parked."""
    return f"{topic}.dlq"
