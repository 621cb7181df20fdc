"""``make i18n``: for every package that owns texts, Babel extracts them into ``<package>.pot``,
brings each language's ``.po`` up to date with it, and compiles the ``.mo`` the services read.
``check`` says what is stale (the tests run it).

A package owns texts when it has a ``locale/`` folder next to its ``__init__.py``. Babel's Python
API rather than ``pybabel``: a file is written only when its messages change (``pybabel`` stamps
every run with a new date, which would make every branch's catalogue conflict with the others'),
and the ``.po`` carry no source line numbers, so moving code changes no catalogue.
The compiled ``.mo`` files are committed: a fresh clone runs, and the contracts package, which
reads them with the standard library alone, ships them.
"""

import argparse
import io
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from branchflow_runtime.i18n.locales import LOCALES, SOURCE_LOCALE
from branchflow_runtime.settings import project_root

# gettext's usual names, and the markers of texts defined at import time
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NC_": ((1, "c"), 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
HEADER = "# The texts of PROJECT, written by `make i18n` (python -m branchflow_runtime.i18n).\n#"
# where the workspace keeps its packages: libs/<name>/src/<package>, services/<name>/src/<package>,
# gateway/src/<package>
PACKAGE_PATTERNS = ("*/src/*/locale", "*/*/src/*/locale")


@dataclass(frozen=True)
class Package:
    name: str
    source: Path

    @property
    def locale_dir(self) -> Path:
        return self.source / "locale"

    @property
    def pot(self) -> Path:
        return self.locale_dir / f"{self.name}.pot"

    def po(self, locale: str) -> Path:
        return self.locale_dir / locale / "LC_MESSAGES" / f"{self.name}.po"

    def mo(self, locale: str) -> Path:
        return self.locale_dir / locale / "LC_MESSAGES" / f"{self.name}.mo"


def packages(root: Path | None = None) -> list[Package]:
    root = root or project_root()
    found = {path.parent for pattern in PACKAGE_PATTERNS for path in root.glob(pattern) if path.is_dir()}
    return sorted((Package(source.name, source) for source in found), key=lambda p: p.name)


def extract(package: Package) -> Catalog:
    """The texts the package's source marks today."""
    template = Catalog(
        project=package.name, domain=package.name, header_comment=HEADER, charset="utf-8", fuzzy=False
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        package.source, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(package: Package) -> list[Path]:
    """Extract, update every language's ``.po``, compile; the files that changed."""
    template = extract(package)
    changed = []
    if _write(package.pot, template, keep_date_of=package.pot):
        changed.append(package.pot)
    for locale in LOCALES:
        catalog = _read(package.po(locale)) if package.po(locale).exists() else _new(package, locale)
        catalog.update(template, update_creation_date=False)
        if _write(package.po(locale), catalog):
            changed.append(package.po(locale))
        if _write_bytes(package.mo(locale), _compiled(_read(package.po(locale)))):
            changed.append(package.mo(locale))
    return changed


def check(package: Package) -> list[str]:
    """What is stale or missing in the package's catalogues; empty when all is current."""
    problems = []
    wanted = _keys(extract(package))
    files = [package.pot] + [package.po(locale) for locale in LOCALES]
    for path in files:
        if not path.exists():
            problems.append(f"{_rel(path)} is missing")
            continue
        catalog = _read(path)
        if missing := wanted - _keys(catalog):
            problems.append(f"{_rel(path)} lacks {_show(missing)}")
        if extra := _keys(catalog) - wanted:
            problems.append(f"{_rel(path)} has texts no longer in the source: {_show(extra)}")
    for locale in LOCALES:
        if not package.po(locale).exists():
            continue
        catalog = _read(package.po(locale))
        problems += [f"{_rel(package.po(locale))}: {p}" for p in translation_problems(catalog, locale)]
        mo = package.mo(locale)
        if not mo.exists() or mo.read_bytes() != _compiled(catalog):
            problems.append(f"{_rel(mo)} is not compiled from its .po")
    return problems


def translation_problems(catalog: Catalog, locale: str) -> Iterator[str]:
    """Untranslated or fuzzy texts (allowed in the source language only), and translations that
    name a placeholder their msgid does not have (it could never be filled in)."""
    for message in _messages(catalog):
        msgids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if locale != SOURCE_LOCALE and (message.fuzzy or not all(strings)):
            yield f"{'fuzzy' if message.fuzzy else 'untranslated'}: {message.id!r}"
        allowed = set().union(*(_placeholders(m) for m in msgids))
        for translated in filter(None, strings):
            if unknown := _placeholders(translated) - allowed:
                yield f"{message.id!r}: translation names unknown {sorted(unknown)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m branchflow_runtime.i18n", description=__doc__)
    parser.add_argument("command", nargs="?", choices=("update", "check"), default="update")
    args = parser.parse_args(argv)
    failed = False
    for package in packages():
        if args.command == "update":
            changed = update(package)
            print(f"{package.name}: {', '.join(_rel(p) for p in changed) or 'up to date'}")
            for problem in translation_problems(_read(package.po(LOCALES[0])), LOCALES[0]):
                print(f"  to translate in {_rel(package.po(LOCALES[0]))}: {problem}")
        else:
            for problem in check(package):
                failed = True
                print(f"{package.name}: {problem}")
    return 1 if failed else 0


def _new(package: Package, locale: str) -> Catalog:
    """An empty catalogue for a new language (what ``pybabel init`` makes)."""
    return Catalog(
        locale=locale,
        domain=package.name,
        project=package.name,
        header_comment=HEADER,
        charset="utf-8",
        fuzzy=False,
    )


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id)  # the header has an empty msgid


def _keys(catalog: Catalog) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in _messages(catalog)}


def _placeholders(text: str) -> set[str]:
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field]
        return {field.split(".")[0].split("[")[0] for field in fields}
    except ValueError:  # not a format string (a lone brace): nothing to fill in
        return set()


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def _serialized(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True)
    return out.getvalue()


def _compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _write(path: Path, catalog: Catalog, keep_date_of: Path | None = None) -> bool:
    """Write ``catalog`` unless the file holds the same messages; a template keeps its creation
    date until its messages change."""
    if keep_date_of is not None and keep_date_of.exists():
        catalog.creation_date = _read(keep_date_of).creation_date
        if path.read_bytes() == _serialized(catalog):
            return False
        catalog.creation_date = datetime.now(UTC)
    return _write_bytes(path, _serialized(catalog))


def _write_bytes(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(project_root()))
    except ValueError:
        return str(path)


def _show(keys: set[tuple[str, str | None]]) -> str:
    return ", ".join(sorted(f"{context}|{msgid}" if context else msgid for msgid, context in keys)[:10])


if __name__ == "__main__":
    sys.exit(main())
