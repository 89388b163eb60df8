"""Find the ledger, read every file, validate every record, run the checks.

`load()` returns the ledger of all valid records and every diagnostic at once, each with
its file, line and column. May import: model, diagnostics, i18n, store, checks.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import gc
import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from auditledger import __version__, i18n, memo, places, store
from auditledger.checks import CHECKS, run_checks
from auditledger.diagnostics import AuditLedgerError, Diagnostic, Pointer, Severity, sort_diagnostics
from auditledger.i18n import _
from auditledger.model import (
    CONTROL_CHARACTERS,
    FIRST_DAY,
    ID_RULES,
    LAST_DAY,
    NO_CONTROL_PATTERN,
    PARTS,
    RESERVED_NAME,
    SCHEMA_VERSION,
    TRUSTED,
    Choice,
    Ledger,
    Located,
    Origin,
    Problem,
    ProblemFile,
    Settings,
    Unit,
    YearMeta,
    part_from_json,
    part_json,
)
from auditledger.validation import describe

SETTINGS_FILE = places.SETTINGS_FILE
UNITS_FILE = "units.yaml"
YEAR_FILE = "_year.yaml"
YEAR_FOLDER = re.compile(r"^\d{4}$")
ENV_VAR = places.ENV_VAR

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
V = TypeVar("V")

FILE_CODES = {
    "yaml-syntax": "the file is not valid YAML",
    "duplicate-key": "a mapping has the same key twice",
    "yaml-alias": "the file uses YAML anchors or aliases (&name, *name)",
    "yaml-tag": "the file uses a tag beyond YAML's core types (!!python/..., !custom)",
    "yaml-depth": "lists and mappings nest deeper than a ledger file ever needs",
    "multi-document": "the file holds more than one YAML document",
    "control-character": "the file holds an invisible control character",
    "encoding": "the file is not UTF-8 text",
    "unreadable": "the file cannot be read",
    "file-too-large": "the file is larger than a ledger file can be",
    "symlink": "a ledger file or year folder is a symbolic link, which is not followed",
    "not-a-file": "a device, FIFO or socket stands where a ledger file should be",
    "reserved-name": "a file in a year folder has a name Windows reserves (con, aux, nul, com1, ...)",
    "file-shape": "the file's top level is not what the file holds",
    "missing-file": "units.yaml is missing",
    "stray-file": "a file in a year folder ends in .yml and is not read",
    "missing-field": "a required field is missing",
    "unknown-field": "a key is not a field of the record",
    "invalid-choice": "a value is not one of the allowed codes or labels",
    "invalid-date": "a date is not a valid YYYY-MM-DD date, or lies outside 1990–2100",
    "invalid-amount": "an amount is negative, not a number, finer than 0.000001 万元, over 10¹² 万元, "
    "longer than 15 digits or written with an exponent (1e6)",
    "invalid-value": "any other value the record does not accept",
}
"""Diagnostics of reading and validating files; the ledger checks are in `checks.CHECKS`."""


def find_root(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """The ledger root: `--ledger`, else $AUDITLEDGER_LEDGER, else ./ledgers, else the
    nearest folder upwards that holds auditledger.yaml."""
    root, named = places.search_root(explicit, cwd)
    if root is not None:
        return root
    if named is not None:
        raise AuditLedgerError(
            _("{folder} is not a ledger: it has no {settings}").format(folder=named, settings=SETTINGS_FILE),
            hint=_("check the path, or create a ledger with `auditledger init {folder} --name 名称`").format(
                folder=named
            ),
        )
    raise AuditLedgerError(
        _("no ledger found: no {settings} in ./ledgers, here or in any parent folder").format(
            settings=SETTINGS_FILE
        ),
        hint=_(
            "pass --ledger DIR, set {variable}, or create one with `auditledger init DIR --name 名称`"
        ).format(variable=ENV_VAR),
    )


def year_folders(root: Path) -> list[Path]:
    return [path for path, _entry in _year_folders(root, [])]


def _year_folders(root: Path, diagnostics: list[Diagnostic]) -> list[tuple[Path, os.DirEntry[str]]]:
    """The year folders under `root`; a year folder that is a symbolic link is diagnosed and
    not read (it would bring in files from outside the ledger)."""
    found = []
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                if not YEAR_FOLDER.match(entry.name):
                    continue
                if entry.is_symlink():
                    diagnostics.append(store.symlink_diagnostic(Path(entry.path), "folder"))
                elif entry.is_dir():
                    found.append((Path(entry.path), entry))
    except OSError as exc:
        diagnostics.append(_unreadable_folder(root, exc))
    return sorted(found, key=lambda pair: pair[0].name)


def year_files(root: Path, diagnostics: list[Diagnostic], pattern: str = "*.y*ml") -> list[Path]:
    """The files in the year folders whose names match `pattern`, folder by folder, by name;
    a folder that cannot be listed is diagnosed, not skipped in silence. Only names are
    listed: `store.read_text` refuses what is not a regular file when it is read."""
    files: list[Path] = []
    for folder, _entry in _year_folders(root, diagnostics):
        try:
            with os.scandir(folder) as entries:
                names = sorted(
                    entry.name
                    for entry in entries
                    if not entry.name.startswith(".") and fnmatch.fnmatchcase(entry.name, pattern)
                )
        except OSError as exc:
            diagnostics.append(_unreadable_folder(folder, exc))
            continue
        files += [folder / name for name in names]
    return files


def _unreadable_folder(folder: Path, exc: OSError) -> Diagnostic:
    return Diagnostic(
        folder,
        None,
        None,
        "unreadable",
        _("the folder cannot be read ({reason}); none of its files were read").format(
            reason=store.os_reason(exc)
        ),
        _("give yourself permission to read the folder (chmod u+rx), or move it out of the ledger"),
    )


def ledger_files(root: Path) -> list[Path]:
    """Every file the ledger is made of: settings, units, and the year folders' files."""
    found = [p for p in (root / SETTINGS_FILE, root / UNITS_FILE) if p.exists() or p.is_symlink()]
    return found + year_files(root, [], "*.yaml")


