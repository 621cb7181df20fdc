"""identify's texts in Chinese and English: every label of its codes exists in both, the labels of
what staff type are names they may type, and explanations, refusals and guidance are worded in
the caller's language from their codes — while what is stored keeps codes and English."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from branchflow_contracts import CustomerTier, Guidance, GuidanceAction, GuidanceScript, SignalCategory
from branchflow_runtime.i18n import LOCALES, label, use_locale
from identify import labels
from identify.domain.facts import CustomerFacts
from identify.domain.rating import Factor, rate
from identify.domain.signals import SIGNAL_KINDS, InvalidSignal, ObservedSignal, SignalKind
from identify.domain.texts import EXPLANATION_TEXTS
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding, UnknownTerm, parse_term

from .ruleset import RULES

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("enum", list(labels.LABELS), ids=lambda e: e.__name__)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_code_of_identify_has_a_label(enum, locale):
    for code in enum:
        assert label(code, locale).strip() and label(code, locale) != code.value


@pytest.mark.parametrize("vocabulary", [Occupation, SocialStanding, AddressArea])
@pytest.mark.parametrize("locale", LOCALES)
def test_a_label_of_what_staff_type_is_a_name_they_may_type(vocabulary, locale):
    for code in vocabulary:
        assert parse_term(vocabulary, label(code, locale)) is code


def test_every_signal_kind_belongs_to_one_category():
    assert sorted(k for kinds in SIGNAL_KINDS.values() for k in kinds) == sorted(SignalKind)


def _rating(**facts):
    signals = (
        ObservedSignal(SignalCategory.LARGE_BUSINESS, SignalKind.CASH_DEPOSIT, Decimal("100000"), NOW),
        ObservedSignal(SignalCategory.APPEARANCE, SignalKind.LUXURY_CAR, observed_at=NOW),
    )
    return rate(CustomerFacts("C1", "BR001", **facts), signals, RULES, NOW)


def test_the_stored_explanation_keeps_codes_and_english():
    rating = _rating(deposits=Decimal("600000"), occupation=Occupation.ENTREPRENEUR)
    details = {i.code: i.detail for i in rating.explanation}
    assert details["signal.observed"] == "luxury_car, seen 2026-11-22"
    assert details["personal.occupation"] == "occupation: entrepreneur"


def test_the_explanation_reads_in_the_callers_language():
    rating = _rating(deposits=Decimal("600000"), occupation=Occupation.ENTREPRENEUR)
    stored = rating.explanation_dicts()
    with use_locale("zh_CN"):
        zh = {line["code"]: line for line in labels.explanation(stored)}
        decided_zh = labels.decided_by(labels.explanation(stored), rating.decided_by)
    with use_locale("en"):
        en = {line["code"]: line for line in labels.explanation(stored)}
    assert zh["signal.observed"]["detail"] == "驾乘高档汽车（2026-11-22）"
    assert en["signal.observed"]["detail"] == "Arrives in a luxury car, seen 2026-11-22"
    assert zh["personal.occupation"]["detail"] == "职业：企业主"
    assert zh["holdings.assets"]["detail"].startswith("在我行资产 ≥ ") and zh["holdings.assets"][
        "detail"
    ].endswith(" 元")
    assert zh["holdings.assets"]["factor_label"] == "在我行资产"
    assert en["holdings.assets"]["factor_label"] == "Assets with us"
    tier = label(rating.tier, "zh_CN")
    assert decided_zh.startswith(f"{tier}：")
    assert "；" in decided_zh or "：" in decided_zh
    for line in zh.values():  # every line is Chinese, with no code left in it
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line["detail"]), line
        assert "_" not in line["detail"], line


def test_every_line_of_every_factor_is_worded_in_both_languages():
    rating = _rating(deposits=Decimal("2000000"), loans=Decimal("300000"), funds=Decimal("10"),
                     occupation=Occupation.DOCTOR, social_standing=SocialStanding.HIGH,
                     address_area=AddressArea.HIGH_END_OFFICE, family_high_income=True,
                     other_bank_vip=True, banks_mainly_elsewhere=True)  # fmt: skip
    for line in rating.explanation:
        assert Factor(line.factor) and line.code in EXPLANATION_TEXTS
    for locale in LOCALES:
        with use_locale(locale):
            worded = labels.explanation(rating.explanation_dicts())
        for line in worded:
            assert "{" not in line["detail"] and "_" not in line["detail"], line


def test_a_line_stored_before_lines_had_codes_keeps_its_english():
    old = [{"factor": "holdings", "code": None, "detail": "assets ≥ 500,000 CNY", "points": "35"}]
    with use_locale("zh_CN"):
        assert labels.explanation(old)[0]["detail"] == "assets ≥ 500,000 CNY"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN", "“玉石”不是可识别的职业，请填写以下之一：企业主、企业高管、"),
        ("en", "'玉石' is not a known occupation; use one of Business owner, Executive, "),
    ],
)
def test_a_refusal_is_worded_in_the_callers_language_with_labels(locale, expected):
    with pytest.raises(UnknownTerm) as refused:
        parse_term(Occupation, "玉石")
    assert str(refused.value).startswith("'玉石' is not a known occupation; use one of entrepreneur, ")
    with use_locale(locale):
        assert labels.said(refused.value).startswith(expected)


def test_a_signal_that_cannot_be_is_refused_with_a_code_and_its_words():
    with pytest.raises(InvalidSignal) as refused:
        ObservedSignal(SignalCategory.LARGE_BUSINESS, "cash_deposit")
    assert refused.value.code == "signal.amount_required"
    assert refused.value.params == {"kind": "cash_deposit"}
    with use_locale("zh_CN"):
        assert labels.said(refused.value) == "大额业务特征“大额存现”须填写金额"


def test_a_guidance_reads_in_the_callers_language_with_its_codes():
    guidance = Guidance(
        action=GuidanceAction.PRIORITY_COUNTER,
        call_wealth_manager=False,
        alternatives=(GuidanceAction.MEET_WEALTH_MANAGER,),
        script="Take the customer to the priority counter (green channel) first; …",
        script_code=GuidanceScript.PRIORITY_COUNTER_FIRST.value,
        offer_wealth_manager_card=True,
    )
    with use_locale("zh_CN"):
        shown = labels.guidance(guidance)
    assert shown["action"] == "priority_counter" and shown["script_code"] == "priority_counter_first"
    assert shown["script"].startswith("先引导客户到优先窗口（绿色通道）")
    assert shown["action_label"] == label(GuidanceAction.PRIORITY_COUNTER, "zh_CN")
    assert shown["alternative_labels"] == [label(GuidanceAction.MEET_WEALTH_MANAGER, "zh_CN")]


def test_a_guidance_stored_without_a_script_code_keeps_its_english():
    old = {"action": "self_service", "call_wealth_manager": False, "script": "Go to self-service."}
    with use_locale("zh_CN"):
        assert labels.guidance(old)["script"] == "Go to self-service."


def test_tier_words_are_the_domains():
    assert label(CustomerTier.TO_WIN, "zh_CN") == "待争取优质客户"
