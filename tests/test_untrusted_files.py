"""Only regular files inside the ledger are read (issue 18, item 9): links leaving the ledger
or pointing into another of its folders, devices, FIFOs and unreadable folders are diagnostics
with a code and a fix; every command stays small and ends. Names Windows reserves are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLI, PROBLEM, snapshot

COMMANDS = {
    "check": ("check",),
    "list": ("list",),
    "fmt --check": ("fmt", "--check"),
    "update": ("update", "2023-001", "--next-steps", "下月完成", "--date", "2024-08-01"),
}
MEMORY = 1 << 30
"""The address space each command may use: the bug grew commands to ~24 GB."""

CAPPED = """\
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["auditledger", *sys.argv[2:]]
runpy.run_module("auditledger", run_name="__main__")
"""


def run_capped(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, with a memory cap and a timeout (a regression
    fails the test instead of hanging or swapping the machine)."""
    return subprocess.run(
        [sys.executable, "-c", CAPPED, str(MEMORY), "--ledger", str(root), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "AUDITLEDGER_NO_CACHE": "1", "AUDITLEDGER_LANG": "en"},  # as the runner speaks
    )


def _zero(root: Path) -> tuple[Path, str]:
    path = root / "2023" / "zero.yaml"
    path.symlink_to("/dev/zero")
    return path, "symlink: not read: the file is a symbolic link (to /dev/zero)"


def _outside(root: Path) -> tuple[Path, str]:
    elsewhere = root.parent / "elsewhere.yaml"
    elsewhere.write_text(PROBLEM.replace("2023-001", "2023-900"), encoding="utf-8")
    path = root / "2023" / "jyj.yaml"
    path.symlink_to(elsewhere)
    return path, f"symlink: not read: the file is a symbolic link (to {elsewhere})"


def _other_folder(root: Path) -> tuple[Path, str]:
    (root / "2024").mkdir()
    path = root / "2024" / "czj.yaml"
    path.symlink_to("../2023/czj.yaml")
    return path, "symlink: not read: the file is a symbolic link (to ../2023/czj.yaml)"


def _fifo(root: Path) -> tuple[Path, str]:
    path = root / "2023" / "pipe.yaml"
    os.mkfifo(path)
    return path, "not-a-file: not read: it is a FIFO (named pipe), not a regular file"


def _year_link(root: Path) -> tuple[Path, str]:
    outside = root.parent / "outside-year"
    outside.mkdir()
    (outside / "czj.yaml").write_text(PROBLEM.replace("2023-001", "2024-900"), encoding="utf-8")
    path = root / "2024"
    path.symlink_to(outside)
    return path, "symlink: not read: the folder is a symbolic link"


HOSTILE: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "link to /dev/zero": _zero,
    "link out of the ledger": _outside,
    "link into another folder": _other_folder,
    "FIFO": _fifo,
    "year folder linked out": _year_link,
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_a_diagnostic_and_every_command_ends(
    make_ledger: Callable[..., Path], name: str, command: str
) -> None:
    root = make_ledger()
    path, expected = HOSTILE[name](root)
    before = snapshot(root) if command != "update" else None
    done = run_capped(root, *COMMANDS[command])
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    if command == "check":
        assert done.returncode == 1, output
        assert f"{path}: {expected}" in done.stdout, done.stdout
        assert "; " in done.stdout.split(f"{path}: ")[1].splitlines()[0]  # with its fix
        assert "2023-900" not in output and "2024-900" not in output
    elif command == "list":
        assert done.returncode == 0, output
        assert "2023-001" in done.stdout and "2023-900" not in done.stdout and "2024-900" not in done.stdout
    elif command == "fmt --check":
        assert done.returncode in (0, 1), output
    else:
        assert done.returncode == 0, output  # the other files are edited as usual
        assert "下月完成" in (root / "2023" / "czj.yaml").read_text(encoding="utf-8")
    if before is not None:
        assert snapshot(root) == before


def test_a_device_file_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 16 MB limit read st_size, which is 0 for a device: /dev/zero was read forever."""
    from auditledger import store

    monkeypatch.setattr(store, "MAX_FILE_BYTES", 1000)
    text, found = store.read_text(Path("/dev/zero"), follow=True)
    assert text is None
    assert [d.code for d in found] == ["not-a-file"]
    assert "character device" in found[0].message


def test_a_file_that_grows_past_the_limit_while_read_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditledger import store

    path = tmp_path / "big.yaml"
    path.write_bytes(b"# x\n" * 1000)
    monkeypatch.setattr(store, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(os, "stat", lambda *a, **k: pytest.fail("the size is checked while reading"))
    text, found = store.read_text(path)
    assert text is None and [d.code for d in found] == ["file-too-large"]


def test_an_unreadable_year_folder_is_a_diagnostic(small: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable year folder was dropped without a word. (Simulated: the tests may run as
    root, whom permissions do not stop.)"""
    folder = small.root / "2023"
    scandir = os.scandir

    def refuse(path: object = ".") -> object:
        if Path(str(path)) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    run = small("check")
    assert run.exit_code == 1
    assert f"{folder}: unreadable: the folder cannot be read (Permission denied)" in run.stdout
    assert "chmod u+rx" in run.stdout


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root reads any folder")
def test_an_unreadable_year_folder_is_a_diagnostic_for_real(small: CLI) -> None:
    folder = small.root / "2023"
    folder.chmod(0)
    try:
        run = small("check")
    finally:
        folder.chmod(0o755)
    assert run.exit_code == 1
    assert f"{folder}: unreadable: the folder cannot be read" in run.stdout


@pytest.mark.parametrize("unit_id", ["con", "aux", "nul", "prn", "com1", "lpt9", "CON"])
def test_add_unit_refuses_a_name_windows_reserves(small: CLI, unit_id: str) -> None:
    before = snapshot(small.root)
    run = small("add-unit", unit_id, "--name", "某单位")
    assert run.exit_code == 2
    assert "Traceback" not in run.stderr
    if unit_id == "CON":  # not even a valid id: lowercase letters first
        assert "is not a valid id" in run.stderr
    else:
        assert f"'{unit_id}' is a name Windows reserves for a device" in run.stderr
        assert "choose another id" in run.stderr
    assert snapshot(small.root) == before


def test_a_reserved_unit_id_in_units_yaml_is_a_diagnostic(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger(
        {"units.yaml": "units:\n  - id: czj\n    name: 财政局\n  - id: aux\n    name: 某单位\n"}
    )
    run = CLI(root)("check")
    assert run.exit_code == 1
    assert f"{root / 'units.yaml'}:4:" in run.stdout
    assert "'aux' is a name Windows reserves for a device" in run.stdout


@pytest.mark.parametrize("name", ["nul.yaml", "COM1.yaml", "Aux.yaml", "aux.backup.yaml"])
def test_a_file_named_as_windows_reserves_is_a_diagnostic(
    make_ledger: Callable[..., Path], name: str
) -> None:
    root = make_ledger({f"2023/{name}": "problems: []\n"})
    run = CLI(root)("check")
    assert run.exit_code == 1
    assert f"{root / '2023' / name}: reserved-name: not read: Windows reserves the name" in run.stdout
