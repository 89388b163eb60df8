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
