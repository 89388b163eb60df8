"""Parsing of option values shared by the commands; bad values become one-line errors."""

from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditledger.parsing import choice, choices, iso_date

if TYPE_CHECKING:  # the model (and pydantic) load only in the commands that use them
    from auditledger.model import Ledger


class Lang(str, Enum):
    """`--lang`: mirrors `model.Language` so that parsing options needs no pydantic at start-up."""

    zh = "zh"
    en = "en"


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class TextFormat(str, Enum):
    text = "text"
    json = "json"


AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="The day to judge by, YYYY-MM-DD (default: today).")
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="REV",
        help="The ledger as committed in git at REV: a commit, branch or tag, or a day YYYY-MM-DD "
        "for the last commit on or before it. The working tree is not touched.",
    ),
]
AllowErrorsOption = Annotated[
    bool,
    typer.Option(
        "--allow-errors",
        help="Make the document although the ledger has errors; it then names the records left out "
        "at its top.",
    ),
]
STDIO = Path("-")
"""The file `-`: standard input (`import -`) or standard output (`-o -`)."""
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file instead of printing (`-` prints).", dir_okay=False
    ),
]
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of this table or document (default: the global --lang; for a table "
        "on the screen also $AUDITLEDGER_LANG; else the ledger's setting).",
    ),
]


def language_of(lang: Lang | None, ledger: "Ledger", *, document: bool = False) -> str:
    """The language of a table or document: the command's own `--lang`; else, for a table on
    the screen, the language the user asked for (`auditledger --lang`, $AUDITLEDGER_LANG), for
    a document only the global `--lang` (a report is the committee's, not the user's
    environment's); else the ledger's setting."""
    from auditledger import i18n

    if lang is not None:
        return lang.value
    asked = i18n.commanded() if document else i18n.requested()
    return asked or ledger.settings.language.value


def day_or_today(value: str | None, option: str) -> date:
    """The day an option names, or today when it is not given."""
    return iso_date(value, option) if value is not None else date.today()


__all__ = ["choice", "choices", "iso_date"]
