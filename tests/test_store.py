"""The store: round trips that keep every byte, field-level updates, atomic writes."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from auditledger import store
from auditledger.diagnostics import AuditLedgerError
from auditledger.model import Problem, RectifyMethod, Status
from tests.conftest import REPO, SECOND


@pytest.mark.parametrize("path", sorted((REPO / "ledgers").rglob("*.yaml")), ids=lambda p: p.name)
def test_sample_files_round_trip_byte_for_byte(path: Path) -> None:
    doc = store.Document.load(path)
    assert doc.dumps().encode("utf-8") == path.read_bytes()


HAND_WRITTEN = """\
# 财政局台账
problems:
  # 第一个问题
  - id: 2023-001
    year: 2023
    title: '引号里的标题'
    amount: 100.50   # 审计报告原数
    unit: czj
    type: 立行立改
    deadline: 2024-09-30
    status: in_progress
    measures:
      - 第一项措施
"""


def test_update_record_touches_only_changed_fields(tmp_path: Path) -> None:
    path = tmp_path / "czj.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    doc = store.Document.load(path)
    old = Problem.model_validate(
        {
            "id": "2023-001",
            "year": 2023,
            "title": "引号里的标题",
            "amount": "100.50",
            "unit": "czj",
            "type": "immediate",
            "deadline": "2024-09-30",
            "status": "in_progress",
            "measures": ["第一项措施"],
        }
    )
    new = old.model_copy(
        update={
            "status": Status.rectified,
            "completed_on": date(2024, 9, 1),
            "measures": [*old.measures, "第二项措施"],
            "rectified": {RectifyMethod.recovered: Decimal("100.5")},
        }
    )
    new = Problem.model_validate(new.model_dump())
    store.update_record(doc.data["problems"][0], old, new)
    text = doc.dumps()
    assert "    title: '引号里的标题'\n" in text  # quoting kept
    assert "    amount: 100.50   # 审计报告原数\n" in text  # comment and digits kept
    assert "    type: 立行立改\n" in text  # label as written kept
    assert "  # 第一个问题\n" in text
    assert "      - 第一项措施\n      - 第二项措施\n" in text
    assert "    status: rectified\n" in text
    assert text.index("completed_on: 2024-09-01") > text.index("status: rectified")
    assert "    rectified:\n      recovered: 100.5\n" in text
    untouched = [line for line in HAND_WRITTEN.splitlines() if "status" not in line]
    assert [line for line in text.splitlines() if line in untouched] == untouched


def test_write_atomic_keeps_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    store.write_atomic(path, "new\n", expected=b"old\n")
    assert path.read_text() == "new\n"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_write_atomic_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("edited by hand\n")
    with pytest.raises(AuditLedgerError, match="changed on disk"):
        store.write_atomic(path, "new\n", expected=b"old\n")
    assert path.read_text() == "edited by hand\n"


def test_write_atomic_failure_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n")

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(AuditLedgerError, match="No space left on device"):
        store.write_atomic(path, "new\n", expected=b"old\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_decimal_amounts_are_written_exactly() -> None:
    text = store.dumps({"a": Decimal("0.1") + Decimal("0.2"), "b": Decimal("1E+3"), "c": Decimal("12.50")})
    assert text == "a: 0.3\nb: 1000\nc: 12.50\n"


def test_reads_give_exact_decimals_and_dates_as_text(tmp_path: Path) -> None:
    data, diagnostics = store.parse(tmp_path / "x.yaml", "a: 1234.50\nb: 2024-13-01\n")
    assert diagnostics == []
    assert data == {"a": Decimal("1234.50"), "b": "2024-13-01"}


YAML_1_1_LOOKALIKES = """\
%YAML 1.1
---
a: yes
b: off
c: 0o17
d: 017
e: 1_000
f: 1:30
g: ~
h: .inf
i: 2024-01-02
j: 0x1F
"""


def test_reads_resolve_types_as_ruamel_does_without_the_shortcut(tmp_path: Path) -> None:
    """`store._Resolver` fixes the YAML version that ruamel's C-backed loader would look up
    for every scalar; the values must be exactly what ruamel's own resolver gives."""
    from ruamel.yaml import YAML

    plain = YAML(typ="safe", pure=False)
    plain.Constructor = store._ReadConstructor
    for text in [YAML_1_1_LOOKALIKES, YAML_1_1_LOOKALIKES.split("---\n", 1)[1]]:
        data, diagnostics = store.parse(tmp_path / "x.yaml", text)
        assert diagnostics == []
        assert data == plain.load(text)
        assert data["a"] == "yes" and data["d"] == 17 and data["g"] is None  # YAML 1.2, not 1.1
    assert plain.resolver.processing_version == store.YAML_VERSION


