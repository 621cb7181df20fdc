"""An identification: a customer rated at a moment, through a channel, with the guidance the
lobby was given."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from branchflow_contracts import Channel, CustomerIdentified, CustomerTier, Guidance, Signal
from identify.domain.rating import Rating
from identify.domain.signals import ObservedSignal


@dataclass(frozen=True)
class Identification:
    customer_id: str
    branch_id: str
    channel: Channel
    rating: Rating
    guidance: Guidance
    reason: str  # observation | system_mining | facts_changed | periodic_sweep
    signals: tuple[ObservedSignal, ...] = ()
    identified_by: str | None = None
    previous_tier: CustomerTier | None = None
    trace_id: str | None = None
    identification_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identified_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_event(self) -> CustomerIdentified:
        return CustomerIdentified(
            identification_id=self.identification_id,
            customer_id=self.customer_id,
            branch_id=self.branch_id,
            channel=self.channel,
            tier=self.rating.tier,
            previous_tier=self.previous_tier,
            score=self.rating.score,
            signals=[Signal(category=s.category, kind=s.kind, amount=s.amount) for s in self.signals],
            guidance=self.guidance,
            reason=self.reason,
            identified_by=self.identified_by,
            identified_at=self.identified_at,
        )
