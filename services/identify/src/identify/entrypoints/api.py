"""REST API (FastAPI). Thin: parse, authorize, call a handler or a view, shape the answer."""

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from branchflow_contracts import Channel, CustomerTier, Guidance
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.auth.fastapi import check_branch, current_staff, require_role
from branchflow_runtime.privacy import (
    BRANCH_ZONE,
    local_time,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
)
from identify import handlers, views
from identify.domain.facts import CustomerFacts
from identify.domain.guidance import guide
from identify.entrypoints.schemas import (
    CustomerId,
    FactsIn,
    FactsUpsertOut,
    GuidanceOut,
    IdentificationOut,
    LobbyIdentificationOut,
    ObservationIn,
    RatingOut,
)

router = APIRouter()

# Who may see tiers, scores and amounts. Lobby managers and tellers never do.
RATING_READERS = (
    Role.WEALTH_MANAGER,
    Role.MARKETING_MANAGER,
    Role.SERVICE_QUALITY_OFFICER,
    Role.DEPUTY_BRANCH_HEAD,
    Role.BRANCH_HEAD,
    Role.HEAD_OFFICE,
    Role.OPS,
)
FACT_WRITERS = (
    Role.WEALTH_MANAGER,
    Role.MARKETING_MANAGER,
    Role.DEPUTY_BRANCH_HEAD,
    Role.BRANCH_HEAD,
    Role.HEAD_OFFICE,
)
# Which channel each observing role may record on.
OBSERVATION_CHANNELS = {
    Role.LOBBY_MANAGER: {Channel.BRANCH},
    Role.TELLER: {Channel.BRANCH},
    Role.WEALTH_MANAGER: {Channel.BRANCH, Channel.EBANKING, Channel.EXTERNAL},
    Role.MARKETING_MANAGER: {Channel.EXTERNAL},
}
GUIDANCE_ONLY_ROLES = frozenset({Role.LOBBY_MANAGER, Role.TELLER})


def _container(request: Request):
    return request.app.state.container


@router.post(
    "/observations",
    status_code=status.HTTP_201_CREATED,
    response_model=GuidanceOut,
    summary="Record what was observed of a customer; get the guidance",
)
async def record_observation(
    body: ObservationIn,
    request: Request,
    staff: Staff = Depends(require_role(*OBSERVATION_CHANNELS)),
) -> GuidanceOut:
    if body.channel not in OBSERVATION_CHANNELS[staff.role]:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            f"channel {body.channel} is not for role {staff.role}; "
            f"use {', '.join(sorted(OBSERVATION_CHANNELS[staff.role]))}",
        )
    identification = await _container(request).observations.submit(
        handlers.RecordObservation(
            customer_id=body.customer_id,
            branch_id=staff.branch_id,
            channel=body.channel,
            signals=tuple(s.to_domain() for s in body.signals),
            observed_by=staff.staff_id,
            purpose=body.purpose,
        )
    )
    return GuidanceOut(
        identification_id=identification.identification_id,
        customer_id=identification.customer_id,
        guidance=identification.guidance,
        identified_at=identification.identified_at,
    )


@router.put(
    "/customers/{customer_id}/facts",
    response_model=FactsUpsertOut,
    summary="Create or replace a customer's facts; the customer is re-rated",
)
async def upsert_facts(
    customer_id: CustomerId,
    body: FactsIn,
    request: Request,
    staff: Staff = Depends(require_role(*FACT_WRITERS)),
) -> FactsUpsertOut:
    check_branch(staff, body.branch_id)
    c = _container(request)
    async with c.sessions() as session:
        existing = await views.customer(session, customer_id)
    if existing is not None:
        check_branch(staff, existing.branch_id)
    facts = CustomerFacts(customer_id=customer_id, **body.model_dump())
    identification = await handlers.upsert_facts(
        handlers.UpsertFacts(facts=facts, changed_by=staff.staff_id), c.unit_of_work(), c.rules
    )
    rating = await _rating(request, customer_id, staff)
    return FactsUpsertOut(rating=rating, tier_changed=identification is not None)


