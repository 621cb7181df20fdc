"""Reading identify's JSON: its optional times."""

from datetime import datetime


def datetime_or_none(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
