"""Use cases of the referral service, one function each. The rules are the domain's and who may
act is ``referral.access``; these functions load, decide, and store state and its events in one
unit of work. A request repeated after a lost answer (same form id, same confirmation) changes
nothing and publishes nothing: a client may always retry."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    CustomerTier,
    MarketingResult,
    ReferralDayClosed,
    ReferralMonthSummarized,
    ReferralSource,
    ReferralStatus,
    Verdict,
    is_higher_tier,
)
from branchflow_runtime.auth import Staff
from branchflow_runtime.messaging.outbox import current_trace_carrier
from referral import access
from referral.access import Forbidden
from referral.domain.business_day import BusinessDay, reconcile
from referral.domain.counts import count_by_staff
from referral.domain.filing import check_filing
from referral.domain.follow_up import Analysis, Appointment, Attempt, FollowUpEntry, PlannedContact
from referral.domain.linking import Held, Merged, merge
from referral.domain.marketing import ActivityKind, MarketingActivity
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.people import Prospect, Subject
from referral.domain.periods import (
    WorkingDays,
    branch_day,
    first_working_day_of_month,
    month_label,
    previous_month,
)
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import N_, Invalid, NotFound, Refusal, Refused
from referral.domain.rules import ReferralRules
from referral.domain.suggestion import Suggestion
from referral.unit_of_work import UnitOfWork

# who a form is about, as a request gives it: a customer id, or a prospect's name and phone
Person = str | Prospect


async def _subject(uow: UnitOfWork, person: Person) -> Subject:
    """A walk-in identify has linked to a customer id is the customer. Locked before the link is
    read, so that a link being applied meanwhile either is seen or moves this form too."""
    if isinstance(person, Prospect):
        prospect_id = await uow.repo.prospect_id_for(person)
        await uow.repo.lock_person(prospect_id)
        customer_id = await uow.repo.customer_linked_to(prospect_id)
        return Subject(customer_id=customer_id, prospect_id=prospect_id)
    return Subject(customer_id=person)


async def _admit_all(
    uow: UnitOfWork, referrals: list[Referral], trace_carriers: list[dict | None]
) -> list[Referral | Refused | None]:
    """Run the filing rules for new forms, in order, each as if it were alone, and store those
    admitted with their events. Per form: None when admitted, the stored form for a retry, or
    the refusal (which changes nothing and does not stop the others)."""
    state = await uow.repo.state_for_filing(referrals)
    outcomes: list[Referral | Refused | None] = []
    admitted = []
    for referral, carrier in zip(referrals, trace_carriers, strict=True):
        try:
            outcome = check_filing(state, referral)
        except Refused as refusal:
            outcome = refusal
        outcomes.append(outcome)
        if outcome is None:
            state.admitted(referral)
            admitted.append(referral)
            uow.emit(referral.filed_event(), key=referral.subject.key, trace_carrier=carrier)
    await uow.repo.add_referrals(admitted)
    return outcomes


async def _admit(uow: UnitOfWork, referral: Referral) -> Referral | None:
    """One new form: None when admitted, the stored form for a retry; a refusal is raised."""
    [outcome] = await _admit_all(uow, [referral], [None])
    if isinstance(outcome, Refused):
        raise outcome
    return outcome


# filing


@dataclass(frozen=True)
class FileReferral:
    staff: Staff
    at: datetime
    person: Person
    source: ReferralSource
    status: ReferralStatus
    wealth_manager_id: str
    contact: AgreedContact | None = None
    identification_id: str | None = None
    note: str | None = None
    referral_id: str | None = None  # chosen by the client, so that a retry files nothing twice
    # the request's trace, for its event: forms filed together are written by one task
    trace_carrier: dict[str, str] = field(default_factory=current_trace_carrier, compare=False)


# what filing a form comes to: the form (new, or filed before with the same id and content), or
# why it was refused
Filed = Referral | Forbidden | Invalid | Refused


async def file_referrals(cmds: list[FileReferral], uow: UnitOfWork) -> list[Filed]:
    """Several forms in one transaction (group commit under load), each decided in order as if it
    were alone: a refused one changes nothing and does not stop the others."""
    outcomes: dict[int, Filed] = {}
    new: dict[int, Referral] = {}
    async with uow:
        for n, cmd in enumerate(cmds):
            try:
                access.check_may_file(cmd.staff, cmd.source)
                new[n] = Referral.file(
                    branch_id=cmd.staff.branch_id,
                    subject=await _subject(uow, cmd.person),
                    referred_by=cmd.staff.staff_id,
                    referrer_role=str(cmd.staff.role),
                    source=cmd.source,
                    status=cmd.status,
                    wealth_manager_id=cmd.wealth_manager_id,
                    at=cmd.at,
                    contact=cmd.contact,
                    identification_id=cmd.identification_id,
                    note=cmd.note,
                    referral_id=cmd.referral_id,
                )
            except (Forbidden, Invalid) as refusal:
                outcomes[n] = refusal
        if new:
            carriers = [cmds[n].trace_carrier for n in new]
            admitted = await _admit_all(uow, list(new.values()), carriers)
            for (n, referral), outcome in zip(new.items(), admitted, strict=True):
                outcomes[n] = referral if outcome is None else outcome
        await uow.commit()
    return [outcomes[n] for n in range(len(cmds))]


async def file_referral(cmd: FileReferral, uow: UnitOfWork) -> Referral:
    [outcome] = await file_referrals([cmd], uow)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass(frozen=True)
class FileFromSuggestion:
    """The lobby manager files a suggested referral with one action."""

    staff: Staff
    at: datetime
    suggestion_id: str
    status: ReferralStatus
    wealth_manager_id: str
    contact: AgreedContact | None = None
    note: str | None = None
    referral_id: str | None = None


async def file_from_suggestion(cmd: FileFromSuggestion, uow: UnitOfWork) -> Referral:
    async with uow:
        suggestion = await _suggestion(uow, cmd.suggestion_id, cmd.staff)
        access.check_may_handle_suggestions(cmd.staff, suggestion.branch_id)
        if suggestion.referral_id is not None and suggestion.referral_id == cmd.referral_id:
            return await uow.repo.get_referral(suggestion.referral_id)  # filed before: a retry
        referral = Referral.file(
            branch_id=suggestion.branch_id,
            subject=Subject(customer_id=suggestion.customer_id),
            referred_by=cmd.staff.staff_id,
            referrer_role=str(cmd.staff.role),
            source=ReferralSource.LOBBY,
            status=cmd.status,
            wealth_manager_id=cmd.wealth_manager_id,
            at=cmd.at,
            contact=cmd.contact,
            identification_id=suggestion.identification_id,
            suggestion_id=suggestion.suggestion_id,
            note=cmd.note,
            referral_id=cmd.referral_id,
        )
        suggestion.filed(referral_id=referral.referral_id, by=cmd.staff.staff_id, at=cmd.at)
        if await _admit(uow, referral) is not None:
            raise Refused(Refusal.REFERRAL_ID_TAKEN, referral_id=referral.referral_id)
        await uow.repo.save_suggestions([suggestion])
        await uow.commit()
    return referral


@dataclass(frozen=True)
class DismissSuggestion:
    staff: Staff
    at: datetime
    suggestion_id: str
    reason: str


async def dismiss_suggestion(cmd: DismissSuggestion, uow: UnitOfWork) -> Suggestion:
    async with uow:
        suggestion = await _suggestion(uow, cmd.suggestion_id, cmd.staff)
        access.check_may_handle_suggestions(cmd.staff, suggestion.branch_id)
        if suggestion.dismiss(by=cmd.staff.staff_id, reason=cmd.reason, at=cmd.at):
            await uow.repo.save_suggestions([suggestion])
        await uow.commit()
    return suggestion


async def _suggestion(uow: UnitOfWork, suggestion_id: str, staff: Staff) -> Suggestion:
    suggestion = await uow.repo.get_suggestion(suggestion_id)
    if suggestion is None:
        raise access.missing(staff, "suggestion", suggestion_id)
    return suggestion


# the form's status machine


async def _referral(uow: UnitOfWork, referral_id: str, staff: Staff) -> Referral:
    referral = await uow.repo.get_referral(referral_id)
    if referral is None:
        raise access.missing(staff, "referral", referral_id)
    return referral


def _judge_not_premium(
    uow: UnitOfWork,
    referral: Referral,
    by: str,
    at: datetime,
    rules: ReferralRules,
    entry_id: str | None = None,
) -> NotPremiumBlock:
    block = NotPremiumBlock.judge(
        subject_key=referral.subject.key, referral_id=referral.referral_id, by=by, at=at, rules=rules
    )
    uow.emit(block.judged_event(branch_id=referral.branch_id, entry_id=entry_id), key=block.subject_key)
    return block


async def _open_entry(uow: UnitOfWork, referral: Referral, at: datetime) -> FollowUpEntry:
    entry = FollowUpEntry.copied_from(referral, at)
    await uow.repo.add_entry(entry)
    uow.emit(entry.opened_event(), key=entry.subject.key)
    return entry


@dataclass(frozen=True)
class ConfirmReferral:
    staff: Staff
    at: datetime
    referral_id: str
    met: bool
    result: MarketingResult


async def confirm_referral(cmd: ConfirmReferral, uow: UnitOfWork, rules: ReferralRules) -> Referral:
    """The wealth manager confirms a form filed as referred: met? and the marketing result. A
    customer to follow up goes into the register; one judged not premium is blocked."""
    async with uow:
        referral = await _referral(uow, cmd.referral_id, cmd.staff)
        access.check_may_confirm(
            cmd.staff, branch_id=referral.branch_id, wealth_manager_id=referral.wealth_manager_id
        )
        if referral.confirm(by=cmd.staff.staff_id, met=cmd.met, result=cmd.result, at=cmd.at):
            if referral.needs_follow_up:
                await _open_entry(uow, referral, cmd.at)
            if cmd.result is MarketingResult.NOT_PREMIUM:
                await uow.repo.save_block(
                    _judge_not_premium(uow, referral, cmd.staff.staff_id, cmd.at, rules)
                )
            await uow.repo.save_referral(referral)
            uow.emit(referral.confirmed_event(), key=referral.subject.key)
        await uow.commit()
    return referral


@dataclass(frozen=True)
class CopyToRegister:
    staff: Staff
    at: datetime
    referral_id: str


async def copy_to_register(cmd: CopyToRegister, uow: UnitOfWork) -> Referral:
    """The wealth manager copies a pending form into the follow-up register (抄录)."""
    async with uow:
        referral = await _referral(uow, cmd.referral_id, cmd.staff)
        access.check_may_confirm(
            cmd.staff, branch_id=referral.branch_id, wealth_manager_id=referral.wealth_manager_id
        )
        if referral.copy_to_register(by=cmd.staff.staff_id, at=cmd.at):
            await _open_entry(uow, referral, cmd.at)
            await uow.repo.save_referral(referral)
        await uow.commit()
    return referral


@dataclass(frozen=True)
class WithdrawReferral:
    staff: Staff
    at: datetime
    referral_id: str
    reason: str


async def withdraw_referral(cmd: WithdrawReferral, uow: UnitOfWork) -> Referral:
    async with uow:
        referral = await _referral(uow, cmd.referral_id, cmd.staff)
        access.check_may_withdraw(cmd.staff, branch_id=referral.branch_id, referred_by=referral.referred_by)
        if referral.withdraw(by=cmd.staff.staff_id, reason=cmd.reason, at=cmd.at):
            await uow.repo.save_referral(referral)
        await uow.commit()
    return referral


# the close of business


@dataclass(frozen=True)
class CloseDay:
    staff: Staff
    at: datetime
    branch_id: str
    day: date


async def close_day(cmd: CloseDay, uow: UnitOfWork) -> BusinessDay:
    """The lobby manager closes the branch's day once every form is confirmed or copied; the
    day's counts per staff go out with the event."""
    access.check_may_close_day(cmd.staff, cmd.branch_id)
    async with uow:
        business_day = await uow.repo.day_for_closing(cmd.branch_id, cmd.day)
        suggestions = await uow.repo.suggestions_of_day(cmd.branch_id, cmd.day)
        reconciliation = reconcile(
            cmd.day, await uow.repo.referrals_of_day(cmd.branch_id, cmd.day), suggestions
        )
        if business_day.close(reconciliation, suggestions, by=cmd.staff.staff_id, at=cmd.at):
            await uow.repo.save_day(business_day)
            await uow.repo.save_suggestions(reconciliation.suggestions_not_acted_on)
            uow.emit(
                ReferralDayClosed(
                    branch_id=cmd.branch_id,
                    day=cmd.day,
                    closed_by=cmd.staff.staff_id,
                    closed_at=cmd.at,
                    counts=reconciliation.counts,
                    suggestions_not_acted_on=len(reconciliation.suggestions_not_acted_on),
                ),
                key=cmd.branch_id,
            )
        await uow.commit()
    return business_day


