"""The documents a committee circulates, driven through the real CLI: the government's
rectification report as it is written, the committee's supervision report, the 督办 notices,
the assets report, the figure conventions of the `figures` setting, and every report kind in
every format.

Golden files of the sample ledger at its cut-off are regenerated on purpose only:
`AUDITLEDGER_UPDATE_GOLDEN=1 pytest tests/test_documents.py`, then review the diff.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLI, REPO, SECOND, raw_problems, snapshot

GOLDEN = REPO / "tests" / "golden"
CUTOFF = ("--as-of", "2026-09-30")
"""The sample's 2025 cut-off (rectification_report.cutoff in ledgers/2025/_year.yaml)."""


def report(cli: CLI, *args: str, year: str = "2025") -> str:
    run = cli("report", "--year", year, *args)
    assert run.exit_code == 0, run.stderr
    return run.stdout


def body(html: str) -> str:
    return html.split("<body>", 1)[1]


# --- golden files at the sample's cut-off ----------------------------------------------------

SAMPLE_CASES = [
    ("rectification.sample.zh.md", ["--format", "md", "--lang", "zh"]),
    ("rectification.sample.zh.html", ["--format", "html", "--lang", "zh"]),
]


@pytest.mark.parametrize(("name", "args"), SAMPLE_CASES, ids=[c[0] for c in SAMPLE_CASES])
def test_sample_golden_at_the_cut_off(sample: CLI, name: str, args: list[str]) -> None:
    text = report(sample, *CUTOFF, *args)
    expected = GOLDEN / name
    if os.environ.get("AUDITLEDGER_UPDATE_GOLDEN") == "1":
        expected.write_text(text, encoding="utf-8")
        pytest.skip(f"regenerated {expected.relative_to(REPO)}; review the diff")
    assert text == expected.read_text(encoding="utf-8"), f"differs from {expected.name}"


# --- the government's report as it is written --------------------------------------------------


def test_the_rectification_report_is_the_government_s_report(sample: CLI) -> None:
    md = report(sample, *CUTOFF, "--lang", "zh")
    lines = md.splitlines()
    assert lines[0] == "# 关于示例市2025年度市级预算执行和其他财政收支审计查出问题整改情况的报告"
    # byline and reporter from _year.yaml, salutation and entrusting line from the settings
    assert "——2026年12月22日在示例市第十七届人民代表大会常务委员会第二十五次会议上" in lines
    assert "示例市审计局局长\u3000张明" in lines
    assert "主任、各位副主任、秘书长、各位委员：" in lines
    assert "受示例市人民政府委托，我向本次会议报告示例市2025年度审计查出问题的整改情况，请予审议。" in lines
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## 一、审计整改工作部署和成效",
        "## 二、审计查出问题的整改情况",
        "## 三、尚未完成整改的问题及后续工作安排",
        "## 四、下一步工作",
        "## 附件1：单项整改结果",
        "## 附件2：整改详细清单",
    ]
    # the staff's prose, paragraph by paragraph; no placeholder where it was written
    assert "市政府高度重视审计整改工作" in md and "二是加强跟踪督办" in md and "【待补充】" not in md
    # no committee matter, no ledger ids or ISO dates in the prose, no provenance in the body
    for internal in ("满意度", "审议意见", "王建国", "审计建议", "专题询问", "—／", "未整改到位原因：—"):
        assert internal not in md, internal
    prose = md.split("## 附件1")[0]
    assert not re.search(r"\b20\d\d-\d\d\d\b", prose) and not re.search(r"\b20\d\d-\d\d-\d\d\b", prose)
    assert md.count("sha256:") == 1 and lines[-1].startswith("<!-- auditledger ")


def test_section_two_is_prose_by_area_with_the_split_by_method(sample: CLI) -> None:
    md = report(sample, *CUTOFF, "--lang", "zh")
    two = md.split("## 二、")[1].split("## 三、")[0]
    areas = [line for line in two.splitlines() if line.startswith("### ")]
    assert areas[0] == "### （一）财政管理方面"
    problems = [p for p in raw_problems(sample.root, 2025) if p.get("category") == "重点民生资金"]
    done = sum(1 for p in problems if p.get("status") in ("rectified", "closed"))
    partly = sum(1 for p in problems if p.get("status") == "partial")
    livelihood = two.split("重点民生资金方面")[1].split("### ")[0]
    assert f"审计查出问题{len(problems)}个，已完成整改{done}个，部分整改{partly}个" in livelihood
    # the rules split by level: 2025-009 made one rule of the government's own
    assert "制定完善制度1项（其中市级制度1项）" in livelihood
    # 上缴国库 is a method of the shipped list; amounts without thousands separators in prose
    assert "（其中上缴国库968.2万元）" in two
    assert "6440万元" in two and "6,440" not in two.replace("6,440.00", "")
    # a problem without an amount says so; dates in Chinese
    assert "不涉及金额" in two and "整改时限为2027年12月31日" in two
    # 分阶段 and 持续整改 together, whole percentages cut off
    one = md.split("## 一、")[1].split("## 二、")[0]
    assert "整体整改率23%" in one and "分阶段和持续整改的7个问题中" in one


