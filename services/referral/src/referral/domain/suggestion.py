"""Suggested referrals: an identification whose guidance calls a wealth manager puts the customer
on the lobby manager's list for the day, to be filed with one action (or dismissed). At the close
of business the ones never acted on are shown, then lapse.

One suggestion per customer, branch and day: a customer identified twice is suggested once."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from referral.domain.refusals import Refusal, Refused


class SuggestionStatus(StrEnum):
    OPEN = "open"
    FILED = "filed"  # a referral was filed from it
    DISMISSED = "dismissed"  # the lobby manager decided not to refer (customer left, declined…)
    LAPSED = "lapsed"  # never acted on; the day was closed


@dataclass
class Suggestion:
    branch_id: str
    business_day: date
    customer_id: str
    identification_id: str
    identified_at: datetime
    suggestion_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: SuggestionStatus = SuggestionStatus.OPEN
    referral_id: str | None = None
    acted_by: str | None = None
    acted_at: datetime | None = None
    dismissal_reason: str | None = None

    def refresh(self, identification_id: str, identified_at: datetime) -> None:
        """A later identification of the same customer that day: the suggestion points to it."""
        if self.status is SuggestionStatus.OPEN and identified_at > self.identified_at:
            self.identification_id, self.identified_at = identification_id, identified_at

    def filed(self, *, referral_id: str, by: str, at: datetime) -> None:
        self._refuse_unless_open()
        self.status, self.referral_id, self.acted_by, self.acted_at = (
            SuggestionStatus.FILED,
            referral_id,
            by,
            at,
        )

    def dismiss(self, *, by: str, reason: str, at: datetime) -> bool:
        if self.status is SuggestionStatus.DISMISSED:
            return False
        self._refuse_unless_open()
        self.status, self.acted_by, self.acted_at = SuggestionStatus.DISMISSED, by, at
        self.dismissal_reason = reason
        return True

    def lapse(self, at: datetime) -> None:
        if self.status is SuggestionStatus.OPEN:
            self.status, self.acted_at = SuggestionStatus.LAPSED, at

    def _refuse_unless_open(self) -> None:
        if self.status is not SuggestionStatus.OPEN:
            raise Refused(
                Refusal.SUGGESTION_ACTED_ON,
                status=self.status,
                by=self.acted_by or "the close",
                at=self.acted_at,
            )
