"""Which language a caller gets: Accept-Language negotiated to zh_CN (the default) or en."""

import asyncio

import pytest

from branchflow_runtime.i18n import (
    DEFAULT_LOCALE,
    content_language,
    current_locale,
    negotiate,
    use_locale,
)


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "zh_CN"),
        ("", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh-Hans", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("ZH-cn", "zh_CN"),
        ("zh-TW", "zh_CN"),  # the one Chinese we have
        ("en", "en"),
        ("en-US", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr", "zh_CN"),  # nothing we speak: the default
        ("fr-FR, en;q=0.5", "en"),  # the first we speak
        ("en;q=0.2, zh-Hans;q=0.8", "zh_CN"),  # weights, not order
        ("zh;q=0.5, en;q=0.5", "zh_CN"),  # a tie keeps the header's order
        ("en;q=0.5, zh;q=0.5", "en"),
        ("*", "zh_CN"),
        ("zh;q=0, *", "en"),  # any language but Chinese
        ("en;q=0", "zh_CN"),
        ("en;q=0, fr", "zh_CN"),
        ("de, *;q=0.1", "zh_CN"),
        ("en;q=abc, zh", "zh_CN"),  # a malformed weight drops its range
        ("en;q=2, zh", "zh_CN"),  # so does one out of range
        ("12, 3-en, en", "en"),  # not language tags
        (";;;, , en-US", "en"),
        ("zh-Hant-TW;q=0.9 , en-US ; q=0.95", "en"),
    ],
)
def test_accept_language_is_negotiated_to_one_of_ours(header, locale):
    assert negotiate(header) == locale


def test_http_speaks_bcp47_tags():
    assert content_language("zh_CN") == "zh-CN"
    assert content_language("en") == "en"
    with pytest.raises(ValueError, match="unsupported locale 'fr'"):
        content_language("fr")


def test_the_locale_is_the_current_tasks_own():
    async def in_locale(locale: str) -> list[str]:
        seen = []
        with use_locale(locale):
            for _ in range(3):
                seen.append(current_locale())
                await asyncio.sleep(0)
        return seen

    async def both():
        return await asyncio.gather(in_locale("en"), in_locale("zh_CN"))

    english, chinese = asyncio.run(both())
    assert english == ["en"] * 3 and chinese == ["zh_CN"] * 3
    assert current_locale() == DEFAULT_LOCALE


def test_an_unsupported_locale_is_refused():
    with pytest.raises(ValueError, match="supported: zh_CN, en"), use_locale("de"):
        pass
