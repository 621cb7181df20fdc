"""The follow-up register's status machine: abandon proposed after the bank's number of failures
in a row and confirmed by the manager, the verdicts, and a closed entry taking nothing more."""

from datetime import UTC, date, datetime, timedelta

import pytest

from branchflow_contracts import AttemptResult, ContactWay, FollowUpStatus, ReferralSource, Verdict
from referral.domain.follow_up import Analysis, Attempt, FollowUpEntry
from referral.domain.people import Subject
from referral.domain.refusals import Refusal, Refused
from referral.domain.rules import ReferralRules

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
RULES = ReferralRules()  # abandon after 3 failures in a row


def entry() -> FollowUpEntry:
    return FollowUpEntry(
        referral_id="R1",
        branch_id="BR001",
        subject=Subject(customer_id="C1"),
        wealth_manager_id="wm-1",
        source=ReferralSource.LOBBY,
        opened_at=AT,
    )


def attempt(e: FollowUpEntry, result: AttemptResult, n: int = 0) -> Attempt:
    return Attempt(e.entry_id, ContactWay.PHONE, result, AT + timedelta(days=n), "wm-1")


def test_abandon_is_proposed_after_three_failures_in_a_row_and_confirmed():
    e = entry()
    for n, result in enumerate([AttemptResult.NO_ANSWER, AttemptResult.UNREACHABLE]):
        e.record_attempt(attempt(e, result, n), RULES)
        assert e.status is FollowUpStatus.OPEN
    e.record_attempt(attempt(e, AttemptResult.DECLINED, 2), RULES)
    assert (e.status, e.failures_in_a_row) == (FollowUpStatus.ABANDON_PROPOSED, 3)
    assert e.attempt_event(attempt(e, AttemptResult.DECLINED)).abandon_proposed is True
    assert e.confirm_abandon(by="wm-1", at=AT, rules=RULES) is True
    assert e.status is FollowUpStatus.ABANDONED and e.is_closed
    assert e.confirm_abandon(by="wm-1", at=AT, rules=RULES) is False  # a repeat changes nothing
    assert e.abandoned_event().failures_in_a_row == 3


def test_the_bank_sets_how_many_failures():
    e = entry()
    e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), ReferralRules(abandon_after_failures=1))
    assert e.status is FollowUpStatus.ABANDON_PROPOSED


def test_a_contact_that_succeeds_starts_the_count_again():
    e = entry()
    for result in [AttemptResult.NO_ANSWER, AttemptResult.NO_ANSWER, AttemptResult.REACHED]:
        e.record_attempt(attempt(e, result), RULES)
    assert e.failures_in_a_row == 0
    for _ in range(2):
        e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), RULES)
    assert e.status is FollowUpStatus.OPEN


def test_a_success_after_the_proposal_withdraws_it():
    e = entry()
    for _ in range(3):
        e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), RULES)
    e.record_attempt(attempt(e, AttemptResult.MEETING_AGREED), RULES)
    assert (e.status, e.failures_in_a_row) == (FollowUpStatus.OPEN, 0)


def test_abandoning_before_the_proposal_is_refused_with_the_numbers():
    e = entry()
    e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), RULES)
    with pytest.raises(Refused) as refused:
        e.confirm_abandon(by="wm-1", at=AT, rules=RULES)
    assert refused.value.code is Refusal.ABANDON_NOT_PROPOSED
    assert "after 3 failed contacts in a row; this entry has 1" in refused.value.message
    assert e.status is FollowUpStatus.OPEN


def test_declining_the_proposal_keeps_following_up():
    e = entry()
    for _ in range(3):
        e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), RULES)
    assert e.decline_abandon() is True
    assert (e.status, e.failures_in_a_row) == (FollowUpStatus.OPEN, 0)
    assert e.decline_abandon() is False


@pytest.mark.parametrize(
    ("verdict", "status"),
    [(Verdict.NOT_PREMIUM, FollowUpStatus.NOT_PREMIUM), (Verdict.PREMIUM, FollowUpStatus.CONVERTED)],
)
@pytest.mark.parametrize("proposed", [False, True])
def test_a_verdict_closes_an_open_or_proposed_entry(verdict, status, proposed):
    e = entry()
    if proposed:
        for _ in range(3):
            e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), RULES)
    assert e.judge(verdict, by="wm-1", at=AT) is True
    assert (e.status, e.closed_by) == (status, "wm-1")
    assert e.judge(verdict, by="wm-1", at=AT) is False


def test_conversion_names_the_owning_wealth_manager():
    e = entry()
    e.judge(Verdict.PREMIUM, by="wm-1", at=AT)
    event = e.converted_event()
    assert (event.wealth_manager_id, event.customer_id, event.referral_id) == ("wm-1", "C1", "R1")


@pytest.mark.parametrize("closing", ["abandon", Verdict.PREMIUM, Verdict.NOT_PREMIUM])
def test_a_closed_entry_takes_nothing_more(closing):
    e = entry()
    if closing == "abandon":
        for _ in range(3):
            e.record_attempt(attempt(e, AttemptResult.NO_ANSWER), RULES)
        e.confirm_abandon(by="wm-1", at=AT, rules=RULES)
    else:
        e.judge(closing, by="wm-1", at=AT)
    status = e.status
    moves = [
        lambda: e.record_attempt(attempt(e, AttemptResult.REACHED), RULES),
        lambda: e.plan_contact(day=date(2026, 12, 1), way=ContactWay.PHONE),
        lambda: e.make_appointment(meets_at=AT),
        lambda: e.update_analysis(Analysis(means="strong")),
        lambda: e.decline_abandon(),
        lambda: e.judge(
            Verdict.PREMIUM if status is not FollowUpStatus.CONVERTED else Verdict.NOT_PREMIUM, by="x", at=AT
        ),
    ]
    if status is not FollowUpStatus.ABANDONED:
        moves.append(lambda: e.confirm_abandon(by="wm-1", at=AT, rules=RULES))
    for move in moves:
        with pytest.raises(Refused) as refused:
            move()
        assert refused.value.code is Refusal.ENTRY_CLOSED
    assert e.status is status


def test_planned_contacts_and_appointments_belong_to_the_owner_diary():
    e = entry()
    planned = e.plan_contact(day=date(2026, 11, 25), way=ContactWay.EMAIL, purpose="send the fund leaflet")
    appointment = e.make_appointment(meets_at=AT + timedelta(days=3), place="wealth centre room 2")
    assert (planned.wealth_manager_id, planned.entry_id) == ("wm-1", e.entry_id)
    assert appointment.wealth_manager_id == "wm-1"
    assert e.appointment_event(appointment, AT).meets_at == AT + timedelta(days=3)
