"""`init`, `add-unit`, `add-problem`: files on disk, output, exit codes, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLI, snapshot


def test_init_creates_a_ledger_that_passes_check(tmp_path: Path) -> None:
    root = tmp_path / "new"
    cli = CLI(root)
    run = cli("init", str(root), "--name", "某县人大常委会预算工作委员会", ledger=False)
    assert run.exit_code == 0, run.stderr
    assert "created a ledger" in run.stdout
    assert sorted(snapshot(root)) == [
        ".gitignore",
        "auditledger.yaml",
        "schema/problems.schema.json",
        "schema/settings.schema.json",
        "schema/units.schema.json",
        "schema/year.schema.json",
        "units.yaml",
    ]
    settings = (root / "auditledger.yaml").read_text(encoding="utf-8")
    assert settings.startswith("# yaml-language-server: $schema=schema/settings.schema.json\n")
    assert "name: 某县人大常委会预算工作委员会\n" in settings
    assert ".auditledger/" in (root / ".gitignore").read_text()
    check = cli("check")
    assert check.exit_code == 0, check.stdout
    assert check.lines == ["0 problems, 0 units, 0 years: 0 errors, 0 warnings"]


def test_a_ledger_named_by_a_relative_path_is_created_and_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`init rd/demo` from the folder above: the write journal names files relative to the
    ledger, which the temporary files' absolute names once did not fit (exit 70)."""
    monkeypatch.chdir(tmp_path)
    cli = CLI(Path("rd/demo"))
    run = cli("init", "rd/demo", "--name", "某县人大常委会预算工作委员会", ledger=False)
    assert run.exit_code == 0, run.stderr
    assert cli("add-unit", "czj", "--name", "某县财政局").exit_code == 0
    assert "czj" in (tmp_path / "rd" / "demo" / "units.yaml").read_text(encoding="utf-8")
    assert not list((tmp_path / "rd" / "demo").glob(".*.tmp"))


def test_init_refuses_an_existing_ledger(small: CLI) -> None:
    before = snapshot(small.root)
    run = small("init", str(small.root), "--name", "x", ledger=False)
    assert run.exit_code == 2
    assert "already holds a ledger" in run.stderr
    assert snapshot(small.root) == before


def test_a_fresh_ledger_takes_units_and_problems(tmp_path: Path) -> None:
    root = tmp_path / "county"
    cli = CLI(root)
    assert cli("init", str(root), "--name", "某县人大常委会预算工作委员会", ledger=False).exit_code == 0
    assert cli("add-unit", "czj", "--name", "某县财政局").exit_code == 0
    assert cli("add-unit", "xx", "--name", "某县某镇人民政府", "--kind", "下级政府").exit_code == 0
    run = cli(
        "add-problem",
        "--year",
        "2024",
        "--title",
        "专项资金闲置",
        "--unit",
        "czj",
        "--amount",
        "1,234.50",
        "--type",
        "立行立改",
        "--deadline",
        "2025-09-30",
        "--date",
        "2024-07-01",
    )
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "2024-001\n"
    units = (root / "units.yaml").read_text(encoding="utf-8")
    assert "units:\n  - id: czj\n    name: 某县财政局\n    kind: department\n" in units
    assert "kind: lower_government" in units
    text = (root / "2024/czj.yaml").read_text(encoding="utf-8")
    assert text == (
        "# yaml-language-server: $schema=../schema/problems.schema.json\n"
        "# 某县财政局 2024年度审计查出问题整改台账\n"
        "problems:\n"
        "  - id: 2024-001\n"
        "    year: 2024\n"
        "    title: 专项资金闲置\n"
        "    amount: 1234.50\n"
        "    unit: czj\n"
        "    type: immediate\n"
        "    deadline: 2025-09-30\n"
        "    status: not_started\n"
        "    history:\n"
        "      - date: 2024-07-01\n"
        "        action: create\n"
    )
    assert cli("check").exit_code == 0


def test_add_problem_appends_and_numbers_after_the_highest(small: CLI) -> None:
    run = small(
        "add-problem",
        "--year",
        "2023",
        "--title",
        "学生资助不精准",
        "--unit",
        "czj",
        "--amount",
        "28.08",
        "--type",
        "phased",
        "--deadline",
        "2025-06-30",
        "--category",
        "重点民生资金",
        "--cooperating",
        "jyj",
        "--prominent",
    )
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "2023-002\n"
    shown = json.loads(small("show", "2023-002", "--format", "json").stdout)
    assert shown["cooperating"] == ["jyj"]
    assert shown["prominent"] is True
    assert shown["amount"] == "28.08"
    text = (small.root / "2023/czj.yaml").read_text(encoding="utf-8")
    assert text.startswith("problems:\n  - id: 2023-001\n")
    assert text.index("2023-001") < text.index("2023-002")
    assert small("check").exit_code == 0


