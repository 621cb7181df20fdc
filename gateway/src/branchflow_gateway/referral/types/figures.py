"""The figures staff are appraised on: counts per staff for a period, and the monthly summary."""

from datetime import date, datetime

import strawberry

from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.codes import CountPeriod
from branchflow_gateway.referral.types.shared import local_or_none
from branchflow_runtime.auth import Role


@strawberry.type(
    description="One member of staff's forms in a period (推介统计表); withdrawn forms do not count."
)
class StaffReferralCount:
    staff_id: str
    role: str
    role_label: str = label_field("role", Role)
    filed: int
    referred: int = strawberry.field(description="filed as referred: handed over on the spot")
    pending: int = strawberry.field(description="filed as pending: card handed, contact agreed")
    met: int = strawberry.field(description="confirmed as met by the wealth manager")
    sold: int

    @classmethod
    def from_json(cls, data: dict) -> "StaffReferralCount":
        return cls(
            **{
                name: data[name]
                for name in ("staff_id", "role", "filed", "referred", "pending", "met", "sold")
            }
        )


@strawberry.type(description="Referral counts per staff for a day, an ISO week or a month.")
class ReferralCounts:
    branch_id: str
    period: CountPeriod
    period_label: str = label_field("period", CountPeriod)
    first_day: date
    last_day: date
    counts: list[StaffReferralCount]

    @classmethod
    def from_json(cls, data: dict) -> "ReferralCounts":
        return cls(
            branch_id=data["branch_id"],
            period=CountPeriod(data["period"]),
            first_day=date.fromisoformat(str(data["first_day"])),
            last_day=date.fromisoformat(str(data["last_day"])),
            counts=[StaffReferralCount.from_json(c) for c in data["counts"]],
        )


@strawberry.type(
    description="Last month's counts per staff as sent to the branch head for appraisal, on the first "
    "working day of the month."
)
class MonthlySummary:
    branch_id: str
    month: str = strawberry.field(description="YYYY-MM")
    counts: list[StaffReferralCount]
    issued_at: datetime
    issued_at_local: str

    @classmethod
    def from_json(cls, data: dict) -> "MonthlySummary":
        return cls(
            branch_id=data["branch_id"],
            month=data["month"],
            counts=[StaffReferralCount.from_json(c) for c in data["counts"]],
            issued_at=datetime.fromisoformat(data["issued_at"]),
            issued_at_local=local_or_none(data["issued_at"]),
        )
