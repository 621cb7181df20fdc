"""Scalars every domain may use, beyond GraphQL's and Strawberry's own."""

from decimal import Decimal
from typing import NewType

import strawberry
from pydantic_core import PydanticCustomError

from branchflow_contracts.money import format_money, parse_money

Money = NewType("Money", Decimal)
"""CNY, checked by the contracts' one money rule as the caller wrote it: GraphQL's Decimal would
turn "１００" or " 100" into a valid 100 on its way to a service that refuses them."""


def _parse_money(value: object) -> Decimal:
    try:
        return parse_money(value)
    except PydanticCustomError as exc:
        raise ValueError(str(exc)) from None


SCALAR_MAP = {
    Money: strawberry.scalar(
        name="Money",
        description='CNY as a plain decimal string with at most 2 places, e.g. "600000.00"',
        serialize=format_money,
        parse_value=_parse_money,
    ),
}
