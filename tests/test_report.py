"""`auditledger report`: golden files, figures checked against independent sums, escaping,
templates overridden, and every user mistake as one line.

Golden files are regenerated on purpose only: `AUDITLEDGER_UPDATE_GOLDEN=1 pytest tests/test_report.py`,
then review the diff before committing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from auditledger.render import report as report_render
from tests.conftest import CLI, REPO, raw_problems, snapshot

GOLDEN = REPO / "tests" / "golden"
AS_OF = "2024-11-30"


@pytest.fixture
def golden_ledger(tmp_path: Path) -> CLI:
    """The fixed golden ledger, copied outside any git repository (no commit in the provenance)."""
    root = tmp_path / "ledger"
    shutil.copytree(GOLDEN / "ledger", root)
    return CLI(root)


CASES = [
    ("rectification.zh.md", ["--format", "md"]),
    ("rectification.zh.html", ["--format", "html"]),
    ("rectification.en.md", ["--format", "md", "--lang", "en"]),
    ("rectification.en.html", ["--format", "html", "--lang", "en"]),
    ("unit.zh.md", ["--kind", "unit", "--unit", "czj"]),
    ("unit.zh.html", ["--kind", "unit", "--unit", "czj", "--format", "html"]),
    ("plan-status.zh.md", ["--kind", "plan-status"]),
    ("plan-status.en.html", ["--kind", "plan-status", "--format", "html", "--lang", "en"]),
]


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
def test_golden(golden_ledger: CLI, name: str, args: list[str]) -> None:
    run = golden_ledger("report", "--year", "2023", "--as-of", AS_OF, *args)
    assert run.exit_code == 0, run.stderr
    expected = GOLDEN / name
    if os.environ.get("AUDITLEDGER_UPDATE_GOLDEN") == "1":
        expected.write_text(run.stdout, encoding="utf-8")
        pytest.skip(f"regenerated {expected.relative_to(REPO)}; review the diff")
    assert run.stdout == expected.read_text(encoding="utf-8"), f"differs from {expected.name}"


def test_the_same_ledger_and_date_give_the_same_bytes(sample: CLI, tmp_path: Path) -> None:
    for output_format in ("md", "html"):
        first, second = tmp_path / f"a.{output_format}", tmp_path / f"b.{output_format}"
        for path in (first, second):
            run = sample(
                "report",
                "--year",
                "2024",
                "--as-of",
                "2026-11-24",
                "--format",
                output_format,
                "-o",
                str(path),
            )
            assert run.exit_code == 0 and run.stdout == ""
        assert first.read_bytes() == second.read_bytes()


def test_output_states_the_cut_off_and_provenance(golden_ledger: CLI) -> None:
    """The cut-off is in the text; the provenance is a comment (Markdown) or <meta> tags (HTML),
    never printed in the body."""
    run = golden_ledger("report", "--year", "2023", "--as-of", AS_OF)
    footer = run.lines[-1]
    assert "截至2024年11月30日" in run.stdout
    assert footer.startswith("<!-- ") and footer.endswith(" -->")
    assert re.search(r"auditledger \d+\.\d+\.\d+", footer)
    assert re.search(r"as-of 2024-11-30 · sha256:[0-9a-f]{64}", footer)
    assert "git" not in footer  # the copy is outside any repository
    assert run.stdout.count("sha256:") == 1
    html = golden_ledger("report", "--year", "2023", "--as-of", AS_OF, "--format", "html").stdout
    head, body = html.split("<body>")
    assert '<meta name="auditledger:as-of" content="2024-11-30">' in head
    assert re.search(r'<meta name="auditledger:digest" content="sha256:[0-9a-f]{64}">', head)
    assert '<meta name="auditledger:kind" content="rectification">' in head
    assert "sha256" not in body and "auditledger" not in body


def test_provenance_names_the_data_not_the_commit(golden_ledger: CLI) -> None:
    """In a git repository the footer is the same before and after a commit and with
    uncommitted changes that do not change the data: it names the data's digest alone."""
    import subprocess

    root = golden_ledger.root
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    outside = golden_ledger("report", "--year", "2023", "--as-of", AS_OF).stdout
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "ledger"], check=True)
    assert golden_ledger("report", "--year", "2023", "--as-of", AS_OF).stdout == outside
    path = root / "2023" / "jyj.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 注释\n", encoding="utf-8")
    assert golden_ledger("report", "--year", "2023", "--as-of", AS_OF).stdout == outside
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    changed = golden_ledger("report", "--year", "2023", "--as-of", AS_OF).stdout.splitlines()[-1]
    assert "sha256:" in changed and changed != outside.splitlines()[-1]


# --- the figures, against sums computed here from the raw files ---------------------------


