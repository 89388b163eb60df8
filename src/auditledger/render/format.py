"""How numbers, dates and fixed words read in reports, in Chinese and English. May import: reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from auditledger.reports import PERCENT_RULE

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


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def day(value: date | None, lang: str) -> str:
    if value is None:
        return "—"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value:%B} {value.year}"


WORDS: dict[str, tuple[str, str]] = {
    "percent_rule": PERCENT_RULE,
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
