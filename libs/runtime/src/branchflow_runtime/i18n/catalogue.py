"""Message catalogues: one per package that owns texts (gettext domain = the package's name, files
under ``<package>/locale/<locale>/LC_MESSAGES/``), and the labels of codes.

APIs and events carry codes and English msgids; what a person reads is looked up here in the
request's locale. A text not translated (yet) falls back to its English msgid.
"""

import importlib.util
from collections.abc import Mapping
from enum import Enum
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from branchflow_runtime.i18n.locales import LOCALES, current_locale


def N_(message: str) -> str:
    """Marks a text defined at import time for extraction; it is translated where it is shown."""
    return message


def NC_(context: str, message: str) -> str:
    """``N_`` with a context (for labels: the enum's name), so one English word can have two
    translations."""
    return message


class Catalogue:
    """The translated texts of one package, loaded once per locale from its compiled ``.mo``."""

    def __init__(self, package: str, directory: Path | None = None) -> None:
        self.domain = package
        self.directory = directory or package_directory(package) / "locale"
        self._loaded: dict[str, NullTranslations] = {}

    def translations(self, locale: str | None = None) -> NullTranslations:
        locale = locale or current_locale()
        loaded = self._loaded.get(locale)
        if loaded is None:
            loaded = self._loaded[locale] = self._load(locale)
        return loaded

    def gettext(self, message: str, *, locale: str | None = None) -> str:
        return self.translations(locale).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, *, locale: str | None = None) -> str:
        return self.translations(locale).ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str, *, locale: str | None = None) -> str:
        return self.translations(locale).pgettext(context, message)

    def npgettext(
        self, context: str, singular: str, plural: str, n: int, *, locale: str | None = None
    ) -> str:
        return self.translations(locale).npgettext(context, singular, plural, n)

    def mo_path(self, locale: str) -> Path:
        return self.directory / locale / "LC_MESSAGES" / f"{self.domain}.mo"

    def _load(self, locale: str) -> NullTranslations:
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}; supported: {', '.join(LOCALES)}")
        try:
            with self.mo_path(locale).open("rb") as mo:
                return GNUTranslations(mo)
        except FileNotFoundError:  # a catalogue not compiled yet: its English msgids
            return NullTranslations()


def package_directory(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{package!r} is not an importable package")
    return Path(next(iter(spec.submodule_search_locations)))


# enum → the catalogue holding its labels and each code's English label (the msgid)
_LABELS: dict[type[Enum], tuple[Catalogue, Mapping[Enum, str]]] = {}


def register_labels(catalogue: Catalogue, tables: Mapping[type[Enum], Mapping[Enum, str]]) -> None:
    """Make ``label()`` know these enums. Each table gives every code of its enum an English label
    marked ``NC_("<EnumName>", "…")``: the enum's name is the gettext context. A code without a
    label is refused here, at import, rather than shown as a code."""
    for enum, table in tables.items():
        unlabelled = [code.value for code in enum if not table.get(code)]
        if unlabelled:
            raise ValueError(f"{enum.__name__}: no label for {', '.join(map(str, unlabelled))}")
        _LABELS[enum] = (catalogue, table)


def label(code: Enum, locale: str | None = None) -> str:
    """What a person reads for ``code``, in ``locale`` (default: the request's)."""
    try:
        catalogue, table = _LABELS[type(code)]
    except KeyError:
        raise LookupError(f"no labels registered for {type(code).__name__}") from None
    return catalogue.pgettext(type(code).__name__, table[code], locale=locale)


def label_of(enum: type[Enum], value: str | None, locale: str | None = None) -> str | None:
    """The label of ``value`` read as a code of ``enum`` (a stored or received string). A value
    that is no such code (kept from before the code existed) is shown as it is; None stays None."""
    if value is None:
        return None
    code = enum._value2member_map_.get(value)
    return value if code is None else label(code, locale)


def labelled_enums() -> tuple[type[Enum], ...]:
    """Every enum whose codes have labels (the tests check each in every locale)."""
    return tuple(_LABELS)
