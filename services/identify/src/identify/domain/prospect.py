"""A walk-in prospect: someone the lobby judged worth winning who is not our customer yet (the
to_win case). Recorded with a name and a phone, never with an invented customer id; once they
open an account the prospect is linked to the customer id and their identifications follow.

A walk-in with a phone is known by the prospect id derived from it (``derive_prospect_id``),
the id the referral service files their forms under: a second visit is the same prospect, and
the link tells the referral service whose forms become the customer's. One without a phone gets
a UUID that nobody else knows."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from branchflow_contracts import SignalCategory, derive_prospect_id
from identify.domain.facts import CustomerFacts
from identify.domain.signals import ObservedSignal


def prospect_id_for(phone: str | None, key: bytes | str) -> str:
    return derive_prospect_id(phone, key) if phone else str(uuid.uuid4())


@dataclass(frozen=True)
class Prospect:
    branch_id: str
    name: str
    phone: str | None
    recorded_by: str
    signals: tuple[ObservedSignal, ...] = ()
    customer_id: str | None = None
    linked_by: str | None = None
    linked_at: datetime | None = None
    prospect_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    recorded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def facts(self) -> CustomerFacts:
        """What the rating knows of them: nothing held with us, and not our customer."""
        return CustomerFacts(customer_id=self.prospect_id, branch_id=self.branch_id, our_customer=False)

    def signals_for_the_customer(self) -> tuple[ObservedSignal, ...]:
        """What the new customer inherits: what was observed, and that their main bank was another
        when they walked in (it ages out like any signal, unless seen again)."""
        elsewhere = ObservedSignal(
            SignalCategory.INFORMATION, "main_bank_elsewhere", observed_at=self.recorded_at
        )
        return (*self.signals, elsewhere)
