"""`plan`, `recurring` and `stats`: the score's reasons, the recurrence matcher's precision and
recall on planted cases, and the statistics against values computed here from the raw files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CLI, raw_problems, snapshot

UNITS = """\
units:
  - id: czj
    name: 测试市财政局
  - id: jyj
    name: 测试市教育局
  - id: wjw
    name: 测试市卫生健康委员会
  - id: dsq
    name: 测试市东山区人民政府
    kind: lower_government
"""

EARLIER = """\
problems:
  - id: 2022-001
    year: 2022
    title: 专项转移支付资金分配下达不及时
    category: 财政管理
    amount: 500
    unit: czj
    type: immediate
    deadline: 2023-09-30
    status: in_progress
  - id: 2022-002
    year: 2022
    title: 国有资本经营预算收入未足额收取
    category: 财政管理
    amount: 80
    unit: czj
    type: immediate
    deadline: 2023-09-30
    status: rectified
    completed_on: 2023-08-01
    measures: [督促补缴]
"""

THIS_YEAR = """\
problems:
  - id: 2023-001
    year: 2023
    title: 部分专项转移支付资金分配下达仍不及时
    category: 财政管理
    amount: 1000
    unit: czj
    systemic: true
    type: phased
    deadline: 2024-09-30
  - id: 2023-002
    year: 2023
    title: 预算绩效目标编制不规范
    category: 财政管理
    amount: 10
    unit: czj
    tags: [budget_focus]
    lower_government: dsq
    type: immediate
    deadline: 2024-09-30
"""

JYJ = """\
problems:
  - id: 2023-003
    year: 2023
    title: 学生资助资金发放不精准
    category: 财政管理
    amount: 100
    unit: jyj
    type: immediate
    deadline: 2024-09-30
"""

YEAR = """\
year: 2023
audit_report:
  heard_on: 2024-06-26
rectification_report:
  heard_on: 2024-12-24
suggestions:
  - id: 2023-S1
    deputy: 王代表
    text: 关注学生资助
    received: 2024-07-01
    problems: [2023-003]
"""


@pytest.fixture
def ledger(make_ledger: Callable[..., Path]) -> CLI:
    root = make_ledger(
        {
            "units.yaml": UNITS,
            "2022/_year.yaml": "year: 2022\n",
            "2022/czj.yaml": EARLIER,
            "2023/_year.yaml": YEAR,
            "2023/czj.yaml": THIS_YEAR,
            "2023/jyj.yaml": JYJ,
        }
    )
    return CLI(root)


def candidates(cli: CLI) -> dict[str, list[str]]:
    """Each candidate's row of the score table: id → cells."""
    run = cli("plan", "--year", "2023", "--as-of", "2024-11-30", "--explain")
    assert run.exit_code == 0, run.stderr
    table = run.stdout.split("## 附件：候选问题评分")[1].split("\n---")[0]
    rows = [
        line.strip("|").split("|")
        for line in table.splitlines()
        if line.startswith("| ") and "---" not in line
    ]
    return {cells[1].strip(): [c.strip() for c in cells] for cells in rows[1:]}


def test_the_score_adds_up_weighted_criteria_with_their_reasons(ledger: CLI) -> None:
    run = ledger("plan", "--year", "2023", "--as-of", "2024-11-30")
    assert run.exit_code == 0, run.stderr
    rows = candidates(ledger)
    # columns: rank, id, title, unit, prevalent, recurring, nature, amount, record, public, budget, score
    first = rows["2023-001"]
    assert first[0] == "1"
    assert first[4] == "0.00"  # 财政管理 at 2 units, but not the same problem: not 普遍存在
    assert first[6] == "3.00"  # systemic: 1 × 3
    assert first[7] == "2.00"  # the largest amount: 1 × 2
    assert first[8] == "0.50"  # czj finished 1 of 2 earlier problems: (1 - 0.5) × 1
    assert Decimal(first[5]) >= Decimal("1.5")  # the same problem as 2022-001 at the same unit
    assert Decimal(first[-1]) == sum(Decimal(c) for c in first[4:11])
    assert rows["2023-003"][9] == "2.00"  # a deputy's suggestion names it
    assert rows["2023-002"][10] == "1.00"  # tagged budget_focus
    assert rows["2023-002"][5] == "0.00"  # nothing earlier resembles it
    reasons = run.stdout.split("## 三")[0]
    assert "个单位存在" not in reasons and "普遍存在的问题" not in reasons
    assert "经比对与以往年度问题2022-001相同（对象：转移支付资金；性质：拨付不及时），待确认" in reasons
    assert "体制机制性问题" in reasons
    assert "问题金额1000万元，居本年度第1位" in reasons
    assert "该单位以往年度问题2个，完成率50.0%，逾期未完成1个" in reasons
    assert "代表和群众关心：王代表（2023-S1）" in reasons
    assert "建议确定突出问题3个（按问题普遍存在" in reasons and "常委会确定" not in run.stdout


