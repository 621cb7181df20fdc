"""Guidance tells the lobby where to send a customer, following the visit; it never carries a tier
or an amount, and every script has a code the catalogues translate."""

import pytest

from branchflow_contracts import CustomerTier, GuidanceAction, GuidanceScript
from branchflow_contracts.labels import LABELS
from identify.domain.guidance import Visit, VisitPurpose, guide

PREMIUM = [CustomerTier.PREMIUM_CORE, CustomerTier.PREMIUM]
VISITS = [
    Visit(purpose, vip_card_shown=card, has_time=time, in_queue=queue)
    for purpose in VisitPurpose
    for card in (False, True)
    for time in (None, True, False)
    for queue in (False, True)
]


@pytest.mark.parametrize("tier", list(CustomerTier))
@pytest.mark.parametrize("followed_up", [False, True])
def test_guidance_never_carries_the_tier_or_an_amount(tier, followed_up):
    for visit in VISITS:
        guidance = guide(tier, visit, wealth_manager_followed_up=followed_up)
        text = guidance.model_dump_json().lower()
        for word in ("premium", "potential", "to_win", "ordinary", "tier", "score", "vip", "cny", "¥"):
            assert word not in text, (visit, text)
        assert guidance.script == LABELS[GuidanceScript][GuidanceScript(guidance.script_code)]


@pytest.mark.parametrize("tier", PREMIUM)
@pytest.mark.parametrize(
    "visit",
    [
        Visit(VisitPurpose.INVESTMENT, vip_card_shown=True),  # shows our VIP card
        Visit(VisitPurpose.SMALL_CASH),  # only wants quick cash
        Visit(VisitPurpose.LARGE_CASH),
        Visit(VisitPurpose.INVESTMENT, has_time=False),  # no time for a wealth manager
    ],
)
def test_a_premium_customer_in_a_hurry_gets_priority_service_first_and_the_card(tier, visit):
    guidance = guide(tier, visit)
    assert guidance.action == GuidanceAction.PRIORITY_COUNTER
    assert guidance.script_code == "priority_counter_first"
    assert guidance.offer_wealth_manager_card and not guidance.call_wealth_manager
    assert guidance.alternatives == (GuidanceAction.MEET_WEALTH_MANAGER,)


@pytest.mark.parametrize(
    "purpose", [VisitPurpose.TRANSFER, VisitPurpose.ACCOUNT_INQUIRY, VisitPurpose.BILL_PAYMENT]
)
def test_a_premium_customer_with_an_e_channel_errand_gets_the_fast_e_channel(purpose):
    guidance = guide(CustomerTier.PREMIUM, Visit(purpose))
    assert guidance.action == GuidanceAction.FAST_E_CHANNEL
    assert guidance.offer_wealth_manager_card


@pytest.mark.parametrize("tier", PREMIUM)
@pytest.mark.parametrize(
    "visit",
    [
        Visit(VisitPurpose.INVESTMENT),  # not asked, no errand to hurry for
        Visit(
            VisitPurpose.SMALL_CASH, vip_card_shown=True, has_time=True
        ),  # has time: the manager serves first
    ],
)
def test_a_premium_customer_with_time_meets_a_wealth_manager_now(tier, visit):
    guidance = guide(tier, visit)
    assert guidance.action == GuidanceAction.MEET_WEALTH_MANAGER
    assert guidance.call_wealth_manager
    assert guidance.script_code == "meet_wealth_manager_now"


def test_a_customer_to_win_meets_a_wealth_manager_unless_there_is_no_time():
    now = guide(CustomerTier.TO_WIN, Visit(VisitPurpose.LARGE_CASH))
    assert now.action == GuidanceAction.MEET_WEALTH_MANAGER and now.call_wealth_manager
    assert now.alternatives == (GuidanceAction.CASH_COUNTER,)
    hurried = guide(CustomerTier.TO_WIN, Visit(VisitPurpose.LARGE_CASH, has_time=False))
    assert hurried.action == GuidanceAction.CASH_COUNTER
    assert hurried.offer_wealth_manager_card and not hurried.call_wealth_manager


def test_a_potential_customer_gets_the_card_and_todays_business_as_usual():
    guidance = guide(CustomerTier.POTENTIAL, Visit(VisitPurpose.BILL_PAYMENT))
    assert guidance.action == GuidanceAction.SELF_SERVICE
    assert guidance.offer_wealth_manager_card and not guidance.call_wealth_manager
    assert guidance.script_code == "card_and_contact_time"