def dec(value: object) -> Decimal:
    return Decimal(str(value))


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").rstrip("%"))


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_overall_figures_equal_independent_sums(sample: CLI, year: int) -> None:
    """The headline sentence of 一 and the total of 附件2 against sums of the raw files;
    percentages cut off to whole numbers (the default `figures` setting)."""
    as_of = "2099-12-31"  # after every completion date: done means finished
    problems = raw_problems(sample.root, year)
    run = sample("report", "--year", str(year), "--as-of", as_of)
    assert run.exit_code == 0, run.stderr
    md = run.stdout

    finished = {"rectified", "closed"}
    done = sum(1 for p in problems if p.get("status") in finished)
    assert f"审计工作报告反映的{len(problems)}个问题中，已完成整改{done}个" in md
    immediate = [p for p in problems if p["type"] == "immediate"]
    if immediate:
        now = sum(1 for p in immediate if p.get("status") in finished)
        whole = now * 100 // len(immediate)
        assert f"立行立改的{len(immediate)}个问题中已完成{now}个，占{whole}%" in md
    longer = [p for p in problems if p["type"] != "immediate"]
    if longer:
        assert f"分阶段和持续整改的{len(longer)}个问题中" in md

    amount = sum((dec(p.get("amount", 0)) for p in problems), Decimal(0))
    rectified = sum((dec(v) for p in problems for v in (p.get("rectified") or {}).values()), Decimal(0))
    annex = [line for line in md.splitlines() if line.startswith("| 合计 |")]
    assert len(annex) == 1  # the detailed list's total, once
    annex_cells = [c.strip() for c in annex[0].strip("|").split("|")]
    assert annex_cells[1] == f"{len(problems)}个问题"
    assert number(annex_cells[-2]) == amount.quantize(Decimal("0.01"))
    assert number(annex_cells[-1]) == rectified.quantize(Decimal("0.01"))

    rules = sum(
        int(p["rules_count"]) if p.get("rules_count") is not None else len(p.get("rules") or [])  # type: ignore[call-overload]
        for p in problems
    )
    accountable = sum(int(p.get("accountable") or 0) for p in problems)  # type: ignore[call-overload]
    headline = next(line for line in md.splitlines() if "审计工作报告反映的" in line)
    assert (f"制定完善制度{rules}项" in headline) == (rules > 0)
    assert (f"追责问责{accountable}人" in headline) == (accountable > 0)


def test_done_counts_only_what_was_completed_by_the_as_of_date(golden_ledger: CLI) -> None:
    before = golden_ledger("report", "--year", "2023", "--as-of", "2024-09-01")
    after = golden_ledger("report", "--year", "2023", "--as-of", AS_OF)
    # 2023-001 was completed on 2024-08-20 and 2023-003 on 2024-10-20
    assert "立行立改的2个问题中已完成1个，占50%" in before.stdout
    assert "立行立改的2个问题中已完成2个，占100%" in after.stdout


# --- escaping -----------------------------------------------------------------------------

