"""Commands that read the ledger: list, show."""

from typing import TYPE_CHECKING, Annotated

import typer

from auditledger.cli import command, state
from auditledger.cli.options import (
    AsOfOption,
    AtOption,
    Lang,
    LangOption,
    TableFormat,
    TextFormat,
    choices,
    day_or_today,
    language_of,
)
from auditledger.diagnostics import AuditLedgerError, ledger_path
from auditledger.i18n import _, listed, ngettext

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from pathlib import Path

    from pydantic import BaseModel

    from auditledger.diagnostics import Diagnostic
    from auditledger.model import Ledger, Row


def read_ledger(
    day: "date | Callable[[Ledger], date] | None" = None,
    *,
    at: str | None = None,
    strict: bool = False,
    allow_errors: bool = False,
    with_lower: bool = False,
) -> "Ledger":
    """The ledger for reading: as committed at the git revision `at`, and as it stood at the end
    of `day` (`asof.ledger_on`; a function of the present ledger that names the day, when that
    depends on the ledger), with its lower-level ledgers likewise when `with_lower`.

    Records with errors are left out. Commands that make documents are `strict`: a ledger with
    errors (this one, or a lower-level one it takes in) is refused with every diagnostic, exit 1,
    unless `allow_errors`, and then the document names what was left out (`Ledger.left_out`).
    Other commands read on with a warning."""
    from datetime import date

    from auditledger import store
    from auditledger.asof import ledger_on
    from auditledger.loader import load

    root = state().root()
    if at is not None:
        root = store.git_snapshot(root, at)
    ledger, diagnostics = load(root, disk=False)  # evidence files on disk: `check`'s task
    if day is not None:
        ledger = ledger_on(ledger, day if isinstance(day, date) else day(ledger))
    errors = [(ledger.root, "", d) for d in diagnostics if d.is_error]
    if with_lower and ledger.settings.lower:
        from auditledger.levels import lower_levels

        for level in lower_levels(ledger):
            errors += [(ledger.root, level.name, d) for d in level.diagnostics if d.is_error]
    if not errors:
        return ledger
    if strict and not allow_errors:
        from auditledger.documents import refused_for_errors

        raise refused_for_errors(
            len(errors),
            _(
                "fix them (`auditledger check`), or pass --allow-errors to make it anyway with the "
                "errors named at its top"
            ),
            [d for _root, _name, d in errors],
        )
    if strict:
        ledger.left_out = tuple(_left_out(root, name, d) for root, name, d in errors)
    typer.echo(
        ngettext(
            "warning: the ledger has {count} error; records with errors are left out or may be wrong "
            "(run `auditledger check`)",
            "warning: the ledger has {count} errors; records with errors are left out or may be wrong "
            "(run `auditledger check`)",
            len(errors),
        ).format(count=len(errors)),
        err=True,
    )
    return ledger


def _left_out(root: "Path", level: str, diagnostic: "Diagnostic") -> str:
    """A diagnostic as a document names it: the file relative to the ledger, so that the same
    ledger gives the same document wherever it lies."""
    from auditledger.store import relative_name

    where = relative_name(root, diagnostic.path) if diagnostic.path else ""
    for number in (diagnostic.line, diagnostic.col):
        if number is not None:
            where += f":{number}"
    return f"{'【' + level + '】' if level else ''}{where}: {diagnostic.code}: {diagnostic.message}"


WithLowerOption = Annotated[
    bool,
    typer.Option(
        "--with-lower", help="Include the lower-level ledgers (上下联动), with a jurisdiction column."
    ),
]


def levels_of(ledger: "Ledger", with_lower: bool) -> list[tuple[str, "Ledger"]]:
    """This ledger alone, or it and its lower-level ledgers, each with its jurisdiction."""
    if not with_lower:
        return [("", ledger)]
    from auditledger.levels import lower_levels, own_name

    return [(own_name(ledger), ledger), *((level.name, level.ledger) for level in lower_levels(ledger))]