def test_confirmed_choices_are_the_plan_and_lower_governments_are_listed(ledger: CLI) -> None:
    run = ledger("update", "2023-002", "--prominent", "--reason", "预算审查重点", "--date", "2024-11-01")
    assert run.exit_code == 0, run.stderr
    shown = json.loads(ledger("show", "2023-002", "--format", "json").stdout)
    assert shown["prominent"] is True and shown["prominent_reasons"] == ["budget_focus"]
    assert shown["history"][-1]["note"] == "预算审查重点"
    plan = ledger("plan", "--year", "2023", "--as-of", "2024-11-30").stdout
    assert "建议确定突出问题1个（预算工作委员会已在台账中标注为突出问题）" in plan
    selected = plan.split("## 三")[0]
    assert "| 2023-002 |" in selected and "| 2023-001 |" not in selected
    assert "- 2023-002 预算绩效目标编制不规范（测试市东山区人民政府）" in plan
    assert "2024年12月24日听取和审议整改情况报告" in plan


def test_weights_are_settings(ledger: CLI) -> None:
    settings = ledger.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "plan_weights:\n  nature: 10\n", encoding="utf-8"
    )
    assert candidates(ledger)["2023-001"][6] == "10.00"
    settings.write_text(settings.read_text(encoding="utf-8") + "  naturee: 1\n", encoding="utf-8")
    run = ledger("check")
    assert run.exit_code == 1 and "unknown criteria naturee" in run.stdout


def test_plan_html_and_english(ledger: CLI) -> None:
    args = ("plan", "--year", "2023", "--as-of", "2024-11-30", "--format", "html", "--lang", "en")
    html = ledger(*args).stdout
    assert html.startswith("<!DOCTYPE html>") and "Tracking-supervision plan (draft)" in html
    assert "Annex: scores of the candidates" not in html
    assert "Annex: scores of the candidates" in ledger(*args, "--explain").stdout


# --- recurrence: planted cases -------------------------------------------------------------

PLANTED = [  # (earlier title, later title, same unit?, same category?, recurs?)
    ("医保基金存在违规结算问题", "医保基金违规结算问题仍然存在", True, True, True),
    ("部分专项转移支付资金分配下达不及时", "专项转移支付资金下达仍不及时", True, True, True),
    ("老旧小区改造项目进度滞后", "老旧小区改造项目推进缓慢、进度滞后", True, True, True),
    ("学生资助资金发放不精准", "学生资助资金仍存在发放不精准问题", True, True, True),
    ("高标准农田建设项目未按期完工", "高标准农田建设项目建设进度滞后未完工", True, True, True),
    ("国有企业对外出借资金未履行决策程序", "国有企业违规对外出借资金", True, True, True),
    # look-alikes that must not match
    ("政府债券资金闲置", "政府债券资金闲置", False, True, False),  # same words, another unit
    ("就业补助资金审核不严", "就业补助资金审核不严", False, False, False),
    (
        "行政事业单位资产账实不符",
        "公立医院大型医用设备采购不规范",
        True,
        True,
        False,
    ),  # same unit, other matter
    ("基本公共卫生服务资金被挤占", "城市道路照明工程质量不达标", True, False, False),
    ("耕地占补平衡指标未落实", "预算编制不够细化", True, True, False),
]


def planted_ledger(make_ledger: Callable[..., Path]) -> CLI:
    units = "units:\n" + "".join(f"  - id: u{n:02d}\n    name: 单位{n}\n" for n in range(40))
    earlier, later = ["problems:\n"], {}
    for n, (old, new, same_unit, same_category, _) in enumerate(PLANTED):
        earlier.append(
            f"  - {{id: 2022-{n:03d}, year: 2022, title: {old}, category: 类{n}, amount: 1, unit: u00, "
            "type: immediate, deadline: 2023-06-30}\n"
        )
        unit = "u00" if same_unit else f"u{n + 10:02d}"
        category = f"类{n}" if same_category else f"别{n}"
        later.setdefault(unit, ["problems:\n"]).append(
            f"  - {{id: 2023-{n:03d}, year: 2023, title: {new}, category: {category}, amount: 1, "
            f"unit: {unit}, type: immediate, deadline: 2024-09-30}}\n"
        )
    files: dict[str, str | None] = {
        "units.yaml": units,
        "2022/_year.yaml": "year: 2022\n",
        "2023/czj.yaml": None,
    }
    files["2022/u00.yaml"] = "".join(earlier)
    for unit, lines in later.items():
        files[f"2023/{unit}.yaml"] = "".join(lines)
    return CLI(make_ledger(files))