HOSTILE = """\
problems:
  - id: 2023-001
    year: 2023
    title: "a|b <script>alert(1)</script> *x* [l](javascript:alert(1))"
    description: "first line\\nsecond | line"
    category: 财政管理
    amount: 1
    unit: czj
    type: immediate
    deadline: 2024-09-30
    measures:
      - "- not a list\\n# not a heading\\n| not | a row |"
      - "1. not ordered <img src=x onerror=alert(1)>"
    status: rectified
    completed_on: 2024-09-01
    rectified:
      other: 1
    evidence:
      - "javascript:alert(1)"
    reason: "<b>bold</b> & more"
"""


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_markdown_shows_hostile_text_as_text(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger({"2023/czj.yaml": HOSTILE}))
    run = cli("report", "--year", "2023", "--as-of", AS_OF)
    assert run.exit_code == 0, run.stderr
    html = MarkdownIt("commonmark").enable("table").render(run.stdout)
    found = tags(html)
    names = {tag for tag, _ in found}
    assert not names & {"script", "img", "a", "b", "em", "h4", "ol"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a|b" in html and "*x*" in html
    # every row of the annex table keeps its eight cells
    rows = html.split("<table>")[-1].split("</table>")[0].split("<tr>")[1:]
    assert rows and all(row.count("<td") + row.count("<th") == 8 for row in rows)


def test_html_escapes_every_value_and_allows_no_script(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger({"2023/czj.yaml": HOSTILE}))
    run = cli("report", "--year", "2023", "--as-of", AS_OF, "--format", "html")
    assert run.exit_code == 0, run.stderr
    found = tags(run.stdout)
    assert not {tag for tag, _ in found} & {"script", "img", "a", "b", "iframe", "link"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in run.stdout
    assert not any("javascript:" in (value or "") for _, attrs in found for value in attrs.values())
    csp = next(
        a["content"] for t, a in found if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and csp.startswith("default-src 'none'") and "unsafe-inline" not in csp
    assert "http://" not in run.stdout.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_compiled_templates_are_kept_apart_for_markdown_and_html(
    make_ledger: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates compiled once are kept (Jinja's bytecode cache); `_text.j2` serves both
    formats and compiles differently under each one's escaping, so the kept code of one must
    never serve the other."""
    cli = CLI(make_ledger({"2023/czj.yaml": HOSTILE}))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a cache folder of this test's own

    def both() -> list[str]:
        return [
            cli("report", "--year", "2023", "--as-of", AS_OF, *extra).stdout
            for extra in ([], ["--format", "html"])
        ]

    kept = both() + both()
    assert any(p.name.startswith("_jinja2-cache") for p in tmp_path.iterdir())
    monkeypatch.setattr(report_render, "_compiled_templates", lambda output: None)
    assert kept == both() + both()


# --- templates ----------------------------------------------------------------------------


def test_templates_option_replaces_one_file_and_keeps_the_others(golden_ledger: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "_text.j2").write_text(
        (REPO / "templates" / "_text.j2").read_text(encoding="utf-8").replace("请予审议。", "请审议。"),
        encoding="utf-8",
    )
    run = golden_ledger("report", "--year", "2023", "--as-of", AS_OF, "--templates", str(folder))
    assert run.exit_code == 0, run.stderr
    assert "的整改情况，请审议。" in run.stdout
    assert "## 附件2：整改详细清单" in run.stdout  # the rest from the shipped templates


def test_ledger_setting_names_a_templates_folder(golden_ledger: CLI) -> None:
    root = golden_ledger.root
    (root / "my-templates").mkdir()
    (root / "my-templates" / "plan-status.md.j2").write_text(
        "{{ report.overall.share.count }} 个问题 {{ report.heading.year }}\n", encoding="utf-8"
    )
    settings = root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "templates: my-templates\n", encoding="utf-8")
    run = golden_ledger("report", "--year", "2023", "--as-of", AS_OF, "--kind", "plan-status")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "5 个问题 2023\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% if %}", "plan-status.md.j2:1: template-syntax:"),
        (
            "{{ report.no_such_thing }}",
            "template error: 'auditledger.reports.PlanStatus object' has no attribute",
        ),
    ],
)
def test_a_broken_template_is_one_line(golden_ledger: CLI, tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "plan-status.md.j2").write_text(text, encoding="utf-8")
    run = golden_ledger(
        "report", "--year", "2023", "--as-of", AS_OF, "--kind", "plan-status", "--templates", str(tmp_path)
    )
    assert run.exit_code == 2
    assert message in run.stderr and "Traceback" not in run.stderr


# --- output and mistakes ------------------------------------------------------------------


def test_output_file_is_written_and_ledger_untouched(golden_ledger: CLI, tmp_path: Path) -> None:
    before = snapshot(golden_ledger.root)
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    run = golden_ledger("report", "--year", "2023", "--as-of", AS_OF, "--format", "html", "-o", str(target))
    assert run.exit_code == 0 and run.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert snapshot(golden_ledger.root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2019"], "the ledger has no problems of 2019; years with problems: 2023"),
        (["--year", "2023", "--kind", "unit"], "--kind unit needs --unit"),
        (
            ["--year", "2023", "--kind", "unit", "--unit", "czjj"],
            "--unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
        ),
        (["--year", "2023", "--as-of", "2024-13-01"], "--as-of: '2024-13-01' is not a valid date"),
    ],
)
def test_mistakes_are_one_line(golden_ledger: CLI, args: list[str], message: str) -> None:
    run = golden_ledger("report", *args)
    assert run.exit_code == 2
    assert message in run.stderr and "Traceback" not in run.stderr


def test_the_templates_setting_reaches_every_rendered_document(sample: CLI) -> None:
    """plan, stats --format html and rollup use the committee's templates too, not only report."""
    folder = sample.root / "my-templates"
    folder.mkdir()
    (folder / "_text.j2").write_text(
        (REPO / "templates" / "_text.j2")
        .read_text(encoding="utf-8")
        .replace("auditledger {{ v.version }} ·", "本委员会用 auditledger {{ v.version }} ·"),
        encoding="utf-8",
    )
    (folder / "stats.html.j2").write_text("自定义统计 {{ report.total.problems }}\n", encoding="utf-8")
    settings = sample.root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "templates: my-templates\n", encoding="utf-8")
    as_of = ("--as-of", "2026-11-24")
    assert "本委员会用 auditledger" in sample("plan", "--year", "2025", *as_of).stdout
    assert "本委员会用 auditledger" in sample("rollup", "--year", "2025", *as_of).stdout
    assert sample("stats", "--format", "html", *as_of).stdout == "自定义统计 47\n"