@command("list")
def list_problems(
    year: Annotated[list[int] | None, typer.Option(help="Audit year; repeatable.")] = None,
    unit: Annotated[
        list[str] | None, typer.Option(help="Lead unit: its id or name (czj, 财政局); repeatable.")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(help="Status, code or label (e.g. in_progress or 整改中); repeatable."),
    ] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Rectification type; repeatable.")] = None,
    category: Annotated[list[str] | None, typer.Option(help="Category; repeatable.")] = None,
    prominent: Annotated[
        bool, typer.Option("--prominent", help="Only prominent problems (突出问题).")
    ] = False,
    unfinished: Annotated[
        bool,
        typer.Option("--unfinished", help="Only problems not yet rectified (neither 已整改 nor 已销号)."),
    ] = False,
    output_format: Annotated[
        TableFormat, typer.Option("--format", help="table, json or csv.")
    ] = TableFormat.table,
    as_of: AsOfOption = None,
    at: AtOption = None,
    lang: LangOption = None,
    with_lower: WithLowerOption = False,
) -> None:
    """List problems, filtered (问题清单), as they stood on a day."""
    from auditledger.model import RectificationType, Status
    from auditledger.queries import Filter, audit_years, category_names, select, unit_ids

    statuses = choices(Status, status, "--status")
    types = choices(RectificationType, type_, "--type")
    ledger = read_ledger(day_or_today(as_of, "--as-of"), at=at, with_lower=with_lower)
    levels = levels_of(ledger, with_lower)
    ledgers = [level for _name, level in levels]
    criteria = Filter(
        years=audit_years(ledgers, year or ()),
        units=unit_ids(ledgers, unit or ()),
        statuses=statuses,
        types=types,
        categories=category_names(ledgers, category or ()),
        prominent=True if prominent else None,
        unfinished=unfinished,
    )
    if len(levels) == 1:
        emit_problems(ledger, select(ledger.rows(), criteria), output_format, lang)
        return
    from auditledger.queries import ROW_FIELDS, problem_row
    from auditledger.render.tabular import json_bytes, to_csv

    rows = [
        {"jurisdiction": name, **problem_row(level, p)}
        for name, level in levels
        for p in select(level.rows(), criteria)
    ]
    if output_format is TableFormat.json:
        typer.echo(json_bytes(rows), nl=False)
    elif output_format is TableFormat.csv:
        typer.echo(to_csv(rows, ["jurisdiction", *ROW_FIELDS]), nl=False)
    else:
        for name, level in levels:
            typer.echo(f"【{name}】")
            emit_problems(level, select(level.rows(), criteria), output_format, lang)


def emit_problems(ledger: "Ledger", rows: list["Row"], output_format: TableFormat, lang: Lang | None) -> None:
    """Print problems (their `Row`s) as a table, JSON or CSV."""
    from auditledger.queries import ROW_FIELDS, problem_row
    from auditledger.render.tabular import json_bytes, to_csv

    if output_format is TableFormat.json:
        typer.echo(json_bytes([problem_row(ledger, r) for r in rows]), nl=False)
    elif output_format is TableFormat.csv:
        typer.echo(to_csv((problem_row(ledger, r) for r in rows), ROW_FIELDS), nl=False)
    else:
        from auditledger.render.text import emit, problems_table

        emit(problems_table(ledger, rows, language_of(lang, ledger)))


@command("show")
def show(
    problem_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A problem (2023-017) or a record of a year: 2025-R1, 2025-S1, 2025-V1, 2025-A1, "
            "2025-H1, 2025-H1/Q1, 2025/rectification_report.",
        ),
    ],
    output_format: Annotated[TextFormat, typer.Option("--format", help="text or json.")] = TextFormat.text,
    as_of: AsOfOption = None,
    at: AtOption = None,
    lang: LangOption = None,
) -> None:
    """Show one problem or record of a year with every field and its history, as it stood on a day."""
    from auditledger.diagnostics import did_you_mean
    from auditledger.queries import problem_record
    from auditledger.render.tabular import to_json

    ledger = read_ledger(day_or_today(as_of, "--as-of"), at=at)
    problem = ledger.problems_by_id.get(problem_id)
    if problem is None:
        from auditledger.queries import RECORD_ID, year_record

        found = year_record(ledger, problem_id)
        if found is not None:
            _show_record(ledger, *found, output_format, lang)
            return
        kinds = listed(
            ("2025-R1", "2025-S1", "2025-V1", "2025-A1", "2025-H1", "2025-H1/Q1", "2025/rectification_report")
        )
        if RECORD_ID.fullmatch(problem_id):
            hint = _("the year's records are in {file}; records of a year: {examples}").format(
                file=ledger_path(problem_id[:4], "_year.yaml"), examples=kinds
            )
        else:
            nearest = did_you_mean(problem_id, ledger.problems_by_id)
            hint = nearest or _("see `auditledger list` for problems; records of a year: {examples}").format(
                examples=kinds
            )
        if as_of:
            message = _("no problem or record with id '{id}' on {day}").format(id=problem_id, day=as_of)
        else:
            message = _("no problem or record with id '{id}'").format(id=problem_id)
        raise AuditLedgerError(message, hint=hint)
    if output_format is TextFormat.json:
        typer.echo(to_json(problem_record(ledger, problem)), nl=False)
    else:
        from auditledger.render.text import emit, problem_table

        emit(problem_table(ledger, problem, language_of(lang, ledger)))


def _show_record(
    ledger: "Ledger", ident: str, record: "BaseModel", output_format: TextFormat, lang: Lang | None
) -> None:
    from auditledger.render.tabular import to_json

    if output_format is TextFormat.json:
        typer.echo(to_json(record.model_dump(mode="json")), nl=False)
    else:
        from auditledger.render.text import emit, record_table

        emit(record_table(ledger, record, ident, language_of(lang, ledger)))
