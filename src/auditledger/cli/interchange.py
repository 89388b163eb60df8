"""Spreadsheets in and out: `import` and `export`."""

import dataclasses
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditledger.cli import command, state
from auditledger.cli.options import (
    STDIO,
    AllowErrorsOption,
    AsOfOption,
    AtOption,
    LangOption,
    TextFormat,
    day_or_today,
    language_of,
)
from auditledger.diagnostics import AuditLedgerError, with_hint
from auditledger.i18n import N_, _, listed, ngettext, pick

if TYPE_CHECKING:
    from auditledger.model import Ledger


class SheetKind(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    sqlite = "sqlite"


@command("import")
def import_problems(
    file: Annotated[
        Path,
        typer.Argument(
            help="The problem list: .xlsx, .xls, .ods, .et or .csv (UTF-8 or GB18030); "
            "`-` reads standard input.",
            dir_okay=False,
        ),
    ],
    year: Annotated[int, typer.Option(help="The audit year the problems belong to.")],
    sheet: Annotated[str | None, typer.Option(help="The sheet to read (default: the first).")] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="A YAML file mapping other column headers to fields, e.g. `问题概述: title`.", dir_okay=False
        ),
    ] = None,
    create_units: Annotated[
        bool, typer.Option("--create-units", help="Add units the list names that units.yaml lacks.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option("--update", help="Apply changed cells to problems already in the ledger, with history."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    on: Annotated[
        str | None, typer.Option("--date", help="The date of the history entries (default: today).")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who imports, for the history entries.")] = None,
    input_format: Annotated[
        SheetKind | None,
        typer.Option(
            "--input-format",
            help="What the list is, csv or xlsx (default: by its suffix; from standard input, "
            "an .xlsx by its zip signature, else CSV).",
        ),
    ] = None,
    output_format: Annotated[
        TextFormat, typer.Option("--format", help="text or json (what was, or would be, done).")
    ] = TextFormat.text,
) -> None:
    """Import a problem list (问题清单) or a filled-in 整改情况清单: all rows or none."""
    from auditledger import edits, store
    from auditledger.interchange import importing
    from auditledger.interchange.columns import BY_FIELD, match, method_names, normalise
    from auditledger.interchange.sheets import read_table
    from auditledger.render.progress import progress

    day = day_or_today(on, "--date")
    fields = None
    if mapping is not None:
        raw = store.read_mapping(mapping)
        bad = sorted(v for v in raw.values() if v not in BY_FIELD)
        if bad:
            raise AuditLedgerError(
                _("{mapping}: unknown field names {names}").format(mapping=mapping, names=listed(bad)),
                hint=_("use one of: {choices}").format(choices=listed(BY_FIELD)),
            )
        fields = {normalise(k): v for k, v in raw.items()}
    label = _("standard input") if file == STDIO else str(file)
    options = importing.Options(
        on=day,
        year=year,
        update=update,
        create_units=create_units,
        by=by,
        mapping=fields,
        watch=lambda rows: progress(rows, len(rows), _("reading {path}").format(path=label)),
    )
    root = state().root()
    with edits.editing(root) as ledger:
        methods = method_names(ledger.settings.method_synonyms)
        table = read_table(
            file,
            sheet,
            lambda header: match(header, fields, methods) is not None,
            "整改情况清单" if update else None,
            input_format.value if input_format else None,
        )
        found = importing.plan(ledger, table, options)
        errors = [d for d in found.diagnostics if d.is_error]
        if errors:
            raise AuditLedgerError(
                ngettext(
                    "{source}: {count} error in the list; nothing was imported",
                    "{source}: {count} errors in the list; nothing was imported",
                    len(errors),
                ).format(source=label, count=len(errors)),
                diagnostics=errors,
            )
        if dry_run:
            _print_summary(found, dry_run, output_format)
            return
        batch = edits.Batch(ledger)
        names = {u.id: u.name for u in found.units}
        for unit in found.units:
            batch.add_unit(unit)
        for problem in found.added:
            batch.add_problem(problem, names.get(problem.unit) or ledger.unit_name(problem.unit))
        for old, new in found.updated:
            batch.replace_problem(old, new)
        edits.commit(ledger, batch.changes(), what="the imported problems")
    _print_summary(found, dry_run, output_format)


def _print_summary(found: object, dry_run: bool, output_format: TextFormat) -> None:
    """What the import did or would do: lines, or its data as JSON (units and problems added,
    the changes of the problems updated, the rows skipped as already in the ledger, and the
    warnings)."""
    from auditledger.interchange.importing import Plan

    assert isinstance(found, Plan)
    if output_format is TextFormat.text:
        for line in _summary(found, dry_run):
            typer.echo(line)
        return
    from auditledger.render.tabular import plain, to_json

    data = {
        "dry_run": dry_run,
        "units": found.units,
        "added": found.added,
        "updated": [{"id": old.id, "changes": new.history[-1].changes} for old, new in found.updated],
        "skipped": [{"id": ident, "found_by": how} for ident, how in found.matched],
        "skipped_rows": [{"cell": where, "text": text} for where, text in found.skipped_rows],
        "unknown_columns": [{"cell": where, "header": header} for where, header in found.unknown_columns],
        "diagnostics": found.diagnostics,
    }
    typer.echo(to_json(plain(data)), nl=False)


HOW_FOUND = {
    "id": N_("the same 台账编号"),
    "audit_no": N_("the same 问题编号"),
    "content": N_("the same unit, title and amount"),
}
"""How rows were found in the ledger, as the summary says it."""


def _summary(found: object, dry_run: bool) -> list[str]:
    from auditledger.interchange.importing import Plan
    from auditledger.render.text import change_line

    assert isinstance(found, Plan)
    if dry_run:
        lines = [_("would add unit {id} {name}").format(id=u.id, name=u.name) for u in found.units]
        lines += [_("would add {id} {title}").format(id=p.id, title=p.title) for p in found.added]
    else:
        lines = [_("add unit {id} {name}").format(id=u.id, name=u.name) for u in found.units]
        lines += [_("add {id} {title}").format(id=p.id, title=p.title) for p in found.added]
    for old, new in found.updated:
        described = pick("；", "; ").join(change_line(c.field, c.old, c.new) for c in new.history[-1].changes)
        updated = _("would update {id}: {changes}") if dry_run else _("update {id}: {changes}")
        lines.append(updated.format(id=old.id, changes=described))
    for how, label in HOW_FOUND.items():
        ids = [ident for ident, found_by in found.matched if found_by == how]
        if ids:
            shown = listed(ids[:10])
            if len(ids) > 10:
                shown = _("{ids} and {count} more").format(ids=shown, count=len(ids) - 10)
            lines.append(
                ngettext(
                    "{count} row already in the ledger as {ids} ({how}): skipped; "
                    "use --update to change them",
                    "{count} rows already in the ledger as {ids} ({how}): skipped; "
                    "use --update to change them",
                    len(ids),
                ).format(count=len(ids), ids=shown, how=_(label))
            )
    for where, text in found.skipped_rows:
        lines.append(_("{cell}: a {word} row, not a problem: skipped").format(cell=where, word=text))
    if found.unknown_columns:
        lines.append(
            ngettext(
                "{count} column not imported, no field has its name: {columns}; map it with --mapping",
                "{count} columns not imported, no field has their names: {columns}; map them with --mapping",
                len(found.unknown_columns),
            ).format(
                count=len(found.unknown_columns),
                columns=listed(pick(f"{h}（{w}）", f"{h} ({w})") for w, h in found.unknown_columns),
            )
        )
    lines += [d.render() for d in found.diagnostics if not d.is_error]
    counts = {"added": len(found.added), "updated": len(found.updated), "unchanged": len(found.unchanged)}
    if found.units:
        total = _(
            "{added} added, {updated} updated, {unchanged} already in the ledger, {units} units added"
        ).format(units=len(found.units), **counts)
    else:
        total = _("{added} added, {updated} updated, {unchanged} already in the ledger").format(**counts)
    lines.append(_("{summary} (dry run: nothing written)").format(summary=total) if dry_run else total)
    return lines


@command("export")
def export(
    year: Annotated[
        int | None, typer.Option(help="The audit year (for sqlite: all years unless given).")
    ] = None,
    output_format: Annotated[
        ExportFormat, typer.Option("--format", help="xlsx, csv, json or sqlite.")
    ] = ExportFormat.xlsx,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (xlsx and sqlite need one; `-` prints, not on a terminal).",
            dir_okay=False,
        ),
    ] = None,
    unit: Annotated[
        list[str] | None, typer.Option(help="Only this lead unit, its id or name (czj, 财政局); repeatable.")
    ] = None,
    as_of: AsOfOption = None,
    at: AtOption = None,
    allow_errors: AllowErrorsOption = False,
) -> None:
    """Export a year's problems as a spreadsheet (问题清单, 整改责任清单, 整改情况清单), CSV or JSON."""
    from auditledger.cli.browse import read_ledger
    from auditledger.cli.report import binary_to_terminal
    from auditledger.interchange import exporting
    from auditledger.interchange.sheets import LEFT_OUT_SHEET, SheetData, csv_text, xlsx_bytes
    from auditledger.queries import problem_record, unit_ids
    from auditledger.render.format import left_out_lines
    from auditledger.render.progress import progress
    from auditledger.render.tabular import to_json

    binary = {ExportFormat.xlsx: N_("an .xlsx workbook"), ExportFormat.sqlite: N_("a SQLite database")}
    if output_format in binary and output is None:
        raise AuditLedgerError(
            _("--format {format} needs --output FILE").format(format=output_format.value),
            hint=_("e.g. --output 2023整改台账.xlsx, or -o - to print it into a pipe"),
        )
    if output_format in binary and output == STDIO:
        binary_to_terminal(binary[output_format])
    if year is None and output_format is not ExportFormat.sqlite:
        raise AuditLedgerError(
            _("--format {format} needs --year YEAR").format(format=output_format.value),
            hint=_("e.g. --year 2024; only --format sqlite exports every year at once"),
        )
    day = day_or_today(as_of, "--as-of")
    ledger = read_ledger(day, at=at, strict=True, allow_errors=allow_errors)
    unit = unit_ids(ledger, unit or ())
    if output_format is ExportFormat.sqlite:
        _export_database(ledger, year, unit, output)
        return
    assert year is not None  # refused above when missing
    # the year's files only: a year of a large ledger unpacks a fifth of it
    problems = [p for p in ledger.problems_of(year) if not unit or p.unit in unit]
    if not problems:
        years = sorted({p.year for p in ledger.problems if not unit or p.unit in unit})
        raise AuditLedgerError(
            _("no problems of {year} for {units} to export").format(year=year, units=listed(unit))
            if unit
            else _("no problems of {year} to export").format(year=year),
            hint=_("years with problems: {years}").format(years=listed(map(str, years)))
            if years
            else _("add problems first"),
        )
    data: str | bytes
    note = left_out_lines(ledger.left_out, ledger.settings.language.value)
    if output_format is ExportFormat.json:
        records = [problem_record(ledger, p) for p in problems]
        data = to_json({"left_out": list(ledger.left_out), "problems": records} if note else records)
    elif output_format is ExportFormat.csv:
        fields = [*exporting.LIST, *(f for f in exporting.STATUS if f not in exporting.LIST)]
        headers = [exporting.HEADERS[f] for f in fields]
        getters = [exporting.getter(f) for f in fields]
        rows = ([get(ledger, p) for get in getters] for p in problems)  # made as they are written
        data = "\ufeff" + csv_text(headers, rows, note)
    else:
        sheets = [
            dataclasses.replace(
                data, rows=progress(data.rows, len(problems), _("writing {sheet}").format(sheet=data.name))
            )
            for data in exporting.workbook_sheets(ledger, problems, year, day, unit)
        ]
        if note:
            sheets.insert(0, SheetData(LEFT_OUT_SHEET, [note[0]], [[line] for line in note[1:]]))
        data = xlsx_bytes(sheets, exporting.baseline(ledger, problems))
    _write_export(output, data, len(problems), binary.get(output_format, ""))


