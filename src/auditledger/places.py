"""Where a ledger is, found before anything is read: from `--ledger`, the environment, or the
working folder; and the language its settings declare, which the command line speaks before
it loads the ledger. Light on purpose (`--help` uses it): imports nothing of the project, and
reads one line of YAML by pattern rather than with the parser that `store` owns.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SETTINGS_FILE = "auditledger.yaml"
ENV_VAR = "AUDITLEDGER_LEDGER"
SETTINGS_LIMIT = 1 << 20
"""Bytes of the settings file looked through for its language (a real one has a few hundred)."""

_LANGUAGE = re.compile(rb"""^language:[ \t]*(['"]?)(zh|en)\1[ \t]*(?:#.*)?\r?$""", re.MULTILINE)


def search_root(explicit: Path | None = None, cwd: Path | None = None) -> tuple[Path | None, Path | None]:
    """`(root, named)`: the ledger root (`--ledger`, else $AUDITLEDGER_LEDGER, else ./ledgers,
    else the nearest folder upwards holding auditledger.yaml), or None; and the folder named
    by option or environment, if one was."""
    cwd = cwd or Path.cwd()
    if explicit is None and os.environ.get(ENV_VAR):
        explicit = Path(os.environ[ENV_VAR])
    if explicit is not None:
        return (explicit if (explicit / SETTINGS_FILE).is_file() else None), explicit
    if (cwd / "ledgers" / SETTINGS_FILE).is_file():
        return cwd / "ledgers", None
    for folder in (cwd, *cwd.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder, None
    return None, None


def declared_language(explicit: Path | None = None) -> str | None:
    """The `language:` a ledger's settings declare at their top level, if the ledger is found
    and says so plainly; the loader reads it properly later."""
    try:
        root, _named = search_root(explicit)
        if root is None:
            return None
        with (root / SETTINGS_FILE).open("rb") as file:
            found = _LANGUAGE.search(file.read(SETTINGS_LIMIT))
    except (OSError, ValueError):
        return None
    return found.group(2).decode() if found else None


LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_VARIABLE = "AUDITLEDGER_LANG"


def chosen_language(option: str | None, explicit: Path | None = None) -> tuple[str, str]:
    """`(language, source)` the command line speaks: the `--lang` option's, else the
    environment's ($AUDITLEDGER_LANG), else the one the ledger's settings declare, else zh; a
    value that is no language is passed over (the command line refuses it later)."""
    for wanted, source in ((option, "option"), (os.environ.get(LANGUAGE_VARIABLE), "environment")):
        if wanted in LANGUAGES:
            return wanted, source
    declared = declared_language(explicit)
    return (declared, "ledger") if declared else (DEFAULT_LANGUAGE, "default")
