"""The read cache is invisible: every result is the same with it, without it, and after any
change to the files; a broken cache is thrown away and rebuilt."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from auditledger import store
from auditledger.loader import CACHE_KEY
from tests.conftest import CLI, age, snapshot

COMMANDS = [
    ("check", "--format", "json"),
    ("list", "--format", "json"),
    ("list", "--as-of", "2025-06-30", "--format", "json"),
    ("overdue", "--as-of", "2026-11-24", "--format", "json"),
    ("report", "--year", "2024", "--as-of", "2026-11-24"),
    (
        "report",
        "--kind",
        "unit",
        "--unit",
        "czj",
        "--year",
        "2024",
        "--as-of",
        "2026-11-24",
        "--format",
        "json",
    ),
    ("show", "2024-002", "--format", "json"),
    ("stats", "--as-of", "2026-11-24", "--format", "json"),
    ("query", "select id, status, amount from problems order by id"),
    ("plan", "--year", "2025", "--as-of", "2026-11-24", "--format", "json"),
    ("recurring", "--year", "2025"),
    ("rollup", "--year", "2024", "--as-of", "2026-11-24"),
    ("sample", "--year", "2024", "--count", "3", "--seed", "7"),
    ("export", "--year", "2024", "--format", "json", "-o", "-"),
]
"""Every command that reads the ledger, as a user would run it."""
CACHE = Path(".auditledger") / store.CACHE_DIR
DATABASE = CACHE / store.CACHE_FILE


def outputs(cli: CLI) -> list[tuple[int, str]]:
    return [((result := cli(*command)).exit_code, result.stdout) for command in COMMANDS]


@pytest.fixture
def cached(sample: CLI) -> CLI:
    age(sample.root)
    sample("check")
    assert (sample.root / CACHE).exists()
    return sample


def problem_files(cli: CLI) -> int:
    return sum(1 for p in cli.root.glob("20*/*.yaml") if p.name != "_year.yaml")


def ledger_files(cli: CLI) -> int:
    """Settings, units, the years' files and the problem files."""
    return 2 + sum(1 for _ in cli.root.glob("20*/*.yaml"))


def entries(cli: CLI) -> set[str]:
    """The ledger files the cache holds, by their paths relative to the ledger."""
    cache = store.Cache.open(cli.root, CACHE_KEY)
    assert cache is not None
    return cache.held()


def reuse_an_id(source: Path, target: Path) -> None:
    """Give the first problem of `target` the id of the first problem of `source`."""
    first_id = source.read_text(encoding="utf-8").split("- id: ", 1)[1].split("\n", 1)[0]
    text = target.read_text(encoding="utf-8")
    own_id = text.split("- id: ", 1)[1].split("\n", 1)[0]
    target.write_text(text.replace(f"- id: {own_id}", f"- id: {first_id}", 1), encoding="utf-8")


def checked(cli: CLI) -> set[str]:
    """The files whose checks' findings the cache holds."""
    cache = store.Cache.open(cli.root, CACHE_KEY)
    assert cache is not None
    return set(cache.checks()) - {""}


def database(cli: CLI) -> sqlite3.Connection:
    return sqlite3.connect(cli.root / DATABASE, isolation_level=None)