@pytest.mark.parametrize("tier", [CustomerTier.TO_WIN, CustomerTier.POTENTIAL])
def test_nobody_calls_a_wealth_manager_again_once_one_has_followed_up(tier):
    guidance = guide(tier, Visit(VisitPurpose.INVESTMENT, has_time=True), wealth_manager_followed_up=True)
    assert guidance == guide(CustomerTier.ORDINARY, Visit(VisitPurpose.INVESTMENT, has_time=True))
    assert not guidance.call_wealth_manager and not guidance.offer_wealth_manager_card


@pytest.mark.parametrize("tier", list(CustomerTier))
def test_once_a_wealth_manager_has_followed_up_no_guidance_calls_one_or_offers_the_card(tier):
    for visit in VISITS:
        guidance = guide(tier, visit, wealth_manager_followed_up=True)
        assert not guidance.call_wealth_manager and not guidance.offer_wealth_manager_card, visit
        assert GuidanceAction.MEET_WEALTH_MANAGER not in (guidance.action, *guidance.alternatives), visit


@pytest.mark.parametrize("tier", PREMIUM)
@pytest.mark.parametrize(
    ("visit", "action", "code"),
    [
        (Visit(VisitPurpose.INVESTMENT, has_time=True), GuidanceAction.PRIORITY_COUNTER, "priority_counter"),
        (Visit(VisitPurpose.LARGE_CASH), GuidanceAction.PRIORITY_COUNTER, "priority_counter"),
        (Visit(VisitPurpose.TRANSFER, vip_card_shown=True), GuidanceAction.FAST_E_CHANNEL, "fast_e_channel"),
    ],
)
def test_a_customer_the_rating_calls_premium_keeps_priority_service_after_a_not_premium_verdict(
    tier, visit, action, code
):
    """The rating still says premium: priority service, as for any premium customer — without the
    wealth manager a wealth manager has already judged unnecessary."""
    guidance = guide(tier, visit, wealth_manager_followed_up=True)
    assert (guidance.action, guidance.script_code, guidance.alternatives) == (action, code, ())


@pytest.mark.parametrize(
    ("purpose", "action"),
    [
        (VisitPurpose.SMALL_CASH, GuidanceAction.SELF_SERVICE),
        (VisitPurpose.BILL_PAYMENT, GuidanceAction.SELF_SERVICE),
        (VisitPurpose.TRANSFER, GuidanceAction.E_BANKING),
        (VisitPurpose.ACCOUNT_INQUIRY, GuidanceAction.E_BANKING),
        (VisitPurpose.COMPLEX_NON_CASH, GuidanceAction.NON_CASH_COUNTER),
        (VisitPurpose.LARGE_CASH, GuidanceAction.CASH_COUNTER),
    ],
)
def test_ordinary_customers_are_diverted_by_what_they_came_for(purpose, action):
    guidance = guide(CustomerTier.ORDINARY, Visit(purpose))
    assert guidance.action == action
    assert guidance.script_code == f"divert.{purpose}"
    assert not guidance.call_wealth_manager and not guidance.offer_wealth_manager_card


@pytest.mark.parametrize(
    ("purpose", "action", "code"),
    [
        (VisitPurpose.SMALL_CASH, GuidanceAction.SELF_SERVICE, "divert.small_cash"),
        (VisitPurpose.TRANSFER, GuidanceAction.E_BANKING, "divert.transfer"),
        (VisitPurpose.LARGE_CASH, GuidanceAction.CASH_COUNTER, "queue.keep_ticket"),
        (VisitPurpose.COMPLEX_NON_CASH, GuidanceAction.NON_CASH_COUNTER, "queue.keep_ticket"),
    ],
)
def test_second_diversion_moves_the_simple_ones_out_of_the_queue(purpose, action, code):
    guidance = guide(CustomerTier.ORDINARY, Visit(purpose, in_queue=True))
    assert (guidance.action, guidance.script_code) == (action, code)


def test_the_roles_that_observe_are_those_the_access_policy_lets_record():
    from branchflow_runtime import access
    from branchflow_runtime.access import Action
    from identify.entrypoints.api import OBSERVATION_CHANNELS

    assert set(OBSERVATION_CHANNELS) == {r for r in access.DO if Action.RECORD_OBSERVATION in access.DO[r]}
