"""A write of several files is atomic as a whole (issue 18, item 10): an import over six units
killed before each rename in turn, or stopped by a full disk at each staged write and each
rename, leaves the ledger as it was before or as it is after, once the next command has run;
and importing the same list again adds nothing."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditledger import store
from tests.conftest import CLI, REPO, snapshot

UNITS = """\
units:
  - id: czj
    name: 测试市财政局
  - id: jyj
    name: 测试市教育局
  - id: wjw
    name: 测试市卫生健康委员会
  - id: zjj
    name: 测试市住房和城乡建设局
  - id: jtj
    name: 测试市交通运输局
  - id: sljt
    name: 测试市水利局
"""
LIST = [
    ("专项资金下达不及时", "23.5", "测试市财政局"),
    ("学生资助资金发放不精准", "28.08", "测试市教育局"),
    ("大型医用设备采购不规范", "1280.50", "测试市卫生健康委员会"),
    ("保障性住房分配不规范", "300", "测试市住房和城乡建设局"),
    ("公路养护资金闲置", "45", "测试市交通运输局"),
    ("水利工程未按期完工", "1200", "测试市水利局"),
]
IMPORT = ("import", "--year", "2023", "--date", "2024-12-01")
FILES = 6
"""The import writes one file per unit: czj.yaml changes, the five others are new."""
JOURNAL = Path(".auditledger") / "journal.json"


def problem_list(folder: Path) -> Path:
    """A problem list without the audit office's numbers: a second import can only recognise
    the rows by what they say."""
    path = folder / "问题清单.csv"
    lines = ["问题标题,涉及金额（万元）,整改责任单位,整改类型,整改期限"]
    lines += [f"{title},{amount},{unit},立行立改,2024-09-30" for title, amount, unit in LIST]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def ledger(make_ledger: Callable[..., Path]) -> CLI:
    return CLI(make_ledger({"units.yaml": UNITS}))


@pytest.fixture
def expected_after(ledger: CLI, tmp_path: Path) -> dict[str, bytes]:
    """The ledger as one uninterrupted import leaves it."""
    copy = CLI(tmp_path / "reference")
    shutil.copytree(ledger.root, copy.root)
    run = copy(IMPORT[0], str(problem_list(tmp_path)), *IMPORT[1:])
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == f"{FILES} added, 0 updated, 0 already in the ledger"
    return snapshot(copy.root)


def ledger_files(root: Path) -> dict[str, bytes]:
    """The ledger's own files, without the temporary files of a write."""
    return {name: data for name, data in snapshot(root).items() if not Path(name).name.startswith(".")}


def titles(cli: CLI) -> list[str]:
    run = cli("list", "--year", "2023", "--format", "json")
    assert run.exit_code == 0, run.stderr
    return sorted(p["title"] for p in json.loads(run.stdout))


