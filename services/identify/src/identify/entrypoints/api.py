"""REST API (FastAPI). Thin: parse, authorize, call a handler or a view, shape the answer."""

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, Response, status
from pydantic import TypeAdapter

from branchflow_contracts import Channel, CustomerTier, HandlingOutcome, IdentificationReason, VisitPurpose
from branchflow_runtime import access
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.auth.fastapi import (
    check_action,
    check_read,
    current_staff,
    missing_or_out_of_reach,
    require_permission,
    require_reading,
)
from branchflow_runtime.http_errors import service_router
from branchflow_runtime.i18n import N_, label
from branchflow_runtime.privacy import (
    BRANCH_ZONE,
    local_time,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
)
from identify import handlers, labels, views
from identify.domain.facts import CustomerFacts
from identify.domain.guidance import guide
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding
from identify.entrypoints.disclosure import sees_customer_name_on_lists, sees_staff_counts
from identify.entrypoints.refusals import ChannelNotForRole
from identify.entrypoints.schemas import (
    MAX_BATCH,
    BranchId,
    CustomerId,
    FactsIn,
    FactsUpsertOut,
    GuidanceOut,
    IdentificationCountsOut,
    IdentificationOut,
    LabelledGuidance,
    LobbyIdentificationOut,
    ObservationIn,
    RatingOut,
    StaffCountOut,
    signals_to_domain,
)

router = service_router()
_ = labels.CATALOGUE.gettext
# A calendar day in the branch's zone. Bounded: the first and last days a datetime can hold
# cannot be turned into a UTC interval (found by the API fuzz test).
BranchDay = Annotated[
    date | None,
    Query(
        ge=date(2000, 1, 1), le=date(2999, 12, 31), description="YYYY-MM-DD in Asia/Shanghai; default today"
    ),
]
_LOBBY_ROWS = TypeAdapter(list[LobbyIdentificationOut])
_FULL_ROWS = TypeAdapter(list[IdentificationOut])

# Who may read and do what is the platform's access policy (branchflow_runtime.access); what is
# identify's own: which channel each observing role records on.
OBSERVATION_CHANNELS = {
    Role.LOBBY_MANAGER: {Channel.BRANCH},
    Role.TELLER: {Channel.BRANCH},
    Role.WEALTH_MANAGER: {Channel.BRANCH, Channel.EBANKING, Channel.EXTERNAL},
    Role.MARKETING_MANAGER: {Channel.EXTERNAL},
}


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
    staff: Staff = Depends(require_permission(Action.RECORD_OBSERVATION)),
) -> GuidanceOut:
    check_channel(staff, body.channel)
    c = _container(request)
    identification = await c.observations.submit(
        handlers.RecordObservation(
            customer_id=body.customer_id,
            branch_id=staff.branch_id,
            channel=body.channel,
            signals=signals_to_domain(body.signals, c.rates),
            observed_by=staff.staff_id,
            purpose=body.purpose,
            observer_role=str(staff.role),
            has_time=body.customer_has_time,
        )
    )
    return GuidanceOut(
        identification_id=identification.identification_id,
        customer_id=identification.customer_id,
        guidance=LabelledGuidance.of(identification.guidance),
        identified_at=identification.identified_at,
    )


def check_channel(staff: Staff, channel: Channel) -> None:
    allowed = OBSERVATION_CHANNELS[staff.role]
    if channel not in allowed:
        raise ChannelNotForRole(channel=str(channel), role=str(staff.role), allowed=sorted(map(str, allowed)))


@router.put(
    "/customers/{customer_id}/facts",
    response_model=FactsUpsertOut,
    summary="Create or replace a customer's facts; the customer is re-rated",
)
async def upsert_facts(
    customer_id: CustomerId,
    body: FactsIn,
    request: Request,
    staff: Staff = Depends(require_permission(Action.WRITE_FACTS)),
) -> FactsUpsertOut:
    check_action(staff, Action.WRITE_FACTS, branch_id=body.branch_id)
    c = _container(request)
    async with c.engine.connect() as conn:
        existing = await views.customer(conn, customer_id)
    if existing is not None:
        check_action(staff, Action.WRITE_FACTS, branch_id=existing.branch_id)
    facts = CustomerFacts(customer_id=customer_id, **body.model_dump())
    rerating = await handlers.upsert_facts(
        handlers.UpsertFacts(facts=facts, changed_by=staff.staff_id), c.unit_of_work(), c.rules
    )
    rating = await _rating(request, customer_id, staff)
    return FactsUpsertOut(rating=rating, tier_changed=rerating is not None)