@router.get(
    "/customers/{customer_id}/facts",
    summary="A customer's facts, personal data masked unless yours",
)
async def get_facts(
    customer_id: CustomerId,
    request: Request,
    staff: Staff = Depends(require_role(*RATING_READERS)),
) -> dict:
    async with _container(request).sessions() as session:
        row = await views.customer(session, customer_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no customer {customer_id}")
    check_branch(staff, row.branch_id)
    personal = dict(row.personal_data)
    if row.wealth_manager_id != staff.staff_id:
        personal = {
            "name": mask_name(personal.get("name")),
            "id_number": mask_id_number(personal.get("id_number")),
            "phone": mask_phone(personal.get("phone")),
            "address": mask_address(personal.get("address")),
        }
    return {
        "customer_id": row.customer_id,
        "branch_id": row.branch_id,
        "wealth_manager_id": row.wealth_manager_id,
        "facts": row.facts,
        "personal_data": personal,
        "personal_data_masked": row.wealth_manager_id != staff.staff_id,
    }


@router.get(
    "/customers/{customer_id}/rating",
    response_model=RatingOut,
    summary="The customer's current rating with its explanation",
)
async def get_rating(
    customer_id: CustomerId,
    request: Request,
    staff: Staff = Depends(require_role(*RATING_READERS)),
) -> RatingOut:
    return await _rating(request, customer_id, staff)


async def _rating(request: Request, customer_id: str, staff: Staff) -> RatingOut:
    async with _container(request).sessions() as session:
        row = await views.rating_with_customer(session, customer_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"customer {customer_id} has no rating")
    check_branch(staff, row.branch_id)
    return RatingOut(
        customer_id=row.customer_id,
        branch_id=row.branch_id,
        tier=row.tier,
        score=row.score,
        explanation=row.explanation,
        decided_by=row.decided_by,
        rules_version=row.rules_version,
        rated_at=row.rated_at,
        guidance=guide(CustomerTier(row.tier)),
    )


@router.get(
    "/branches/{branch_id}/identifications",
    summary="A branch's identifications of a day (branch time); guidance only for lobby and counter",
    response_model=list[IdentificationOut] | list[LobbyIdentificationOut],
)
async def list_identifications(
    branch_id: str,
    request: Request,
    day: date | None = Query(default=None, description="YYYY-MM-DD in Asia/Shanghai; default today"),
    limit: int = Query(default=500, ge=1, le=5000),
    staff: Staff = Depends(current_staff),
):
    check_branch(staff, branch_id)
    day = day or datetime.now(BRANCH_ZONE).date()
    async with _container(request).sessions() as session:
        rows = await views.identifications_for_day(session, branch_id, day, limit)
    if staff.role in GUIDANCE_ONLY_ROLES:
        return [_lobby_row(r) for r in rows]
    if staff.role not in RATING_READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {staff.role} may not list identifications")
    return [_full_row(r) for r in rows]


@router.get(
    "/identifications/{identification_id}",
    response_model=IdentificationOut,
    summary="One identification, with the trace id of the request that made it",
)
async def get_identification(
    identification_id: uuid.UUID,
    request: Request,
    staff: Staff = Depends(require_role(*RATING_READERS)),
) -> IdentificationOut:
    async with _container(request).sessions() as session:
        row = await views.identification(session, str(identification_id))
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no identification {identification_id}")
    check_branch(staff, row.branch_id)
    return _full_row(row)


def _lobby_row(row) -> LobbyIdentificationOut:
    guidance = Guidance.model_validate(row.guidance)
    return LobbyIdentificationOut(
        identification_id=str(row.identification_id),
        customer_id=row.customer_id,
        channel=row.channel,
        guidance=guidance,
        call_wealth_manager=guidance.call_wealth_manager,
        identified_at=row.identified_at,
        identified_at_local=local_time(row.identified_at),
    )


def _full_row(row) -> IdentificationOut:
    return IdentificationOut(
        identification_id=str(row.identification_id),
        customer_id=row.customer_id,
        branch_id=row.branch_id,
        channel=row.channel,
        tier=row.tier,
        previous_tier=row.previous_tier,
        score=row.score,
        guidance=row.guidance,
        reason=row.reason,
        identified_by=row.identified_by,
        identified_at=row.identified_at,
        identified_at_local=local_time(row.identified_at),
        trace_id=row.trace_id,
    )