def _export_database(ledger: "Ledger", year: int | None, units: list[str], output: Path | None) -> None:
    """The ledger's SQLite database: every year, or the year given; every unit, or those given."""
    from auditledger import sql

    data = sql.database_file(ledger, [year] if year is not None else [], units)
    rows = [r for r in ledger.rows() if (year is None or r.year == year) and (not units or r.unit in units)]
    _write_export(output, data, len(rows), N_("a SQLite database"))


def _write_export(output: Path | None, data: str | bytes, count: int, binary: str) -> None:
    from auditledger import store
    from auditledger.cli.report import write_or_print

    if output is None or output == STDIO:
        write_or_print(data, None, binary)
    else:
        store.write_output(output, data, state().root())
        typer.echo(_("wrote {count} problems to {path}").format(count=count, path=output), err=True)


class ReviewFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


@command("diff")
def diff(
    old: Annotated[str, typer.Argument(metavar="[REV1]", help="The earlier revision.")] = "HEAD",
    new: Annotated[
        str | None, typer.Argument(metavar="[REV2]", help="The later revision (default: the working tree).")
    ] = None,
    output_format: Annotated[
        ReviewFormat, typer.Option("--format", help="text, md or json.")
    ] = ReviewFormat.text,
    lang: LangOption = None,
) -> None:
    """What changed in the ledger between two git revisions, problem by problem, for review."""
    import tempfile

    from auditledger import store
    from auditledger.loader import load
    from auditledger.render.review import render
    from auditledger.render.tabular import to_json
    from auditledger.review import compare

    root = state().root()
    with tempfile.TemporaryDirectory(prefix="auditledger-diff-") as scratch:
        before, old_found = load(store.git_checkout(root, old, Path(scratch) / "old"))
        after, new_found = load(store.git_checkout(root, new, Path(scratch) / "new") if new else root)
    for name, found_here in ((old, old_found), (new or _("the working tree"), new_found)):
        errors = sum(1 for d in found_here if d.is_error)
        if errors:
            typer.echo(
                _(
                    "warning: {revision} has {count} errors; records with errors are left out of the "
                    "comparison"
                ).format(revision=name, count=errors),
                err=True,
            )
    found = compare(before, after)
    if output_format is ReviewFormat.json:
        typer.echo(
            to_json(
                {
                    "problems": [p.to_json() for p in found.problems],
                    "records": [r.to_json() for r in found.records],
                }
            ),
            nl=False,
        )
    else:
        language = language_of(lang, after)
        typer.echo(render(found, language, output_format is ReviewFormat.md), nl=False)


@command("fmt")
def fmt(
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; exit 1 and name the files that are not canonical."),
    ] = False,
) -> None:
    """Rewrite ledger files in the canonical layout that every write produces."""
    from auditledger import edits, store
    from auditledger.loader import ledger_files

    root = state().root()
    with edits.editing(root):
        results = [(path, store.canonical(path)) for path in ledger_files(root)]
        changed = [(path, found) for path, found in results if isinstance(found, tuple)]
        if not check:  # every file or none, under the lock the files were read under
            store.write_all(root, [(path, text, original) for path, (text, original) in changed])
    broken = [(path, found) for path, found in results if isinstance(found, AuditLedgerError)]
    for _path, error in broken:
        typer.echo(with_hint(error.message, error.hint), err=True)
    for path, _found in changed:
        if check:
            typer.echo(_("{path}: not in the canonical layout (run `auditledger fmt`)").format(path=path))
        else:
            typer.echo(_("formatted {path}").format(path=path))
    if broken or (check and changed):
        raise typer.Exit(1)
