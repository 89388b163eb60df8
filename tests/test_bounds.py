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

import pytest

from tests.conftest import CLI, PROBLEM, YEAR, snapshot

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


# --- amounts and counts ------------------------------------------------------------------

AMOUNTS = {
    # 15 bytes that print as 10**9 digits
    "1e999999999": "amount: '1e999999999' is not a valid amount (written with an exponent)",
    # passed check, then list/report ended in "internal error (InvalidOperation)"
    "1e28": "amount: '1e28' is not a valid amount (written with an exponent)",
    "1.5E3": "amount: '1.5E3' is not a valid amount (written with an exponent)",
    "10000000000000": "amount: 10000000000000 is not a valid amount (more than 10¹² 万元)",
    "1234567890.123456": "amount: 1234567890.123456 is not a valid amount (more than 15 significant digits)",
    "9" * 60: f"amount: '{'9' * 60}' is not a valid amount (more than 10¹² 万元)",
}


@pytest.mark.parametrize("amount", sorted(AMOUNTS))
def test_an_amount_beyond_bounds_is_a_positioned_diagnostic(
    amount: str, make_ledger: Callable[..., Path]
) -> None:
    root = make_ledger({"2023/czj.yaml": PROBLEM.replace("100.50", amount)})
    before = snapshot(root)
    done = run_capped(root, "check")
    assert done.returncode == 1, done.stderr
    assert f"{root}/2023/czj.yaml:6:5: invalid-amount: " in done.stdout
    assert AMOUNTS[amount] in done.stdout
    assert len(done.stdout) < 2000  # nothing expanded, nothing echoed at length
    assert_clean(done)
    for command in (["list"], ["report", "--year", "2023"], ["overdue"]):
        later = run_capped(root, *command)
        assert later.returncode in (0, 1, 2), (command, later.stderr)
        assert_clean(later)
    assert snapshot(root) == before


def test_a_long_number_is_not_echoed(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"2023/czj.yaml": PROBLEM.replace("100.50", "9" * 100_000)})
    done = run_capped(root, "check")
    assert done.returncode == 1
    assert "2023/czj.yaml:6:5: invalid-amount: amount: '999" in done.stdout
    assert "… (100000 characters)' is not a valid amount (more than 10¹² 万元)" in done.stdout
    assert len(done.stdout) < 2000
    assert_clean(done)


@pytest.mark.parametrize(
    ("field", "value"),
    [("accountable", "1e999999999"), ("rules_count", "1e999999999"), ("round", "1e99999999")],
)
def test_a_count_with_a_huge_exponent_is_refused_at_once(
    field: str, value: str, make_ledger: Callable[..., Path]
) -> None:
    """Pydantic would make an int of Decimal('1e999999999'): 10**9 digits, minutes of work."""
    root = make_ledger({"2023/czj.yaml": PROBLEM + f"    {field}: {value}\n"})
    done = run_capped(root, "check")
    assert done.returncode == 1, done.stderr
    assert f"2023/czj.yaml:11:5: invalid-value: {field}: '{value}' is not valid" in done.stdout
    assert_clean(done)


def test_a_setting_with_an_exponent_is_refused(make_ledger: Callable[..., Path]) -> None:
    from tests.conftest import SETTINGS

    root = make_ledger({"auditledger.yaml": SETTINGS + "vote_threshold: 1e-999999999\n"})
    done = run_capped(root, "check")
    assert done.returncode == 1
    assert "auditledger.yaml:6:1: invalid-value: vote_threshold: '1e-999999999' is not valid" in done.stdout
    assert_clean(done)


def test_amounts_at_the_bounds_are_read(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger({"2023/czj.yaml": PROBLEM.replace("100.50", "999999999999.999")}))
    assert cli("check").exit_code == 0
    assert "999999999999.999" in cli("list", "--format", "json").stdout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--amount", "1e999999999", "is not a valid amount (written with an exponent)"),
        ("--amount", "10000000000000", "more than 10¹² 万元"),
    ],
)
def test_an_amount_typed_on_the_command_line_is_bounded(
    option: str, value: str, message: str, make_ledger: Callable[..., Path]
) -> None:
    root = make_ledger()
    before = snapshot(root)
    done = run_capped(
        root, "add-problem", "--year", "2023", "--unit", "czj", "--title", "新问题", "--type", "immediate",
        "--deadline", "2024-12-31", option, value,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert_clean(done)
    assert snapshot(root) == before


# --- dates -------------------------------------------------------------------------------

RESOLUTION = """\
resolutions:
  - id: 2023-R1
    kind: opinion
    adopted: 9999-12-31
    text: 审议意见
    problems: [2023-001]
"""


def test_a_date_beyond_2100_is_a_diagnostic_not_a_crash(make_ledger: Callable[..., Path]) -> None:
    """`adopted: 9999-12-31` passed check; `overdue` and `report` then ended in
    "internal error (ValueError: year 10000 is out of range)"."""
    root = make_ledger({"2023/_year.yaml": YEAR + RESOLUTION})
    before = snapshot(root)
    cli = CLI(root)
    run = cli("check")
    assert run.exit_code == 1
    assert (
        f"{root}/2023/_year.yaml:9:5: invalid-date: resolutions.0.adopted: '9999-12-31' is not between "
        "1990-01-01 and 2100-12-31; correct the year: a ledger's dates lie within 1990–2100"
    ) in run.stdout
    for command in (["overdue"], ["report", "--year", "2023"], ["list"]):
        done = run_capped(root, *command)
        assert_clean(done)
    assert snapshot(root) == before


@pytest.mark.parametrize("day", ["1989-12-31", "2101-01-01", "0001-01-01"])
def test_a_deadline_outside_1990_to_2100_is_refused(day: str, make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger({"2023/czj.yaml": PROBLEM.replace("2024-09-30", day)}))
    run = cli("check")
    assert run.exit_code == 1
    assert f"2023/czj.yaml:9:5: invalid-date: deadline: '{day}' is not between 1990-01-01 and 2100-12-31" in (
        run.stdout
    )


@pytest.mark.parametrize(
    "args",
    [
        ("overdue", "--as-of", "9999-12-31"),
        ("check", "--as-of", "1900-01-01"),
        ("update", "2023-001", "--status", "整改中", "--date", "2200-01-01"),
    ],
)
def test_a_date_typed_on_the_command_line_is_within_1990_to_2100(small: CLI, args: tuple[str, ...]) -> None:
    before = snapshot(small.root)
    run = small(*args)
    assert run.exit_code == 2
    option, value = args[-2], args[-1]
    assert f"{option}: {value} is not between 1990-01-01 and 2100-12-31" in run.stderr
    assert "internal error" not in run.stderr
    assert snapshot(small.root) == before


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
