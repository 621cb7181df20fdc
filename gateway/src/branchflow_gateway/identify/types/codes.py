"""The identification codes as GraphQL enums (the contracts'; labelled there)."""

import strawberry

from branchflow_contracts import (
    Channel,
    CustomerTier,
    GuidanceAction,
    HandlingOutcome,
    SignalCategory,
    VisitPurpose,
)

GuidanceActionType = strawberry.enum(GuidanceAction, name="GuidanceAction")
ChannelType = strawberry.enum(Channel, name="Channel")
SignalCategoryType = strawberry.enum(SignalCategory, name="SignalCategory")
CustomerTierType = strawberry.enum(CustomerTier, name="CustomerTier")
VisitPurposeType = strawberry.enum(
    VisitPurpose, name="VisitPurpose", description="What the customer came for."
)
HandlingOutcomeType = strawberry.enum(
    HandlingOutcome, name="HandlingOutcome", description="What became of a guidance."
)
