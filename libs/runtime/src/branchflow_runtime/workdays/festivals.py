"""Festivals a wealth manager greets customers on. Codes only: the labels shown to staff belong
to the gettext catalogue of the service that shows them."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from branchflow_runtime.workdays.lunar import lunar_to_solar, qingming


class FestivalCode(StrEnum):
    NEW_YEAR = "new_year"  # 元旦
    SPRING_FESTIVAL_EVE = "spring_festival_eve"  # 除夕
    SPRING_FESTIVAL = "spring_festival"  # 春节
    LANTERN = "lantern"  # 元宵节
    QINGMING = "qingming"  # 清明节
    LABOUR_DAY = "labour_day"  # 劳动节
    DRAGON_BOAT = "dragon_boat"  # 端午节
    QIXI = "qixi"  # 七夕
    MID_AUTUMN = "mid_autumn"  # 中秋节
    DOUBLE_NINTH = "double_ninth"  # 重阳节
    NATIONAL_DAY = "national_day"  # 国庆节


@dataclass(frozen=True)
class Festival:
    code: FestivalCode
    day: date


# lunar month and day of the festivals that follow the moon
_LUNAR = {
    FestivalCode.SPRING_FESTIVAL: (1, 1),
    FestivalCode.LANTERN: (1, 15),
    FestivalCode.DRAGON_BOAT: (5, 5),
    FestivalCode.QIXI: (7, 7),
    FestivalCode.MID_AUTUMN: (8, 15),
    FestivalCode.DOUBLE_NINTH: (9, 9),
}


def festivals(year: int) -> list[Festival]:
    """The festivals of Gregorian ``year``, in date order."""
    days = {code: lunar_to_solar(year, month, day) for code, (month, day) in _LUNAR.items()}
    days[FestivalCode.SPRING_FESTIVAL_EVE] = days[FestivalCode.SPRING_FESTIVAL] - timedelta(days=1)
    days[FestivalCode.NEW_YEAR] = date(year, 1, 1)
    days[FestivalCode.QINGMING] = qingming(year)
    days[FestivalCode.LABOUR_DAY] = date(year, 5, 1)
    days[FestivalCode.NATIONAL_DAY] = date(year, 10, 1)
    return sorted((Festival(code, day) for code, day in days.items()), key=lambda festival: festival.day)
