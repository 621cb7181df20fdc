"""PRC working days for the branch: time limits, the first working day of a month, festivals.

Which days are working days follows the official calendar, statutory holidays and adjusted
working weekends (调休) included. Each year is decided by one source, strongest first:

1. ``override`` — the bank's TOML file for that year (``overrides.py``), e.g. when the State
   Council has published next year's arrangement before a chinese-calendar release has it;
2. ``official`` — the State Council's arrangements as the chinese-calendar package carries them
   (``OFFICIAL_YEARS``: 2004 to 2026 in chinese-calendar 1.11);
3. ``fallback`` — for a later year: weekends plus the statutory holidays of 全国年节及纪念日放假办法
   as amended in 2024 (New Year 1 day, Spring Festival eve + 3 days, Qingming, May 1–2, Dragon
   Boat, Mid-Autumn, Oct 1–3), lunar dates and Qingming from lunar-python. Real arrangements
   move days around; so a deadline counted over such a day is ``provisional``.

``WorkingCalendar.decide(day)`` says what a day is and which source said so.

The counting rule (DOMAIN.md §3): a limit of N working days ends at the branch's close of
business (17:00 Asia/Shanghai unless configured) on the N-th working day after the day of
receipt; the day of receipt never counts, whether or not it is a working day, whatever the hour.
The branch day of an instant is its date in Asia/Shanghai.

    calendar = WorkingCalendar.from_settings(settings)     # CalendarSettings mixed into a service's
    calendar.deadline(received_at, 3)   # Deadline(due_at=<UTC>, last_day=<date>, provisional=False)
    calendar.is_first_working_day_of_month(today)          # the monthly referral summary
"""

from branchflow_runtime.workdays.arrangements import (
    OFFICIAL_YEARS,
    DaySource,
    YearArrangement,
    statutory_holidays,
)
from branchflow_runtime.workdays.festivals import Festival, FestivalCode, festivals
from branchflow_runtime.workdays.overrides import OverrideFileError, load_override_file
from branchflow_runtime.workdays.settings import DEFAULT_CLOSE_OF_BUSINESS, CalendarSettings
from branchflow_runtime.workdays.working_calendar import (
    CalendarError,
    DayDecision,
    DayKind,
    Deadline,
    WorkingCalendar,
    branch_day,
)

__all__ = [
    "DEFAULT_CLOSE_OF_BUSINESS",
    "OFFICIAL_YEARS",
    "CalendarError",
    "CalendarSettings",
    "DayDecision",
    "DayKind",
    "DaySource",
    "Deadline",
    "Festival",
    "FestivalCode",
    "OverrideFileError",
    "WorkingCalendar",
    "YearArrangement",
    "branch_day",
    "festivals",
    "load_override_file",
    "statutory_holidays",
]
