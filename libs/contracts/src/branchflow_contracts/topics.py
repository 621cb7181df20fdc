"""Kafka topic names. They live here and nowhere else."""

from enum import StrEnum


class Topic(StrEnum):
    CUSTOMER_IDENTIFIED = "customer.identified"
    CUSTOMER_RERATED = "customer.rerated"
    CUSTOMER_REFERRED = "customer.referred"
    # identify: a walk-in prospect linked to the customer id of the account they opened
    CUSTOMER_PROSPECT_LINKED = "customer.prospect-linked"
    COMPLAINT_ESCALATED = "complaint.escalated"
    RELATIONSHIP_PLAN_DUE = "relationship.plan-due"
    # the referral service: forms, the follow-up register, the verdicts, the monthly figures
    REFERRAL_CONFIRMED = "referral.confirmed"
    REFERRAL_DAY_CLOSED = "referral.day-closed"
    REFERRAL_MONTH_SUMMARIZED = "referral.month-summarized"
    FOLLOW_UP_OPENED = "follow-up.opened"
    FOLLOW_UP_ATTEMPT_RECORDED = "follow-up.attempt-recorded"
    FOLLOW_UP_APPOINTMENT_MADE = "follow-up.appointment-made"
    FOLLOW_UP_ABANDONED = "follow-up.abandoned"
    CUSTOMER_JUDGED_NOT_PREMIUM = "customer.judged-not-premium"
    CUSTOMER_CONVERTED = "customer.converted"
    # inbound from core banking
    CORE_TRANSACTION_POSTED = "core.transaction-posted"


def dead_letter_topic(topic: str) -> str:
    """Where a message that keeps failing on ``topic`` is parked."""
    return f"{topic}.dlq"
