"""Changes to the ledger: new records from user input, then one checked, atomic commit.

Records are values: a change builds a new record, `store` writes only the fields that
differ, and `commit` refuses anything that would not load back cleanly. May import:
model, diagnostics, i18n, store, loader.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from auditledger import store
from auditledger.diagnostics import AuditLedgerError, did_you_mean
from auditledger.i18n import N_, _
from auditledger.loader import (
    SETTINGS_FILE,
    UNITS_FILE,
    YEAR_FILE,
    describe_error,
    load,
    problem_file,
    reload,
)
from auditledger.model import Ledger, Problem, Settings, Unit, UnitsFile, YearMeta

M = TypeVar("M", bound=BaseModel)

SCHEMA_DIR = "schema"


@dataclass(frozen=True)
class FileChange:
    """The new text of one file, and its bytes when it was read (None: a new file)."""

    path: Path
    text: str
    expected: bytes | None


@contextlib.contextmanager
def editing(root: Path) -> Iterator[Ledger]:
    """Hold the ledger's lock and give the ledger as it is now, for one read-modify-write."""
    with store.locked(root):
        ledger, _found = load(root, checks=False)  # `commit` checks what the edit changes
        yield ledger


REFUSALS = {
    "the change": N_("the change would make the ledger invalid, so nothing was written"),
    "the imported problems": N_(
        "the imported problems would make the ledger invalid, so nothing was written"
    ),
}
"""What `commit` says when it refuses, by what was to be written."""


def commit(
    ledger: Ledger,
    changes: list[FileChange],
    what: Literal["the change", "the imported problems"] = "the change",
    attachments: Sequence[tuple[Path, bytes]] = (),
) -> None:
    """Write the changes if the ledger, read back with them, has no error in those files.
    Only the changed files are read again; the checks across records run on the whole.
    `attachments` (new files such as evidence, not read as ledger files) are written with them,
    all or none."""
    _reloaded, diagnostics = reload(ledger, {c.path: c.text for c in changes})
    changed = {c.path.resolve() for c in changes}
    errors = [d for d in diagnostics if d.is_error and d.path is not None and d.path.resolve() in changed]
    if errors:
        raise AuditLedgerError(_(REFUSALS[what]), diagnostics=errors)
    # Several files are written as one: a crash or a full disk leaves all or none of them.
    writes: list[tuple[Path, str | bytes, bytes | None]] = [(c.path, c.text, c.expected) for c in changes]
    store.write_all(ledger.root, [*writes, *((path, data, None) for path, data in attachments)])


def stamp_of(path: Path) -> str:
    """What a page that offers to change `path` remembers of it: the sha256 of its bytes ("" for
    a file not there yet). A change sent back with another stamp is refused (`unchanged_since`)."""
    try:
        data = store.read_bytes(path)
    except FileNotFoundError:
        return ""
    except AuditLedgerError:
        return ""
    return hashlib.sha256(data).hexdigest()


class ChangedSince(AuditLedgerError):
    """A change made on a page read before its file changed: refused, never written over."""


def unchanged_since(root: Path, path: Path, stamp: str | None) -> None:
    """Refuse a change made on a page read before `path` changed (`stamp`: its `stamp_of` then;
    None: no page, nothing to compare). Called under the ledger's lock, before anything is written."""
    if stamp is not None and stamp_of(path) != stamp:
        raise ChangedSince(
            _("{file} changed since you opened it; reload").format(file=store.relative_name(root, path)),
            hint=_("your change was not written: look at what changed, then make it again"),
        )


def find_problem(ledger: Ledger, problem_id: str) -> Problem:
    """The problem with this id, or the error that names the nearest."""
    problem = ledger.problem(problem_id)
    if problem is None:
        raise AuditLedgerError(
            _("no problem with id '{id}'").format(id=problem_id),
            hint=did_you_mean(problem_id, ledger.ids) or _("see `auditledger list` for the ids"),
        )
    return problem


def change_problem(
    root: Path,
    problem_id: str,
    change: Callable[[Ledger, Problem], Problem],
    stamp: str | None = None,
    attachments: Sequence[tuple[Path, bytes]] = (),
) -> tuple[Problem, Problem, Ledger, Path]:
    """Change a problem by a function of the ledger (to resolve what the user named) and the
    problem, under the lock, checked and written atomically; refused if its file's stamp is not
    `stamp` (when given); `attachments` are new files written with it (`commit`). Returns the old
    and new problem, the ledger edited and the file."""
    with editing(root) as ledger:
        old = find_problem(ledger, problem_id)
        origin = ledger.origin_of(problem_id)
        assert origin is not None
        unchanged_since(root, origin.path, stamp)
        new = change(ledger, old)
        commit(ledger, [replace_problem(ledger, old, new)], attachments=attachments)
    return old, new, ledger, origin.path


def year_file(root: Path, year: int) -> Path:
    return root / str(year) / YEAR_FILE


