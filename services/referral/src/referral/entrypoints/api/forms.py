"""Referral forms (优质客户推介表): filed, read one by one or in a batch, confirmed, copied into
the register, withdrawn; a branch's, a filer's and a wealth manager's lists."""

import uuid
from types import SimpleNamespace

from fastapi import Depends, HTTPException, Query, Request, Response, status

from branchflow_contracts import ReferralStatus
from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from referral import access, handlers, views
from referral.adapters.repository import referral_row
from referral.entrypoints.api.shared import (
    BranchDay,
    contact_of,
    container,
    now,
    one_referral,
    person_of,
    referral_out,
    today,
)
from referral.entrypoints.schemas import (
    MAX_BATCH,
    BranchId,
    ConfirmationIn,
    ReasonIn,
    ReferralIn,
    ReferralOut,
    StaffId,
)

router = service_router()


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
    at = now()
    referral = await container(request).file_referral(
        handlers.FileReferral(
            staff=staff,
            at=at,
            person=person_of(body, request),
            source=body.source or next(iter(sources)),
            status=ReferralStatus(body.status),
            wealth_manager_id=body.wealth_manager_id,
            contact=contact_of(body.contact),
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
        return referral_out(row, staff)
    return await one_referral(request, referral.referral_id, staff)  # with the prospect's name as kept


@router.get("/referrals/{referral_id}", response_model=ReferralOut, summary="One referral form")
async def get_referral(
    referral_id: uuid.UUID, request: Request, staff: Staff = Depends(require_role(*access.REFERRAL_READERS))
) -> ReferralOut:
    async with container(request).engine.connect() as conn:
        rows = await views.referrals_by_ids(conn, [str(referral_id)])
    if not rows:
        raise access.missing(staff, "referral", str(referral_id))
    row = rows[0]
    access.check_may_read_referral(
        staff, branch_id=row.branch_id, referred_by=row.referred_by, wealth_manager_id=row.wealth_manager_id
    )
    return referral_out(row, staff)


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
    async with container(request).engine.connect() as conn:
        rows = {str(row.referral_id): row for row in await views.referrals_by_ids(conn, asked)}
    return [
        referral_out(rows[i], staff)
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
    c = container(request)
    await handlers.confirm_referral(
        handlers.ConfirmReferral(staff, now(), str(referral_id), body.met, body.result),
        c.unit_of_work(),
        c.rules,
    )
    return await one_referral(request, str(referral_id), staff)


@router.post(
    "/referrals/{referral_id}/register-copy",
    response_model=ReferralOut,
    summary="The wealth manager copies a pending referral into the follow-up register (抄录)",
)
async def copy_to_register(
    referral_id: uuid.UUID, request: Request, staff: Staff = Depends(require_role(*access.CONFIRMERS))
) -> ReferralOut:
    c = container(request)
    await handlers.copy_to_register(handlers.CopyToRegister(staff, now(), str(referral_id)), c.unit_of_work())
    return await one_referral(request, str(referral_id), staff)


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
    command = handlers.WithdrawReferral(staff, now(), str(referral_id), body.reason)
    await handlers.withdraw_referral(command, container(request).unit_of_work())
    return await one_referral(request, str(referral_id), staff)


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
    async with container(request).engine.connect() as conn:
        rows = await views.referrals_of_day(conn, branch_id, day or today(), referred_by)
    return [referral_out(row, staff) for row in rows]


@router.get("/me/referrals", response_model=list[ReferralOut], summary="The caller's own forms of a day")
async def my_referrals(
    request: Request, day: BranchDay = None, staff: Staff = Depends(require_role(*access.FILERS))
) -> list[ReferralOut]:
    async with container(request).engine.connect() as conn:
        rows = await views.referrals_of_day(conn, staff.branch_id, day or today(), staff.staff_id)
    return [referral_out(row, staff) for row in rows]


@router.get(
    "/me/referrals-to-confirm",
    response_model=list[ReferralOut],
    summary="Forms naming the calling wealth manager that await its confirmation or copy (any day)",
)
async def referrals_to_confirm(
    request: Request, staff: Staff = Depends(require_role(*access.CONFIRMERS))
) -> list[ReferralOut]:
    async with container(request).engine.connect() as conn:
        rows = await views.referrals_to_confirm(conn, staff.staff_id, staff.branch_id)
    return [referral_out(row, staff) for row in rows]
