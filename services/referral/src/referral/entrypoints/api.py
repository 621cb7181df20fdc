"""REST API (FastAPI). Thin: parse, authorize, call a handler or a view, shape the answer.

Who may do what is ``referral.access``; the routes' role lists are its sets. Forbidden
transitions are a 409 with a ``code`` and a ``detail`` saying why; input that cannot be right is
a 422 naming the field. Reads of the follow-up register go through ``referral.register``, which
records each one."""

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request, Response, status

from branchflow_contracts import ReferralStatus, StaffReferralCounts
from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from branchflow_runtime.privacy import local_time, mask_name, mask_phone
from referral import access, handlers, register, views
from referral.adapters.repository import referral_from_row, referral_row, suggestion_from_row
from referral.domain import linking
from referral.domain.business_day import reconcile
from referral.domain.counts import count_by_staff
from referral.domain.follow_up import Analysis
from referral.domain.marketing import ActivityKind
from referral.domain.people import Prospect
from referral.domain.periods import BRANCH_ZONE, Period, month_label, period_bounds
from referral.domain.referral import AgreedContact
from referral.entrypoints.schemas import (
    MAX_BATCH,
    AbandonDecisionIn,
    ActivityOut,
    AnalysisIn,
    AppointmentOut,
    AttemptIn,
    AttemptOut,
    AttemptRecordedOut,
    BranchId,
    ConfirmationIn,
    ContactIn,
    CountsOut,
    Day,
    DayLeftOpenOut,
    DiaryAppointmentOut,
    DiaryContactOut,
    DiaryOut,
    EntryOut,
    FieldVisitIn,
    HandoverIn,
    IntroductionIn,
    MeetingIn,
    ParticipantOut,
    PersonIn,
    PersonOut,
    PlannedContactIn,
    PlannedContactOut,
    ReasonIn,
    ReconciliationOut,
    ReferralIn,
    ReferralOut,
    RefusalOut,
    RegisterReadOut,
    SeminarIn,
    StaffId,
    SuggestionOut,
    SuggestionReferralIn,
    SummaryOut,
    ThanksIn,
    VerdictIn,
)
from referral.labels import say