async def reopen_day(cmd: CloseDay, uow: UnitOfWork) -> BusinessDay:
    access.check_may_reopen_day(cmd.staff, cmd.branch_id)
    async with uow:
        business_day = await uow.repo.day_for_closing(cmd.branch_id, cmd.day)
        if business_day.reopen(by=cmd.staff.staff_id, at=cmd.at):
            await uow.repo.save_day(business_day)
        await uow.commit()
    return business_day


# events from identify


@dataclass(frozen=True)
class Identified:
    """What the service needs of a ``customer.identified`` event."""

    event_id: str
    topic: str
    identification_id: str
    customer_id: str
    branch_id: str
    tier: CustomerTier
    previous_tier: CustomerTier | None
    calls_wealth_manager: bool
    reason: str
    identified_at: datetime


async def record_identification(
    event: Identified, uow: UnitOfWork, rules: ReferralRules
) -> Suggestion | None:
    """An identification whose guidance calls a wealth manager puts the customer on the lobby's
    list of the day, unless the customer is judged not premium, already referred or followed up.
    A higher tier lifts a not-premium block. A redelivered event changes nothing."""
    async with uow:
        if not await uow.first_delivery(event.event_id, event.topic):
            return None
        repo = uow.repo
        await repo.lock_person(event.customer_id)
        block = await repo.get_block(event.customer_id)
        if (
            block is not None
            and is_higher_tier(event.previous_tier, event.tier)
            and block.lift(at=event.identified_at, reason=f"{event.topic}: a higher tier")
        ):
            await repo.save_block(block)
        suggestion = None
        if (
            event.calls_wealth_manager
            and event.reason in rules.suggestion_reasons
            and not (block is not None and block.blocks(event.identified_at))
            and await repo.open_referral_of(event.customer_id) is None
            and await repo.active_entry_of(event.customer_id) is None
        ):
            suggestion = await _suggest(uow, event)
        await uow.commit()
    return suggestion


