"""The follow-up register (客户跟进登记簿): analysis, planned contacts, attempts, appointments,
the decision to abandon and the verdict."""

from dataclasses import dataclass
from datetime import date, datetime, time

from branchflow_contracts import AttemptResult, ContactWay, Verdict
from branchflow_runtime.auth import Staff
from referral import access
from referral.domain.follow_up import Analysis, Appointment, Attempt, FollowUpEntry, PlannedContact
from referral.domain.periods import branch_day
from referral.domain.refusals import N_, Invalid, NotFound
from referral.domain.rules import ReferralRules
from referral.handlers.shared import find_referral, judge_not_premium
from referral.unit_of_work import UnitOfWork


async def _entry(uow: UnitOfWork, entry_id: str, staff: Staff) -> FollowUpEntry:
    entry = await uow.repo.get_entry(entry_id)
    if entry is None:
        raise access.missing(staff, "follow-up entry", entry_id)
    access.check_may_write_entry(staff, branch_id=entry.branch_id, wealth_manager_id=entry.wealth_manager_id)
    return entry


@dataclass(frozen=True)
class UpdateAnalysis:
    staff: Staff
    at: datetime
    entry_id: str
    analysis: Analysis


async def update_analysis(cmd: UpdateAnalysis, uow: UnitOfWork) -> FollowUpEntry:
    async with uow:
        entry = await _entry(uow, cmd.entry_id, cmd.staff)
        entry.update_analysis(cmd.analysis)
        await uow.repo.save_entry(entry)
        await uow.commit()
    return entry


@dataclass(frozen=True)
class PlanContact:
    staff: Staff
    at: datetime
    entry_id: str
    day: date
    way: ContactWay
    at_time: time | None = None
    purpose: str | None = None


async def plan_contact(cmd: PlanContact, uow: UnitOfWork) -> PlannedContact:
    """A planned contact: a line in the wealth manager's diary for that day (工作计划)."""
    async with uow:
        entry = await _entry(uow, cmd.entry_id, cmd.staff)
        if cmd.day < branch_day(cmd.at):
            raise Invalid("day", N_("a contact is planned for today or later"))
        planned = entry.plan_contact(day=cmd.day, way=cmd.way, at_time=cmd.at_time, purpose=cmd.purpose)
        await uow.repo.add_planned_contact(planned)
        await uow.commit()
    return planned


@dataclass(frozen=True)
class NextContact:
    day: date
    way: ContactWay
    at_time: time | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class AgreedMeeting:
    meets_at: datetime
    place: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RecordAttempt:
    staff: Staff
    at: datetime
    entry_id: str
    way: ContactWay
    result: AttemptResult
    attempted_at: datetime | None = None  # default: now
    note: str | None = None
    next_step: str | None = None
    planned_contact_id: str | None = None
    next_contact: NextContact | None = None
    meeting: AgreedMeeting | None = None  # required when the result is meeting_agreed


@dataclass(frozen=True)
class AttemptRecorded:
    entry: FollowUpEntry
    attempt: Attempt
    next_contact: PlannedContact | None
    appointment: Appointment | None


