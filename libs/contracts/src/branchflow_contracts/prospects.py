"""A walk-in the bank has no customer id for yet, known the same way everywhere.

identify records a walk-in with a name and a phone; the referral service files forms for them.
Both know the walk-in by one prospect id derived from the phone number alone — not the branch:
one person walking into two branches is one person, as a customer id is one across the bank, so
the not-premium rule and the register follow them wherever they walk in. The id is a keyed hash
(HMAC-SHA256, ``P`` + its first 12 hex digits) so that it can travel on Kafka without the phone:
a plain hash of a phone number is undone by hashing every number there is. Every service that
derives it is given the same key, which is fixed for good: another key is other ids.

When identify links the prospect to a customer id (an account was opened) it publishes
``customer.prospect-linked``; the referral service moves what it holds of the walk-in to the
customer id."""

import hashlib
import hmac
import re
from typing import ClassVar

from pydantic import AwareDatetime, Field, field_validator

from branchflow_contracts.events import TYPE_PREFIX, EventContract
from branchflow_contracts.referral import is_prospect_id
from branchflow_contracts.topics import Topic

_PHONE = re.compile(r"^\+?[0-9]{7,20}$")
_TYPED_SEPARATORS = re.compile(r"[\s\-().]")
_CHINA_PREFIXES = ("+86", "0086")
_ID_HEX_DIGITS = 12


def normalize_phone(raw: str) -> str:
    """Digits (and a leading +), without the spaces and dashes people type; ValueError if that
    is not 7 to 20 digits."""
    phone = _TYPED_SEPARATORS.sub("", raw)
    if not _PHONE.fullmatch(phone):
        raise ValueError(f"not a phone number (7 to 20 digits, an optional leading +): {raw!r}")
    return _as_dialled_in_china(phone)


def _as_dialled_in_china(phone: str) -> str:
    """A Chinese number in the form dialled in China, so that ``+86 139…``, ``0086 139…`` and
    ``139…`` are one person: a mobile (11 digits from 1) as it is, a landline with its trunk 0
    (``+86 10 8888 8888`` → ``01088888888``). Other countries' numbers keep their ``+``."""
    national = next((phone[len(p) :] for p in _CHINA_PREFIXES if phone.startswith(p)), None)
    if national is None and len(phone) == 13 and phone.startswith("861"):
        national = phone[2:]  # 86 and a mobile, the + left out
    if national is None:
        return phone
    return national if _is_mobile(national) else "0" + national.lstrip("0")


def _is_mobile(national: str) -> bool:
    return len(national) == 11 and national.startswith("1")


def derive_prospect_id(phone: str, key: bytes | str) -> str:
    """The walk-in's prospect id: ``P`` + 12 hex digits of HMAC-SHA256(key, normalized phone).
    The same phone however typed gives the same id."""
    secret = key.encode() if isinstance(key, str) else key
    if not secret:
        raise ValueError("a prospect id needs a key")
    digest = hmac.new(secret, normalize_phone(phone).encode(), hashlib.sha256).hexdigest()
    return "P" + digest[:_ID_HEX_DIGITS].upper()


class ProspectLinked(EventContract):
    """identify linked a walk-in prospect to a customer id: an account was opened. What other
    services hold under ``prospect_id`` is now the customer's. No name, no phone. Keyed by
    customer id. ``prospect_id`` is a derived id (``is_prospect_id``) for a walk-in recorded with
    a phone; a walk-in recorded without one, or before ids were derived, has a UUID that no other
    service knows."""

    topic: ClassVar[Topic] = Topic.CUSTOMER_PROSPECT_LINKED
    ce_type: ClassVar[str] = f"{TYPE_PREFIX}.customer.prospect-linked.v1"

    prospect_id: str = Field(min_length=1, max_length=64)
    customer_id: str = Field(min_length=1, max_length=64, description="the bank's customer id")
    branch_id: str = Field(min_length=1, max_length=64, description="the prospect's branch")
    linked_by: str = Field(min_length=1, description="staff id")
    linked_at: AwareDatetime

    @field_validator("customer_id")
    @classmethod
    def _a_customer_id(cls, value: str) -> str:
        if is_prospect_id(value):
            raise ValueError("a prospect id is not a customer id")
        return value