def test_results_are_the_same_with_and_without_the_cache(
    cached: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = outputs(cached)
    assert all(code in (0, 1) and out for code, out in warm), warm
    assert len(entries(cached)) == ledger_files(cached)  # every file of the sample
    assert (cached.root / DATABASE).exists() and "2024/czj.yaml" in checked(cached)
    shutil.rmtree(cached.root / CACHE)
    cold = outputs(cached)
    monkeypatch.setenv("AUDITLEDGER_NO_CACHE", "1")
    assert warm == cold == outputs(cached)


def test_an_edited_file_is_read_again(cached: CLI) -> None:
    path = cached.root / "2024" / "czj.yaml"
    text = path.read_text(encoding="utf-8").replace("政府债券资金闲置", "政府债券资金长期闲置")
    path.write_text(text, encoding="utf-8")
    assert "政府债券资金长期闲置" in cached("show", "2024-002").stdout


def test_an_edit_of_the_same_size_and_second_is_read_again(cached: CLI) -> None:
    path = cached.root / "2024" / "czj.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("政府债券资金闲置", "政府债券资金闲散", 1)
    assert len(text.encode()) == before.st_size  # the same size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))  # and a nanosecond later
    shown = json.loads(cached("show", "2024-002", "--format", "json").stdout)
    assert shown["title"] == "政府债券资金闲散"


def test_added_removed_and_touched_files_are_picked_up(cached: CLI) -> None:
    new = cached.root / "2024" / "gzw2.yaml"
    (cached.root / "units.yaml").write_text(
        (cached.root / "units.yaml").read_text(encoding="utf-8") + "  - id: gzw2\n    name: 示例市国资委二\n",
        encoding="utf-8",
    )
    new.write_text(
        "problems:\n  - id: 2024-099\n    year: 2024\n    title: 新增问题\n    amount: 1\n    unit: gzw2\n"
        "    type: immediate\n    deadline: 2025-09-30\n",
        encoding="utf-8",
    )
    assert cached("show", "2024-099").exit_code == 0
    new.unlink()
    assert cached("show", "2024-099").exit_code == 2
    assert "2024/gzw2.yaml" not in entries(cached)
    touched = cached.root / "2024" / "czj.yaml"
    os.utime(touched)
    assert cached("show", "2024-002").exit_code == 0


@pytest.mark.parametrize("garbage", [b"", b"{", b"SQLite format 3\x00", b"\x00\xff" * 100])
def test_a_broken_cache_is_ignored_and_rebuilt(cached: CLI, garbage: bytes) -> None:
    expected = outputs(cached)
    for path in (cached.root / CACHE).iterdir():
        path.unlink()
    (cached.root / DATABASE).write_bytes(garbage)
    assert outputs(cached) == expected
    assert len(entries(cached)) == ledger_files(cached)
    assert (cached.root / DATABASE).read_bytes().startswith(b"SQLite format 3\x00")


def test_a_damaged_entry_is_read_again_from_the_file(cached: CLI) -> None:
    """Records or parts that are no longer valid JSON, or not of the records' shape (a tool whose
    models have changed since, without a new cache key), are read from the YAML."""
    expected = outputs(cached)
    with database(cached) as db:
        db.execute(
            "UPDATE files SET records = ?, part_rows = ?, part_dates = ? WHERE name = '2024/czj.yaml'",
            (b'[{"id": 1', b"{", b'[["x"]]'),
        )
    assert outputs(cached) == expected
    with database(cached) as db:  # of the dates' shape, but a deadline that is not a day's text
        dates = b'[["2024-002", 2024, "czj", "t", false, 20251231, null, false, []]]'
        db.execute("UPDATE files SET part_dates = ? WHERE name = '2024/czj.yaml'", (dates,))
    assert outputs(cached) == expected
    with database(cached) as db:
        db.execute("UPDATE files SET records = ? WHERE name = '2024/czj.yaml'", (b'[{"no_such_field": 1}]',))
    assert "政府债券资金闲置" in cached("show", "2024-002").stdout


@pytest.mark.parametrize("deadline", ["", "x", "2025-13-45", "31.12.2025", "20251231"])
def test_a_cached_deadline_that_is_text_but_no_day_is_read_again_from_the_file(
    cached: CLI, deadline: str
) -> None:
    """The dates part keeps days as ISO text, compared as text by `overdue`: a text that is not a
    day as `date.isoformat` writes it (a tool whose parts changed, a damaged row) would crash it
    or drop the problem; the file is read again instead. (Found by a review.)"""
    asked = ("overdue", "--as-of", "2026-11-24", "--format", "json")
    expected = cached(*asked)
    assert expected.exit_code == 0
    with database(cached) as db:
        (blob,) = db.execute("SELECT part_dates FROM files WHERE name = '2024/czj.yaml'").fetchone()
        rows = json.loads(blob)
        assert rows
        for row in rows:
            row[5] = deadline
        damaged = json.dumps(rows).encode()
        db.execute("UPDATE files SET part_dates = ? WHERE name = '2024/czj.yaml'", (damaged,))
    assert cached(*asked).stdout == expected.stdout


def test_the_cache_holds_data_not_code(cached: CLI) -> None:
    """Records are JSON, and nothing in the cache is unpickled: the tool does not import pickle
    to read it."""
    with database(cached) as db:
        (records,) = db.execute("SELECT records FROM files WHERE name = '2024/czj.yaml'").fetchone()
    assert "2024-002" in [problem["id"] for problem in json.loads(records)]
    script = (
        "import pathlib, sys; from auditledger.loader import load; "
        "load(pathlib.Path(sys.argv[1])); print('pickle' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", script, str(cached.root)], capture_output=True, text=True)
    assert found.stdout.strip() == "False", found.stderr


