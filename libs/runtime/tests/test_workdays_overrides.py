"""The bank's override file: loading, precedence over the official data, and each error."""

import re
from datetime import UTC, date, datetime

import pytest

from branchflow_runtime.workdays import (
    CalendarError,
    DayKind,
    DaySource,
    OverrideFileError,
    WorkingCalendar,
    load_override_file,
)

# a plausible 2027 arrangement: Spring Festival Feb 5–11 off, Sunday Jan 31 and Saturday Feb 20 worked
ARRANGEMENT_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知
year = 2027
holidays = [
    2027-01-01,
    "2027-02-05..2027-02-11",
    "2027-04-05",
]
working_days = [2027-01-31, "2027-02-20"]
"""


def write(tmp_path, text, name="calendar.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_file_decides_its_year(tmp_path):
    path = write(tmp_path, ARRANGEMENT_2027)
    arrangement = load_override_file(path)
    assert arrangement.year == 2027
    assert arrangement.source is DaySource.OVERRIDE
    assert len(arrangement.holidays) == 9  # Jan 1, seven days of February, Apr 5
    assert arrangement.working_days == {date(2027, 1, 31), date(2027, 2, 20)}

    calendar = WorkingCalendar([arrangement])
    expected = {
        date(2027, 1, 31): DayKind.ADJUSTED_WORKING_DAY,
        date(2027, 2, 9): DayKind.HOLIDAY,  # a Tuesday the fallback would have called a workday
        date(2027, 2, 12): DayKind.WORKDAY,
        date(2027, 2, 20): DayKind.ADJUSTED_WORKING_DAY,
        date(2027, 5, 3): DayKind.WORKDAY,  # not listed: a Monday works
        date(2027, 5, 8): DayKind.WEEKEND,
    }
    for day, kind in expected.items():
        decision = calendar.decide(day)
        assert (decision.kind, decision.source, decision.origin) == (kind, DaySource.OVERRIDE, str(path)), day
    # later years still fall back
    assert calendar.decide(date(2028, 3, 1)).source is DaySource.FALLBACK


def test_a_deadline_over_an_override_year_uses_it_and_is_not_provisional(tmp_path):
    calendar = WorkingCalendar([load_override_file(write(tmp_path, ARRANGEMENT_2027))])
    # Thursday Feb 4, 2 working days: the break Feb 5–11, then Feb 12 (Fri) and Feb 15 (Mon)
    deadline = calendar.deadline(datetime(2027, 2, 4, 3, 0, tzinfo=UTC), 2)
    assert deadline.due_at == datetime(2027, 2, 15, 9, 0, tzinfo=UTC)
    assert not deadline.provisional
    # Friday Jan 29, 1 working day: the worked Sunday, Jan 31
    assert calendar.deadline(datetime(2027, 1, 29, 3, 0, tzinfo=UTC), 1).last_day == date(2027, 1, 31)


def test_an_override_beats_the_official_data(tmp_path):
    path = write(tmp_path, "year = 2026\nholidays = [2026-01-01]\n")
    calendar = WorkingCalendar([load_override_file(path)])
    decision = calendar.decide(date(2026, 2, 16))  # an official Spring Festival Monday
    assert (decision.kind, decision.source) == (DayKind.WORKDAY, DaySource.OVERRIDE)
    assert WorkingCalendar().decide(date(2026, 2, 16)).kind is DayKind.HOLIDAY


def test_two_files_for_one_year_are_refused(tmp_path):
    first = load_override_file(write(tmp_path, "year = 2027\n", "a.toml"))
    second = load_override_file(write(tmp_path, "year = 2027\n", "b.toml"))
    with pytest.raises(CalendarError, match=r"two override files for 2027: .*a\.toml and .*b\.toml"):
        WorkingCalendar([first, second])


YEAR = "year = 2027\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (YEAR + 'holidays = ["2027-02-30"]', "holidays[0] = '2027-02-30': '2027-02-30' is not a date"),
        (YEAR + "holidays = [2027-02-30]", "is not valid TOML: .*line 2"),
        (YEAR + 'holidays = ["2028-01-01"]', "holidays[0] = '2028-01-01': outside the declared year 2027"),
        (YEAR + 'holidays = ["2027-12-30..2028-01-02"]', "holidays[0] = .*: outside the declared year 2027"),
        (
            YEAR + 'holidays = ["2027-02-05..2027-02-11"]\nworking_days = [2027-02-06]',
            "2027-02-06 is both a holiday (holidays[0]) and a working day (working_days[0])",
        ),
        (YEAR + "holiday = [2027-01-01]", "unknown key 'holiday' (expected: year, holidays, working_days)"),
        ("holidays = [2027-01-01]", "'year' is missing"),
        ('year = "2027"', "year = '2027': expected a year such as 2027"),
        (YEAR + 'holidays = ["2027-02-11..2027-02-05"]', "holidays[0] = .*: the range ends before it starts"),
        (YEAR + "working_days = [2027-02-09]", "working_days[0]: 2027-02-09 is a Tuesday"),
        (YEAR + 'holidays = "2027-01-01"', "holidays = '2027-01-01': expected a list of dates"),
        (YEAR + "holidays = [20270101]", "holidays[0] = 20270101: expected a date"),
        (YEAR + "holidays = [2027-01-01T08:00:00]", "holidays[0] = 2027-01-01T08:00:00: expected a date"),
    ],
)
def test_each_mistake_is_named_with_the_file_and_the_entry(tmp_path, text, problem):
    path = write(tmp_path, text + "\n")
    with pytest.raises(OverrideFileError) as raised:
        load_override_file(path)
    message = str(raised.value)
    assert message.startswith(f"calendar override file {path}: ")
    # the expected problem is literal text, with ".*" for what varies
    assert re.search(".*".join(map(re.escape, problem.split(".*"))), message), message


def test_every_mistake_is_reported_at_once(tmp_path):
    path = write(tmp_path, 'year = 2027\nholidays = ["2028-01-01", "2027-13-01"]\nextra = 1\n')
    with pytest.raises(OverrideFileError) as raised:
        load_override_file(path)
    assert len(raised.value.problems) == 3
    assert raised.value.path == path


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(OverrideFileError, match=r"missing\.toml: cannot be read"):
        load_override_file(tmp_path / "missing.toml")
