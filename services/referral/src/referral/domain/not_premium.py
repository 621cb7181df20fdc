"""The not-premium rule: a customer a wealth manager judged not premium is not referred again
within the bank's period (default 180 days), or until identify reports a higher tier. The
refusal says that a wealth manager already followed the customer up; never a tier."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from branchflow_contracts import CustomerJudgedNotPremium
from referral.domain.periods import branch_day
from referral.domain.refusals import Refusal, Refused
from referral.domain.rules import ReferralRules


@dataclass
class NotPremiumBlock:
    """One per person (customer or prospect id), the latest verdict."""

    subject_key: str
    referral_id: str
    judged_by: str
    judged_at: datetime
    until: datetime
    lifted_at: datetime | None = None
    lift_reason: str | None = None

    @classmethod
    def judge(
        cls, *, subject_key: str, referral_id: str, by: str, at: datetime, rules: ReferralRules
    ) -> "NotPremiumBlock":
        until = at + timedelta(days=rules.no_referral_days_after_not_premium)
        return cls(subject_key=subject_key, referral_id=referral_id, judged_by=by, judged_at=at, until=until)

    def blocks(self, at: datetime) -> bool:
        return self.lifted_at is None and at < self.until

    def check(self, at: datetime) -> None:
        """Refuse a new referral while the block holds."""
        if self.blocks(at):
            raise Refused(
                Refusal.FOLLOWED_UP_RECENTLY,
                judged_on=branch_day(self.judged_at),
                until=branch_day(self.until),
            )

    def lift(self, *, at: datetime, reason: str) -> bool:
        """A higher tier lifts the block, unless it was reported before the verdict (an event read
        late): the wealth manager judged knowing it. identify's guidance follows the same rule."""
        if not self.blocks(at) or at < self.judged_at:
            return False
        self.lifted_at, self.lift_reason = at, reason
        return True

    def judged_event(self, *, branch_id: str, entry_id: str | None = None) -> CustomerJudgedNotPremium:
        return CustomerJudgedNotPremium(
            customer_id=self.subject_key,
            branch_id=branch_id,
            referral_id=self.referral_id,
            entry_id=entry_id,
            judged_by=self.judged_by,
            judged_at=self.judged_at,
            no_referral_until=self.until,
        )