def test_recurrence_matcher_precision_and_recall_on_planted_cases(make_ledger: Callable[..., Path]) -> None:
    cli = planted_ledger(make_ledger)
    assert cli("check").exit_code == 0, cli("check").stdout
    found = json.loads(cli("recurring", "--year", "2023", "--format", "json").stdout)
    suggested = {(m["id"], m["recurs_from"]) for m in found}
    truth = {(f"2023-{n:03d}", f"2022-{n:03d}") for n, case in enumerate(PLANTED) if case[4]}
    true_positives = len(suggested & truth)
    precision = true_positives / len(suggested)
    recall = true_positives / len(truth)
    print(f"recurrence matcher on planted cases: precision {precision:.2f}, recall {recall:.2f}")
    assert precision == 1.0 and recall >= 5 / 6, (suggested - truth, truth - suggested)


def test_confirmed_links_come_first(ledger: CLI) -> None:
    before = snapshot(ledger.root)
    assert json.loads(ledger("recurring", "--format", "json").stdout)[0]["confirmed"] is False
    assert snapshot(ledger.root) == before
    assert ledger("update", "2023-001", "--recurring-from", "2022-001", "--date", "2024-11-01").exit_code == 0
    found = json.loads(ledger("recurring", "--format", "json").stdout)
    assert found[0] == {
        "id": "2023-001",
        "recurs_from": "2022-001",
        "confirmed": True,
        "score": 1.0,
        "objects": ["转移支付资金"],
        "natures": ["拨付不及时"],
        "shared_words": found[0]["shared_words"],
        "title": "部分专项转移支付资金分配下达仍不及时",
        "earlier_title": "专项转移支付资金分配下达不及时",
    }
    assert [(m["id"], m["recurs_from"]) for m in found].count(("2023-001", "2022-001")) == 1
    assert "已确认" in ledger("recurring", "--lang", "zh").stdout


# --- statistics against the raw files -------------------------------------------------------


@pytest.mark.parametrize("by", ["unit", "category", "type", "year"])
def test_stats_equal_independent_counts(sample: CLI, by: str) -> None:
    as_of = date(2026, 11, 24)
    run = sample("stats", "--by", by, "--as-of", as_of.isoformat(), "--format", "json")
    assert run.exit_code == 0, run.stderr
    report = json.loads(run.stdout)
    problems = raw_problems(sample.root)
    key = {"unit": "unit", "category": "category", "type": "type", "year": "year"}[by]
    for row in report["rows"]:
        mine = [p for p in problems if str(p.get(key) or "") == row["key"]]
        done = [
            p
            for p in mine
            if p.get("status") in ("rectified", "closed") and str(p.get("completed_on", "")) <= str(as_of)
        ]
        overdue = [p for p in mine if p not in done and str(p["deadline"]) < str(as_of)]
        amount = sum((Decimal(str(p.get("amount", 0))) for p in mine), Decimal(0))
        rectified = sum(
            (Decimal(str(v)) for p in mine for v in (p.get("rectified") or {}).values()), Decimal(0)
        )  # type: ignore[union-attr]
        assert row["problems"] == len(mine)
        assert row["done"] == len(done)
        assert row["overdue"] == len(overdue)
        assert Decimal(row["amount"]) == amount and Decimal(row["rectified"]) == rectified
        assert row["recurring"] == sum(1 for p in mine if p.get("recurring_from"))
    assert report["total"]["problems"] == len(problems) == sum(r["problems"] for r in report["rows"])


def test_stats_by_year_with_a_range_and_html(sample: CLI) -> None:
    run = sample("stats", "--by", "year", "--years", "2024-2025", "--as-of", "2026-11-24", "--format", "json")
    assert [r["key"] for r in json.loads(run.stdout)["rows"]] == ["2024", "2025"]
    html = sample("stats", "--by", "year", "--as-of", "2026-11-24", "--format", "html").stdout
    assert html.count("<svg") == 2 and "<polyline" in html  # the trend line and the bars
    csv = sample("stats", "--by", "type", "--as-of", "2026-11-24", "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("key,label,problems,amount")
    bad = sample("stats", "--years", "2025-2023")
    assert bad.exit_code == 2 and "--years: '2025-2023' is not a list of years" in bad.stderr


def test_days_to_rectify_and_extensions(ledger: CLI) -> None:
    assert (
        ledger(
            "update", "2023-003", "--status", "已整改", "--measure", "追回", "--date", "2024-07-16"
        ).exit_code
        == 0
    )
    assert (
        ledger(
            "extend",
            "2023-001",
            "--to",
            "2025-06-30",
            "--reason",
            "项目未完工",
            "--approved-by",
            "副市长",
            "--date",
            "2024-09-01",
        ).exit_code
        == 0
    )
    rows = {
        r["key"]: r
        for r in json.loads(
            ledger("stats", "--by", "unit", "--as-of", "2024-11-30", "--format", "json").stdout
        )["rows"]
    }
    assert rows["jyj"]["average_days_to_rectify"] == "20.0"  # 2024-06-26 → 2024-07-16
    assert rows["czj"]["extensions"] == 1
