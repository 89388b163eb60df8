"""Every field of every record has a label in both languages, and values print as people write
them: no Python None/True/False, list or record repr, raw field name or code."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel

from auditledger import model
from auditledger.labels import ACTIONS, field_label, label_pair
from auditledger.model import Change, HistoryEntry, Problem, Question, Record, Status, TypicalCase
from auditledger.render.text import change_line, history_line, shown

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def records() -> list[type[BaseModel]]:
    """Every record class of `model`."""
    found = [
        value
        for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, Record) and value is not Record
    ]
    assert len(found) > 20
    return sorted(found, key=lambda cls: cls.__name__)


@pytest.mark.parametrize(
    ("record", "field"),
    [(record, field) for record in records() for field in record.model_fields],
    ids=lambda item: item if isinstance(item, str) else item.__name__,
)
def test_every_field_of_every_record_has_a_label_in_both_languages(
    record: type[BaseModel], field: str
) -> None:
    pair = label_pair(field, record)
    assert pair is not None, f"{record.__name__}.{field} has no label in labels.py"
    zh, en = pair
    assert CHINESE.search(zh), f"{record.__name__}.{field}: {zh!r} is not Chinese"
    assert en and not CHINESE.search(en) and en != field, f"{record.__name__}.{field}: {en!r}"


def test_a_field_is_labelled_as_its_record_names_it() -> None:
    assert field_label("due", "zh", model.Milestone) == "到期日"
    assert field_label("due", "zh", Question) == "书面答复期限"
    assert field_label("reason", "zh", TypicalCase) == "选定理由"
    assert field_label("reason", "zh", Problem) == "未整改到位原因"
    assert field_label("case.findings", "zh") == "典型案例·发现"
    assert field_label("case.findings", "en") == "Typical case / Findings"


def test_every_action_has_a_label() -> None:
    for zh, en in ACTIONS.values():
        assert CHINESE.search(zh) and en and not CHINESE.search(en)


@pytest.mark.parametrize(
    ("value", "field", "zh", "en"),
    [
        (None, "", "—", "—"),
        ([], "measures", "—", "—"),
        (True, "prominent", "是", "yes"),
        (False, "systemic", "否", "no"),
        (["a", "b"], "evidence", "a、b", "a, b"),
        ("in_progress", "status", "整改中", "in progress"),
        (Status.closed, "status", "已销号", "closed"),
        (
            ["amount", "nature"],
            "prominent_reasons",
            "资金规模、问题性质",
            "amount involved, nature of the problem",
        ),
        ("budget_focus", "tags", "预算审查重点", "focus of budget review"),
        ("my_own_tag", "tags", "my_own_tag", "my_own_tag"),
        (Decimal("31000"), "amount", "31,000.00", "31,000.00"),
        (1230, "rectified.other", "1,230.00", "1,230.00"),
        (date(2025, 6, 30), "deadline", "2025-06-30", "2025-06-30"),
        (
            {"due": "2025-12-31", "text": "完成", "done": "2025-12-01"},
            "milestones",
            "2025-12-31 完成 — 已完成 2025-12-01",
            "2025-12-31 完成 — done 2025-12-01",
        ),
        ({"ledger": "东山区", "id": "2025-001"}, "counterpart", "东山区 2025-001", "东山区 2025-001"),
        ("ledger: 东山区; id: 2025-001", "counterpart", "东山区 2025-001", "东山区 2025-001"),
        (
            {"published": date(2024, 9, 1), "where": "网站"},
            "disclosure",
            "2024-09-01 网站",
            "2024-09-01 网站",
        ),
        (
            {"reallocated": Decimal(12000)},
            "rectified",
            "统筹盘活 12,000.00",
            "idle funds put to use 12,000.00",
        ),
        ("site_visit", "case.methods", "实地察看", "site visit"),
    ],
)
def test_values_as_people_write_them(value: object, field: str, zh: str, en: str) -> None:
    assert shown(value, "zh", field=field) == zh
    assert shown(value, "en", field=field) == en


def test_change_and_history_lines_read_with_labels() -> None:
    assert change_line("status", "in_progress", "rectified", "zh") == "整改状态：整改中 → 已整改"
    assert change_line("status", "in_progress", "rectified", "en") == "Status: in progress → rectified"
    assert change_line("prominent", False, True, "zh") == "突出问题：否 → 是"
    assert change_line("prominent_reasons", None, "amount", "zh") == "列为突出问题的原因 新增：资金规模"
    assert change_line("deadline", date(2025, 12, 31), date(2026, 6, 30), "zh") == (
        "整改时限 延期：2025-12-31 → 2026-06-30"
    )
    assert change_line("rectified.recovered", None, Decimal(5), "en") == (
        "Rectified (10k yuan) / funds recovered: — → 5.00"
    )
    entry = HistoryEntry(
        date=date(2026, 11, 10),
        by="市政府",
        action="extend",
        changes=[Change(field="deadline", old=date(2026, 12, 31), new=date(2027, 3, 31))],
        note="尚在查处",
    )
    assert (
        history_line(entry, "zh")
        == "2026-11-10 市政府 批准延期；整改时限 延期：2026-12-31 → 2027-03-31（尚在查处）"
    )
    assert history_line(entry, "en") == (
        "2026-11-10 市政府 extension approved; Deadline extended: 2026-12-31 → 2027-03-31 (尚在查处)"
    )
    answered = HistoryEntry(
        date=date(2026, 11, 25), action="answer", changes=[Change(field="answer", old="一", new="二")]
    )
    assert history_line(answered, "zh", model=Question) == "2026-11-25 答复；答复内容：一 → 二"


def test_no_python_value_leaks_into_show(sample: object) -> None:
    """`show` of every problem of the sample ledger, in both languages: no Python repr, no field
    named by its key."""
    from tests.conftest import CLI

    assert isinstance(sample, CLI)
    keys = {field for record in records() for field in record.model_fields if "_" in field}
    for ident in ("2024-002", "2024-011", "2025-016", "2023-001", "2025-R1", "2025-H1/Q1", "2025-A1"):
        for lang in ("zh", "en"):
            out = sample("show", ident, "--lang", lang).stdout
            assert not re.search(r"\bNone\b|\bTrue\b|\bFalse\b|\['|\{'|=", out), (ident, lang, out)
            assert not [key for key in keys if re.search(rf"\b{key}\b", out)], (ident, lang, out)
