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
    "counterpart": ("上下级台账对应问题", "Counterpart in another ledger"),
    "budget_department": ("预算部门", "Budget department"),
    "budget_items": ("预算项目编码", "Budget item codes"),
    "history": ("变更记录", "History"),
}
RECORD_LABELS: dict[str, tuple[str, str]] = {
    # fields of a year's records (`show 2025-R1`, `show 2025-H1/Q1`) and of nested records
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
    # a year's file
    "audit_report": ("审计工作报告", "Audit work report"),
    "rectification_report": ("整改情况报告", "Rectification report"),
    "resolutions": ("决议和审议意见", "Resolutions and deliberation opinions"),
    "suggestions": ("代表意见建议", "Deputies' suggestions"),
    "votes": ("满意度测评", "Satisfaction votes"),
    "recommendations": ("审计建议", "Audit recommendations"),
    "hearings": ("听取和审议、专题询问", "Hearings and special inquiries"),
    "head": ("单位负责人", "Head of the unit"),
    # nested records: a milestone, a tracking check, a typical case, a publication, a source
    "done": ("完成日期", "Done on"),
    "method": ("跟踪方式", "Method"),
    "finding": ("发现情况", "Finding"),
    "deputies": ("参加的人大代表", "Deputies taking part"),
    "internal": ("仅内部使用", "Internal only"),
    "chosen": ("选定日期", "Chosen on"),
    "methods": ("分析方法", "Methods"),
    "published": ("公开日期", "Published on"),
    "where": ("公开渠道", "Published at"),
    "document": ("文件", "Document"),
    "section": ("章节", "Section"),
    "ledger": ("台账", "Ledger"),
    # a history entry and its changes
    "action": ("事项", "Action"),
    "changes": ("变更内容", "Changes"),
    "note": ("说明", "Note"),
    "field": ("字段", "Field"),
    "old": ("原值", "Before"),
    "new": ("新值", "After"),
    # units, settings
    "name": ("名称", "Name"),
    "parent": ("主管部门", "Supervising department"),
    "jurisdiction": ("行政区", "Jurisdiction"),
    "language": ("语言", "Language"),
    "due_soon_days": ("即将到期提前天数", "Days ahead that count as due soon"),
    "categories": ("问题类别", "Problem categories"),
    "report_back_months": ("报告落实情况期限（月）", "Months to report back"),
    "suggestion_months": ("答复代表建议期限（月）", "Months to answer a suggestion"),
    "vote_threshold": ("测评通过比例", "Share of members a vote needs"),
    "vote_tie_passes": ("恰好达到比例视为通过", "A tie at the share passes"),
    "rereport_days": ("再次报告期限（天）", "Days to report again"),
    "disclosure_days": ("公开整改结果期限（天）", "Days to publish a result"),
    "plan_weights": ("突出问题评分权重", "Weights of the plan's criteria"),
    "plan_methods": ("建议的跟踪方式", "Tracking methods the plan proposes"),
    "lower": ("下级台账", "Lower-level ledgers"),
    "asset_categories": ("国有资产问题类别", "Categories of state assets"),
    "templates": ("报告模板文件夹", "Report templates folder"),
    "asset_pattern": ("国有资产问题类别的匹配规则", "Pattern of state-asset categories"),
    "government": ("报告整改情况的人民政府", "Government that reports"),
    "salutation": ("称谓", "Salutation"),
    "figures": ("报告数字写法", "How figures read in reports"),
    "percent_digits": ("百分比小数位数", "Decimal places of percentages"),
    "percent_rounding": ("百分比取舍方式", "Rounding of percentages"),
    "thousands_in_prose": ("正文数字使用千位分隔符", "Thousands separators in prose"),
    "yi_from": ("以亿元表述的起点（万元）", "Amounts in hundred millions from (10k yuan)"),
    "wanyi_from": ("以万亿元表述的起点（万元）", "Amounts in trillions from (10k yuan)"),
    "approximate": ("金额使用“多”概数", 'Amounts approximated ("more than")'),
    "accountability_label": ("追责问责表述", "Accountability wording"),
    "accountability_unit": ("追责问责计量单位", "Accountability counted in"),
    "government_rules_label": ("政府层面制度的称谓", "Name of the government's rules"),
    "internal_rules_label": ("单位内部制度的称谓", "Name of units' internal rules"),
    "chinese_dates": ("正文日期使用中文格式", "Dates in Chinese in prose"),
    # the government's rectification report
    "reporter": ("报告人", "Reporter"),
    "meeting": ("会议", "Meeting"),
    "entrusted_by": ("受委托报告的机关", "Reported on behalf of"),
    "deployment": ("审计整改工作部署和成效", "Deployment and results"),
    "next_work": ("下一步工作", "Next steps"),
    "rules_government": ("其中政府层面制度（项）", "Of which the government's rules"),
    "path": ("路径", "Path"),
    # the spreadsheet channel
    "status_synonyms": ("整改状态的其他写法", "Other ways to write a status"),
    "method_synonyms": ("整改方式的其他写法", "Other ways to write a method"),
    "aliases": ("别名", "Other names"),
    # the recurrence matcher and the tracking plan
    "terms": ("问题词表", "Terms of findings"),
    "objects": ("问题对象", "Objects"),
    "natures": ("问题性质", "Natures"),
    "plan_method_rules": ("跟踪监督方式的选用规则", "Rules for choosing tracking methods"),
    "plan_bodies": ("牵头跟踪监督的机构", "Bodies that lead the tracking"),
}
OWN_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    # where a record's field means something else than the field of that name above: by the
    # record's class name in `model`
    "Settings": {"name": ("台账维护机关", "Kept by")},
    "LowerLedger": {"name": ("辖区", "Jurisdiction")},
    "Unit": {"name": ("单位名称", "Name"), "kind": ("单位类型", "Kind of unit")},
    "Deputy": {"name": ("姓名", "Name"), "kind": ("代表类别", "Kind of deputy")},
    "Report": {"title": ("标题", "Title")},
    "GovernmentReport": {"title": ("标题", "Title")},
    "Source": {"title": ("公告标题", "Announcement title")},
    "Milestone": {"due": ("到期日", "Due"), "text": ("阶段目标", "Milestone")},
    "TrackingEntry": {"by": ("检查人", "Checked by")},
    "HistoryEntry": {"by": ("经办人", "By")},
    "TypicalCase": {"reason": ("选定理由", "Why chosen")},
    "Question": {"answer": ("答复内容", "Answer")},
    "Attendee": {"unit": ("到会单位", "Unit attending")},
    "Recommendation": {"status": ("采纳情况", "Status"), "response": ("政府答复", "Response")},
    "Counterpart": {"id": ("对应问题编号", "ID there")},
    "UnitsFile": {"units": ("单位", "Units")},
    "ProblemsFile": {"problems": ("问题", "Problems")},
}
ACTIONS: dict[str, tuple[str, str]] = {
    # what a history entry records (`action`); a code not here is shown as it is written
    "create": ("新建", "created"),
    "update": ("更新", "updated"),
    "close": ("销号", "closed"),
    "reopen": ("重新整改", "reopened"),
    "extend": ("批准延期", "extension approved"),
    "milestone": ("更新阶段目标", "milestone updated"),
    "case": ("列为典型案例", "chosen as a typical case"),
    "case_note": ("典型案例分析", "case analysis"),
    "disclose": ("信息公开", "published"),
    "answer": ("答复", "answered"),
    "import": ("导入", "imported"),
}


