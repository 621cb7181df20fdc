"""A walk-in linked to a customer id (identify's ``customer.prospect-linked``): one person, who
was known here by the prospect id and now by the customer id. Everything held under the prospect
id becomes the customer's — forms, register entries, suggestions, marketing participants (and
with the forms, the counts, which are counted from them) — in one transaction.

What a person can have only one of, both ids may have had (an existing customer who walked in
unrecognised): an open form, an active register entry, a not-premium verdict. The rules that
keep it to one decide here, as they would have, had the person been known by one id all along:
the form filed first stands (the later one is withdrawn, saying why), the entry opened first
stays open (the later one is closed as abandoned: its wealth manager keeps its history), and the
latest verdict counts, as everywhere."""

from dataclasses import dataclass
from datetime import datetime

from referral.domain.follow_up import FollowUpEntry
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.referral import Referral
from referral.domain.refusals import N_

# why a second open form of one person was withdrawn: stored as a code with its parameters (what
# is stored keeps codes), worded in the reader's language when the form is shown
_DUPLICATE = "@prospect-linked"
DUPLICATE_FORM_TEXT = N_(
    "withdrawn when the walk-in {prospect_id} was linked to customer {customer_id}: one open form "
    "per person, and form {kept} was filed first"
)


def duplicate_reason(prospect_id: str, customer_id: str, kept: str) -> str:
    return f"{_DUPLICATE} {prospect_id} {customer_id} {kept}"


def duplicate_of(reason: str | None) -> dict[str, str] | None:
    """The parameters of a reason ``duplicate_reason`` wrote; None for any other reason."""
    parts = (reason or "").split(" ")
    if len(parts) != 4 or parts[0] != _DUPLICATE:
        return None
    return dict(zip(("prospect_id", "customer_id", "kept"), parts[1:], strict=True))


@dataclass(frozen=True)
class Held:
    """What one id holds of which a person has at most one."""

    open_form: Referral | None = None
    active_entry: FollowUpEntry | None = None
    block: NotPremiumBlock | None = None


@dataclass
class Merged:
    """What linking changes besides the ids: a form to withdraw, an entry to close, and the
    verdict the customer id keeps (``block_moved``: it is the prospect's, news to identify)."""

    withdrawn: Referral | None = None
    closed: FollowUpEntry | None = None
    block: NotPremiumBlock | None = None
    block_moved: bool = False


def merge(
    prospect: Held, customer: Held, *, prospect_id: str, customer_id: str, by: str, at: datetime
) -> Merged:
    merged = Merged()
    if prospect.open_form and customer.open_form:
        kept, later = sorted((prospect.open_form, customer.open_form), key=lambda r: r.referred_at)
        later.withdraw(by=by, reason=duplicate_reason(prospect_id, customer_id, kept.referral_id), at=at)
        merged.withdrawn = later
    if prospect.active_entry and customer.active_entry:
        _, later = sorted((prospect.active_entry, customer.active_entry), key=lambda e: e.opened_at)
        later.close_as_duplicate(by=by, at=at)
        merged.closed = later
    latest = max(
        (b for b in (prospect.block, customer.block) if b is not None),
        key=lambda b: b.judged_at,
        default=None,
    )
    if latest is not None:
        merged.block_moved = latest is prospect.block
        merged.block = NotPremiumBlock(**{**vars(latest), "subject_key": customer_id})
    return merged