@router.get(
    "/customers/{customer_id}/facts",
    summary="A customer's facts, personal data masked unless yours",
)
async def get_facts(
    customer_id: CustomerId,
    request: Request,
    staff: Staff = Depends(require_reading(Data.FACTS, Data.AMOUNTS, Data.PERSONAL_DATA)),
) -> dict:
    async with _container(request).engine.connect() as conn:
        row = await views.customer(conn, customer_id)
    if row is None:
        raise missing_or_out_of_reach(
            staff, Data.FACTS, _("customer {customer_id}").format(customer_id=customer_id)
        )
    check_read(staff, Data.FACTS, branch_id=row.branch_id)
    personal = dict(row.personal_data)
    masked = not access.may_unmask(staff, branch_id=row.branch_id, owner_id=row.wealth_manager_id)
    if masked:
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
        "facts_labels": _facts_labels(row.facts),
        "personal_data": personal,
        "personal_data_masked": masked,
    }


_CODED_FACTS = {"occupation": Occupation, "social_standing": SocialStanding, "address_area": AddressArea}


def _facts_labels(facts: dict) -> dict[str, str]:
    """The labels of the facts that are codes (occupation, social standing, address area)."""
    return {
        name: labels.label_of(code, facts[name]) for name, code in _CODED_FACTS.items() if facts.get(name)
    }


@router.get(
    "/customers/{customer_id}/rating",
    response_model=RatingOut,
    summary="The customer's current rating with its explanation",
)
async def get_rating(
    customer_id: CustomerId,
    request: Request,
    staff: Staff = Depends(require_reading(*access.RATING)),
) -> RatingOut:
    return await _rating(request, customer_id, staff)


@router.get(
    "/ratings",
    response_model=list[RatingOut],
    summary="Batch read: the ratings of several customers (for the gateway's DataLoaders)",
    description=(
        f"1 to {MAX_BATCH} customer ids. Customers without a rating are absent from the answer; so "
        "are customers of other branches when the caller is bound to a branch (no 403: a batch "
        "mixes ids). Answered in the order asked, each customer once."
    ),
)
async def get_ratings(
    request: Request,
    customer_ids: list[CustomerId] = Query(
        min_length=1, max_length=MAX_BATCH, description="repeat the parameter: ?customer_ids=A&customer_ids=B"
    ),
    staff: Staff = Depends(require_reading(*access.RATING)),
) -> list[RatingOut]:
    async with _container(request).engine.connect() as conn:
        rows = await views.ratings_with_customers(conn, customer_ids)
    visible = _visible_in_order(rows, "customer_id", customer_ids, staff, Data.TIER)
    return [_rating_out(row) for row in visible]


async def _rating(request: Request, customer_id: str, staff: Staff) -> RatingOut:
    async with _container(request).engine.connect() as conn:
        row = await views.rating_with_customer(conn, customer_id)
    if row is None:
        what = _("rating of customer {customer_id}").format(customer_id=customer_id)
        raise missing_or_out_of_reach(staff, Data.TIER, what)
    check_read(staff, Data.TIER, branch_id=row.branch_id)
    return _rating_out(row)


def _rating_out(row) -> RatingOut:
    """The stored rating, its explanation worded in the caller's language."""
    explanation = labels.explanation(row.explanation)
    return RatingOut(
        customer_id=row.customer_id,
        branch_id=row.branch_id,
        tier=row.tier,
        tier_label=labels.label_of(CustomerTier, row.tier),
        score=row.score,
        explanation=explanation,
        decided_by=labels.decided_by(explanation, row.decided_by),
        rules_version=row.rules_version,
        rated_at=row.rated_at,
        guidance=LabelledGuidance.of(guide(CustomerTier(row.tier))),
    )


@router.get(
    "/branches/{branch_id}/identifications",
    summary="A branch's identifications of a day (branch time); guidance only for lobby and counter",
    # documented, not re-validated: the rows are built as these models already, and checking
    # a list against a union of list types was the endpoint's largest cost
    response_model=None,
    responses={200: {"model": list[IdentificationOut] | list[LobbyIdentificationOut]}},
)
async def list_identifications(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    limit: int = Query(default=500, ge=1, le=5000),
    include_prospects: bool = Query(
        default=False, description="also walk-in prospects without a customer id (their customer_id is null)"
    ),
    staff: Staff = Depends(current_staff),
):
    check_read(staff, Data.IDENTIFICATION, branch_id=branch_id)
    day = day or datetime.now(BRANCH_ZONE).date()
    async with _container(request).engine.connect() as conn:
        rows = await views.identifications_for_day(
            conn, branch_id, day, limit, include_prospects=include_prospects
        )
    if _guidance_only(staff):
        return lobby_rows_response([lobby_row(r, staff) for r in rows])
    return Response(_FULL_ROWS.dump_json([_full_row(r, staff) for r in rows]), media_type="application/json")


