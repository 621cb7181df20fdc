"""The lobby's and the counter's own views (guidance only, never a tier or an amount): the
tellers' list of today's counter observations, what became of a guidance (handling), and the
second diversion (二次分流) of people already queuing."""

import uuid
from collections import Counter
from datetime import datetime

from fastapi import Depends, Query, Request, status

from branchflow_contracts import Guidance, GuidanceAction, VisitPurpose
from branchflow_runtime import access
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.auth.fastapi import (
    check_read,
    missing_or_out_of_reach,
    require_permission,
    require_reading,
)
from branchflow_runtime.http_errors import service_router
from branchflow_runtime.privacy import BRANCH_ZONE, local_time
from identify import handlers, labels, views
from identify.entrypoints.api import BranchDay, lobby_row, lobby_rows_response
from identify.entrypoints.schemas import (
    BranchId,
    HandlingIn,
    LabelledGuidance,
    LobbyIdentificationOut,
    QueueCheckIn,
    QueueCheckOut,
    QueueChecksOut,
)

# Who may is the access policy's: the lists are guidance (Data.GUIDANCE); handling a guidance and
# asking the queue are part of recording a visit (Action.RECORD_OBSERVATION) — every post that
# serves customers diverts them (seed p. 38: 理财中心各岗位人员应该坚持长期对普通客户的分流工作).
router = service_router(tags=["lobby and counter"])
_COUNTERS = frozenset({GuidanceAction.CASH_COUNTER, GuidanceAction.NON_CASH_COUNTER})


def _container(request: Request):
    return request.app.state.container


@router.get(
    "/branches/{branch_id}/counter-observations",
    response_model=list[LobbyIdentificationOut],
    summary="The tellers' list: a day's counter observations (branch time), guidance only",
)
async def counter_observations(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    mine: bool = Query(default=False, description="only the caller's own observations"),
    limit: int = Query(default=500, ge=1, le=5000),
    staff: Staff = Depends(require_reading(Data.GUIDANCE)),
):
    check_read(staff, Data.GUIDANCE, branch_id=branch_id)
    day = day or datetime.now(BRANCH_ZONE).date()
    async with _container(request).engine.connect() as conn:
        rows = await views.identifications_for_day(
            conn,
            branch_id,
            day,
            limit,
            observer_role=str(Role.TELLER),
            observed_by=staff.staff_id if mine else None,
        )
    return lobby_rows_response([lobby_row(r, staff) for r in rows])


@router.put(
    "/identifications/{identification_id}/handling",
    response_model=LobbyIdentificationOut,
    summary="Record what became of a guidance: referred, guided, or the customer left",
)
async def record_handling(
    identification_id: uuid.UUID,
    body: HandlingIn,
    request: Request,
    staff: Staff = Depends(require_permission(Action.RECORD_OBSERVATION)),
) -> LobbyIdentificationOut:
    c = _container(request)

    def may_handle(branch_id: str) -> bool:
        return access.may_do(staff, Action.RECORD_OBSERVATION, branch_id=branch_id)

    row = await handlers.record_handling(
        str(identification_id), body.outcome, staff.staff_id, c.unit_of_work(), may_handle
    )
    if row is None:
        what = labels.CATALOGUE.gettext("identification {identification_id}")
        raise missing_or_out_of_reach(
            staff, Data.IDENTIFICATION, what.format(identification_id=identification_id)
        )
    async with c.engine.connect() as conn:
        return lobby_row(await views.identification_with_names(conn, str(identification_id)), staff)


@router.post(
    "/queue-checks",
    status_code=status.HTTP_201_CREATED,
    response_model=QueueCheckOut,
    summary="Second diversion: someone already queuing said what they came for; get the guidance",
)
async def check_queue(
    body: QueueCheckIn,
    request: Request,
    staff: Staff = Depends(require_permission(Action.RECORD_OBSERVATION)),
) -> QueueCheckOut:
    c = _container(request)
    cmd = handlers.CheckQueue(staff.branch_id, body.purpose, staff.staff_id, body.ticket, body.customer_id)
    return _check_out(await handlers.check_queue(cmd, c.unit_of_work()))


@router.get(
    "/branches/{branch_id}/queue-checks",
    response_model=QueueChecksOut,
    summary="A day's second diversion (branch time): who was asked in the queue and where they went",
)
async def queue_checks(
    branch_id: BranchId,
    request: Request,
    day: BranchDay = None,
    limit: int = Query(default=500, ge=1, le=5000),
    staff: Staff = Depends(require_reading(Data.GUIDANCE)),
) -> QueueChecksOut:
    check_read(staff, Data.GUIDANCE, branch_id=branch_id)
    day = day or datetime.now(BRANCH_ZONE).date()
    async with _container(request).engine.connect() as conn:
        rows = await views.queue_checks_for_day(conn, branch_id, day, limit)
    checks = [_check_out(r) for r in rows]
    moved = Counter(c.guidance.action for c in checks if c.moved)
    return QueueChecksOut(
        branch_id=branch_id,
        day=day,
        asked=len(checks),
        moved=dict(moved),
        action_labels={action: labels.label_of(GuidanceAction, action) for action in moved},
        kept_ticket=sum(1 for c in checks if not c.moved),
        checks=checks,
    )


def _check_out(row) -> QueueCheckOut:
    guidance = Guidance.model_validate(row.guidance)
    return QueueCheckOut(
        check_id=str(row.check_id),
        ticket=row.ticket,
        customer_id=row.customer_id,
        purpose=row.purpose,
        purpose_label=labels.label_of(VisitPurpose, row.purpose),
        guidance=LabelledGuidance.of(guidance),
        moved=guidance.action not in _COUNTERS,  # the rest keep their ticket
        checked_by=row.checked_by,
        checked_at=row.checked_at,
        checked_at_local=local_time(row.checked_at),
    )
