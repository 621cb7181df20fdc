"""GraphQL types, each defined once and shared by the role schemas that may show it. Types a
lobby or counter schema holds carry no tier, score or amount.

Every code a person reads has its label beside it, in the caller's language: ``tier`` and
``tierLabel``, ``alternatives`` and ``alternativeLabels`` (``branchflow_gateway.access`` refuses
a code without one). The gateway labels the shared codes itself (the contracts' and the roles'),
so a row from the live feed or the kept lobby list reads in each caller's language; labels and
texts identify owns (explanations, facts) come worded from identify, which was asked in the
caller's language.

Callers use the package (``from branchflow_gateway.identify.types import Rating``); the modules
are where a reader finds a concern's types: ``codes`` (the enums), ``lobby`` (guidance, the lobby
list, observations), ``rating``, ``facts`` (a customer's facts and their re-rating), ``branch``
(identifications, counts and traces for those who read tiers), ``queue`` (second diversion) and
``prospects``; ``shared`` reads identify's JSON."""

from branchflow_gateway.identify.types.branch import (
    BranchIdentification,
    ChannelCount,
    IdentificationCounts,
    IdentificationTrace,
    StaffCount,
    TierCount,
)
from branchflow_gateway.identify.types.codes import (
    ChannelType,
    CustomerTierType,
    GuidanceActionType,
    HandlingOutcomeType,
    SignalCategoryType,
    VisitPurposeType,
)
from branchflow_gateway.identify.types.facts import (
    HOLDINGS,
    CustomerFacts,
    FactsInput,
    FactsUpdate,
    Holdings,
    PersonalData,
)
from branchflow_gateway.identify.types.lobby import (
    Guidance,
    LobbyIdentification,
    ObservationInput,
    ObservationResult,
    SignalInput,
)
from branchflow_gateway.identify.types.prospects import (
    Prospect,
    ProspectInput,
    ProspectLinked,
    ProspectRecorded,
)
from branchflow_gateway.identify.types.queue import ActionCount, QueueCheck, QueueCheckInput, QueueChecks
from branchflow_gateway.identify.types.rating import Rating, ScoreItem

__all__ = [
    "HOLDINGS",
    "ActionCount",
    "BranchIdentification",
    "ChannelCount",
    "ChannelType",
    "CustomerFacts",
    "CustomerTierType",
    "FactsInput",
    "FactsUpdate",
    "Guidance",
    "GuidanceActionType",
    "HandlingOutcomeType",
    "Holdings",
    "IdentificationCounts",
    "IdentificationTrace",
    "LobbyIdentification",
    "ObservationInput",
    "ObservationResult",
    "PersonalData",
    "Prospect",
    "ProspectInput",
    "ProspectLinked",
    "ProspectRecorded",
    "QueueCheck",
    "QueueCheckInput",
    "QueueChecks",
    "Rating",
    "ScoreItem",
    "SignalCategoryType",
    "SignalInput",
    "StaffCount",
    "TierCount",
    "VisitPurposeType",
]
