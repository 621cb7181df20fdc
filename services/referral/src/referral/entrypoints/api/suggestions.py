"""The lobby's suggested referrals of a day: listed, filed with one action, or dismissed."""

import uuid

from fastapi import Depends, Request, status

from branchflow_contracts import ReferralStatus
from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from referral import access, handlers, views
from referral.entrypoints.api.shared import (
    BranchDay,
    contact_of,
    container,
    now,
    one_referral,
    suggestion_out,
    today,
)
from referral.entrypoints.schemas import BranchId, ReasonIn, ReferralOut, SuggestionOut, SuggestionReferralIn

router = service_router()


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
    async with container(request).engine.connect() as conn:
        rows = await views.suggestions_of_day(conn, branch_id, day or today())
    return [suggestion_out(row) for row in rows]


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
            at=now(),
            suggestion_id=str(suggestion_id),
            status=ReferralStatus(body.status),
            wealth_manager_id=body.wealth_manager_id,
            contact=contact_of(body.contact),
            note=body.note,
            referral_id=None if body.referral_id is None else str(body.referral_id),
        ),
        container(request).unit_of_work(),
    )
    return await one_referral(request, referral.referral_id, staff)


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
    command = handlers.DismissSuggestion(staff, now(), str(suggestion_id), body.reason)
    await handlers.dismiss_suggestion(command, container(request).unit_of_work())
    async with container(request).engine.connect() as conn:
        return suggestion_out(await views.suggestion(conn, str(suggestion_id)))