def change_year(
    root: Path, year: int, change: Callable[[YearMeta, Ledger], YearMeta], stamp: str | None = None
) -> tuple[YearMeta, Path]:
    """Change a year's metadata as `change_problem` changes a problem; returns it and its file."""
    with editing(root) as ledger:
        unchanged_since(root, year_file(root, year), stamp)
        new = change(year_meta(ledger, year), ledger)
        commit(ledger, [replace_year(ledger, new)])
    return new, year_file(root, year)


def year_of(record_id: str) -> int:
    """The year of a year's record id (2025-R1, 2025-H1)."""
    head = record_id.split("-")[0]
    if not head.isdigit():
        raise AuditLedgerError(
            _("'{id}' is not a record id").format(id=record_id),
            hint=_("ids look like 2025-R1, 2025-S2, 2025-V1"),
        )
    return int(head)


def build(model: type[M], fields: Mapping[str, Any], options: Mapping[str, str] | None = None) -> M:
    """A record from user input; the first bad field is reported as `--field: …; fix`.

    `options` names the command-line option of a field where it is not `--field-name`.
    """
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(step for step in first["loc"] if step != "[key]")
        _code, message, hint = describe_error(first, loc, model)
        message = re.sub(r"^`?[\w.]+`?(?:: |：)", "", message)  # the field: the option is named instead
        if not loc:  # a rule over the whole record, e.g. more votes than members
            raise AuditLedgerError(_("refused: {message}").format(message=message), hint=hint) from exc
        option = (options or {}).get(str(loc[0]), f"--{str(loc[0]).replace('_', '-')}")
        raise AuditLedgerError(
            _("{option}: {message}").format(option=option, message=message), hint=hint
        ) from exc


# --- units -------------------------------------------------------------------------------


def add_unit(ledger: Ledger, unit: Unit) -> FileChange:
    if unit.id in ledger.units:
        raise AuditLedgerError(
            _("unit '{id}' already exists ({name})").format(id=unit.id, name=ledger.units[unit.id].name),
            hint=_("choose another id"),
        )
    if unit.parent is not None and unit.parent not in ledger.units:
        raise AuditLedgerError(
            _("--parent: unit '{id}' does not exist").format(id=unit.parent),
            hint=did_you_mean(unit.parent, ledger.units) or _("add the parent unit first"),
        )
    batch = Batch(ledger)
    batch.add_unit(unit)
    return batch.changes()[0]


# --- problems ----------------------------------------------------------------------------


def next_problem_id(ledger: Ledger, year: int) -> str:
    """`YEAR-NNN`, one above the highest number used in that year."""
    pattern = re.compile(rf"^{year}-(\d+)$")
    numbers = [int(m.group(1)) for p in ledger.problems if (m := pattern.match(p.id))]
    return f"{year}-{max(numbers, default=0) + 1:03d}"


def new_problem(ledger: Ledger, fields: Mapping[str, Any]) -> Problem:
    """A new problem from user input: id assigned if not given, units checked."""
    fields = dict(fields)
    if not fields.get("id") and isinstance(fields.get("year"), int):
        fields["id"] = next_problem_id(ledger, fields["year"])
    problem = build(Problem, fields)
    if problem.id in ledger.problems_by_id:
        raise AuditLedgerError(
            _("--id: problem {id} already exists").format(id=problem.id),
            hint=_("leave out --id to get {id}").format(id=next_problem_id(ledger, problem.year)),
        )
    named = [("--unit", problem.unit), *(("--cooperating", u) for u in problem.cooperating)]
    if problem.supervisor:
        named.append(("--supervisor", problem.supervisor))
    for option, unit_id in named:
        if unit_id not in ledger.units:
            raise AuditLedgerError(
                _("{option}: unit '{id}' is not in units.yaml").format(option=option, id=unit_id),
                hint=did_you_mean(unit_id, ledger.units)
                or _("add it first with `auditledger add-unit {id} --name 名称`").format(id=unit_id),
            )
    return problem


def add_problem(ledger: Ledger, problem: Problem) -> FileChange:
    batch = Batch(ledger)
    batch.add_problem(problem, ledger.unit_name(problem.unit))
    return batch.changes()[0]


def replace_problem(ledger: Ledger, old: Problem, new: Problem) -> FileChange:
    """The change that turns `old` into `new` in its file, touching only changed fields: only
    the problem's own lines are read round-trip when they can be cut out of the file."""
    origin = ledger.origin_of(old.id)
    if origin is not None:
        edited = store.edit_item(
            origin.path, "problems", old.id, lambda item: store.update_record(item, old, new)
        )
        if edited is not None:
            return FileChange(origin.path, *edited)
    batch = Batch(ledger)
    batch.replace_problem(old, new)
    return batch.changes()[0]


def replace_year(ledger: Ledger, new: YearMeta) -> FileChange:
    """The change that writes a year's metadata, creating `_year.yaml` when it is missing."""
    path = ledger.root / str(new.year) / YEAR_FILE
    old = ledger.years.get(new.year)
    if old is None or not path.exists():
        doc = store.Document.new(path, _header("year", f"{new.year}年度", depth=1), new)
    else:
        doc = store.Document.load(path)
        store.update_record(doc.data, old, new)
    return FileChange(path, doc.dumps(), doc.original)