@router.get(
    "/identifications/{identification_id}",
    response_model=IdentificationOut,
    summary="One identification, with the trace id of the request that made it",
)
async def get_identification(
    identification_id: uuid.UUID,
    request: Request,
    staff: Staff = Depends(require_reading(Data.IDENTIFICATION)),
) -> IdentificationOut:
    async with _container(request).engine.connect() as conn:
        row = await views.identification(conn, str(identification_id))
    if row is None:
        what = _("identification {identification_id}").format(identification_id=identification_id)
        raise missing_or_out_of_reach(staff, Data.IDENTIFICATION, what)
    check_read(staff, Data.IDENTIFICATION, branch_id=row.branch_id)
    if _guidance_only(staff):
        raise HTTPException(status.HTTP_403_FORBIDDEN, _(LISTS_ONLY))
    return _full_row(row, staff)


@router.get(
    "/identifications",
    response_model=list[IdentificationOut],
    summary="Batch read: several identifications by id (for the gateway's DataLoaders)",
    description=(
        f"1 to {MAX_BATCH} identification ids (UUIDs). Ids that do not exist are absent from the "
        "answer; so are identifications of other branches when the caller is bound to a branch "
        "(no 403: a batch mixes ids). Answered in the order asked, each id once."
    ),
)
async def get_identifications(
    request: Request,
    ids: list[uuid.UUID] = Query(
        min_length=1, max_length=MAX_BATCH, description="repeat the parameter: ?ids=<uuid>&ids=<uuid>"
    ),
    staff: Staff = Depends(require_reading(Data.IDENTIFICATION)),
) -> list[IdentificationOut]:
    if _guidance_only(staff):
        raise HTTPException(status.HTTP_403_FORBIDDEN, _(LISTS_ONLY))
    asked = [str(i) for i in ids]
    async with _container(request).engine.connect() as conn:
        rows = await views.identifications_by_ids(conn, asked)
    visible = _visible_in_order(rows, "identification_id", asked, staff, Data.IDENTIFICATION)
    return [_full_row(row, staff) for row in visible]


def _visible_in_order(rows, key: str, asked: list[str], staff: Staff, data: Data) -> list:
    """``rows`` in the order of ``asked`` (each once), without those ``staff`` may not read: a
    batch drops what single reads would refuse with 403."""
    by_key = {
        str(getattr(row, key)): row for row in rows if access.may_read(staff, data, branch_id=row.branch_id)
    }
    return [by_key[k] for k in dict.fromkeys(asked) if k in by_key]


LISTS_ONLY = N_("lobby and counter read identifications in their list")


def _guidance_only(staff: Staff) -> bool:
    """Lobby and counter: guidance, never a tier, a score or an amount (their rows are another
    shape, without those fields at all)."""
    readable = access.readable(staff.role)
    return Data.GUIDANCE in readable and Data.TIER not in readable


@router.get(
    "/branches/{branch_id}/identification-counts",
    response_model=IdentificationCountsOut,
    summary="How many identifications a branch made on a day (branch time), by tier and channel",
)
async def get_branch_identification_counts(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    staff: Staff = Depends(require_reading(Data.COUNTS)),
) -> IdentificationCountsOut:
    check_read(staff, Data.COUNTS, branch_id=branch_id)
    day = day or datetime.now(BRANCH_ZONE).date()
    async with _container(request).engine.connect() as conn:
        rows = await views.identification_counts(conn, day, branch_id)
    return _counts(rows, day, staff).get(branch_id) or _counts_out(branch_id, day, staff)


@router.get(
    "/identification-counts",
    response_model=list[IdentificationCountsOut],
    summary="Every branch's counts of identifications of a day (branch time), ordered by branch",
    description="Only branches with at least one identification that day are listed.",
)
async def get_identification_counts(
    request: Request,
    day: BranchDay = None,
    staff: Staff = Depends(require_reading(Data.COUNTS)),
) -> list[IdentificationCountsOut]:
    if not access.reaches_every_branch(staff, Data.COUNTS):
        raise HTTPException(status.HTTP_403_FORBIDDEN, _("only head office reads every branch's counts"))
    day = day or datetime.now(BRANCH_ZONE).date()
    async with _container(request).engine.connect() as conn:
        rows = await views.identification_counts(conn, day)
    return list(_counts(rows, day, staff).values())


def _counts_out(branch_id: str, day: date, staff: Staff) -> IdentificationCountsOut:
    return IdentificationCountsOut(
        branch_id=branch_id,
        day=day,
        total=0,
        by_tier=dict.fromkeys(CustomerTier, 0),
        by_channel=dict.fromkeys(Channel, 0),
        by_staff=[] if sees_staff_counts(staff) else None,
        tier_labels={tier: label(tier) for tier in CustomerTier},
        channel_labels={channel: label(channel) for channel in Channel},
    )


