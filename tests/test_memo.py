"""`check`'s answer is remembered and given again by the console script without loading the
ledger (`auditledger.memo`), only while nothing it depends on has changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from auditledger import memo
from tests.conftest import CLI, age


def check(
    root: Path, *options: str, env: dict[str, str] | None = None, after: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The console script, as a user runs it: global `options`, `check`, its own options `after`."""
    return subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), *options, "check", *after],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def answered(root: Path, *options: str, after: tuple[str, ...] = ()) -> bool:
    """Whether `check` is answered from the memo, without importing the command line."""
    script = (
        "import sys; from auditledger import memo; "
        "code = memo.answer(sys.argv[1:]); print(); "
        "print(code, 'typer' in sys.modules, 'pydantic' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "--ledger", str(root), *options, "check", *after],
        capture_output=True,
        text=True,
        check=False,
    )
    code, typer, pydantic = run.stdout.splitlines()[-1].split()
    assert (typer, pydantic) == ("False", "False")
    return code != "None"


@pytest.fixture
def remembered(sample: CLI) -> Path:
    age(sample.root)
    first = check(sample.root)
    assert first.returncode == 0, first.stderr
    assert (sample.root / ".auditledger" / "cache" / memo.MEMO_FILE).exists()
    return sample.root


def test_the_answer_is_given_again_without_loading_anything(remembered: Path) -> None:
    cold = check(remembered, env={"AUDITLEDGER_NO_CACHE": "1"})
    warm = check(remembered)
    assert (warm.stdout, warm.returncode) == (cold.stdout, cold.returncode)
    assert "0 errors" in warm.stdout  # (the tests speak English: AUDITLEDGER_LANG=en)
    assert answered(remembered)
    assert not answered(remembered, "--lang", "zh")  # not asked in Chinese yet
    chinese = check(remembered, "--lang", "zh")
    assert "0 个错误" in chinese.stdout and answered(remembered, "--lang", "zh")
    assert not answered(remembered)  # one answer is kept: the last


def test_errors_are_remembered_with_their_exit_code(remembered: Path) -> None:
    path = remembered / "2024" / "czj.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("deadline: 2025-", "deadline: 2025-13-", 1), "utf-8"
    )
    age(remembered)
    first, again = check(remembered), check(remembered)
    assert first.returncode == again.returncode == 1
    assert first.stdout == again.stdout and "invalid-date" in again.stdout
    assert answered(remembered)


@pytest.mark.parametrize(
    "change", ["same size, old mtime", "evidence removed", "new file", "settings", "lower-level ledger"]
)
def test_a_change_is_never_answered_from_memory(remembered: Path, change: str) -> None:
    path = remembered / "2024" / "czj.yaml"
    if change == "same size, old mtime":
        before = path.stat()
        text = path.read_text(encoding="utf-8").replace("政府债券资金闲置", "政府债券资金闲散", 1)
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change == "evidence removed":
        evidence = remembered / "evidence" / "2024" / "x.pdf"
        evidence.parent.mkdir(parents=True, exist_ok=True)
        evidence.write_bytes(b"%PDF")
        text = path.read_text(encoding="utf-8").replace(
            "    evidence:\n", "    evidence:\n      - evidence/2024/x.pdf\n", 1
        )
        path.write_text(text, encoding="utf-8")
        age(remembered)
        assert "evidence-missing" not in check(remembered).stdout and answered(remembered)
        evidence.unlink()
    elif change == "new file":
        (remembered / "2024" / "stray.yml").write_text("problems: []\n", encoding="utf-8")
        age(remembered)
    elif change == "lower-level ledger":
        lower = next((remembered / "lower" / "dsq").glob("20*/*.yaml"))
        lower.write_text(lower.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
        age(remembered)
    else:
        settings = remembered / "auditledger.yaml"
        settings.write_text(settings.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
        age(remembered)
    assert not answered(remembered)
    expected = check(remembered, env={"AUDITLEDGER_NO_CACHE": "1"})
    assert check(remembered).stdout == expected.stdout


def test_a_memo_not_signed_with_the_users_key_is_not_used(remembered: Path) -> None:
    path = remembered / ".auditledger" / "cache" / memo.MEMO_FILE
    signature, _, payload = path.read_bytes().partition(b"\n")
    found = json.loads(payload)
    found["text"] = "\x1b]0;planted\x07all is well\n"
    path.write_bytes(signature + b"\n" + json.dumps(found).encode())
    assert not answered(remembered)
    assert "planted" not in check(remembered).stdout


def test_the_answer_is_for_one_day(remembered: Path) -> None:
    language = memo.spoken(None, remembered)
    assert language is not None
    assert memo.recall(remembered, language, date.today()) is not None
    assert memo.recall(remembered, language, date.today() + timedelta(days=1)) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--format", "json"],
        ["check", "--as-of", "2026-13-01"],
        ["--as-of", "2026-01-01", "check"],
        ["check", "check"],
        ["--ledger", "x", "list"],
        ["--debug", "check"],
        ["--lang", "en", "--lang", "zh", "check"],
        ["check", "extra"],
        ["--ledger"],
    ],
)
def test_only_a_plain_check_is_answered(argv: list[str]) -> None:
    assert memo.plain_check(argv) is None


