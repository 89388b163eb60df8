"""Review of `auditledger.memo` (remembered answers): each test here failed when written, and
shows an answer given again that is not the one the command would give now."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditledger import memo
from tests.conftest import CLI, age

AS_OF = ("--as-of", "2026-03-31")


def run(
    root: Path, *words: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The console script, as a user runs it, with the ledger named."""
    return subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), *words],
        capture_output=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        check=False,
    )


def fresh(root: Path, *words: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """What the command says when nothing is remembered."""
    return run(root, *words, env={**(env or {}), "AUDITLEDGER_NO_CACHE": "1"})


def recalled(root: Path, *words: str) -> bool:
    """Whether a read command would be answered from memory."""
    script = (
        "import sys; from auditledger import memo; "
        "r = memo.read_request(sys.argv[1:]); print(bool(r and r.where() and memo.recall_answer(r)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--ledger", str(root), *words],
        capture_output=True,
        text=True,
        env={**os.environ},  # as `run` gives it (the process's own may differ: COLUMNS, LINES)
        check=False,
    )
    return done.stdout.split()[-1] == "True"


def check_answered(root: Path) -> bool:
    """Whether a plain `check` would be answered from memory."""
    script = "import sys; from auditledger import memo; print(memo.answer(sys.argv[1:]) is not None)"
    done = subprocess.run(
        [sys.executable, "-c", script, "--ledger", str(root), "check"],
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    return done.stdout.splitlines()[-1] == "True"


# --- a file deleted while the command runs -------------------------------------------------

DELETE_WHILE_RUNNING = """
import os, sys
from auditledger import loader, memo

victim = sys.argv.pop(1)
read_files = loader._read_files

def read_then_delete(root, reader):
    ledger = read_files(root, reader)
    if os.path.exists(victim):
        os.unlink(victim)  # `git checkout` of another branch, `rm`, a sync tool: after the read
    return ledger

loader._read_files = read_then_delete
sys.argv[0] = "auditledger"
memo.main()
"""


def run_deleting(root: Path, victim: Path, *words: str) -> subprocess.CompletedProcess[bytes]:
    """The console script (`memo.main`), with `victim` deleted once the ledger has been read."""
    return subprocess.run(
        [sys.executable, "-c", DELETE_WHILE_RUNNING, str(victim), "--ledger", str(root), *words],
        capture_output=True,
        env={**os.environ},
        check=False,
    )


def test_a_file_deleted_while_a_read_command_runs_is_not_answered_from_memory(sample: CLI) -> None:
    """A deleted file leaves no stamp (its change time is gone with it), so the state taken
    after the command ran has no trace of the deletion: the answer, which still shows the
    file's problems, is remembered for the ledger without the file and given again."""
    words = ("list", "--format", "csv", *AS_OF)
    victim = sample.root / "2025" / "czj.yaml"
    age(sample.root)
    during = run_deleting(sample.root, victim, *words)
    assert during.returncode == 0, during.stderr
    assert not victim.exists()
    now = fresh(sample.root, *words)
    assert now.stdout != during.stdout  # czj's 2025 problems are gone
    assert not recalled(sample.root, *words)
    assert run(sample.root, *words).stdout == now.stdout


def test_a_file_deleted_while_check_runs_is_not_answered_from_memory(sample: CLI) -> None:
    victim = sample.root / "2025" / "czj.yaml"
    age(sample.root)
    during = run_deleting(sample.root, victim, "check")
    assert during.returncode == 0, during.stderr
    now = fresh(sample.root, "check")
    assert now.stdout != during.stdout  # fewer problems, fewer units' files
    assert not check_answered(sample.root)
    assert run(sample.root, "check").stdout == now.stdout


# --- a template edited, its time put back -----------------------------------------------------


def test_a_template_edited_with_its_time_put_back_is_not_answered_from_memory(sample: CLI) -> None:
    """The ledger's files are stamped with size, times and inode; a template folder's files with
    size and modification time only, which `touch -r`, `cp -p`, `rsync -a`, tar or an editor
    that keeps times can put back."""
    words = ("report", "--year", "2025", "--format", "html", *AS_OF)
    folder = sample.root / "templates"
    folder.mkdir()
    settings = sample.root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "templates: templates\n", encoding="utf-8")
    shipped = Path(memo.__file__).parent.parent.parent / "templates" / "rectification.html.j2"
    own = folder / "rectification.html.j2"
    text = shipped.read_text(encoding="utf-8")
    own.write_text(text.replace("{% block body %}", "{% block body %}<p>（本委）</p>", 1), encoding="utf-8")
    age(sample.root)
    os.utime(own, (own.stat().st_atime - 10, own.stat().st_mtime - 10))
    first = run(sample.root, *words)
    assert "（本委）" in first.stdout.decode("utf-8") and recalled(sample.root, *words)
    before = own.stat()
    own.write_text(text.replace("{% block body %}", "{% block body %}<p>（他委）</p>", 1), encoding="utf-8")
    os.utime(own, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert own.stat().st_size == before.st_size
    assert "（他委）" in fresh(sample.root, *words).stdout.decode("utf-8")
    assert not recalled(sample.root, *words)
    assert "（他委）" in run(sample.root, *words).stdout.decode("utf-8")


# --- a query that reads the clock -------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        'select "time"()',
        "select [datetime]()",
        "select `strftime`('%H:%M:%S')",
        "select time/**/()",
        "select unixepoch--\n()",
    ],
)
def test_a_query_that_reads_the_clock_under_another_spelling_is_never_remembered(statement: str) -> None:
    """SQLite calls `"time"()`, `[time]()` and `time/**/()` the clock as `time()` does."""
    assert memo.read_request(["query", statement]) is None


