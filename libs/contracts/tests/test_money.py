"""What a money field accepts, and its one canonical form."""

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from branchflow_contracts import Money


class Deposit(BaseModel):
    amount: Money


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("100", "100.00"), ("100.5", "100.50"), ("0.01", "0.01"), ("0", "0.00"), (600000, "600000.00")],
)
def test_plain_amounts_are_kept_exactly_and_sent_with_two_places(sent, stored):
    deposit = Deposit(amount=sent)
    assert deposit.amount == Decimal(stored)
    assert deposit.model_dump(mode="json") == {"amount": stored}


@pytest.mark.parametrize(
    "sent",
    [
        "１００",
        " 100",
        "100 ",
        "-0",
        "-5",
        "+5",
        "1e15",
        "1E+15",
        "1,000",
        "0.001",
        "00.5",
        ".5",
        "5.",
        "",
        100.5,
        True,
        None,
        "9" * 17,
        "NaN",
        "Infinity",
    ],
)
def test_anything_else_is_refused_with_the_rule(sent):
    with pytest.raises(ValidationError) as refused:
        Deposit(amount=sent)
    [error] = refused.value.errors()
    assert error["type"] in ("money_format", "decimal_type")
    if error["type"] == "money_format":
        assert "plain decimal string with at most 2 places" in error["msg"]


def test_our_own_decimals_are_made_canonical_and_checked():
    assert Deposit(amount=Decimal("1E+5")).model_dump(mode="json") == {"amount": "100000.00"}
    for bad in (Decimal("0.005"), Decimal("-1"), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValidationError):
            Deposit(amount=bad)