def test_a_plain_check_with_global_options_is_recognised() -> None:
    assert memo.plain_check(["--ledger=a", "--lang", "en", "check"]) == (Path("a"), "en", date.today())
    assert memo.plain_check(["check"]) == (None, None, date.today())
    assert memo.plain_check(["check", "--as-of=2026-11-24"]) == (None, None, date(2026, 11, 24))


def test_an_answer_as_of_a_day_is_remembered_for_that_day(remembered: Path) -> None:
    first = check(remembered, after=("--as-of", "2026-01-31"))
    assert first.returncode == 1 and "date-in-future" in first.stdout  # acts after that day
    assert answered(remembered, after=("--as-of", "2026-01-31")) and not answered(remembered)
    assert check(remembered, after=("--as-of", "2026-01-31")).stdout == first.stdout


def test_an_answer_is_not_kept_when_a_file_changed_while_it_was_made(sample: CLI) -> None:
    """A file changed after the check started (its change time is later) may not be in the
    answer: it is not remembered."""
    from auditledger import store

    age(sample.root)
    secret = store.cache_secret()
    assert secret is not None
    (sample.root / ".auditledger" / "cache").mkdir(parents=True, exist_ok=True)
    memo_file = sample.root / ".auditledger" / "cache" / memo.MEMO_FILE
    day, started = date.today(), time.time_ns()
    memo.remember(sample.root, secret, "en", day, [], [], "answer\n", 0, started - 60 * 10**9)
    assert not memo_file.exists()
    memo.remember(sample.root, secret, "en", day, [], [], "answer\n", 0, started)
    assert memo_file.exists() and memo.recall(sample.root, "en", day) == ("answer\n", 0)


# --- the answers of the other read commands ---------------------------------------------

READS = {
    "overdue json": ("overdue", "--as-of", "2026-03-31", "--format", "json"),
    "overdue table": ("overdue", "--as-of", "2026-03-31"),
    "stats": ("stats", "--as-of", "2026-03-31"),
    "stats with lower": ("stats", "--as-of", "2026-03-31", "--with-lower", "--years", "2025"),
    "list csv": ("list", "--year", "2025", "--as-of", "2026-03-31", "--format", "csv"),
    "show": ("show", "2025-001", "--as-of", "2026-03-31"),
    "query": ("query", "select count(*) from problems", "--as-of", "2026-03-31"),
    "report html": ("report", "--year", "2025", "--format", "html", "--as-of", "2026-03-31"),
}


def run(root: Path, *words: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The console script with the ledger named and `words` after it, its output as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), *words],
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def recalled(root: Path, *words: str) -> bool:
    """Whether the command line would be answered from memory, without importing the CLI."""
    script = (
        "import sys; from auditledger import memo; "
        "r = memo.read_request(sys.argv[1:]); found = r and r.where() and memo.recall_answer(r); print(); "
        "print(bool(found), 'typer' in sys.modules, 'pydantic' in sys.modules)"
    )
    command = [sys.executable, "-c", script, "--ledger", str(root), *words]
    # the environment as `run` gives it (the test process's own may differ: COLUMNS, LINES)
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ}, check=False)
    found, typer, pydantic = done.stdout.splitlines()[-1].split()
    assert (typer, pydantic) == ("False", "False")
    return found == "True"


@pytest.mark.parametrize("words", READS.values(), ids=READS.keys())
def test_a_read_commands_answer_is_given_again_as_it_was(sample: CLI, words: tuple[str, ...]) -> None:
    age(sample.root)
    fresh = run(sample.root, *words, env={"AUDITLEDGER_NO_CACHE": "1"})
    assert not recalled(sample.root, *words)
    first = run(sample.root, *words)
    assert recalled(sample.root, *words)
    again = run(sample.root, *words)
    assert fresh.stdout.strip(), fresh.stderr
    for done in (first, again):
        assert (done.stdout, done.stderr, done.returncode) == (fresh.stdout, fresh.stderr, fresh.returncode)
    assert not recalled(sample.root, *words[:-1], "2026-04-01" if words[-2] == "--as-of" else "x")