def label_pair(key: str, model: str | type | None = None) -> tuple[str, str] | None:
    """The (zh, en) labels of a field of the record `model` (a class of `model.py` or its name),
    or of a field of any record when `model` is None; None when the field has none."""
    name = model if isinstance(model, str) or model is None else model.__name__
    own = OWN_LABELS.get(name, {}) if name else {}
    return own.get(key) or LABELS.get(key) or RECORD_LABELS.get(key)


def field_label(key: str, lang: str | None = None, model: str | type | None = None) -> str:
    """A record's field as people name it (`show`'s row label), in `lang` or the language spoken;
    with `model`, as that record names it (a milestone's `due` is 到期日, a question's 书面答复期限).
    A dotted key names a field of a nested record or a key of a mapping (`case.findings`):
    both labels, 典型案例·发现 / Typical case / Findings."""
    zh = (lang or i18n.language()) == "zh"
    head, dot, rest = key.partition(".")
    if dot:
        inner = field_label(rest, lang, NESTED.get(head))
        return f"{field_label(head, lang, model)}{'·' if zh else ' / '}{inner}"
    pair = label_pair(key, model) or (key, key)
    return pair[0] if zh else pair[1]


NESTED: dict[str, str] = {
    # the record a field holds, for the labels of its fields in a dotted key (`case.findings`)
    "source": "Source",
    "milestones": "Milestone",
    "tracking": "TrackingEntry",
    "case": "TypicalCase",
    "disclosure": "Disclosure",
    "counterpart": "Counterpart",
    "audit_report": "Report",
    "rectification_report": "Report",
    "attendees": "Attendee",
    "questions": "Question",
    "deputies": "Deputy",
    "lower": "LowerLedger",
    "history": "HistoryEntry",
    "changes": "Change",
}


def action_label(action: str, lang: str | None = None) -> str:
    """What a history entry records, as people say it (`extend` 批准延期 / extension approved);
    an action of the ledger's own, as it is written."""
    zh, en = ACTIONS.get(action, (action, action))
    return zh if (lang or i18n.language()) == "zh" else en


def named(key: str) -> str:
    """A field as a message names it when the user may have to edit the file: its label and
    its key, as in 整改时限（`deadline`）or "Deadline (`deadline`)"."""
    label = field_label(key)
    if label == key:
        return f"`{key}`"
    if i18n.language() == "zh":
        # 已整改金额（万元，`rectified`）: one pair of brackets, not two
        return f"{label[:-1]}，`{key}`）" if label.endswith("）") else f"{label}（`{key}`）"
    return f"{label[:-1]}, `{key}`)" if label.endswith(")") else f"{label} (`{key}`)"
