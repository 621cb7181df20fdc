"""A walk-in's prospect id: derived from the phone alone with a key, the same however the phone
is typed, and a link event that carries no customer id that is a prospect id."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from branchflow_contracts import ProspectLinked, derive_prospect_id, is_prospect_id, normalize_phone


def test_the_same_phone_however_typed_is_the_same_prospect():
    one = derive_prospect_id("139 0000-1111", "key")
    assert one == derive_prospect_id("13900001111", "key") == derive_prospect_id("13900001111", b"key")
    assert is_prospect_id(one)


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [
        ("+86 139 0000 1111", "13900001111"),
        ("0086-139-0000-1111", "13900001111"),
        ("8613900001111", "13900001111"),
        ("139.0000.1111", "13900001111"),
        ("+86 10 8888 8888", "01088888888"),
        ("(010) 8888-8888", "01088888888"),
        ("+852 9123 4567", "+85291234567"),  # not China's: kept international
    ],
)
def test_a_chinese_number_with_or_without_the_country_code_is_one_person(typed, dialled):
    assert normalize_phone(typed) == dialled
    assert derive_prospect_id(typed, "key") == derive_prospect_id(dialled, "key")


def test_another_phone_or_another_key_is_another_id():
    assert derive_prospect_id("13900001111", "key") != derive_prospect_id("13900001112", "key")
    assert derive_prospect_id("13900001111", "key") != derive_prospect_id("13900001111", "other key")


def test_the_id_does_not_show_the_phone():
    assert "13900001111" not in derive_prospect_id("13900001111", "key")


@pytest.mark.parametrize("raw", ["", "12345", "-------", "139x0000111", "+" + "1" * 21])
def test_what_is_not_a_phone_is_refused(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)


def test_no_key_no_id():
    with pytest.raises(ValueError):
        derive_prospect_id("13900001111", "")


def test_a_link_names_a_customer_id_not_a_prospect_id():
    fields = {"branch_id": "BR001", "linked_by": "lm-1", "linked_at": datetime.now(UTC)}
    prospect_id = derive_prospect_id("13900001111", "key")
    assert ProspectLinked(prospect_id=prospect_id, customer_id="C000301", **fields).customer_id == "C000301"
    with pytest.raises(ValidationError):
        ProspectLinked(prospect_id=prospect_id, customer_id=prospect_id, **fields)
