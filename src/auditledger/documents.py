"""What every face of the tool (the command line, the workbench) needs to make a document:
the template folders that replace shipped ones, and what a document says it was made from.

May import: model, diagnostics, i18n, store, loader, asof, reports, render.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _, ngettext

if TYPE_CHECKING:
    from auditledger.diagnostics import Diagnostic
    from auditledger.model import Ledger
    from auditledger.render.report import Format
    from auditledger.reports import Kind, Provenance


def refused_for_errors(count: int, hint: str, diagnostics: Sequence[Diagnostic] = ()) -> AuditLedgerError:
    """A document refused because the ledger has `count` errors: it would leave records out or
    show wrong figures (the command line and the workbench say so alike, each with its `hint`)."""
    return AuditLedgerError(
        ngettext(
            "the ledger has {count} error, so this document would leave records out or show wrong figures",
            "the ledger has {count} errors, so this document would leave records out or show wrong figures",
            count,
        ).format(count=count),
        hint=hint,
        diagnostics=list(diagnostics),
        exit_code=1,
    )


def template_folders(ledger: Ledger, explicit: Path | None = None) -> list[Path]:
    """Where templates are looked up before the shipped ones: `--templates`, then the ledger's
    `templates` setting. Every rendered document uses this, so a committee's wording applies to
    all. A `templates` setting that names no folder is an error, never quietly the shipped wording."""
    from auditledger import store
    from auditledger.diagnostics import Diagnostic, display_path
    from auditledger.loader import locate_lines

    folders = [explicit] if explicit else []
    name = ledger.settings.templates
    if name:
        folder = ledger.root / name
        parts = Path(name).parts
        inside = (
            not Path(name).is_absolute()
            and ".." not in parts
            and os.path.realpath(folder) == os.path.join(os.path.realpath(ledger.root), *parts)
        )
        if not inside:
            where = locate_lines([Diagnostic.at(ledger.settings_origin.path, ("templates",), "", "")])[0]
            raise AuditLedgerError(
                _(
                    "{where}: templates-outside: `templates: {name}` is not a folder inside the "
                    "ledger (an absolute path, `..` or a symbolic link)"
                ).format(where=where.where(), name=name),
                hint=_(
                    "keep the ledger's templates in a folder of the ledger, e.g. templates: tpl; "
                    "use --templates DIR for a folder of your own"
                ),
            )
        if not store.is_folder(folder):
            where = locate_lines([Diagnostic.at(ledger.settings_origin.path, ("templates",), "", "")])[0]
            raise AuditLedgerError(
                _("{where}: templates-missing: `templates: {name}` names no folder ({folder})").format(
                    where=where.where(), name=name, folder=display_path(folder)
                ),
                hint=_(
                    "create the folder, correct the path (relative to the ledger folder) "
                    "or remove the setting"
                ),
            )
        folders.append(folder)
    return folders


def provenance_of(ledger: Ledger, day: date, templates: str | None = None) -> Provenance:
    """What a rendered document says it was made from: version, as-of date, the digest of the
    ledger's data, and `templates`, the digest of the templates it uses that replace shipped ones
    (`own_templates`). Not the git commit: a report at the cut-off stays the same bytes after
    later commits."""
    from auditledger import __version__
    from auditledger.asof import digest_of
    from auditledger.reports import Provenance

    digest = digest_of(ledger) if ledger.as_of is not None else ledger.digest
    return Provenance(__version__, day, digest, ledger.left_out, templates)


def own_templates(folders: Sequence[Path], kind: Kind, output: Format, *, word: bool = False) -> str | None:
    """sha256 of the templates from `folders` that document `kind` uses (`word`: and the
    committee's `reference.docx`); None when it uses none."""
    if not folders:
        return None
    from auditledger.render.report import templates_digest

    found = templates_digest(folders, kind, output)
    if word:
        from auditledger.render.word import reference_digest

        found = reference_digest(folders, found)
    return found
