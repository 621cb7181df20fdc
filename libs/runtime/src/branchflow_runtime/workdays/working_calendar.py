"""The branch's working calendar: which days are working days, and when a time limit ends."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from branchflow_runtime.privacy import BRANCH_ZONE
from branchflow_runtime.workdays.arrangements import (
    OFFICIAL_YEARS,
    DaySource,
    YearArrangement,
    fallback_arrangement,
    official_arrangement,
)
from branchflow_runtime.workdays.overrides import load_override_file
from branchflow_runtime.workdays.settings import DEFAULT_CLOSE_OF_BUSINESS, CalendarSettings


class CalendarError(ValueError):
    """A question the calendar cannot answer, or a calendar that cannot be built."""


class DayKind(StrEnum):
    WORKDAY = "workday"  # Monday to Friday
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a statutory holiday or a day of its arranged break
    ADJUSTED_WORKING_DAY = "adjusted_working_day"  # a weekend worked in exchange (调休)


@dataclass(frozen=True)
class DayDecision:
    day: date
    kind: DayKind
    source: DaySource
    origin: str | None = None  # the override file, when source is OVERRIDE

    @property
    def is_working_day(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKING_DAY)


@dataclass(frozen=True)
class Deadline:
    due_at: datetime  # UTC
    last_day: date  # the branch day on which it falls
    # some day of the count was decided by the fallback: show "provisional calendar"
    provisional: bool


def branch_day(moment: datetime) -> date:
    """The day in the branch's zone (Asia/Shanghai) at ``moment``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no timezone; give an aware datetime")
    return moment.astimezone(BRANCH_ZONE).date()


class WorkingCalendar:
    """The PRC working calendar as the bank uses it: override file > official data > fallback.

    ``WorkingCalendar()`` is the official calendar with a 17:00 close; tests inject overrides
    (``YearArrangement`` or ``load_override_file(path)``); services use ``from_settings``.
    """

    def __init__(
        self,
        overrides: Iterable[YearArrangement] = (),
        close_of_business: time = DEFAULT_CLOSE_OF_BUSINESS,
    ) -> None:
        if close_of_business.tzinfo is not None:
            raise CalendarError("close_of_business is a wall-clock time in Asia/Shanghai, without a timezone")
        self.close_of_business = close_of_business
        self._years: dict[int, YearArrangement] = {}
        for arrangement in overrides:
            if arrangement.year in self._years:
                raise CalendarError(
                    f"two override files for {arrangement.year}: "
                    f"{self._years[arrangement.year].origin} and {arrangement.origin}"
                )
            self._years[arrangement.year] = arrangement

    @classmethod
    def from_settings(cls, settings: CalendarSettings) -> "WorkingCalendar":
        """Built from a service's ``CalendarSettings``; a bad override file stops the start."""
        return cls(
            overrides=[load_override_file(path) for path in settings.calendar_override_files],
            close_of_business=settings.close_of_business,
        )

    # -- days ---------------------------------------------------------------------------------

    def arrangement(self, year: int) -> YearArrangement:
        if year not in self._years:
            if year in OFFICIAL_YEARS:
                self._years[year] = official_arrangement(year)
            elif year >= OFFICIAL_YEARS.stop:
                self._years[year] = fallback_arrangement(year)
            else:
                # the amended regulation says nothing about those years, and nobody needs them
                raise CalendarError(
                    f"no working calendar for {year}: official data covers "
                    f"{OFFICIAL_YEARS.start}–{OFFICIAL_YEARS.stop - 1}, the fallback later years"
                )
        return self._years[year]

    def decide(self, day: date) -> DayDecision:
        """What ``day`` is, and which source said so."""
        arrangement = self.arrangement(day.year)
        if day in arrangement.working_days:
            kind = DayKind.ADJUSTED_WORKING_DAY
        elif day in arrangement.holidays:
            kind = DayKind.HOLIDAY
        else:
            kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY
        return DayDecision(day, kind, arrangement.source, arrangement.origin)

    def is_working_day(self, day: date) -> bool:
        return self.decide(day).is_working_day

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self._step(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day before ``day``."""
        return self._step(day, -1)

    def _step(self, day: date, direction: int) -> date:
        day += timedelta(days=direction)
        while not self.is_working_day(day):
            day += timedelta(days=direction)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` — counted as a time limit
        counts them, so the deadline of an N-day limit is N working days after the receipt."""
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        return sum(self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))

    def first_working_day_of_month(self, year: int, month: int) -> date:
        first = date(year, month, 1)
        return first if self.is_working_day(first) else self.next_working_day(first)

    def is_first_working_day_of_month(self, day: date) -> bool:
        """True on the day the monthly summaries go out."""
        return day == self.first_working_day_of_month(day.year, day.month)

    # -- time limits --------------------------------------------------------------------------

    def close_of_business_on(self, day: date) -> datetime:
        """The branch's close of business on ``day``, in UTC."""
        return datetime.combine(day, self.close_of_business, tzinfo=BRANCH_ZONE).astimezone(UTC)

    def deadline(self, received_at: datetime, working_days: int) -> Deadline:
        """The end of a limit of ``working_days`` working days for something received at
        ``received_at``: close of business on the N-th working day after the branch day of
        receipt. The day of receipt never counts, working day or not, whatever the hour."""
        if working_days < 1:
            raise ValueError(f"a limit counts at least 1 working day, not {working_days}")
        day = branch_day(received_at)
        counted, provisional = 0, False
        while counted < working_days:
            day += timedelta(days=1)
            decision = self.decide(day)
            provisional = provisional or decision.source is DaySource.FALLBACK
            counted += decision.is_working_day
        return Deadline(due_at=self.close_of_business_on(day), last_day=day, provisional=provisional)
