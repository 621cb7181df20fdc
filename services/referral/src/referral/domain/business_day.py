"""The close of business (营业终了): a branch's day, its forms from every teller and the lobby
manager, and the lobby manager closing it.

A day closes once every form is confirmed or copied by its wealth manager; suggestions never
acted on lapse then. A day left open shows its open items the next morning. A closed day takes
no new forms until the lobby manager reopens it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from branchflow_contracts import ReferralStatus, StaffReferralCounts
from referral.domain.counts import CountedForm, count_by_staff
from referral.domain.periods import branch_day
from referral.domain.referral import Referral
from referral.domain.refusals import Refusal, Refused
from referral.domain.suggestion import Suggestion, SuggestionStatus


class DayStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Reconciliation:
    """A day's forms sorted for the close, and its counts per member of staff."""

    day: date
    awaiting_confirmation: list[Referral]  # referred: the wealth manager confirms met / result
    awaiting_copy: list[Referral]  # pending: the wealth manager copies it into the register
    done: list[Referral]
    withdrawn: list[Referral]
    suggestions_not_acted_on: list[Suggestion]
    counts: list[StaffReferralCounts]

    @property
    def open_forms(self) -> list[Referral]:
        return self.awaiting_confirmation + self.awaiting_copy


def reconcile(day: date, forms: list[Referral], suggestions: list[Suggestion]) -> Reconciliation:
    by_status: dict[ReferralStatus, list[Referral]] = {status: [] for status in ReferralStatus}
    for form in sorted(forms, key=lambda f: f.referred_at):
        by_status[form.status].append(form)
    return Reconciliation(
        day=day,
        awaiting_confirmation=by_status[ReferralStatus.REFERRED],
        awaiting_copy=by_status[ReferralStatus.PENDING],
        done=by_status[ReferralStatus.CONFIRMED] + by_status[ReferralStatus.COPIED],
        withdrawn=by_status[ReferralStatus.WITHDRAWN],
        suggestions_not_acted_on=[
            s for s in suggestions if s.status in (SuggestionStatus.OPEN, SuggestionStatus.LAPSED)
        ],
        counts=count_by_staff(CountedForm.of(f) for f in forms),
    )


@dataclass
class BusinessDay:
    branch_id: str
    day: date
    status: DayStatus = DayStatus.OPEN
    closed_by: str | None = None
    closed_at: datetime | None = None
    reopened: list[tuple[str, datetime]] = field(default_factory=list)  # (by, at), for the record

    def check_accepts_forms(self) -> None:
        if self.status is DayStatus.CLOSED:
            raise Refused(Refusal.DAY_CLOSED, day=self.day, closed_at=self.closed_at)

    def close(
        self, reconciliation: Reconciliation, suggestions: list[Suggestion], *, by: str, at: datetime
    ) -> bool:
        """Close the day if no form awaits its wealth manager; the day's open suggestions lapse.
        True when it closed now; False when it was closed already."""
        if self.status is DayStatus.CLOSED:
            return False
        if branch_day(at) < self.day:
            raise Refused(Refusal.DAY_NOT_OVER, day=self.day)
        if reconciliation.open_forms:
            ids = [f.referral_id for f in reconciliation.open_forms]
            raise Refused(Refusal.DAY_HAS_OPEN_FORMS, count=len(ids), referral_ids=", ".join(ids))
        for suggestion in suggestions:
            suggestion.lapse(at)
        self.status, self.closed_by, self.closed_at = DayStatus.CLOSED, by, at
        return True

    def reopen(self, *, by: str, at: datetime) -> bool:
        if self.status is DayStatus.OPEN:
            return False
        self.status, self.closed_by, self.closed_at = DayStatus.OPEN, None, None
        self.reopened.append((by, at))
        return True
