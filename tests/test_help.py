"""`--help` is quick and the same: the console script's lean paths (the list of commands built
without their parameters, no pydantic to read absent options) print exactly what the whole
Typer tree prints, in both languages and at several widths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

import auditledger.cli
from tests.conftest import REPO

FULL_TREE = "import sys; from auditledger.cli import app; app(args=sys.argv[1:], prog_name='auditledger')"
"""The command line with every command built, as before the lean paths (`main` not called)."""
HEAVY = ("pydantic", "ruamel", "rich", "jinja2", "auditledger.model", "auditledger.store")


def run(folder: Path, command: list[str], lang: str, columns: int) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if k not in ("AUDITLEDGER_LEDGER", "LINES")}
    environ |= {"AUDITLEDGER_LANG": lang, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, *command], cwd=folder, env=environ, capture_output=True)


LINES = {
    "help": ["--help"],
    "-h": ["-h"],
    "nothing": [],
    "global option": ["--lang", "en", "--help"],
    "mistyped": ["overdu"],
    "no command": ["--lang", "en"],
    "version": ["--version"],
    "command": ["check", "--help"],
    "group": ["lower", "--help"],
    "group's command": ["lower", "add", "--help"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [50, 80, 200])
@pytest.mark.parametrize("words", LINES.values(), ids=LINES.keys())
def test_the_help_is_byte_for_byte_the_whole_trees(
    tmp_path: Path, words: list[str], lang: str, columns: int
) -> None:
    lean = run(tmp_path, ["-m", "auditledger", *words], lang, columns)
    full = run(tmp_path, ["-c", FULL_TREE, *words], lang, columns)
    assert lean.stdout.strip() or lean.stderr.strip()
    assert (lean.stdout, lean.stderr, lean.returncode) == (full.stdout, full.stderr, full.returncode)


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
    assert ledger.returncode == 2
    assert ledger.stderr.endswith(b"README.md' is a file, not a folder; run 'auditledger -h' for help\n")


def test_the_list_of_commands_reads_no_commands_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    reading = typer.main.get_params_from_function

    def noted(function: object) -> object:
        read.append(getattr(function, "__name__", "?"))
        return reading(function)  # type: ignore[arg-type]

    monkeypatch.setattr(typer.main, "get_params_from_function", noted)
    monkeypatch.setattr(sys, "argv", ["auditledger", "--help"])
    with pytest.raises(SystemExit) as done:
        auditledger.cli.main()
    assert done.value.code == 0
    assert set(read) <= {"_main", "_version", "_not_run", "install_callback", "show_callback"}, read
    assert "_not_run" in read


def every_command(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += every_command(sub, (*path, name))
    return found


def test_every_commands_help_is_the_whole_trees(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command's and group's help, through the console script's `main` (which builds only
    what the line names) and through the whole tree, in Chinese at 80 columns (in-process: the
    processes above cover the languages and widths)."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("AUDITLEDGER_LANG", "zh")
    paths = every_command(typer.main.get_command(auditledger.cli.app))
    assert len(paths) > 40
    for path in paths:
        monkeypatch.setattr(sys, "argv", ["auditledger", *path, "--help"])
        with pytest.raises(SystemExit):
            auditledger.cli.main()
        lean = capsys.readouterr()
        with pytest.raises(SystemExit):
            auditledger.cli.app(args=[*path, "--help"], prog_name="auditledger")
        full = capsys.readouterr()
        assert lean.out.startswith("用法：auditledger"), path
        assert (lean.out, lean.err) == (full.out, full.err), path
