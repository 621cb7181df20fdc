"""An identification: a customer (or a walk-in prospect) rated at a moment, through a channel,
with the guidance the lobby was given. A re-rating is not one: a tier that changes because the
facts changed, signals expired or the rules changed is a ``Rerating``, kept and counted apart."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from branchflow_contracts import (
    Channel,
    CustomerIdentified,
    CustomerRerated,
    CustomerTier,
    Guidance,
    RerateCause,
    Signal,
)
from identify.domain.rating import Rating
from identify.domain.signals import ObservedSignal


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Identification:
    customer_id: str | None  # None while the person is a prospect without an account
    branch_id: str
    channel: Channel
    rating: Rating
    guidance: Guidance
    reason: str  # observation | system_mining
    signals: tuple[ObservedSignal, ...] = ()
    identified_by: str | None = None
    observer_role: str | None = None
    purpose: str | None = None
    prospect_id: str | None = None
    previous_tier: CustomerTier | None = None
    trace_id: str | None = None
    identification_id: str = field(default_factory=_new_id)
    identified_at: datetime = field(default_factory=_now)

    def to_event(self) -> CustomerIdentified:
        assert self.customer_id is not None, "a prospect's identification is published once linked"
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
            purpose=self.purpose,
            observer_role=self.observer_role,
            prospect_id=self.prospect_id,
        )


@dataclass(frozen=True)
class Rerating:
    customer_id: str
    branch_id: str
    cause: RerateCause
    previous_tier: CustomerTier | None
    rating: Rating
    rerated_by: str | None = None
    trace_id: str | None = None
    rerating_id: str = field(default_factory=_new_id)
    rerated_at: datetime = field(default_factory=_now)

    def to_event(self) -> CustomerRerated:
        return CustomerRerated(
            rerating_id=self.rerating_id,
            customer_id=self.customer_id,
            branch_id=self.branch_id,
            cause=self.cause,
            previous_tier=self.previous_tier,
            tier=self.rating.tier,
            score=self.rating.score,
            rules_version=self.rating.rules_version,
            rerated_by=self.rerated_by,
            rerated_at=self.rerated_at,
        )
