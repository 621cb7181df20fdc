"""The follow-up register through its use cases (attempts, appointments, abandon after N, the
verdicts), the marketing handover, and the monthly summary on the first working day."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    CustomerConverted,
    CustomerJudgedNotPremium,
    CustomerReferred,
    FollowUpAbandoned,
    FollowUpAppointmentMade,
    FollowUpAttemptRecorded,
    FollowUpOpened,
    FollowUpStatus,
    ReferralMonthSummarized,
    ReferralStatus,
    Verdict,
)
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.settings import DEV_PROSPECT_ID_KEY
from referral import handlers
from referral.access import Forbidden
from referral.domain.marketing import ActivityKind
from referral.domain.people import Prospect
from referral.domain.referral import AgreedContact
from referral.domain.refusals import Invalid, NotFound, Refusal, Refused
from referral.domain.rules import ReferralRules

from .fakes import FakeUnitOfWork
from .test_handlers import AT, WM, file, filing
from .test_rules_and_periods import FakeCalendar

KEY = DEV_PROSPECT_ID_KEY

RULES = ReferralRules()
LATER = AT + timedelta(days=1)
MARKETING = Staff("mm-1", Role.MARKETING_MANAGER, "BR001")


@pytest.fixture
async def uow_and_entry():
    uow = FakeUnitOfWork()
    referral = await file(uow, status=ReferralStatus.PENDING)
    copied = await handlers.copy_to_register(handlers.CopyToRegister(WM, AT, referral.referral_id), uow)
    return uow, copied.entry_id


def attempt(entry_id, result, staff=WM, **kw) -> handlers.RecordAttempt:
    return handlers.RecordAttempt(staff, LATER, entry_id, ContactWay.PHONE, result, **kw)


async def test_three_failures_propose_abandon_and_the_manager_confirms(uow_and_entry):
    uow, entry_id = uow_and_entry
    for result in (AttemptResult.NO_ANSWER, AttemptResult.UNREACHABLE, AttemptResult.NO_ANSWER):
        recorded = await handlers.record_attempt(
            attempt(entry_id, result, next_step="call again"), uow, RULES
        )
    assert recorded.entry.status is FollowUpStatus.ABANDON_PROPOSED
    events = uow.events(FollowUpAttemptRecorded)
    assert [(e.failures_in_a_row, e.abandon_proposed) for e in events] == [(1, False), (2, False), (3, True)]
    decide = handlers.DecideAbandon(WM, LATER, entry_id, abandon=True)
    entry = await handlers.decide_abandon(decide, uow, RULES)
    assert entry.status is FollowUpStatus.ABANDONED
    await handlers.decide_abandon(decide, uow, RULES)
    [abandoned] = uow.events(FollowUpAbandoned)
    assert (abandoned.abandoned_by, abandoned.failures_in_a_row) == ("wm-1", 3)
    with pytest.raises(Refused) as refused:
        await handlers.record_attempt(attempt(entry_id, AttemptResult.REACHED), uow, RULES)
    assert refused.value.code is Refusal.ENTRY_CLOSED


async def test_abandon_before_the_proposal_is_refused_and_a_decline_keeps_following(uow_and_entry):
    uow, entry_id = uow_and_entry
    with pytest.raises(Refused) as refused:
        await handlers.decide_abandon(handlers.DecideAbandon(WM, LATER, entry_id, abandon=True), uow, RULES)
    assert refused.value.code is Refusal.ABANDON_NOT_PROPOSED
    for _ in range(3):
        await handlers.record_attempt(attempt(entry_id, AttemptResult.DECLINED), uow, RULES)
    entry = await handlers.decide_abandon(
        handlers.DecideAbandon(WM, LATER, entry_id, abandon=False), uow, RULES
    )
    assert (entry.status, entry.failures_in_a_row) == (FollowUpStatus.OPEN, 0)


async def test_an_agreed_meeting_becomes_an_appointment_and_a_next_contact_a_diary_line(uow_and_entry):
    uow, entry_id = uow_and_entry
    planned = await handlers.plan_contact(
        handlers.PlanContact(
            WM, AT, entry_id, date(2026, 11, 24), ContactWay.PHONE, time(10, 0), "first call"
        ),
        uow,
    )
    meeting = handlers.AgreedMeeting(LATER + timedelta(days=2), "wealth centre room 1")
    recorded = await handlers.record_attempt(
        attempt(
            entry_id,
            AttemptResult.MEETING_AGREED,
            planned_contact_id=planned.contact_id,
            meeting=meeting,
            next_contact=handlers.NextContact(
                date(2026, 11, 26), ContactWay.PHONE, purpose="confirm the meeting"
            ),
        ),
        uow,
        RULES,
    )
    assert recorded.appointment.meets_at == meeting.meets_at
    assert recorded.next_contact.day == date(2026, 11, 26)
    assert recorded.attempt.planned_contact_id == planned.contact_id
    [made] = uow.events(FollowUpAppointmentMade)
    assert made.appointment_id == recorded.appointment.appointment_id
    assert len(uow.committed.planned) == 2 and len(uow.committed.appointments) == 1


async def test_attempts_refuse_what_cannot_be_right(uow_and_entry):
    uow, entry_id = uow_and_entry
    with pytest.raises(Invalid) as wrong:
        await handlers.record_attempt(attempt(entry_id, AttemptResult.MEETING_AGREED), uow, RULES)
    assert wrong.value.field == "meeting"
    with pytest.raises(Invalid):
        meeting = handlers.AgreedMeeting(LATER + timedelta(days=1))
        await handlers.record_attempt(attempt(entry_id, AttemptResult.REACHED, meeting=meeting), uow, RULES)
    with pytest.raises(Invalid) as wrong:
        await handlers.record_attempt(
            attempt(entry_id, AttemptResult.REACHED, attempted_at=LATER + timedelta(hours=1)), uow, RULES
        )
    assert wrong.value.field == "attempted_at"
    with pytest.raises(NotFound):
        await handlers.record_attempt(
            attempt(entry_id, AttemptResult.REACHED, planned_contact_id="x"), uow, RULES
        )
    with pytest.raises(Invalid) as wrong:
        await handlers.make_appointment(
            handlers.MakeAppointment(WM, LATER, entry_id, handlers.AgreedMeeting(AT)), uow
        )
    assert wrong.value.field == "meeting.meets_at"
    assert uow.published[-1][0].__class__ is FollowUpOpened  # nothing more went out


@pytest.mark.parametrize(
    "staff",
    [
        Staff("wm-2", Role.WEALTH_MANAGER, "BR001"),
        Staff("bh-1", Role.BRANCH_HEAD, "BR001"),
        Staff("lm-1", Role.LOBBY_MANAGER, "BR001"),
    ],
)
async def test_only_the_owner_writes_in_an_entry(uow_and_entry, staff):
    uow, entry_id = uow_and_entry
    with pytest.raises(Forbidden):
        await handlers.record_attempt(attempt(entry_id, AttemptResult.REACHED, staff=staff), uow, RULES)
    with pytest.raises(Forbidden):
        await handlers.record_verdict(
            handlers.RecordVerdict(staff, LATER, entry_id, Verdict.PREMIUM), uow, RULES
        )


async def test_premium_converts_with_the_owning_wealth_manager(uow_and_entry):
    uow, entry_id = uow_and_entry
    verdict = handlers.RecordVerdict(WM, LATER, entry_id, Verdict.PREMIUM)
    assert (await handlers.record_verdict(verdict, uow, RULES)).status is FollowUpStatus.CONVERTED
    await handlers.record_verdict(verdict, uow, RULES)
    [converted] = uow.events(CustomerConverted)
    assert (converted.wealth_manager_id, converted.customer_id, converted.entry_id) == (
        "wm-1",
        "C1",
        entry_id,
    )


async def test_not_premium_closes_the_entry_and_blocks_referrals(uow_and_entry):
    uow, entry_id = uow_and_entry
    entry = await handlers.record_verdict(
        handlers.RecordVerdict(WM, LATER, entry_id, Verdict.NOT_PREMIUM), uow, RULES
    )
    assert entry.status is FollowUpStatus.NOT_PREMIUM
    [judged] = uow.events(CustomerJudgedNotPremium)
    assert (judged.entry_id, judged.no_referral_until) == (entry_id, LATER + timedelta(days=180))
    with pytest.raises(Refused) as refused:
        await file(uow, at=LATER + timedelta(days=3))
    assert refused.value.code is Refusal.FOLLOWED_UP_RECENTLY


async def test_a_seminar_handover_files_a_pending_referral_and_opens_the_managers_entry():
    uow = FakeUnitOfWork()
    activity = await handlers.record_activity(
        handlers.RecordActivity(
            MARKETING,
            AT,
            ActivityKind.SALON,
            date(2026, 11, 21),
            topic="Planning for retirement",
            place="Wealth centre",
            attendees=(("C1", (Prospect.of("赵女士", "13700001111", key=KEY),)),),
        ),
        uow,
    )
    guest = activity.participants[1]
    command = handlers.HandOver(
        MARKETING, AT, activity.activity_id, guest.person_id, "wm-1", AgreedContact(LATER, ContactWay.VISIT)
    )
    referral = await handlers.hand_over(command, uow)
    assert (referral.filed_as, referral.status, referral.referred_by) == (
        ReferralStatus.PENDING,
        ReferralStatus.COPIED,
        "mm-1",
    )
    [filed] = uow.events(CustomerReferred)
    [opened] = uow.events(FollowUpOpened)
    assert filed.status == "pending" and opened.wealth_manager_id == "wm-1" and opened.source == "seminar"
    assert opened.customer_id == guest.subject.prospect_id == referral.subject.prospect_id
    again = await handlers.hand_over(command, uow)
    assert again.referral_id == referral.referral_id and len(uow.events(FollowUpOpened)) == 1
    with pytest.raises(Forbidden):
        await handlers.hand_over(
            handlers.HandOver(
                Staff("t-1", Role.TELLER, "BR001"),
                AT,
                activity.activity_id,
                guest.person_id,
                "wm-1",
                AgreedContact(LATER, ContactWay.VISIT),
            ),
            uow,
        )


async def test_a_handover_of_a_customer_already_referred_is_refused():
    uow = FakeUnitOfWork()
    await file(uow, "C3")
    activity = await handlers.record_activity(
        handlers.RecordActivity(
            MARKETING, AT, ActivityKind.FIELD_VISIT, date(2026, 11, 23), place="Park", met=("C3",)
        ),
        uow,
    )
    with pytest.raises(Refused) as refused:
        await handlers.hand_over(
            handlers.HandOver(
                MARKETING,
                AT,
                activity.activity_id,
                activity.participants[0].person_id,
                "wm-1",
                AgreedContact(LATER, ContactWay.PHONE),
            ),
            uow,
        )
    assert refused.value.code is Refusal.ALREADY_REFERRED
    assert uow.committed.activities[activity.activity_id].participants[0].referral_id is None


async def test_the_monthly_summary_goes_out_once_per_branch_from_the_first_working_day():
    uow = FakeUnitOfWork()
    october = datetime(2026, 10, 30, 2, 0, tzinfo=UTC)
    await handlers.file_referral(filing("C1", at=october), uow)
    await handlers.file_referral(filing("C2", at=october, staff=Staff("t-9", Role.TELLER, "BR002")), uow)
    await handlers.file_referral(filing("C3", at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC)), uow)  # November
    calendar = FakeCalendar(holidays=[date(2026, 11, 2)])  # 1 Nov is a Sunday, the 2nd a holiday

    def run(at):
        return handlers.issue_monthly_summaries(lambda: uow, calendar, at)

    assert await run(datetime(2026, 11, 2, 1, 0, tzinfo=UTC)) == []  # not a working day
    sent = await run(datetime(2026, 11, 3, 1, 0, tzinfo=UTC))
    assert sent == [("BR001", "2026-10"), ("BR002", "2026-10")]
    assert await run(datetime(2026, 11, 3, 2, 0, tzinfo=UTC)) == []  # a second run, or a restart
    assert await run(datetime(2026, 11, 20, 2, 0, tzinfo=UTC)) == []
    events = uow.events(ReferralMonthSummarized)
    assert [(e.branch_id, e.month, [(c.staff_id, c.filed) for c in e.counts]) for e in events] == [
        ("BR001", "2026-10", [("t-1", 1)]),
        ("BR002", "2026-10", [("t-9", 1)]),
    ]
    assert [key for e, key in uow.published if isinstance(e, ReferralMonthSummarized)] == ["BR001", "BR002"]
