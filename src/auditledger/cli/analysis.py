"""Analysis across the ledger: the tracking plan, recurring problems, statistics."""

import re
from enum import Enum
from typing import Annotated

import typer

from auditledger.cli import command
from auditledger.cli.options import (
    AllowErrorsOption,
    AsOfOption,
    AtOption,
    LangOption,
    OutputOption,
    day_or_today,
    language_of,
)
from auditledger.cli.report import (
    ReportFormat,
    own_templates,
    provenance_of,
    template_folders,
    word_name,
    write_document,
    write_or_print,
)
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _


@command("plan")
def plan(
    year: Annotated[int, typer.Option(help="The audit year.")],
    top: Annotated[
        int, typer.Option(min=1, help="How many candidates to propose when none is flagged prominent.")
    ] = 10,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="md, html, docx (Word) or json (the plan's data)."),
    ] = ReportFormat.md,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the annex: every candidate's score by criterion.")
    ] = False,
    as_of: AsOfOption = None,
    at: AtOption = None,
    allow_errors: AllowErrorsOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """The tracking-supervision plan (跟踪监督工作方案): proposed prominent problems, how to track them."""
    from auditledger import planning, reports
    from auditledger.cli.browse import read_ledger
    from auditledger.render.report import render

    day = day_or_today(as_of, "--as-of")
    ledger = read_ledger(day, at=at, strict=True, allow_errors=allow_errors)
    folders = template_folders(ledger)
    if output_format is ReportFormat.json:
        from auditledger.render.tabular import plain, to_json

        data = planning.plan(ledger, year, top, provenance_of(ledger, day), explain=True)
        write_or_print(to_json(plain(data)), output)
        return
    document = (reports.Kind.plan, output_format.page())
    word = output_format is ReportFormat.docx
    provenance = provenance_of(ledger, day, own_templates(folders, *document, word=word))
    data = planning.plan(ledger, year, top, provenance, explain=explain)
    language = language_of(lang, ledger, document=True)
    page = render(data, *document, language, folders)
    write_document(page, output_format, folders, output, word_name("plan", year, day))


class TableFormat(str, Enum):
    table = "table"
    json = "json"


@command("recurring")
def recurring(
    year: Annotated[list[int] | None, typer.Option(help="Only problems of this year; repeatable.")] = None,
    min_score: Annotated[
        float, typer.Option(min=0, max=1, help="Lowest score of a suggested match (0 to 1).")
    ] = 0.5,
    output_format: Annotated[
        TableFormat, typer.Option("--format", help="table or json.")
    ] = TableFormat.table,
    as_of: AsOfOption = None,
    at: AtOption = None,
    lang: LangOption = None,
) -> None:
    """Problems that recur from earlier years: confirmed links, then suggested matches (历年比对)."""
    from auditledger.cli.browse import read_ledger
    from auditledger.queries import audit_years
    from auditledger.recurrence import matches
    from auditledger.render.tabular import to_json

    ledger = read_ledger(day_or_today(as_of, "--as-of"), at=at)
    found = matches(ledger, audit_years(ledger, year or ()) or None, min_score)
    if output_format is TableFormat.json:
        typer.echo(to_json([m.to_json() for m in found]), nl=False)
        return
    from auditledger.render.text import emit, recurring_table

    emit(recurring_table(ledger, found, language_of(lang, ledger)))


class StatsBy(str, Enum):
    unit = "unit"
    category = "category"
    type = "type"
    year = "year"
    cause = "cause"


class StatsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"
    docx = "docx"


@command("stats")
def stats(
    by: Annotated[StatsBy, typer.Option(help="unit, category, type, year or cause.")] = StatsBy.unit,
    years: Annotated[
        str | None, typer.Option(help="Audit years: 2023, 2021-2023 or 2021,2023 (default: all).")
    ] = None,
    as_of: AsOfOption = None,
    at: AtOption = None,
    allow_errors: AllowErrorsOption = False,
    output_format: Annotated[
        StatsFormat, typer.Option("--format", help="table, json, csv, html or docx (Word).")
    ] = (StatsFormat.table),
    lang: LangOption = None,
    output: OutputOption = None,
    with_lower: Annotated[
        bool, typer.Option("--with-lower", help="Also each lower-level ledger (上下联动), by jurisdiction.")
    ] = False,
) -> None:
    """Problems, amounts, completion, overdue, days to rectify, extensions and recurrence, by group."""
    from auditledger import stats as statistics
    from auditledger.cli.browse import levels_of, read_ledger
    from auditledger.memo import no_collection
    from auditledger.queries import audit_years
    from auditledger.render.format import left_out_lines
    from auditledger.render.tabular import to_csv, to_json

    day = day_or_today(as_of, "--as-of")
    spans = _years(years)
    ledger = read_ledger(day, at=at, strict=True, allow_errors=allow_errors, with_lower=with_lower)
    chosen = audit_years([level for _name, level in levels_of(ledger, with_lower)], spans, "--years")
    language = language_of(lang, ledger, document=True)
    with no_collection():  # a province's 100,000 problems' figures, all kept to the end
        rows = statistics.group(ledger, statistics.By(by.value), day, chosen, language)
        whole = statistics.totals(rows, ledger, day, chosen)
    note = left_out_lines(ledger.left_out, language)
    if note and output_format is StatsFormat.table:
        typer.echo("\n".join(note))
    if with_lower:
        levels = levels_of(ledger, True)
        grouped = [
            (name, statistics.group(level, statistics.By(by.value), day, chosen, language), level)
            for name, level in levels
        ]
        if output_format is StatsFormat.table:
            from auditledger.render.text import emit, stats_table

            for name, level_rows, level in grouped:
                typer.echo(f"【{name}】")
                emit(
                    stats_table(
                        level_rows, statistics.totals(level_rows, level, day, chosen), by.value, day, language
                    )
                )
            return
        if output_format in (StatsFormat.json, StatsFormat.csv):
            records = [
                {"jurisdiction": name, **r.to_json()}
                for name, level_rows, _level in grouped
                for r in level_rows
            ]
            text = (
                to_json({"left_out": ledger.left_out, "rows": records} if note else records)
                if output_format is StatsFormat.json
                else to_csv(records, list(records[0]) if records else ["jurisdiction"], note)
            )
            write_or_print(text, output)
            return
    if output_format is StatsFormat.json:
        write_or_print(
            to_json(
                {
                    "by": by.value,
                    "as_of": day.isoformat(),
                    **({"left_out": list(ledger.left_out)} if note else {}),
                    "rows": [r.to_json() for r in rows],
                    "total": whole.to_json(),
                }
            ),
            output,
        )
    elif output_format is StatsFormat.csv:
        data = [r.to_json() for r in rows]
        write_or_print(to_csv(data, list(data[0]) if data else ["key"], note), output)
    elif output_format in (StatsFormat.html, StatsFormat.docx):
        from auditledger import reports
        from auditledger.render.report import Format, render

        folders = template_folders(ledger)
        shown = ReportFormat(output_format.value)
        word = shown is ReportFormat.docx
        provenance = provenance_of(
            ledger, day, own_templates(folders, reports.Kind.stats, Format.html, word=word)
        )
        data_year = max(chosen) if chosen else max((p.year for p in ledger.problems), default=day.year)
        page = statistics.Page(
            reports.heading(ledger, reports.Kind.stats, data_year, provenance), by.value, rows, whole, chosen
        )
        html = render(page, reports.Kind.stats, Format.html, language, folders)
        write_document(html, shown, folders, output, word_name("stats", data_year, day))
    else:
        from auditledger.render.text import emit, stats_table

        emit(stats_table(rows, whole, by.value, day, language))


