"""The working calendar on the State Council's 2025 and 2026 arrangements, and the counting rule.

Expected days come from the published notices (国办发明电〔2024〕12号 for 2025, and the 2026
notice), not from the code: 2025 Spring Festival Jan 28–Feb 4 off, Jan 26 (Sun) and Feb 8
(Sat) worked; National Day + Mid-Autumn Oct 1–8 off, Sep 28 (Sun) and Oct 11 (Sat) worked.
2026 New Year Jan 1–3 off, Jan 4 (Sun) worked; Spring Festival Feb 15–23 off, Feb 14 (Sat) and
Feb 28 (Sat) worked; National Day Oct 1–7 off, Sep 20 (Sun) and Oct 10 (Sat) worked.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic_settings import SettingsConfigDict

from branchflow_runtime.settings import ServiceSettings
from branchflow_runtime.workdays import (
    OFFICIAL_YEARS,
    CalendarError,
    CalendarSettings,
    DayKind,
    DaySource,
    OverrideFileError,
    WorkingCalendar,
    branch_day,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = WorkingCalendar()


def shanghai(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def close_of_business(year, month, day) -> datetime:
    """17:00 in Shanghai is 09:00 UTC (no daylight saving in China)."""
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


def test_the_official_data_covers_2025_and_2026():
    assert 2025 in OFFICIAL_YEARS and 2026 in OFFICIAL_YEARS


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2025, 1, 26), DayKind.ADJUSTED_WORKING_DAY),  # Sunday worked before the Spring Festival
        (date(2025, 1, 27), DayKind.WORKDAY),
        (date(2025, 1, 28), DayKind.HOLIDAY),  # the eve
        (date(2025, 2, 1), DayKind.HOLIDAY),  # a Saturday inside the break
        (date(2025, 2, 4), DayKind.HOLIDAY),
        (date(2025, 2, 5), DayKind.WORKDAY),
        (date(2025, 2, 8), DayKind.ADJUSTED_WORKING_DAY),  # Saturday worked after it
        (date(2025, 2, 9), DayKind.WEEKEND),
        (date(2025, 9, 28), DayKind.ADJUSTED_WORKING_DAY),
        (date(2025, 10, 1), DayKind.HOLIDAY),
        (date(2025, 10, 6), DayKind.HOLIDAY),  # Mid-Autumn inside the golden week
        (date(2025, 10, 8), DayKind.HOLIDAY),
        (date(2025, 10, 9), DayKind.WORKDAY),
        (date(2025, 10, 11), DayKind.ADJUSTED_WORKING_DAY),
        (date(2026, 1, 4), DayKind.ADJUSTED_WORKING_DAY),
        (date(2026, 2, 14), DayKind.ADJUSTED_WORKING_DAY),
        (date(2026, 2, 16), DayKind.HOLIDAY),  # a Monday
        (date(2026, 2, 23), DayKind.HOLIDAY),
        (date(2026, 2, 24), DayKind.WORKDAY),
        (date(2026, 2, 28), DayKind.ADJUSTED_WORKING_DAY),
        (date(2026, 3, 1), DayKind.WEEKEND),
        (date(2026, 10, 7), DayKind.HOLIDAY),
        (date(2026, 10, 10), DayKind.ADJUSTED_WORKING_DAY),
    ],
)
def test_days_of_the_official_arrangements(day, kind):
    decision = CALENDAR.decide(day)
    assert (decision.kind, decision.source) == (kind, DaySource.OFFICIAL)
    assert CALENDAR.is_working_day(day) is (kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKING_DAY))


def test_a_year_before_the_official_data_is_refused():
    with pytest.raises(CalendarError, match="no working calendar for 2003"):
        CALENDAR.is_working_day(date(2003, 5, 6))


def test_next_and_previous_working_days_step_over_breaks_and_onto_worked_weekends():
    assert CALENDAR.next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)
    assert CALENDAR.previous_working_day(date(2025, 10, 9)) == date(2025, 9, 30)
    assert CALENDAR.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)  # Friday → worked Saturday
    assert CALENDAR.previous_working_day(date(2026, 1, 5)) == date(2026, 1, 4)  # Monday → worked Sunday
    assert CALENDAR.next_working_day(date(2025, 3, 14)) == date(2025, 3, 17)  # Friday → Monday


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert CALENDAR.working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3  # Oct 9, 10, 11
    assert CALENDAR.working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0
    assert CALENDAR.working_days_between(date(2025, 3, 7), date(2025, 3, 14)) == 5
    with pytest.raises(ValueError, match="before start"):
        CALENDAR.working_days_between(date(2025, 3, 14), date(2025, 3, 7))


@pytest.mark.parametrize(
    ("year", "month", "first"),
    [
        (2025, 2, date(2025, 2, 5)),  # Feb 1–4 are the Spring Festival break
        (2025, 3, date(2025, 3, 3)),  # Mar 1 is a Saturday
        (2025, 10, date(2025, 10, 9)),  # golden week Oct 1–8
        (2026, 1, date(2026, 1, 4)),  # a worked Sunday opens the year
        (2026, 2, date(2026, 2, 2)),  # Feb 1 is a Sunday
        (2026, 10, date(2026, 10, 8)),
    ],
)
def test_first_working_day_of_a_month(year, month, first):
    assert CALENDAR.first_working_day_of_month(year, month) == first
    assert CALENDAR.is_first_working_day_of_month(first)
    if first.day > 1:
        assert not CALENDAR.is_first_working_day_of_month(date(year, month, 1))
    assert not CALENDAR.is_first_working_day_of_month(CALENDAR.next_working_day(first))


def test_the_branch_day_is_the_day_in_shanghai():
    assert branch_day(datetime(2025, 3, 13, 16, 30, tzinfo=UTC)) == date(2025, 3, 14)
    assert branch_day(datetime(2025, 3, 13, 15, 59, tzinfo=UTC)) == date(2025, 3, 13)
    with pytest.raises(ValueError, match="no timezone"):
        branch_day(datetime(2025, 3, 13, 10, 0))


# -- the counting rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "limit", "due"),
    [
        # a Monday before close and after close: the day of receipt never counts
        (shanghai(2025, 3, 10, 9, 30), 3, close_of_business(2025, 3, 13)),
        (shanghai(2025, 3, 10, 18, 30), 3, close_of_business(2025, 3, 13)),
        # Friday evening, and a Saturday: Monday
        (shanghai(2025, 3, 14, 20, 0), 1, close_of_business(2025, 3, 17)),
        (shanghai(2025, 3, 15, 11, 0), 1, close_of_business(2025, 3, 17)),
        # late Thursday in UTC is Friday in Shanghai: Monday, not Friday
        (datetime(2025, 3, 13, 16, 30, tzinfo=UTC), 1, close_of_business(2025, 3, 17)),
        (datetime(2025, 3, 13, 20, 0, tzinfo=NEW_YORK), 1, close_of_business(2025, 3, 17)),
        # received on a holiday: counting starts after the break; the worked Saturday counts
        (shanghai(2025, 10, 3, 11, 0), 1, close_of_business(2025, 10, 9)),
        (shanghai(2025, 10, 3, 11, 0), 3, close_of_business(2025, 10, 11)),
        # received on a worked Sunday just before the golden week
        (shanghai(2025, 9, 28, 10, 0), 1, close_of_business(2025, 9, 29)),
        (shanghai(2025, 9, 28, 10, 0), 3, close_of_business(2025, 10, 9)),
        # the Friday before the 2026 Spring Festival: the worked Saturday, then after the break
        (shanghai(2026, 2, 13, 15, 0), 1, close_of_business(2026, 2, 14)),
        (shanghai(2026, 2, 13, 15, 0), 2, close_of_business(2026, 2, 24)),
        # 7 working days across the 2025 Spring Festival:
        # Jan 26 (Sun, worked), 27, Feb 5, 6, 7, 8 (Sat, worked), 10
        (shanghai(2025, 1, 24, 16, 0), 7, close_of_business(2025, 2, 10)),
        # the year's last days, all official
        (shanghai(2026, 12, 28, 10, 0), 3, close_of_business(2026, 12, 31)),
    ],
)
def test_deadlines_on_the_official_calendar(received_at, limit, due):
    deadline = CALENDAR.deadline(received_at, limit)
    assert deadline.due_at == due
    assert deadline.due_at.tzinfo is UTC
    assert deadline.last_day == due.astimezone(SHANGHAI).date()
    assert not deadline.provisional


def test_a_count_into_a_year_without_official_data_is_provisional():
    # Dec 31 (Thu) counts; Jan 1 2027 is New Year's Day and Jan 2–3 a weekend, by the fallback
    deadline = CALENDAR.deadline(shanghai(2026, 12, 30, 10, 0), 3)
    assert deadline.due_at == close_of_business(2027, 1, 5)
    assert deadline.provisional
    # a count that ends on Dec 31 never touched 2027
    assert not CALENDAR.deadline(shanghai(2026, 12, 30, 10, 0), 1).provisional


def test_close_of_business_is_configurable():
    calendar = WorkingCalendar(close_of_business=time(17, 30))
    assert calendar.deadline(shanghai(2025, 3, 10), 1).due_at == datetime(2025, 3, 11, 9, 30, tzinfo=UTC)
    with pytest.raises(CalendarError, match="without a timezone"):
        WorkingCalendar(close_of_business=time(17, 0, tzinfo=UTC))


def test_a_deadline_needs_an_aware_instant_and_a_positive_limit():
    with pytest.raises(ValueError, match="no timezone"):
        CALENDAR.deadline(datetime(2025, 3, 10, 10, 0), 3)
    with pytest.raises(ValueError, match="at least 1 working day"):
        CALENDAR.deadline(shanghai(2025, 3, 10), 0)


def test_every_deadline_of_2025_and_2026_ends_on_the_nth_working_day_after_receipt():
    day = date(2025, 1, 1)
    while day.year < 2027:
        for limit in (1, 3, 7):
            deadline = CALENDAR.deadline(datetime.combine(day, time(12), tzinfo=SHANGHAI), limit)
            assert CALENDAR.is_working_day(deadline.last_day)
            assert CALENDAR.working_days_between(day, deadline.last_day) == limit
        day += timedelta(days=1)


# -- settings ---------------------------------------------------------------------------------


class ComplaintLikeSettings(CalendarSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINT_", extra="ignore", env_file=None)


def test_a_service_configures_the_calendar_through_its_settings(tmp_path, monkeypatch):
    override = tmp_path / "calendar-2027.toml"
    override.write_text('year = 2027\nholidays = ["2027-02-05..2027-02-11"]\nworking_days = [2027-02-20]\n')
    monkeypatch.setenv("COMPLAINT_CALENDAR_OVERRIDE_FILES", f'["{override}"]')
    monkeypatch.setenv("COMPLAINT_CLOSE_OF_BUSINESS", "17:30")

    calendar = WorkingCalendar.from_settings(ComplaintLikeSettings())

    assert calendar.close_of_business == time(17, 30)
    decision = calendar.decide(date(2027, 2, 20))
    assert (decision.kind, decision.source, decision.origin) == (
        DayKind.ADJUSTED_WORKING_DAY,
        DaySource.OVERRIDE,
        str(override),
    )


def test_defaults_are_the_official_calendar_and_a_17_00_close(monkeypatch):
    monkeypatch.delenv("COMPLAINT_CALENDAR_OVERRIDE_FILES", raising=False)
    monkeypatch.delenv("COMPLAINT_CLOSE_OF_BUSINESS", raising=False)
    settings = ComplaintLikeSettings()
    assert (settings.calendar_override_files, settings.close_of_business) == ([], time(17, 0))


def test_a_bad_override_file_stops_the_start(tmp_path, monkeypatch):
    override = tmp_path / "calendar-2027.toml"
    override.write_text('year = 2027\nholidays = ["2028-01-01"]\n')
    monkeypatch.setenv("COMPLAINT_CALENDAR_OVERRIDE_FILES", f'["{override}"]')
    with pytest.raises(OverrideFileError, match="outside the declared year 2027"):
        WorkingCalendar.from_settings(ComplaintLikeSettings())
