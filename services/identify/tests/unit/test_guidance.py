"""Guidance tells the lobby where to send a customer; it never carries a tier or an amount."""

import pytest

from branchflow_contracts import CustomerTier, GuidanceAction
from identify.domain.guidance import VisitPurpose, guide


@pytest.mark.parametrize("tier", list(CustomerTier))
@pytest.mark.parametrize("purpose", list(VisitPurpose))
def test_guidance_never_carries_the_tier_or_an_amount(tier, purpose):
    text = guide(tier, purpose).model_dump_json().lower()
    for word in ("premium", "potential", "to_win", "ordinary", "tier", "score", "vip", "cny", "¥"):
        assert word not in text


@pytest.mark.parametrize("tier", [CustomerTier.PREMIUM_CORE, CustomerTier.PREMIUM, CustomerTier.TO_WIN])
def test_premium_and_to_win_meet_a_wealth_manager_now(tier):
    guidance = guide(tier, VisitPurpose.SMALL_CASH)
    assert guidance.action == GuidanceAction.MEET_WEALTH_MANAGER
    assert guidance.call_wealth_manager
    assert GuidanceAction.PRIORITY_COUNTER in guidance.alternatives


def test_potential_gets_a_card_and_a_contact_time():
    guidance = guide(CustomerTier.POTENTIAL, VisitPurpose.BILL_PAYMENT)
    assert guidance.action == GuidanceAction.MEET_WEALTH_MANAGER
    assert not guidance.call_wealth_manager
    assert guidance.alternatives == (GuidanceAction.SELF_SERVICE,)


@pytest.mark.parametrize(
    ("purpose", "action"),
    [
        (VisitPurpose.SMALL_CASH, GuidanceAction.SELF_SERVICE),
        (VisitPurpose.BILL_PAYMENT, GuidanceAction.SELF_SERVICE),
        (VisitPurpose.TRANSFER, GuidanceAction.E_BANKING),
        (VisitPurpose.COMPLEX_NON_CASH, GuidanceAction.NON_CASH_COUNTER),
    ],
)
def test_ordinary_customers_are_diverted_by_what_they_came_for(purpose, action):
    guidance = guide(CustomerTier.ORDINARY, purpose)
    assert guidance.action == action
    assert not guidance.call_wealth_manager


def test_the_roles_that_observe_are_those_the_access_policy_lets_record():
    from branchflow_runtime import access
    from branchflow_runtime.access import Action
    from identify.entrypoints.api import OBSERVATION_CHANNELS

    assert set(OBSERVATION_CHANNELS) == {r for r in access.DO if Action.RECORD_OBSERVATION in access.DO[r]}
