"""The language of what people read: messages through the standard gettext machinery.

The message ids are the English texts, written in the code as `_("... {name} ...")` and
formatted after translation, so that a translation may move a placeholder but never lose it.
The Chinese catalog is `locale/zh/LC_MESSAGES/auditledger.po` (extracted and compiled with
Babel: see the README's section on translations); English is the ids themselves.

One language holds for a whole command, chosen before it runs (`use`): a global `--lang`,
else `$AUDITLEDGER_LANG`, else the ledger's `language` setting, else Chinese.
Imports nothing of the project.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from pathlib import Path

from auditledger import places

DOMAIN = "auditledger"
LOCALES = Path(__file__).parent / "locale"
LANGUAGES = places.LANGUAGES
DEFAULT = places.DEFAULT_LANGUAGE
ENVIRONMENT = places.LANGUAGE_VARIABLE

_catalogs: dict[str, gettext.NullTranslations] = {}
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_requested: str | None = None
_commanded: str | None = None


def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the message ids themselves)."""
    if language not in _catalogs:
        if language == "en":
            _catalogs[language] = gettext.NullTranslations()
        else:
            with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
                _catalogs[language] = gettext.GNUTranslations(file)
    return _catalogs[language]


def use(language: str, *, source: str = "default") -> None:
    """Speak `language` from now on. `source` says where it came from: "option" (the global
    `--lang`), "environment" ($AUDITLEDGER_LANG), "ledger" (its `language` setting) or
    "default"; what the user asked for also governs tables, and the option also documents."""
    global _current, _language, _requested, _commanded
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _current, _language = catalog(language), language
    _requested = language if source in ("option", "environment") else None
    _commanded = language if source == "option" else None


def language() -> str:
    """The language being spoken: `zh` or `en`."""
    return _language


def requested() -> str | None:
    """The language the user asked for by `--lang` or `$AUDITLEDGER_LANG`, if any: what the
    tables on the screen follow."""
    return _requested


def commanded() -> str | None:
    """The language the command line asked for by the global `--lang`, if it did: what
    documents follow besides their own `--lang`. A document is the committee's, in the
    ledger's language, whatever a user's environment prefers."""
    return _commanded


def _(message: str) -> str:
    """`message` in the language being spoken; format its placeholders after: `_("{n} files").format(n=n)`."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message, as the language counts `n`."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalog where it is defined (a table, a default); translated by `_`
    where it is shown."""
    return message


def listed(items: Iterable[str]) -> str:
    """Items as the language lists them: 甲、乙、丙 or "a, b, c"."""
    return ("、" if _language == "zh" else ", ").join(items)


def pick(zh: str, en: str) -> str:
    """One of two texts written out in both languages (labels kept as pairs in data tables)."""
    return zh if _language == "zh" else en