def problem_file(root: Path, year: int, unit_id: str) -> Path:
    return root / str(year) / f"{unit_id}.yaml"


class _Reader:
    """Reads files once, keeps their text for locating diagnostics, collects diagnostics."""

    def __init__(
        self, overrides: Mapping[Path, str], cache: store.Cache | None, *, texts: bool = False
    ) -> None:
        self.overrides = {Path(p).resolve(): text for p, text in overrides.items()}
        self.keep_texts = texts or bool(self.overrides)
        self.texts: dict[Path, str] = {}
        self.shas: dict[Path, str] = {}
        self.diagnostics: list[Diagnostic] = []
        self.cache = cache
        self.stamps: dict[Path, store.Stamp | None] = {}
        self.checked: dict[Path, list[Diagnostic]] = {}
        """What the checks that look at one file alone found in each file a worker read (`_Alone`)."""

    def read(self, path: Path) -> Any:
        text = self.overrides.get(path.resolve()) if self.overrides else None
        if text is None:
            text, found = store.read_text(path)
            self.diagnostics += found
            if text is None:
                return None
        self._keep(path, text)
        data, found = store.parse(path, text)
        self.diagnostics += found
        return data

    def _keep(self, path: Path, text: str) -> None:
        """The text's sha256; the text itself only when it is not the file's (an edit's
        `reload`): the others are read again for the lines of what is found in them, and
        keeping every text of a large ledger would double what a cold read holds."""
        self.shas[path] = store.text_sha(text)
        if self.keep_texts:
            self.texts[path] = text

    def mapping(self, path: Path, data: Any, expected: str) -> dict[str, Any] | None:
        if data is None:
            return {}
        if isinstance(data, dict):
            return data
        self.diagnostics.append(
            Diagnostic.at(
                path,
                (),
                "file-shape",
                _("expected a mapping of {key} at the top").format(key=expected),
                _("start the file with `{key}:`").format(key=expected.split(",")[0]),
            )
        )
        return None

    def validate(self, model: type[M], data: Any, path: Path, pointer: Pointer) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            self.diagnostics += [validation_diagnostic(path, pointer, error, model) for error in exc.errors()]
            return None

    def cached(self, path: Path, produce: Callable[[], V], adapter: TypeAdapter[V]) -> V:
        """What `produce` reads from a file: from the cache (JSON, validated by `adapter`) when
        the file is unchanged since it was cached; else produced, and cached when reading it
        found nothing wrong."""
        if self.cache is None:
            return produce()
        stamp = self.stamp(path)
        hit = self.cache.get(path, stamp)
        if hit is not None:
            blob = hit.fetch()
            if blob is not None:
                with contextlib.suppress(ValueError):  # damaged, or of a shape since changed
                    value = adapter.validate_json(blob, context=TRUSTED)
                    self.shas[path] = hit.sha
                    return value
        before = len(self.diagnostics)
        value = produce()
        if len(self.diagnostics) == before and path in self.shas:
            self.cache.put(path, stamp, self.shas[path], adapter.dump_json(value, exclude_unset=True))
        return value

    def entries(self, model: type[M], path: Path, key: str) -> list[Located[M]]:
        """The valid records of a file's list under `key`, each with its place."""
        read: list[Located[M]] = []

        def produce() -> list[M]:
            read.extend(self.records(model, path, key))
            return [entry.record for entry in read]

        found = self.cached(path, produce, _adapter(list[model]))  # type: ignore[valid-type]
        # Read now, with the places of the records valid among invalid ones; or all valid.
        return read or [Located(record, Origin(path, (key, i))) for i, record in enumerate(found)]

    def hit(self, path: Path) -> store.Cached | None:
        """What the cache keeps of a problem file unchanged since it was cached."""
        hit = self.cache.get(path, self.stamp(path)) if self.cache is not None else None
        return hit if hit is not None and hit.parts is not None else None

    def problem_file(self, path: Path, hit: store.Cached | None = None) -> ProblemFile:
        """A file's problems: from the cache (`hit`), left packed until they are used, when the
        file is unchanged since it was cached; else read, and cached when nothing was wrong."""
        if hit is not None and hit.parts is not None:
            self.shas[path] = hit.sha
            # Each part is read from the cache when it is first asked for, the records when
            # they are: a warm `overdue` needs the dates alone.
            return _packed(path, hit.fetch, hit.parts)
        stamp = self.stamp(path) if self.cache is not None else None
        before = len(self.diagnostics)
        file = ProblemFile(path, self.records(Problem, path, "problems"))
        if self.cache is not None and len(self.diagnostics) == before and path in self.shas:
            self.cache.put(path, stamp, self.shas[path], *file.packed())
        return file

    def taken(self, alone: _Alone) -> ProblemFile:
        """A problem file a worker read (`_read_alone`): what it found, its records left packed
        in their JSON until they are used, and cached when nothing was wrong."""
        path = alone.path
        self.diagnostics += alone.found
        self.checked[path] = alone.checked
        if alone.sha is None:
            return ProblemFile(path, [])
        self.shas[path] = alone.sha
        if alone.clean and self.cache is not None:
            self.cache.put(path, self.stamp(path), alone.sha, alone.records, alone.parts)
        return _packed(
            path, partial(_given, alone.records), {k: partial(_given, v) for k, v in alone.parts.items()}
        )

    def single(self, model: type[M], path: Path, expected: str) -> M | None:
        """A file that holds one record (settings, a year's meta), if it is valid."""

        def produce() -> M | None:
            data = self.mapping(path, self.read(path), expected)
            return self.validate(model, data, path, ()) if data is not None else None

        found: M | None = self.cached(path, produce, _adapter(model | None))
        return found

    def stamp(self, path: Path) -> store.Stamp | None:
        """The file's stamp, taken once and before it is read: a later change makes it stale."""
        if path not in self.stamps:
            self.stamps[path] = store.Stamp.of(path)
        return self.stamps[path]

    def records(self, model: type[M], path: Path, key: str) -> list[Located[M]]:
        """The valid records of the list under `key`; every invalid one diagnosed."""
        top = self.mapping(path, self.read(path), key)
        if top is None:
            return []
        for extra in sorted(set(top) - {key}, key=str):
            self.diagnostics.append(
                Diagnostic.at(
                    path,
                    (extra,),
                    "unknown-field",
                    _("unknown top-level key '{key}'").format(key=extra),
                    _("this file holds only `{key}:`").format(key=key),
                )
            )
        items = top.get(key) or []
        if not isinstance(items, list):
            self.diagnostics.append(
                Diagnostic.at(
                    path,
                    (key,),
                    "file-shape",
                    _("`{key}` must be a list").format(key=key),
                    _("write each entry as `- ...` under `{key}:`").format(key=key),
                )
            )
            return []
        found = []
        for index, item in enumerate(items):
            record = self.validate(model, item, path, (key, index))
            if record is not None:
                found.append(Located(record, Origin(path, (key, index))))
        return found


