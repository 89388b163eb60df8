"""Odd conditions a review found (each test failed when written): a remembered answer to a closed
pipe, a folder named in bytes that are not UTF-8, a worker count in other digits, a query of a
ledger with an id used twice, and what a process that lives on keeps of the ledgers it loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditledger import memo
from tests.conftest import CLI, age
from tests.test_memo_attacks import AS_OF, fresh, recalled, run


def _to_closed_pipe(root: Path, *words: str) -> subprocess.CompletedProcess[bytes]:
    """The console script writing to a pipe whose reader is gone (`| head -1`, a pager quit)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-m", "auditledger", "--ledger", str(root), *words],
            stdout=writer,
            stderr=subprocess.PIPE,
            env={**os.environ},
            check=False,
        )
    finally:
        os.close(writer)


def test_a_remembered_answer_to_a_closed_pipe_gives_no_traceback(sample: CLI) -> None:
    """Run in full, a read command whose reader went away ends quietly (exit 1); given from
    memory, `memo.main` writes the answer outside any guard and ends in a BrokenPipeError
    traceback. (The new `except OSError` in `main` guards only `answer`, for `check`.)"""
    words = ("overdue", *AS_OF)
    age(sample.root)
    assert run(sample.root, *words).returncode == 0
    assert recalled(sample.root, *words)
    full = _to_closed_pipe(sample.root, *words[:1], "--as-of", "2026-03-30")  # not remembered
    assert b"Traceback" not in full.stderr
    remembered = _to_closed_pipe(sample.root, *words)
    assert b"Traceback" not in remembered.stderr, remembered.stderr.decode()[-400:]
    assert remembered.returncode == full.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="a folder name that is not UTF-8: POSIX")
def test_a_folder_named_in_bytes_that_are_not_utf8_gives_no_traceback(sample: CLI, tmp_path: Path) -> None:
    """`_request_key` encodes the working folder and root as UTF-8 and fails on their
    surrogate-escaped bytes (UnicodeEncodeError, a ValueError): every read command in such a
    folder ends in a traceback before the command line is even parsed."""
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xff"))
    sample.root.rename(odd)
    age(odd)
    done = subprocess.run(
        [sys.executable, "-m", "auditledger", "overdue", *AS_OF],
        capture_output=True,
        cwd=odd,
        env={**os.environ},
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-400:]


def test_workers_given_as_a_superscript_digit_is_refused_not_an_internal_error(sample: CLI) -> None:
    """'²'.isdigit() is True but int('²') fails: `memo.unreadable_workers` (and the loader)
    take it for a number; the command ends in an internal error (exit 70), while a warm `check`
    is answered from memory as though the variable were fine."""
    env = {"AUDITLEDGER_WORKERS": "²"}
    age(sample.root)
    done = run(sample.root, "list", *AS_OF, env=env)  # nothing cached yet: the loader asks
    assert done.returncode != 70, done.stderr.decode()[-300:]
    assert b"AUDITLEDGER_WORKERS" in done.stderr


def test_query_of_a_ledger_with_a_duplicate_id_reads_on(sample: CLI) -> None:
    """A duplicate id is a diagnostic (`duplicate-id`), and query "reads on with a warning";
    but `sql.build` inserts every problem into `problems (id TEXT PRIMARY KEY)` and ends in
    IntegrityError, an internal error (exit 70). So does `export --format sqlite`. (Not new in
    98722a9, which kept it: rows for equal (year, id) cannot be in the database at all.)"""
    source = sample.root / "2024" / "czj.yaml"
    (sample.root / "2024" / "zzz.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    done = fresh(sample.root, "query", "SELECT count(*) FROM problems")
    assert done.returncode != 70, done.stderr.decode()[-300:]


def test_listed_does_not_keep_every_ledger_a_long_lived_process_loaded(sample: CLI, tmp_path: Path) -> None:
    """`memo.LISTED` gains an entry (every file name of the ledger) per ledger root loaded and
    is never emptied: in the workbench or the test suite it only grows, and holds listings of
    earlier commands that `_still_listed` then trusts."""
    import shutil

    from auditledger.loader import load

    before = set(memo.LISTED)
    copies = []
    for n in range(3):
        copy = tmp_path / f"copy{n}"
        shutil.copytree(sample.root, copy)
        load(copy)
        copies.append(os.path.abspath(copy))
    assert len(set(memo.LISTED) - before) <= 1