REFUSALS = {409: {"model": RefusalOut, "description": "the state forbids it; `detail` says why"}}
router = service_router(responses=REFUSALS)
BranchDay = Annotated[Day | None, Query(description="YYYY-MM-DD in Asia/Shanghai; default today")]
Month = Annotated[str, Path(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM")]


def _container(request: Request):
    return request.app.state.container


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    return datetime.now(BRANCH_ZONE).date()


def _person(value: PersonIn, request: Request) -> str | Prospect:
    if value.customer_id is not None:
        return value.customer_id
    key = _container(request).settings.prospect_id_key.get_secret_value()
    return Prospect.of(value.prospect.name, value.prospect.phone, key=key)


def _contact(value: ContactIn | None) -> AgreedContact | None:
    return None if value is None else AgreedContact(value.at, value.way)


def _meeting(value: MeetingIn | None) -> handlers.AgreedMeeting | None:
    return None if value is None else handlers.AgreedMeeting(value.meets_at, value.place, value.note)


# shaping answers


def _person_out(customer_id, prospect_id, name, phone, *, sees: bool) -> PersonOut:
    masked = prospect_id is not None and not sees
    return PersonOut(
        customer_id=customer_id,
        prospect_id=prospect_id,
        name=mask_name(name) if masked else name,
        phone=mask_phone(phone) if masked else phone,
        personal_data_masked=masked,
    )


def _withdrawal_reason(reason: str | None) -> str | None:
    """As the filer wrote it, or, for a form withdrawn when a walk-in was linked, why."""
    params = linking.duplicate_of(reason)
    return reason if params is None else say(linking.DUPLICATE_FORM_TEXT, params)


def _referral_out(row, staff: Staff) -> ReferralOut:
    sees = access.sees_personal_data(
        staff, referred_by=row.referred_by, wealth_manager_id=row.wealth_manager_id
    )
    return ReferralOut(
        referral_id=str(row.referral_id),
        branch_id=row.branch_id,
        business_day=row.business_day,
        person=_person_out(
            row.customer_id, row.prospect_id, row.prospect_name, row.prospect_phone, sees=sees
        ),
        referred_by=row.referred_by,
        referrer_role=row.referrer_role,
        source=row.source,
        filed_as=row.filed_as,
        status=row.status,
        wealth_manager_id=row.wealth_manager_id,
        referred_at=row.referred_at,
        referred_at_local=local_time(row.referred_at),
        identification_id=row.identification_id,
        suggestion_id=None if row.suggestion_id is None else str(row.suggestion_id),
        activity_id=None if row.activity_id is None else str(row.activity_id),
        contact_at=row.contact_at,
        contact_way=row.contact_way,
        note=row.note,
        met=row.met,
        result=access.result_as_seen(staff, row.result),
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        entry_id=None if row.entry_id is None else str(row.entry_id),
        withdrawal_reason=_withdrawal_reason(row.withdrawal_reason),
    )


def _suggestion_out(row) -> SuggestionOut:
    return SuggestionOut(
        suggestion_id=str(row.suggestion_id),
        branch_id=row.branch_id,
        business_day=row.business_day,
        customer_id=row.customer_id,
        identification_id=row.identification_id,
        identified_at=row.identified_at,
        identified_at_local=local_time(row.identified_at),
        status=row.status,
        referral_id=None if row.referral_id is None else str(row.referral_id),
        acted_by=row.acted_by,
        acted_at=row.acted_at,
        dismissal_reason=row.dismissal_reason,
    )


async def _one_referral(request: Request, referral_id: str, staff: Staff) -> ReferralOut:
    async with _container(request).engine.connect() as conn:
        rows = await views.referrals_by_ids(conn, [referral_id])
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no referral {referral_id}")
    return _referral_out(rows[0], staff)


# forms


@router.post(
    "/referrals",
    status_code=status.HTTP_201_CREATED,
    response_model=ReferralOut,
    summary="File a referral form (优质客户推介表): referred on the spot, or pending with a contact",
    responses={200: {"description": "filed before with this referral_id and the same content"}},
)
async def file_referral(
    body: ReferralIn,
    request: Request,
    response: Response,
    staff: Staff = Depends(require_role(*access.FILERS)),
) -> ReferralOut:
    sources = access.FILING_SOURCES[staff.role]
    if body.source is None and len(sources) != 1:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            [
                {
                    "type": "missing",
                    "loc": ["body", "source"],
                    "msg": f"say the source: {', '.join(sorted(sources))}",
                }
            ],
        )
    at = _now()
    referral = await _container(request).file_referral(
        handlers.FileReferral(
            staff=staff,
            at=at,
            person=_person(body, request),
            source=body.source or next(iter(sources)),
            status=ReferralStatus(body.status),
            wealth_manager_id=body.wealth_manager_id,
            contact=_contact(body.contact),
            identification_id=None if body.identification_id is None else str(body.identification_id),
            note=body.note,
            referral_id=None if body.referral_id is None else str(body.referral_id),
        ),
    )
    if referral.referred_at != at:
        response.status_code = status.HTTP_200_OK
    if referral.subject.prospect_id is None:
        # the form as filed is the form as stored: no second trip to the database for it
        row = SimpleNamespace(**referral_row(referral), prospect_name=None, prospect_phone=None)
        return _referral_out(row, staff)
    return await _one_referral(request, referral.referral_id, staff)  # with the prospect's name as kept


@router.get("/referrals/{referral_id}", response_model=ReferralOut, summary="One referral form")
async def get_referral(
    referral_id: uuid.UUID, request: Request, staff: Staff = Depends(require_role(*access.REFERRAL_READERS))
) -> ReferralOut:
    async with _container(request).engine.connect() as conn:
        rows = await views.referrals_by_ids(conn, [str(referral_id)])
    if not rows:
        raise access.missing(staff, "referral", str(referral_id))
    row = rows[0]
    access.check_may_read_referral(
        staff, branch_id=row.branch_id, referred_by=row.referred_by, wealth_manager_id=row.wealth_manager_id
    )
    return _referral_out(row, staff)


@router.get(
    "/referrals",
    response_model=list[ReferralOut],
    summary="Batch read: several referral forms by id (for the gateway's DataLoaders)",
    description=f"1 to {MAX_BATCH} ids. Forms that do not exist, or that the caller may not read, are "
    "absent (no 403: a batch mixes ids). Answered in the order asked, each id once.",
)
async def get_referrals(
    request: Request,
    ids: list[uuid.UUID] = Query(min_length=1, max_length=MAX_BATCH, description="?ids=<uuid>&ids=<uuid>"),
    staff: Staff = Depends(require_role(*access.REFERRAL_READERS)),
) -> list[ReferralOut]:
    asked = [str(i) for i in ids]
    async with _container(request).engine.connect() as conn:
        rows = {str(row.referral_id): row for row in await views.referrals_by_ids(conn, asked)}
    return [
        _referral_out(rows[i], staff)
        for i in dict.fromkeys(asked)
        if i in rows
        and access.may_read_referral(
            staff,
            branch_id=rows[i].branch_id,
            referred_by=rows[i].referred_by,
            wealth_manager_id=rows[i].wealth_manager_id,
        )
    ]


@router.post(
    "/referrals/{referral_id}/confirmation",
    response_model=ReferralOut,
    summary="The wealth manager confirms a referred customer: met? and the marketing result",
)
async def confirm_referral(
    referral_id: uuid.UUID,
    body: ConfirmationIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.CONFIRMERS)),
) -> ReferralOut:
    c = _container(request)
    await handlers.confirm_referral(
        handlers.ConfirmReferral(staff, _now(), str(referral_id), body.met, body.result),
        c.unit_of_work(),
        c.rules,
    )
    return await _one_referral(request, str(referral_id), staff)