def load(
    root: Path, *, cache: bool = True, checks: bool = True, disk: bool = True, today: date | None = None
) -> tuple[Ledger, list[Diagnostic]]:
    """Read and check the whole ledger under `root`, judging dates by `today` (default: the
    real today).

    Files unchanged since the last read, and the checks' result when no file changed, come
    from the read cache (`store.Cache`), unless `cache` is false or AUDITLEDGER_NO_CACHE is
    set (checks that judge by the day always run). Without `checks`, only what reading and
    validating the files finds is reported (an edit checks its own result with `reload`).
    Without `disk`, the checks that look at files beyond the ledger's (evidence) do not run:
    commands that only read leave them to `check`.

    With the cache, many problem files not yet cached (a first read, a new clone) are read by
    one worker process per core, file by file: each parses, validates and checks its file
    alone and hands back what the cache keeps (`_read_alone`); the checks across files then
    run here on the files' parts. The records are not all held at once.
    """
    store.settle(root)  # a write of several files under way or interrupted: after it, not halfway
    memo.loading(root)  # a remembered answer is kept only while the files listed now are the ledger's
    use_cache = cache and not os.environ.get("AUDITLEDGER_NO_CACHE")
    with memo.no_collection():
        reader = _Reader({}, store.Cache.open(root, CACHE_KEY) if use_cache else None)
        ledger = _read_files(root, reader)
        diagnostics = reader.diagnostics + (_checked(ledger, reader, today, disk) if checks else [])
        return ledger, sort_diagnostics(locate_lines(diagnostics, reader.texts, reader.shas))