def test_add_problem_with_its_own_id(small: CLI) -> None:
    run = small(
        "add-problem",
        "--id",
        "A-7",
        "--year",
        "2023",
        "--title",
        "t",
        "--unit",
        "jyj",
        "--amount",
        "0",
        "--type",
        "ongoing",
        "--deadline",
        "2026-12-31",
    )
    assert run.stdout == "A-7\n"
    assert (small.root / "2023/jyj.yaml").exists()


GOOD = [
    "--year",
    "2023",
    "--title",
    "标题",
    "--unit",
    "czj",
    "--amount",
    "10",
    "--type",
    "immediate",
    "--deadline",
    "2024-09-30",
]


def _with(option: str, value: str) -> list[str]:
    args = list(GOOD)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            _with("--unit", "czjj"),
            "error: --unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
        ),
        (
            _with("--deadline", "2024-13-01"),
            "error: --deadline: '2024-13-01' is not a valid date; write dates as YYYY-MM-DD",
        ),
        (_with("--amount", "-5"), "error: --amount: -5 is not a valid amount"),
        (_with("--amount", "十万"), "error: --amount: '十万' is not a valid amount"),
        (
            _with("--type", "马上改"),
            "error: --type: '马上改' is not a valid value; use one of: immediate, phased, ongoing",
        ),
        (
            _with("--id", "2023-001"),
            "error: --id: problem 2023-001 already exists; leave out --id to get 2023-002",
        ),
        (
            _with("--cooperating", "nobody"),
            "error: --cooperating: unit 'nobody' is not in units.yaml",
        ),
        (_with("--title", "a\x07b"), "error: --title: text holds the control character U+0007"),
        (_with("--deadline", "2024-05-01"), "deadline-before-hearing"),
        (GOOD[:-2], "error: missing --deadline; pass them as options"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_nothing_changes(
    small: CLI, args: list[str], message: str
) -> None:
    before = snapshot(small.root)
    run = small("add-problem", *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert snapshot(small.root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["czj", "--name", "又一个"],
            "error: unit 'czj' already exists (测试市财政局); choose another id",
        ),
        (
            ["Bad Id", "--name", "x"],
            "error: --id: 'Bad Id' is not a valid id; use a lowercase ASCII letter",
        ),
        (
            ["gzw", "--name", "国资委", "--kind", "ministry"],
            "error: --kind: 'ministry' is not a valid value",
        ),
        (
            ["ctjt", "--name", "城投", "--parent", "gzw"],
            "error: --parent: unit 'gzw' does not exist",
        ),
    ],
)
def test_add_unit_refusals(small: CLI, args: list[str], message: str) -> None:
    before = snapshot(small.root)
    run = small("add-unit", *args)
    assert run.exit_code == 2
    assert run.stderr.startswith(message), run.stderr
    assert snapshot(small.root) == before


def test_add_unit_keeps_comments_and_the_rest_of_the_file(small: CLI) -> None:
    path = small.root / "units.yaml"
    path.write_text(
        "# 责任单位\n" + path.read_text(encoding="utf-8") + "  # 以上为市级部门\n", encoding="utf-8"
    )
    before = path.read_text(encoding="utf-8")
    assert small("add-unit", "gzw", "--name", "测试市国资委").exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.split("  # 以上")[0])
    assert "  # 以上为市级部门\n" in after
    assert after.endswith("  - id: gzw\n    name: 测试市国资委\n    kind: department\n")


def test_an_edit_to_a_broken_file_is_refused(small: CLI) -> None:
    path = small.root / "2023/czj.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: in_progress", "status: 完了"),
        encoding="utf-8",
    )
    before = snapshot(small.root)
    run = small("add-problem", *GOOD)
    assert run.exit_code == 2
    assert "the change would make the ledger invalid, so nothing was written" in run.stderr
    assert "invalid-choice" in run.stderr
    assert snapshot(small.root) == before


def test_add_problem_does_not_prompt_without_a_terminal(small: CLI) -> None:
    before = snapshot(small.root)
    run = small("add-problem", "--title", "只有标题", input="2023\n")
    assert run.exit_code == 2
    assert "missing --year, --unit, --amount, --type, --deadline" in run.stderr
    assert snapshot(small.root) == before
