"""Every event contract of the platform, and lookups by CloudEvents type and by topic (what a
consumer of several topics, or of a dead-letter topic, needs to read a message)."""

from branchflow_contracts.events import (
    ComplaintEscalated,
    CustomerIdentified,
    CustomerRerated,
    EventContract,
    PlanDue,
    TransactionPosted,
)
from branchflow_contracts.prospects import ProspectLinked
from branchflow_contracts.referral import REFERRAL_EVENTS

ALL_EVENTS: tuple[type[EventContract], ...] = (
    CustomerIdentified,
    CustomerRerated,
    ProspectLinked,
    *REFERRAL_EVENTS,
    ComplaintEscalated,
    PlanDue,
    TransactionPosted,
)


def contract_for_type(ce_type: str) -> type[EventContract]:
    for contract in ALL_EVENTS:
        if contract.ce_type == ce_type:
            return contract
    raise KeyError(f"unknown CloudEvents type {ce_type!r}")


def contract_for_topic(topic: str) -> type[EventContract]:
    for contract in ALL_EVENTS:
        if contract.topic == topic:
            return contract
    raise KeyError(f"no contract for topic {topic!r}")
