"""What the routes of several concerns share: the container, the clock, a person or a contact
as a request gives it, and the answers a form, a suggestion or a person is shaped into."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import HTTPException, Query, Request, status

from branchflow_runtime.auth import Staff
from branchflow_runtime.privacy import local_time, mask_name, mask_phone
from referral import access, views
from referral.domain import linking
from referral.domain.people import Prospect
from referral.domain.periods import BRANCH_ZONE
from referral.domain.referral import AgreedContact
from referral.entrypoints.schemas import ContactIn, Day, PersonIn, PersonOut, ReferralOut, SuggestionOut
from referral.labels import say

BranchDay = Annotated[Day | None, Query(description="YYYY-MM-DD in Asia/Shanghai; default today")]


def container(request: Request):
    return request.app.state.container


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(BRANCH_ZONE).date()


def person_of(value: PersonIn, request: Request) -> str | Prospect:
    if value.customer_id is not None:
        return value.customer_id
    key = container(request).settings.prospect_id_key.get_secret_value()
    return Prospect.of(value.prospect.name, value.prospect.phone, key=key)


def contact_of(value: ContactIn | None) -> AgreedContact | None:
    return None if value is None else AgreedContact(value.at, value.way)


# shaping answers


def person_out(customer_id, prospect_id, name, phone, *, sees: bool) -> PersonOut:
    masked = prospect_id is not None and not sees
    return PersonOut(
        customer_id=customer_id,
        prospect_id=prospect_id,
        name=mask_name(name) if masked else name,
        phone=mask_phone(phone) if masked else phone,
        personal_data_masked=masked,
    )


def withdrawal_reason(reason: str | None) -> str | None:
    """As the filer wrote it, or, for a form withdrawn when a walk-in was linked, why."""
    params = linking.duplicate_of(reason)
    return reason if params is None else say(linking.DUPLICATE_FORM_TEXT, params)


def referral_out(row, staff: Staff) -> ReferralOut:
    sees = access.sees_personal_data(
        staff, referred_by=row.referred_by, wealth_manager_id=row.wealth_manager_id
    )
    return ReferralOut(
        referral_id=str(row.referral_id),
        branch_id=row.branch_id,
        business_day=row.business_day,
        person=person_out(row.customer_id, row.prospect_id, row.prospect_name, row.prospect_phone, sees=sees),
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
        withdrawal_reason=withdrawal_reason(row.withdrawal_reason),
    )


def suggestion_out(row) -> SuggestionOut:
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


async def one_referral(request: Request, referral_id: str, staff: Staff) -> ReferralOut:
    async with container(request).engine.connect() as conn:
        rows = await views.referrals_by_ids(conn, [referral_id])
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no referral {referral_id}")
    return referral_out(rows[0], staff)
