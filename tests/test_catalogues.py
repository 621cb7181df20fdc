"""The message catalogues are current: every text the source marks is in each package's .pot and
.po, every Chinese text is translated, and each committed .mo is compiled from its .po. When this
fails: `make i18n`, translate what it lists in the zh_CN .po, `make i18n` again, commit."""

import pytest

from branchflow_runtime.i18n import LOCALES
from branchflow_runtime.i18n.catalogues import Package, check, packages, update
from branchflow_runtime.settings import project_root

PACKAGES = packages()


def test_the_packages_that_own_texts_are_found():
    assert {"branchflow_contracts", "branchflow_runtime", "branchflow_gateway", "identify", "referral"} <= {
        p.name for p in PACKAGES
    }


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_the_catalogues_are_current(package):
    assert check(package) == []


@pytest.fixture
def package(tmp_path):
    source = tmp_path / "shop"
    (source / "locale").mkdir(parents=True)
    (source / "texts.py").write_text('from x import N_\n\nGREETING = N_("Welcome, {name}")\n')
    return Package("shop", source)


def test_a_new_text_makes_the_catalogues_stale_until_translated_and_compiled(package):
    assert "shop/locale/shop.pot is missing" in " ".join(check(package))
    update(package)
    # English may keep its msgid; Chinese may not
    assert check(package) == [f"{_shown(package.po('zh_CN'))}: untranslated: 'Welcome, {{name}}'"]
    _translate(package, "Welcome, {name}", "欢迎，{name}")
    assert check(package) == [f"{_shown(package.mo('zh_CN'))} is not compiled from its .po"]
    assert update(package) == [package.mo("zh_CN")]
    assert check(package) == []
    assert update(package) == []  # nothing changed, nothing written

    (package.source / "texts.py").write_text('from x import N_\n\nFAREWELL = N_("Goodbye")\n')
    problems = check(package)
    assert f"{_shown(package.pot)} lacks Goodbye" in problems
    assert f"{_shown(package.pot)} has texts no longer in the source: Welcome, {{name}}" in problems
    for locale in LOCALES:
        assert f"{_shown(package.po(locale))} lacks Goodbye" in problems


def test_a_translation_with_a_placeholder_its_msgid_lacks_is_refused(package):
    update(package)
    _translate(package, "Welcome, {name}", "欢迎，{user}")
    update(package)
    unknown = "'Welcome, {name}': translation names unknown ['user']"
    assert check(package) == [f"{_shown(package.po('zh_CN'))}: {unknown}"]


def _shown(path) -> str:
    """As the tool names a file: relative to the checkout when inside it (tests' temporary
    directories are, under var/pytest)."""
    try:
        return str(path.relative_to(project_root()))
    except ValueError:
        return str(path)


def _translate(package: Package, msgid: str, msgstr: str) -> None:
    """What a translator does: fill in the msgstr in the Chinese .po."""
    po = package.po("zh_CN")
    entry = f'msgid "{msgid}"\nmsgstr '
    po.write_text(po.read_text().replace(f'{entry}""', f'{entry}"{msgstr}"'))
