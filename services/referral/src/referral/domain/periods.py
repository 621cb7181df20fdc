"""Days, ISO weeks and months as the branch sees them (Asia/Shanghai), and working days.

Forms are counted by the branch day they were filed on. A week is an ISO week, Monday first; a
month is a calendar month of branch days. Working days come from an injected calendar (the
runtime's PRC calendar in the service, a fake in tests)."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

BRANCH_ZONE = ZoneInfo("Asia/Shanghai")


class WorkingDays(Protocol):
    def is_working_day(self, day: date) -> bool: ...


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def branch_day(moment: datetime) -> date:
    """The branch's calendar day of an aware moment."""
    return moment.astimezone(BRANCH_ZONE).date()


def period_bounds(period: Period, anchor: date) -> tuple[date, date]:
    """The first and last day (inclusive) of the day, ISO week or month holding ``anchor``."""
    if period is Period.DAY:
        return anchor, anchor
    if period is Period.WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return monday, monday + timedelta(days=6)
    first = anchor.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def previous_month(anchor: date) -> tuple[date, date]:
    """The first and last day of the month before the one holding ``anchor``."""
    last = anchor.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def month_label(first_day: date) -> str:
    return f"{first_day.year:04d}-{first_day.month:02d}"


def first_working_day_of_month(anchor: date, calendar: WorkingDays) -> date:
    """The first working day of the month holding ``anchor``."""
    day = anchor.replace(day=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def day_start(day: date) -> datetime:
    """The moment a branch day begins, aware."""
    return datetime.combine(day, datetime.min.time(), tzinfo=BRANCH_ZONE)
