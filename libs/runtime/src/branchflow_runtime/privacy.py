"""Masking of personal data for staff who do not own the customer (ID number, phone, name,
address), and display of times in the branch's zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from branchflow_runtime.settings import BRANCH_TIMEZONE

BRANCH_ZONE = ZoneInfo(BRANCH_TIMEZONE)


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    digits = value.replace(" ", "").replace("-", "")
    return digits[:3] + "*" * max(len(digits) - 7, 0) + digits[-4:] if len(digits) > 7 else "****"


def mask_name(value: str | None) -> str | None:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str | None) -> str | None:
    if not value:
        return value
    return value[: min(6, len(value) // 2)] + "****"


def local_time(moment: datetime) -> str:
    """ISO time in the branch's zone, for display."""
    return moment.astimezone(BRANCH_ZONE).isoformat(timespec="seconds")