def _read_files(root: Path, reader: _Reader) -> Ledger:
    settings_path = root / SETTINGS_FILE
    settings = reader.single(Settings, settings_path, "settings") or Settings(name=root.name or "ledger")
    ledger = Ledger(root, settings, Origin(settings_path))

    units_path = root / UNITS_FILE
    if units_path.exists():
        ledger.unit_entries = reader.entries(Unit, units_path, "units")
    else:
        reader.diagnostics.append(
            Diagnostic(
                units_path,
                None,
                None,
                "missing-file",
                _("{file} is missing").format(file=UNITS_FILE),
                _("add units with `auditledger add-unit ID --name 名称`"),
            )
        )
    files = year_files(root, reader.diagnostics)
    _read_year_files(files, ledger, reader)
    ledger.digest = store.digest(root, reader.shas)
    if reader.cache is not None:
        reader.cache.save(list(reader.stamps))
    return ledger


def _read_year_files(files: list[Path], ledger: Ledger, reader: _Reader) -> None:
    """The year folders' files, folder by folder, by name: the years' files first, then the
    problem files (which workers may read, and check, in the light of the years)."""
    problem_paths = []
    for path in files:
        if path.suffix == ".yml":
            reader.diagnostics.append(
                Diagnostic(
                    path,
                    None,
                    None,
                    "stray-file",
                    _("not read: ledger files end in .yaml"),
                    _("rename it to {name}").format(name=f"{path.stem}.yaml"),
                )
            )
        elif RESERVED_NAME.match(device := path.name.split(".")[0].rstrip(" ")):
            # Windows reserves the name whatever follows the first dot (aux.backup.yaml)
            reader.diagnostics.append(
                Diagnostic(
                    path,
                    None,
                    None,
                    "reserved-name",
                    _(
                        "not read: Windows reserves the name '{name}' for a device, so this file "
                        "cannot be checked out there"
                    ).format(name=device),
                    _("rename the unit and its file (see `auditledger add-unit --help`)"),
                )
            )
        elif path.name == YEAR_FILE:
            meta = reader.single(YearMeta, path, "year")
            if meta is not None:
                ledger.year_entries.append(Located(meta, Origin(path)))
        else:
            problem_paths.append(path)
    ledger.problem_files += _problem_files(problem_paths, ledger, reader)


def _problem_files(paths: list[Path], ledger: Ledger, reader: _Reader) -> list[ProblemFile]:
    """The problem files: from the cache when unchanged; the others read here, or by worker
    processes when there is much to read (`_workers`)."""
    hits = {path: reader.hit(path) for path in paths}
    cold = [path for path in paths if hits[path] is None]
    count = _workers(cold, reader) if reader.cache is not None else 0
    read = (
        {alone.path: reader.taken(alone) for alone in _read_in_workers(cold, ledger, count)} if count else {}
    )
    return [read[path] if path in read else reader.problem_file(path, hits[path]) for path in paths]


# --- reading in worker processes -----------------------------------------------------------

WORKERS_VAR = memo.WORKERS_VARIABLE
"""How many processes read the problem files that are not cached: 0 or 1 reads them in this
process; unset, one per core when there is much to read (`WORKERS_FROM`)."""
START_METHOD: str | None = None
"""How worker processes start (`multiprocessing`'s start methods); None: as the platform does
(forked on Linux, spawned on Windows and macOS)."""
WORKERS_FROM = 4 << 20
"""Bytes of problem files to read from which worker processes pay for their start (a few
milliseconds each where processes fork, a few tenths of a second where they are spawned)."""


class _Alone(NamedTuple):
    """A problem file as a worker read it (`_read_alone`), for the process that asked."""

    path: Path
    sha: str | None
    """sha256 of its text; None when it could not be read."""
    found: list[Diagnostic]
    """What reading it found (its text, YAML and records), with lines."""
    checked: list[Diagnostic]
    """What the cacheable checks that look at one file alone found in it, with lines."""
    records: bytes
    parts: dict[str, bytes]
    clean: bool
    """Nothing was wrong in reading it: what was read may be cached."""


def _workers(paths: list[Path], reader: _Reader) -> int:
    """How many worker processes read `paths`: none for little to read, or in a process that
    runs threads (the workbench: forking it is not safe); else one per core."""
    asked = os.environ.get(WORKERS_VAR, "").strip()
    if asked.isascii() and asked.isdigit():
        return int(asked) if int(asked) > 1 and paths else 0
    if len(paths) < 2 or _threaded():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    size = sum(stamp.size for stamp in map(reader.stamp, paths) if stamp is not None)
    return min(cores, len(paths)) if cores > 1 and size >= WORKERS_FROM else 0


def _threaded() -> bool:
    """Whether this process runs other threads than its main one."""
    import threading

    return threading.active_count() > 1


def _read_in_workers(paths: list[Path], ledger: Ledger, count: int) -> list[_Alone]:
    """The problem files read, validated and checked file by file (`_read_alone`) by `count`
    processes, in `paths`' order. The records come back as JSON, so that this process holds
    no more than the cache would give it."""
    import multiprocessing

    given = Ledger(
        ledger.root, ledger.settings, ledger.settings_origin, ledger.unit_entries, ledger.year_entries
    )
    context = multiprocessing.get_context(START_METHOD)
    with context.Pool(count, _start_worker, (given, i18n.language())) as pool:
        return list(pool.imap(_read_alone, paths, chunksize=2))


