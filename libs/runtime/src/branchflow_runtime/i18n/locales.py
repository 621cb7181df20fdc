"""Which languages Branchflow speaks, which one a caller asked for, and which one this request uses.

Branch staff in China read Simplified Chinese, so zh-CN is the default; English is on request.
Locale ids are gettext's (``zh_CN``, ``en``: the folder names under a package's ``locale/``);
HTTP speaks BCP 47 tags (``zh-CN``), see ``content_language``.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from babel.core import parse_locale

DEFAULT_LOCALE = "zh_CN"
SOURCE_LOCALE = "en"  # the language of the msgids: its catalogue may leave texts untranslated
LOCALES = (DEFAULT_LOCALE, SOURCE_LOCALE)
# One catalogue per language: any Chinese (zh, zh-Hans, zh-CN, zh-TW…) reads zh_CN, any English en.
_BY_LANGUAGE = {"zh": "zh_CN", "en": "en"}
_TAGS = {"zh_CN": "zh-CN", "en": "en"}

_current: ContextVar[str] = ContextVar("branchflow_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    """The locale of the request being served (``DEFAULT_LOCALE`` outside one)."""
    return _current.get()


def set_locale(locale: str) -> Token:
    """Make ``locale`` the current one; ``reset_locale(token)`` undoes it."""
    return _current.set(_known(locale))


def reset_locale(token: Token) -> None:
    _current.reset(token)


@contextmanager
def use_locale(locale: str) -> Iterator[str]:
    """Run a block in ``locale`` (a consumer, a script, a test)."""
    token = set_locale(locale)
    try:
        yield locale
    finally:
        _current.reset(token)


def content_language(locale: str) -> str:
    """The BCP 47 tag of one of our locales, for ``Content-Language``: ``zh_CN`` → ``zh-CN``."""
    return _TAGS[_known(locale)]


@functools.lru_cache(maxsize=512)  # front ends send the same few headers again and again
def negotiate(accept_language: str | None) -> str:
    """The locale to answer an ``Accept-Language`` header with: the caller's most wanted language
    we have, else the default. Tags are read by Babel (``zh-Hans-CN`` → language ``zh``); a
    range with ``q=0`` is refused, ``*`` is any language the caller did not refuse."""
    if not accept_language:
        return DEFAULT_LOCALE
    wanted, refused = _ranges(accept_language)
    for tag in wanted:
        if tag == "*":
            return next((loc for loc in LOCALES if loc not in refused), DEFAULT_LOCALE)
        if (locale := locale_of(tag)) is not None:
            return locale
    return DEFAULT_LOCALE


def _ranges(header: str) -> tuple[list[str], set[str]]:
    """The header's language ranges, highest weight first (ties keep their order), and our
    locales it refuses (``q=0``). RFC 9110 §12.4.2 and §12.5.4; Babel reads tags, not weights."""
    weighted: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    for position, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = -1.0
        if not tag or not 0.0 <= weight <= 1.0:
            continue  # malformed: ignored, as if absent
        if weight == 0.0:
            if (locale := locale_of(tag)) is not None:
                refused.add(locale)
        else:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)], refused


def locale_of(tag: str) -> str | None:
    """Our locale for a BCP 47 language tag (``zh-Hans-CN`` → ``zh_CN``, ``en-GB`` → ``en``), None
    for a language we do not speak or what is not a tag."""
    try:
        language = parse_locale(tag, sep="-")[0]
    except ValueError:  # not a language tag (nor "*")
        return None
    return _BY_LANGUAGE.get(language)


def _known(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}; supported: {', '.join(LOCALES)}")
    return locale
