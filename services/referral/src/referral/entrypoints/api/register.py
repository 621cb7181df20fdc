"""The follow-up register (客户跟进登记簿), confidential: entries, a wealth manager's register and
diary (each read recorded through ``referral.register``), the wealth manager's writes, and the
log of who read what."""

import uuid

from fastapi import Depends, Query, Request, status

from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from branchflow_runtime.privacy import local_time
from referral import access, handlers, register, views
from referral.domain.follow_up import Analysis
from referral.entrypoints.api.shared import BranchDay, container, now, person_out, today
from referral.entrypoints.schemas import (
    MAX_BATCH,
    AbandonDecisionIn,
    AnalysisIn,
    AppointmentOut,
    AttemptIn,
    AttemptOut,
    AttemptRecordedOut,
    BranchId,
    DiaryAppointmentOut,
    DiaryContactOut,
    DiaryOut,
    EntryOut,
    MeetingIn,
    PersonOut,
    PlannedContactIn,
    PlannedContactOut,
    RegisterReadOut,
    StaffId,
    VerdictIn,
)

router = service_router()


def _meeting(value: MeetingIn | None) -> handlers.AgreedMeeting | None:
    return None if value is None else handlers.AgreedMeeting(value.meets_at, value.place, value.note)


def _entry_out(read: register.EntryRead, staff: Staff) -> EntryOut:
    row, history = read.entry, read.history
    sees = access.sees_entry_personal_data(staff, wealth_manager_id=row.wealth_manager_id)
    return EntryOut(
        entry_id=str(row.entry_id),
        referral_id=str(row.referral_id),
        branch_id=row.branch_id,
        person=person_out(row.customer_id, row.prospect_id, row.prospect_name, row.prospect_phone, sees=sees),
        wealth_manager_id=row.wealth_manager_id,
        source=row.source,
        opened_at=row.opened_at,
        status=row.status,
        abandon_proposed=row.status == "abandon_proposed",
        failures_in_a_row=row.failures_in_a_row,
        analysis=row.analysis,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        attempts=[_attempt_out(a) for a in history["attempts"]],
        planned_contacts=[_planned_out(p) for p in history["planned_contacts"]],
        appointments=[_appointment_out(a) for a in history["appointments"]],
    )


def _attempt_out(a) -> AttemptOut:
    return AttemptOut(
        attempt_id=str(a.attempt_id),
        way=a.way,
        result=a.result,
        attempted_at=a.attempted_at,
        attempted_at_local=local_time(a.attempted_at),
        recorded_by=a.recorded_by,
        note=a.note,
        next_step=a.next_step,
        planned_contact_id=None if a.planned_contact_id is None else str(a.planned_contact_id),
    )


def _planned_out(p, **extra) -> PlannedContactOut:
    fields = {
        "contact_id": str(p.contact_id),
        "entry_id": str(p.entry_id),
        "day": p.day,
        "at_time": p.at_time,
        "way": p.way,
        "purpose": p.purpose,
        "done_by_attempt_id": str(p.done_by_attempt_id) if getattr(p, "done_by_attempt_id", None) else None,
    }
    return (DiaryContactOut if extra else PlannedContactOut)(**fields, **extra)


def _appointment_out(a, **extra) -> AppointmentOut:
    fields = {
        "appointment_id": str(a.appointment_id),
        "entry_id": str(a.entry_id),
        "meets_at": a.meets_at,
        "meets_at_local": local_time(a.meets_at),
        "place": a.place,
        "note": a.note,
    }
    return (DiaryAppointmentOut if extra else AppointmentOut)(**fields, **extra)


@router.get(
    "/follow-ups/{entry_id}",
    response_model=EntryOut,
    summary="A follow-up register entry with its attempts, planned contacts and appointments",
    description="Confidential (严禁泄漏): its wealth manager, the branch's deputy head and head, and head "
    "office read it; each read is recorded. Anyone else gets 403 and nothing is recorded.",
)
async def get_entry(
    entry_id: uuid.UUID, request: Request, staff: Staff = Depends(require_role(*access.REGISTER_READERS))
) -> EntryOut:
    read = await register.read_entry(container(request).engine, staff, str(entry_id), now())
    return _entry_out(read, staff)