async def _suggest(uow: UnitOfWork, event: Identified) -> Suggestion:
    day = branch_day(event.identified_at)
    suggestion = await uow.repo.suggestion_for(event.branch_id, day, event.customer_id)
    if suggestion is None:
        suggestion = Suggestion(
            event.branch_id, day, event.customer_id, event.identification_id, event.identified_at
        )
        await uow.repo.add_suggestion(suggestion)
    else:
        suggestion.refresh(event.identification_id, event.identified_at)
        await uow.repo.save_suggestions([suggestion])
    return suggestion


@dataclass(frozen=True)
class Rerated:
    """What the service needs of a ``customer.rerated`` event."""

    event_id: str
    topic: str
    customer_id: str
    tier: CustomerTier
    previous_tier: CustomerTier | None
    rerated_at: datetime


async def record_rerating(event: Rerated, uow: UnitOfWork) -> bool:
    """A higher tier lifts the not-premium block. True when a block was lifted."""
    async with uow:
        if not await uow.first_delivery(event.event_id, event.topic):
            return False
        await uow.repo.lock_person(event.customer_id)
        block = await uow.repo.get_block(event.customer_id)
        lifted = (
            block is not None
            and is_higher_tier(event.previous_tier, event.tier)
            and block.lift(at=event.rerated_at, reason=f"{event.topic}: a higher tier")
        )
        if lifted:
            await uow.repo.save_block(block)
        await uow.commit()
    return lifted


