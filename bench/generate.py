"""Synthetic ledgers for the benchmark: N problems over 200 units and 5 audit years, with
realistic Chinese text, written through the project's own writer (store.Document).

    python bench/generate.py 10000 /tmp/ledger-10k
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from auditledger import store
from auditledger.model import (
    HistoryEntry,
    Milestone,
    Problem,
    ProblemsFile,
    RectificationType,
    RectifyMethod,
    Settings,
    Status,
    TrackingEntry,
    TrackingMethod,
    Unit,
    UnitsFile,
    YearMeta,
)

RECORDED_BY = date(2026, 11, 24)
"""Nothing in a generated ledger is dated after this day (the bench's --as-of): a completion or
change dated later would be an error (date-in-future), and `update --date` on that day must not
come before a problem's latest history entry."""
UNITS = 200
YEARS = (2021, 2022, 2023, 2024, 2025)
CATEGORIES = (
    "财政管理",
    "部门预算执行",
    "重大政策落实",
    "重点民生资金",
    "重大项目",
    "国有企业资产",
    "行政事业性国有资产",
)
DEPARTMENTS = (
    "财政局",
    "教育局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "水利局",
    "文化广电旅游局",
    "医疗保障局",
    "商务局",
)
SUBJECTS = (
    "专项转移支付资金",
    "政府债券资金",
    "学生资助资金",
    "基本公共卫生服务资金",
    "老旧小区改造项目",
    "高标准农田建设项目",
    "就业补助资金",
    "养老服务补贴",
    "医保基金",
    "国有资本经营收益",
    "行政事业单位资产",
    "农村公路建设项目",
)
FAULTS = (
    "分配下达不及时",
    "闲置未使用",
    "发放不精准",
    "被挤占挪用",
    "进度滞后",
    "未按期完工",
    "审核不严",
    "绩效不高",
    "违规结算",
    "未足额收取",
    "账实不符",
    "决策程序不规范",
)
MEASURES = (
    "建立资金到账即分解的工作机制",
    "追回违规资金并上缴国库",
    "完善内部控制制度",
    "开展专项检查",
    "约谈相关负责人",
    "建立数据比对机制",
    "倒排工期强化督导",
    "调整预算安排",
)


def problem(rng: random.Random, ident: str, year: int, unit: str) -> Problem:
    subject, fault = rng.choice(SUBJECTS), rng.choice(FAULTS)
    kind = rng.choice(list(RectificationType))
    deadline = date(year + 1, rng.choice((6, 9, 12)), 30)
    status = rng.choices(list(Status), weights=(1, 3, 2, 3, 4))[0]
    amount = Decimal(rng.randrange(100, 5_000_000)) / 100
    fields: dict[str, object] = {
        "id": ident,
        "audit_no": f"审计{year}-{ident[-4:]}",
        "year": year,
        "title": f"{subject}{fault}",
        "description": f"经审计，{rng.randint(2, 30)}个项目的{subject}{fault}，涉及资金{amount}万元，"
        f"最长滞留{rng.randint(30, 400)}天，影响资金使用效益。",
        "category": rng.choice(CATEGORIES),
        "amount": amount,
        "unit": unit,
        "type": kind,
        "deadline": deadline,
        "status": status,
        "measures": rng.sample(MEASURES, rng.randint(1, 3)),
    }
    if kind is RectificationType.phased:
        fields["milestones"] = [Milestone(due=deadline - timedelta(days=120), text="完成阶段目标")]
    if status.finished:
        fields["completed_on"] = min(deadline - timedelta(days=rng.randint(0, 200)), RECORDED_BY)
        fields["rectified"] = {RectifyMethod.recovered: amount}
        fields["evidence"] = ["整改情况报告"]
    else:
        fields["reason"] = "涉及多个部门，协调周期较长"
        fields["next_steps"] = "年底前完成整改"
    if rng.random() < 0.2:
        fields["tracking"] = [
            TrackingEntry(
                date=min(deadline - timedelta(days=60), RECORDED_BY),
                method=TrackingMethod.site_visit,
                finding="实地察看，整改正在推进",
            )
        ]
        fields["history"] = [
            HistoryEntry(
                date=min(deadline - timedelta(days=30), RECORDED_BY), action="update", note="报送整改进展"
            )
        ]
    return Problem.model_validate(fields)


def generate(count: int, root: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    units = [
        Unit(
            id=f"u{n:03d}",
            name=f"示例省{rng.choice(('东', '西', '南', '北', '中'))}{n}市{rng.choice(DEPARTMENTS)}",
        )
        for n in range(1, UNITS + 1)
    ]
    write(root / "auditledger.yaml", Settings(name="示例省人大常委会预算工作委员会", jurisdiction="示例省"))
    write(root / "units.yaml", UnitsFile(units=units))
    per_year = count // len(YEARS)
    for year in YEARS:
        folder = root / str(year)
        folder.mkdir(exist_ok=True)
        write(folder / "_year.yaml", YearMeta(year=year))
        by_unit: dict[str, list[Problem]] = {}
        for number in range(1, per_year + 1):
            unit = units[rng.randrange(UNITS)].id
            by_unit.setdefault(unit, []).append(problem(rng, f"{year}-{number:05d}", year, unit))
        for unit, problems in by_unit.items():
            write(folder / f"{unit}.yaml", ProblemsFile(problems=problems))
    return root


def write(path: Path, record: object) -> None:
    path.write_text(store.Document.new(path, [], record).dumps(), encoding="utf-8")  # type: ignore[arg-type]


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
