"""Shared fixtures: the real CLI run on real files in temporary folders."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditledger import i18n
from auditledger.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "ledgers"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


class CLI:
    """Runs `auditledger --ledger ROOT ...` in-process, as a user would from a shell."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # English, which most tests were written in; tests/test_language.py runs both languages.
        self.runner = CliRunner(env={"COLUMNS": "200", "AUDITLEDGER_LEDGER": None, "AUDITLEDGER_LANG": "en"})

    def __call__(self, *args: str, input: str | None = None, ledger: bool = True) -> Run:
        argv = (["--ledger", str(self.root)] if ledger else []) + list(args)
        result = self.runner.invoke(app, argv, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(autouse=True, scope="session")
def _cache_key_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cache's signing key goes to a folder of the test run, not the user's ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    # Commands run as processes speak English, as the tests that check their words expect;
    # tests/test_language.py unsets it to see the default.
    os.environ["AUDITLEDGER_LANG"] = "en"


@pytest.fixture(autouse=True)
def _english() -> None:
    """Functions called directly speak English, as the tests that check their words expect."""
    i18n.use("en")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, to prove that nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".auditledger" not in p.parts
    }


SETTINGS = """\
name: 测试市人大常委会预算工作委员会
jurisdiction: 测试市
categories:
  - 财政管理
  - 重点民生资金
"""

UNITS = """\
units:
  - id: czj
    name: 测试市财政局
    kind: department
  - id: jyj
    name: 测试市教育局
    kind: department
"""

YEAR = """\
year: 2023
audit_report:
  title: 关于测试市2023年度市级预算执行和其他财政收支的审计工作报告
  heard_on: 2024-06-26
  disclosure: {published: 2024-07-05, where: 测试市人大常委会网站}
"""

PROBLEM = """\
problems:
  - id: 2023-001
    year: 2023
    title: 专项资金下达不及时
    category: 财政管理
    amount: 100.50
    unit: czj
    type: immediate
    deadline: 2024-09-30
    status: in_progress
"""

SECOND = """\
  - id: 2023-002
    year: 2023
    title: 第二个问题
    amount: 10
    unit: czj
    type: phased
    deadline: 2025-06-30
"""


@pytest.fixture
def make_ledger(tmp_path: Path) -> Callable[..., Path]:
    """A small ledger from inline YAML: `make_ledger({"2023/czj.yaml": "..."})`.

    Settings, units, the 2023 year file and one problem in 2023/czj.yaml are there unless
    the mapping replaces them (a value of None leaves a file out).
    """

    def make(files: Mapping[str, str | None] | None = None) -> Path:
        root = tmp_path / "ledger"
        contents: dict[str, str | None] = {
            "auditledger.yaml": SETTINGS,
            "units.yaml": UNITS,
            "2023/_year.yaml": YEAR,
            "2023/czj.yaml": PROBLEM,
        }
        contents.update(files or {})
        for name, text in contents.items():
            if text is None:
                continue
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


@pytest.fixture
def small(make_ledger: Callable[..., Path]) -> CLI:
    return CLI(make_ledger())


@pytest.fixture
def sample(tmp_path: Path) -> CLI:
    """A copy of the bundled sample ledger."""
    root = tmp_path / "ledgers"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".auditledger"))
    return CLI(root)


def raw_problems(root: Path, year: int | None = None) -> list[dict[str, object]]:
    """The problems as the YAML files hold them, read with the pure loader and nothing of the
    project: for figures computed independently of it."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    found: list[dict[str, object]] = []
    folders = [root / str(year)] if year is not None else sorted(root.glob("20*"))
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            if path.name != "_year.yaml":
                found += yaml.load(path.read_text(encoding="utf-8"))["problems"]
    return found


def age(root: Path, seconds: float = 10) -> None:
    """Make every ledger file older than the read cache's racy window, so that it is cached."""
    import os
    import time

    past = time.time() - seconds
    for path in root.rglob("*.yaml"):
        os.utime(path, (past, past))
    # Their change times are now: a command started within a file system's clock tick of them
    # could not tell them from changes made while it ran (`memo.COARSE_NS`).
    time.sleep(0.05)
