"""Commands that create and check the ledger: init, add-unit, add-problem, check, schema."""

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditledger.cli import app, command, state
from auditledger.cli.options import AsOfOption, TextFormat, day_or_today
from auditledger.diagnostics import AuditLedgerError, display_path
from auditledger.i18n import N_, _, listed, ngettext, pick

if TYPE_CHECKING:
    from datetime import date

    from auditledger.model import Ledger


@command("init")
def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder of the new ledger (created if missing).", file_okay=False)
    ],
    name: Annotated[
        str,
        typer.Option("--name", help="The body that keeps the ledger, e.g. 示例市人大常委会预算工作委员会."),
    ],
    jurisdiction: Annotated[str | None, typer.Option(help="The jurisdiction, e.g. 示例市.")] = None,
) -> None:
    """Create a new, empty ledger (新建台账)."""
    from auditledger import edits
    from auditledger.model import Settings

    settings = edits.build(Settings, {"name": name, "jurisdiction": jurisdiction})
    edits.write_files(edits.init_ledger(folder, settings), root=folder)
    shown = display_path(folder)
    typer.echo(_("created a ledger in {folder}").format(folder=shown))
    typer.echo(_("next: auditledger --ledger {folder} add-unit ID --name NAME").format(folder=shown))


@command("add-unit")
def add_unit(
    unit_id: Annotated[str, typer.Argument(metavar="ID", help="Short ASCII id, e.g. czj.")],
    name: Annotated[str, typer.Option("--name", help="The unit's Chinese name, e.g. 示例市财政局.")],
    kind: Annotated[
        str,
        typer.Option(
            help="department (政府部门), lower_government (下级政府), soe (国有企业) or other (其他)."
        ),
    ] = "department",
    parent: Annotated[str | None, typer.Option(help="Id of the supervising department.")] = None,
) -> None:
    """Add a responsible unit (责任单位) to units.yaml."""
    from auditledger import edits
    from auditledger.model import Unit

    root = state().root()
    unit = edits.build(Unit, {"id": unit_id, "name": name, "kind": kind, "parent": parent})
    with edits.editing(root) as ledger:
        edits.commit(ledger, [edits.add_unit(ledger, unit)])
    typer.echo(_("added unit {id} {name}").format(id=unit.id, name=unit.name))


REQUIRED_PROBLEM_FIELDS = {
    "year": N_("Audit year (e.g. 2023)"),
    "title": N_("Title (short)"),
    "unit": N_("Responsible unit id (e.g. czj)"),
    "amount": N_("Amount in 10k yuan (e.g. 1234.56)"),
    "type": N_("Type (immediate / phased / ongoing)"),
    "deadline": N_("Deadline (YYYY-MM-DD)"),
}
"""The prompts for what `add-problem` needs and was not given (at a terminal)."""


@command("add-problem")
def add_problem(
    year: Annotated[int | None, typer.Option(help="Audit year (年度) of the audit work report.")] = None,
    title: Annotated[str | None, typer.Option(help="Short title (问题摘要).")] = None,
    unit: Annotated[str | None, typer.Option(help="Lead responsible unit id (责任单位).")] = None,
    amount: Annotated[str | None, typer.Option(help="Amount in 万元, e.g. 1234.56.")] = None,
    type_: Annotated[
        str | None,
        typer.Option("--type", help="immediate (立行立改), phased (分阶段整改) or ongoing (持续整改)."),
    ] = None,
    deadline: Annotated[str | None, typer.Option(help="Deadline (整改时限), YYYY-MM-DD.")] = None,
    category: Annotated[str | None, typer.Option(help="Category (问题类别), e.g. 财政管理.")] = None,
    description: Annotated[str | None, typer.Option(help="Full text (具体问题表述).")] = None,
    cooperating: Annotated[
        list[str] | None, typer.Option(help="Cooperating unit id (配合单位); repeatable.")
    ] = None,
    supervisor: Annotated[str | None, typer.Option(help="Supervising department id (主管部门).")] = None,
    audit_no: Annotated[str | None, typer.Option(help="The audit office's own number (问题编号).")] = None,
    recurring_from: Annotated[
        list[str] | None, typer.Option(help="Id of an earlier problem it repeats; repeatable.")
    ] = None,
    prominent: Annotated[
        bool, typer.Option("--prominent", help="Mark as a prominent problem (突出问题).")
    ] = False,
    systemic: Annotated[bool, typer.Option("--systemic", help="Mark as systemic (体制机制性问题).")] = False,
    problem_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: YEAR-NNN, the next free number).")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", help="When it came into the ledger, YYYY-MM-DD (default: today)."),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who added it.")] = None,
) -> None:
    """Add an audit-found problem (审计查出问题) and print its id; its history begins that day."""
    from auditledger import edits
    from auditledger.model import money_from_text

    fields: dict[str, Any] = {
        "id": problem_id,
        "audit_no": audit_no,
        "year": year,
        "title": title,
        "description": description,
        "category": category,
        "amount": amount,
        "unit": unit,
        "cooperating": cooperating or None,
        "supervisor": supervisor,
        "prominent": prominent,
        "systemic": systemic,
        "recurring_from": recurring_from or None,
        "type": type_,
        "deadline": deadline,
        "history": [{"date": day_or_today(on, "--date"), "by": by, "action": "create"}],
    }
    _ask_for_missing(fields)
    if isinstance(fields["amount"], str):
        fields["amount"] = money_from_text(fields["amount"])
    root = state().root()
    with edits.editing(root) as ledger:
        problem = edits.new_problem(ledger, fields)
        edits.commit(ledger, [edits.add_problem(ledger, problem)])
    typer.echo(problem.id)


