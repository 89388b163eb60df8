"""`diff` for pull-request comments: every value escaped, revisions verified before git sees
them; and `-o` never makes folders."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.conftest import CLI, PROBLEM, snapshot


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        check=True,
    )


@pytest.fixture
def committed(make_ledger: Callable[..., Path]) -> CLI:
    root = make_ledger()
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "ledger")
    return CLI(root)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


HOSTILE_CHANGES = {
    "description": "description: '<img src=x onerror=alert(1)> [点我](javascript:alert(1))'",
    "measures": "measures: ['# 标题', 'a | b', \"第一行\\n## 第二行\", '<script>alert(1)</script>']",
    "evidence": "evidence: ['[x](javascript:alert(2))']",
    "plan": "plan: '**粗** _斜_ `码` ~~删~~'",
    "rules": "rules: ['1. 不是列表', '=== ']",
}


def test_diff_markdown_escapes_every_changed_value(committed: CLI) -> None:
    path = committed.root / "2023" / "czj.yaml"
    text = PROBLEM + "".join(f"    {line}\n" for line in HOSTILE_CHANGES.values())
    path.write_text(text, encoding="utf-8")
    run = committed("diff", "--format", "md")
    assert run.exit_code == 0, run.stderr
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(run.stdout)
    parser = Tags()
    parser.feed(html)
    tags = {tag for tag, _ in parser.found}
    assert tags <= {"ul", "li", "strong", "br", "p"}, (tags, run.stdout)  # **id** is the only markup
    assert not any("javascript:" in (v or "") for _, attrs in parser.found for v in attrs.values())
    for shown in (
        "&lt;img src=x onerror=alert(1)&gt;",
        "# 标题",
        "a | b",
        "**粗** _斜_ `码` ~~删~~",
        "[x](javascript:alert(2))",
    ):
        assert shown in html, shown
    # one list item per change: a value's line break never starts a line of its own
    assert len(run.lines) == 10 and all(line.startswith(("- ", "  - ")) for line in run.lines), run.stdout


@pytest.mark.parametrize("option", ["--output={target}", "-o{target}"])
def test_a_revision_that_looks_like_an_option_never_reaches_git(
    committed: CLI, tmp_path: Path, option: str
) -> None:
    target = tmp_path / "victim"
    target.write_text("keep me\n", encoding="utf-8")
    before = snapshot(committed.root)
    for args in (["--", option.format(target=target), "HEAD"], ["HEAD", "--", option.format(target=target)]):
        run = committed("diff", *args)
        assert run.exit_code == 2
        assert f"git cannot read revision '{option.format(target=target)}'" in run.stderr, run.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert snapshot(committed.root) == before


def test_a_revision_is_verified_as_a_commit(committed: CLI) -> None:
    assert committed("diff", "HEAD", "HEAD").stdout == "No changes to the ledger.\n"
    tree = subprocess.run(
        ["git", "-C", str(committed.root), "rev-parse", "HEAD^{tree}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    run = committed("diff", tree)  # a tree is no commit
    assert run.exit_code == 2 and f"git cannot read revision '{tree}'" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--year", "2023", "--as-of", "2024-11-30"],
        ["report", "--year", "2023", "--as-of", "2024-11-30", "--format", "html"],
        ["plan", "--year", "2023", "--as-of", "2024-11-30"],
        ["stats", "--format", "csv"],
        ["rollup", "--year", "2023"],
        ["export", "--year", "2023", "--format", "xlsx"],
    ],
)
def test_output_into_a_missing_folder_is_an_error(small: CLI, tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "no" / "such"
    before = snapshot(small.root)
    run = small(*args, "-o", str(missing / "out.file"))
    assert run.exit_code == 2
    assert f"the folder {missing} does not exist" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "no").exists()
    assert snapshot(small.root) == before
