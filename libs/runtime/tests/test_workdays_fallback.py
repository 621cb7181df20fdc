"""The fallback for years without official data, and the festivals, against dates known
independently of the code (published lunar calendars; the State Council's 2025/2026 notices)."""

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from branchflow_runtime.workdays import (
    OFFICIAL_YEARS,
    DayKind,
    DaySource,
    FestivalCode,
    WorkingCalendar,
    YearArrangement,
    festivals,
    statutory_holidays,
)
from branchflow_runtime.workdays.lunar import qingming

CALENDAR = WorkingCalendar()


def test_2027_is_a_fallback_year():
    assert 2027 not in OFFICIAL_YEARS
    assert CALENDAR.decide(date(2027, 3, 1)).source is DaySource.FALLBACK


def test_the_statutory_holidays_of_2027():
    # Spring Festival: Saturday 6 Feb 2027, so the eve is 5 Feb; Qingming 5 Apr;
    # Dragon Boat 9 Jun; Mid-Autumn 15 Sep
    assert statutory_holidays(2027) == {
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 6),
        date(2027, 2, 7),
        date(2027, 2, 8),
        date(2027, 4, 5),
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
        date(2027, 10, 2),
        date(2027, 10, 3),
    }


@pytest.mark.parametrize(
    ("year", "spring_festival", "qingming"),
    [
        (2028, date(2028, 1, 26), date(2028, 4, 4)),
        (2029, date(2029, 2, 13), date(2029, 4, 4)),
        (2030, date(2030, 2, 3), date(2030, 4, 5)),
    ],
)
def test_spring_festival_and_qingming_of_later_years(year, spring_festival, qingming):
    holidays = statutory_holidays(year)
    break_days = {spring_festival + timedelta(days=offset) for offset in range(-1, 3)}  # eve + 3 days
    assert break_days | {qingming} <= holidays
    assert spring_festival - timedelta(days=2) not in holidays
    assert spring_festival + timedelta(days=3) not in holidays


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_are_off_in_the_official_arrangements(year):
    """The fallback's lunar dates and Qingming, checked against the State Council's own data."""
    for day in statutory_holidays(year):
        assert CALENDAR.decide(day).kind is DayKind.HOLIDAY, day


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2027, 2, 5), DayKind.HOLIDAY),  # the eve, a Friday
        (date(2027, 2, 6), DayKind.HOLIDAY),
        (date(2027, 2, 8), DayKind.HOLIDAY),  # third day, a Monday
        (date(2027, 2, 9), DayKind.WORKDAY),  # the real arrangement will differ: hence provisional
        (date(2027, 2, 20), DayKind.WEEKEND),  # no adjusted working days without the notice
        (date(2027, 10, 4), DayKind.WORKDAY),
    ],
)
def test_days_of_a_fallback_year(day, kind):
    decision = CALENDAR.decide(day)
    assert (decision.kind, decision.source) == (kind, DaySource.FALLBACK)


def test_first_working_days_of_a_fallback_year():
    assert CALENDAR.first_working_day_of_month(2027, 1) == date(2027, 1, 4)  # Fri holiday, weekend
    assert CALENDAR.first_working_day_of_month(2027, 10) == date(2027, 10, 4)  # Oct 1–3 is Fri–Sun
    assert CALENDAR.first_working_day_of_month(2027, 2) == date(2027, 2, 1)


def test_a_deadline_counted_over_an_override_year_is_not_provisional():
    arrangement = YearArrangement(2027, DaySource.OVERRIDE, holidays=frozenset({date(2027, 1, 1)}))
    deadline = WorkingCalendar([arrangement]).deadline(datetime(2026, 12, 30, 12, tzinfo=UTC), 3)
    assert deadline.last_day == date(2027, 1, 5)
    assert not deadline.provisional


def test_festivals_of_2025():
    assert [(festival.code, festival.day) for festival in festivals(2025)] == [
        (FestivalCode.NEW_YEAR, date(2025, 1, 1)),
        (FestivalCode.SPRING_FESTIVAL_EVE, date(2025, 1, 28)),
        (FestivalCode.SPRING_FESTIVAL, date(2025, 1, 29)),
        (FestivalCode.LANTERN, date(2025, 2, 12)),
        (FestivalCode.QINGMING, date(2025, 4, 4)),
        (FestivalCode.LABOUR_DAY, date(2025, 5, 1)),
        (FestivalCode.DRAGON_BOAT, date(2025, 5, 31)),
        (FestivalCode.QIXI, date(2025, 8, 29)),
        (FestivalCode.NATIONAL_DAY, date(2025, 10, 1)),
        (FestivalCode.MID_AUTUMN, date(2025, 10, 6)),
        (FestivalCode.DOUBLE_NINTH, date(2025, 10, 29)),
    ]


def test_festivals_of_2026_and_2027():
    days_2026 = {festival.code: festival.day for festival in festivals(2026)}
    assert days_2026[FestivalCode.SPRING_FESTIVAL] == date(2026, 2, 17)
    assert days_2026[FestivalCode.LANTERN] == date(2026, 3, 3)
    assert days_2026[FestivalCode.DRAGON_BOAT] == date(2026, 6, 19)
    assert days_2026[FestivalCode.MID_AUTUMN] == date(2026, 9, 25)
    days_2027 = {festival.code: festival.day for festival in festivals(2027)}
    assert days_2027[FestivalCode.SPRING_FESTIVAL] == date(2027, 2, 6)
    assert days_2027[FestivalCode.QINGMING] == date(2027, 4, 5)
    assert len(days_2027) == len(FestivalCode)


def test_qingming_agrees_with_chinese_calendars_solar_term_formula():
    """Two independent computations of the solar term: lunar-python's astronomy and
    chinese-calendar's 寿星 formula, over the rest of the 21st century (the formula's constants
    are per century; in 2100 it says 4 April where the astronomy says 5 April)."""
    for year in range(2027, 2100):
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        assert [day for day, name in terms if name == "清明"] == [qingming(year)], year
