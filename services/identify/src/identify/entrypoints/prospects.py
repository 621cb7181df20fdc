"""Walk-in prospects (the to_win case without an account): recorded with a name and a phone,
never with an invented customer id, and linked to the customer id once an account is opened."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request, status

from branchflow_contracts import CustomerTier
from branchflow_runtime import access
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import (
    check_read,
    missing_or_out_of_reach,
    require_permission,
    require_reading,
)
from branchflow_runtime.http_errors import service_router
from branchflow_runtime.privacy import local_time, mask_name, mask_phone
from identify import handlers, labels, views
from identify.domain.prospect import prospect_id_for
from identify.entrypoints.api import check_channel
from identify.entrypoints.disclosure import sees_prospect_contact
from identify.entrypoints.schemas import (
    BranchId,
    LabelledGuidance,
    LinkIn,
    LinkOut,
    ProspectIn,
    ProspectOut,
    ProspectRecordedOut,
    signals_to_domain,
)

# Who may is the access policy's: recording and linking a prospect are part of recording a visit
# (Action.RECORD_OBSERVATION); reading one is for those who serve customers (Data.GUIDANCE), the
# tier for those who may read tiers, the contact unmasked as ``disclosure`` says.
router = service_router(tags=["prospects"])

# a walk-in's id: derived from the phone (P + 12 hex digits), or a UUID (recorded without a
# phone, or before ids were derived)
ProspectId = Annotated[
    str,
    Path(
        pattern=r"^(P[0-9A-F]{12}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$",
        description="P + 12 hex digits (derived from the phone), or a UUID",
    ),
]


def _stored_id(prospect_id: str) -> str:
    """A UUID as it is stored (lower case); a derived id as it is."""
    return prospect_id if prospect_id.startswith("P") else str(uuid.UUID(prospect_id))


def _container(request: Request):
    return request.app.state.container


@router.post(
    "/prospects",
    status_code=status.HTTP_201_CREATED,
    response_model=ProspectRecordedOut,
    summary="Record a walk-in who is not our customer yet; get the guidance",
)
async def record_prospect(
    body: ProspectIn, request: Request, staff: Staff = Depends(require_permission(Action.RECORD_OBSERVATION))
) -> ProspectRecordedOut:
    check_channel(staff, body.channel)
    c = _container(request)
    cmd = handlers.RecordProspect(
        branch_id=staff.branch_id,
        name=body.name,
        phone=body.phone,
        signals=signals_to_domain(body.signals, c.rates),
        observed_by=staff.staff_id,
        observer_role=str(staff.role),
        channel=body.channel,
        purpose=body.purpose,
        has_time=body.customer_has_time,
        prospect_id=prospect_id_for(body.phone, c.settings.prospect_id_key.get_secret_value()),
    )
    identification = await handlers.record_prospect(cmd, c.unit_of_work(), c.rules)
    return ProspectRecordedOut(
        prospect_id=identification.prospect_id,
        identification_id=identification.identification_id,
        guidance=LabelledGuidance.of(identification.guidance),
        identified_at=identification.identified_at,
    )


@router.get(
    "/prospects/{prospect_id}",
    response_model=ProspectOut,
    summary="A prospect; name and phone masked unless you recorded or follow them up",
)
async def get_prospect(
    prospect_id: ProspectId, request: Request, staff: Staff = Depends(require_reading(Data.GUIDANCE))
) -> ProspectOut:
    async with _container(request).engine.connect() as conn:
        row = await views.prospect(conn, _stored_id(prospect_id))
    if row is None:
        raise missing_or_out_of_reach(staff, Data.GUIDANCE, _prospect(prospect_id))
    check_read(staff, Data.GUIDANCE, branch_id=row.branch_id)
    return _prospect_out(row, staff)


@router.get(
    "/branches/{branch_id}/prospects",
    response_model=list[ProspectOut],
    summary="A branch's prospects, newest first (linked=false: those still without an account)",
)
async def list_prospects(
    branch_id: BranchId,
    request: Request,
    linked: bool | None = Query(default=None),
    limit: int = Query(default=200, ge=1, le=2000),
    staff: Staff = Depends(require_reading(Data.GUIDANCE)),
) -> list[ProspectOut]:
    check_read(staff, Data.GUIDANCE, branch_id=branch_id)
    async with _container(request).engine.connect() as conn:
        rows = await views.prospects_of_branch(conn, branch_id, linked=linked, limit=limit)
    return [_prospect_out(r, staff) for r in rows]


@router.post(
    "/prospects/{prospect_id}/link",
    response_model=LinkOut,
    summary="The prospect opened an account: link them to the customer id; their identifications follow",
)
async def link_prospect(
    prospect_id: ProspectId,
    body: LinkIn,
    request: Request,
    staff: Staff = Depends(require_permission(Action.RECORD_OBSERVATION)),
) -> LinkOut:
    c = _container(request)
    prospect_id = _stored_id(prospect_id)
    cmd = handlers.LinkProspect(prospect_id, body.customer_id, staff.staff_id)

    def may_link(branch_id: str) -> bool:
        return access.may_do(staff, Action.RECORD_OBSERVATION, branch_id=branch_id)

    try:
        rerating = await handlers.link_prospect(cmd, c.unit_of_work(), c.rules, may_link)
    except handlers.ProspectNotFound:
        raise missing_or_out_of_reach(staff, Data.GUIDANCE, _prospect(prospect_id)) from None
    return LinkOut(prospect_id=prospect_id, customer_id=body.customer_id, tier_changed=rerating is not None)


def _prospect(prospect_id) -> str:
    return labels.CATALOGUE.gettext("prospect {prospect_id}").format(prospect_id=prospect_id)


def _prospect_out(row, staff: Staff) -> ProspectOut:
    unmasked = sees_prospect_contact(staff, row.branch_id, row.recorded_by)
    tier = row.tier if access.may_read(staff, Data.TIER, branch_id=row.branch_id) else None
    return ProspectOut(
        prospect_id=str(row.prospect_id),
        branch_id=row.branch_id,
        name=row.name if unmasked else mask_name(row.name),
        phone=row.phone if unmasked else mask_phone(row.phone),
        contact_masked=not unmasked,
        tier=tier,
        tier_label=labels.label_of(CustomerTier, tier),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        recorded_at_local=local_time(row.recorded_at),
        customer_id=row.customer_id,
        linked_by=row.linked_by,
        linked_at=row.linked_at,
    )
