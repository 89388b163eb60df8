"""The `report` command: build a report's data, render it with the templates, print or write it."""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditledger.cli import command
from auditledger.cli.options import (
    STDIO,
    AllowErrorsOption,
    AtOption,
    LangOption,
    OutputOption,
    iso_date,
    language_of,
)
from auditledger.diagnostics import AuditLedgerError, ledger_path
from auditledger.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from auditledger.model import Ledger
    from auditledger.render.report import Format
    from auditledger.reports import Kind, Provenance


class ReportFormat(str, Enum):
    """Mirrors `render.report.Format` so that parsing options loads no Jinja at start-up; `json`
    is the document's data, rendered by no template."""

    md = "md"
    html = "html"
    json = "json"


class ReportKind(str, Enum):
    """Mirrors `reports.Kind` so that parsing options loads no model at start-up."""

    rectification = "rectification"
    unit = "unit"
    plan_status = "plan-status"
    cases = "cases"
    budget_review = "budget-review"
    assets = "assets"
    supervision = "supervision"
    notice = "notice"


@command("report")
def report(
    year: Annotated[int, typer.Option(help="The audit year the report covers.")],
    kind: Annotated[
        ReportKind,
        typer.Option(
            help="rectification: the rectification report (整改情况报告); unit: one unit's "
            "responsibility list (整改责任清单, with --unit); plan-status: a one-page status for a "
            "hearing; cases: the typical-case analysis (典型案例); budget-review: open and recurring "
            "problems by budget department; assets: state-owned assets (国有资产); supervision: "
            "the committee's report on its tracking supervision (跟踪监督); notice: the reminder "
            "(整改督办通知) to one unit with --unit, else to every unit that owes something."
        ),
    ] = ReportKind.rectification,
    unit: Annotated[
        str | None,
        typer.Option(help="The unit, its id or name (czj, 财政局), for --kind unit or --kind notice."),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="md, html or json (the report's data).")
    ] = ReportFormat.md,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The day the figures are of, YYYY-MM-DD (default: the cut-off of the year's "
            "rectification report in _year.yaml, else today).",
        ),
    ] = None,
    at: AtOption = None,
    allow_errors: AllowErrorsOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="The version for publication: no personal names, contact details or internal notes.",
        ),
    ] = False,
    with_lower: Annotated[
        bool, typer.Option("--with-lower", help="Add the lower-level ledgers' figures (上下联动).")
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option(
            help="A folder of templates that replace the shipped ones file by file.",
            file_okay=False,
            exists=True,
        ),
    ] = None,
) -> None:
    """Render a report in Markdown or HTML (整改情况报告, 责任清单, 跟踪监督情况), or its data as JSON."""
    from auditledger import reports
    from auditledger.cli.browse import read_ledger
    from auditledger.render.report import Format, render

    if kind is ReportKind.unit and not unit:
        raise AuditLedgerError(_("--kind unit needs --unit"), hint=_("name the unit, e.g. --unit czj"))
    ledger = read_ledger(
        iso_date(as_of, "--as-of") if as_of else lambda present: cutoff_of(present, year),
        at=at,
        strict=True,
        allow_errors=allow_errors,
        with_lower=with_lower,
    )
    assert ledger.as_of is not None
    day = ledger.as_of
    if public:
        ledger = reports.public_ledger(ledger)
    as_json = output_format is ReportFormat.json
    folders = template_folders(ledger, templates)
    document = (reports.Kind(kind.value), Format.md if as_json else Format(output_format.value))
    provenance = provenance_of(ledger, day, None if as_json else own_templates(folders, *document))
    data: (
        reports.RectificationReport
        | reports.UnitReport
        | reports.PlanStatus
        | reports.CasesReport
        | reports.BudgetReview
        | reports.AssetsReport
        | reports.SupervisionReport
        | reports.NoticeReport
    )
    if kind is ReportKind.supervision:
        data = reports.supervision(ledger, year, provenance)
    elif kind is ReportKind.notice:
        from auditledger.queries import unit_id

        data = reports.notice(ledger, year, provenance, unit_id(ledger, unit) if unit else None)
    elif kind is ReportKind.cases:
        data = reports.cases(ledger, year, provenance)
    elif kind is ReportKind.budget_review:
        data = reports.budget_review(ledger, year, provenance)
    elif kind is ReportKind.assets:
        data = reports.assets(ledger, year, provenance)
    elif kind is ReportKind.unit:
        assert unit is not None
        from auditledger.queries import unit_id

        data = reports.unit_report(ledger, year, unit_id(ledger, unit), provenance)
    elif kind is ReportKind.plan_status:
        data = reports.plan_status(ledger, year, provenance)
    else:
        data = reports.rectification(ledger, year, provenance)
        if with_lower:
            import dataclasses

            from auditledger.levels import Level, lower_levels, own_name, rollup

            levels = [Level(own_name(ledger), ledger, []), *lower_levels(ledger)]
            data = dataclasses.replace(data, rollup=rollup(levels, year, day))
    if as_json:
        from auditledger.render.tabular import plain, to_json

        write_or_print(to_json(plain(data)), output)
        return
    text = render(data, *document, language_of(lang, ledger, document=True), folders)
    write_or_print(text, output)


