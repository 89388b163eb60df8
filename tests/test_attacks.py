"""What an attack on the hardened ledger found, each now one clear refusal and no change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditledger.render import report as report_render
from tests.conftest import CLI, snapshot

REPORT = ("report", "--year", "2023", "--as-of", "2026-11-24")


@pytest.fixture
def templated(sample: CLI) -> CLI:
    settings = sample.root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "templates: tpl\n", encoding="utf-8")
    (sample.root / "tpl").mkdir()
    return sample


def _template(cli: CLI, text: str, name: str = "rectification.md.j2") -> None:
    (cli.root / "tpl" / name).write_text(text, encoding="utf-8")


def test_a_template_that_is_a_link_is_not_read(templated: CLI, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容\n", encoding="utf-8")
    (templated.root / "tpl" / "rectification.md.j2").symlink_to(secret)
    run = templated(*REPORT)
    assert run.exit_code == 2 and "机密内容" not in run.stdout
    assert (
        "tpl/rectification.md.j2: template-unsafe: not read: a template must be a regular file" in run.stderr
    )
    (templated.root / "tpl" / "rectification.md.j2").unlink()
    _template(templated, '{% include "leak.j2" %}\n')
    (templated.root / "tpl" / "leak.j2").symlink_to(secret)
    included = templated(*REPORT)
    assert included.exit_code == 2 and "机密内容" not in included.stdout
    assert "tpl/leak.j2: template-unsafe" in included.stderr


def test_a_fifo_template_is_refused_not_waited_on(templated: CLI) -> None:
    os.mkfifo(templated.root / "tpl" / "fifo.j2")
    _template(templated, '{% include "fifo.j2" %}\n')
    run = templated(*REPORT)
    assert run.exit_code == 2 and "tpl/fifo.j2: template-unsafe" in run.stderr


@pytest.mark.parametrize("folder", ["/etc", "../../etc"])
def test_the_templates_setting_stays_inside_the_ledger(sample: CLI, folder: str) -> None:
    settings = sample.root / "auditledger.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"templates: {folder}\n", encoding="utf-8")
    run = sample(*REPORT)
    assert (
        run.exit_code == 2
        and f"templates-outside: `templates: {folder}` is not a folder inside" in run.stderr
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{{ "{:,>1000000000}".format("") | length }}', "may not ask for that width"),
        ('{{ "%.*f" | format(1000000000, 1) | length }}', "may not ask for that width"),
        ('{{ "x" | center(1000000000) | length }}', "the filter center is asked for too large a size"),
        ('{{ "x" | indent(1000000000) | length }}', "the filter indent is asked for too large a size"),
        ("{{ ((10**1000)**1000)**100 > 1 }}", "the power is too large for a template"),
        ("{{ lipsum(n=10000000) }}", "'lipsum' is undefined"),
    ],
)
def test_a_template_cannot_make_giant_text(templated: CLI, text: str, message: str) -> None:
    _template(templated, text + "\n")
    run = templated(*REPORT)
    assert run.exit_code == 2 and message in run.stderr, run.stderr


def test_ordinary_formats_still_work(templated: CLI) -> None:
    _template(
        templated, '[{{ "{:>6}".format("ok") }}|{{ "%5.2f" | format(3.14159) }}|{{ "x" | center(5) }}]\n'
    )
    run = templated(*REPORT)
    assert run.exit_code == 0 and "[    ok| 3.14|  x  ]" in run.stdout


def test_a_template_that_runs_too_long_is_stopped(templated: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_render, "RENDER_SECONDS", 1)
    _template(templated, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    run = templated(*REPORT)
    assert run.exit_code == 2
    assert "template-slow: rendering the rectification document took more than 1 s" in run.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("report", "--year", "2024", "--as-of", "2026-11-24", "-o", "units.yaml"),
        ("report", "--year", "2024", "--as-of", "2026-11-24", "-o", "2024/czj.yaml"),
        ("report", "--year", "2024", "--as-of", "2026-11-24", "-o", "2024/说明.md"),
        ("report", "--year", "2024", "--as-of", "2026-11-24", "-o", ".auditledger/lock"),
        ("export", "--year", "2024", "-o", "auditledger.yaml"),
        ("export", "--year", "2024", "--format", "csv", "-o", "2024/zz.yaml"),
    ],
    ids=lambda c: c[-1],
)
def test_output_never_goes_over_the_ledgers_own_files(sample: CLI, command: tuple[str, ...]) -> None:
    before = snapshot(sample.root)
    *args, target = command
    run = sample(*args, str(sample.root / target))
    assert run.exit_code == 2 and "it is one of the ledger's own files or folders" in run.stderr
    assert snapshot(sample.root) == before
    assert sample(*REPORT, "-o", str(sample.root / "reports.md")).exit_code == 0  # a report may live there


def test_a_query_that_returns_too_much_text_is_stopped(sample: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditledger import sql

    monkeypatch.setattr(sql, "MAX_RESULT", 1 << 20)
    run = sample(
        "query",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 2000) "
        "SELECT hex(zeroblob(7000)) FROM c",
    )
    assert run.exit_code == 2 and "the statement returns more than 1 MB of text" in run.stderr
    huge = sample("query", "SELECT 1", "--max-rows", "2147483648")
    assert huge.exit_code == 2 and "internal error" not in huge.stderr


def test_the_confirmation_names_the_change_just_made(sample: CLI) -> None:
    # 2024-002's latest entry is dated 2026-11-24; a change reported late goes in before it
    run = sample("update", "2024-002", "--next-steps", "继续推进", "--date", "2026-11-02")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("2024-002 2026-11-02 updated; Next steps: ")  # a label, not the key
    assert "继续推进" in run.stdout


def test_output_onto_a_device_or_fifo_says_so(sample: CLI, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in ("/dev/full", str(fifo)):
        run = sample(*REPORT, "-o", target)
        assert run.exit_code == 2
        assert f"could not write {target}: it is not a regular file" in run.stderr


def test_an_audit_year_past_the_last_date_is_refused(sample: CLI) -> None:
    before = snapshot(sample.root)
    run = sample(
        "add-problem", "--year", "2999", "--title", "x", "--unit", "czj", "--amount", "1",
        "--type", "立行立改", "--deadline", "2027-01-01",
    )  # fmt: skip
    assert run.exit_code == 2 and "--year: 2999 is not valid" in run.stderr
    assert snapshot(sample.root) == before
