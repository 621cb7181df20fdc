"""Targeted marketing: introductions, field visits, seminars and salons; a person handed over to
a wealth manager; the introducer thanked."""

import uuid

from fastapi import Depends, Query, Request, status

from branchflow_runtime.auth import Staff
from branchflow_runtime.auth.fastapi import require_role
from branchflow_runtime.http_errors import service_router
from referral import access, handlers, views
from referral.domain.marketing import ActivityKind
from referral.domain.periods import Period, period_bounds
from referral.entrypoints.api.shared import (
    BranchDay,
    contact_of,
    container,
    now,
    one_referral,
    person_of,
    person_out,
    today,
)
from referral.entrypoints.schemas import (
    ActivityOut,
    BranchId,
    FieldVisitIn,
    HandoverIn,
    IntroductionIn,
    ParticipantOut,
    ReferralOut,
    SeminarIn,
    ThanksIn,
)

router = service_router()


async def _activity_out(request: Request, activity_id: str, staff: Staff) -> ActivityOut:
    async with container(request).engine.connect() as conn:
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
            person=person_out(p["customer_id"], p["prospect_id"], name, phone, sees=sees),
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
        handlers.RecordActivity(staff=staff, at=now(), **fields), container(request).unit_of_work()
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
        introduced=tuple(person_of(p, request) for p in body.introduced),
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
        met=tuple(person_of(p, request) for p in body.met),
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
            (person_of(a, request), tuple(person_of(f, request) for f in a.friends)) for a in body.attendees
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
    first, last = period_bounds(period, day or today())
    async with container(request).engine.connect() as conn:
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
            at=now(),
            activity_id=str(activity_id),
            person_id=str(person_id),
            wealth_manager_id=body.wealth_manager_id,
            contact=contact_of(body.contact),
            note=body.note,
            referral_id=None if body.referral_id is None else str(body.referral_id),
        ),
        container(request).unit_of_work(),
    )
    return await one_referral(request, referral.referral_id, staff)


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
    command = handlers.ThankIntroducer(staff, now(), str(activity_id), body.reward_due)
    await handlers.thank_introducer(command, container(request).unit_of_work())
    return await _activity_out(request, str(activity_id), staff)