@pytest.mark.parametrize("forgery", ["owner", "trigger", "records"])
def test_a_cache_not_made_by_this_users_tool_is_thrown_away(
    cached: CLI, tmp_path: Path, forgery: str
) -> None:
    """A ledger cloned with someone's .auditledger/ (or one crafted to attack): a database whose
    owner row is not this user's key's HMAC, or whose schema has anything more (a trigger that
    would run SQL when the tool writes), is deleted and made anew, never used."""
    expected = outputs(cached)
    with database(cached) as db:
        db.execute("UPDATE files SET records = replace(records, '政府债券资金闲置', '伪造的问题')")
        if forgery == "owner":
            db.execute("UPDATE meta SET value = 'someone else' WHERE key = 'owner'")
        elif forgery == "trigger":
            db.execute("CREATE TABLE planted (x)")
            db.execute("CREATE TRIGGER plant AFTER INSERT ON files BEGIN INSERT INTO planted VALUES (1); END")
    if forgery == "records":  # forged by the user's own hand: the owner row is theirs
        assert "伪造的问题" in cached("show", "2024-002").stdout
        return
    assert outputs(cached) == expected
    with database(cached) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        forged = db.execute("SELECT count(*) FROM files WHERE records LIKE '%伪造%'").fetchone()[0]
    assert "planted" not in names and "plant" not in names and forged == 0


def test_a_copy_of_the_users_own_cache_is_not_trusted(cached: CLI, tmp_path: Path) -> None:
    """A cache that went out with the ledger (an archive) and came back edited is another file
    (the owner row is bound to the database file's inode): its forged findings are not used."""
    reuse_an_id(cached.root / "2024" / "czj.yaml", cached.root / "2024" / "jyj.yaml")
    age(cached.root)
    assert cached("check").exit_code == 1
    database_file = cached.root / DATABASE
    copy = tmp_path / "copy.sqlite"
    with database(cached) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(database_file, copy)
    with sqlite3.connect(copy, isolation_level=None) as db:
        db.execute("UPDATE checks SET found = '[]'")
    for leftover in (cached.root / CACHE).glob("cache.sqlite-*"):
        leftover.unlink()
    os.replace(copy, database_file)
    result = cached("check")
    assert result.exit_code == 1 and "duplicate-id" in result.stdout


def test_another_users_cache_is_ignored(cached: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = outputs(cached)
    with database(cached) as db:
        (owner,) = db.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert outputs(cached) == expected
    with database(cached) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone() != (owner,)


def test_checks_across_files_see_a_change_in_one_file(cached: CLI) -> None:
    """The checks' result is cached for all files as they are; a change in one file that makes
    a problem in another wrong is found."""
    assert cached("check").exit_code == 0
    reuse_an_id(cached.root / "2024" / "jyj.yaml", cached.root / "2024" / "czj.yaml")
    result = cached("check")
    assert result.exit_code == 1 and "duplicate-id" in result.stdout


def test_evidence_files_are_looked_at_every_time(cached: CLI) -> None:
    """The checks that look at files beyond the ledger's are never taken from the cache."""
    evidence = cached.root / "evidence" / "2024" / "report.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.4")
    path = cached.root / "2024" / "czj.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "    evidence:\n", "    evidence:\n      - evidence/2024/report.pdf\n", 1
        ),
        encoding="utf-8",
    )
    age(cached.root)
    assert "evidence-missing" not in cached("check").stdout
    assert "evidence-missing" not in cached("check").stdout  # now from the cache
    evidence.unlink()
    assert "evidence-missing" in cached("check").stdout