def test_section_three_groups_the_unfinished_by_reason(sample: CLI) -> None:
    md = report(sample, *CUTOFF, "--lang", "zh")
    three = md.split("## 三、")[1].split("## 四、")[0]
    unfinished = [
        p for p in raw_problems(sample.root, 2025) if p.get("status") not in ("rectified", "closed")
    ]
    assert f"尚有{len(unfinished)}个问题未完成整改" in three
    groups = [line for line in three.splitlines() if line.startswith("### ")]
    assert "### （一）属于分阶段或持续整改事项，需要较长时间" in groups
    assert "### （四）东山区配套资金尚未到位" in groups  # a reason written in the ledger
    mentioned = sum(int(n) for n in re.findall(r"涉及(\d+)个问题：", three))
    assert mentioned == len(unfinished)  # every unfinished problem in exactly one group
    assert three.count("下一步：") == len(groups)
    assert "下一步：督促东山区2026年12月底前落实配套资金。" in three


def test_placeholders_when_the_staff_wrote_no_prose(small: CLI) -> None:
    md = report(small, "--as-of", "2024-12-31", "--lang", "zh", year="2023")
    # 一 deployment and 四 next work; 2023-001, overdue with no reason written, asks for both
    assert md.count("【待补充】") == 4
    assert "rectification\\_report.deployment" in md and "rectification\\_report.next\\_work" in md
    assert "### （一）【待补充】未整改到位原因" in md and "下一步：【待补充】下一步计划" in md
    html = report(small, "--as-of", "2024-12-31", "--lang", "zh", "--format", "html", year="2023")
    assert html.count('<p class="placeholder">【待补充】') == 2
    # without a hearing date there is no byline; the salutation is the setting's
    assert "——" not in md and "主任、各位副主任、秘书长、各位委员：" in md


def test_an_overdue_problem_says_so_in_words_not_only_in_red(small: CLI) -> None:
    html = report(small, "--as-of", "2024-12-31", "--lang", "zh", "--format", "html", year="2023")
    assert '<span class="overdue">（已逾期92天）</span>' in html  # 2023-001, due 2024-09-30
    md = report(small, "--as-of", "2024-12-31", "--lang", "zh", year="2023")
    assert "（已逾期92天）" in md and "<span" not in md


def test_html_follows_the_word_conventions(sample: CLI) -> None:
    html = report(sample, *CUTOFF, "--lang", "zh", "--format", "html")
    head, shown = html.split("<body>", 1)
    for name in ("version", "as-of", "digest", "kind", "year"):
        assert f'<meta name="auditledger:{name}"' in head
    assert '<p class="byline">' in shown and '<p class="salutation">' in shown
    assert shown.count('<section class="annex">') == 2
    assert shown.count("<tfoot>") == 1 and "sha256" not in shown
    assert '<td class="nowrap">2025-001</td>' in shown and '<td class="nowrap">2027-12-31</td>' in shown
    assert '<div class="screen-only no-docx">' in shown  # charts are for the screen
    css = (REPO / "templates" / "_report.css").read_text(encoding="utf-8")
    assert "tfoot { display: table-row-group; }" in css and "counter(page)" in css
    assert "@page annex" in css and "page: annex" in css


# --- the committee's own report ------------------------------------------------------------------


def test_the_supervision_report_holds_the_committee_matter(sample: CLI) -> None:
    md = report(sample, *CUTOFF, "--kind", "supervision", "--lang", "zh")
    assert md.startswith(
        "# 示例市人大常委会预算工作委员会关于示例市2025年度审计查出突出问题整改情况跟踪监督的报告"
    )
    for section in (
        "跟踪监督工作开展情况",
        "决议和审议意见落实情况",
        "代表意见建议办理情况",
        "审计建议采纳情况",
    ):
        assert section in md, section
    assert "开展跟踪检查1次，其中专题询问1次" in md
    assert "| 2025-S1 | 王建国代表 |" in md and "| 2025-A1 |" in md
    public = report(sample, *CUTOFF, "--kind", "supervision", "--lang", "zh", "--public")
    assert "王建国" not in public and "（公开版）" in public


