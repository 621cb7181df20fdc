"""A wealth manager's verdict that a customer is not premium, told by the referral service
(``customer.judged-not-premium``). The lobby manager and tellers are told so that nobody sends the
customer to a wealth manager again (告知大堂经理或柜员，避免重复引导): while the verdict holds, guidance
calls no wealth manager for them. What the lobby sees stays a guidance, never the verdict.

It holds until its date, or until the customer's tier rises after it — the rule the referral
service applies to its own block, so that the lobby is not told to call a wealth manager the
referral service would refuse, nor kept from one it would accept. A verdict may come before
identify knows the customer: it is kept by customer id, and the first observation honours it."""

from dataclasses import dataclass
from datetime import datetime

from branchflow_contracts import CustomerJudgedNotPremium


@dataclass(frozen=True)
class NotPremiumVerdict:
    """The latest verdict on one customer."""

    customer_id: str
    branch_id: str
    judged_at: datetime
    until: datetime  # no referral (and no wealth manager called) before this
    judged_by: str | None = None
    referral_id: str | None = None

    @classmethod
    def of(cls, event: CustomerJudgedNotPremium) -> "NotPremiumVerdict":
        return cls(
            customer_id=event.customer_id,
            branch_id=event.branch_id,
            judged_at=event.judged_at,
            until=event.no_referral_until,
            judged_by=event.judged_by,
            referral_id=event.referral_id,
        )

    def replaces(self, current: "NotPremiumVerdict | None") -> bool:
        """The latest verdict counts, as in the referral service: a later one takes over (its
        period runs from its own date); an earlier or repeated one changes nothing."""
        return current is None or self.judged_at > current.judged_at

    def holds(self, at: datetime, tier_raised_at: datetime | None) -> bool:
        """Until its date, unless the tier rose since (a rise from before it does not count: the
        wealth manager judged knowing that tier)."""
        return at < self.until and (tier_raised_at is None or tier_raised_at < self.judged_at)