def test_findings_in_files_the_cache_gave_keep_their_line_and_column(cached: CLI) -> None:
    """A warm `check` reads no file, yet points at the same line and column as a cold one, for
    the checks taken from the cache and for those run every time."""
    path = cached.root / "2024" / "czj.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    evidence:\n", "    evidence:\n      - evidence/2024/gone.pdf\n", 1)
    path.write_text(text.replace("category: 财政管理", "category: 财政管里", 1), encoding="utf-8")
    age(cached.root)
    cold = cached("check").lines
    warm = cached("check").lines
    assert warm == cold
    where = f"{path}:"
    found = [line for line in warm if line.startswith(where)]
    assert {line.split(": ")[1] for line in found} == {
        "unknown-category (warning)",
        "evidence-missing (warning)",
    }
    assert all(line[len(where) :].split(":")[0].isdigit() for line in found), found


def test_files_changed_just_now_are_not_cached(sample: CLI) -> None:
    path = sample.root / "2024" / "czj.yaml"
    age(sample.root)
    os.utime(path)  # changed this instant: its mtime may not move on the next change
    sample("check")
    assert "2024/czj.yaml" not in entries(sample)
    assert "2024/jyj.yaml" in entries(sample)


def test_one_changed_file_is_read_and_checked_alone(cached: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """After one file changed, a read parses that file alone and runs the checks across
    records on its records alone (the others' findings come from the cache), also within the
    racy window of the edit; the findings are those of a cold read. A change of a problem's id
    is seen by the other files' checks (the checks across files run on every file, from their
    keys; the others on the changed file alone)."""
    from auditledger import loader

    path = cached.root / "2024" / "czj.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("category: 财政管理", "category: 财政管里", 1) + "# 备注\n",
        encoding="utf-8",
    )
    parsed: list[str] = []
    checked_files: list[list[str]] = []
    across: list[object] = []
    original_records, original_run = loader._Reader.records, loader.run_checks

    def records(self: loader._Reader, model: type, at: Path, key: str) -> object:
        parsed.append(at.relative_to(cached.root).as_posix())
        return original_records(self, model, at, key)  # type: ignore[arg-type]

    def run_checks(ledger: object, **options: object) -> object:
        if options.get("cacheable"):
            names = [f.path.relative_to(cached.root).as_posix() for f in ledger.problem_files]  # type: ignore[attr-defined]
            checked_files.append(sorted(names))
            across.append(options.get("across"))
        return original_run(ledger, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(loader._Reader, "records", records)
    monkeypatch.setattr(loader, "run_checks", run_checks)
    for again in (False, True):  # again within the racy window: the file is not cached yet
        parsed.clear()
        checked_files.clear()
        warm, found = loader.load(cached.root)
        assert parsed == ["2024/czj.yaml"]
        assert checked_files == ([] if again else [["2024/czj.yaml"]])  # its findings are kept
        cold, cold_found = loader.load(cached.root, cache=False)
        assert found == cold_found and any(d.code == "unknown-category" for d in found)
        assert warm.problem_entries == cold.problem_entries

    age(cached.root)
    loader.load(cached.root)  # the edit above cached
    reuse_an_id(path, cached.root / "2024" / "jyj.yaml")
    checked_files.clear()
    across.clear()
    parsed.clear()
    _ledger, found = loader.load(cached.root)
    assert parsed == ["2024/jyj.yaml"]
    assert checked_files[0] == ["2024/jyj.yaml"] and across[0] is None  # every check
    assert len(checked_files[1]) == problem_files(cached) - 1 and across[1] is True
    duplicates = {
        d.path.relative_to(cached.root).as_posix() for d in found if d.code == "duplicate-id" and d.path
    }
    assert duplicates == {"2024/czj.yaml", "2024/jyj.yaml"}
    assert found == loader.load(cached.root, cache=False)[1]


def test_the_files_of_the_old_cache_are_removed(sample: CLI) -> None:
    """The cache before it was a database: one pickle per file; they go when it is made."""
    old = sample.root / CACHE / "2024" / "czj.yaml.pickle"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"auditledger cache\n")
    age(sample.root)
    sample("check")
    assert not old.exists() and (sample.root / DATABASE).exists()


