"""The command line as a whole: finding the ledger, version, schema, the error boundary."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditledger import __version__
from auditledger.cli import app
from tests.conftest import CLI, REPO, snapshot


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout == f"auditledger {__version__}\n"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "auditledger", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"auditledger {__version__}"


def test_only_the_invoked_command_is_built_and_the_rest_still_answer(small: CLI, tmp_path: Path) -> None:
    """`main()` builds just the command named on the line; global options before it, groups,
    help and a mistyped command behave as with every command built."""
    ledger = str(small.root)
    listed = _in(tmp_path, "--ledger", ledger, "list", "--format", "json")
    assert listed.returncode == 0 and json.loads(listed.stdout)
    grouped = _in(tmp_path, "-L", ledger, "lower", "list")
    assert grouped.returncode == 0, grouped.stderr
    helped = _in(tmp_path, "--help")
    assert helped.returncode == 0 and "overdue" in helped.stdout and "hearing" in helped.stdout
    mistyped = _in(tmp_path, "--ledger", ledger, "overdu")
    assert mistyped.returncode == 2 and "did you mean 'overdue'?" in mistyped.stderr


def test_an_argument_that_is_not_utf8_is_one_line_and_changes_nothing(small: CLI) -> None:
    before = snapshot(small.root)
    for argv in (
        [b"query", b"select '\xff'"],
        [b"update", b"2023-001", b"--next-steps", b"\xc4\xe3\xba\xc3"],
    ):
        result = subprocess.run(
            [sys.executable.encode(), b"-m", b"auditledger", b"--ledger", str(small.root).encode(), *argv],
            capture_output=True,
        )
        stderr = result.stderr.decode("utf-8")
        assert result.returncode == 2, stderr
        assert stderr.count("\n") == 1 and "is not UTF-8 text" in stderr and "Traceback" not in stderr
    assert snapshot(small.root) == before


def _in(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = (
        {k: v for k, v in os.environ.items() if k != "AUDITLEDGER_LEDGER"}
        | {"AUDITLEDGER_LANG": "en"}  # the tests speak English, as with the runner (conftest)
        | (env or {})
    )
    return subprocess.run(
        [sys.executable, "-m", "auditledger", *args],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
    )


def test_root_is_found_in_ledgers_env_and_parents(small: CLI, tmp_path: Path) -> None:
    root = small.root  # tmp_path/ledger
    assert "0 errors" in _in(root / "2023", "check").stdout  # a parent folder
    assert "0 errors" in _in(tmp_path, "check", env={"AUDITLEDGER_LEDGER": str(root)}).stdout
    (tmp_path / "project").mkdir()
    (root).rename(tmp_path / "project" / "ledgers")
    assert "0 errors" in _in(tmp_path / "project", "check").stdout  # ./ledgers


def test_no_ledger_is_one_clear_line(tmp_path: Path) -> None:
    run = _in(tmp_path, "list")
    assert run.returncode == 2
    assert run.stderr.startswith("error: no ledger found: no auditledger.yaml in ./ledgers")
    assert len(run.stderr.splitlines()) == 1


def test_schema_is_written_where_the_files_point(small: CLI, tmp_path: Path) -> None:
    run = small("schema")
    assert run.exit_code == 0
    assert len(run.lines) == 4
    schema = json.loads((small.root / "schema/problems.schema.json").read_text(encoding="utf-8"))
    status = schema["$defs"]["Status"]
    assert "in_progress" in status["enum"] and "整改中" in status["enum"]
    assert schema["$defs"]["Problem"]["additionalProperties"] is False
    out = tmp_path / "elsewhere"
    assert small("schema", "--output", str(out)).exit_code == 0
    assert (out / "units.schema.json").exists()


def test_sample_files_point_at_schema_files_that_exist() -> None:
    for path in (REPO / "ledgers").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        assert (path.parent / match.group(1)).is_file(), path


def _essence(schema: dict[str, object]) -> dict[str, object]:
    """What editors check: each record's fields and each enumeration's accepted values
    (the rest of the text varies between pydantic versions)."""
    found: dict[str, object] = {}
    for name, part in {"": schema, **schema.get("$defs", {})}.items():  # type: ignore[dict-item]
        found[name] = sorted(part.get("properties", {})) or part.get("enum")
    return found


def test_sample_schema_files_are_current(tmp_path: Path) -> None:
    cli = CLI(REPO / "ledgers")
    assert cli("schema", "--output", str(tmp_path)).exit_code == 0
    for path in tmp_path.iterdir():
        fresh = json.loads(path.read_text(encoding="utf-8"))
        committed = json.loads((REPO / "ledgers/schema" / path.name).read_text(encoding="utf-8"))
        assert _essence(fresh) == _essence(committed), (
            f"{path.name} is stale: run `auditledger schema` and commit ledgers/schema"
        )


def test_an_internal_error_is_one_line_and_debug_shows_it(
    small: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("auditledger.loader.run_checks", broken)
    run = small("check")
    assert run.exit_code == 70
    assert run.stderr.startswith("auditledger: internal error (RuntimeError: boom); this is a bug")
    with pytest.raises(RuntimeError):
        small("--debug", "check")


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = [c.name for c in app.registered_commands]
    assert names
    missing = [name for name in names if f"auditledger {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_diagnostic_code_is_in_the_readme() -> None:
    from auditledger.checks import CHECKS
    from auditledger.loader import FILE_CODES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [code for code in [*FILE_CODES, *CHECKS] if f"| `{code}` |" not in readme]
    assert not missing, f"diagnostic codes missing from README.md: {missing}"


def test_start_up_imports_no_heavy_library() -> None:
    """`--help` and completion stay fast: the model, YAML and rendering load only in commands."""
    heavy = ("pydantic", "ruamel", "rich.table", "jinja2")
    code = f"import sys, auditledger.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_reader_that_stops_reading_is_no_internal_error(tmp_path: Path) -> None:
    import shutil as sh
    import subprocess
    import sys

    root = tmp_path / "ledgers"
    sh.copytree(REPO / "ledgers", root, ignore=sh.ignore_patterns(".auditledger"))
    command = [sys.executable, "-m", "auditledger", "--ledger", str(root), "check"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # like `| head` that has read enough
        errors = process.stderr.read().decode()
    assert "internal error" not in errors and "Traceback" not in errors