_GIVEN: list[Ledger] = []
"""In a worker: the ledger's settings, units and years (no problems), as its parent read them."""


def _start_worker(given: Ledger, language: str) -> None:
    i18n.use(language)
    _GIVEN[:] = [given]
    gc.disable()  # as `memo.no_collection`: what a worker reads forms no cycles, and it lives briefly


def _read_alone(path: Path) -> _Alone:
    """In a worker: one problem file read and validated, checked by the checks that look at
    it alone, and its records and parts as the cache keeps them."""
    given = _GIVEN[0]
    reader = _Reader({}, None, texts=True)
    file = ProblemFile(path, reader.records(Problem, path, "problems"))
    sha = reader.shas.get(path)
    if sha is None:
        return _Alone(path, None, _with_lines(reader.diagnostics, reader.texts), [], b"[]", {}, False)
    ledger = Ledger(
        given.root, given.settings, given.settings_origin, given.unit_entries, given.year_entries, [file]
    )
    for index in ("units", "years"):
        ledger.__dict__[index] = getattr(given, index)
    checked = run_checks(ledger.within([path]), cacheable=True, across=False)
    records, parts = file.packed()
    found = _with_lines(reader.diagnostics, reader.texts)
    return _Alone(path, sha, found, _with_lines(checked, reader.texts), records, parts, not found)


def _checked(ledger: Ledger, reader: _Reader, today: date | None, disk: bool) -> list[Diagnostic]:
    """The checks' findings: those that read only the ledger's records from the cache, file by
    file, for the files unchanged since they ran (`_incremental`); those that look at other
    files on disk, or judge by `today`, every time."""
    found = _incremental(ledger, reader) if reader.cache is not None else None
    if found is None:
        found = _cacheable_checks(ledger, reader)
    return found + locate_lines(run_checks(ledger, today=today, cacheable=False, disk=disk), reader.texts)


def _incremental(ledger: Ledger, reader: _Reader) -> list[Diagnostic]:
    """The findings of the checks across records, kept per file in the cache with the sha256
    of the file's text (and, for a problem file, of its problems' ids, years and units). When
    the ledger's shape is as it was (the same files; settings, units and years' files
    unchanged), only the changed problem files are checked again, in the light of the whole
    ledger: by the checks that look at one file alone when what the checks across files see of
    them (`_keys_sha`) is as it was, those checks' findings kept; by every check when it is not,
    and the checks across files on the others too (`_rekeyed`). Else every file is checked
    again."""
    cache = reader.cache
    assert cache is not None
    root = ledger.root
    problem_paths = {file.path for file in ledger.problem_files}
    names = {path: store.relative_name(root, path) for path in reader.shas}
    shape_sha = hashlib.sha256(f"{CACHE_KEY}\0{i18n.language()}\0".encode())
    for path in sorted(reader.shas, key=lambda p: names[p]):
        kept = "" if path in problem_paths else reader.shas[path]
        shape_sha.update(f"{names[path]}\0{kept}\n".encode())
    shape = shape_sha.hexdigest()
    stored = cache.checks()
    changed: list[ProblemFile] = []
    whole = stored.get("", ("", b""))[0] != shape
    if any(file.path not in names for file in ledger.problem_files):
        whole = True  # a file that could not be read has no sha to keep its findings for
    rekeyed = False
    if not whole:
        for file in ledger.problem_files:
            was = stored.get(names[file.path])
            if was is None or was[0].split(":")[0] != reader.shas.get(file.path):
                changed.append(file)
                rekeyed = rekeyed or was is None or was[0].split(":")[1] != _keys_sha(file)
    files: list[ProblemFile] | None = None
    if whole:
        found = _cacheable_checks(ledger, reader)
    elif rekeyed:
        found = _rekeyed(ledger, reader, changed, stored)
    else:
        # The changed files kept what the checks across files see of them: those checks'
        # findings in them are as they were; the others are found again.
        found = _cacheable_checks(ledger, reader, changed, across=False) if changed else []
        carried = [
            replace(d, line=None, col=None)  # where, in the text as it is now
            for file in changed
            for d in _across(_findings_from_json(file.path, stored[names[file.path]][1]))
        ]
        found += locate_lines(carried, reader.texts)
        files = changed
    by_name: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in found:
        by_name[store.relative_name(root, d.path) if d.path else ""].append(d)
    if files is None:
        by_path = {file.path: file for file in ledger.problem_files}
        rows = {
            names[path]: (
                f"{reader.shas[path]}:{_keys_sha(by_path[path])}" if path in by_path else reader.shas[path],
                _findings_json(by_name.get(names[path], [])),
            )
            for path in reader.shas
        }
        rows[""] = (shape, _findings_json(by_name.get("", [])))
        cache.put_checks(rows, whole=True)
        return found
    rows = {
        names[f.path]: (
            f"{reader.shas[f.path]}:{_keys_sha(f)}",
            _findings_json(by_name.get(names[f.path], [])),
        )
        for f in files
    }
    cache.put_checks(rows, whole=False)
    again = {names[f.path] for f in files}
    for name, (_sha, blob) in stored.items():
        if name not in again:
            found += _findings_from_json(root / name if name else None, blob)
    return found


