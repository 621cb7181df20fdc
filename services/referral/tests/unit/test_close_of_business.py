"""Reconciliation of a branch's day and its close: every form from every teller and the lobby
manager, nothing closes while a form awaits its wealth manager, suggestions never acted on lapse."""

from datetime import UTC, date, datetime, timedelta

import pytest

from branchflow_contracts import ContactWay, MarketingResult, ReferralSource, ReferralStatus
from referral.domain.business_day import BusinessDay, DayStatus, reconcile
from referral.domain.people import Subject
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import Refusal, Refused
from referral.domain.suggestion import Suggestion, SuggestionStatus

DAY = date(2026, 11, 23)
MORNING = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 09:30 in the branch
CLOSE = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 17:30


def filed(staff: str, role: str, customer: str, status=ReferralStatus.REFERRED, minutes=0) -> Referral:
    return Referral.file(
        branch_id="BR001",
        subject=Subject(customer_id=customer),
        referred_by=staff,
        referrer_role=role,
        source=ReferralSource.COUNTER if role == "teller" else ReferralSource.LOBBY,
        status=status,
        wealth_manager_id="wm-1",
        at=MORNING + timedelta(minutes=minutes),
        contact=AgreedContact(CLOSE + timedelta(days=1), ContactWay.PHONE) if status == "pending" else None,
    )


def suggestion(customer: str) -> Suggestion:
    return Suggestion("BR001", DAY, customer, f"id-{customer}", MORNING)


def test_the_day_gathers_every_staff_members_forms_and_counts_them():
    forms = [
        filed("t-1", "teller", "C1"),
        filed("t-2", "teller", "C2", ReferralStatus.PENDING, minutes=5),
        filed("lm-1", "lobby_manager", "C3", minutes=10),
        filed("t-1", "teller", "C4", minutes=15),
    ]
    forms[3].withdraw(by="t-1", reason="wrong customer", at=MORNING)
    day = reconcile(DAY, forms, [suggestion("C9")])
    assert [f.subject.customer_id for f in day.awaiting_confirmation] == ["C1", "C3"]
    assert [f.subject.customer_id for f in day.awaiting_copy] == ["C2"]
    assert [f.subject.customer_id for f in day.withdrawn] == ["C4"]
    assert [(c.staff_id, c.filed) for c in day.counts] == [("lm-1", 1), ("t-1", 1), ("t-2", 1)]
    assert [s.customer_id for s in day.suggestions_not_acted_on] == ["C9"]


def test_the_day_closes_only_when_every_form_is_confirmed_or_copied():
    forms = [filed("t-1", "teller", "C1"), filed("t-2", "teller", "C2", ReferralStatus.PENDING)]
    open_suggestion, filed_suggestion = suggestion("C8"), suggestion("C9")
    filed_suggestion.filed(referral_id="R9", by="lm-1", at=MORNING)
    business_day = BusinessDay("BR001", DAY)
    with pytest.raises(Refused) as refused:
        business_day.close(reconcile(DAY, forms, []), [open_suggestion], by="lm-1", at=CLOSE)
    assert refused.value.code is Refusal.DAY_HAS_OPEN_FORMS
    assert refused.value.params["count"] == 2
    assert business_day.status is DayStatus.OPEN
    assert open_suggestion.status is SuggestionStatus.OPEN

    forms[0].confirm(by="wm-1", met=True, result=MarketingResult.SOLD, at=CLOSE)
    forms[1].copy_to_register(by="wm-1", at=CLOSE)
    suggestions = [open_suggestion, filed_suggestion]
    assert business_day.close(reconcile(DAY, forms, suggestions), suggestions, by="lm-1", at=CLOSE) is True
    assert (business_day.status, business_day.closed_by) == (DayStatus.CLOSED, "lm-1")
    assert open_suggestion.status is SuggestionStatus.LAPSED
    assert filed_suggestion.status is SuggestionStatus.FILED
    # a lapsed suggestion still shows as never acted on
    assert reconcile(DAY, forms, suggestions).suggestions_not_acted_on == [open_suggestion]
    assert business_day.close(reconcile(DAY, forms, suggestions), suggestions, by="lm-1", at=CLOSE) is False


def test_a_closed_day_takes_no_form_until_reopened():
    business_day = BusinessDay("BR001", DAY)
    business_day.close(reconcile(DAY, [], []), [], by="lm-1", at=CLOSE)
    with pytest.raises(Refused) as refused:
        business_day.check_accepts_forms()
    assert refused.value.code is Refusal.DAY_CLOSED
    assert business_day.reopen(by="lm-1", at=CLOSE + timedelta(minutes=5)) is True
    business_day.check_accepts_forms()
    assert business_day.reopen(by="lm-1", at=CLOSE) is False
    assert business_day.reopened == [("lm-1", CLOSE + timedelta(minutes=5))]


def test_a_day_that_has_not_begun_cannot_be_closed():
    with pytest.raises(Refused) as refused:
        BusinessDay("BR001", DAY + timedelta(days=1)).close(reconcile(DAY, [], []), [], by="lm-1", at=CLOSE)
    assert refused.value.code is Refusal.DAY_NOT_OVER


def test_a_suggestion_is_acted_on_once():
    s = suggestion("C1")
    later = MORNING + timedelta(hours=1)
    s.refresh("id-2", later)
    assert s.identification_id == "id-2"
    s.filed(referral_id="R1", by="lm-1", at=later)
    with pytest.raises(Refused) as refused:
        s.dismiss(by="lm-1", reason="left", at=later)
    assert refused.value.code is Refusal.SUGGESTION_ACTED_ON
    s.refresh("id-3", later + timedelta(hours=1))
    assert s.identification_id == "id-2"  # a filed suggestion keeps what it was filed from
    other = suggestion("C2")
    assert other.dismiss(by="lm-1", reason="customer declined", at=later) is True
    assert other.dismiss(by="lm-1", reason="customer declined", at=later) is False
    with pytest.raises(Refused):
        other.filed(referral_id="R2", by="lm-1", at=later)
