"""A year's arrangement of rest and work, from one of three sources: the bank's override file,
the official data (chinese-calendar), or the statutory fallback."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

from branchflow_runtime.workdays.lunar import lunar_to_solar, qingming


class DaySource(StrEnum):
    """Where the decision about a day came from, strongest first."""

    OVERRIDE = "override"
    OFFICIAL = "official"
    # statutory holidays plus weekends: the State Council's arrangement is not known yet
    FALLBACK = "fallback"


@dataclass(frozen=True)
class YearArrangement:
    """Holidays and adjusted working days (调休) of one year; every other day is a working day
    Monday to Friday and a rest day at the weekend."""

    year: int
    source: DaySource
    holidays: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    # the override file's path, for messages and for the report of a decision's source
    origin: str | None = None


OFFICIAL_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def official_arrangement(year: int) -> YearArrangement:
    """The State Council's arrangement as chinese-calendar publishes it (``year`` in OFFICIAL_YEARS)."""
    return YearArrangement(
        year=year,
        source=DaySource.OFFICIAL,
        holidays=frozenset(day for day in chinese_calendar.holidays if day.year == year),
        working_days=frozenset(day for day in chinese_calendar.workdays if day.year == year),
    )


def statutory_holidays(year: int) -> frozenset[date]:
    """The days off that 全国年节及纪念日放假办法 (as amended in 2024, in force from 2025) grants,
    before any adjustment: 13 days (fewer when Mid-Autumn falls on October 1–3)."""
    spring_festival = lunar_to_solar(year, 1, 1)
    return frozenset(
        {
            date(year, 1, 1),  # New Year's Day
            # Spring Festival: the eve and the first three days of the lunar year
            *(spring_festival + timedelta(days=offset) for offset in range(-1, 3)),
            qingming(year),
            date(year, 5, 1),  # Labour Day, 2 days
            date(year, 5, 2),
            lunar_to_solar(year, 5, 5),  # Dragon Boat
            lunar_to_solar(year, 8, 15),  # Mid-Autumn
            date(year, 10, 1),  # National Day, 3 days
            date(year, 10, 2),
            date(year, 10, 3),
        }
    )


def fallback_arrangement(year: int) -> YearArrangement:
    """Weekends plus the statutory holidays, for a year whose arrangement is not yet published."""
    return YearArrangement(year=year, source=DaySource.FALLBACK, holidays=statutory_holidays(year))
