"""Templates that come with a ledger (`templates:` in auditledger.yaml, `--templates DIR`):
sandboxed, named when they go wrong, and covered by the document's provenance."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.conftest import CLI, PROBLEM, REPO, SETTINGS, YEAR, snapshot

GOLDEN = REPO / "tests" / "golden"
AS_OF = "2024-11-30"


@pytest.fixture
def golden(tmp_path: Path) -> CLI:
    root = tmp_path / "ledger"
    shutil.copytree(GOLDEN / "ledger", root)
    return CLI(root)


def use_templates(root: Path, folder: str = "tpl") -> Path:
    """`templates: folder` in the ledger's settings; the folder, made."""
    settings = root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"templates: {folder}\n", encoding="utf-8")
    (root / folder).mkdir(exist_ok=True)
    return root / folder


# --- the sandbox -------------------------------------------------------------------------

ATTACKS = [
    "{{ cycler.__init__.__globals__.os.popen('touch ' ~ target).read() }}",
    "{{ joiner.__init__.__globals__.os.system('touch ' ~ target) }}",
    "{{ joiner.__init__.__globals__['os'].popen('touch ' ~ target).read() }}",  # (lipsum is gone)
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c }}{% endfor %}",
    "{{ '{0.__class__.__mro__}'.format(report) }}",
    "{{ self._TemplateReference__context }}",
    "{% set found = [] %}{{ found.append(1) }}",
    "{{ 'x' * 10 ** 9 }}",
    # through the records of the report's data, whose attributes are looked up without asking
    # the sandbox each time: their methods and internals are still guarded
    "{{ report.heading.__class__.__mro__ }}",
    "{{ report.heading.__dict__ }}",
    "{{ report.heading.__init__.__globals__.os.system('touch ' ~ target) }}",
    "{% for i in report.items %}{{ i.problem.__class__.__mro__ }}{% endfor %}",
    "{% for i in report.items %}{{ i.problem.status.__class__.__mro__ }}{% endfor %}",
    "{% for i in report.items %}{{ i.problem.model_copy.__globals__ }}{% endfor %}",
    "{{ {'heading': report.heading}.heading.__init__.__globals__ }}",
    # pydantic's own names on a record: through `model_fields`, FieldInfo.apply_typevars_map
    # evaluates any text as Python (found by a review)
    "{% set fi = report.heading.meta.model_fields['year'] %}"
    "{{ fi.apply_typevars_map({fi.annotation: \"(__import__('pathlib').Path('\" ~ target ~ \"')"
    '.touch(), int)[1]"}) }}',
    "{% for i in report.items[:1] %}{% set fi = i.problem.model_fields.title %}"
    "{{ fi.apply_typevars_map({fi.annotation: \"(__import__('pathlib').Path('\" ~ target ~ \"')"
    '.touch(), str)[1]"}) }}{% endfor %}',
    "{{ report.heading.meta['model_fields'] }}",
    "{{ report.heading.meta|attr('model_copy') }}",
    "{% for i in report.items[:1] %}{{ i.problem.model_json_schema() }}{% endfor %}",
    # a text's methods and filters that size what they make
    "{{ 'x'.ljust(10 ** 9) }}",
    "{{ 'a\tb'.expandtabs(10 ** 9) }}",
    "{{ ('x' * 1000000).replace('', 'yy') }}",
    "{{ ('x' * 1000000) | replace('', 'y' * 1000) }}",
    "{{ range(100000) | join('x' * 100000) }}",
    "{{ ('x' * 1000).join(range(100000) | map('string')) }}",
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("output", ["md", "html"])
def test_a_ledger_template_cannot_reach_python(golden: CLI, tmp_path: Path, attack: str, output: str) -> None:
    folder = use_templates(golden.root)
    target = tmp_path / "pwned"
    (folder / f"rectification.{output}.j2").write_text(
        "{% set target = '" + str(target) + "' %}\n" + attack + "\n", encoding="utf-8"
    )
    before = snapshot(golden.root)
    run = golden("report", "--year", "2023", "--as-of", AS_OF, "--format", output)
    assert run.exit_code == 2, run.stdout
    assert re.fullmatch(
        rf"error: \S*/tpl/rectification\.{output}\.j2:2: template-unsafe: [^\n]+\n", run.stderr
    ), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert not target.exists()
    assert snapshot(golden.root) == before


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["plan", "--year", "2025"], "plan.md.j2"),
        (["rollup", "--year", "2025"], "rollup.md.j2"),
        (["stats", "--format", "html"], "stats.html.j2"),
        (["report", "--year", "2025", "--kind", "cases"], "cases.md.j2"),
    ],
)
def test_every_rendered_document_is_sandboxed(
    sample: CLI, tmp_path: Path, args: list[str], name: str
) -> None:
    folder = use_templates(sample.root)
    target = tmp_path / "pwned"
    (folder / name).write_text(
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {target}').read() }}}}\n", encoding="utf-8"
    )
    run = sample(*args, "--as-of", "2026-11-24")
    assert run.exit_code == 2 and f"tpl/{name}:1: template-unsafe:" in run.stderr, run.stderr
    assert not target.exists()