def killed_import(cli: CLI, listing: Path, before_rename: int) -> None:
    env = {**os.environ, store.KILL_BEFORE_RENAME: str(before_rename)}
    env.pop("AUDITLEDGER_LEDGER", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditledger",
            "--ledger",
            str(cli.root),
            *IMPORT[:1],
            str(listing),
            *IMPORT[1:],
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


@pytest.mark.parametrize("kill_before", range(1, FILES + 2))
def test_an_import_killed_before_each_rename_ends_before_or_after(
    ledger: CLI, expected_after: dict[str, bytes], tmp_path: Path, kill_before: int
) -> None:
    """Killed before the Nth rename (the 7th: before the journal goes), the ledger on disk is
    torn; the next command, a read, finishes the write; importing again changes nothing."""
    before = snapshot(ledger.root)
    listing = problem_list(tmp_path)
    killed_import(ledger, listing, kill_before)
    assert (ledger.root / JOURNAL).exists()
    torn = ledger_files(ledger.root)
    landed = [name for name, data in torn.items() if expected_after.get(name) == data != before.get(name)]
    assert len(landed) == min(kill_before - 1, FILES)  # the kill came where it was asked to

    run = ledger("check")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert snapshot(ledger.root) in (before, expected_after)  # and no temporary file is left
    assert not (ledger.root / JOURNAL).exists()

    again = ledger(IMPORT[0], str(listing), *IMPORT[1:])
    assert again.exit_code == 0, again.stderr
    assert snapshot(ledger.root) == expected_after
    assert titles(ledger) == sorted(["专项资金下达不及时", *(title for title, _, _ in LIST)])


def test_a_torn_write_whose_staged_file_is_gone_is_undone(
    ledger: CLI, expected_after: dict[str, bytes], tmp_path: Path
) -> None:
    """When the write cannot be finished (a staged file was lost), it is rolled back: the files
    renamed already get their old content back, the new ones go."""
    before = snapshot(ledger.root)
    killed_import(ledger, problem_list(tmp_path), 4)
    staged = json.loads((ledger.root / JOURNAL).read_text(encoding="utf-8"))["journal"]["files"][-1]["tmp"]
    (ledger.root / staged).unlink()
    assert ledger_files(ledger.root) != before
    assert ledger("list").exit_code == 0
    assert snapshot(ledger.root) == before
    assert not (ledger.root / JOURNAL).exists()


def test_a_torn_write_edited_by_hand_since_is_refused_not_guessed(ledger: CLI, tmp_path: Path) -> None:
    """A file the journal names was changed after the crash: neither finishing nor undoing
    would keep that change, so every command refuses, naming the journal, and changes nothing."""
    killed_import(ledger, problem_list(tmp_path), 3)
    record = json.loads((ledger.root / JOURNAL).read_text(encoding="utf-8"))
    (ledger.root / record["journal"]["files"][-1]["path"]).write_text("problems: []\n", encoding="utf-8")
    torn = snapshot(ledger.root)
    for command in (("check",), ("update", "2023-001", "--next-steps", "下月完成")):
        run = ledger(*command)
        assert run.exit_code == 2
        assert (
            "error: a write of several files was interrupted and cannot be finished or undone" in run.stderr
        )
        assert str(ledger.root / JOURNAL) in run.stderr
        assert "Traceback" not in run.stderr
        assert snapshot(ledger.root) == torn


def _no_space(*args: object, **kwargs: object) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", range(1, FILES + 2))
def test_a_full_disk_at_each_staged_write_leaves_the_ledger_as_it_was(
    ledger: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    """The Nth file written (the 7th is the journal) fails halfway with ENOSPC."""
    before = snapshot(ledger.root)
    real_fdopen, opened = os.fdopen, []

    class Failing:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            return _no_space()  # type: ignore[no-any-return]

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    real_mkstemp, staged = store.tempfile.mkstemp, set()

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        written = Path(name).relative_to(ledger.root) if Path(name).is_relative_to(ledger.root) else None
        if written is not None and (".auditledger" not in written.parts or JOURNAL.name in written.name):
            staged.add(fd)  # a staged file or the journal, not the read cache
        return fd, name

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, mode, *args, **kwargs)
        if fd in staged:
            opened.append(fd)
        return Failing(handle) if fd in staged and len(opened) == failing else handle

    monkeypatch.setattr(store.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)
    run = ledger(IMPORT[0], str(problem_list(tmp_path)), *IMPORT[1:])
    assert run.exit_code == 2
    assert f"{os.strerror(errno.ENOSPC)}" in run.stderr and "error: could not write " in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(ledger.root) == before  # no file changed, no temporary file, no new folder
    assert not (ledger.root / JOURNAL).exists()


@pytest.mark.parametrize("failing", ["journal", *range(1, FILES + 1)])
def test_a_full_disk_at_each_rename_leaves_the_ledger_as_it_was(
    ledger: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int | str
) -> None:
    """From the Nth rename into place on, the disk refuses (a new file is linked into place, an
    old one replaced); the files renamed before are put back."""
    before = snapshot(ledger.root)
    real_replace, real_link, renames = os.replace, os.link, []

    def refused(source: Any, target: Any) -> bool:
        target, source = Path(target), Path(source)
        if failing == "journal":
            return target.name == JOURNAL.name
        if target.name.startswith(".") or ".auditledger" in target.parts or source.name.endswith(".old.tmp"):
            return False  # staging, and putting old files back
        renames.append(target)
        return len(renames) >= int(failing)

    def replace(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if refused(source, target):
            _no_space()
        real_replace(source, target, *args, **kwargs)

    def link(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if refused(source, target):
            _no_space()
        real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "link", link)
    run = ledger(IMPORT[0], str(problem_list(tmp_path)), *IMPORT[1:])
    assert run.exit_code == 2
    assert "error: could not write " in run.stderr and os.strerror(errno.ENOSPC) in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(ledger.root) == before
    assert not (ledger.root / JOURNAL).exists()


def test_a_hand_edit_during_a_write_of_several_files_is_kept_and_the_rest_undone(
    ledger: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The changed file is edited by hand after it was staged: the write is refused, the files
    renamed before it are put back, and the hand edit stays."""
    path = ledger.root / "2023" / "czj.yaml"
    by_hand = path.read_text(encoding="utf-8").replace("专项资金下达不及时", "专项资金下达不及时（手改）")
    write_journal = store._write_journal

    def edit_meanwhile(*args: Any) -> None:
        write_journal(*args)
        path.write_text(by_hand, encoding="utf-8")

    monkeypatch.setattr(store, "_write_journal", edit_meanwhile)
    before = snapshot(ledger.root)
    run = ledger(IMPORT[0], str(problem_list(tmp_path)), *IMPORT[1:])
    assert run.exit_code == 2
    assert f"error: {path} changed on disk while it was being edited" in run.stderr
    assert snapshot(ledger.root) == {**before, "2023/czj.yaml": by_hand.encode("utf-8")}
    assert not (ledger.root / JOURNAL).exists()


def test_a_write_of_several_files_keeps_modes(ledger: CLI, tmp_path: Path) -> None:
    path = ledger.root / "2023" / "czj.yaml"
    path.chmod(0o640)
    run = ledger(IMPORT[0], str(problem_list(tmp_path)), *IMPORT[1:])
    assert run.exit_code == 0, run.stderr
    assert path.stat().st_mode & 0o777 == 0o640
    assert not list(ledger.root.rglob(".*.tmp")) and not (ledger.root / JOURNAL).exists()


def test_fmt_rewrites_every_file_or_none(ledger: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """`fmt` over two files, the second rename refused by a full disk: the first is put back.
    (It wrote file after file, and outside the lock it had read them under.)"""
    for path in (ledger.root / "units.yaml", ledger.root / "2023" / "czj.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\n  - ", "\n-   "), encoding="utf-8")
    assert ledger("fmt", "--check").exit_code == 1
    before = snapshot(ledger.root)
    real_replace, renames = os.replace, []

    def replace(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if not Path(target).name.startswith(".") and not str(source).endswith(".old.tmp"):
            renames.append(target)
            if len(renames) == 2:
                _no_space()
        real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    run = ledger("fmt")
    assert run.exit_code == 2 and os.strerror(errno.ENOSPC) in run.stderr
    assert snapshot(ledger.root) == before
    monkeypatch.undo()
    assert ledger("fmt").exit_code == 0 and ledger("fmt", "--check").exit_code == 0


def test_a_journal_that_came_with_the_ledger_is_never_acted_on(tmp_path: Path) -> None:
    """A journal committed (or copied) into a ledger, naming a path through a committed symbolic
    link: every command refuses it, and nothing is written anywhere."""
    import hashlib
    import shutil

    root = tmp_path / "ledgers"
    shutil.copytree(REPO / "ledgers", root, ignore=shutil.ignore_patterns(".auditledger"))
    outside = tmp_path / "home"
    outside.mkdir()
    (root / "home").symlink_to(outside)
    (root / "payload.txt").write_text("echo pwned\n", encoding="utf-8")
    new = hashlib.sha256(b"echo pwned\n").hexdigest()
    (root / ".auditledger").mkdir()
    forged = {
        "files": [
            {"path": "home/.bash_profile", "tmp": "payload.txt", "held": None, "old": None, "new": new}
        ],
        "folders": [],
    }
    for journal in (forged, {"journal": forged, "hmac": "0" * 64}):
        (root / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
        run = CLI(root)("check")
        assert run.exit_code == 2 and "not written by auditledger for this user" in run.stderr, run.stderr
        assert not (outside / ".bash_profile").exists() and (root / "payload.txt").exists()
