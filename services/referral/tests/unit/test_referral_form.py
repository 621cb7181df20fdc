"""The referral form's status machine: every allowed transition, every forbidden one refused with
its reason, and repeats that change nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from branchflow_contracts import (
    ContactWay,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    derive_prospect_id,
    is_prospect_id,
)
from referral.domain.people import Prospect, Subject
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import Invalid, Refusal, Refused

AT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)  # 10:30 in the branch
LATER = AT + timedelta(hours=7)


def form(status: ReferralStatus = ReferralStatus.REFERRED, **overrides) -> Referral:
    fields = {
        "branch_id": "BR001",
        "subject": Subject(customer_id="C1"),
        "referred_by": "lm-1",
        "referrer_role": "lobby_manager",
        "source": ReferralSource.LOBBY,
        "status": status,
        "wealth_manager_id": "wm-1",
        "at": AT,
    }
    if status is ReferralStatus.PENDING:
        fields["contact"] = AgreedContact(AT + timedelta(days=1), ContactWay.PHONE)
    return Referral.file(**(fields | overrides))


def test_a_form_is_filed_referred_or_pending_on_the_branch_day():
    referred, pending = form(), form(ReferralStatus.PENDING)
    assert (referred.status, pending.status) == (ReferralStatus.REFERRED, ReferralStatus.PENDING)
    assert referred.is_open and pending.is_open
    late = form(at=datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # 01:00 the next day in Shanghai
    assert str(late.business_day) == "2026-11-24"


@pytest.mark.parametrize(
    "status", [ReferralStatus.CONFIRMED, ReferralStatus.COPIED, ReferralStatus.WITHDRAWN]
)
def test_a_form_is_not_filed_in_a_closing_status(status):
    with pytest.raises(Invalid) as refused:
        form(status)
    assert refused.value.field == "status"


def test_a_pending_form_needs_a_contact_time_not_in_the_past():
    with pytest.raises(Invalid, match="agreed contact time and way"):
        form(ReferralStatus.PENDING, contact=None)
    with pytest.raises(Invalid) as refused:
        form(ReferralStatus.PENDING, contact=AgreedContact(AT - timedelta(hours=1), ContactWay.PHONE))
    assert refused.value.field == "contact.at"


@pytest.mark.parametrize(
    ("met", "result", "follow_up"),
    [
        (True, MarketingResult.SOLD, False),
        (True, MarketingResult.FOLLOW_UP, True),
        (True, MarketingResult.NOT_PREMIUM, False),
        (False, MarketingResult.FOLLOW_UP, True),
    ],
)
def test_referred_is_confirmed_with_met_and_result(met, result, follow_up):
    referral = form()
    assert referral.confirm(by="wm-1", met=met, result=result, at=LATER) is True
    assert (referral.status, referral.met, referral.result) == (ReferralStatus.CONFIRMED, met, result)
    assert (referral.closed_by, referral.closed_at) == ("wm-1", LATER)
    assert referral.needs_follow_up is follow_up
    assert not referral.is_open


@pytest.mark.parametrize("result", [MarketingResult.SOLD, MarketingResult.NOT_PREMIUM])
def test_a_customer_not_met_can_only_be_followed_up(result):
    referral = form()
    with pytest.raises(Refused) as refused:
        referral.confirm(by="wm-1", met=False, result=result, at=LATER)
    assert refused.value.code is Refusal.NOT_MET_NEEDS_FOLLOW_UP
    assert referral.status is ReferralStatus.REFERRED


def test_confirming_again_the_same_way_changes_nothing_and_otherwise_is_refused():
    referral = form()
    referral.confirm(by="wm-1", met=True, result=MarketingResult.SOLD, at=LATER)
    assert (
        referral.confirm(by="wm-1", met=True, result=MarketingResult.SOLD, at=LATER + timedelta(1)) is False
    )
    assert referral.closed_at == LATER
    with pytest.raises(Refused) as refused:
        referral.confirm(by="wm-1", met=True, result=MarketingResult.NOT_PREMIUM, at=LATER)
    assert refused.value.code is Refusal.ALREADY_CONFIRMED
    assert "already confirmed by wm-1" in refused.value.message


def test_pending_is_copied_into_the_register_once():
    referral = form(ReferralStatus.PENDING)
    assert referral.copy_to_register(by="wm-1", at=LATER) is True
    assert referral.status is ReferralStatus.COPIED and referral.needs_follow_up
    assert referral.copy_to_register(by="wm-1", at=LATER) is False


def test_a_pending_form_is_not_confirmed_and_a_referred_one_is_not_copied():
    with pytest.raises(Refused) as refused:
        form(ReferralStatus.PENDING).confirm(by="wm-1", met=True, result=MarketingResult.SOLD, at=LATER)
    assert refused.value.code is Refusal.PENDING_IS_COPIED
    with pytest.raises(Refused) as refused:
        form().copy_to_register(by="wm-1", at=LATER)
    assert refused.value.code is Refusal.REFERRED_IS_CONFIRMED


@pytest.mark.parametrize("status", [ReferralStatus.REFERRED, ReferralStatus.PENDING])
def test_an_open_form_can_be_withdrawn_once(status):
    referral = form(status)
    assert referral.withdraw(by="lm-1", reason="wrong customer id", at=LATER) is True
    assert referral.status is ReferralStatus.WITHDRAWN and not referral.is_open
    assert referral.withdraw(by="lm-1", reason="again", at=LATER) is False


def test_nothing_moves_a_closed_form_on():
    confirmed = form()
    confirmed.confirm(by="wm-1", met=True, result=MarketingResult.SOLD, at=LATER)
    copied = form(ReferralStatus.PENDING)
    copied.copy_to_register(by="wm-1", at=LATER)
    withdrawn = form()
    withdrawn.withdraw(by="lm-1", reason="typo", at=LATER)
    moves = {
        "confirm": lambda f: f.confirm(by="wm-1", met=True, result=MarketingResult.FOLLOW_UP, at=LATER),
        "copy": lambda f: f.copy_to_register(by="wm-1", at=LATER),
        "withdraw": lambda f: f.withdraw(by="lm-1", reason="x", at=LATER),
    }
    expected = {
        ("confirmed", "confirm"): Refusal.ALREADY_CONFIRMED,
        ("confirmed", "copy"): Refusal.ALREADY_CONFIRMED,
        ("confirmed", "withdraw"): Refusal.CLOSED_FORM_NOT_WITHDRAWN,
        ("copied", "confirm"): Refusal.ALREADY_COPIED,
        ("copied", "withdraw"): Refusal.CLOSED_FORM_NOT_WITHDRAWN,
        ("withdrawn", "confirm"): Refusal.WITHDRAWN,
        ("withdrawn", "copy"): Refusal.WITHDRAWN,
    }
    for (name, move), code in expected.items():
        referral = {"confirmed": confirmed, "copied": copied, "withdrawn": withdrawn}[name]
        before = referral.status
        with pytest.raises(Refused) as refused:
            moves[move](referral)
        assert refused.value.code is code, (name, move)
        assert referral.status is before


def test_the_filed_event_carries_the_person_key_and_no_tier():
    prospect = form(subject=Subject(prospect_id="P0123456789AB"))
    event = prospect.filed_event()
    assert event.customer_id == "P0123456789AB"
    assert event.status == "referred"
    assert "tier" not in event.model_dump() and "score" not in event.model_dump()


def test_a_subject_is_a_customer_or_a_prospect_or_a_walk_in_since_linked():
    with pytest.raises(Invalid):
        Subject()
    assert Subject(prospect_id="P1").key == "P1"
    linked = Subject(prospect_id="P1").linked_to("C1")
    assert (linked.key, linked.prospect_id) == ("C1", "P1")  # the name and phone given stay on it


def test_a_prospect_id_is_one_the_contracts_tell_from_a_customer_id():
    """Other services (identify) read the key of a verdict with ``is_prospect_id``."""
    prospect = Prospect.of("王先生", "13800001234", key="k")
    assert is_prospect_id(prospect.prospect_id)
    assert prospect.prospect_id == derive_prospect_id("13800001234", "k")  # identify's id of them