@pytest.mark.parametrize("change", ["same size, old mtime", "lower-level ledger", "template", "tool"])
def test_a_read_commands_answer_follows_every_change(sample: CLI, change: str) -> None:
    words = {
        "lower-level ledger": READS["stats with lower"],
        "template": READS["report html"],
    }.get(change, READS["overdue json"])
    if change == "template":
        (sample.root / "templates").mkdir()
        settings = sample.root / "auditledger.yaml"
        settings.write_text(settings.read_text(encoding="utf-8") + "templates: templates\n", encoding="utf-8")
    age(sample.root)
    run(sample.root, *words)
    assert recalled(sample.root, *words)
    if change == "same size, old mtime":
        path = sample.root / "2025" / "czj.yaml"
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("暂未下达", "尚未下达", 1), encoding="utf-8")
        assert path.read_text(encoding="utf-8") != text
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change == "lower-level ledger":
        lower = next((sample.root / "lower" / "dsq" / "2025").glob("*.yaml"))
        lower.write_text(lower.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
        age(sample.root)
    elif change == "template":
        shipped = Path(memo.__file__).parent.parent.parent / "templates" / "rectification.html.j2"
        own = sample.root / "templates" / "rectification.html.j2"
        text = shipped.read_text(encoding="utf-8").replace(
            "{% block body %}", "{% block body %}<p>（本委）</p>", 1
        )
        own.write_text(text, "utf-8")
        age(sample.root)
    else:
        source = Path(memo.__file__).parent / "checks.py"
        stamp = source.stat()
        os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
        try:
            assert not recalled(sample.root, *words)
        finally:
            os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        return
    assert not recalled(sample.root, *words)
    expected = run(sample.root, *words, env={"AUDITLEDGER_NO_CACHE": "1"})
    assert run(sample.root, *words).stdout == expected.stdout
    if change == "template":
        assert "（本委）" in expected.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "words",
    [
        ("overdue", "--output", "x.json"),
        ("overdue", "-o", "x.json"),
        ("report", "--year", "2025", "--output=r.md"),
        ("stats", "--at", "HEAD"),
        ("report", "--year", "2025", "--templates", "t"),
        ("overdue", "--help"),
        ("add-problem", "--year", "2025"),
        ("--debug", "overdue"),
        ("overdue", "--as-of", "2026-02-30"),
        ("query", "select datetime('now')"),
        ("query", "select CURRENT_TIMESTAMP"),
        ("query", "select id from problems order by random() limit 1"),
        ("query", "select time() t, unixepoch() u"),
        ("query", "select date ('now')"),
        ("stats", "-oout.csv"),
        ("report", "--year", "2024", "--format", "docx"),
        ("plan", "--year", "2024", "--format=docx"),
    ],
)
def test_what_writes_or_may_move_is_never_answered_from_memory(words: tuple[str, ...]) -> None:
    assert memo.read_request(words) is None


def test_an_answer_not_signed_with_the_users_key_is_not_used(sample: CLI) -> None:
    words = READS["overdue json"]
    age(sample.root)
    run(sample.root, *words)
    (answer,) = (sample.root / ".auditledger" / "cache" / "answers").glob("*.answer")
    signature, head, _body = answer.read_bytes().split(b"\n", 2)
    forged = json.loads(head)
    forged["out"] = 2
    answer.write_bytes(signature + b"\n" + json.dumps(forged).encode() + b"\n[]")
    assert not recalled(sample.root, *words)
    assert run(sample.root, *words).stdout != b"[]"


def test_an_answer_cut_short_by_a_closed_pipe_is_not_remembered(sample: CLI) -> None:
    words = ("stats", "--by", "year", "--format", "csv", "--as-of", "2026-03-31")
    age(sample.root)
    command = [sys.executable, "-m", "auditledger", "--ledger", str(sample.root), *words]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before a byte is written: every write fails
    try:
        writer = subprocess.run(command, stdout=write_end, stderr=subprocess.DEVNULL, check=False)
    finally:
        os.close(write_end)
    assert writer.returncode in (0, 1)
    assert not recalled(sample.root, *words)
    whole = run(sample.root, *words)
    assert whole.returncode == 0 and whole.stdout.count(b"\n") > 1


def test_the_real_today_is_part_of_an_answers_key(sample: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates after the real today are errors whatever --as-of says: an answer of yesterday is
    not today's."""
    request = memo.read_request(["overdue", "--as-of", "2026-03-31"])
    assert request is not None
    monkeypatch.chdir(sample.root)
    assert request.where()
    key = request.key

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(memo.datetime, "date", Tomorrow)
    assert request.where() and request.key != key