# --- the environment --------------------------------------------------------------------------


def test_tty_compatible_is_part_of_an_answers_key(sample: CLI) -> None:
    """Rich styles output sent to a pipe when TTY_COMPATIBLE=1 (`less -R`, CI logs): a styled
    answer must not be given to a plain pipe, nor a plain one to a styled."""
    words = ("overdue", *AS_OF)
    age(sample.root)
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR")}
    styled = subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(sample.root), *words],
        capture_output=True,
        env={**env, "TTY_COMPATIBLE": "1"},
        check=False,
    )
    assert b"\x1b[" in styled.stdout
    plain = subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(sample.root), *words],
        capture_output=True,
        env=env,
        check=False,
    )
    assert b"\x1b[" not in plain.stdout


def test_a_warm_check_refuses_a_worker_count_that_is_no_number(sample: CLI) -> None:
    """`AUDITLEDGER_WORKERS` that is no number is refused (exit 2) by every command; a warm
    `check` gave its remembered answer and exit 0 instead."""
    age(sample.root)
    assert run(sample.root, "check").returncode == 0
    assert check_answered(sample.root)
    cold = fresh(sample.root, "check", env={"AUDITLEDGER_WORKERS": "lots"})
    assert cold.returncode == 2
    warm = run(sample.root, "check", env={"AUDITLEDGER_WORKERS": "lots"})
    assert (warm.returncode, warm.stdout) == (2, b"")


# --- evidence created while check runs ---------------------------------------------------------

CREATE_AFTER_LOAD = """
import sys
from pathlib import Path
from auditledger import loader, memo

made = Path(sys.argv.pop(1))
load = loader.load

def load_then_create(*args, **kwargs):
    found = load(*args, **kwargs)  # the evidence checks have looked at the disk
    if not made.exists():
        made.write_bytes(b"%PDF")  # the file arrives (a sync, a colleague's copy) just after
    return found

loader.load = load_then_create
sys.argv[0] = "auditledger"
memo.main()
"""


def test_evidence_added_while_check_runs_is_not_answered_from_memory(sample: CLI) -> None:
    """The evidence files' existence is looked at after the check, not when the check saw them:
    the warning that the file is missing is given again while the file is there."""
    path = sample.root / "2024" / "czj.yaml"
    named = "    evidence:\n      - evidence/2024/x.pdf\n"
    text = path.read_text(encoding="utf-8").replace("    evidence:\n", named, 1)
    path.write_text(text, encoding="utf-8")
    evidence = sample.root / "evidence" / "2024" / "x.pdf"
    evidence.parent.mkdir(parents=True)
    age(sample.root)
    during = subprocess.run(
        [sys.executable, "-c", CREATE_AFTER_LOAD, str(evidence), "--ledger", str(sample.root), "check"],
        capture_output=True,
        env={**os.environ},
        check=False,
    )
    assert b"evidence-missing" in during.stdout and evidence.exists()
    assert b"evidence-missing" not in fresh(sample.root, "check").stdout
    assert not check_answered(sample.root)
    assert b"evidence-missing" not in run(sample.root, "check").stdout


# --- the tool's own data ----------------------------------------------------------------------


def test_the_shipped_dictionary_is_part_of_the_tool(sample: CLI) -> None:
    """`recurring` matches with `data/terms.yaml`, shipped beside the code: an edit of it in a
    source checkout changes the answer, like an edit of a .py file (every file of the package counts)."""
    words = ("recurring", *AS_OF)
    age(sample.root)
    run(sample.root, *words)
    assert recalled(sample.root, *words)
    terms = Path(memo.__file__).parent / "data" / "terms.yaml"
    stamp = terms.stat()
    os.utime(terms, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    try:
        assert not recalled(sample.root, *words)
    finally:
        os.utime(terms, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))


# --- a working folder that is gone -------------------------------------------------------------


def test_a_working_folder_that_is_gone_gives_no_traceback(sample: CLI, tmp_path: Path) -> None:
    """With the ledger named, a read command in a folder deleted under the shell (`rm -r` from
    another terminal) fails in `memo.main` (`Path.cwd()`, `os.getcwd()` outside any guard) with a
    traceback and exit 1, the exit code of a ledger with errors; without the memo it is the
    one-line internal error, exit 70 (better still: the command runs, it needs no working folder)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
        "runpy.run_module('auditledger', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--ledger", str(sample.root), "overdue", *AS_OF],
        capture_output=True,
        env={**os.environ},
        check=False,
    )
    assert b"Traceback" not in done.stderr
    assert done.returncode != 1
