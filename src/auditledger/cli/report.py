"""The `report` command: build a report's data, render it with the templates, print or write it."""

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
from auditledger.documents import own_templates, provenance_of, template_folders
from auditledger.i18n import N_, _

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from auditledger.model import Ledger
    from auditledger.render.report import Format


class ReportFormat(str, Enum):
    """Mirrors `render.report.Format` so that parsing options loads no Jinja at start-up; `json`
    is the document's data, rendered by no template; `docx` is the HTML made a Word document."""

    md = "md"
    html = "html"
    docx = "docx"
    json = "json"

    def page(self) -> "Format":
        """The template format the document is rendered with."""
        from auditledger.render.report import Format

        if self is ReportFormat.docx:
            return Format.html
        return Format.md if self is ReportFormat.json else Format(self.value)


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
        ReportFormat,
        typer.Option(
            "--format",
            help="md, html, docx (Word, written to a file: --output, else a name of its own) or "
            "json (the report's data).",
        ),
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
    """Render a report in Markdown, HTML or Word (整改情况报告, 责任清单, 跟踪监督情况), or its
    data as JSON."""
    from auditledger import reports
    from auditledger.cli.browse import read_ledger
    from auditledger.queries import unit_id
    from auditledger.render.report import render

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
    document = (reports.Kind(kind.value), output_format.page())
    word = output_format is ReportFormat.docx
    provenance = provenance_of(ledger, day, None if as_json else own_templates(folders, *document, word=word))
    unit_given = None
    if kind is ReportKind.notice and unit:
        unit_given = unit_id(ledger, unit)
    elif kind is ReportKind.unit:
        assert unit is not None
        unit_given = unit_id(ledger, unit)
    data = reports.document(ledger, reports.Kind(kind.value), year, provenance, unit_given)
    if with_lower and isinstance(data, reports.RectificationReport):
        import dataclasses

        from auditledger.levels import Level, lower_levels, own_name, rollup

        levels = [Level(own_name(ledger), ledger, []), *lower_levels(ledger)]
        data = dataclasses.replace(data, rollup=rollup(levels, year, day))
    if as_json:
        from auditledger.render.tabular import plain, to_json

        write_or_print(to_json(plain(data)), output)
        return
    text = render(data, *document, language_of(lang, ledger, document=True), folders)
    unit_named = unit_given or (unit_id(ledger, unit) if unit else None)
    write_document(text, output_format, folders, output, word_name(kind.value, year, day, unit_named))


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


WORD = N_("a Word document")
WORD_NAMES = {
    "rectification": N_("rectification-report"),
    "unit": N_("responsibility-list"),
    "plan-status": N_("rectification-status"),
    "plan": N_("tracking-plan"),
    "cases": N_("typical-cases"),
    "rollup": N_("rectification-at-every-level"),
    "stats": N_("statistics"),
    "budget-review": N_("budget-review"),
    "assets": N_("state-owned-assets"),
    "supervision": N_("tracking-supervision-report"),
    "notice": N_("supervision-notice"),
}
"""The start of a Word document's default file name, per report kind."""


def word_name(kind: str, year: int, day: "date", unit: str | None = None) -> Path:
    """The file a Word document goes to without --output, in the current folder:
    `2024-整改情况报告-2025-09-30.docx` (a document for one unit adds the unit's id)."""
    name = _(WORD_NAMES[kind]) if kind in WORD_NAMES else kind
    return Path(f"{year}-{name}{'-' + unit if unit else ''}-{day.isoformat()}.docx")


def write_document(
    page: str, output_format: ReportFormat, folders: "Sequence[Path]", output: Path | None, default: Path
) -> None:
    """A rendered document, printed or written to `output` (`write_or_print`); in Word
    (`docx`), the HTML `page` made a Word document on the committee's `reference.docx` when the
    templates folders hold one, written to `output`, else to `default` in the current folder,
    whose name is said on standard error (`-o -` prints it into a pipe)."""
    if output_format is not ReportFormat.docx:
        write_or_print(page, output)
        return
    from auditledger.render.word import reference_in, to_docx

    if output == STDIO:
        binary_to_terminal(WORD)
    data = to_docx(page, reference_in(folders))
    write_or_print(data, output or default, WORD)
    if output is None:
        typer.echo(_("wrote {path}").format(path=default), err=True)


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


__all__ = ["own_templates", "provenance_of", "template_folders"]