def _ask_for_missing(fields: dict[str, Any]) -> None:
    missing = [name for name in REQUIRED_PROBLEM_FIELDS if fields[name] is None]
    if not missing:
        return
    if not sys.stdin.isatty():
        raise AuditLedgerError(
            _("missing {options}").format(options=listed(f"--{name}" for name in missing)),
            hint=_("pass them as options (see `auditledger add-problem --help`)"),
        )
    for name in missing:
        value = typer.prompt(_(REQUIRED_PROBLEM_FIELDS[name]), prompt_suffix=pick("：", ": "))
        fields[name] = int(value) if name == "year" and value.strip().isdigit() else value


@command("check")
def check(
    output_format: Annotated[TextFormat, typer.Option("--format", help="text or json.")] = TextFormat.text,
    as_of: AsOfOption = None,
) -> None:
    """Check every file of the ledger and report every error at once (exit 1 if any); dates
    after the --as-of day (default: today) are errors."""
    from auditledger.loader import load
    from auditledger.render.tabular import to_json

    started = time.time_ns()  # an answer is remembered only if no file changed after this
    today = day_or_today(as_of, "--as-of")
    ledger, diagnostics = load(state().root(), today=today)
    from auditledger.levels import checked as with_lower_levels

    lowers, diagnostics = with_lower_levels(ledger, diagnostics, today)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if output_format is TextFormat.json:
        typer.echo(
            to_json(
                {
                    "errors": errors,
                    "warnings": warnings,
                    "diagnostics": [d.to_json() for d in diagnostics],
                }
            ),
            nl=False,
        )
    else:
        lines = [diagnostic.render() for diagnostic in diagnostics]
        counts = {
            "problems": ledger.problem_count,
            "units": len(ledger.unit_entries),
            "years": len(ledger.years),
        }
        if lowers:
            checked = ngettext(
                "{problems} problems, {units} units, {years} years, {lowers} lower-level ledger",
                "{problems} problems, {units} units, {years} years, {lowers} lower-level ledgers",
                len(lowers),
            ).format(**counts, lowers=len(lowers))
        else:
            checked = _("{problems} problems, {units} units, {years} years").format(**counts)
        lines.append(
            _("{checked}: {errors}, {warnings}").format(
                checked=checked,
                errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
                warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings),
            )
        )
        text = "".join(f"{line}\n" for line in lines)
        typer.echo(text, nl=False)
        _remember(ledger, [level.ledger for level in lowers], today, text, 1 if errors else 0, started)
    if errors:
        raise typer.Exit(1)


def _remember(
    ledger: "Ledger", lowers: "list[Ledger]", today: "date", text: str, code: int, started: int
) -> None:
    """Keep the answer for the console script to give again while nothing changes (`memo`)."""
    import os

    from auditledger import i18n, memo, store
    from auditledger.checks import evidence_files

    if os.environ.get("AUDITLEDGER_NO_CACHE"):
        return
    secret = store.cache_secret()
    if secret is not None and (ledger.root / store.STATE_DIR / store.CACHE_DIR).is_dir():
        evidence = [path for each in (ledger, *lowers) for path in evidence_files(each)]
        roots = [lower.root for lower in lowers]
        memo.remember(ledger.root, secret, i18n.language(), today, evidence, roots, text, code, started)


@command("schema")
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the schema files (default: the ledger's schema/ folder).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Write JSON Schema files for editors that check YAML as you type."""
    from auditledger import edits

    root = None if output else state().root()
    changes = edits.schema_files(output or state().root() / edits.SCHEMA_DIR)
    edits.write_files(changes, root=root)
    for change in changes:
        typer.echo(display_path(change.path))


lower_app = typer.Typer(help="Lower-level ledgers supervised jointly (上下联动).", no_args_is_help=True)
app.add_typer(lower_app, name="lower")


@command("add", target=lower_app)
def lower_add(
    path: Annotated[str, typer.Argument(help="The lower-level ledger's folder, relative to this ledger.")],
    name: Annotated[str, typer.Option(help="Its jurisdiction, e.g. 东山区.")],
) -> None:
    """Register a lower-level ledger (a folder, typically a git submodule)."""
    from auditledger import edits
    from auditledger.loader import SETTINGS_FILE

    root = state().root()
    if Path(path).is_absolute() or ".." in Path(path).parts:
        raise AuditLedgerError(
            _("'{path}' must be a folder inside this ledger").format(path=path),
            hint=_("give a relative path, e.g. lower/dsq"),
        )
    if not (root / path / SETTINGS_FILE).exists():
        raise AuditLedgerError(
            _("{folder} holds no {file}").format(folder=display_path(root / path), file=SETTINGS_FILE),
            hint=_("create it with `auditledger init` or check out the submodule"),
        )
    with edits.editing(root) as ledger:
        if any(entry.name == name or entry.path == path for entry in ledger.settings.lower):
            raise AuditLedgerError(
                _("lower-level ledger '{name}' ({path}) is already registered").format(name=name, path=path)
            )
        settings = edits.build(
            type(ledger.settings),
            {
                **ledger.settings.model_dump(),
                "lower": [*ledger.settings.model_dump()["lower"], {"path": path, "name": name}],
            },
        )
        edits.commit(ledger, [edits.replace_settings(ledger, settings)])
    typer.echo(_("added lower-level ledger {name} ({path})").format(name=name, path=path))


@command("list", target=lower_app)
def lower_list() -> None:
    """The lower-level ledgers, with their problems and errors."""
    from auditledger.cli.browse import read_ledger
    from auditledger.levels import lower_levels

    for level in lower_levels(read_ledger()):
        errors = sum(d.is_error for d in level.diagnostics)
        typer.echo(
            _("{name}\t{path}\t{problems} problems\t{errors} errors").format(
                name=level.name, path=level.path, problems=len(level.ledger.problems), errors=errors
            )
        )