def _rekeyed(
    ledger: Ledger, reader: _Reader, changed: list[ProblemFile], stored: Mapping[str, tuple[str, bytes]]
) -> list[Diagnostic]:
    """The findings after problem files changed their ids, years or units, the ledger's shape
    being as it was: the changed files checked again by every check; the others by the checks
    across files alone (which see the ids, from the files' keys), their findings of the other
    checks, which look at their own file, as the cache keeps them."""
    root = ledger.root
    again = {file.path for file in changed}
    found = _cacheable_checks(ledger, reader, changed)
    others = ledger.within([path for path in reader.shas if path not in again])
    found += locate_lines(run_checks(others, cacheable=True, across=True), reader.texts)
    names = {store.relative_name(root, path) for path in again}
    for name, (_sha, blob) in stored.items():
        if name not in names:
            kept = _findings_from_json(root / name if name else None, blob)
            found += _across(kept, False)
    return found


def _cacheable_checks(
    ledger: Ledger, reader: _Reader, only: list[ProblemFile] | None = None, *, across: bool | None = None
) -> list[Diagnostic]:
    """The findings of the checks that may be cached, on the whole ledger or `only` these
    problem files, located: of the files that workers read, what they found checking each
    alone, and the checks across files (`Check.across`) run here; of the others, every check.
    With `across` False, not the checks across files."""
    files = ledger.problem_files if only is None else only
    done = {file.path for file in files if file.path in reader.checked}
    if only is None:
        paths = {entry.origin.path for entry in ledger.unit_entries}
        paths |= {entry.origin.path for entry in ledger.year_entries} | {file.path for file in files}
    else:
        paths = {file.path for file in files}
    if not done:
        view = ledger if only is None else ledger.within(paths)
        return locate_lines(run_checks(view, cacheable=True, across=across), reader.texts)
    found = [d for file in files if file.path in done for d in reader.checked[file.path]]
    if across is not False:
        found += run_checks(ledger.within(done), cacheable=True, across=True)
    if paths - done:
        found += run_checks(ledger.within(paths - done), cacheable=True, across=across)
    return locate_lines(found, reader.texts)


def _across(found: list[Diagnostic], across: bool = True) -> list[Diagnostic]:
    """The findings of the checks across files (or, `across` False, of the others)."""
    return [d for d in found if (d.code in CHECKS and CHECKS[d.code].across) is across]


def _keys_sha(file: ProblemFile) -> str:
    """sha256 of what the checks across files see of a problem file, and where: its problems'
    ids, audit years, units and links, and the place of each in the file."""
    import orjson

    keys = file.problem_keys()
    places = [file.origin(index).pointer for index in range(len(keys))]
    seen = [part_json("keys", keys), part_json("links", file.part("links")), orjson.dumps(places)]
    return hashlib.sha256(b"\0".join(seen)).hexdigest()


def _findings_json(found: list[Diagnostic]) -> bytes:
    import orjson

    return orjson.dumps(
        [[d.line, d.col, d.code, d.message, d.hint, d.severity.value, list(d.pointer)] for d in found]
    )


def _findings_from_json(path: Path | None, blob: bytes) -> list[Diagnostic]:
    """Findings stored by `_findings_json` (of the file they are stored under; of no file under
    the empty name, which also keeps the ledger's shape)."""
    import orjson

    found: list[Diagnostic] = []
    with contextlib.suppress(ValueError, TypeError):
        for line, col, code, message, hint, severity, pointer in orjson.loads(blob):
            found.append(Diagnostic(path, line, col, code, message, hint, Severity(severity), tuple(pointer)))
    return found


class _Stale(Exception):
    """A cached part or record that can no longer be read: the file is read again."""


def _part(name: str, fetch: Callable[[], bytes | None], path: Path) -> tuple[Any, ...]:
    """A problem file's part from the cache's JSON; from the file when the cache no longer
    gives it (another read replaced or deleted the database meanwhile)."""
    blob = fetch()
    if blob is not None:
        with contextlib.suppress(ValueError, TypeError, IndexError):
            return part_from_json(name, blob)
    return tuple(map(PARTS[name], _read_again(path)))


def _packed(
    path: Path, fetch: Callable[[], bytes | None], parts: Mapping[str, Callable[[], bytes | None]]
) -> ProblemFile:
    """A problem file whose records and parts are JSON (in the cache, or from a worker), each
    validated when first asked for."""
    made = {name: partial(_part, name, blob, path) for name, blob in parts.items()}
    return ProblemFile(path, load=partial(_unpacked, fetch, path), parts=made)  # type: ignore[arg-type]