def _years(text: str | None) -> list[range]:
    """The years of `--years`, each part as a range."""
    if not text:
        return []
    found: list[range] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
            raise AuditLedgerError(
                _("--years: '{value}' is not a list of years").format(value=text),
                hint=_("e.g. 2023, 2021-2023 or 2021,2023"),
            )
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        found.append(range(first, last + 1))
    return found


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@command("query")
def query(
    statement: Annotated[str, typer.Argument(metavar="SQL", help="One SQL statement (SQLite), read-only.")],
    output_format: Annotated[
        QueryFormat, typer.Option("--format", help="table, csv or json.")
    ] = QueryFormat.table,
    as_of: AsOfOption = None,
    at: AtOption = None,
    timeout: Annotated[
        float, typer.Option(min=0.001, help="Seconds the statement may run before it is stopped.")
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option(min=1, max=10_000_000, help="The most rows the statement may return.")
    ] = 100_000,
) -> None:
    """Ask the ledger anything in SQL: tables problems, units, cooperating, measures, rectified,
    milestones, tracking, history, changes, resolutions, suggestions, votes, recommendations, links."""
    from auditledger import memo, sql
    from auditledger.cli.browse import read_ledger
    from auditledger.render.tabular import to_csv, to_json

    if not statement.strip():
        raise AuditLedgerError(
            _("query: the statement is empty"),
            hint=_('e.g. auditledger query "SELECT * FROM problems LIMIT 5"'),
        )
    db = sql.kept(read_ledger(day_or_today(as_of, "--as-of"), at=at))
    columns, rows = sql.run(db, statement, timeout=timeout, max_rows=max_rows, on_unstable=memo.unstable)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    if output_format is QueryFormat.json:
        typer.echo(to_json(records), nl=False)
    elif output_format is QueryFormat.csv:
        typer.echo(to_csv(records, columns), nl=False)
    else:
        from auditledger.render.text import Grid, emit

        table = Grid()
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        emit(table)


class RollupFormat(str, Enum):
    md = "md"
    html = "html"
    docx = "docx"
    json = "json"


@command("rollup")
def rollup(
    year: Annotated[int, typer.Option(help="The audit year.")],
    output_format: Annotated[
        RollupFormat, typer.Option("--format", help="md, html, docx (Word) or json.")
    ] = RollupFormat.md,
    as_of: AsOfOption = None,
    at: AtOption = None,
    allow_errors: AllowErrorsOption = False,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """This ledger's and the lower-level ledgers' headline figures for a year, side by side."""
    from auditledger import levels, reports
    from auditledger.cli.browse import read_ledger
    from auditledger.render.tabular import to_json

    day = day_or_today(as_of, "--as-of")
    ledger = read_ledger(day, at=at, strict=True, allow_errors=allow_errors, with_lower=True)
    if output_format is RollupFormat.json:
        data = levels.rollup_report(ledger, year, provenance_of(ledger, day))
        rows = [row.to_json() for row in data.rows]
        write_or_print(
            to_json({"left_out": list(ledger.left_out), "rows": rows} if ledger.left_out else rows), output
        )
        return
    from auditledger.render.report import render

    folders = template_folders(ledger)
    shown = ReportFormat(output_format.value)
    document = (reports.Kind.rollup, shown.page())
    own = own_templates(folders, *document, word=shown is ReportFormat.docx)
    data = levels.rollup_report(ledger, year, provenance_of(ledger, day, own))
    language = language_of(lang, ledger, document=True)
    page = render(data, *document, language, folders)
    write_document(page, shown, folders, output, word_name("rollup", year, day))
