"""Commands that read the ledger: list, show."""

from typing import TYPE_CHECKING, Annotated

import typer

from auditledger.cli import command, state
from auditledger.cli.options import Lang, LangOption, TableFormat, TextFormat, choices
from auditledger.diagnostics import AuditLedgerError

if TYPE_CHECKING:
    from auditledger.model import Ledger, Row


def read_ledger() -> "Ledger":
    """The ledger for reading; a ledger with errors is still read, with a warning."""
    from auditledger.loader import load

    ledger, diagnostics = load(state().root())
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        typer.echo(
            f"warning: the ledger has {len(errors)} errors; records with errors are left out "
            f"(run `auditledger check`)",
            err=True,
        )
    return ledger


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
    unit: Annotated[list[str] | None, typer.Option(help="Lead unit id; repeatable.")] = None,
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
    lang: LangOption = None,
    with_lower: WithLowerOption = False,
) -> None:
    """List problems, filtered (问题清单)."""
    from auditledger.model import RectificationType, Status
    from auditledger.queries import Filter, select

    criteria = Filter(
        years=year or (),
        units=unit or (),
        statuses=choices(Status, status, "--status"),
        types=choices(RectificationType, type_, "--type"),
        categories=category or (),
        prominent=True if prominent else None,
        unfinished=unfinished,
    )
    ledger = read_ledger()
    levels = levels_of(ledger, with_lower)
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

        emit(problems_table(ledger, rows, (lang or ledger.settings.language).value))


@command("show")
def show(
    problem_id: Annotated[str, typer.Argument(metavar="ID", help="The problem's id, e.g. 2023-017.")],
    output_format: Annotated[TextFormat, typer.Option("--format", help="text or json.")] = TextFormat.text,
    lang: LangOption = None,
) -> None:
    """Show one problem with every field and its history."""
    from auditledger.checks import did_you_mean
    from auditledger.queries import problem_record
    from auditledger.render.tabular import to_json

    ledger = read_ledger()
    problem = ledger.problems_by_id.get(problem_id)
    if problem is None:
        raise AuditLedgerError(
            f"no problem with id '{problem_id}'",
            hint=did_you_mean(problem_id, ledger.problems_by_id) or "see `auditledger list` for the ids",
        )
    if output_format is TextFormat.json:
        typer.echo(to_json(problem_record(ledger, problem)), nl=False)
    else:
        from auditledger.render.text import emit, problem_table

        emit(problem_table(ledger, problem, (lang or ledger.settings.language).value))
