"""Reading the referral service's JSON: the optional times and ids its records carry."""

from datetime import datetime

import strawberry

from branchflow_runtime.privacy import local_time


def at_or_none(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def local_or_none(value: str | None) -> str | None:
    return None if value is None else local_time(datetime.fromisoformat(value))


def id_or_none(value: str | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(value)