@router.get(
    "/follow-ups",
    response_model=list[EntryOut],
    summary="Batch read: several register entries by id (for the gateway's DataLoaders); each read recorded",
    description=f"1 to {MAX_BATCH} ids. Entries that do not exist, or that the caller may not read, are "
    "absent and not recorded. Answered in the order asked, each id once.",
)
async def get_entries(
    request: Request,
    ids: list[uuid.UUID] = Query(min_length=1, max_length=MAX_BATCH, description="?ids=<uuid>&ids=<uuid>"),
    staff: Staff = Depends(require_role(*access.REGISTER_READERS)),
) -> list[EntryOut]:
    reads = await register.read_entries(container(request).engine, staff, [str(i) for i in ids], now())
    return [_entry_out(read, staff) for read in reads]


@router.get(
    "/wealth-managers/{wealth_manager_id}/follow-ups",
    response_model=list[EntryOut],
    summary="A wealth manager's follow-up register (open entries by default); each entry read recorded",
)
async def wealth_manager_register(
    wealth_manager_id: StaffId,
    request: Request,
    closed: bool = Query(default=False, description="the closed entries instead of the open ones"),
    staff: Staff = Depends(require_role(*access.REGISTER_READERS)),
) -> list[EntryOut]:
    statuses = ("abandoned", "not_premium", "converted") if closed else ("open", "abandon_proposed")
    reads = await register.read_register(container(request).engine, staff, wealth_manager_id, statuses, now())
    return [_entry_out(read, staff) for read in reads]


@router.get(
    "/wealth-managers/{wealth_manager_id}/diary",
    response_model=DiaryOut,
    summary="A wealth manager's work diary for a day (工作日志): planned contacts and appointments",
)
async def wealth_manager_diary(
    wealth_manager_id: StaffId,
    request: Request,
    day: BranchDay = None,
    staff: Staff = Depends(require_role(*access.REGISTER_READERS)),
) -> DiaryOut:
    day = day or today()
    planned, meetings = await register.read_diary(
        container(request).engine, staff, wealth_manager_id, day, now()
    )
    sees = access.sees_entry_personal_data(staff, wealth_manager_id=wealth_manager_id)

    def person(row) -> PersonOut:
        return person_out(row.customer_id, row.prospect_id, row.prospect_name, row.prospect_phone, sees=sees)

    return DiaryOut(
        wealth_manager_id=wealth_manager_id,
        day=day,
        planned_contacts=[_planned_out(p, person=person(p)) for p in planned],
        appointments=[_appointment_out(a, person=person(a)) for a in meetings],
    )


async def _entry_state(request: Request, entry_id: str) -> dict:
    async with container(request).unit_of_work() as uow:
        entry = await uow.repo.get_entry(entry_id)
    return {
        "entry_id": entry.entry_id,
        "status": entry.status,
        "failures_in_a_row": entry.failures_in_a_row,
        "abandon_proposed": entry.status == "abandon_proposed",
    }


@router.put(
    "/follow-ups/{entry_id}/analysis",
    summary="The wealth manager's analysis of the customer (实力, 性格爱好, 可能的金融需求)",
)
async def update_analysis(
    entry_id: uuid.UUID,
    body: AnalysisIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.REGISTER_WRITERS)),
) -> dict:
    analysis = Analysis(means=body.means, character=body.character, likely_needs=body.likely_needs)
    await handlers.update_analysis(
        handlers.UpdateAnalysis(staff, now(), str(entry_id), analysis), container(request).unit_of_work()
    )
    return await _entry_state(request, str(entry_id))


@router.post(
    "/follow-ups/{entry_id}/planned-contacts",
    status_code=status.HTTP_201_CREATED,
    response_model=PlannedContactOut,
    summary="Plan a contact: a line in the wealth manager's diary for that day",
)
async def plan_contact(
    entry_id: uuid.UUID,
    body: PlannedContactIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.REGISTER_WRITERS)),
) -> PlannedContactOut:
    planned = await handlers.plan_contact(
        handlers.PlanContact(staff, now(), str(entry_id), body.day, body.way, body.at_time, body.purpose),
        container(request).unit_of_work(),
    )
    return _planned_out(planned)


