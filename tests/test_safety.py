"""Writes under failure and contention: the lock, concurrent writers, a file edited by hand
meanwhile, failing disks, and the temporary files a killed write leaves behind."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from auditledger import store
from tests.conftest import CLI, snapshot

UPDATE = ("update", "2023-001", "--next-steps", "下月完成", "--date", "2024-08-01")


def test_a_second_writer_waits_then_names_the_lock(small: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    before = snapshot(small.root)
    with store.locked(small.root, timeout=1):
        run = small(*UPDATE)
    assert run.exit_code == 2
    lock = small.root / ".auditledger" / "lock"
    assert f"another auditledger command is writing this ledger (lock {lock})" in run.stderr
    assert snapshot(small.root) == before
    assert small(*UPDATE).exit_code == 0  # released: the next writer goes on


def test_concurrent_writers_lose_nothing(small: CLI) -> None:
    """Two processes add tracking records to one problem at once; every record lands."""
    each = 5
    script = (
        "import sys, subprocess\n"
        "for i in range(int(sys.argv[2])):\n"
        "    subprocess.run([sys.executable, '-m', 'auditledger', '--ledger', sys.argv[1], 'track', "
        "'2023-001', '--method', '实地察看', '--finding', f'{sys.argv[3]}-{i}', '--date', '2024-08-01'], "
        "check=True, capture_output=True)\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(small.root), str(each), name])
        for name in ("a", "b")
    ]
    assert [w.wait(timeout=300) for w in workers] == [0, 0]
    data = YAML(typ="safe").load((small.root / "2023" / "czj.yaml").read_text(encoding="utf-8"))
    findings = sorted(t["finding"] for t in data["problems"][0]["tracking"])
    assert findings == sorted(f"{n}-{i}" for n in "ab" for i in range(each))


@pytest.mark.parametrize("way", ["own lines", "whole document"])
def test_a_file_edited_by_hand_meanwhile_is_not_overwritten(
    small: CLI, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """Whether the edit read the problem's own lines or the whole file, a hand edit made after
    that read is kept and the command refuses."""
    path = small.root / "2023" / "czj.yaml"
    by_hand = path.read_text(encoding="utf-8").replace("专项资金下达不及时", "专项资金下达不及时（手改）")
    dumps, edit_item = store.Document.dumps, store.edit_item

    def edit_by_hand_meanwhile(self: store.Document) -> str:
        text = dumps(self)
        self.path.write_text(by_hand, encoding="utf-8")
        return text

    def edit_lines_by_hand_meanwhile(*args: Any) -> tuple[str, bytes] | None:
        edited = edit_item(*args)
        assert edited is not None
        path.write_text(by_hand, encoding="utf-8")
        return edited

    if way == "own lines":
        monkeypatch.setattr(store, "edit_item", edit_lines_by_hand_meanwhile)
    else:
        monkeypatch.setattr(store, "edit_item", lambda *args: None)
        monkeypatch.setattr(store.Document, "dumps", edit_by_hand_meanwhile)
    run = small(*UPDATE)
    assert run.exit_code == 2
    assert f"error: {path} changed on disk while it was being edited" in run.stderr
    assert path.read_text(encoding="utf-8") == by_hand


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EIO])
@pytest.mark.parametrize("step", ["mkstemp", "write", "fsync", "chmod", "replace"])
def test_a_failing_disk_leaves_the_ledger_as_it_was(
    small: CLI, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    before = snapshot(small.root)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    if step == "write":
        real_fdopen = os.fdopen

        class Failing:
            def __init__(self, handle: object) -> None:
                self.handle = handle

            def __enter__(self) -> Failing:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()  # type: ignore[attr-defined]

            def write(self, data: bytes) -> int:
                self.handle.write(data[: len(data) // 2])  # type: ignore[attr-defined]
                fail()
                return 0

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: Failing(real_fdopen(fd, mode)))
    else:
        monkeypatch.setattr(store.tempfile if step == "mkstemp" else os, step, fail)
    run = small(*UPDATE)
    assert run.exit_code == 2
    assert f"could not write {small.root / '2023' / 'czj.yaml'}: {os.strerror(code)}" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(small.root) == before  # no change, no temporary file left


def test_leftovers_of_a_killed_write_are_swept_up_by_the_next_edit(small: CLI) -> None:
    leftovers = [small.root / "2023" / ".czj.yaml.k9x2q1.tmp", small.root / ".units.yaml.a1b2c3.tmp"]
    for path in leftovers:
        path.write_text("half a file", encoding="utf-8")
    assert small("check").exit_code == 0  # reading leaves them (no lock is held)
    assert all(p.exists() for p in leftovers)
    assert small(*UPDATE).exit_code == 0
    assert not any(p.exists() for p in leftovers)


def test_git_ignores_the_temporary_files_and_the_state_folder(tmp_path: Path) -> None:
    cli = CLI(tmp_path / "new")
    assert cli("init", str(cli.root), "--name", "测试市人大常委会预算工作委员会", ledger=False).exit_code == 0
    subprocess.run(["git", "init", "-q", str(cli.root)], check=True)
    (cli.root / ".czj.yaml.x1.tmp").write_text("x", encoding="utf-8")
    (cli.root / ".auditledger").mkdir(exist_ok=True)
    (cli.root / ".auditledger" / "lock").write_text("", encoding="utf-8")
    status = subprocess.run(
        ["git", "-C", str(cli.root), "status", "--porcelain", "--ignored"], capture_output=True, text=True
    ).stdout
    assert "!! .auditledger/" in status and "!! .czj.yaml.x1.tmp" in status


def test_file_mode_is_kept(small: CLI) -> None:
    path = small.root / "2023" / "czj.yaml"
    path.chmod(0o640)
    assert small(*UPDATE).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o640
