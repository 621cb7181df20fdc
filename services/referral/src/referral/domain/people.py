"""Who a form is about: an existing customer (by the bank's customer id), or a walk-in prospect
the bank has no id for yet — known by a name and a phone, and given a prospect id, one per phone
number, so that a second visit is the same person."""

import re
import uuid
from dataclasses import dataclass

from referral.domain.refusals import N_, Invalid

PROSPECT_PREFIX = "P"
_PHONE = re.compile(r"^\+?[0-9]{7,20}$")


def new_prospect_id() -> str:
    return PROSPECT_PREFIX + uuid.uuid4().hex[:12].upper()


def normalize_phone(raw: str) -> str:
    """Digits (and a leading +), without the spaces and dashes people type."""
    phone = re.sub(r"[\s-]", "", raw)
    if not _PHONE.match(phone):
        raise Invalid(
            "phone", N_("'{phone}' is not a phone number (7 to 20 digits, an optional leading +)"), phone=raw
        )
    return phone


@dataclass(frozen=True)
class Prospect:
    """A walk-in's personal data, as given. Masked for staff who may not see it."""

    name: str
    phone: str

    @classmethod
    def of(cls, name: str, phone: str) -> "Prospect":
        if not name.strip():
            raise Invalid("name", N_("a prospect needs a name"))
        return cls(name=name.strip(), phone=normalize_phone(phone))


@dataclass(frozen=True)
class Subject:
    """A customer id or a prospect id, exactly one. ``key`` orders one person's events on Kafka
    and is what the not-premium rule is kept by."""

    customer_id: str | None = None
    prospect_id: str | None = None

    def __post_init__(self) -> None:
        if (self.customer_id is None) == (self.prospect_id is None):
            raise Invalid(
                "customer_id", N_("give either a customer id or a prospect (name and phone), not both")
            )

    @property
    def key(self) -> str:
        return self.customer_id or self.prospect_id  # type: ignore[return-value]