@router.post(
    "/referrals/{referral_id}/register-copy",
    response_model=ReferralOut,
    summary="The wealth manager copies a pending referral into the follow-up register (抄录)",
)
async def copy_to_register(
    referral_id: uuid.UUID, request: Request, staff: Staff = Depends(require_role(*access.CONFIRMERS))
) -> ReferralOut:
    c = _container(request)
    await handlers.copy_to_register(
        handlers.CopyToRegister(staff, _now(), str(referral_id)), c.unit_of_work()
    )
    return await _one_referral(request, str(referral_id), staff)


@router.post(
    "/referrals/{referral_id}/withdrawal",
    response_model=ReferralOut,
    summary="Withdraw a form filed by mistake (its filer, or the lobby manager); it is not counted",
)
async def withdraw_referral(
    referral_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.FILERS)),
) -> ReferralOut:
    command = handlers.WithdrawReferral(staff, _now(), str(referral_id), body.reason)
    await handlers.withdraw_referral(command, _container(request).unit_of_work())
    return await _one_referral(request, str(referral_id), staff)


@router.get(
    "/branches/{branch_id}/referrals",
    response_model=list[ReferralOut],
    summary="A branch's forms of a day, from every teller and the lobby manager",
)
async def branch_referrals(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    referred_by: StaffId | None = None,
    staff: Staff = Depends(require_role(*access.DAY_READERS)),
) -> list[ReferralOut]:
    access.check_may_read_day(staff, branch_id)
    async with _container(request).engine.connect() as conn:
        rows = await views.referrals_of_day(conn, branch_id, day or _today(), referred_by)
    return [_referral_out(row, staff) for row in rows]


@router.get("/me/referrals", response_model=list[ReferralOut], summary="The caller's own forms of a day")
async def my_referrals(
    request: Request, day: BranchDay = None, staff: Staff = Depends(require_role(*access.FILERS))
) -> list[ReferralOut]:
    async with _container(request).engine.connect() as conn:
        rows = await views.referrals_of_day(conn, staff.branch_id, day or _today(), staff.staff_id)
    return [_referral_out(row, staff) for row in rows]


@router.get(
    "/me/referrals-to-confirm",
    response_model=list[ReferralOut],
    summary="Forms naming the calling wealth manager that await its confirmation or copy (any day)",
)
async def referrals_to_confirm(
    request: Request, staff: Staff = Depends(require_role(*access.CONFIRMERS))
) -> list[ReferralOut]:
    async with _container(request).engine.connect() as conn:
        rows = await views.referrals_to_confirm(conn, staff.staff_id, staff.branch_id)
    return [_referral_out(row, staff) for row in rows]


# suggestions


