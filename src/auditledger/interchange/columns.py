"""The columns of problem lists: the headers real 问题清单 and 整改台账 use, and how each is read.
May import: model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from auditledger.model import RectifyMethod


@dataclass(frozen=True)
class Column:
    field: str
    """The Problem field, or a pseudo-field the importer turns into one (`done`, `rectified_amount`)."""
    header: str
    """The header exports write."""
    aliases: tuple[str, ...] = ()


METHOD = "method:"
"""The prefix of the pseudo-fields of rectified amounts by method: `method:recovered`."""

COLUMNS = (
    Column("seq", "序号", ("序号",)),
    Column("id", "台账编号", ("台账编号", "台账问题编号", "id")),
    Column("audit_no", "问题编号", ("问题编号", "审计问题编号", "编号", "audit_no")),
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
    *(
        Column(
            f"{METHOD}{m.value}",
            f"其中：{m.zh}（万元）",
            (
                f"其中：{m.zh}（万元）",
                f"其中：{m.zh}",
                *((m.zh, *m.aliases) if m is not RectifyMethod.other else ()),
            ),
        )
        for m in RectifyMethod
    ),
    Column("measures", "整改措施", ("整改措施", "已采取的整改措施", "整改情况", "measures")),
    Column(
        "rules_count", "制定完善制度（项）", ("制定完善制度（项）", "制定完善规章制度（项）", "rules_count")
    ),
    Column(
        "accountable",
        "追责问责（人次）",
        (
            "追责问责（人次）",
            "追责问责（人）",
            "追责问责人数",
            "追责问责人次",
            "处理处分（人）",
            "处理处分（人次）",
            "问责（人次）",
            "accountable",
        ),
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


RULES_PART = "rules_part"
"""A 「其中：市级制度」 column: part of the rules made, by level."""
_RULES_PART = re.compile(r"^其中.*制度(\(项\)|\(个\))?$")
_AMOUNT_SUFFIX = re.compile(r"(\(万元\)|金额|\(元\))+$")


def match(
    header: str, mapping: Mapping[str, str] | None = None, methods: Mapping[str, str] | None = None
) -> str | None:
    """The field a header stands for: from the mapping file first, then the known headers, then
    a method of rectification named in the ledger's settings (`其中：上缴国库` → `method:recovered`),
    then a part of the rules by level (`其中：市级制度`)."""
    key = normalise(header)
    if mapping and key in mapping:
        return mapping[key]
    found = HEADERS.get(key)
    if found is not None:
        return found
    if methods:
        bare = key.removeprefix("其中")
        for candidate in (bare, _AMOUNT_SUFFIX.sub("", bare)):
            if candidate in methods:
                return METHOD + methods[candidate]
    if _RULES_PART.match(key):
        return RULES_PART
    return None


def method_names(synonyms: Mapping[str, RectifyMethod]) -> dict[str, str]:
    """The ledger's words for methods, normalised as headers are, to their codes."""
    return {normalise(word): method.value for word, method in synonyms.items()}
