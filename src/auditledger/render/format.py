"""How numbers, dates and fixed words read in reports, in Chinese and English. May import:
model, reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from auditledger.model import FigureStyle, PercentRounding

if TYPE_CHECKING:  # the reports' module is not imported to print a table
    from auditledger.reports import Share

HUNDRED_MILLION = Decimal(10000)
"""1 亿元 in 万元."""


def money(value: Decimal) -> str:
    """万元 with two decimals and thousands separators: 23,600.00."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def amount_text(value: Decimal, lang: str) -> str:
    """An amount for running text: 亿元 from 1 亿 up, else 万元; in English, yuan or million yuan."""
    if lang == "zh":
        if abs(value) >= HUNDRED_MILLION:
            return f"{money(value / HUNDRED_MILLION)}亿元"
        return f"{money(value)}万元"
    if abs(value) >= 100:
        return f"{money(value / 100)} million yuan"
    return f"{(value * 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP):,} yuan"


def rate(part: int, whole: int, style: FigureStyle) -> str:
    """`part` of `whole` as a percentage the way the style writes it (94%, 94.1%, 91.29%);
    — for 0 of 0."""
    if whole == 0:
        return "—"
    rounding = ROUND_DOWN if style.percent_rounding is PercentRounding.truncate else ROUND_HALF_UP
    exact = Decimal(part * 100) / Decimal(whole)
    return f"{exact.quantize(Decimal(1).scaleb(-style.percent_digits), rounding=rounding)}%"


def share_rate(value: Share, style: FigureStyle) -> str:
    return rate(value.done, value.count, style)


def _plain(value: Decimal, thousands: bool) -> str:
    """Two decimals at most, trailing zeros dropped: 7200, 8600.6, 0.05."""
    fixed = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{fixed:,}" if thousands else f"{fixed}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def prose_amount(value: Decimal, style: FigureStyle, lang: str) -> str:
    """An amount in running text: 万元, 亿元 or 万亿元 by the style's thresholds, no thousands
    separators unless the style asks, trailing zeros dropped; with `approximate`, the whole
    number of its unit and 多 when there is more (5380多亿元)."""
    if lang != "zh":
        return amount_text(value, lang)
    if abs(value) >= style.wanyi_from:
        scaled, unit = value / Decimal(10) ** 8, "万亿元"
    elif abs(value) >= style.yi_from:
        scaled, unit = value / HUNDRED_MILLION, "亿元"
    else:
        scaled, unit = value, "万元"
    if style.approximate:
        whole = scaled.to_integral_value(rounding=ROUND_DOWN)
        number = f"{whole:,}" if style.thousands_in_prose else f"{whole}"
        return f"{number}{'多' if whole != scaled and whole > 0 else ''}{unit}"
    return f"{_plain(scaled, style.thousands_in_prose)}{unit}"


def prose_day(value: date | None, style: FigureStyle, lang: str) -> str:
    """A date in running text: 2027年12月31日, or ISO when the style asks."""
    if value is None:
        return "—"
    return day(value, lang) if style.chinese_dates or lang != "zh" else value.isoformat()


def people(count: int, style: FigureStyle, lang: str) -> str:
    """追责问责3人 / 处理处分3人次, by the style."""
    if lang != "zh":
        return f"{count} held accountable"
    return f"{style.accountability_label}{count}{style.accountability_unit}"


def government_rules_label(style: FigureStyle, jurisdiction: str) -> str:
    """What the government's own rules are called: the setting, else 市级制度 for a 市, 县级制度
    for a 县 or 区级制度 for a 区 (from the jurisdiction's last character), else 本级制度."""
    if style.government_rules_label:
        return style.government_rules_label
    level = jurisdiction[-1:] if jurisdiction[-1:] in ("省", "市", "县", "区", "州", "旗") else "本"
    return f"{level}级制度"


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def day(value: date | None, lang: str) -> str:
    if value is None:
        return "—"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value:%B} {value.year}"