@router.get(
    "/branches/{branch_id}/suggestions",
    response_model=list[SuggestionOut],
    summary="The lobby's suggested referrals of a day (identifications that call a wealth manager)",
)
async def branch_suggestions(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    staff: Staff = Depends(require_role(*access.SUGGESTION_READERS)),
) -> list[SuggestionOut]:
    access.check_may_read_suggestions(staff, branch_id)
    async with _container(request).engine.connect() as conn:
        rows = await views.suggestions_of_day(conn, branch_id, day or _today())
    return [_suggestion_out(row) for row in rows]


@router.post(
    "/suggestions/{suggestion_id}/referral",
    status_code=status.HTTP_201_CREATED,
    response_model=ReferralOut,
    summary="File a suggested referral with one action",
)
async def file_suggestion(
    suggestion_id: uuid.UUID,
    body: SuggestionReferralIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.SUGGESTION_HANDLERS)),
) -> ReferralOut:
    referral = await handlers.file_from_suggestion(
        handlers.FileFromSuggestion(
            staff=staff,
            at=_now(),
            suggestion_id=str(suggestion_id),
            status=ReferralStatus(body.status),
            wealth_manager_id=body.wealth_manager_id,
            contact=_contact(body.contact),
            note=body.note,
            referral_id=None if body.referral_id is None else str(body.referral_id),
        ),
        _container(request).unit_of_work(),
    )
    return await _one_referral(request, referral.referral_id, staff)


@router.post(
    "/suggestions/{suggestion_id}/dismissal",
    response_model=SuggestionOut,
    summary="Decide not to refer a suggested customer (left, declined…), with the reason",
)
async def dismiss_suggestion(
    suggestion_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.SUGGESTION_HANDLERS)),
) -> SuggestionOut:
    command = handlers.DismissSuggestion(staff, _now(), str(suggestion_id), body.reason)
    await handlers.dismiss_suggestion(command, _container(request).unit_of_work())
    async with _container(request).engine.connect() as conn:
        return _suggestion_out(await views.suggestion(conn, str(suggestion_id)))


# the close of business


async def _reconciliation(request: Request, branch_id: str, day: date, staff: Staff) -> ReconciliationOut:
    async with _container(request).engine.connect() as conn:
        rows = await views.referrals_of_day(conn, branch_id, day)
        suggestion_rows = await views.suggestions_of_day(conn, branch_id, day)
        day_row = await views.business_day(conn, branch_id, day)
        left_open = await views.days_left_open(conn, branch_id, day)
    by_id = {str(row.referral_id): row for row in rows}
    suggestion_by_id = {str(row.suggestion_id): row for row in suggestion_rows}
    # the domain's own sorting of the day, the one the close goes by
    sorted_day = reconcile(
        day, [referral_from_row(row) for row in rows], [suggestion_from_row(row) for row in suggestion_rows]
    )

    def out(referrals) -> list[ReferralOut]:
        return [_referral_out(by_id[r.referral_id], staff) for r in referrals if r.referral_id in by_id]

    return ReconciliationOut(
        branch_id=branch_id,
        day=day,
        status=day_row.status if day_row else "open",
        closed_by=day_row.closed_by if day_row else None,
        closed_at=day_row.closed_at if day_row else None,
        awaiting_confirmation=out(sorted_day.awaiting_confirmation),
        awaiting_copy=out(sorted_day.awaiting_copy),
        done=out(sorted_day.done),
        withdrawn=out(sorted_day.withdrawn),
        suggestions_not_acted_on=[
            _suggestion_out(suggestion_by_id[s.suggestion_id]) for s in sorted_day.suggestions_not_acted_on
        ],
        counts=sorted_day.counts,
        earlier_days_left_open=[
            DayLeftOpenOut(day=d, closed=closed, awaiting_confirmation=referred, awaiting_copy=pending)
            for d, closed, referred, pending in left_open
        ],
    )


@router.get(
    "/branches/{branch_id}/days/{day}",
    response_model=ReconciliationOut,
    summary="The reconciliation of a branch's day: forms by what they await, suggestions never acted "
    "on, counts per staff, and earlier days left open",
)
async def get_day(
    branch_id: BranchId, day: Day, request: Request, staff: Staff = Depends(require_role(*access.DAY_READERS))
) -> ReconciliationOut:
    access.check_may_read_day(staff, branch_id)
    return await _reconciliation(request, branch_id, day, staff)