def _counts(rows, day: date, staff: Staff) -> dict[str, IdentificationCountsOut]:
    """The rows of ``views.identification_counts`` (ordered by branch, then staff) as one answer
    per branch; per-staff figures only for those who appraise staff. A visitor's tier belongs to
    their home branch: counted as ``visiting``."""
    out: dict[str, IdentificationCountsOut] = {}
    for row in rows:
        counts = out.get(row.branch_id)
        if counts is None:
            counts = out[row.branch_id] = _counts_out(row.branch_id, day, staff)
        if row.dimension == "channel":
            counts.by_channel[Channel(row.key)] = row.n
            counts.total += row.n
        elif row.dimension == "tier" and row.key == views.VISITING:
            counts.visiting = row.n
        elif row.dimension == "tier":
            counts.by_tier[CustomerTier(row.key)] = row.n
        elif counts.by_staff is not None:
            if not counts.by_staff or counts.by_staff[-1].staff_id != row.staff_id:
                counts.by_staff.append(
                    StaffCountOut(
                        staff_id=row.staff_id,
                        role=row.role,
                        role_label=labels.label_of(Role, row.role),
                        customers=0,
                        by_tier=dict.fromkeys(CustomerTier, 0),
                    )
                )
            staff_counts = counts.by_staff[-1]
            if row.key == views.VISITING:
                staff_counts.visiting = row.n
            else:
                staff_counts.by_tier[CustomerTier(row.key)] = row.n
            staff_counts.customers += row.n
    return out


def lobby_row(row, staff: Staff) -> LobbyIdentificationOut:
    """A row of the lobby or counter list: guidance, never a tier or an amount; the name masked
    unless the caller may see it (``disclosure``)."""
    guidance = LabelledGuidance.of(row.guidance)
    name = row.customer_name or row.prospect_name
    home = row.customer_branch_id or row.branch_id
    unmasked = name is not None and sees_customer_name_on_lists(staff, home, row.wealth_manager_id)
    return LobbyIdentificationOut(
        identification_id=str(row.identification_id),
        customer_id=row.customer_id,
        prospect_id=None if row.prospect_id is None else str(row.prospect_id),
        name=name if unmasked else mask_name(name),
        name_masked=not unmasked,
        channel=row.channel,
        channel_label=labels.label_of(Channel, row.channel),
        purpose=row.purpose,
        purpose_label=labels.label_of(VisitPurpose, row.purpose),
        observed_by=row.identified_by,
        observer_role=row.observer_role,
        observer_role_label=labels.label_of(Role, row.observer_role),
        guidance=guidance,
        call_wealth_manager=guidance.call_wealth_manager,
        handling=row.handling,
        handling_label=labels.label_of(HandlingOutcome, row.handling),
        handled_by=row.handled_by,
        handled_at=row.handled_at,
        identified_at=row.identified_at,
        identified_at_local=local_time(row.identified_at),
    )


def lobby_rows_response(rows: list[LobbyIdentificationOut]) -> Response:
    return Response(_LOBBY_ROWS.dump_json(rows), media_type="application/json")


def _full_row(row, staff: Staff) -> IdentificationOut:
    """An identification with what ``staff`` may read of it: the tier and score belong to the
    customer's home branch, the guidance and the trace to the branch where it happened."""
    home = row.customer_branch_id or row.branch_id

    def shown(data: Data, value, branch_id: str):
        return value if access.may_read(staff, data, branch_id=branch_id) else None

    tier, previous_tier = shown(Data.TIER, row.tier, home), shown(Data.TIER, row.previous_tier, home)
    guidance = shown(Data.GUIDANCE, row.guidance, row.branch_id)
    return IdentificationOut(
        identification_id=str(row.identification_id),
        customer_id=row.customer_id,
        prospect_id=None if row.prospect_id is None else str(row.prospect_id),
        branch_id=row.branch_id,
        customer_branch_id=home,
        visiting=home != row.branch_id,
        channel=row.channel,
        channel_label=labels.label_of(Channel, row.channel),
        tier=tier,
        tier_label=labels.label_of(CustomerTier, tier),
        previous_tier=previous_tier,
        previous_tier_label=labels.label_of(CustomerTier, previous_tier),
        score=shown(Data.SCORE, row.score, home),
        guidance=None if guidance is None else LabelledGuidance.of(guidance),
        reason=row.reason,
        reason_label=labels.label_of(IdentificationReason, row.reason),
        purpose=row.purpose,
        purpose_label=labels.label_of(VisitPurpose, row.purpose),
        identified_by=row.identified_by,
        observer_role=row.observer_role,
        observer_role_label=labels.label_of(Role, row.observer_role),
        handling=row.handling,
        handling_label=labels.label_of(HandlingOutcome, row.handling),
        identified_at=row.identified_at,
        identified_at_local=local_time(row.identified_at),
        trace_id=shown(Data.TRACE, row.trace_id, row.branch_id),
    )