async def record_attempt(cmd: RecordAttempt, uow: UnitOfWork, rules: ReferralRules) -> AttemptRecorded:
    """An attempt with its result and next step; an agreed meeting becomes an appointment, a
    next contact a line in the diary. After the bank's number of failures in a row the register
    proposes to abandon."""
    if (cmd.result is AttemptResult.MEETING_AGREED) != (cmd.meeting is not None):
        raise Invalid(
            "meeting", N_("a meeting (time and place) comes with the result meeting_agreed, and only with it")
        )
    attempted_at = cmd.attempted_at or cmd.at
    if attempted_at > cmd.at:
        raise Invalid("attempted_at", N_("an attempt is recorded after it was made"))
    async with uow:
        entry = await _entry(uow, cmd.entry_id, cmd.staff)
        if (
            cmd.planned_contact_id
            and await uow.repo.planned_contact_of(entry.entry_id, cmd.planned_contact_id) is None
        ):
            raise NotFound("planned contact of this entry", cmd.planned_contact_id)
        attempt = Attempt(
            entry_id=entry.entry_id,
            way=cmd.way,
            result=cmd.result,
            attempted_at=attempted_at,
            recorded_by=cmd.staff.staff_id,
            note=cmd.note,
            next_step=cmd.next_step,
            planned_contact_id=cmd.planned_contact_id,
        )
        entry.record_attempt(attempt, rules)
        await uow.repo.add_attempt(attempt)
        uow.emit(entry.attempt_event(attempt), key=entry.subject.key)
        planned = appointment = None
        if cmd.next_contact is not None:
            n = cmd.next_contact
            planned = entry.plan_contact(day=n.day, way=n.way, at_time=n.at_time, purpose=n.purpose)
            await uow.repo.add_planned_contact(planned)
        if cmd.meeting is not None:
            appointment = await _appoint(uow, entry, cmd.meeting, cmd.at)
        await uow.repo.save_entry(entry)
        await uow.commit()
    return AttemptRecorded(entry, attempt, planned, appointment)


async def _appoint(
    uow: UnitOfWork, entry: FollowUpEntry, meeting: AgreedMeeting, at: datetime
) -> Appointment:
    if meeting.meets_at < at:
        raise Invalid("meeting.meets_at", N_("an appointment is for a time to come"))
    appointment = entry.make_appointment(meets_at=meeting.meets_at, place=meeting.place, note=meeting.note)
    await uow.repo.add_appointment(appointment, at)
    uow.emit(entry.appointment_event(appointment, at), key=entry.subject.key)
    return appointment


@dataclass(frozen=True)
class MakeAppointment:
    staff: Staff
    at: datetime
    entry_id: str
    meeting: AgreedMeeting


async def make_appointment(cmd: MakeAppointment, uow: UnitOfWork) -> Appointment:
    async with uow:
        entry = await _entry(uow, cmd.entry_id, cmd.staff)
        appointment = await _appoint(uow, entry, cmd.meeting, cmd.at)
        await uow.commit()
    return appointment


@dataclass(frozen=True)
class DecideAbandon:
    staff: Staff
    at: datetime
    entry_id: str
    abandon: bool  # True: confirm the register's proposal; False: keep following up


async def decide_abandon(cmd: DecideAbandon, uow: UnitOfWork, rules: ReferralRules) -> FollowUpEntry:
    async with uow:
        entry = await _entry(uow, cmd.entry_id, cmd.staff)
        if cmd.abandon:
            if entry.confirm_abandon(by=cmd.staff.staff_id, at=cmd.at, rules=rules):
                uow.emit(entry.abandoned_event(), key=entry.subject.key)
                await uow.repo.save_entry(entry)
        elif entry.decline_abandon():
            await uow.repo.save_entry(entry)
        await uow.commit()
    return entry


@dataclass(frozen=True)
class RecordVerdict:
    staff: Staff
    at: datetime
    entry_id: str
    verdict: Verdict


async def record_verdict(cmd: RecordVerdict, uow: UnitOfWork, rules: ReferralRules) -> FollowUpEntry:
    """Not premium closes the entry and blocks new referrals; premium converts the customer to
    relationship maintenance with the owning wealth manager."""
    async with uow:
        entry = await _entry(uow, cmd.entry_id, cmd.staff)
        if entry.judge(cmd.verdict, by=cmd.staff.staff_id, at=cmd.at):
            if cmd.verdict is Verdict.NOT_PREMIUM:
                referral = await find_referral(uow, entry.referral_id, cmd.staff)
                block = judge_not_premium(uow, referral, cmd.staff.staff_id, cmd.at, rules, entry.entry_id)
                await uow.repo.save_block(block)
            else:
                uow.emit(entry.converted_event(), key=entry.subject.key)
            await uow.repo.save_entry(entry)
        await uow.commit()
    return entry
