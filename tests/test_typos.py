"""A typo in a filter or option is an error (exit 2, "did you mean"), never an empty answer; a
unit's name stands for its id and a known tag's Chinese label for the tag."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CLI, raw_problems, snapshot

MISTAKES = [
    (["list", "--unit", "czjj"], "error: --unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?"),
    (["list", "--unit", "财政"], "error: --unit: unit '财政' is not in units.yaml; did you mean '财政局'?"),
    (
        ["list", "--category", "财政"],
        "error: --category: no category '财政' in the ledger; did you mean '财政管理'?",
    ),
    (
        ["list", "--year", "2099"],
        "error: --year: the ledger has no problems of 2099; years in the ledger: 2023, 2024, 2025",
    ),
    (["list", "--status", "完成"], "error: --status: '完成' is not a valid value; use one of:"),
    (["list", "--type", "马上改"], "error: --type: '马上改' is not a valid value; use one of:"),
    (["list", "--with-lower", "--unit", "czjj"], "error: --unit: unit 'czjj' is not in units.yaml"),
    (
        ["overdue", "--unit", "czjj", "--fail", "--as-of", "2026-11-24"],
        "error: --unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
    ),
    (["overdue", "--year", "2099"], "error: --year: the ledger has no problems of 2099"),
    (["stats", "--years", "2099"], "error: --years: the ledger has no problems of 2099"),
    (["stats", "--years", "2090-2099"], "error: --years: the ledger has no problems of 2090-2099"),
    (
        ["sample", "--year", "2099", "--count", "1", "--seed", "1"],
        "error: --year: the ledger has no problems of 2099",
    ),
    (["recurring", "--year", "2099"], "error: --year: the ledger has no problems of 2099"),
    (
        ["export", "--year", "2023", "--unit", "czjj", "--format", "csv"],
        "error: --unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
    ),
    (
        ["report", "--year", "2023", "--as-of", "2024-09-30", "--kind", "unit", "--unit", "czjj"],
        "error: --unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
    ),
    (
        ["update", "2023-001", "--tag", "foo"],
        "error: --tag: 'foo' is not a known tag; use one of: "
        "public_concern (concern of deputies and the public), budget_focus (focus of budget review)",
    ),
    (
        ["update", "2023-001", "--tag", "budget_fcus"],
        "error: --tag: 'budget_fcus' is not a known tag; did you mean 'budget_focus'?",
    ),
    (
        ["update", "2023-001", "--budget-department", "czjj"],
        "error: --budget-department: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
    ),
    (
        ["recommendation", "add", "--year", "2024", "--text", "建议", "--unit", "czjj"],
        "error: --unit: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
    ),
    (
        ["hearing", "question", "2024-H1", "--to", "czjj", "--text", "问"],
        "error: --to: unit 'czjj' is not in units.yaml; did you mean 'czj'?",
    ),
]


@pytest.mark.parametrize(("args", "message"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_a_typo_is_refused_with_what_there_is(sample: CLI, args: list[str], message: str) -> None:
    before = snapshot(sample.root)
    result = sample(*args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    assert snapshot(sample.root) == before


def _ids(result_stdout: str) -> list[str]:
    return [row["id"] for row in json.loads(result_stdout)]


@pytest.mark.parametrize("name", ["财政局", "示例市财政局", "czj"])
def test_a_unit_name_stands_for_its_id(sample: CLI, name: str) -> None:
    by_name = sample("list", "--unit", name, "--format", "json")
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.stderr == ""
    ids = _ids(by_name.stdout)
    assert ids and ids == _ids(sample("list", "--unit", "czj", "--format", "json").stdout)
    overdue = sample("overdue", "--as-of", "2026-11-24", "--unit", name, "--format", "json")
    assert overdue.exit_code == 0 and {row["unit"] for row in json.loads(overdue.stdout)} == {"czj"}


def test_a_unit_name_in_export_and_the_unit_report(sample: CLI) -> None:
    exported = sample("export", "--year", "2023", "--unit", "财政局", "--format", "json")
    assert exported.exit_code == 0, exported.stderr
    assert {p["unit"] for p in json.loads(exported.stdout)} == {"czj"}
    by_name = sample("report", "--year", "2023", "--kind", "unit", "--unit", "示例市财政局")
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.stdout == sample("report", "--year", "2023", "--kind", "unit", "--unit", "czj").stdout


def test_with_lower_a_short_name_names_the_unit_of_each_level(sample: CLI) -> None:
    result = sample("list", "--with-lower", "--unit", "财政局", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {(row["jurisdiction"], row["unit"]) for row in json.loads(result.stdout)} == {
        ("示例市", "czj"),
        ("东山区", "qczj"),
    }


def test_a_known_category_and_year_still_filter(sample: CLI) -> None:
    result = sample("list", "--category", "财政管理", "--year", "2023", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {(r["category"], r["year"]) for r in rows} == {("财政管理", 2023)}
    assert sample("stats", "--years", "2020-2023").exit_code == 0


def test_a_tag_by_its_chinese_label(sample: CLI) -> None:
    result = sample(
        "update", "2023-001", "--tag", "预算审查重点", "--tag", "代表和群众关心", "--date", "2026-11-24"
    )
    assert result.exit_code == 0, result.stderr
    (problem,) = [p for p in raw_problems(sample.root, 2023) if p["id"] == "2023-001"]
    assert problem["tags"] == ["budget_focus", "public_concern"]


def test_a_tag_the_ledger_already_uses_is_accepted(sample: CLI) -> None:
    path = next((sample.root / "2023").glob("czj.yaml"))
    text = path.read_text(encoding="utf-8")
    first = text.index("  - id: 2023-001\n") + len("  - id: 2023-001\n")
    path.write_text(text[:first] + "    tags: [local_focus]\n" + text[first:], encoding="utf-8")
    result = sample("update", "2023-002", "--tag", "local_focus", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    refused = sample("update", "2023-002", "--tag", "local_fcus", "--date", "2026-11-24")
    assert refused.exit_code == 2
    assert "did you mean 'local_focus'?" in refused.stderr


def test_a_budget_department_by_name(sample: CLI) -> None:
    result = sample("update", "2023-002", "--budget-department", "财政局", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    (problem,) = [p for p in raw_problems(sample.root, 2023) if p["id"] == "2023-002"]
    assert problem["budget_department"] == "czj"