@dataclass(frozen=True)
class Linked:
    """What the service needs of a ``customer.prospect-linked`` event."""

    event_id: str
    topic: str
    prospect_id: str
    customer_id: str
    branch_id: str
    linked_by: str
    linked_at: datetime


async def link_prospect(event: Linked, uow: UnitOfWork, at: datetime) -> Merged | None:
    """identify linked a walk-in to a customer id: what is held under the prospect id becomes the
    customer's, in one transaction (``referral.domain.linking``); a form then filed for the
    customer id, or by the walk-in's phone, meets the not-premium rule judged while they were a
    prospect, and identify is told of that verdict under the customer id. A redelivered event,
    or a second link of one prospect (the first stands), changes nothing. Returns what changed."""
    async with uow:
        if not await uow.first_delivery(event.event_id, event.topic):
            return None
        repo, prospect_id, customer_id = uow.repo, event.prospect_id, event.customer_id
        for key in sorted({prospect_id, customer_id}):
            await repo.lock_person(key)
        if not await repo.add_link(
            prospect_id, customer_id, event.branch_id, event.linked_by, event.linked_at
        ):
            await uow.commit()  # remember the event
            return None
        merged = merge(
            await _held(repo, prospect_id),
            await _held(repo, customer_id),
            prospect_id=prospect_id,
            customer_id=customer_id,
            by=event.linked_by,
            at=at,
        )
        if merged.withdrawn is not None:
            await repo.save_referral(merged.withdrawn)
        if merged.closed is not None:
            await repo.save_entry(merged.closed)
        await repo.move_person(prospect_id, customer_id)
        if merged.closed is not None:
            closed = replace(merged.closed, subject=merged.closed.subject.linked_to(customer_id))
            uow.emit(closed.abandoned_event(), key=customer_id)
        await repo.delete_block(prospect_id)
        if merged.block is not None:
            await repo.save_block(merged.block)
            if merged.block_moved and merged.block.blocks(at):
                judged_in = await repo.get_referral(merged.block.referral_id)
                branch_id = judged_in.branch_id if judged_in else event.branch_id
                uow.emit(merged.block.judged_event(branch_id=branch_id), key=customer_id)
        await uow.commit()
    return merged


