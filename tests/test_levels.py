"""Lower-level ledgers (上下联动), the rollup, the budget-review and assets reports, and deputies
in the tracking."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CLI, raw_problems, snapshot

LOWER_SETTINGS = "name: 测试市东山区人大常委会预算工作委员会\njurisdiction: 东山区\n"
LOWER_UNITS = "units:\n  - id: qczj\n    name: 东山区财政局\n"
LOWER_PROBLEM = """\
problems:
  - id: 2023-001
    year: 2023
    title: 区级专项资金挪用
    amount: 50
    unit: qczj
    type: immediate
    deadline: 2024-06-30
    {counterpart}
"""
UPPER_LINK = "    counterpart: {ledger: 东山区, id: 2023-001}\n"


@pytest.fixture
def levels(make_ledger: Callable[..., Path]) -> Callable[..., CLI]:
    def make(
        upper_link: str = UPPER_LINK, lower_link: str = "counterpart: {ledger: 测试市, id: 2023-001}"
    ) -> CLI:
        from tests.conftest import PROBLEM, SETTINGS

        root = make_ledger(
            {
                "auditledger.yaml": SETTINGS + "lower:\n  - {path: lower/dsq, name: 东山区}\n",
                "2023/czj.yaml": PROBLEM + upper_link,
                "lower/dsq/auditledger.yaml": LOWER_SETTINGS,
                "lower/dsq/units.yaml": LOWER_UNITS,
                "lower/dsq/2023/qczj.yaml": LOWER_PROBLEM.format(counterpart=lower_link),
            }
        )
        return CLI(root)

    return make


def test_linked_problems_pass_check(levels: Callable[..., CLI]) -> None:
    run = levels()("check")
    assert run.exit_code == 0, run.stdout
    assert run.stdout.endswith("1 problems, 2 units, 1 years, 1 lower-level ledger: 0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    ("upper", "lower", "message"),
    [
        (
            UPPER_LINK.replace("东山区", "西河县"),
            "",
            "2023-001 links to ledger '西河县', which is not a lower-level ledger here",
        ),
        (
            UPPER_LINK.replace("2023-001", "2023-009"),
            "",
            "2023-001 links to 东山区 2023-009, which is not in that ledger",
        ),
        (UPPER_LINK, "", "东山区 2023-001 does not link back to 测试市 2023-001"),
        (
            "",
            "counterpart: {ledger: 测试市, id: 2023-001}",
            "测试市 2023-001 does not link back to 东山区 2023-001",
        ),
        (
            "",
            "counterpart: {ledger: 测试市, id: 2023-777}",
            "2023-001 links to 测试市 2023-777, which is not in that ledger",
        ),
    ],
)
def test_cross_references_are_checked_both_ways(
    levels: Callable[..., CLI], upper: str, lower: str, message: str
) -> None:
    run = levels(upper, lower)("check")
    assert run.exit_code == 1
    assert f"broken-counterpart: {message}" in run.stdout
    line = next(line for line in run.stdout.splitlines() if "broken-counterpart" in line)
    assert ".yaml:" in line.split(": broken")[0]  # positioned


def test_a_missing_lower_ledger_and_its_own_errors_are_reported(levels: Callable[..., CLI]) -> None:
    cli = levels()
    (cli.root / "lower" / "dsq" / "2023" / "qczj.yaml").write_text(
        LOWER_PROBLEM.format(counterpart="counterpart: {ledger: 测试市, id: 2023-001}").replace(
            "2024-06-30", "2024-13-01"
        ),
        encoding="utf-8",
    )
    run = cli("check")
    assert run.exit_code == 1 and "lower/dsq/2023/qczj.yaml:8:5: invalid-date" in run.stdout
    settings = cli.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("lower/dsq", "lower/none"), encoding="utf-8"
    )
    assert "missing-lower: lower-level ledger '东山区' is not at lower/none" in cli("check").stdout


def test_lower_add_and_list(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"lower/dsq/auditledger.yaml": LOWER_SETTINGS, "lower/dsq/units.yaml": LOWER_UNITS})
    cli = CLI(root)
    before = snapshot(root)
    assert "holds no auditledger.yaml" in cli("lower", "add", "lower/nope", "--name", "西河县").stderr
    assert "must be a folder inside this ledger" in cli("lower", "add", "../x", "--name", "西河县").stderr
    assert snapshot(root) == before
    assert (
        cli("lower", "add", "lower/dsq", "--name", "东山区").stdout
        == "added lower-level ledger 东山区 (lower/dsq)\n"
    )
    assert "already registered" in cli("lower", "add", "lower/dsq", "--name", "东山区").stderr
    assert cli("lower", "list").stdout == "东山区\tlower/dsq\t0 problems\t0 errors\n"
    assert "lower:\n  - path: lower/dsq\n    name: 东山区\n" in (root / "auditledger.yaml").read_text(
        encoding="utf-8"
    )


def test_with_lower_adds_the_jurisdiction(levels: Callable[..., CLI]) -> None:
    cli = levels()
    rows = json.loads(cli("list", "--with-lower", "--format", "json").stdout)
    assert [(r["jurisdiction"], r["id"], r["title"]) for r in rows] == [
        ("测试市", "2023-001", "专项资金下达不及时"),
        ("东山区", "2023-001", "区级专项资金挪用"),
    ]
    due = json.loads(cli("overdue", "--as-of", "2024-10-01", "--with-lower", "--format", "json").stdout)
    assert {(d["jurisdiction"], d["id"]) for d in due if d["kind"] == "problem"} == {
        ("测试市", "2023-001"),
        ("东山区", "2023-001"),
    }
    table = cli("list", "--with-lower").stdout
    assert "【测试市】" in table and "【东山区】" in table
    assert "东山区" not in json.dumps(json.loads(cli("list", "--format", "json").stdout), ensure_ascii=False)


def test_rollup_figures_equal_independent_sums(sample: CLI) -> None:
    run = sample("rollup", "--year", "2025", "--as-of", "2026-11-24", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = {r["jurisdiction"]: r for r in json.loads(run.stdout)}
    assert list(rows) == ["示例市", "东山区"]
    for name, root in (("示例市", sample.root), ("东山区", sample.root / "lower" / "dsq")):
        problems = raw_problems(root, 2025)
        done = [p for p in problems if p.get("status") in ("rectified", "closed")]
        amount = sum((Decimal(str(p.get("amount", 0))) for p in problems), Decimal(0))
        rectified = sum(
            (Decimal(str(v)) for p in problems for v in (p.get("rectified") or {}).values()), Decimal(0)
        )  # type: ignore[union-attr]
        assert rows[name]["problems"] == len(problems) and rows[name]["done"] == len(done)
        assert Decimal(rows[name]["amount"]) == amount and Decimal(rows[name]["rectified"]) == rectified
    html = sample("rollup", "--year", "2025", "--as-of", "2026-11-24", "--format", "html").stdout
    assert "<td>东山区</td>" in html
    md = sample("report", "--year", "2025", "--as-of", "2026-11-24", "--with-lower").stdout
    assert "下级政府整改情况" in md and "| 东山区 | 3 |" in md


def test_budget_review_lists_open_and_recurring_problems_by_budget_department(sample: CLI) -> None:
    md = sample("report", "--year", "2025", "--kind", "budget-review", "--as-of", "2026-11-24").stdout
    assert md.startswith("# 示例市2025年度审计查出问题整改情况（供预算初步审查）")
    section = md.split("示例市财政局\n")[1].split("\n## ")[0]
    assert "| 2024-002 | 政府债券资金闲置 |" in section and "2130152、2290402" in section
    rows = [line.split(" | ")[0].strip("| ") for line in section.splitlines() if line.startswith("| 20")]
    assert "2024-001" in rows  # finished, but it recurs from 2023-001
    assert "2023-001" not in rows  # finished and not recurring
    assert "2024-R1 常委会组成人员对2024年度审计工作报告的审议意见" in section
    assert "| 2023-004 |" not in md  # finished and not recurring
    html = sample(
        "report", "--year", "2025", "--kind", "budget-review", "--as-of", "2026-11-24", "--format", "html"
    ).stdout
    assert "<h2>" in html and "2130152" in html


def test_assets_report_covers_the_asset_categories(sample: CLI) -> None:
    md = sample("report", "--year", "2024", "--kind", "assets", "--as-of", "2026-11-24").stdout
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 一、国有企业资产",
        "## 二、行政事业性国有资产",
        "## 三、自然资源资产",
        "## 四、以前年度尚未完成整改的国有资产问题",
    ]
    problems = [p for p in raw_problems(sample.root, 2024) if p.get("category") == "国有企业资产"]
    accountable = sum(int(p.get("accountable") or 0) for p in problems)  # type: ignore[call-overload]
    assert f"追责问责{accountable}人。" in md.split("## 一、国有企业资产")[1].split("## 二")[0]
    earlier = md.split("## 四、")[1]
    assert "| 2023-010 |" in earlier and "| 2023-011 |" in earlier and "| 2024-" not in earlier
    en = sample(
        "report", "--year", "2024", "--kind", "assets", "--as-of", "2026-11-24", "--lang", "en"
    ).stdout
    assert "held accountable" in en


def test_deputies_who_took_part_are_listed_and_hidden_in_public(small: CLI) -> None:
    run = small(
        "track",
        "2023-001",
        "--method",
        "实地察看",
        "--date",
        "2024-07-01",
        "--finding",
        "资金已拨付",
        "--deputy",
        "王建国=联系代表",
        "--deputy",
        "刘芳=专业领域代表",
    )
    assert run.exit_code == 0, run.stderr
    assert (
        "--deputy: 'x' is not NAME=KIND"
        in small(
            "track",
            "2023-001",
            "--method",
            "实地察看",
            "--date",
            "2024-07-01",
            "--finding",
            "x",
            "--deputy",
            "x",
        ).stderr
    )
    md = small("report", "--year", "2023", "--kind", "supervision", "--as-of", "2024-12-31").stdout
    assert "| 刘芳 | 专业领域代表 | 1 | 2023-001 |" in md and "| 王建国 | 联系代表 | 1 | 2023-001 |" in md
    government = small("report", "--year", "2023", "--as-of", "2024-12-31").stdout
    assert "王建国" not in government  # the government's report carries no committee matter
    public = small(
        "report", "--year", "2023", "--kind", "supervision", "--as-of", "2024-12-31", "--public"
    ).stdout
    assert (
        "王建国" not in public and "刘芳" not in public and "| 人大代表 | 联系代表 | 1 | 2023-001 |" in public
    )


def test_stats_with_lower(sample: CLI) -> None:
    rows = json.loads(
        sample("stats", "--by", "year", "--with-lower", "--as-of", "2026-11-24", "--format", "json").stdout
    )
    assert [(r["jurisdiction"], r["key"], r["problems"]) for r in rows if r["key"] == "2025"] == [
        ("示例市", "2025", 17),
        ("东山区", "2025", 3),
    ]
    assert "【东山区】" in sample("stats", "--with-lower", "--as-of", "2026-11-24").stdout


def test_a_year_without_problems_is_one_line(sample: CLI) -> None:
    for args in (["rollup", "--year", "1999"], ["export", "--year", "1999", "--format", "csv"]):
        run = sample(*args)
        assert run.exit_code == 2 and "years with problems: 2023, 2024, 2025" in run.stderr, args