@router.post(
    "/branches/{branch_id}/days/{day}/close",
    response_model=ReconciliationOut,
    summary="The lobby manager closes the day once every form is confirmed or copied",
)
async def close_day(
    branch_id: BranchId, day: Day, request: Request, staff: Staff = Depends(require_role(*access.DAY_CLOSERS))
) -> ReconciliationOut:
    await handlers.close_day(
        handlers.CloseDay(staff, _now(), branch_id, day), _container(request).unit_of_work()
    )
    return await _reconciliation(request, branch_id, day, staff)


@router.post(
    "/branches/{branch_id}/days/{day}/reopen",
    response_model=ReconciliationOut,
    summary="Reopen a closed day (a form to file after the close)",
)
async def reopen_day(
    branch_id: BranchId,
    day: Day,
    request: Request,
    staff: Staff = Depends(require_role(*access.DAY_REOPENERS)),
) -> ReconciliationOut:
    await handlers.reopen_day(
        handlers.CloseDay(staff, _now(), branch_id, day), _container(request).unit_of_work()
    )
    return await _reconciliation(request, branch_id, day, staff)


# counts and the monthly summary


@router.get(
    "/branches/{branch_id}/referral-counts",
    response_model=CountsOut,
    summary="Referral counts per staff (推介统计表) for the day, ISO week or month holding `day`",
)
async def branch_counts(
    branch_id: BranchId,
    request: Request,
    period: Period = Period.DAY,
    day: BranchDay = None,
    staff: Staff = Depends(require_role(*access.COUNT_READERS)),
) -> CountsOut:
    access.check_may_read_counts(staff, branch_id)
    first, last = period_bounds(period, day or _today())
    async with _container(request).engine.connect() as conn:
        forms = (await views.counted_forms_by_branch(conn, first, last, branch_id)).get(branch_id, [])
    return CountsOut(
        branch_id=branch_id, period=period, first_day=first, last_day=last, counts=count_by_staff(forms)
    )


@router.get(
    "/referral-counts",
    response_model=list[CountsOut],
    summary="Every branch's referral counts per staff for a day, week or month (head office)",
    description="Only branches with at least one form in the period are listed, ordered by branch.",
)
async def all_counts(
    request: Request,
    period: Period = Period.DAY,
    day: BranchDay = None,
    staff: Staff = Depends(require_role(*access.ALL_BRANCH_COUNT_READERS)),
) -> list[CountsOut]:
    first, last = period_bounds(period, day or _today())
    async with _container(request).engine.connect() as conn:
        by_branch = await views.counted_forms_by_branch(conn, first, last)
    return [
        CountsOut(branch_id=b, period=period, first_day=first, last_day=last, counts=count_by_staff(forms))
        for b, forms in by_branch.items()
    ]


@router.get(
    "/branches/{branch_id}/monthly-summaries/{month}",
    response_model=SummaryOut,
    summary="A month's referral counts per staff as sent to the branch head for appraisal",
)
async def monthly_summary(
    branch_id: BranchId,
    month: Month,
    request: Request,
    staff: Staff = Depends(require_role(*access.SUMMARY_READERS)),
) -> SummaryOut:
    access.check_may_read_summary(staff, branch_id)
    async with _container(request).engine.connect() as conn:
        row = await views.monthly_summary(conn, branch_id, month)
    if row is None:
        current = month_label(_today())
        when = "is sent on the first working day of next month" if month == current else "was not sent"
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"the summary of {month} for {branch_id} {when}")
    return SummaryOut(
        branch_id=row.branch_id,
        month=row.month,
        counts=[StaffReferralCounts(**c) for c in row.counts],
        issued_at=row.issued_at,
    )


# the follow-up register