def _given(blob: bytes) -> bytes:
    return blob


def _unpacked(fetch: Callable[[], bytes | None], path: Path) -> list[Problem]:
    """A file's problems, validated again from their JSON; read again from the file when the
    cache no longer gives them."""
    with memo.no_collection():
        blob = fetch()
        if blob is not None:
            with contextlib.suppress(ValueError):
                problems: list[Problem] = _adapter(list[Problem]).validate_json(blob, context=TRUSTED)
                return problems
        return _read_again(path)


def _read_again(path: Path) -> list[Problem]:
    """A problem file's valid problems, read from the file: what the cache no longer gives."""
    return [entry.record for entry in _Reader({}, None).records(Problem, path, "problems")]


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per type (making one builds its validator)."""
    found = _ADAPTERS.get(kind)
    if found is None:
        found = _ADAPTERS[kind] = TypeAdapter(kind)
    return found


def reload(ledger: Ledger, overrides: Mapping[Path, str]) -> tuple[Ledger, list[Diagnostic]]:
    """The ledger as it would be with some files' texts replaced, and what is wrong in those
    files: only they are read, and the checks report on their records alone, looking up ids and
    units in the whole. Dates are judged by the real today: a write cannot record the future."""
    reader = _Reader(overrides, None)
    changed = set(reader.overrides)
    root = ledger.root

    top = root.resolve()
    # The changed files as the ledger's own origins name them (root / relative path), so that
    # keeping the other records needs no path resolution per record.
    named = {root / p.relative_to(top) for p in changed if p.is_relative_to(top)}

    def kept(entries: list[Located[R]]) -> list[Located[R]]:
        return [e for e in entries if e.origin.path not in named]

    settings_path = root / SETTINGS_FILE
    settings = ledger.settings
    if settings_path.resolve() in changed:
        settings = reader.single(Settings, settings_path, "settings") or settings
    new = Ledger(
        root,
        settings,
        ledger.settings_origin,
        kept(ledger.unit_entries),
        kept(ledger.year_entries),
        [file for file in ledger.problem_files if file.path not in named],
    )
    for resolved in sorted(changed):
        if not resolved.is_relative_to(top):
            continue
        path = root / resolved.relative_to(top)
        if path.name == UNITS_FILE and path.parent == root:
            new.unit_entries += reader.records(Unit, path, "units")
        elif path.parent.parent == root and YEAR_FOLDER.match(path.parent.name) and path.suffix == ".yaml":
            if path.name == YEAR_FILE:
                meta = reader.single(YearMeta, path, "year")
                if meta is not None:
                    new.year_entries.append(Located(meta, Origin(path)))
            else:
                new.problem_files.append(ProblemFile(path, reader.records(Problem, path, "problems")))
    with memo.no_collection():
        found = run_checks(new.within(named))
    diagnostics = reader.diagnostics + found
    return new, sort_diagnostics(_with_lines(diagnostics, reader.texts))


CACHE_FORMAT = 19
"""Bump when what the cache keeps changes shape (an entry, `model.PARTS`): older caches are
then rebuilt, not misread."""
CACHE_KEY = f"auditledger {__version__}, schema {SCHEMA_VERSION}, cache {CACHE_FORMAT}"


def locate_lines(
    diagnostics: list[Diagnostic],
    known: Mapping[Path, str] | None = None,
    only: Collection[Path] | None = None,
) -> list[Diagnostic]:
    """Line and column for diagnostics made after loading, from the `known` texts of files read,
    else reading their files again (files the read cache gave were not read); with `only`, just
    those files (a file not read, such as a stray `.yml`, has no lines to point at)."""
    texts: dict[Path, str] = dict(known or {})
    for d in diagnostics:
        if d.line is None and d.path is not None and d.path not in texts and (only is None or d.path in only):
            text, _found = store.read_text(d.path)
            if text is not None:
                texts[d.path] = text
    return _with_lines(diagnostics, texts)


def _with_lines(diagnostics: list[Diagnostic], texts: Mapping[Path, str]) -> list[Diagnostic]:
    """Find line and column for the diagnostics that have only a pointer, one parse per file."""
    wanted: dict[Path, list[Pointer]] = defaultdict(list)
    for d in diagnostics:
        if d.line is None and d.path is not None and d.path in texts:
            wanted[d.path].append(d.pointer)
    places = {path: store.locate(texts[path], pointers) for path, pointers in wanted.items()}
    located = []
    for d in diagnostics:
        place = places.get(d.path, {}).get(d.pointer) if d.path else None
        located.append(d.located(*place) if place and d.line is None else d)
    return located


# --- validation errors as diagnostics ----------------------------------------------------


def validation_diagnostic(path: Path | None, base: Pointer, error: Any, model: type[BaseModel]) -> Diagnostic:
    """One pydantic error as a diagnostic with a message and a hint that says the fix."""
    loc = tuple(step for step in error["loc"] if step != "[key]")
    pointer = base + loc
    code, message, hint = describe_error(error, loc, model)
    return Diagnostic.at(path, pointer, code, message, hint)


def describe_error(error: Any, loc: Pointer, model: type[BaseModel]) -> tuple[str, str, str]:
    """(code, message, hint) for one pydantic error at `loc` inside `model`."""
    kind: str = error["type"]
    name = ".".join(str(step) for step in loc) or model.__name__
    field_name = next((str(s) for s in reversed(loc) if isinstance(s, str)), name)
    value = error.get("input")
    shown = _shown(value)
    if kind == "missing":
        return (
            "missing-field",
            _("missing field '{field}'").format(field=name),
            _("add `{key}:` with a value").format(key=field_name),
        )
    if kind == "extra_forbidden":
        known = _field_names(model, loc[:-1])
        guess = difflib.get_close_matches(field_name, known, n=1, cutoff=0.6)
        hint = (
            _("did you mean '{value}'?").format(value=guess[0])
            if guess
            else _("remove it (see `auditledger schema` for the fields)")
        )
        return "unknown-field", _("unknown field '{field}'").format(field=name), hint
    if kind == "enum":
        choice = _choice_for(error.get("ctx", {}).get("expected", ""))
        choices = choice.choices() if choice else error["ctx"]["expected"]
        return (
            "invalid-choice",
            _("{field}: {value} is not a valid value").format(field=name, value=shown),
            _("use one of: {choices}").format(choices=choices),
        )
    if kind.startswith(("date", "datetime")):
        return (
            "invalid-date",
            _("{field}: {value} is not a valid date").format(field=name, value=shown),
            _("write dates as YYYY-MM-DD, e.g. 2024-06-30"),
        )
    bound = str(error.get("ctx", {}).get(_BOUND.get(kind, ""), ""))
    if kind in _NUMBER_BOUNDS and bound in (str(FIRST_DAY), str(LAST_DAY)):  # a `Day` out of range
        return (
            "invalid-date",
            _("{field}: {value} is not between {first} and {last}").format(
                field=name, value=shown, first=FIRST_DAY, last=LAST_DAY
            ),
            _("correct the year: a ledger's dates lie within 1990–2100"),
        )
    if loc and loc[0] in ("amount", "rectified") and (kind.startswith("decimal") or kind in _NUMBER_BOUNDS):
        return (
            "invalid-amount",
            _("{field}: {value} is not a valid amount ({reason})").format(
                field=name, value=shown, reason=_amount_reason(error)
            ),
            _(
                "write amounts in 万元 as plain numbers (1200000, not 1.2e6), from 0 to 10¹² with at most "
                "15 digits, e.g. 1234.56"
            ),
        )
    if kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == NO_CONTROL_PATTERN:
        character = next(ch for ch in str(value) if re.match(f"[{CONTROL_CHARACTERS}]", ch))
        return (
            "invalid-value",
            _("{field}: text holds the control character U+{code}").format(
                field=name, code=f"{ord(character):04X}"
            ),
            _("remove it (it often comes from text pasted from another program)"),
        )
    if kind == "string_pattern_mismatch" and error["ctx"]["pattern"] in ID_RULES:
        return (
            "invalid-value",
            _("{field}: {value} is not a valid id").format(field=name, value=shown),
            _("use {rule}").format(rule=_(ID_RULES[error["ctx"]["pattern"]])),
        )
    if kind == "value_error":
        return "invalid-value", _("{field}: {reason}").format(field=name, reason=error["ctx"]["error"]), ""
    return (
        "invalid-value",
        _("{field}: {value} is not valid ({reason})").format(field=name, value=shown, reason=_reason(error)),
        _("correct the value"),
    )


_NUMBER_BOUNDS = {"greater_than_equal", "greater_than", "less_than_equal", "finite_number"}
_BOUND = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le"}


SHOWN_CHARS = 60
"""A value quoted in a diagnostic is cut to this many characters: a 10 MB value is not echoed."""


def _shown(value: Any) -> str:
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = _("{start}… ({count} characters)").format(start=text[:SHOWN_CHARS], count=len(text))
    return i18n.pick(f"“{text}”", f"'{text}'") if isinstance(value, str) else text


def _amount_reason(error: Any) -> str:
    if error["type"] == "less_than_equal":
        return _("more than 10¹² 万元")
    return _reason(error)


def _reason(error: Any) -> str:
    """Why pydantic refused the value, in the language spoken."""
    return describe(error)


def _choice_for(expected: str) -> type[Choice] | None:
    def all_choices(cls: type[Choice]) -> list[type[Choice]]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in all_choices(direct))]

    for cls in all_choices(Choice)[1:]:
        if all(f"'{member.value}'" in expected for member in cls) and expected.count("'") == 2 * len(cls):
            return cls
    return None


def _field_names(model: type[BaseModel], loc: Pointer) -> list[str]:
    """The field names of the model found at `loc` inside `model` (best effort)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        info = (
            current.model_fields.get(step)
            if isinstance(current, type) and issubclass(current, BaseModel)
            else None
        )
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