WORDS: dict[str, tuple[str, str]] = {
    "percent_rule": ("百分比四舍五入保留一位小数", "percentages rounded half up to one decimal place"),
    "id": ("编号", "ID"),
    "title": ("问题", "Problem"),
    "unit": ("责任单位", "Responsible unit"),
    "type": ("整改类型", "Type"),
    "deadline": ("整改时限", "Deadline"),
    "status": ("整改状态", "Status"),
    "amount": ("问题金额（万元）", "Amount (10k yuan)"),
    "rectified": ("已整改金额（万元）", "Rectified (10k yuan)"),
    "outstanding": ("未整改金额（万元）", "Outstanding (10k yuan)"),
    "count": ("问题数", "Problems"),
    "done": ("已完成", "Done"),
    "open": ("未完成", "Open"),
    "share": ("完成率", "Done (%)"),
    "days_overdue": ("逾期天数", "Days overdue"),
    "reason": ("未整改到位原因", "Why unfinished"),
    "next_steps": ("下一步计划", "Next steps"),
    "measures": ("整改措施", "Measures"),
    "result": ("整改结果", "Result"),
    "evidence": ("佐证材料", "Evidence"),
    "rules": ("制定完善制度", "Rules made or revised"),
    "accountable": ("追责问责（人）", "People held accountable"),
    "category": ("问题类别", "Category"),
    "no_category": ("未分类", "Uncategorised"),
    "method": ("整改方式", "Method"),
    "total": ("合计", "Total"),
    "none": ("无", "None"),
    "no_amount": ("不涉及金额", "no amount"),
    "yes": ("是", "yes"),
    "whole_report": ("整改情况报告", "the rectification report"),
    "members": ("组成人员", "Members"),
    "satisfied": ("满意", "Satisfied"),
    "basic": ("基本满意", "Basically satisfied"),
    "unsatisfied": ("不满意", "Unsatisfied"),
    "void": ("无效票", "Void"),
    "vote_result": ("测评结果", "Result"),
    "vote_target": ("测评对象", "Subject"),
    "date": ("日期", "Date"),
    "adopted": ("通过日期", "Adopted"),
    "report_due": ("报告期限", "Report due"),
    "report_state": ("落实情况报告", "Report back"),
    "reported": ("已按期报告", "reported on time"),
    "reported_late": ("已报告（逾期）", "reported late"),
    "overdue": ("逾期未报告", "overdue"),
    "pending": ("尚未到期", "not yet due"),
    "deputy": ("代表", "Deputy"),
    "suggestion": ("建议", "Suggestion"),
    "text": ("内容", "Text"),
    "kind": ("类别", "Kind"),
    "score": ("得分", "Score"),
    "recommendation": ("审计建议", "Recommendation"),
    "response": ("答复", "Response"),
    "rec_status": ("采纳情况", "Status"),
    "departments": ("涉及部门", "Departments"),
    "hearing": ("听取和审议", "Hearing"),
    "attendees": ("到会单位", "Units attending"),
    "questions": ("询问", "Questions"),
    "answer": ("答复", "Answer"),
    "asked": ("询问对象", "Asked"),
    "reasons": ("理由", "Reasons"),
    "confirmed": ("已确认", "Confirmed"),
    "rank": ("排名", "Rank"),
    "methods": ("监督方式", "Methods"),
    "body": ("牵头机构", "Lead body"),
    "steps": ("时间安排", "Dates"),
    "object": ("问题对象", "Object"),
    "nature": ("问题性质", "Nature"),
    "unit_count": ("单位数", "Units"),
    "problems": ("涉及问题", "Problems"),
    "weight": ("权重", "Weight"),
    "criterion": ("评分标准", "Criterion"),
    "received": ("收到日期", "Received"),
    "answered": ("答复日期", "Answered"),
    "cooperating": ("配合单位", "Cooperating units"),
    "prominent": ("突出问题", "prominent"),
    "chart_types": ("按整改类型的完成情况", "Completion by type of rectification"),
    "chart_units": ("未完成问题较多的责任单位", "Units with the most open problems"),
    "chart_amounts": ("问题金额整改情况（万元）", "Problem amounts (10k yuan)"),
    "rectified_short": ("已整改", "Rectified"),
    "chart_groups": ("各组问题完成情况", "Problems done by group"),
    "chart_trend": ("历年完成率", "Completion rate by year"),
    "outstanding_short": ("未整改", "Outstanding"),
}


