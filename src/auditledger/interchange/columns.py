"""The columns of problem lists: the headers real 问题清单 and 整改台账 use, and how each is read.
May import: model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str
    """The Problem field, or a pseudo-field the importer turns into one (`done`, `rectified_amount`)."""
    header: str
    """The header exports write."""
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("id", "台账编号", ("台账编号", "台账问题编号", "id")),
    Column("audit_no", "问题编号", ("问题编号", "审计问题编号", "序号", "编号", "audit_no")),
    Column("title", "问题摘要", ("问题摘要", "问题标题", "问题名称", "title")),
    Column(
        "description",
        "具体问题表述",
        ("具体问题表述", "问题描述", "在审计报告中的表述", "审计发现问题", "description"),
    ),
    Column("category", "问题类别", ("问题类别", "问题类型", "category")),
    Column(
        "amount",
        "问题金额（万元）",
        ("问题金额（万元）", "涉及金额（万元）", "问题金额", "涉及金额", "amount"),
    ),
    Column("unit", "责任单位", ("责任单位", "整改责任单位", "一级单位", "牵头单位", "unit")),
    Column("cooperating", "配合单位", ("配合单位", "cooperating")),
    Column("supervisor", "主管部门", ("主管部门", "负有监督管理责任的主管部门", "supervisor")),
    Column("responsible_person", "责任人", ("责任人", "整改责任人", "responsible_person")),
    Column("prominent", "突出问题", ("突出问题", "是否突出问题", "prominent")),
    Column("systemic", "体制机制性问题", ("体制机制性问题", "是否体制机制性问题", "systemic")),
    Column("type", "整改类型", ("整改类型", "type")),
    Column("deadline", "整改时限", ("整改时限", "整改期限", "整改完成时限", "deadline")),
    Column("status", "整改状态", ("整改状态", "整改进度", "status")),
    Column("done", "是否已完成整改", ("是否已完成整改", "是否完成整改")),
    Column("completed_on", "整改完成时间", ("整改完成时间", "完成时间", "completed_on")),
    Column(
        "rectified_amount",
        "已整改金额（万元）",
        ("已整改金额（万元）", "问题整改金额（万元）", "已整改金额", "整改金额（万元）", "rectified_amount"),
    ),
    Column("measures", "整改措施", ("整改措施", "已采取的整改措施", "整改情况", "measures")),
    Column(
        "rules_count", "制定完善制度（项）", ("制定完善制度（项）", "制定完善规章制度（项）", "rules_count")
    ),
    Column(
        "accountable", "追责问责（人）", ("追责问责（人）", "追责问责人数", "处理处分（人）", "accountable")
    ),
    Column("evidence", "佐证材料", ("佐证材料", "整改佐证材料", "佐证资料", "evidence")),
    Column("reason", "未整改到位原因", ("未整改到位原因", "未完成原因", "未完成整改原因", "reason")),
    Column("next_steps", "下一步计划", ("下一步计划", "下一步工作计划", "next_steps")),
)

BY_FIELD = {column.field: column for column in COLUMNS}


def normalise(header: str) -> str:
    """A header as compared: full-width folded to half-width, brackets made round, spaces,
    line breaks and required-field stars dropped, lower case (`问题金额（万元）*` → `问题金额(万元)`)."""
    text = unicodedata.normalize("NFKC", header)
    text = re.sub(r"[\[【〔［{]", "(", text)
    text = re.sub(r"[\]】〕］}]", ")", text)
    return re.sub(r"[\s*＊:：]", "", text).lower()


HEADERS = {normalise(alias): column.field for column in COLUMNS for alias in column.aliases}
"""Every known header, normalised, to its field."""


def match(header: str, mapping: dict[str, str] | None = None) -> str | None:
    """The field a header stands for: from the mapping file first, then the known headers."""
    key = normalise(header)
    if mapping and key in mapping:
        return mapping[key]
    return HEADERS.get(key)