async def _held(repo, person_key: str) -> Held:
    return Held(
        open_form=await repo.open_referral_of(person_key),
        active_entry=await repo.active_entry_of(person_key),
        block=await repo.get_block(person_key),
    )


# the follow-up register


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
                referral = await _referral(uow, entry.referral_id, cmd.staff)
                block = _judge_not_premium(uow, referral, cmd.staff.staff_id, cmd.at, rules, entry.entry_id)
                await uow.repo.save_block(block)
            else:
                uow.emit(entry.converted_event(), key=entry.subject.key)
            await uow.repo.save_entry(entry)
        await uow.commit()
    return entry


# targeted marketing


@dataclass(frozen=True)
class RecordActivity:
    """An introduction, a field visit, or a seminar or salon; people as customer ids or
    prospects. ``attendees`` pairs each attendee with the friends they brought."""

    staff: Staff
    at: datetime
    kind: ActivityKind
    day: date
    introducer_customer_id: str | None = None
    introduced: tuple[Person, ...] = ()
    place: str | None = None
    met: tuple[Person, ...] = ()
    topic: str | None = None
    attendees: tuple[tuple[Person, tuple[Person, ...]], ...] = ()


async def record_activity(cmd: RecordActivity, uow: UnitOfWork) -> MarketingActivity:
    access.check_may_market(cmd.staff, cmd.staff.branch_id)
    common = {
        "branch_id": cmd.staff.branch_id,
        "organised_by": cmd.staff.staff_id,
        "organiser_role": str(cmd.staff.role),
        "day": cmd.day,
        "created_at": cmd.at,
    }
    async with uow:
        if cmd.kind is ActivityKind.INTRODUCTION:
            activity = MarketingActivity.introduction(
                introducer_customer_id=cmd.introducer_customer_id,
                introduced=[await _subject(uow, p) for p in cmd.introduced],
                **common,
            )
        elif cmd.kind is ActivityKind.FIELD_VISIT:
            activity = MarketingActivity.field_visit(
                place=cmd.place, met=[await _subject(uow, p) for p in cmd.met], **common
            )
        else:
            attendees = [
                (await _subject(uow, attendee), [await _subject(uow, f) for f in friends])
                for attendee, friends in cmd.attendees
            ]
            activity = MarketingActivity.seminar(
                kind=cmd.kind, topic=cmd.topic, place=cmd.place, attendees=attendees, **common
            )
        await uow.repo.add_activity(activity)
        await uow.commit()
    return activity


