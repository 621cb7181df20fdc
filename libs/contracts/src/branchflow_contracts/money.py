"""Money as it travels: a plain decimal string with at most two places, e.g. ``"600000.00"``.

What a money field accepts is decided here once, for every API and event:
- a string of ASCII digits, optionally a point and one or two more digits (``"100"``,
  ``"100.5"``, ``"100.50"``) — not full-width digits (``"１００"``), no sign, no spaces, no
  exponent (``"1e15"``), no thousands separators;
- a JSON integer (exact), or a ``Decimal`` from our own code;
- never a JSON number with a fraction: it is binary floating point and may not be the amount the
  caller meant.
Every accepted value is stored and sent canonically, with exactly two places (``"100.00"``).
Amounts are non-negative; ``-0`` is refused like any other sign."""

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_INTEGER_DIGITS = 16  # up to 9,999 trillion: no branch amount comes near
PATTERN = rf"^(0|[1-9][0-9]{{0,{MAX_INTEGER_DIGITS - 1}}})(\.[0-9]{{1,2}})?$"
_PATTERN = re.compile(PATTERN)
CENT = Decimal("0.01")


def _refuse(why: str) -> PydanticCustomError:
    return PydanticCustomError(
        "money_format", "money must be {expected}: {why}", {"expected": _EXPECTED, "why": why}
    )


_EXPECTED = 'a plain decimal string with at most 2 places, such as "600000.00"'


def parse_money(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _refuse("got a boolean")
    if isinstance(value, float):
        raise _refuse("a JSON number with a fraction is not exact; send it as a string")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        return _from_decimal(value)
    if not isinstance(value, str):
        raise _refuse(f"got {type(value).__name__}")
    if not _PATTERN.fullmatch(value):
        raise _refuse("only ASCII digits and one point, no sign, spaces or exponent")
    return Decimal(value).quantize(CENT)


def _from_decimal(value: Decimal) -> Decimal:
    try:
        canonical = value.quantize(CENT)
    except InvalidOperation:
        raise _refuse("not a finite amount") from None
    if canonical != value or value.is_signed() or len(str(int(canonical))) > MAX_INTEGER_DIGITS:
        raise _refuse("more than 2 places, negative or too large")
    return canonical


def format_money(value: Decimal) -> str:
    return f"{value:.2f}"


Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(format_money, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": PATTERN, "examples": ["600000.00"]}),
]