@pytest.mark.parametrize("failing", ["mkstemp", "fsync", "replace"])
def test_every_step_of_a_write_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr({"mkstemp": store.tempfile, "fsync": os, "replace": os}[failing], failing, fail)
    with pytest.raises(AuditLedgerError, match=r"could not write .*No space left on device"):
        store.write_atomic(path, "new\n", expected=b"old\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_a_lock_that_cannot_be_created_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / store.STATE_DIR).write_text("a file where the folder should be")
    with pytest.raises(AuditLedgerError, match="cannot take the ledger's lock"), store.locked(tmp_path):
        pass


def test_a_held_lock_times_out_with_its_path(tmp_path: Path) -> None:
    with (
        store.locked(tmp_path),
        pytest.raises(AuditLedgerError, match=r"another auditledger command .*lock"),
        store.locked(tmp_path, timeout=0.1),
    ):
        pass


@pytest.mark.parametrize(
    ("root", "path"),
    [
        ("/l", "/l/2023/czj.yaml"),
        ("ledgers", "ledgers/units.yaml"),
        ("/data/ledger", "/data/ledger-old/2023/czj.yaml"),  # a sibling whose name starts alike
        ("/", "/2023/czj.yaml"),
        ("/a/b", "/a/b/c/../d.yaml"),
    ],
)
def test_relative_name_is_the_relative_path(root: str, path: str) -> None:
    try:
        expected = Path(path).relative_to(root).as_posix()
    except ValueError:
        with pytest.raises(ValueError, match="subpath"):
            store.relative_name(Path(root), Path(path))
        return
    assert store.relative_name(Path(root), Path(path)) == expected


COMMENTED = (
    HAND_WRITTEN
    + "    # 这条注释跟在第一个问题后面\n\n"
    + SECOND
    + "    milestones: [{due: 2024-12-31, text: 第一阶段}]\n"
    + """\
  - id: 2023-003
    year: 2023
    title: 最后一个问题
    amount: 1
    unit: czj
    type: immediate
    deadline: 2024-06-30   # 末尾注释
# 文件末尾的注释
"""
)


def _edited_both_ways(path: Path, problem_id: str) -> tuple[tuple[str, bytes] | None, str]:
    """One problem edited through its own lines (`edit_item`) and through the whole document."""
    from auditledger.loader import _Reader

    old = next(
        e.record for e in _Reader({}, None).records(Problem, path, "problems") if e.record.id == problem_id
    )
    new = Problem.model_validate(
        {
            **old.model_dump(),
            "status": "in_progress",
            "next_steps": "下一步：继续整改",
            "measures": [*old.measures, "新增一项措施"],
            "history": [
                *(h.model_dump() for h in old.history),
                {"date": "2026-11-24", "action": "update", "note": "备注"},
            ],
        }
    )
    doc = store.Document.load(path)
    mapping = next(m for m in doc.data["problems"] if str(m["id"]) == problem_id)
    store.update_record(mapping, old, new)
    return store.edit_item(
        path, "problems", problem_id, lambda m: store.update_record(m, old, new)
    ), doc.dumps()


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (REPO / "ledgers").glob("20*/*.yaml") if p.name != "_year.yaml"),
    ids=lambda p: p.name,
)
def test_editing_a_problems_own_lines_gives_the_whole_documents_bytes(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    for problem_id in [str(m["id"]) for m in store.Document.load(copy).data["problems"]]:
        edited, whole = _edited_both_ways(copy, problem_id)
        assert edited is not None, problem_id
        assert edited == (whole, copy.read_bytes()), problem_id


@pytest.mark.parametrize("problem_id", ["2023-001", "2023-002", "2023-003"])
def test_editing_own_lines_keeps_comments_around_them(problem_id: str, tmp_path: Path) -> None:
    path = tmp_path / "czj.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    edited, whole = _edited_both_ways(path, problem_id)
    assert edited is not None
    assert edited[0] == whole
    for comment in (
        "# 财政局台账",
        "  # 第一个问题",
        "    # 这条注释跟在第一个问题后面",
        "# 文件末尾的注释",
        "# 末尾注释",
    ):
        assert comment in edited[0]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (COMMENTED.replace("\n", "\r\n", 3), "mixed line ends"),
        (
            "problems: [{id: 2023-001, year: 2023, title: 标题, amount: 1, unit: czj, type: immediate, "
            "deadline: 2024-06-30}]\n",
            "a flow list",
        ),
        (COMMENTED.replace("  - id: 2023-001", "  -\n    id: 2023-001"), "the id below its dash"),
    ],
)
def test_a_file_whose_lines_cannot_be_cut_is_left_to_the_whole_document(
    text: str, why: str, tmp_path: Path
) -> None:
    path = tmp_path / "czj.yaml"
    path.write_bytes(text.encode("utf-8"))
    edited, whole = _edited_both_ways(path, "2023-001")
    assert edited is None, why
    assert "新增一项措施" in whole


def test_lines_that_do_not_stand_on_their_own_are_left_to_the_whole_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a problem's lines not parse apart from their file, the edit is made on the whole
    document, not ended by the parser's error."""
    path = tmp_path / "czj.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    load = YAML.load

    def refuse_pieces(self: YAML, stream: object) -> object:
        if isinstance(stream, str) and stream.startswith("  - "):
            raise YAMLError("cannot parse this piece")
        return load(self, stream)

    monkeypatch.setattr(YAML, "load", refuse_pieces)
    edited, whole = _edited_both_ways(path, "2023-002")
    assert edited is None
    assert "新增一项措施" in whole
