"""Validation messages in the caller's language: pydantic's error types translated, with their
ctx values; type, loc, input and ctx unchanged, as front ends key on them."""

from decimal import Decimal
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core._pydantic_core import list_all_errors

from branchflow_runtime.i18n import RUNTIME_CATALOGUE, use_locale
from branchflow_runtime.i18n.validation import PYDANTIC_MESSAGES, localized_validation_errors

PYDANTIC_ERRORS = list_all_errors()


class Visit(BaseModel):
    customer_id: Annotated[str, Field(min_length=3, pattern=r"^[A-Z0-9]+$")]
    amount: Annotated[Decimal, Field(ge=0, decimal_places=2)]
    signals: Annotated[list[str], Field(max_length=1)] = []

    @field_validator("signals")
    @classmethod
    def _known(cls, signals: list[str]) -> list[str]:
        if "teleport" in signals:
            raise ValueError("teleport is not a signal")
        return signals


def _errors(**data) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        Visit(**data)
    return caught.value.errors()


def test_the_table_is_pydantics_own_list_of_error_types():
    """An upgrade of pydantic that adds or rewords an error type fails here: add it, `make i18n`,
    translate."""
    assert {e["type"]: e["message_template_python"] for e in PYDANTIC_ERRORS} == PYDANTIC_MESSAGES


@pytest.mark.parametrize("error", PYDANTIC_ERRORS, ids=lambda e: e["type"])
def test_every_error_type_has_a_chinese_message_that_fills_in(error):
    template = PYDANTIC_MESSAGES[error["type"]]
    chinese = RUNTIME_CATALOGUE.gettext(template, locale="zh_CN")
    assert chinese != template
    context = error["example_context"] or {}
    [localized] = localized_validation_errors(
        [{"type": error["type"], "loc": ("x",), "msg": "English", "ctx": context}], "zh_CN"
    )
    assert localized["msg"] == chinese.format_map(context)


def test_a_request_in_chinese_gets_chinese_messages_with_their_values():
    errors = _errors(customer_id="a", amount="-1")
    localized = localized_validation_errors(errors, "zh_CN")
    by_field = {e["loc"][0]: e for e in localized}
    assert by_field["customer_id"]["msg"] == "字符串长度应至少为 3 个字符"
    assert by_field["amount"]["msg"] == "输入应大于或等于 0"
    for original, translated in zip(errors, localized, strict=True):
        assert {k: v for k, v in translated.items() if k != "msg"} == {
            k: v for k, v in original.items() if k != "msg"
        }


def test_a_missing_field_and_a_domain_refusal():
    localized = localized_validation_errors(_errors(signals=["teleport"]), "zh_CN")
    messages = {e["loc"][0]: e["msg"] for e in localized}
    assert messages["customer_id"] == messages["amount"] == "必填字段"
    assert messages["signals"] == "取值有误：teleport is not a signal"


def test_english_keeps_pydantics_own_words():
    errors = _errors(customer_id="a", amount="1", signals=["x", "y"])
    assert localized_validation_errors(errors, "en") == errors
    assert "List should have at most 1 item after validation, not 2" in [e["msg"] for e in errors]


def test_the_current_locale_is_the_default():
    errors = _errors(customer_id="AB", amount="1")
    assert localized_validation_errors(errors)[0]["msg"] == "字符串长度应至少为 3 个字符"
    with use_locale("en"):
        assert localized_validation_errors(errors)[0]["msg"] == "String should have at least 3 characters"


def test_unknown_types_and_missing_values_keep_the_original_message():
    own = {"type": "signal_unknown", "loc": ("body",), "msg": "our own words", "ctx": {}}
    no_ctx = {"type": "greater_than", "loc": ("body",), "msg": "Input should be greater than 0"}
    assert localized_validation_errors([own, no_ctx], "zh_CN") == [own, no_ctx]


@pytest.mark.parametrize(
    ("expected", "chinese"),
    [
        ("'branch', 'system' or 'external'", "输入应为 'branch'、'system'或'external'"),
        ("'a' or 1", "输入应为 'a'或1"),
        ("'only'", "输入应为 'only'"),
        ("'a, b' or 'c'", "输入应为 'a, b' or 'c'"),  # cannot be told apart safely: as pydantic wrote it
    ],
)
def test_the_allowed_values_are_listed_in_chinese(expected, chinese):
    error = {"type": "enum", "loc": ("channel",), "msg": "…", "ctx": {"expected": expected}}
    [localized] = localized_validation_errors([error], "zh_CN")
    assert localized["msg"] == chinese
    assert localized["ctx"] == {"expected": expected}
