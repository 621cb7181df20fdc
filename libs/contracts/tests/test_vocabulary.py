"""What the shared vocabulary means beyond its codes: how tiers rank, what a prospect id is."""

import pytest

from branchflow_contracts import CustomerTier, is_higher_tier, is_prospect_id


@pytest.mark.parametrize(
    ("previous", "tier", "higher"),
    [
        (CustomerTier.ORDINARY, CustomerTier.POTENTIAL, True),
        (CustomerTier.POTENTIAL, CustomerTier.PREMIUM, True),
        (CustomerTier.TO_WIN, CustomerTier.PREMIUM_CORE, True),
        (CustomerTier.POTENTIAL, CustomerTier.TO_WIN, False),
        (CustomerTier.PREMIUM, CustomerTier.POTENTIAL, False),
        (None, CustomerTier.PREMIUM, False),
    ],
)
def test_what_counts_as_a_higher_tier(previous, tier, higher):
    assert is_higher_tier(previous, tier) is higher


@pytest.mark.parametrize(
    ("key", "prospect"),
    [("P0123456789AB", True), ("C000042", False), ("P0123456789ab", False), ("P0123456789ABC", False)],
)
def test_a_prospect_id_is_told_from_a_customer_id(key, prospect):
    assert is_prospect_id(key) is prospect