# --- 督办 notices ------------------------------------------------------------------------------


def test_a_notice_to_one_unit_lists_what_it_owes(sample: CLI) -> None:
    md = report(sample, *CUTOFF, "--kind", "notice", "--unit", "czj", "--lang", "zh")
    assert md.count("# 审计查出问题整改督办通知") == 1
    assert "示例市财政局：" in md and "已逾期2项、30日内到期1项" in md
    overdue = md.split("## 一、逾期事项")[1].split("## 二、")[0]
    assert "| 问题整改 | 2024-002 | 政府债券资金闲置 | 2025-12-31 | 逾期273天 |" in overdue
    assert "| 阶段目标 | 2024-002/M2 |" in overdue
    soon = md.split("## 二、即将到期事项")[1]
    assert "| 问题整改 | 2025-002 | 部分专项转移支付资金分配下达不及时 | 2026-09-30 | 今日到期 |" in soon
    assert "示例市人大常委会预算工作委员会\n\n2026年9月30日" in md
    by_name = report(sample, *CUTOFF, "--kind", "notice", "--unit", "财政局", "--lang", "zh")
    assert by_name == md


def test_notices_to_every_unit_that_owes_something(sample: CLI) -> None:
    data = json.loads(report(sample, *CUTOFF, "--kind", "notice", "--format", "json"))
    units = [n["unit"] for n in data["notices"]]
    assert units == sorted(units) and "czj" in units and len(units) > 3
    assert all(n["overdue"] or n["due_soon"] for n in data["notices"])
    html = report(sample, *CUTOFF, "--kind", "notice", "--format", "html", "--lang", "zh")
    assert body(html).count('<section class="notice">') == len(units)
    assert '<span class="overdue">逾期273天</span>' in html
    css = (REPO / "templates" / "_report.css").read_text(encoding="utf-8")
    assert ".notice + .notice { break-before: page; }" in css  # one notice a page


def test_a_notice_to_an_unknown_unit_is_one_line(sample: CLI) -> None:
    before = snapshot(sample.root)
    run = sample("report", "--year", "2025", *CUTOFF, "--kind", "notice", "--unit", "czjj")
    assert run.exit_code == 2 and "czjj" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(sample.root) == before


# --- the assets report ---------------------------------------------------------------------------


def test_assets_categories_are_found_by_pattern(make_ledger: Callable[..., Path]) -> None:
    problems = "problems:\n" + "".join(
        f"  - {{id: 2023-00{n}, year: 2023, title: 问题{n}, category: {category}, amount: {n}, "
        f"unit: czj, type: immediate, deadline: 2024-09-30}}\n"
        for n, category in enumerate(
            ["企业国有资产", "金融企业国有资产", "国有资产", "行政事业性国有资产", "财政管理"], start=1
        )
    )
    earlier = (
        "problems:\n  - {id: 2022-001, year: 2022, title: 旧问题, category: 自然资源资产, amount: 7,"
        " unit: czj, type: ongoing, deadline: 2024-06-30}\n"
    )
    cli = CLI(make_ledger({"2023/czj.yaml": problems, "2022/czj.yaml": earlier}))
    md = report(cli, "--kind", "assets", "--as-of", "2024-12-31", "--lang", "zh", year="2023")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    found = [h.split("、", 1)[1] for h in headings]
    assert sorted(found[:-1]) == sorted(
        ["企业国有资产", "金融企业国有资产", "国有资产", "行政事业性国有资产"]
    )
    assert found[-1] == "以前年度尚未完成整改的国有资产问题"
    assert "| 2022-001 | 旧问题 |" in md and "财政管理" not in md
    settings = cli.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "asset_pattern: 金融\nasset_categories: []\n", encoding="utf-8"
    )
    md = report(cli, "--kind", "assets", "--as-of", "2024-12-31", "--lang", "zh", year="2023")
    assert [line for line in md.splitlines() if line.startswith("## ")] == ["## 一、金融企业国有资产"]


# --- the figure conventions ----------------------------------------------------------------------

STYLE = """\
figures:
  percent_digits: 2
  percent_rounding: half_up
  thousands_in_prose: true
  approximate: true
  accountability_label: 处理处分
  accountability_unit: 人次
  government_rules_label: 省级制度
  chinese_dates: false
"""


