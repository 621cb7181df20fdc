"""Targeted marketing: introductions, field visits, seminars and salons; a person handed over to
a wealth manager; the introducer thanked."""

from dataclasses import dataclass
from datetime import date, datetime

from branchflow_runtime.auth import Staff
from referral import access
from referral.domain.marketing import ActivityKind, MarketingActivity
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import Refusal, Refused
from referral.handlers.shared import Person, admit, open_entry, subject_of
from referral.unit_of_work import UnitOfWork


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
                introduced=[await subject_of(uow, p) for p in cmd.introduced],
                **common,
            )
        elif cmd.kind is ActivityKind.FIELD_VISIT:
            activity = MarketingActivity.field_visit(
                place=cmd.place, met=[await subject_of(uow, p) for p in cmd.met], **common
            )
        else:
            attendees = [
                (await subject_of(uow, attendee), [await subject_of(uow, f) for f in friends])
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
        if await admit(uow, referral) is not None:
            raise Refused(Refusal.REFERRAL_ID_TAKEN, referral_id=referral.referral_id)
        referral.copy_to_register(by=cmd.staff.staff_id, at=cmd.at)
        await open_entry(uow, referral, cmd.at)
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
