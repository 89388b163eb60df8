"""`plan` (跟踪监督工作方案, issue 23): equal facts rank equally, lower-level governments found
from units.yaml, the draft proposes, the sections a plan needs, methods from settings, scores
only in the annex, and the same data as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CLI, snapshot

UNITS = """\
units:
  - {id: czj, name: 测试市财政局}
  - {id: jyj, name: 测试市教育局}
  - {id: ybj, name: 测试市医疗保障局}
  - {id: dsq, name: 测试市东山区人民政府, kind: lower_government}
  - {id: xhx, name: 测试市西河县人民政府, kind: lower_government}
"""

YEAR = """\
year: 2023
audit_report: {heard_on: 2024-06-26}
rectification_report: {heard_on: 2024-12-24, cutoff: 2024-09-30}
resolutions:
  - {id: 2023-R1, kind: opinion, adopted: 2024-06-26, text: 督促整改医保基金问题, problems: [2023-003]}
  - {id: 2023-R2, kind: resolution, adopted: 2024-12-24, text: 决议, problems: []}
suggestions:
  - {id: 2023-S1, deputy: 王代表, text: 关注医保基金, received: 2024-07-01, problems: [2023-003]}
"""


def problem(ident: str, title: str, unit: str, amount: str, extra: str = "") -> str:
    return (
        f"  - {{id: {ident}, year: 2023, title: {title}, amount: {amount}, unit: {unit}, "
        f"type: immediate, deadline: 2024-09-30{extra}}}\n"
    )


@pytest.fixture
def planned(make_ledger: Callable[..., Path]) -> CLI:
    files: dict[str, str | None] = {
        "units.yaml": UNITS,
        "2023/_year.yaml": YEAR,
        "2023/czj.yaml": "problems:\n"
        + problem("2023-001", "政府债券资金闲置", "czj", "100")
        + problem("2023-002", "国有资本收益未足额收取", "czj", "100"),
        "2023/jyj.yaml": "problems:\n"
        + problem("2023-004", "学生资助资金发放不精准", "jyj", "100", ", cooperating: [xhx]"),
        "2023/ybj.yaml": "problems:\n"
        + problem("2023-003", "医保基金违规结算", "ybj", "50", ", category: 重点民生资金"),
        "2023/dsq.yaml": "problems:\n" + problem("2023-005", "区级医保基金违规结算", "dsq", "100"),
    }
    return CLI(make_ledger(files))


def plan(cli: CLI, *args: str) -> str:
    run = cli("plan", "--year", "2023", "--as-of", "2024-07-15", *args)
    assert run.exit_code == 0, run.stderr
    return run.stdout


def test_equal_amounts_score_and_rank_equally(planned: CLI) -> None:
    data = json.loads(plan(planned, "--format", "json"))
    by_id = {c["problem"]["id"]: c for c in data["candidates"]}
    amount = {
        i: next((r["points"] for r in c["reasons"] if r["criterion"] == "amount"), "0.00")
        for i, c in by_id.items()
    }
    assert amount["2023-001"] == amount["2023-002"] == amount["2023-004"] == amount["2023-005"] == "2.00"
    assert amount["2023-003"] == "0.00"  # the smallest of two amounts: share 0
    assert by_id["2023-001"]["rank"] == by_id["2023-002"]["rank"]
    body = plan(planned)
    assert body.count("问题金额100万元，居本年度第1位") == 4 and "第2位" not in body


def test_a_tie_at_the_edge_of_top_goes_in_whole(planned: CLI) -> None:
    data = json.loads(plan(planned, "--format", "json", "--top", "1"))
    ranks = [c["rank"] for c in data["candidates"]]
    chosen = [c["problem"]["id"] for c in data["selected"]]
    assert len(chosen) == ranks.count(1) and all(c["rank"] == 1 for c in data["selected"])


def test_lower_level_governments_come_from_the_units(planned: CLI) -> None:
    body = plan(planned)
    lower = body.split("## 六")[1].split("## 七")[0]
    assert "- 2023-005 区级医保基金违规结算（测试市东山区人民政府）" in lower  # its lead unit
    assert "- 2023-004 学生资助资金发放不精准（测试市西河县人民政府）" in lower  # a cooperating unit
    assert "2023-001" not in lower and "不涉及下级政府" not in lower


def test_the_draft_proposes_and_keeps_scores_to_the_annex(planned: CLI) -> None:
    body = plan(planned)
    assert "建议确定突出问题5个" in body and "常委会确定" not in body
    assert "权重" not in body and "得分" not in body and "附件" not in body
    explained = plan(planned, "--explain")
    annex = explained.split("## 附件：候选问题评分")[1]
    assert "权重：普遍存在2、反复出现3" in annex and "| 排名 |" in annex
    flag = ("update", "2023-003", "--prominent", "--reason", "代表关心", "--date", "2024-07-10")
    assert planned(*flag).exit_code == 0
    flagged = plan(planned)
    assert "建议确定突出问题1个（预算工作委员会已在台账中标注为突出问题）" in flagged
    assert "常委会确定" not in flagged


def test_the_plan_has_its_sections_in_markdown_and_html(planned: CLI) -> None:
    body = plan(planned)
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert headings == [
        "一、工作依据",
        "二、建议确定的突出问题",
        "三、跟踪监督方式和时间安排",
        "四、工作安排",
        "五、工作分工",
        "六、与下级人大常委会联动监督",
        "七、代表参与",
        "八、结果运用",
    ]
    basis = body.split("## 二")[0]
    assert "2024年6月26日听取和审议的2023年度审计工作报告" in basis
    assert "2024年6月26日作出的审议意见（2023-R1）" in basis
    assert "2023-R2" not in basis  # adopted after the as-of day
    assert "审计机关" in body.split("## 五")[1].split("## 六")[0]
    deputies = body.split("## 七")[1].split("## 八")[0]
    assert "3个月内答复" in deputies and "- 2023-S1 王代表：关注医保基金（2023-003）" in deputies

    html = plan(planned, "--format", "html", "--explain")

    class Outline(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    outline = Outline()
    outline.feed(html)
    assert outline.tags.count("h1") == 1 and outline.tags.count("h2") == 9
    assert outline.tags.count("table") == outline.tags.count("thead") >= 3


def test_widespread_problems_are_the_same_problem_at_several_units(planned: CLI) -> None:
    body = plan(planned)
    assert "| 医保基金 | 违规结算 | 2 | 2023-003、2023-005 |" in body
    assert "同一问题本年度在2个单位存在（对象：医保基金；性质：违规结算）" in body
    data = json.loads(plan(planned, "--format", "json"))
    assert data["prevalent"] == [
        {
            "object": "医保基金",
            "nature": "违规结算",
            "units": ["dsq", "ybj"],
            "problems": ["2023-003", "2023-005"],
        }
    ]


def test_methods_and_bodies_per_problem_come_from_settings(planned: CLI) -> None:
    rows = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.strip("|").split("|")]
        for line in plan(planned).split("## 三")[1].split("## 四")[0].splitlines()
        if line.startswith("| 2023-")
    }
    # immediate: 调阅资料、随机抽查; widespread adds 联合审计机关; a lower government adds 实地察看
    assert rows["2023-005"][2] == "实地察看、调阅资料、随机抽查、联合审计机关"
    assert rows["2023-001"][2] == "调阅资料、随机抽查"
    assert rows["2023-001"][3] == "测试市人大常委会预算工作委员会"
    assert rows["2023-001"][4] == "2024年9月30日（整改时限）"
    settings = planned.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "plan_method_rules:\n  immediate: [talk]\nplan_bodies:\n  重点民生资金: 社会建设委员会\n",
        encoding="utf-8",
    )
    body = plan(planned)
    assert "| 2023-001 | 政府债券资金闲置 | 约谈 |" in body
    assert "| 2023-003 | 医保基金违规结算 | 座谈调研、随机抽查、联合审计机关、约谈 | 社会建设委员会 |" in body
    assert "社会建设委员会按职责分工负责相关突出问题的跟踪监督" in body
    before = snapshot(planned.root)
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("immediate: [talk]", "immediatee: [talk]"),
        encoding="utf-8",
    )
    run = planned("check")
    assert run.exit_code == 1 and "unknown kinds of problem immediatee" in run.stdout
    assert planned("plan", "--year", "2023", "--as-of", "2024-07-15").exit_code != 0
    assert snapshot(planned.root).keys() == before.keys()


def test_plan_json_carries_the_whole_plan(planned: CLI) -> None:
    data = json.loads(plan(planned, "--format", "json"))
    wanted = {"basis", "selected", "candidates", "prevalent", "lower", "keeper", "bodies", "suggestions"}
    assert wanted <= set(data)
    first = data["selected"][0]
    assert set(first["assignment"]) == {"methods", "body", "steps"}
    assert first["assignment"]["steps"][-1] == {"day": "2024-09-30", "zh": "整改时限", "en": "deadline"}
    assert [r["id"] for r in data["basis"]["resolutions"]] == ["2023-R1"]