def test_the_figures_setting_changes_how_figures_read(sample: CLI) -> None:
    default = report(sample, *CUTOFF, "--lang", "zh")
    settings = sample.root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + STYLE, encoding="utf-8")
    styled = report(sample, *CUTOFF, "--lang", "zh")
    assert "整体整改率23%" in default and "整体整改率23.53%" in styled  # 4 of 17
    assert "问题金额27.71亿元" in default and "问题金额27多亿元" in styled
    assert "问题金额4073.92万元" in default and "问题金额4,073多万元" in styled
    assert "其中省级制度1项" in styled and "整改时限为2027-12-31" in styled
    # tables keep their separators and two decimals whatever the prose does
    assert "| 合计 | 17个问题 | | | | | 277,112.12 | 33,918.22 |" in styled


def test_accountability_reads_as_the_setting_says(small: CLI) -> None:
    problem = small.root / "2023" / "czj.yaml"
    problem.write_text(
        problem.read_text(encoding="utf-8").replace(
            "status: in_progress", "status: in_progress\n    accountable: 3"
        ),
        encoding="utf-8",
    )
    assert "追责问责3人" in report(small, "--as-of", "2024-12-31", "--lang", "zh", year="2023")
    settings = small.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "figures:\n  accountability_label: 处理处分\n  accountability_unit: 人次\n",
        encoding="utf-8",
    )
    assert "处理处分3人次" in report(small, "--as-of", "2024-12-31", "--lang", "zh", year="2023")


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("figures:\n  percent_digits: 3\n", "percent_digits"),
        ("figures:\n  percent_rounding: ceiling\n", "percent_rounding"),
        ("asset_pattern: '国有('\n", "asset_pattern"),
    ],
)
def test_a_bad_figures_setting_is_one_line(small: CLI, setting: str, words: str) -> None:
    settings = small.root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + setting, encoding="utf-8")
    before = snapshot(small.root)
    run = small("report", "--year", "2023", "--as-of", "2024-12-31")
    assert run.exit_code != 0 and "Traceback" not in run.stderr
    assert "auditledger.yaml:" in run.stderr and words in run.stderr
    assert snapshot(small.root) == before


def test_rules_of_the_government_cannot_exceed_the_rules(small: CLI) -> None:
    problem = small.root / "2023" / "czj.yaml"
    problem.write_text(
        problem.read_text(encoding="utf-8").replace(
            "status: in_progress", "status: in_progress\n    rules_count: 1\n    rules_government: 2"
        ),
        encoding="utf-8",
    )
    run = small("check")
    assert run.exit_code != 0 and "rules_government" in run.stdout + run.stderr


# --- every kind in every format ----------------------------------------------------------------

KINDS = ["rectification", "supervision", "unit", "plan-status", "cases", "budget-review", "assets", "notice"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("output_format", ["md", "html", "json"])
def test_every_kind_renders_in_every_format(sample: CLI, kind: str, output_format: str) -> None:
    for lang in ("zh", "en"):
        args = ["--kind", kind, "--format", output_format, "--lang", lang, "--as-of", "2026-11-24"]
        if kind == "unit":
            args += ["--unit", "czj"]
        for year in ("2024", "2025"):
            text = report(sample, *args, year=year)
            if output_format == "html":
                assert text.startswith("<!DOCTYPE html>") and "</html>" in text
                assert '<meta name="auditledger:digest"' in text and "sha256" not in body(text)
            elif output_format == "md":
                assert text.rstrip().endswith("-->")


def test_two_problems_of_one_reason_are_one_group(make_ledger: Callable[..., Path]) -> None:
    problems = (
        PROBLEM_WITH_REASON.replace("ID", "2023-001")
        + PROBLEM_WITH_REASON.replace("ID", "2023-002").replace("第一步", "第二步")
        + SECOND.replace("2023-002", "2023-003")
    )
    cli = CLI(make_ledger({"2023/czj.yaml": "problems:\n" + problems}))
    md = report(cli, "--as-of", "2024-12-31", "--lang", "zh", year="2023")
    three = md.split("## 三、")[1].split("## 四、")[0]
    assert "### （一）资金尚未到位" in three and "涉及2个问题：" in three
    assert "下一步：第一步。第二步。" in three


PROBLEM_WITH_REASON = """\
  - id: ID
    year: 2023
    title: 问题ID
    amount: 1
    unit: czj
    type: immediate
    deadline: 2025-09-30
    status: in_progress
    reason: 资金尚未到位。
    next_steps: 第一步
"""


def test_the_readme_shows_section_three_as_the_report_prints_it(sample: CLI) -> None:
    """The README quotes section 三 in a ```markdown block (not a console example, which
    tests/test_readme.py runs): it must be what the report prints."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quoted = readme.split("Section 三 of the report above begins:\n\n```markdown\n")[1].split("```")[0]
    printed = report(sample, *CUTOFF, "--lang", "zh")
    assert quoted.strip() and quoted in printed
