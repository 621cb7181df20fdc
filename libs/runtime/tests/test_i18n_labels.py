"""Every code a member of staff can see has a label in Chinese and in English; labels come from
the owning package's catalogue, by enum name as context, with the English msgid as fallback."""

from enum import StrEnum
from io import BytesIO

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from branchflow_contracts import Channel, CustomerTier, GuidanceAction, SignalCategory
from branchflow_contracts import labels as contract_labels
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import (
    LOCALES,
    NC_,
    Catalogue,
    label,
    labelled_enums,
    register_labels,
    use_locale,
)
from branchflow_runtime.i18n import catalogue as catalogue_module

STAFF_VISIBLE = {CustomerTier, Channel, SignalCategory, GuidanceAction, Role}
CODES = [code for enum in labelled_enums() for code in enum]


def test_every_enum_staff_can_see_is_labelled():
    assert set(labelled_enums()) >= STAFF_VISIBLE


@pytest.mark.parametrize("code", CODES, ids=lambda c: f"{type(c).__name__}.{c.name}")
def test_every_code_has_a_label_in_both_languages(code):
    chinese, english = label(code, "zh_CN"), label(code, "en")
    assert chinese.strip() and english.strip()
    assert code.value not in (chinese, english)
    assert chinese != english  # a missing translation would fall back to English
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def test_the_domains_chinese_terms():
    assert [label(t, "zh_CN") for t in CustomerTier] == [
        "核心优质客户",
        "普通优质客户",
        "现有潜质客户",
        "待争取优质客户",
        "个人普通客户",
    ]
    assert [label(c, "zh_CN") for c in Channel] == ["理财中心识别", "系统挖掘", "电子银行挖掘", "外部挖掘"]
    assert [label(c, "zh_CN") for c in SignalCategory] == ["大额业务", "开户", "外观", "信息分析"]
    assert label(Role.LOBBY_MANAGER, "zh_CN") == "大堂经理"


def test_the_label_follows_the_current_locale():
    assert label(CustomerTier.PREMIUM) == "普通优质客户"  # zh-CN by default
    with use_locale("en"):
        assert label(CustomerTier.PREMIUM) == "Premium customer"


@pytest.mark.parametrize("locale", LOCALES)
def test_contracts_read_their_labels_without_the_runtime(locale):
    """Head office installs the contracts alone: the standard library reads the same catalogue."""
    for enum in contract_labels.LABELS:
        for code in enum:
            assert contract_labels.label(code, locale) == label(code, locale)


class Tint(StrEnum):
    LIGHT = "light"


class Weight(StrEnum):
    LIGHT = "light"
    HEAVY = "heavy"


def _compiled(tmp_path, package: str, translations: dict[tuple[str, str], str]) -> Catalogue:
    catalog = Catalog(locale="zh_CN", domain=package)
    for (context, msgid), msgstr in translations.items():
        catalog.add(msgid, msgstr, context=context)
    mo = tmp_path / "zh_CN" / "LC_MESSAGES" / f"{package}.mo"
    mo.parent.mkdir(parents=True)
    out = BytesIO()
    write_mo(out, catalog)
    mo.write_bytes(out.getvalue())
    return Catalogue(package, tmp_path)


@pytest.fixture
def registry(monkeypatch):
    """The test's enums registered for the test only."""
    monkeypatch.setattr(catalogue_module, "_LABELS", dict(catalogue_module._LABELS))


def test_one_english_word_in_two_enums_translates_twice_and_untranslated_falls_back(tmp_path, registry):
    catalogue = _compiled(tmp_path, "palette", {("Tint", "Light"): "浅色", ("Weight", "Light"): "轻"})
    register_labels(
        catalogue,
        {
            Tint: {Tint.LIGHT: NC_("Tint", "Light")},
            Weight: {Weight.LIGHT: NC_("Weight", "Light"), Weight.HEAVY: NC_("Weight", "Heavy")},
        },
    )
    assert label(Tint.LIGHT, "zh_CN") == "浅色"
    assert label(Weight.LIGHT, "zh_CN") == "轻"
    assert label(Weight.HEAVY, "zh_CN") == "Heavy"  # not translated yet: its English msgid
    assert label(Weight.LIGHT, "en") == "Light"  # no English catalogue compiled: the msgid


def test_an_enum_with_an_unlabelled_code_is_refused(registry):
    with pytest.raises(ValueError, match="Weight: no label for heavy"):
        register_labels(Catalogue("branchflow_runtime"), {Weight: {Weight.LIGHT: "Light"}})


def test_an_enum_without_labels_is_named():
    class Unknown(StrEnum):
        X = "x"

    with pytest.raises(LookupError, match="no labels registered for Unknown"):
        label(Unknown.X)