def test_templates_option_is_sandboxed_and_a_shared_macro_names_its_own_file(
    golden: CLI, tmp_path: Path
) -> None:
    """A template imported by the shipped ones (`_text.j2`) is named with its own line."""
    folder = tmp_path / "mine"
    folder.mkdir()
    shipped = (REPO / "templates" / "_text.j2").read_text(encoding="utf-8")
    (folder / "_text.j2").write_text(
        shipped.replace("{% macro all_done() -%}\n", "{% macro all_done() -%}\n{{ report.__class__ }}\n"),
        encoding="utf-8",
    )
    (folder / "plan-status.md.j2").write_text(
        '{% import "_text.j2" as x %}{{ x.all_done() }}\n', encoding="utf-8"
    )
    line = shipped.splitlines().index("{% macro all_done() -%}") + 2
    run = golden(
        "report", "--year", "2023", "--as-of", AS_OF, "--kind", "plan-status", "--templates", str(folder)
    )
    assert run.exit_code == 2
    assert f"{folder}/_text.j2:{line}: template-unsafe: access to attribute '__class__'" in run.stderr, (
        run.stderr
    )


def test_a_failing_ledger_template_is_one_line_with_its_place(golden: CLI) -> None:
    folder = use_templates(golden.root)
    (folder / "plan-status.md.j2").write_text("# 标题\n\n{{ 1 / 0 }}\n", encoding="utf-8")
    run = golden("report", "--year", "2023", "--as-of", AS_OF, "--kind", "plan-status")
    assert run.exit_code == 2
    assert re.match(r"error: \S*/tpl/plan-status\.md\.j2:3: template error: ZeroDivisionError", run.stderr), (
        run.stderr
    )
    assert "internal error" not in run.stderr


def test_the_shipped_templates_render_in_the_sandbox_as_before(golden: CLI) -> None:
    """The goldens of tests/test_report.py hold too; this names the sandbox: the shipped
    templates make every kind of document in it without one refusal."""
    for kind in ("rectification", "unit", "plan-status", "cases", "budget-review", "assets"):
        for output in ("md", "html"):
            run = golden(
                "report",
                "--year",
                "2023",
                "--as-of",
                AS_OF,
                "--kind",
                kind,
                "--unit",
                "czj",
                "--format",
                output,
            )
            assert run.exit_code == 0, (kind, output, run.stderr)


# --- a templates folder that is not there --------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--year", "2023"],
        ["report", "--year", "2023", "--format", "html"],
        ["plan", "--year", "2023"],
        ["rollup", "--year", "2023"],
        ["stats", "--format", "html"],
    ],
)
def test_a_templates_setting_that_names_no_folder_is_an_error(
    make_ledger: Callable[..., Path], args: list[str]
) -> None:
    cli = CLI(make_ledger({"auditledger.yaml": SETTINGS + "templates: my-tempaltes\n"}))
    before = snapshot(cli.root)
    run = cli(*args, "--as-of", AS_OF)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr == (
        f"error: {cli.root / 'auditledger.yaml'}:6:1: templates-missing: `templates: my-tempaltes` names no "
        f"folder ({cli.root / 'my-tempaltes'}); create the folder, correct the path (relative to the ledger "
        "folder) or remove the setting\n"
    )
    assert snapshot(cli.root) == before


