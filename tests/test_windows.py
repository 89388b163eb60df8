"""Windows-safe output (issue 19, item 4): a console whose code page lacks a character of the
ledger (䶮 is outside GBK, code page 936) never crashes a command. Redirected, output is
UTF-8; on a terminal, a replacement character. Simulated with PYTHONIOENCODING on POSIX."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PROBLEM, UNITS

RARE = "䶮"  # CJK Extension A: in GB18030 and UTF-8, not in GBK

READ_COMMANDS = [
    ("list",),
    ("list", "--format", "csv"),
    ("show", "2023-001"),
    ("overdue", "--as-of", "2026-11-24"),
    ("report", "--year", "2023", "--as-of", "2026-11-24"),
    ("report", "--year", "2023", "--as-of", "2026-11-24", "--format", "html"),
    ("stats", "--as-of", "2026-11-24"),
    ("query", "select id, title, category from problems"),
    ("check",),
]


@pytest.fixture
def rare(make_ledger: Callable[..., Path]) -> Path:
    """A ledger with 䶮 in a problem's title, its category (not a configured one: a warning
    that `check` prints) and its unit's name."""
    return make_ledger(
        {
            "units.yaml": UNITS.replace("测试市财政局", f"测试市{RARE}局"),
            "2023/czj.yaml": PROBLEM.replace("专项资金下达不及时", f"{RARE}专项资金下达不及时").replace(
                "category: 财政管理", f"category: {RARE}类资金"
            ),
        }
    )


def run(root: Path, *args: str, encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "AUDITLEDGER_LEDGER"}
    env |= {"PYTHONIOENCODING": encoding, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), *args],
        capture_output=True,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["cp936", "cp936:strict"])
def test_read_commands_redirected_write_utf8_whatever_the_code_page(rare: Path, encoding: str) -> None:
    for command in READ_COMMANDS:
        result = run(rare, *command, encoding=encoding)
        stderr = result.stderr.decode("utf-8")
        assert result.returncode == 0, (command, stderr)
        assert "internal error" not in stderr
        assert RARE in result.stdout.decode("utf-8"), command  # UTF-8, the character as it is


def test_messages_on_standard_error_are_utf8_too(rare: Path) -> None:
    result = run(rare, "show", f"{RARE}-001", encoding="cp936")
    assert result.returncode == 2
    assert f"'{RARE}-001'" in result.stderr.decode("utf-8")  # not \u4dae


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_with_a_legacy_code_page_gets_a_replacement_character(rare: Path) -> None:
    """On a terminal the output keeps the terminal's encoding (GBK here): what it cannot show
    becomes '?', the rest is shown as it is."""
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "auditledger", "--ledger", str(rare), "list"],
            stdout=slave,
            stderr=subprocess.PIPE,
            env={k: v for k, v in os.environ.items() if k != "AUDITLEDGER_LEDGER"}
            | {"PYTHONIOENCODING": "cp936", "COLUMNS": "200"},
        )
        os.close(slave)
        output = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end closed (Linux)
                break
            if not chunk:
                break
            output += chunk
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(master)
    assert process.returncode == 0, stderr.decode("utf-8", "replace")
    text = output.decode("gbk")
    assert "?专项资金下达不及时" in text and RARE not in text


def test_messages_name_ledger_files_with_the_systems_separator(monkeypatch: pytest.MonkeyPatch) -> None:
    """`move it to 2023/czj.yaml` on POSIX, `2023\\czj.yaml` on Windows: as the user types it."""
    import ntpath

    from auditledger import diagnostics

    assert diagnostics.ledger_path(2023, "czj.yaml") == f"2023{os.sep}czj.yaml"
    monkeypatch.setattr(diagnostics.os, "path", ntpath)
    assert diagnostics.ledger_path(2023, "czj.yaml") == "2023\\czj.yaml"
