"""Who a form is about: an existing customer (by the bank's customer id), or a walk-in prospect
the bank has no id for yet — known by a name and a phone, and by the prospect id derived from the
phone (``branchflow_contracts.derive_prospect_id``), the id identify knows them by too: a second
visit is the same person, at any branch. Once identify links the walk-in to the customer id of
the account they opened, what was filed for them is the customer's (``referral.domain.linking``)."""

from dataclasses import dataclass

from branchflow_contracts import derive_prospect_id, normalize_phone
from referral.domain.refusals import N_, Invalid


@dataclass(frozen=True)
class Prospect:
    """A walk-in's personal data, as given, and their prospect id. Masked for staff who may not
    see it."""

    name: str
    phone: str
    prospect_id: str

    @classmethod
    def of(cls, name: str, phone: str, *, key: bytes | str) -> "Prospect":
        """``key``: the platform's prospect id key (``ProspectIdSettings``)."""
        if not name.strip():
            raise Invalid("name", N_("a prospect needs a name"))
        try:
            digits = normalize_phone(phone)
        except ValueError:
            raise Invalid(
                "phone",
                N_("'{phone}' is not a phone number (7 to 20 digits, an optional leading +)"),
                phone=phone,
            ) from None
        return cls(name=name.strip(), phone=digits, prospect_id=derive_prospect_id(digits, key))


@dataclass(frozen=True)
class Subject:
    """A customer id, a prospect id, or both: a walk-in since linked to the customer id of the
    account they opened (the name and phone given for them stay on what was filed). ``key`` —
    the customer id when there is one — orders one person's events on Kafka and is what the
    not-premium rule, the one open form and the one register entry are kept by."""

    customer_id: str | None = None
    prospect_id: str | None = None

    def __post_init__(self) -> None:
        if self.customer_id is None and self.prospect_id is None:
            raise Invalid(
                "customer_id", N_("give either a customer id or a prospect (name and phone), not both")
            )

    @property
    def key(self) -> str:
        return self.customer_id or self.prospect_id  # type: ignore[return-value]

    def linked_to(self, customer_id: str) -> "Subject":
        """The same person, known by the customer id from now on."""
        return Subject(customer_id=customer_id, prospect_id=self.prospect_id)
