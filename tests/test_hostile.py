"""Hostile and broken files: each gives a positioned diagnostic and exit 1, or is read
correctly; nothing runs, nothing crashes, nothing expands."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLI, PROBLEM, snapshot

HOSTILE = {
    "billion laughs": (
        "problems:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"  - &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)),
        "2023/czj.yaml:2:5: yaml-alias:",
    ),
    "python tag": (
        "problems: !!python/object/apply:os.system ['touch PWNED']\n",
        "2023/czj.yaml:1:11: yaml-tag: the tag !!python/object/apply:os.system is not allowed",
    ),
    "custom tag": ("problems:\n  - !include other.yaml\n", "2023/czj.yaml:2:5: yaml-tag: the tag !include"),
    "binary": ("problems:\n  - title: !!binary 5Lit5paH\n", "2023/czj.yaml:2:12: yaml-tag: the tag !!binary"),
    "two documents": (PROBLEM + "---\n" + PROBLEM, "2023/czj.yaml:11:1: multi-document:"),
    "deep flow": ("problems: " + "[" * 100 + "]" * 100 + "\n", "2023/czj.yaml:1:42: yaml-depth:"),
    "deep block": ("problems:\n" + "- " * 100 + "x\n", "2023/czj.yaml:2:63: yaml-depth:"),
    "NUL": (PROBLEM.replace("专项资金", "专项\x00资金"), "2023/czj.yaml:4:14: control-character: "),
    "C1": (PROBLEM.replace("专项资金", "专项\x9b资金"), "2023/czj.yaml:4:14: control-character: "),
    "U+2028": (PROBLEM.replace("专项资金", "专项\u2028资金"), "2023/czj.yaml:4:14: control-character: "),
    "escaped U+2029": (
        PROBLEM.replace("title: 专项资金下达不及时", 'title: "专项\\u2029资金"'),
        "2023/czj.yaml:4:5: invalid-value: title: text holds the control character U+2029",
    ),
    "tab indent": (
        PROBLEM.replace("    title:", "\ttitle:"),
        "2023/czj.yaml:4:1: yaml-syntax: a tab indents",
    ),
    "bad date": (PROBLEM.replace("2024-09-30", "2024-13-01"), "2023/czj.yaml:9:5: invalid-date:"),
    "bad amount": (PROBLEM.replace("100.50", "1,00.5x"), "2023/czj.yaml:6:5: invalid-amount:"),
    "infinite amount": (PROBLEM.replace("100.50", ".inf"), "2023/czj.yaml:6:5: invalid-amount:"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_one_positioned_diagnostic(
    name: str, make_ledger: Callable[..., Path], tmp_path: Path
) -> None:
    text, expected = HOSTILE[name]
    root = make_ledger({"2023/czj.yaml": None})
    (root / "2023" / "czj.yaml").write_bytes(text.encode("utf-8"))
    cli = CLI(root)
    started = time.monotonic()
    run = cli("check")
    assert time.monotonic() - started < 5  # nothing expanded
    assert run.exit_code == 1
    assert f"{root}/{expected}" in run.stdout, run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_nesting_that_crashes_the_c_loader_is_refused(make_ledger: Callable[..., Path]) -> None:
    """30,000 levels segfault ruamel's C loader; run in a child process so that a regression
    fails this test instead of killing the test run."""
    root = make_ledger({"2023/czj.yaml": "problems: " + "[" * 30000 + "]" * 30000 + "\n"})
    done = subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "2023/czj.yaml:1:42: yaml-depth:" in done.stdout


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("BOM", b"\xef\xbb\xbf" + PROBLEM.encode()),
        ("CRLF", PROBLEM.replace("\n", "\r\n").encode()),
        ("BOM and CRLF", b"\xef\xbb\xbf" + PROBLEM.replace("\n", "\r\n").encode()),
    ],
)
def test_bom_and_crlf_are_read_and_kept_by_edits(
    make_ledger: Callable[..., Path], name: str, content: bytes
) -> None:
    root = make_ledger()
    path = root / "2023" / "czj.yaml"
    path.write_bytes(content)
    cli = CLI(root)
    assert cli("check").exit_code == 0
    assert cli("update", "2023-001", "--next-steps", "下月完成", "--date", "2024-08-01").exit_code == 0
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == content.startswith(b"\xef\xbb\xbf")
    lines = after.split(b"\n")
    crlf = b"\r\n" in content
    assert all(line.endswith(b"\r") == crlf for line in lines[:-1])
    assert after.startswith(content[: content.index(b"status")])  # the lines before are untouched
    assert cli("check").exit_code == 0


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty", ""), ("comments only", "# 尚无问题\n# none yet\n"), ("empty list", "problems: []\n")],
)
def test_empty_files_are_empty_not_errors(make_ledger: Callable[..., Path], name: str, text: str) -> None:
    cli = CLI(make_ledger({"2023/jyj.yaml": text}))
    run = cli("check")
    assert run.exit_code == 0
    assert run.stdout.startswith("1 problems,")


def test_a_broken_file_refuses_edits_and_keeps_every_byte(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"2023/czj.yaml": PROBLEM + "  - &x {id: 2023-002}\n"})
    cli = CLI(root)
    before = snapshot(root)
    run = cli("update", "2023-001", "--status", "整改中", "--date", "2024-08-01")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert snapshot(root) == before
