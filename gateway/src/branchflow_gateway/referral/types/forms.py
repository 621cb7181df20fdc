"""A referral form and whom it is about; the forms other types link to load through this
request's DataLoaders (``load_referral``, ``load_referrals``)."""

from datetime import date, datetime

import strawberry

from branchflow_contracts import ContactWay, ReferralSource, ReferralStatus
from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.codes import (
    ContactWayType,
    ReferralResult,
    ReferralSourceType,
    ReferralStatusType,
    result_as_seen,
)
from branchflow_gateway.referral.types.shared import at_or_none, id_or_none, local_or_none
from branchflow_runtime.auth import Role


@strawberry.type(
    description="Whom a form is about: an existing customer, or a walk-in prospect (name and phone "
    "masked unless you filed the form, it names you, or the entry is yours)."
)
class Person:
    customer_id: str | None
    prospect_id: str | None = strawberry.field(description="P + 12 hex digits, one per phone number")
    name: str | None
    phone: str | None
    personal_data_masked: bool

    @classmethod
    def from_json(cls, data: dict) -> "Person":
        return cls(
            customer_id=data.get("customer_id"),
            prospect_id=data.get("prospect_id"),
            name=data.get("name"),
            phone=data.get("phone"),
            personal_data_masked=data["personal_data_masked"],
        )


@strawberry.type(description="A referral form (优质客户推介表).")
class Referral:
    referral_id: strawberry.ID
    branch_id: str
    business_day: date = strawberry.field(description="the branch's day it was filed on (Asia/Shanghai)")
    person: Person
    referred_by: str
    referrer_role: str
    referrer_role_label: str = label_field("referrer_role", Role)
    source: ReferralSourceType
    source_label: str = label_field("source", ReferralSource)
    filed_as: ReferralStatusType
    filed_as_label: str = label_field("filed_as", ReferralStatus)
    status: ReferralStatusType
    status_label: str = label_field("status", ReferralStatus)
    wealth_manager_id: str
    referred_at: datetime
    referred_at_local: str
    identification_id: strawberry.ID | None = strawberry.field(description="the lobby identification, if any")
    suggestion_id: strawberry.ID | None
    activity_id: strawberry.ID | None = strawberry.field(description="the marketing activity it came from")
    contact_at: datetime | None = strawberry.field(description="pending: the agreed contact time")
    contact_at_local: str | None
    contact_way: ContactWayType | None
    contact_way_label: str | None = label_field("contact_way", ContactWay, optional=True)
    note: str | None
    met: bool | None = strawberry.field(description="confirmed: whether the wealth manager met the customer")
    result: ReferralResult | None  # a ResultAsSeen where the role may not read tiers (result_as_seen)
    result_label: str | None = label_field("result", ReferralResult, optional=True)
    closed_by: str | None
    closed_at: datetime | None
    closed_at_local: str | None
    entry_id: strawberry.ID | None = strawberry.field(description="the follow-up entry it opened, if any")
    withdrawal_reason: str | None

    @classmethod
    def from_json(cls, data: dict, role: Role) -> "Referral":
        way = data.get("contact_way")
        return cls(
            referral_id=strawberry.ID(data["referral_id"]),
            branch_id=data["branch_id"],
            business_day=date.fromisoformat(str(data["business_day"])),
            person=Person.from_json(data["person"]),
            referred_by=data["referred_by"],
            referrer_role=data["referrer_role"],
            source=ReferralSource(data["source"]),
            filed_as=ReferralStatus(data["filed_as"]),
            status=ReferralStatus(data["status"]),
            wealth_manager_id=data["wealth_manager_id"],
            referred_at=datetime.fromisoformat(data["referred_at"]),
            referred_at_local=data["referred_at_local"],
            identification_id=id_or_none(data.get("identification_id")),
            suggestion_id=id_or_none(data.get("suggestion_id")),
            activity_id=id_or_none(data.get("activity_id")),
            contact_at=at_or_none(data.get("contact_at")),
            contact_at_local=local_or_none(data.get("contact_at")),
            contact_way=None if way is None else ContactWay(way),
            note=data.get("note"),
            met=data.get("met"),
            result=result_as_seen(data.get("result"), role),
            closed_by=data.get("closed_by"),
            closed_at=at_or_none(data.get("closed_at")),
            closed_at_local=local_or_none(data.get("closed_at")),
            entry_id=id_or_none(data.get("entry_id")),
            withdrawal_reason=data.get("withdrawal_reason"),
        )


async def load_referral(info: strawberry.Info, referral_id: str | None) -> Referral | None:
    if referral_id is None:
        return None
    data = await info.context.referral.loaders.referrals.load(str(referral_id))
    return Referral.from_json(data, info.context.staff.role)


async def load_referrals(info: strawberry.Info, referral_ids: list[str]) -> list[Referral]:
    """In one batch with every other form this request loads."""
    rows = await info.context.referral.loaders.referrals.load_many([str(i) for i in referral_ids])
    return [Referral.from_json(data, info.context.staff.role) for data in rows]