def test_cached_problems_stay_packed_until_used(cached: CLI) -> None:
    """A warm read unpacks no problem file for the checks (their result and the files'
    summaries are cached); finding one problem unpacks its file alone; all of them are the
    same as read from the YAML."""
    from auditledger.deadlines import watch
    from auditledger.loader import load

    ledger, diagnostics = load(cached.root)
    assert watch(ledger, date(2026, 11, 24))  # from the summaries, like the checks
    assert ledger.problem_files and not any(f.unpacked for f in ledger.problem_files)
    assert ledger.problem_count == len(load(cached.root, cache=False)[0].problem_entries)

    problem = ledger.problem("2024-002")
    assert problem is not None and problem.title == "政府债券资金闲置"
    unpacked = [f.path.relative_to(cached.root).as_posix() for f in ledger.problem_files if f.unpacked]
    assert unpacked == ["2024/czj.yaml"]

    of_2023 = ledger.problems_of(2023)
    assert {f.path.parent.name for f in ledger.problem_files if f.unpacked} == {"2023", "2024"}
    assert not any(f.unpacked for f in ledger.problem_files if f.path.parent.name == "2025")

    cold, cold_diagnostics = load(cached.root, cache=False)
    assert of_2023 == [p for p in cold.problems if p.year == 2023]
    assert ledger.problem_entries == cold.problem_entries
    assert diagnostics == cold_diagnostics


def test_an_edit_is_checked_against_packed_files(cached: CLI) -> None:
    """`update` unpacks only its own file, yet checks its links against the problems of the
    other files, packed in the cache: refused without a byte changed, or written."""
    before = snapshot(cached.root)
    later = cached("update", "2024-003", "--recurring-from", "2025-003", "--date", "2026-11-24")
    assert later.exit_code == 2
    assert "recurs from 2025-003 (2025), which is not from an earlier year" in later.stderr
    unknown = cached("update", "2024-003", "--recurring-from", "2022-003", "--date", "2026-11-24")
    assert unknown.exit_code == 2 and "which is not in the ledger" in unknown.stderr
    assert snapshot(cached.root) == before

    done = cached("update", "2024-003", "--recurring-from", "2023-003", "--date", "2026-11-24")
    assert done.exit_code == 0, done.stderr
    assert "recurring_from:\n      - 2023-003" in (cached.root / "2024" / "fgw.yaml").read_text("utf-8")


