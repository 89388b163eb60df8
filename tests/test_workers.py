"""Problem files read by worker processes (`loader._read_in_workers`), as a cold read of a large
ledger does: the same output, findings and cache as a read in the one process."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from auditledger import loader
from tests.conftest import CLI, age, snapshot
from tests.test_cache import CACHE, COMMANDS, DATABASE, reuse_an_id

AS_OF = "2026-11-24"


def spoil(root: Path) -> None:
    """Mistakes of every kind a worker meets: a file that is no YAML, an id used in two files,
    a link to no problem, a unit not in units.yaml, a problem in another unit's file."""
    reuse_an_id(root / "2024" / "czj.yaml", root / "2024" / "jyj.yaml")
    broken = root / "2025" / "czj.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "  - id: [\n", encoding="utf-8")
    linked = root / "2025" / "jyj.yaml"
    text = linked.read_text(encoding="utf-8")
    linked.write_text(text.replace("    year: 2025\n", "    year: 2025\n    recurring_from: [2019-404]\n", 1))
    moved = root / "2024" / "wjw.yaml"
    moved.write_text(moved.read_text(encoding="utf-8").replace("unit: wjw", "unit: nosuch", 1))


def cache_rows(root: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What the cache holds: each file's stamp, sha, records and parts, and the checks' findings."""
    db = sqlite3.connect(root / DATABASE)
    try:
        files = db.execute("SELECT * FROM files ORDER BY name").fetchall()
        checks = db.execute("SELECT * FROM checks ORDER BY name").fetchall()
    finally:
        db.close()
    return files, checks


def read_cold(cli: CLI, workers: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    """Everything a user sees of a cold `check` and of every reading command after it, and the
    cache the check made; with `workers` processes reading the problem files."""
    shutil.rmtree(cli.root / CACHE, ignore_errors=True)
    monkeypatch.setenv(loader.WORKERS_VAR, workers)
    check = cli("check", "--as-of", AS_OF)
    made = cache_rows(cli.root)
    answers = [(r.exit_code, r.stdout, r.stderr) for r in (cli(*command) for command in COMMANDS)]
    return (check.exit_code, check.stdout, check.stderr), made, answers


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each read handed to workers."""
    handed: list[int] = []
    real = loader._read_in_workers

    def counting(paths: list[Path], ledger: object, count: int) -> object:
        handed.append(len(paths))
        return real(paths, ledger, count)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_read_in_workers", counting)
    return handed


@pytest.mark.parametrize("spoiled", [False, True], ids=["sound", "spoiled"])
def test_workers_read_what_one_process_reads(
    sample: CLI, monkeypatch: pytest.MonkeyPatch, counted: list[int], spoiled: bool
) -> None:
    if spoiled:
        spoil(sample.root)
    age(sample.root)
    alone = read_cold(sample, "0", monkeypatch)
    assert counted == []
    together = read_cold(sample, "2", monkeypatch)
    files = sum(1 for p in sample.root.glob("20*/*.yaml") if p.name != "_year.yaml")
    assert counted[0] == files  # the check read every problem file in workers
    assert together == alone
    (code, out, _err), (rows, _checks), _answers = together
    assert len(rows) == files + 2 + len(list(sample.root.glob("20*/_year.yaml"))) - spoiled
    if spoiled:
        assert code == 1
        for found in ("duplicate-id", "yaml-syntax", "broken-recurring-link", "unknown-unit", "wrong-file"):
            assert found in out, found
    else:
        assert code == 0 and "0 errors" in out


def test_spawned_workers_read_what_one_process_reads(sample: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes are spawned, not forked (Windows, macOS), a worker starts from nothing:
    it is given the language, settings, units and years it checks by."""
    spoil(sample.root)
    age(sample.root)
    monkeypatch.setenv(loader.WORKERS_VAR, "0")
    read_here, alone = loader.load(sample.root)
    shutil.rmtree(sample.root / CACHE)
    monkeypatch.setenv(loader.WORKERS_VAR, "2")
    monkeypatch.setattr(loader, "START_METHOD", "spawn")
    read_there, together = loader.load(sample.root)
    assert together == alone and any(d.code == "duplicate-id" for d in together)
    assert [e.record for e in read_there.problem_entries] == [e.record for e in read_here.problem_entries]


def test_no_workers_for_a_small_ledger_or_a_warm_one(
    sample: CLI, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    monkeypatch.delenv(loader.WORKERS_VAR, raising=False)
    monkeypatch.setattr(loader, "_threaded", lambda: False)  # threads other tests left do not count
    age(sample.root)
    sample("check", "--as-of", AS_OF)
    assert counted == []  # the sample is far below WORKERS_FROM
    monkeypatch.setattr(loader, "WORKERS_FROM", 0)
    shutil.rmtree(sample.root / CACHE)
    sample("check", "--as-of", AS_OF)
    assert len(counted) == 1 and counted[0] > 1
    sample("list", "--format", "json")
    assert len(counted) == 1  # every file came from the cache


def test_no_workers_forked_from_a_process_that_runs_threads(
    sample: CLI, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    """The workbench reads the ledger in a thread of its own: forking a process that runs
    threads can leave a worker waiting for a lock a thread held."""
    monkeypatch.delenv(loader.WORKERS_VAR, raising=False)
    monkeypatch.setattr(loader, "WORKERS_FROM", 0)
    age(sample.root)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert sample("check", "--as-of", AS_OF).exit_code == 0
    finally:
        stop.set()
        thread.join()
    assert counted == []


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_number_of_workers_that_is_no_number_is_one_clear_error(
    sample: CLI, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """AUDITLEDGER_WORKERS that is not a number of processes is refused, not silently taken as
    unset: one line naming the variable and its value, exit 2, the ledger untouched."""
    monkeypatch.setenv(loader.WORKERS_VAR, value)
    before = snapshot(sample.root)
    run = sample("check", "--as-of", "2026-11-24")
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"error: AUDITLEDGER_WORKERS: '{value}' is not a number of processes; set it to 0 to read in "
        "one process, or to a number of processes, or unset it"
    ]
    assert snapshot(sample.root) == before
    monkeypatch.setenv(loader.WORKERS_VAR, " 0 ")
    assert sample("check", "--as-of", "2026-11-24").exit_code == 0