def test_a_templates_option_that_names_no_folder_is_an_error(golden: CLI, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    run = golden("report", "--year", "2023", "--as-of", AS_OF, "--templates", str(missing))
    assert run.exit_code == 2
    assert "--templates" in run.stderr and str(missing) in run.stderr and "does not exist" in run.stderr


# --- provenance --------------------------------------------------------------------------


def digests(text: str) -> tuple[str, str | None]:
    """(ledger data digest, own templates digest) named by a document's provenance (a Markdown
    comment or HTML <meta> tags)."""
    data = re.search(r'(?:as-of \S+ · |auditledger:digest" content=")sha256:([0-9a-f]{64})', text)
    own = re.search(r'templates(?: |" content=")sha256:([0-9a-f]{64})', text)
    assert data
    return data.group(1), own.group(1) if own else None


def test_a_ledger_template_is_part_of_the_provenance(golden: CLI) -> None:
    shipped_only = golden("report", "--year", "2023", "--as-of", AS_OF).stdout
    assert shipped_only == (GOLDEN / "rectification.zh.md").read_text(encoding="utf-8")
    assert digests(shipped_only)[1] is None  # the shipped templates alone: the footer says nothing of them

    folder = use_templates(golden.root)
    empty = golden("report", "--year", "2023", "--as-of", AS_OF).stdout
    data, none = digests(empty)  # the setting is data of the ledger; an empty folder replaces nothing
    assert none is None
    text = (REPO / "templates" / "_text.j2").read_text(encoding="utf-8")
    (folder / "_text.j2").write_text(text, encoding="utf-8")
    first = golden("report", "--year", "2023", "--as-of", AS_OF).stdout
    assert digests(first)[0] == data and digests(first)[1] is not None

    (folder / "_text.j2").write_text(text.replace("请予审议。", "请审议。"), encoding="utf-8")
    second = golden("report", "--year", "2023", "--as-of", AS_OF).stdout
    assert "的整改情况，请审议。" in second
    assert digests(second)[0] == data and digests(second)[1] not in (None, digests(first)[1])

    html = golden("report", "--year", "2023", "--as-of", AS_OF, "--format", "html").stdout
    assert digests(html)[1] is not None  # the HTML uses _text.j2 too


def test_the_provenance_covers_the_templates_a_document_uses_and_no_other(golden: CLI) -> None:
    folder = use_templates(golden.root)
    (folder / "plan-status.md.j2").write_text(
        '{% import "_text.j2" as x with context %}{% include "_part.j2" %}\n'
        "{{ x.provenance(report.heading) | safe }}\n",
        encoding="utf-8",
    )
    (folder / "_part.j2").write_text("第一版\n", encoding="utf-8")

    def own() -> str | None:
        run = golden("report", "--year", "2023", "--as-of", AS_OF, "--kind", "plan-status")
        assert run.exit_code == 0, run.stderr
        return digests(run.stdout)[1]

    first = own()
    assert first is not None
    (folder / "unit.md.j2").write_text("不用于此文件\n", encoding="utf-8")
    assert own() == first  # a template this document does not use
    (folder / "_part.j2").write_text("第二版\n", encoding="utf-8")
    assert own() != first  # one it includes


def test_a_template_that_is_not_utf8_is_named(golden: CLI) -> None:
    folder = use_templates(golden.root)
    (folder / "plan-status.md.j2").write_bytes("标题".encode("gb18030"))
    run = golden("report", "--year", "2023", "--as-of", AS_OF, "--kind", "plan-status")
    assert run.exit_code == 2
    assert re.match(r"error: \S*/tpl/plan-status\.md\.j2: a template is not UTF-8 text", run.stderr), (
        run.stderr
    )


# --- Markdown escaped once ------------------------------------------------------------------


def test_markdown_titles_are_escaped_once(make_ledger: Callable[..., Path]) -> None:
    title = "A&B <b>粗</b> [链接](x)"
    year = YEAR + f'rectification_report:\n  title: "{title}"\n'
    problem = PROBLEM.replace("title: 专项资金下达不及时", f'title: "{title}"')
    cli = CLI(make_ledger({"2023/_year.yaml": year, "2023/czj.yaml": problem}))
    run = cli("report", "--year", "2023", "--as-of", AS_OF)
    assert run.exit_code == 0, run.stderr
    assert "&amp;lt;" not in run.stdout and "\\\\[" not in run.stdout and "&amp;amp;" not in run.stdout
    html = MarkdownIt("commonmark").enable("table").render(run.stdout)
    shown = (
        "A&amp;B &lt;b&gt;粗&lt;/b&gt; [链接](x)"  # the title as written, HTML-escaped once by markdown-it
    )
    assert f"<h1>{shown}</h1>" in html
    assert f"<td>{shown}</td>" in html  # in the annexes' tables