@router.post(
    "/follow-ups/{entry_id}/attempts",
    status_code=status.HTTP_201_CREATED,
    response_model=AttemptRecordedOut,
    summary="Record a contact attempt with its result and next step; a meeting agreed becomes an appointment",
)
async def record_attempt(
    entry_id: uuid.UUID,
    body: AttemptIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.REGISTER_WRITERS)),
) -> AttemptRecordedOut:
    c = container(request)
    nxt = body.next_contact
    recorded = await handlers.record_attempt(
        handlers.RecordAttempt(
            staff=staff,
            at=now(),
            entry_id=str(entry_id),
            way=body.way,
            result=body.result,
            attempted_at=body.attempted_at,
            note=body.note,
            next_step=body.next_step,
            planned_contact_id=None if body.planned_contact_id is None else str(body.planned_contact_id),
            next_contact=None
            if nxt is None
            else handlers.NextContact(nxt.day, nxt.way, nxt.at_time, nxt.purpose),
            meeting=_meeting(body.meeting),
        ),
        c.unit_of_work(),
        c.rules,
    )
    entry = recorded.entry
    return AttemptRecordedOut(
        entry_id=entry.entry_id,
        status=entry.status,
        failures_in_a_row=entry.failures_in_a_row,
        abandon_proposed=entry.status == "abandon_proposed",
        attempt=_attempt_out(recorded.attempt),
        next_contact=None if recorded.next_contact is None else _planned_out(recorded.next_contact),
        appointment=None if recorded.appointment is None else _appointment_out(recorded.appointment),
    )


@router.post(
    "/follow-ups/{entry_id}/appointments",
    status_code=status.HTTP_201_CREATED,
    response_model=AppointmentOut,
    summary="An agreed meeting: an appointment in the wealth manager's diary",
)
async def make_appointment(
    entry_id: uuid.UUID,
    body: MeetingIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.REGISTER_WRITERS)),
) -> AppointmentOut:
    appointment = await handlers.make_appointment(
        handlers.MakeAppointment(staff, now(), str(entry_id), _meeting(body)),
        container(request).unit_of_work(),
    )
    return _appointment_out(appointment)


@router.post(
    "/follow-ups/{entry_id}/abandon-decision",
    summary="Confirm the register's proposal to abandon (after the bank's number of failures), or keep going",
)
async def decide_abandon(
    entry_id: uuid.UUID,
    body: AbandonDecisionIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.REGISTER_WRITERS)),
) -> dict:
    c = container(request)
    await handlers.decide_abandon(
        handlers.DecideAbandon(staff, now(), str(entry_id), body.abandon), c.unit_of_work(), c.rules
    )
    return await _entry_state(request, str(entry_id))


@router.post(
    "/follow-ups/{entry_id}/verdict",
    summary="Premium: converted to relationship maintenance; not premium: closed, no referral for a period",
)
async def record_verdict(
    entry_id: uuid.UUID,
    body: VerdictIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.REGISTER_WRITERS)),
) -> dict:
    c = container(request)
    await handlers.record_verdict(
        handlers.RecordVerdict(staff, now(), str(entry_id), body.verdict), c.unit_of_work(), c.rules
    )
    return await _entry_state(request, str(entry_id))


@router.get(
    "/branches/{branch_id}/register-access-log",
    response_model=list[RegisterReadOut],
    summary="Who read the branch's follow-up register entries on a day (branch head, head office)",
)
async def register_access_log(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    limit: int = Query(default=1000, ge=1, le=10000),
    staff: Staff = Depends(require_role(*access.ACCESS_LOG_READERS)),
) -> list[RegisterReadOut]:
    access.check_may_read_access_log(staff, branch_id)
    async with container(request).engine.connect() as conn:
        rows = await views.register_reads_of(conn, branch_id, day or today(), limit)
    return [
        RegisterReadOut(
            entry_id=str(row.entry_id),
            read_by=row.read_by,
            reader_role=row.reader_role,
            reader_branch=row.reader_branch,
            read_at=row.read_at,
            read_at_local=local_time(row.read_at),
            via=row.via,
        )
        for row in rows
    ]
