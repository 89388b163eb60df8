"""The names people read for the records' fields, in both languages: `show`'s rows, history
lines, confirmations and messages that point at a field. Imports nothing of the project but i18n.
"""

from __future__ import annotations

from auditledger import i18n

LABELS: dict[str, tuple[str, str]] = {
    "id": ("编号", "ID"),
    "audit_no": ("审计问题编号", "Audit office no."),
    "year": ("年度", "Year"),
    "title": ("问题摘要", "Problem"),
    "description": ("具体问题表述", "Description"),
    "source": ("出处", "Source"),
    "category": ("问题类别", "Category"),
    "causes": ("原因环节", "Cause links"),
    "cause_analysis": ("原因分析", "Cause analysis"),
    "amount": ("问题金额（万元）", "Amount (10k yuan)"),
    "amount_kind": ("金额性质", "Kind of amount"),
    "unit": ("责任单位", "Responsible unit"),
    "cooperating": ("配合单位", "Cooperating units"),
    "supervisor": ("主管部门", "Supervising department"),
    "responsible_person": ("责任人", "Responsible person"),
    "lower_government": ("涉及下级政府", "Lower-level government"),
    "prominent": ("突出问题", "Prominent"),
    "prominent_reasons": ("列为突出问题的原因", "Why prominent"),
    "systemic": ("体制机制性问题", "Systemic"),
    "recurring_from": ("以往年度同类问题", "Recurs from"),
    "type": ("整改类型", "Type"),
    "deadline": ("整改时限", "Deadline"),
    "milestones": ("阶段目标", "Milestones"),
    "plan": ("整改方案", "Plan"),
    "completion_standard": ("整改完成标准", "Completion standard"),
    "measures": ("整改措施", "Measures"),
    "status": ("整改状态", "Status"),
    "completed_on": ("整改完成时间", "Completed on"),
    "closed_on": ("销号时间", "Closed on"),
    "checked_by": ("核查人", "Checked by"),
    "rectified": ("已整改金额（万元）", "Rectified (10k yuan)"),
    "rectified_amount": ("已整改（万元）", "Rectified (10k yuan)"),
    "rules": ("制定完善制度", "Rules made or revised"),
    "rules_count": ("制定完善制度（项）", "Rules (count)"),
    "accountable": ("追责问责（人）", "People held accountable"),
    "evidence": ("佐证材料", "Evidence"),
    "reason": ("未整改到位原因", "Why unfinished"),
    "next_steps": ("下一步计划", "Next steps"),
    "findings": ("发现", "Findings"),
    "conclusions": ("结论", "Conclusions"),
    "proposals": ("建议", "Proposals"),
    "round": ("整改轮次", "Rectification round"),
    "tracking": ("跟踪检查记录", "Tracking records"),
    "tags": ("标签", "Tags"),
    "case": ("典型案例", "Typical case"),
    "disclosure": ("信息公开", "Disclosure"),
    "history": ("变更记录", "History"),
}
RECORD_LABELS: dict[str, tuple[str, str]] = {
    # fields of a year's records (`show 2025-R1`, `show 2025-H1/Q1`)
    "kind": ("类别", "Kind"),
    "text": ("内容", "Text"),
    "problems": ("涉及问题", "Problems"),
    "adopted": ("通过日期", "Adopted"),
    "reported": ("报告落实情况日期", "Reported back"),
    "deputy": ("代表", "Deputy"),
    "received": ("收到日期", "Received"),
    "answered": ("答复日期", "Answered"),
    "copied": ("抄送预算工委日期", "Copied to the committee"),
    "date": ("日期", "Date"),
    "target": ("测评对象", "Subject"),
    "members": ("组成人员", "Members"),
    "satisfied": ("满意", "Satisfied"),
    "basic": ("基本满意", "Basically satisfied"),
    "unsatisfied": ("不满意", "Unsatisfied"),
    "void": ("无效票", "Void"),
    "result": ("测评结果", "Result"),
    "sent_to_party": ("报送党委日期", "Sent to the party committee"),
    "copied_to_government": ("抄送政府日期", "Copied to the government"),
    "rereport_due": ("再次报告期限", "Re-report due"),
    "rereported": ("再次报告日期", "Re-reported"),
    "units": ("涉及部门", "Departments"),
    "response": ("答复", "Response"),
    "responded": ("答复日期", "Responded"),
    "attendees": ("到会单位", "Units attending"),
    "questions": ("询问", "Questions"),
    "by": ("提问人", "Asked by"),
    "to": ("询问对象", "Asked"),
    "answer": ("答复", "Answer"),
    "due": ("书面答复期限", "Written answer due"),
    "heard_on": ("审议日期", "Heard on"),
    "cutoff": ("数据截止日期", "Data cut-off"),
}


def field_label(key: str, lang: str | None = None) -> str:
    """A record's field as people name it (`show`'s row label), in `lang` or the language spoken."""
    zh, en = LABELS.get(key) or RECORD_LABELS.get(key) or (key, key)
    return zh if (lang or i18n.language()) == "zh" else en


def named(key: str) -> str:
    """A field as a message names it when the user may have to edit the file: its label and
    its key, as in 整改时限（`deadline`）or "Deadline (`deadline`)"."""
    label = field_label(key)
    if label == key:
        return f"`{key}`"
    return f"{label}（`{key}`）" if i18n.language() == "zh" else f"{label} (`{key}`)"
