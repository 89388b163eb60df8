"""The README is the manual: its examples on the bundled sample ledger print what it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditledger.cli import app
from tests.conftest import REPO, SAMPLE

READ_ONLY = {
    "list",
    "show",
    "check",
    "overdue",
    "sample",
    "report",
    "plan",
    "recurring",
    "stats",
    "query",
    "rollup",
}


GLOBAL_WITH_VALUE = {"--ledger", "-L", "--lang"}


def command_of(args: list[str]) -> str | None:
    """The command an example runs, after the global options (`auditledger --lang en list`)."""
    words = iter(args)
    for word in words:
        if word in GLOBAL_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def examples() -> list[tuple[str, list[str]]]:
    """(command, shown output) for every README example that only reads the sample ledger."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        lines = block.replace("\\\n", " ").splitlines()
        for index, line in enumerate(lines):
            if not line.startswith("$ auditledger "):
                continue
            args = shlex.split(line[2:])[1:]
            if command_of(args) not in READ_ONLY or "--ledger" in args or {"--output", "-o"} & set(args):
                continue
            output: list[str] = []
            for later in lines[index + 1 :]:
                if later.startswith("$ "):
                    break
                output.append(later)
            found.append((line[2:], output))
    return found


def test_the_readme_has_examples_to_check() -> None:
    assert {command_of(shlex.split(command)[1:]) for command, _ in examples()} == READ_ONLY


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_readme_example_prints_what_it_shows(command: str, shown: list[str], tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "120", "AUDITLEDGER_LEDGER": None, "AUDITLEDGER_LANG": None})
    result = runner.invoke(app, ["--ledger", str(SAMPLE), *shlex.split(command)[1:]])
    expected = [line.rstrip() for line in shown]
    if expected and expected[0].startswith(("error: ", "错误：")):  # a refusal: exit 2, one line on stderr
        assert result.exit_code == 2, result.stdout
        assert [line.rstrip() for line in result.stderr.splitlines()] == expected
        return
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    assert result.exit_code == 0, result.stderr
    if not expected:  # shown without its output: it must run
        return
    if expected[-1].strip() == "…":  # an excerpt: the first lines
        expected = expected[:-1]
        printed = printed[: len(expected)]
    assert printed == expected, (
        f"README.md shows other output for `{command}`; run it with COLUMNS=120 and update the README"
    )
