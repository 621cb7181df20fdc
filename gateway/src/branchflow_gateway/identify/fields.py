"""Identify's operations, and what each field of its types shows (``branchflow_gateway.access``):
each role's schema holds the operations whose data the access policy lets that role read. A
lobby manager's or teller's fields carry no tier, score or amount: the types they get have none."""

from branchflow_gateway.access import Shows, mutation, query, subscription
from branchflow_gateway.identify.resolvers import (
    branch_identification_counts,
    branch_identifications,
    customer_facts,
    customer_rating,
    identification_counts,
    identification_trace,
    lobby_identifications,
    lobby_list,
    record_observation,
    update_customer_facts,
)
from branchflow_runtime.access import Action, Data

OPERATIONS = (
    query(lobby_list),
    query(branch_identifications),
    query(customer_rating),
    query(customer_facts),
    query(identification_counts),
    query(branch_identification_counts, every_branch=True),
    query(identification_trace),
    mutation(record_observation, Action.RECORD_OBSERVATION),
    mutation(update_customer_facts, Action.WRITE_FACTS),
    subscription(lobby_identifications),
)

_RECORD = ("identificationId", "customerId", "identifiedAt")  # which record, of whom, when

SHOWS: Shows = {
    **{("Guidance", f): Data.GUIDANCE for f in ("action", "callWealthManager", "alternatives", "script")},
    **{("LobbyIdentification", f): Data.IDENTIFICATION for f in (*_RECORD, "channel", "identifiedAtLocal")},
    ("LobbyIdentification", "guidance"): Data.GUIDANCE,
    ("LobbyIdentification", "callWealthManager"): Data.GUIDANCE,
    **{("ObservationResult", f): Data.IDENTIFICATION for f in _RECORD},
    ("ObservationResult", "guidance"): Data.GUIDANCE,
    **{
        ("BranchIdentification", f): Data.IDENTIFICATION
        for f in (*_RECORD, "branchId", "customerBranchId", "visiting", "channel", "reason", "identifiedBy")
    },
    ("BranchIdentification", "identifiedAtLocal"): Data.IDENTIFICATION,
    ("BranchIdentification", "tier"): Data.TIER,
    ("BranchIdentification", "previousTier"): Data.TIER,
    ("BranchIdentification", "score"): Data.SCORE,
    ("BranchIdentification", "guidance"): Data.GUIDANCE,
    ("Rating", "customerId"): None,
    ("Rating", "branchId"): None,
    ("Rating", "tier"): Data.TIER,
    ("Rating", "decidedBy"): Data.TIER,  # which tier rule matched
    ("Rating", "score"): Data.SCORE,
    ("Rating", "explanation"): Data.EXPLANATION,
    ("Rating", "rulesVersion"): None,
    ("Rating", "ratedAt"): None,
    **{("ScoreItem", f): Data.EXPLANATION for f in ("factor", "detail", "points")},
    ("CustomerFacts", "customerId"): None,
    ("CustomerFacts", "branchId"): None,
    ("CustomerFacts", "wealthManagerId"): None,
    ("CustomerFacts", "holdings"): Data.AMOUNTS,
    **{("Holdings", f): Data.AMOUNTS for f in ("deposits", "funds", "insurance", "wealthProducts", "loans")},
    **{
        ("CustomerFacts", f): Data.FACTS
        for f in (
            "occupation",
            "addressArea",
            "socialStanding",
            "familyHighIncome",
            "ownBankVip",
            "otherBankVip",
            "banksMainlyElsewhere",
        )
    },
    ("CustomerFacts", "personalData"): Data.PERSONAL_DATA,
    **{("PersonalData", f): Data.PERSONAL_DATA for f in ("name", "idNumber", "phone", "address", "masked")},
    ("IdentificationCounts", "branchId"): None,
    ("IdentificationCounts", "day"): None,
    **{("IdentificationCounts", f): Data.COUNTS for f in ("total", "byTier", "visiting", "byChannel")},
    **{("TierCount", f): Data.COUNTS for f in ("tier", "count")},
    **{("ChannelCount", f): Data.COUNTS for f in ("channel", "count")},
    **{
        ("IdentificationTrace", f): Data.IDENTIFICATION
        for f in ("identificationId", "branchId", "identifiedAt")
    },
    ("FactsUpdate", "rating"): None,  # its fields say what it shows
    ("FactsUpdate", "tierChanged"): Data.TIER,
    ("IdentificationTrace", "traceId"): Data.TRACE,
    ("IdentificationTrace", "traceUrl"): Data.TRACE,
}
