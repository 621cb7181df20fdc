"""Occupations, social standing and address areas are codes; staff may type them in Chinese or
English, and a value that matches nothing is refused, never scored 0."""

import pytest

from identify.domain.vocabulary import (
    OCCUPATION_NAMES,
    AddressArea,
    Occupation,
    SocialStanding,
    UnknownTerm,
    parse_term,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("企业主", Occupation.ENTREPRENEUR),
        ("私营企业主", Occupation.ENTREPRENEUR),
        ("Business Owner", Occupation.ENTREPRENEUR),
        ("entrepreneur", Occupation.ENTREPRENEUR),
        ("高管", Occupation.EXECUTIVE),
        ("医生", Occupation.DOCTOR),
        ("  律师 ", Occupation.LAWYER),
        ("civil_servant", Occupation.CIVIL_SERVANT),
        ("civil servant", Occupation.CIVIL_SERVANT),
        ("退休", Occupation.RETIRED),
    ],
)
def test_occupations_in_either_language_are_one_code(text, code):
    assert parse_term(Occupation, text) is code


@pytest.mark.parametrize(
    ("vocabulary", "text", "code"),
    [
        (SocialStanding, "社会名流", SocialStanding.HIGH),
        (SocialStanding, "一般", SocialStanding.NORMAL),
        (AddressArea, "高档住宅区", AddressArea.HIGH_END_RESIDENTIAL),
        (AddressArea, "high-end office", AddressArea.HIGH_END_OFFICE),
    ],
)
def test_standing_and_address_area_in_either_language(vocabulary, text, code):
    assert parse_term(vocabulary, text) is code


@pytest.mark.parametrize(
    ("vocabulary", "text"), [(Occupation, "宇航员"), (SocialStanding, "royal"), (Occupation, "")]
)
def test_a_value_that_matches_nothing_is_refused_naming_the_field(vocabulary, text):
    with pytest.raises(UnknownTerm) as refused:
        parse_term(vocabulary, text)
    assert refused.value.field in ("occupation", "social_standing")
    assert refused.value.code == "vocabulary.unknown_term"


def test_every_occupation_has_english_and_chinese_names():
    for code, names in OCCUPATION_NAMES.items():
        assert any(n.isascii() for n in names), code
        assert any(not n.isascii() for n in names), code
    assert set(OCCUPATION_NAMES) == set(Occupation)