def test_a_read_that_needs_no_problem_reads_no_records(cached: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, units and the years' meta are small; a problem file's parts each lie in a
    column of their own: a warm `check`, `overdue` or `list` reads no problem's records;
    finding one problem reads its file's records alone; an edit's read reads of the files'
    parts only their keys. All give what the YAML gives."""
    from auditledger import stats
    from auditledger.deadlines import watch
    from auditledger.loader import load

    expected = outputs(cached)
    read: list[str] = []
    original = store.Cache._records

    def spy(self: store.Cache, name: str) -> bytes | None:
        if name.startswith("20") and not name.endswith("_year.yaml"):  # a problem file's records
            read.append(name)
        return original(self, name)

    monkeypatch.setattr(store.Cache, "_records", spy)
    editing, _ = load(cached.root, checks=False)  # as an edit reads: the other files' keys only
    assert editing.problem("2024-002") is not None and "2023-003" in editing.ids
    assert not any(f.has(part) for f in editing.problem_files for part in ("evidence", "dates", "rows"))
    read.clear()
    ledger, _ = load(cached.root)
    due = watch(ledger, date(2026, 11, 24))
    rows = ledger.rows()  # what `list` and `sample` show
    by_unit = stats.group(ledger, stats.By.unit, date(2026, 11, 24))  # and `stats`
    assert read == [] and not any(f.unpacked for f in ledger.problem_files)
    problem = ledger.problem("2024-002")
    assert read == ["2024/czj.yaml"]
    cold, _ = load(cached.root, cache=False)
    assert (ledger.settings, ledger.units, ledger.years) == (cold.settings, cold.units, cold.years)
    assert due == watch(cold, date(2026, 11, 24)) and problem == cold.problem("2024-002")
    assert rows == cold.rows() and len(rows) == len(cold.problems)
    assert by_unit == stats.group(cold, stats.By.unit, date(2026, 11, 24))
    assert outputs(cached) == expected


def test_records_come_from_the_cache_not_the_yaml(cached: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditledger import loader

    cold, _ = loader.load(cached.root, cache=False)

    def parsed(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed from the YAML")

    monkeypatch.setattr(loader._Reader, "records", parsed)
    ledger, _ = loader.load(cached.root)
    assert ledger.problem("2024-002") == cold.problem("2024-002")
    assert ledger.problem_entries == cold.problem_entries


# --- issue 18, item 7: keyed as git's index is, and trusting only what is the user's own ---


@pytest.mark.parametrize("how", ["os.utime", "touch -r", "cp -p"])
def test_a_same_size_edit_with_its_old_mtime_put_back_is_read_again(cached: CLI, how: str) -> None:
    """The cache keyed files by size and mtime alone: an edit of the same size whose old
    modification time was restored (cp -p, rsync -a, tar x, touch -r) was served stale."""
    import subprocess

    path = cached.root / "2024" / "czj.yaml"
    assert json.loads(cached("show", "2024-002", "--format", "json").stdout)["title"] == "政府债券资金闲置"
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("政府债券资金闲置", "政府债券资金闲散", 1)
    assert len(text.encode()) == before.st_size
    if how == "os.utime":
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:
        edited = cached.root.parent / "edited.yaml"
        edited.write_text(text, encoding="utf-8")
        os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
        if how == "touch -r":
            reference = cached.root.parent / "reference"
            reference.touch()
            os.utime(reference, ns=(before.st_atime_ns, before.st_mtime_ns))
            path.write_text(text, encoding="utf-8")
            subprocess.run(["touch", "-r", str(reference), str(path)], check=True)
        else:
            subprocess.run(["cp", "-p", str(edited), str(path)], check=True)
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    shown = json.loads(cached("show", "2024-002", "--format", "json").stdout)
    assert shown["title"] == "政府债券资金闲散"


def test_a_stamp_in_doubt_is_checked_by_the_files_content(tmp_path: Path) -> None:
    """Within the racy window a second change may leave size, times and inode as they were:
    the cache then compares the content hash before it trusts the entry."""
    path = tmp_path / "2024" / "x.yaml"
    path.parent.mkdir()
    path.write_text("problems: []\n", encoding="utf-8")
    past = time.time() - 10
    os.utime(path, (past, past))  # the mtime is old, the ctime is now: in doubt
    stamp = store.Stamp.of(path)
    assert stamp is not None and stamp.doubt and not stamp.racy()
    cache = store.Cache.open(tmp_path, CACHE_KEY)
    assert cache is not None
    cache.put(path, stamp, store.text_sha("problems: []\n"), b"[]")
    assert cache.get(path, stamp) is not None  # the content is what was stored
    cache.save([path])
    path.write_text("problems: [] \n", encoding="utf-8")  # same size; same stamp, as if one tick
    fresh = store.Cache.open(tmp_path, CACHE_KEY)
    assert fresh is not None
    assert fresh.get(path, stamp) is None


def test_the_stamp_holds_what_git_s_index_holds(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("x: 1\n", encoding="utf-8")
    found, stamp = path.stat(), store.Stamp.of(path)
    assert stamp is not None
    assert (stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode) == (
        found.st_size,
        found.st_mtime_ns,
        found.st_ctime_ns,
        found.st_ino,
    )
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    assert store.Stamp.of(link) is None  # a link is never a cached file


def _key() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / store.CACHE_KEY_FILE


@pytest.mark.parametrize(
    "mode", [0o644, 0o620, 0o602], ids=["group-readable", "group-writable", "world-writable"]
)
def test_a_key_open_to_others_is_made_anew(sample: CLI, mode: int) -> None:
    key = _key()
    outputs(sample)
    old = key.read_bytes()
    key.chmod(mode)
    expected = outputs(sample)
    assert key.read_bytes() != old
    assert key.stat().st_mode & 0o777 == 0o600
    assert outputs(sample) == expected


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a file away")
def test_a_key_owned_by_another_user_is_made_anew(sample: CLI) -> None:
    key = _key()
    outputs(sample)
    old = key.read_bytes()
    os.chown(key, 65534, 65534)
    outputs(sample)
    assert key.read_bytes() != old
    assert key.stat().st_uid == os.getuid()


def test_a_key_that_is_a_link_is_made_anew(sample: CLI, tmp_path: Path) -> None:
    key = _key()
    outputs(sample)
    planted = tmp_path / "planted-key"
    planted.write_bytes(b"k" * store.SECRET_BYTES)
    key.unlink()
    key.symlink_to(planted)
    outputs(sample)
    assert not key.is_symlink() and key.read_bytes() != b"k" * store.SECRET_BYTES


@pytest.mark.parametrize("who", ["group-writable", "another user"])
def test_a_key_folder_others_may_write_to_is_not_used(
    sample: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    if who == "another user" and (not hasattr(os, "getuid") or os.getuid() != 0):
        pytest.skip("needs root to give a folder away")
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    expected = outputs(sample)
    folder = home / "auditledger"
    key = folder / "cache-key"
    old = key.read_bytes()
    if who == "group-writable":
        folder.chmod(0o770)
    else:
        os.chown(folder, 65534, 65534)
    shutil.rmtree(sample.root / CACHE)
    age(sample.root)
    assert outputs(sample) == expected
    assert not (sample.root / CACHE).exists()  # no key to trust: no cache
    assert key.read_bytes() == old


@pytest.mark.parametrize("who", ["group-writable", "another user"])
def test_a_ledger_cache_folder_others_may_write_to_is_ignored(cached: CLI, who: str) -> None:
    if who == "another user" and (not hasattr(os, "getuid") or os.getuid() != 0):
        pytest.skip("needs root to give a folder away")
    folder = cached.root / CACHE
    if who == "group-writable":
        folder.chmod(0o775)
    else:
        os.chown(folder, 65534, 65534)
    assert store.Cache.open(cached.root, CACHE_KEY) is None
    import gc

    gc.collect()  # the check's connection to the cache closed, as when its process ended
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    (cached.root / "2024" / "czj.yaml").write_text(
        (cached.root / "2024" / "czj.yaml").read_text(encoding="utf-8").replace("政府债券资金闲置", "闲置"),
        encoding="utf-8",
    )
    assert "闲置" in cached("show", "2024-002").stdout
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # not written


def test_the_cache_folder_is_made_private(sample: CLI) -> None:
    age(sample.root)
    outputs(sample)
    assert (sample.root / CACHE).stat().st_mode & 0o077 == 0


def test_query_tables_are_kept_on_disk_for_the_ledger_as_it_is(
    cached: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`query` builds its tables once for the ledger as it stands on the day asked, keeps them
    in the cache folder, and uses them until the ledger (or the day) changes; a database there
    that this user's tool did not make for this view is made anew."""
    from auditledger import sql

    statement = ("query", "select id, status from problems where id = '2024-002'", "--format", "csv")
    first = cached(*statement).stdout
    assert (cached.root / CACHE / store.KEPT_DATABASE).exists()
    built: list[int] = []
    original = sql.build
    monkeypatch.setattr(sql, "build", lambda *args: built.append(1) or original(*args))
    assert cached(*statement).stdout == first and built == []
    assert cached(*statement, "--as-of", "2025-01-31").exit_code == 0 and built == [1]

    path = cached.root / "2024" / "czj.yaml"
    status = first.splitlines()[1].split(",")[1]
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: 2024-002")
    end = text.index(f"status: {status}", start)
    path.write_text(
        text[:end] + "status: rectified" + text[end + len(f"status: {status}") :], encoding="utf-8"
    )
    assert cached(*statement).stdout.splitlines()[1] == "2024-002,rectified"

    with sqlite3.connect(cached.root / CACHE / store.KEPT_DATABASE) as db:
        db.execute(f"UPDATE {store.KEPT_TABLE} SET mark = 'forged'")
        db.execute("UPDATE problems SET status = 'forged'")
    assert cached(*statement).stdout.splitlines()[1] == "2024-002,rectified"


def test_a_changed_id_is_seen_where_it_is_named(cached: CLI) -> None:
    """Renaming a problem leaves a link to it in another problem file and in a year's file
    broken, and putting the name back mends both: the files that did not change are checked
    again by the checks across files, and what they found is that of a cold read."""
    from auditledger import loader

    path = cached.root / "2023" / "gzw.yaml"
    text = path.read_text(encoding="utf-8")
    for renamed in (text.replace("id: 2023-010\n", "id: 2023-099\n", 1), text):
        path.write_text(renamed, encoding="utf-8")
        age(cached.root)
        _ledger, found = loader.load(cached.root)
        assert found == loader.load(cached.root, cache=False)[1]
        broken = {(d.code, d.path.relative_to(cached.root).as_posix()) for d in found if d.path}
        named = {("broken-recurring-link", "2024/gzw.yaml"), ("unknown-problem-link", "2023/_year.yaml")}
        assert (named <= broken) is (renamed != text)


def test_a_process_that_lives_on_freezes_nothing_it_reads(sample: CLI) -> None:
    """Reads freeze what they made out of the cycle collector's sight only in a command run from
    the console: in a process that lives on (the workbench, this test suite) each read froze the
    garbage made since the one before, never to be collected (the suite grew to 2 GB)."""
    import gc

    from auditledger import loader, memo

    assert not memo.SHORT_LIVED
    frozen = gc.get_freeze_count()
    for _ in range(3):
        sample("list", "--format", "json")
        loader.load(sample.root, cache=False)
    assert gc.get_freeze_count() == frozen


def test_an_edit_that_keeps_ids_and_links_keeps_the_findings_across_files(cached: CLI) -> None:
    """A file whose ids, years, units and links are as they were is checked again by the checks
    that look at it alone; what the checks across files found in it is kept, at its new lines.
    A changed link is checked again."""
    from auditledger import loader

    jyj = cached.root / "2024" / "jyj.yaml"
    reuse_an_id(cached.root / "2024" / "czj.yaml", jyj)
    age(cached.root)
    loader.load(cached.root)
    text = jyj.read_text(encoding="utf-8")
    for edited in (
        "# 东山区教育局\n# 2024年度\n" + text,  # every line moves down
        text.replace("      - 2023-005\n", "      - 2023-404\n", 1),  # a link to no problem
    ):
        jyj.write_text(edited, encoding="utf-8")
        age(cached.root)
        _ledger, found = loader.load(cached.root)
        assert found == loader.load(cached.root, cache=False)[1]
        assert any(d.code == "duplicate-id" and d.path == jyj for d in found)
        assert any(d.code == "broken-recurring-link" for d in found) is ("2023-404" in edited)
