"""Branchflow event contracts: topic names, CloudEvents types and payload models.

Depends on pydantic only, so head-office integrators can install it on its own:
``pip install branchflow-contracts``.
"""

from branchflow_contracts.events import (
    ALL_EVENTS,
    ComplaintEscalated,
    CustomerIdentified,
    CustomerReferred,
    CustomerRerated,
    EventContract,
    PlanDue,
    Signal,
    TransactionPosted,
    contract_for_topic,
    contract_for_type,
)
from branchflow_contracts.money import Money
from branchflow_contracts.topics import Topic, dead_letter_topic
from branchflow_contracts.vocabulary import (
    Channel,
    CustomerTier,
    Guidance,
    GuidanceAction,
    RerateCause,
    SignalCategory,
    VisitPurpose,
)

__all__ = [
    "ALL_EVENTS",
    "Channel",
    "ComplaintEscalated",
    "CustomerIdentified",
    "CustomerReferred",
    "CustomerRerated",
    "CustomerTier",
    "EventContract",
    "Guidance",
    "GuidanceAction",
    "Money",
    "PlanDue",
    "RerateCause",
    "Signal",
    "SignalCategory",
    "Topic",
    "TransactionPosted",
    "VisitPurpose",
    "contract_for_topic",
    "contract_for_type",
    "dead_letter_topic",
]