def _entry_out(read: register.EntryRead, staff: Staff) -> EntryOut:
    row, history = read.entry, read.history
    sees = access.sees_entry_personal_data(staff, wealth_manager_id=row.wealth_manager_id)
    return EntryOut(
        entry_id=str(row.entry_id),
        referral_id=str(row.referral_id),
        branch_id=row.branch_id,
        person=_person_out(
            row.customer_id, row.prospect_id, row.prospect_name, row.prospect_phone, sees=sees
        ),
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
    read = await register.read_entry(_container(request).engine, staff, str(entry_id), _now())
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
    reads = await register.read_entries(_container(request).engine, staff, [str(i) for i in ids], _now())
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
    reads = await register.read_register(
        _container(request).engine, staff, wealth_manager_id, statuses, _now()
    )
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
    day = day or _today()
    planned, meetings = await register.read_diary(
        _container(request).engine, staff, wealth_manager_id, day, _now()
    )
    sees = access.sees_entry_personal_data(staff, wealth_manager_id=wealth_manager_id)

    def person(row) -> PersonOut:
        return _person_out(row.customer_id, row.prospect_id, row.prospect_name, row.prospect_phone, sees=sees)

    return DiaryOut(
        wealth_manager_id=wealth_manager_id,
        day=day,
        planned_contacts=[_planned_out(p, person=person(p)) for p in planned],
        appointments=[_appointment_out(a, person=person(a)) for a in meetings],
    )


async def _entry_state(request: Request, entry_id: str) -> dict:
    async with _container(request).unit_of_work() as uow:
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
        handlers.UpdateAnalysis(staff, _now(), str(entry_id), analysis), _container(request).unit_of_work()
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
        handlers.PlanContact(staff, _now(), str(entry_id), body.day, body.way, body.at_time, body.purpose),
        _container(request).unit_of_work(),
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
    c = _container(request)
    nxt = body.next_contact
    recorded = await handlers.record_attempt(
        handlers.RecordAttempt(
            staff=staff,
            at=_now(),
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
        handlers.MakeAppointment(staff, _now(), str(entry_id), _meeting(body)),
        _container(request).unit_of_work(),
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
    c = _container(request)
    await handlers.decide_abandon(
        handlers.DecideAbandon(staff, _now(), str(entry_id), body.abandon), c.unit_of_work(), c.rules
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
    c = _container(request)
    await handlers.record_verdict(
        handlers.RecordVerdict(staff, _now(), str(entry_id), body.verdict), c.unit_of_work(), c.rules
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
    async with _container(request).engine.connect() as conn:
        rows = await views.register_reads_of(conn, branch_id, day or _today(), limit)
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


# targeted marketing


async def _activity_out(request: Request, activity_id: str, staff: Staff) -> ActivityOut:
    async with _container(request).engine.connect() as conn:
        row = await views.activity(conn, activity_id)
        if row is None:
            raise access.missing(staff, "marketing activity", activity_id)
        access.check_may_read_marketing(staff, row.branch_id)
        prospects = await views.prospects_by_ids(
            conn, [p["prospect_id"] for p in row.participants if p["prospect_id"]]
        )
    return _shape_activity(row, prospects, staff)


def _shape_activity(row, prospects: dict, staff: Staff) -> ActivityOut:
    def participant(p: dict) -> ParticipantOut:
        name, phone = prospects.get(p["prospect_id"], (None, None))
        sees = access.sees_participant_data(staff, organised_by=row.organised_by, handed_to=p["handed_to"])
        return ParticipantOut(
            person_id=p["person_id"],
            person=_person_out(p["customer_id"], p["prospect_id"], name, phone, sees=sees),
            role=p["role"],
            brought_by=p["brought_by"],
            referral_id=p["referral_id"],
            handed_to=p["handed_to"],
        )

    return ActivityOut(
        activity_id=str(row.activity_id),
        kind=row.kind,
        branch_id=row.branch_id,
        organised_by=row.organised_by,
        organiser_role=row.organiser_role,
        day=row.day,
        created_at=row.created_at,
        topic=row.topic,
        place=row.place,
        introducer_customer_id=row.introducer_customer_id,
        thanked_by=row.thanked_by,
        thanked_at=row.thanked_at,
        reward_due=row.reward_due,
        participants=[participant(p) for p in row.participants],
    )


async def _record_activity(request: Request, staff: Staff, **fields) -> ActivityOut:
    activity = await handlers.record_activity(
        handlers.RecordActivity(staff=staff, at=_now(), **fields), _container(request).unit_of_work()
    )
    return await _activity_out(request, activity.activity_id, staff)


@router.post(
    "/introductions",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityOut,
    summary="An existing customer introduced friends or relatives (现有优质客户介绍)",
)
async def record_introduction(
    body: IntroductionIn, request: Request, staff: Staff = Depends(require_role(*access.MARKETERS))
) -> ActivityOut:
    return await _record_activity(
        request,
        staff,
        kind=ActivityKind.INTRODUCTION,
        day=body.day,
        introducer_customer_id=body.introducer_customer_id,
        introduced=tuple(_person(p, request) for p in body.introduced),
    )


@router.post(
    "/field-visits",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityOut,
    summary="A field visit (外勤访问) and the customers met",
)
async def record_field_visit(
    body: FieldVisitIn, request: Request, staff: Staff = Depends(require_role(*access.MARKETERS))
) -> ActivityOut:
    return await _record_activity(
        request,
        staff,
        kind=ActivityKind.FIELD_VISIT,
        day=body.day,
        place=body.place,
        met=tuple(_person(p, request) for p in body.met),
    )


@router.post(
    "/seminars",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityOut,
    summary="A seminar or salon (金融研讨会/理财沙龙) with its attendees and the friends they brought",
)
async def record_seminar(
    body: SeminarIn, request: Request, staff: Staff = Depends(require_role(*access.MARKETERS))
) -> ActivityOut:
    return await _record_activity(
        request,
        staff,
        kind=ActivityKind(body.kind),
        day=body.day,
        topic=body.topic,
        place=body.place,
        attendees=tuple(
            (_person(a, request), tuple(_person(f, request) for f in a.friends)) for a in body.attendees
        ),
    )


@router.get(
    "/marketing-activities/{activity_id}", response_model=ActivityOut, summary="One marketing activity"
)
async def get_activity(
    activity_id: uuid.UUID, request: Request, staff: Staff = Depends(require_role(*access.MARKETING_READERS))
) -> ActivityOut:
    return await _activity_out(request, str(activity_id), staff)


@router.get(
    "/branches/{branch_id}/marketing-activities",
    response_model=list[ActivityOut],
    summary="A branch's marketing activities of a period, newest first",
)
async def branch_activities(
    branch_id: BranchId,
    request: Request,
    period: Period = Period.MONTH,
    day: BranchDay = None,
    kind: ActivityKind | None = None,
    limit: int = Query(default=200, ge=1, le=1000),
    staff: Staff = Depends(require_role(*access.MARKETING_READERS)),
) -> list[ActivityOut]:
    access.check_may_read_marketing(staff, branch_id)
    first, last = period_bounds(period, day or _today())
    async with _container(request).engine.connect() as conn:
        rows = await views.activities_of(conn, branch_id, first, last, kind, limit)
        ids = [p["prospect_id"] for row in rows for p in row.participants if p["prospect_id"]]
        prospects = await views.prospects_by_ids(conn, ids)
    return [_shape_activity(row, prospects, staff) for row in rows]


@router.post(
    "/marketing-activities/{activity_id}/participants/{person_id}/handover",
    status_code=status.HTTP_201_CREATED,
    response_model=ReferralOut,
    summary="Hand a person over to a wealth manager with their data: a pending referral, in the manager's "
    "register at once",
)
async def hand_over(
    activity_id: uuid.UUID,
    person_id: uuid.UUID,
    body: HandoverIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.MARKETERS)),
) -> ReferralOut:
    referral = await handlers.hand_over(
        handlers.HandOver(
            staff=staff,
            at=_now(),
            activity_id=str(activity_id),
            person_id=str(person_id),
            wealth_manager_id=body.wealth_manager_id,
            contact=_contact(body.contact),
            note=body.note,
            referral_id=None if body.referral_id is None else str(body.referral_id),
        ),
        _container(request).unit_of_work(),
    )
    return await _one_referral(request, referral.referral_id, staff)


@router.post(
    "/marketing-activities/{activity_id}/introducer-thanks",
    response_model=ActivityOut,
    summary="The introducer was thanked (引荐成功后表示感谢); flag a reward",
)
async def thank_introducer(
    activity_id: uuid.UUID,
    body: ThanksIn,
    request: Request,
    staff: Staff = Depends(require_role(*access.MARKETERS)),
) -> ActivityOut:
    command = handlers.ThankIntroducer(staff, _now(), str(activity_id), body.reward_due)
    await handlers.thank_introducer(command, _container(request).unit_of_work())
    return await _activity_out(request, str(activity_id), staff)