KINDS: dict[str, tuple[str, str]] = {
    "problem": ("问题整改", "problem"),
    "milestone": ("阶段目标", "milestone"),
    "resolution": ("决议落实", "resolution"),
    "opinion": ("审议意见", "deliberation opinions"),
    "suggestion": ("代表建议", "deputy's suggestion"),
    "vote": ("测评后再报告", "re-report after vote"),
    "question": ("询问书面答复", "written answer to a question"),
    "disclosure": ("信息公开", "publication"),
}


REASONS: dict[str, tuple[str, str]] = {
    "not_copied": ("答复未抄送预算工委", "answer not copied to the budget working committee"),
    "rereport": ("测评不满意，须再次报告", "voted unsatisfied; the government reports again"),
}
"""What a deadline (`deadlines.Due`) is about, and why when not its own deadline: shared by the
overdue table and the 督办通知."""


def due_kind(kind: Any, lang: str) -> str:
    pair = KINDS.get(getattr(kind, "value", str(kind)), ("", ""))
    return pair[0 if lang == "zh" else 1] or str(kind)


def due_state(row: Any, lang: str) -> str:
    """逾期12天, 今日到期 or 还有5天 (and why, when it is not the record's own deadline)."""
    zh = lang == "zh"
    late = row.days_overdue
    if late > 0:
        text = f"逾期{late}天" if zh else f"{late} days overdue"
    elif late == 0:
        text = "今日到期" if zh else "due today"
    else:
        text = f"还有{-late}天" if zh else f"{-late} days left"
    reason = REASONS.get(row.reason or "")
    if reason:
        text += ("（" + reason[0] + "）") if zh else f" ({reason[1]})"
    return text


def left_out_intro(count: int, lang: str) -> str:
    """What a document made with `--allow-errors` says at its top, before the errors it lists.
    A record that fails validation is left out; one that breaks a rule between records or dates
    stays in, with figures that may be wrong: the warning says both."""
    if lang == "zh":
        return (
            f"注意：台账中有 {count} 个错误，有错误的记录未计入本文件或其数字可能不准确。"
            "请修正后重新生成（auditledger check）："
        )
    return (
        f"Warning: the ledger has {count} error{'s' if count != 1 else ''}; the records concerned are "
        "left out of this document or their figures may be wrong. Fix them and make it again "
        "(auditledger check):"
    )


def left_out_lines(left_out: Sequence[str], lang: str) -> list[str]:
    """The warning and each error left out, as lines for outputs without a template (tables,
    CSV, spreadsheets); nothing when nothing was left out."""
    return [left_out_intro(len(left_out), lang), *left_out] if left_out else []


def words(lang: str) -> dict[str, str]:
    index = 0 if lang == "zh" else 1
    return {key: pair[index] for key, pair in WORDS.items()}


def punctuation(lang: str) -> dict[str, str]:
    """Full-width punctuation for Chinese, ASCII with spaces for English."""
    if lang == "zh":
        return {"colon": "：", "semi": "；", "comma": "，", "lp": "（", "rp": "）", "stop": "。"}
    return {"colon": ": ", "semi": "; ", "comma": ", ", "lp": " (", "rp": ")", "stop": "."}


COUNTERS = {"problem": "个问题", "prominent problem": "个突出问题", "responsible unit": "个责任单位"}


def counted(count: int, noun: str, lang: str) -> str:
    """`3个问题` in Chinese; `1 problem`, `3 problems` in English."""
    if lang == "zh":
        return f"{count}{COUNTERS.get(noun, '')}"
    return f"{count} {noun}" + ("" if count == 1 else "s")


_CHINESE_DIGITS = "零一二三四五六七八九"


def ordinal(number: int, lang: str) -> str:
    """Section numbers: 一, 二, … 十一 … 九十九 in Chinese; 1, 2, … in English."""
    if lang != "zh" or not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_DIGITS[tens] + "十")
    return head + (_CHINESE_DIGITS[ones] if ones else "")