def cutoff_of(ledger: "Ledger", year: int) -> "date":
    """The data cut-off of the year's rectification report, said on standard error; else today."""
    from datetime import date

    meta = ledger.years.get(year)
    report = meta.rectification_report if meta else None
    if report is None or report.cutoff is None:
        return date.today()
    typer.echo(
        _(
            "as of {day}, the data cut-off of the {year} rectification report ({file}); "
            "pass --as-of to choose another day"
        ).format(day=report.cutoff, year=year, file=ledger_path(year, "_year.yaml")),
        err=True,
    )
    if report.cutoff > date.today():
        typer.echo(
            _(
                "warning: the cut-off {day} is still ahead: the figures are today's, and will "
                "change until then"
            ).format(day=report.cutoff),
            err=True,
        )
    return report.cutoff


def template_folders(ledger: "Ledger", explicit: Path | None = None) -> list[Path]:
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


def provenance_of(ledger: "Ledger", day: "date", templates: str | None = None) -> "Provenance":
    """What a rendered document says it was made from: version, as-of date, the digest of the
    ledger's data, and `templates`, the digest of the templates it uses that replace shipped ones
    (`own_templates`). Not the git commit: a report at the cut-off stays the same bytes after
    later commits."""
    from auditledger import __version__
    from auditledger.asof import digest_of
    from auditledger.reports import Provenance

    digest = digest_of(ledger) if ledger.as_of is not None else ledger.digest
    return Provenance(__version__, day, digest, ledger.left_out, templates)


def own_templates(folders: "Sequence[Path]", kind: "Kind", output: "Format") -> str | None:
    """sha256 of the templates from `folders` that document `kind` uses; None when it uses none."""
    if not folders:
        return None
    from auditledger.render.report import templates_digest

    return templates_digest(folders, kind, output)


def write_or_print(text: str | bytes, output: Path | None, what: str = "") -> None:
    """Print the text, or write it to `output` (never over the ledger's own files); `-o -`
    prints. Bytes (`what`: an .xlsx workbook, a SQLite database) go to standard output only when
    it is not a terminal (`binary_to_terminal` says so before the work)."""
    if output is None or output == STDIO:
        if isinstance(text, bytes):
            binary_to_terminal(what)
            stream = typer.get_binary_stream("stdout")
            stream.write(text)
            stream.flush()
        else:
            typer.echo(text, nl=False)
    else:
        from auditledger import store
        from auditledger.cli import state

        store.write_output(output, text, state().root())


def binary_to_terminal(what: str) -> None:
    """Refuse to print `what` (a binary format) on a terminal: it would fill the screen with
    bytes. Redirected or piped, it is printed as it is."""
    if sys.stdout.isatty():
        raise AuditLedgerError(
            _("-o -: will not print {what} on a terminal").format(what=_(what)),
            hint=_("redirect or pipe it, e.g. -o - > out.xlsx, or name a file with -o"),
        )