def replace_settings(ledger: Ledger, new: Settings) -> FileChange:
    """The change that writes new settings, touching only the fields that changed."""
    path = ledger.root / SETTINGS_FILE
    doc = store.Document.load(path)
    store.update_record(doc.data, ledger.settings, new)
    return FileChange(path, doc.dumps(), doc.original)


def year_meta(ledger: Ledger, year: int) -> YearMeta:
    return ledger.years.get(year) or build(YearMeta, {"year": year})


class Batch:
    """Many records added or changed at once, one document per file, for one commit."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.documents: dict[Path, store.Document] = {}

    def _document(self, path: Path, header: list[str], key: str) -> store.Document:
        if path not in self.documents:
            self.documents[path] = (
                store.Document.load(path) if path.exists() else store.Document.new(path, header, {key: []})
            )
        return self.documents[path]

    def add_unit(self, unit: Unit) -> None:
        path = self.ledger.root / UNITS_FILE
        _list_in(
            self._document(path, _header("units", "责任单位（整改责任部门单位）"), "units"), "units"
        ).append(store.to_yaml(unit))

    def add_problem(self, problem: Problem, unit_name: str) -> None:
        path = problem_file(self.ledger.root, problem.year, problem.unit)
        title = f"{unit_name} {problem.year}年度审计查出问题整改台账"
        doc = self._document(path, _header("problems", title, depth=1), "problems")
        _list_in(doc, "problems").append(store.to_yaml(problem))

    def replace_problem(self, old: Problem, new: Problem) -> None:
        origin = self.ledger.origin_of(old.id)
        if origin is None:
            raise AuditLedgerError(_("problem {id} is not in the ledger").format(id=old.id))
        doc = self._document(origin.path, [], "problems")
        mapping = next((item for item in _list_in(doc, "problems") if str(item.get("id")) == old.id), None)
        if mapping is None:
            raise AuditLedgerError(
                _("problem {id} is no longer in {path}").format(id=old.id, path=origin.path),
                hint=_("run the command again"),
            )
        store.update_record(mapping, old, new)

    def changes(self) -> list[FileChange]:
        return [FileChange(path, doc.dumps(), doc.original) for path, doc in sorted(self.documents.items())]


def _list_in(doc: store.Document, key: str) -> Any:
    if doc.data is None:
        doc.data = store.to_yaml({key: []})
    if doc.data.get(key) is None:
        doc.data[key] = store.to_yaml([])
    items = doc.data[key]
    if not items:  # `key: []` is written in flow style; items added go one per line
        items.fa.set_block_style()
    return items


# --- a new ledger ------------------------------------------------------------------------


def _header(schema: str, title: str, depth: int = 0) -> list[str]:
    prefix = "../" * depth
    return [f"yaml-language-server: $schema={prefix}{SCHEMA_DIR}/{schema}.schema.json", title]


def init_ledger(folder: Path, settings: Settings) -> list[FileChange]:
    """The files of a new, empty ledger that passes `check`."""
    if (folder / SETTINGS_FILE).exists():
        raise AuditLedgerError(
            _("{folder} already holds a ledger ({settings} exists)").format(
                folder=folder, settings=SETTINGS_FILE
            ),
            hint=_("choose another folder"),
        )
    settings_doc = store.Document.new(
        folder / SETTINGS_FILE,
        _header("settings", f"{settings.name}：台账设置"),
        settings.model_dump(),
    )
    units_doc = store.Document.new(
        folder / UNITS_FILE,
        _header("units", "责任单位（整改责任部门单位）"),
        UnitsFile().model_dump(),
    )
    gitignore = (
        "# auditledger's lock and cache, and temporary files of interrupted writes\n.auditledger/\n.*.tmp\n"
    )
    return [
        FileChange(settings_doc.path, settings_doc.dumps(), None),
        FileChange(units_doc.path, units_doc.dumps(), None),
        FileChange(folder / ".gitignore", gitignore, None),
        *schema_files(folder / SCHEMA_DIR),
    ]


def schema_files(folder: Path) -> list[FileChange]:
    """The JSON Schema files, to be written into `folder`."""
    from auditledger.schema import json_schemas

    changes = []
    for name, text in json_schemas().items():
        path = folder / f"{name}.schema.json"
        current = path.read_bytes() if path.exists() else None
        changes.append(FileChange(path, text, current))
    return changes


def write_files(changes: list[FileChange], root: Path | None = None) -> None:
    """Write generated files (no ledger checks apply to them). Into the ledger at `root`: all
    or none of them, under the ledger's lock; elsewhere (an output folder) one by one."""
    if root is None:
        for change in changes:
            if change.expected is None or change.expected != change.text.encode("utf-8"):
                store.write_atomic(change.path, change.text, expected=change.expected)
        return
    store.make_folder(root)
    with store.locked(root):
        store.write_all(root, [(c.path, c.text, c.expected) for c in changes])
