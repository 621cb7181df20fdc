"""Dates that move with the moon or the sun, for years the State Council has not yet arranged.

lunar-python (MIT) computes both from astronomy (the 寿星 algorithm), so it has no table that
ends in a given year. lunardate was the other candidate: smaller, but table-bound (1900–2099)
and GPL-3.0, which a bank's platform should not link. The two agree on every Spring Festival
from 1901 to 2099, and lunar-python's Qingming agrees with chinese-calendar's solar-term
formula over the same years.
"""

from datetime import date

from lunar_python import Lunar


def lunar_to_solar(year: int, month: int, day: int) -> date:
    """The Gregorian date of day ``day`` of (non-leap) month ``month`` of lunar year ``year``."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> date:
    """The day of the Qingming solar term (清明) in ``year``, Beijing time."""
    # the table of lunar year `year` runs from the winter before it to the spring after it
    term = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return date(term.getYear(), term.getMonth(), term.getDay())
