"""The bank's override file: one year's arrangement, for when the State Council has published
it and chinese-calendar has not caught up yet (or to correct a day).

```toml
year = 2027
holidays = ["2027-01-01", "2027-02-05..2027-02-11", 2027-04-05]   # a date or an inclusive range
working_days = [2027-02-20]                                         # adjusted working weekends
```

The file is the whole year's arrangement: every day it does not list is a working day Monday
to Friday and a rest day at the weekend. It is checked when loaded (at a service's start);
every problem is reported at once, each naming the file and the entry.
"""

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

from branchflow_runtime.workdays.arrangements import DaySource, YearArrangement

KEYS = ("year", "holidays", "working_days")


class OverrideFileError(ValueError):
    """An override file that cannot be used; the message names the file and every bad entry."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"calendar override file {path}: " + "; ".join(problems))


def load_override_file(path: Path) -> YearArrangement:
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise OverrideFileError(path, [f"cannot be read ({error.strerror or error})"]) from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        # tomllib names the line and column, e.g. of a literal date 2027-02-30
        raise OverrideFileError(path, [f"is not valid TOML: {error}"]) from error

    problems = [f"unknown key {key!r} (expected: {', '.join(KEYS)})" for key in document if key not in KEYS]
    year = document.get("year")
    if "year" not in document:
        problems.append("'year' is missing")
    elif not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
        problems.append(f"year = {_as_written(year)}: expected a year such as 2027")
        year = None
    holidays = _dates(document, "holidays", year, problems)
    working_days = _dates(document, "working_days", year, problems)

    for day in sorted(holidays.keys() & working_days.keys()):
        problems.append(f"{day} is both a holiday ({holidays[day]}) and a working day ({working_days[day]})")
    for day, entry in sorted(working_days.items()):
        if day.weekday() < 5:
            problems.append(f"{entry}: {day} is a {day:%A}, a working day anyway; list worked weekends only")
    if problems:
        raise OverrideFileError(path, problems)
    return YearArrangement(
        year=year,
        source=DaySource.OVERRIDE,
        holidays=frozenset(holidays),
        working_days=frozenset(working_days),
        origin=str(path),
    )


def _dates(document: dict, key: str, year: int | None, problems: list[str]) -> dict[date, str]:
    """The days a list names, each mapped to its entry (``holidays[2]``) for messages."""
    entries = document.get(key, [])
    if not isinstance(entries, list):
        problems.append(f"{key} = {_as_written(entries)}: expected a list of dates")
        return {}
    days: dict[date, str] = {}
    for index, entry in enumerate(entries):
        name = f"{key}[{index}] = {_as_written(entry)}"
        try:
            first, last = _date_range(entry)
        except ValueError as error:
            problems.append(f"{name}: {error}")
            continue
        if year is not None and (first.year != year or last.year != year):
            problems.append(f"{name}: outside the declared year {year}")
            continue
        for offset in range((last - first).days + 1):
            days.setdefault(first + timedelta(days=offset), f"{key}[{index}]")
    return days


def _date_range(entry: object) -> tuple[date, date]:
    """A TOML date, "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" (inclusive)."""
    if isinstance(entry, date) and not isinstance(entry, datetime):
        return entry, entry
    if not isinstance(entry, str):
        raise ValueError('expected a date, "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD"')
    first_text, _, last_text = entry.partition("..")
    first, last = _parse_day(first_text), _parse_day(last_text or first_text)
    if last < first:
        raise ValueError("the range ends before it starts")
    return first, last


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(f"{text.strip()!r} is not a date ({error})") from None


def _as_written(value: object) -> str:
    """A TOML value roughly as the file spells it."""
    return value.isoformat() if isinstance(value, date) else repr(value)
