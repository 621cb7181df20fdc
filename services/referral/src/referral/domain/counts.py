"""Referral counts per member of staff (优质客户推介统计表): by day, ISO week and month, for the
lobby manager's daily and weekly table and the branch head's monthly appraisal. One counting
rule for every period; the repository only selects the forms of the period."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from branchflow_contracts import MarketingResult, ReferralStatus, StaffReferralCounts


@dataclass(frozen=True)
class CountedForm:
    """What counting needs of a form."""

    staff_id: str
    role: str
    business_day: date
    filed_as: ReferralStatus
    status: ReferralStatus
    met: bool | None = None
    result: MarketingResult | None = None

    @classmethod
    def of(cls, referral) -> "CountedForm":
        return cls(
            staff_id=referral.referred_by,
            role=referral.referrer_role,
            business_day=referral.business_day,
            filed_as=referral.filed_as,
            status=referral.status,
            met=referral.met,
            result=referral.result,
        )


def count_by_staff(
    forms: Iterable[CountedForm], first_day: date | None = None, last_day: date | None = None
) -> list[StaffReferralCounts]:
    """Counts per member of staff (by staff id), of the forms filed on ``first_day``…``last_day``
    (inclusive; all when not given). Withdrawn forms do not count."""
    tallies: dict[tuple[str, str], dict[str, int]] = {}
    for form in forms:
        if form.status is ReferralStatus.WITHDRAWN:
            continue
        if (first_day and form.business_day < first_day) or (last_day and form.business_day > last_day):
            continue
        tally = tallies.setdefault(
            (form.staff_id, form.role), {"filed": 0, "referred": 0, "pending": 0, "met": 0, "sold": 0}
        )
        tally["filed"] += 1
        tally["referred" if form.filed_as is ReferralStatus.REFERRED else "pending"] += 1
        tally["met"] += bool(form.met)
        tally["sold"] += form.result is MarketingResult.SOLD
    return [
        StaffReferralCounts(staff_id=staff_id, role=role, **tally)
        for (staff_id, role), tally in sorted(tallies.items())
    ]
