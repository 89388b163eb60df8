"""Edits keep what they do not change: a hand edit made while a command writes, CRLF line ends,
a BOM and the comments around the changed record (issue 18, item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditledger import store
from tests.conftest import CLI, snapshot

UPDATE = ("update", "2023-001", "--next-steps", "下月完成", "--date", "2024-08-01")
NEW_LINES = (
    "    next_steps: 下月完成\n"
    "    history:\n"
    "      - date: 2024-08-01\n"
    "        changes:\n"
    "          - field: next_steps\n"
    "            new: 下月完成\n"
)

COMMENTED = """\
# 测试市财政局 2023年度审计查出问题整改台账
# 第二行注释
problems:
  # 第一个问题
  - id: 2023-001
    year: 2023
    title: 专项资金下达不及时
    category: 财政管理
    amount: 100.50
    unit: czj
    type: immediate
    deadline: 2024-09-30
    status: in_progress
  # 第二个问题：这条注释是下一个问题的标题
  - id: 2023-002
    year: 2023
    title: 第二个问题
    amount: 10
    unit: czj
    type: phased
    deadline: 2025-06-30
    status: in_progress
# 文件末尾的注释
"""


def _expected(text: str, after: str) -> str:
    """`text` with the new keys inserted after the line `after` (the record's last line)."""
    head, tail = text.split(after + "\n", 1)
    return head + after + "\n" + NEW_LINES + tail


WAYS = ["own lines", "whole document"]


def _way(monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    if way == "whole document":
        monkeypatch.setattr(store, "edit_item", lambda *args: None)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("problem_id", ["2023-001", "2023-002"])
def test_new_keys_go_before_the_comment_that_heads_the_next_problem(
    make_ledger: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, way: str, problem_id: str
) -> None:
    """ruamel keeps a comment with the node before it: keys appended to a record went after the
    comment that heads the next problem (or ends the file), moving it into the record."""
    _way(monkeypatch, way)
    root = make_ledger({"2023/czj.yaml": COMMENTED})
    path = root / "2023" / "czj.yaml"
    run = CLI(root)("update", problem_id, "--next-steps", "下月完成", "--date", "2024-08-01")
    assert run.exit_code == 0, run.stderr
    last = "    deadline: 2024-09-30\n    status: in_progress" if problem_id == "2023-001" else None
    after = last or "    deadline: 2025-06-30\n    status: in_progress"
    assert path.read_text(encoding="utf-8") == _expected(COMMENTED, after)


@pytest.mark.parametrize("way", WAYS)
def test_an_end_of_line_comment_stays_on_its_line(
    make_ledger: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    _way(monkeypatch, way)
    text = COMMENTED.replace(
        "    status: in_progress\n  # 第二", "    status: in_progress  # 行尾注释\n  # 第二"
    )
    root = make_ledger({"2023/czj.yaml": text})
    assert CLI(root)(*UPDATE).exit_code == 0
    after = "    deadline: 2024-09-30\n    status: in_progress  # 行尾注释"
    assert (root / "2023" / "czj.yaml").read_text(encoding="utf-8") == _expected(text, after)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("bom", [False, True], ids=["no BOM", "BOM"])
def test_a_crlf_file_keeps_every_byte_outside_the_changed_record(
    make_ledger: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, way: str, bom: bool
) -> None:
    """The first write to a CRLF file turned every comment line's end into CR CR LF."""
    _way(monkeypatch, way)
    root = make_ledger({"2023/czj.yaml": None})
    path = root / "2023" / "czj.yaml"
    prefix = b"\xef\xbb\xbf" if bom else b""
    path.write_bytes(prefix + COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    cli = CLI(root)
    assert cli(*UPDATE).exit_code == 0
    expected = _expected(COMMENTED, "    deadline: 2024-09-30\n    status: in_progress")
    assert path.read_bytes() == prefix + expected.replace("\n", "\r\n").encode("utf-8")
    assert cli("check").exit_code == 0


def test_a_crlf_year_file_keeps_its_comments_intact(make_ledger: Callable[..., Path]) -> None:
    """Year metadata is always edited as a whole document."""
    year = "# 2023年度\n# 审计工作报告\nyear: 2023\naudit_report:\n  title: 报告\n  heard_on: 2024-06-26\n"
    root = make_ledger({"2023/_year.yaml": None})
    path = root / "2023" / "_year.yaml"
    path.write_bytes(year.replace("\n", "\r\n").encode("utf-8"))
    cli = CLI(root)
    run = cli("disclose", "2023/audit_report", "--where", "网站", "--date", "2024-07-05")
    assert run.exit_code == 0, run.stderr + run.stdout
    after = path.read_bytes()
    assert b"\r\r" not in after
    assert after.count(b"\n") == after.count(b"\r\n")
    assert after.startswith("# 2023年度\r\n# 审计工作报告\r\nyear: 2023\r\n".encode())


@pytest.mark.parametrize("bom", [False, True], ids=["no BOM", "BOM"])
def test_fmt_makes_line_ends_lf_throughout_and_check_agrees(
    make_ledger: Callable[..., Path], bom: bool
) -> None:
    """`fmt` left a CR on the comment lines of a CRLF file, and `fmt --check` then passed."""
    root = make_ledger({"2023/czj.yaml": None})
    path = root / "2023" / "czj.yaml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    cli = CLI(root)
    run = cli("fmt", "--check")
    assert run.exit_code == 1 and f"{path}: not in the canonical layout" in run.stdout
    assert cli("fmt").exit_code == 0
    assert path.read_bytes() == COMMENTED.encode("utf-8")
    assert cli("fmt", "--check").exit_code == 0


# --- a hand edit while the command writes -------------------------------------------------


def test_a_hand_edit_right_before_the_rename_is_kept(small: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line appended after the first comparison, while the new file is being synced, was
    overwritten by the rename."""
    path = small.root / "2023" / "czj.yaml"
    fsync = os.fsync

    def append_meanwhile(fd: int) -> None:
        fsync(fd)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("# 手工追加\n")

    monkeypatch.setattr(os, "fsync", append_meanwhile)
    before = path.read_bytes()
    run = small(*UPDATE)
    assert run.exit_code == 2
    assert f"error: {path} changed on disk while it was being edited" in run.stderr
    assert "run the command again" in run.stderr
    assert path.read_bytes() == before + "# 手工追加\n".encode()
    assert not list(path.parent.glob(".*tmp"))


def test_a_write_by_a_program_that_had_the_file_open_is_put_back(
    small: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that opened the file before the rename and writes after it writes into the
    old file, which the rename dropped: the old file is put back and the command refuses."""
    path = small.root / "2023" / "czj.yaml"
    replace = os.replace

    def write_through_an_open_file(src: Any, dst: Any) -> None:
        if Path(dst) != path:
            return replace(src, dst)
        with path.open("a", encoding="utf-8") as handle:  # opened before the rename
            replace(src, dst)
            handle.write("# 编辑器写入\n")
        return None

    monkeypatch.setattr(os, "replace", write_through_an_open_file)
    before = path.read_bytes()
    run = small(*UPDATE)
    assert run.exit_code == 2
    assert f"error: {path} changed on disk while it was being edited" in run.stderr
    assert path.read_bytes() == before + "# 编辑器写入\n".encode()
    assert not list(path.parent.glob(".*tmp"))


def test_a_file_created_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    link = os.link

    def create_meanwhile(src: Any, dst: Any) -> None:
        Path(dst).write_text("by hand\n", encoding="utf-8")
        link(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", create_meanwhile)
        with pytest.raises(store.AuditLedgerError, match="changed on disk"):
            store.write_atomic(path, "by the tool\n", expected=None)
    assert path.read_text(encoding="utf-8") == "by hand\n"
    assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]


APPENDER = """\
import sys, time
path, stop, log = sys.argv[1], sys.argv[2], sys.argv[3]
import os
n = 0
with open(log, "w", encoding="utf-8") as done:
    while not os.path.exists(stop):
        line = f"# appended {n}\\n"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
        done.write(line)
        done.flush()
        n += 1
        time.sleep(0.05)
"""


def test_appends_during_many_writes_are_all_kept_or_refused(small: CLI, tmp_path: Path) -> None:
    """The issue's finding: 40 `track` writes while another process appends a line every
    50 ms. Afterwards every appended line is in the file, and every write either landed (its
    record is there) or was refused with the message."""
    path = small.root / "2023" / "czj.yaml"
    stop, log = tmp_path / "stop", tmp_path / "appended"
    appender = subprocess.Popen([sys.executable, "-c", APPENDER, str(path), str(stop), str(log)])
    outcomes: dict[int, list[int]] = {0: [], 2: []}
    try:
        for i in range(40):
            run = small(
                "track", "2023-001", "--method", "实地察看", "--finding", f"第{i}次", "--date", "2024-08-01"
            )
            assert run.exit_code in (0, 2), run.stderr
            if run.exit_code == 2:
                assert "changed on disk while it was being" in run.stderr, run.stderr
            outcomes[run.exit_code].append(i)
    finally:
        stop.touch()
        appender.wait(timeout=60)
    text = path.read_text(encoding="utf-8")
    appended = log.read_text(encoding="utf-8").splitlines()
    assert appended, "the appender ran"
    missing = [line for line in appended if line not in text.splitlines()]
    # A program that opened the old file before a rename and writes to it more than
    # HANDOFF_SECONDS after still writes to a file that is gone (README: the remaining window);
    # on a loaded machine that can be one line of a run. Before the checks, 5 of 588 were lost.
    assert len(missing) <= 1, missing
    for i in outcomes[0]:
        assert f"finding: 第{i}次" in text
    for i in outcomes[2]:
        assert f"finding: 第{i}次" not in text
    assert not list(path.parent.glob(".*tmp"))
    print(f"{len(appended)} lines appended, {len(outcomes[0])} writes landed, {len(outcomes[2])} refused")


def test_a_refused_write_changes_nothing_else(small: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    path = small.root / "2023" / "czj.yaml"
    fsync = os.fsync

    def edit_meanwhile(fd: int) -> None:
        fsync(fd)
        path.write_text(
            path.read_text(encoding="utf-8").replace("专项资金", "专项资金（手改）"), encoding="utf-8"
        )

    monkeypatch.setattr(os, "fsync", edit_meanwhile)
    run = small(*UPDATE)
    assert run.exit_code == 2
    monkeypatch.undo()
    after = snapshot(small.root)
    assert "（手改）" in after["2023/czj.yaml"].decode()
    assert "下月完成" not in after["2023/czj.yaml"].decode()
