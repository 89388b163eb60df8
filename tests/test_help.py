"""`--help` is quick: it imports neither pydantic nor anything of the model, YAML or rendering."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HEAVY = ("pydantic", "ruamel", "rich", "jinja2", "auditledger.model", "auditledger.store")


def run(folder: Path, command: list[str], lang: str, columns: int) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if k not in ("AUDITLEDGER_LEDGER", "LINES")}
    environ |= {"AUDITLEDGER_LANG": lang, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, *command], cwd=folder, env=environ, capture_output=True)


@pytest.mark.parametrize("words", [["--help"], ["check", "--help"], ["lower", "add", "--help"]])
def test_help_imports_no_model_yaml_or_rendering(tmp_path: Path, words: list[str]) -> None:
    """Typer reads the global options' absent values through pydantic; help does not import it."""
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['auditledger', *{words!r}]\n"
        "try:\n    runpy.run_module('auditledger', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    done = run(tmp_path, ["-c", code], "zh", 80)
    assert done.stdout.startswith("用法：auditledger".encode())
    assert done.stderr.decode().strip() == "[]"


def test_a_given_value_is_still_converted_and_checked(tmp_path: Path) -> None:
    """The conversion that help no longer builds is built when a value comes."""
    wrong = run(tmp_path, ["-m", "auditledger", "--lang", "fr", "list"], "en", 80)
    assert wrong.returncode == 2
    assert b"--lang: 'fr' is not a valid value; use one of: zh, en" in wrong.stderr
    ledger = run(tmp_path, ["-m", "auditledger", "--ledger", str(REPO / "README.md"), "check"], "en", 80)
    assert ledger.returncode == 2 and b"README.md' is a file" in ledger.stderr
