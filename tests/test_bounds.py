"""Sane bounds (issue 18, items 5 and 11): amounts, counts and dates the model refuses with a
position before anything expands them, command-line values likewise, and `check` linear in
every input. Commands that once hung or crashed run in a child process with a timeout and a
memory cap, so that a regression fails the test instead of hanging the run."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CLI, PROBLEM

MEMORY_CAP = 1 << 30  # 1 GB of address space


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`auditledger --ledger ROOT ARGS` in a child process with a generous timeout and 1 GB of
    memory: it must finish (a timeout fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=_cap_memory,
    )


def assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout + done.stderr
    assert "internal error" not in done.stdout + done.stderr


# --- check stays linear ------------------------------------------------------------------


def test_ten_thousand_unknown_keys_in_one_record_are_checked_in_linear_time(
    make_ledger: Callable[..., Path],
) -> None:
    """Each unknown key's position was found by scanning all keys of its record: 10**8 steps."""
    junk = "".join(f"    junk{n}: x\n" for n in range(10_000))
    root = make_ledger({"2023/czj.yaml": PROBLEM + junk})
    done = run_capped(root, "check")
    assert done.returncode == 1
    assert "2023/czj.yaml:11:5: unknown-field: unknown field 'junk0'" in done.stdout
    assert "2023/czj.yaml:10010:5: unknown-field:" in done.stdout
    assert "10000 errors" in done.stdout


def test_ten_thousand_problems_sharing_an_id_are_checked_in_linear_time(
    make_ledger: Callable[..., Path],
) -> None:
    """Each use of the id listed the files of every other use: minutes for 10,000 uses."""
    record = PROBLEM.removeprefix("problems:\n")
    root = make_ledger({"2023/czj.yaml": "problems:\n" + record * 10_000})
    done = run_capped(root, "check")
    assert done.returncode == 1
    assert (
        "2023/czj.yaml:2:5: duplicate-id: problem id '2023-001' is used 10000 times (also in 2023/czj.yaml)"
    ) in done.stdout
    assert done.stdout.count("duplicate-id") == 10_000


def test_an_id_used_in_many_files_names_a_few_of_them(make_ledger: Callable[..., Path]) -> None:
    files: dict[str, str | None] = {}
    units = "units:\n"
    for n in range(8):
        unit = f"u{n}"
        units += f"  - id: {unit}\n    name: 单位{n}\n"
        files[f"2023/{unit}.yaml"] = PROBLEM.replace("unit: czj", f"unit: {unit}")
    cli = CLI(make_ledger({**files, "units.yaml": units, "2023/czj.yaml": None}))
    run = cli("check")
    assert run.exit_code == 1
    assert (
        "2023/u0.yaml:2:5: duplicate-id: problem id '2023-001' is used 8 times (also in 2023/u1.yaml, "
        "2023/u2.yaml, 2023/u3.yaml, 2023/u4.yaml, 2023/u5.yaml and 2 more files)"
    ) in run.stdout