@dataclass(frozen=True)
class HandOver:
    staff: Staff
    at: datetime
    activity_id: str
    person_id: str
    wealth_manager_id: str
    contact: AgreedContact
    note: str | None = None
    referral_id: str | None = None


async def hand_over(cmd: HandOver, uow: UnitOfWork) -> Referral:
    """Hand a person to a wealth manager with their data: a ``pending`` referral by whoever hands
    over, copied into the manager's register at once."""
    async with uow:
        activity = await _activity(uow, cmd.activity_id, cmd.staff)
        access.check_may_market(cmd.staff, activity.branch_id)
        referral = activity.hand_over(
            cmd.person_id,
            wealth_manager_id=cmd.wealth_manager_id,
            contact=cmd.contact,
            by=cmd.staff.staff_id,
            by_role=str(cmd.staff.role),
            at=cmd.at,
            note=cmd.note,
            referral_id=cmd.referral_id,
        )
        if referral is None:  # handed over before: a retry
            return await uow.repo.get_referral(activity.participant(cmd.person_id).referral_id)
        if await _admit(uow, referral) is not None:
            raise Refused(Refusal.REFERRAL_ID_TAKEN, referral_id=referral.referral_id)
        referral.copy_to_register(by=cmd.staff.staff_id, at=cmd.at)
        await _open_entry(uow, referral, cmd.at)
        await uow.repo.save_referral(referral)
        await uow.repo.save_activity(activity)
        await uow.commit()
    return referral


@dataclass(frozen=True)
class ThankIntroducer:
    staff: Staff
    at: datetime
    activity_id: str
    reward_due: bool


async def thank_introducer(cmd: ThankIntroducer, uow: UnitOfWork) -> MarketingActivity:
    async with uow:
        activity = await _activity(uow, cmd.activity_id, cmd.staff)
        access.check_may_market(cmd.staff, activity.branch_id)
        if activity.thank_introducer(by=cmd.staff.staff_id, at=cmd.at, reward_due=cmd.reward_due):
            await uow.repo.save_activity(activity)
        await uow.commit()
    return activity


async def _activity(uow: UnitOfWork, activity_id: str, staff: Staff) -> MarketingActivity:
    activity = await uow.repo.get_activity(activity_id)
    if activity is None:
        raise access.missing(staff, "marketing activity", activity_id)
    return activity


# the monthly summary


async def issue_monthly_summaries(uow_factory, calendar: WorkingDays, at: datetime) -> list[tuple[str, str]]:
    """From the first working day of a month on, last month's counts per staff go out once per
    branch (the summary's unique key decides; a restart or a second replica sends nothing
    twice). Returns the (branch, month) pairs sent now."""
    today = branch_day(at)
    if today < first_working_day_of_month(today, calendar):
        return []
    first, last = previous_month(today)
    month = month_label(first)
    async with uow_factory() as uow:
        due = set(await uow.repo.branches_with_referrals()) - await uow.repo.summarized_branches(month)
    sent = []
    for branch_id in sorted(due):
        async with uow_factory() as uow:
            counts = count_by_staff(await uow.repo.counted_forms(branch_id, first, last))
            if await uow.repo.add_summary(branch_id, month, counts, at):
                uow.emit(
                    ReferralMonthSummarized(branch_id=branch_id, month=month, counts=counts, issued_at=at),
                    key=branch_id,
                )
                sent.append((branch_id, month))
            await uow.commit()
    return sent
