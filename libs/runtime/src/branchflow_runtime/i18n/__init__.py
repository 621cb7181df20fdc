"""Chinese first, English too: the caller's language, message catalogues, labels of codes.

- ``negotiate(accept_language)`` → ``zh_CN`` (default) or ``en``; ``current_locale()`` is the
  request's, set by ``branchflow_runtime.i18n.http.LocaleMiddleware`` (or ``use_locale``).
- ``Catalogue("<package>")``: the package's texts, ``gettext``/``ngettext``/``pgettext`` in the
  current locale, English msgid when untranslated. ``N_``/``NC_`` mark texts defined at import.
- ``label(code)``: the label of an enum code in the current locale, for every enum registered
  with ``register_labels`` (the contracts' codes and the staff roles are); ``label_of(Enum,
  "code")`` for a code kept as a string.
- ``make i18n`` (``python -m branchflow_runtime.i18n``): extract, update the ``.po``, compile.
"""

from branchflow_contracts import labels as _contract_labels
from branchflow_runtime.i18n.catalogue import (
    N_,
    NC_,
    Catalogue,
    label,
    label_of,
    labelled_enums,
    register_labels,
)
from branchflow_runtime.i18n.locales import (
    DEFAULT_LOCALE,
    LOCALES,
    SOURCE_LOCALE,
    content_language,
    current_locale,
    locale_of,
    negotiate,
    reset_locale,
    set_locale,
    use_locale,
)

RUNTIME_CATALOGUE = Catalogue("branchflow_runtime")
CONTRACTS_CATALOGUE = Catalogue(_contract_labels.DOMAIN, _contract_labels.LOCALE_DIR)
register_labels(CONTRACTS_CATALOGUE, _contract_labels.LABELS)

__all__ = [
    "CONTRACTS_CATALOGUE",
    "DEFAULT_LOCALE",
    "LOCALES",
    "NC_",
    "N_",
    "RUNTIME_CATALOGUE",
    "SOURCE_LOCALE",
    "Catalogue",
    "content_language",
    "current_locale",
    "label",
    "label_of",
    "labelled_enums",
    "locale_of",
    "negotiate",
    "register_labels",
    "reset_locale",
    "set_locale",
    "use_locale",
]
