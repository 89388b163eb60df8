"""`auditledger check`: every diagnostic code, raised by a YAML case, with its position."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from auditledger import store
from auditledger.checks import CHECKS, run_checks
from auditledger.loader import FILE_CODES, ledger_files, load
from tests.conftest import CLI, PROBLEM, SECOND, UNITS, YEAR


def problem(**changes: str) -> str:
    """The standard problem with some lines replaced or added (`key="yaml line"`)."""
    lines = PROBLEM.splitlines()
    for key, line in changes.items():
        index = next((i for i, text in enumerate(lines) if text.strip().startswith(f"{key}:")), None)
        if index is None:
            lines.append(f"    {line}")
        elif line:
            lines[index] = f"    {line}"
        else:
            del lines[index]
    return "\n".join(lines) + "\n"


CASES: dict[str, tuple[dict[str, str | None], str]] = {
    # code: (files, expected "path:line:col" of the first diagnostic with that code)
    "yaml-syntax": ({"2023/czj.yaml": "problems:\n  - id: [2023-001\n"}, "2023/czj.yaml:3:1"),
    "duplicate-key": (
        {"2023/czj.yaml": problem() + "    title: 又一个标题\n"},
        "2023/czj.yaml:11:5",
    ),
    "yaml-alias": ({"2023/czj.yaml": problem(title="title: &t 专项资金下达不及时")}, "2023/czj.yaml:4:12"),
    "yaml-tag": (
        {"2023/czj.yaml": problem(title="title: !!python/object:os.system ls")},
        "2023/czj.yaml:4:12",
    ),
    "yaml-depth": (
        {"2023/czj.yaml": problem(measures="measures: " + "[" * 40 + "]" * 40)},
        "2023/czj.yaml:11:44",
    ),
    "multi-document": ({"2023/czj.yaml": problem() + "---\nproblems: []\n"}, "2023/czj.yaml:11:1"),
    "control-character": (
        {"2023/czj.yaml": problem(title="title: 专项资金\u2028下达")},
        "2023/czj.yaml:4:16",
    ),
    "encoding": ({"2023/jyj.yaml": "problems: []\n"}, "2023/jyj.yaml:2"),
    "unreadable": ({"2023/dir.yaml/x": "x"}, "2023/dir.yaml"),
    "file-too-large": ({"2023/big.yaml": "problems: []\n" + "# padding\n" * 200}, "2023/big.yaml"),
    "symlink": ({}, "2023/link.yaml"),  # made in the test: a link to czj.yaml
    "not-a-file": ({}, "2023/pipe.yaml"),  # made in the test: a FIFO
    "reserved-name": ({"2023/nul.yaml": "problems: []\n"}, "2023/nul.yaml"),
    "file-shape": ({"2023/czj.yaml": "problems:\n  id: 2023-001\n"}, "2023/czj.yaml:1:1"),
    "missing-file": ({"units.yaml": None, "2023/czj.yaml": None}, "units.yaml"),
    "stray-file": ({"2023/jyj.yml": "problems: []\n"}, "2023/jyj.yml"),
    "missing-field": ({"2023/czj.yaml": problem(deadline="")}, "2023/czj.yaml:2:5"),
    "unknown-field": (
        {"2023/czj.yaml": problem(deadlin="deadlin: 2024-09-30")},
        "2023/czj.yaml:11:5",
    ),
    "invalid-choice": ({"2023/czj.yaml": problem(status="status: 完成了")}, "2023/czj.yaml:10:5"),
    "invalid-date": (
        {"2023/czj.yaml": problem(deadline="deadline: 2024-13-01")},
        "2023/czj.yaml:9:5",
    ),
    "invalid-amount": ({"2023/czj.yaml": problem(amount="amount: -3")}, "2023/czj.yaml:6:5"),
    "invalid-value": ({"2023/czj.yaml": problem(unit="unit: 财政局")}, "2023/czj.yaml:7:5"),
    "duplicate-unit": (
        {"units.yaml": UNITS + "  - id: czj\n    name: 又一个财政局\n"},
        "units.yaml:8:5",
    ),
    "unknown-unit": (
        {"2023/czj.yaml": problem(cooperating="cooperating: [jyjj]")},
        "2023/czj.yaml:11:19",
    ),
    "duplicate-id": (
        {"2023/czj.yaml": problem() + SECOND.replace("2023-002", "2023-001")},
        "2023/czj.yaml:2:5",
    ),
    "wrong-file": ({"2023/czj.yaml": None, "2023/jyj.yaml": problem()}, "2023/jyj.yaml:7:5"),
    "rectified-exceeds-amount": (
        {"2023/czj.yaml": problem(rectified="rectified: {recovered: 100.51}")},
        "2023/czj.yaml:11:5",
    ),
    "rectified-without-date": (
        {"2023/czj.yaml": problem(status="status: 已整改")},
        "2023/czj.yaml:10:5",
    ),
    "closed-incomplete": (
        {"2023/czj.yaml": problem(status="status: closed", completed_on="completed_on: 2024-09-01")},
        "2023/czj.yaml:10:5",
    ),
    "broken-recurring-link": (
        {"2023/czj.yaml": problem(recurring_from="recurring_from: [2022-009]")},
        "2023/czj.yaml:11:22",
    ),
    "unknown-problem-link": (
        {
            "2023/_year.yaml": YEAR + "suggestions:\n  - {id: 2023-S1, deputy: 王代表, text: 建议, "
            "received: 2024-07-10, problems: [2023-009]}\n"
        },
        "2023/_year.yaml:7:75",
    ),
    "milestones-out-of-order": (
        {
            "2023/czj.yaml": problem(
                milestones="milestones: [{due: 2024-08-01, text: 二}, {due: 2024-07-01, text: 一}]"
            )
        },
        "2023/czj.yaml:11:47",
    ),
    "deadline-before-hearing": (
        {"2023/czj.yaml": problem(deadline="deadline: 2024-05-31")},
        "2023/czj.yaml:9:5",
    ),
    "unknown-category": (
        {"2023/czj.yaml": problem(category="category: 财政管里")},
        "2023/czj.yaml:5:5",
    ),
    "recommendation-unanswered": (
        {
            "2023/_year.yaml": YEAR + "rectification_report: {heard_on: 2024-12-24}\nrecommendations:\n"
            "  - {id: 2023-A1, text: 健全机制}\n"
        },
        "2023/_year.yaml:8:5",
    ),
    "date-in-future": (
        {"2023/czj.yaml": problem(completed_on="completed_on: 2099-01-01")},
        "2023/czj.yaml:11:5",
    ),
    "answer-before-question": (
        {
            "2023/_year.yaml": YEAR + "suggestions:\n  - {id: 2023-S1, deputy: 王代表, text: 建议, "
            "received: 2024-07-10, answered: 2024-07-01}\n"
        },
        "2023/_year.yaml:7:64",
    ),
    "report-back-before-adoption": (
        {
            "2023/_year.yaml": YEAR + "resolutions:\n  - {id: 2023-R1, kind: opinion, adopted: 2024-06-28, "
            "text: 意见, reported: 2024-06-01}\n"
        },
        "2023/_year.yaml:7:65",
    ),
    "copy-before-answer": (
        {
            "2023/_year.yaml": YEAR + "suggestions:\n  - {id: 2023-S1, deputy: 王代表, text: 建议, "
            "received: 2024-07-10, copied: 2024-08-01}\n"
        },
        "2023/_year.yaml:7:64",
    ),
    "follow-up-before-vote": (
        {
            "2023/_year.yaml": YEAR + "votes:\n  - {id: 2023-V1, date: 2024-12-24, target: report, "
            "members: 40, satisfied: 30, basic: 5, unsatisfied: 5, result: satisfied, "
            "sent_to_party: 2024-12-01}\n"
        },
        "2023/_year.yaml:7:126",
    ),
    "closed-before-completion": (
        {
            "2023/czj.yaml": problem(
                status="status: closed",
                completed_on="completed_on: 2024-09-01",
                closed_on="closed_on: 2024-08-01",
                evidence="evidence: [整改报告]",
            )
        },
        "2023/czj.yaml:12:5",
    ),
    "milestone-after-deadline": (
        {
            "2023/czj.yaml": problem(
                type="type: phased", milestones="milestones: [{due: 2024-10-31, text: 完成}]"
            )
        },
        "2023/czj.yaml:11:19",
    ),
    "history-order": (
        {
            "2023/czj.yaml": problem(
                history="history: [{date: 2024-08-01, action: create}, {date: 2024-07-01, note: 早于上一条}]"
            )
        },
        "2023/czj.yaml:11:52",
    ),
    "history-mismatch": (
        {
            "2023/czj.yaml": problem(
                history="history: [{date: 2024-08-01, changes: [{field: case, old: 典型}]}]"
            )
        },
        "2023/czj.yaml:11:15",
    ),
    "evidence-outside": (
        {"2023/czj.yaml": problem(evidence="evidence: [整改报告, ../../etc/passwd]")},
        "2023/czj.yaml:11:22",
    ),
    "evidence-missing": (
        {"2023/czj.yaml": problem(evidence="evidence: [evidence/2023/回执.pdf]")},
        "2023/czj.yaml:11:16",
    ),
}


def test_every_code_has_a_case() -> None:
    assert set(CASES) == set(FILE_CODES) | set(CHECKS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reported_at_its_place(
    code: str, make_ledger: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files, where = CASES[code]
    if code == "file-too-large":
        monkeypatch.setattr(store, "MAX_FILE_BYTES", 1000)
    root = make_ledger(files)
    if code == "encoding":
        (root / "2023/jyj.yaml").write_bytes(b"problems: []\n# \xff\xfe\n")
    if code == "symlink":
        (root / "2023/link.yaml").symlink_to("czj.yaml")
    if code == "not-a-file":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(root / "2023/pipe.yaml")
    cli = CLI(root)
    run = cli("check")
    found = [line for line in run.lines if f": {code}" in line]
    assert found, run.stdout
    assert found[0].startswith(f"{root / where}:"), found[0]
    warning_only = CHECKS[code].severity.value == "warning" if code in CHECKS else False
    assert run.exit_code == (0 if warning_only else 1)
    assert "; " in found[0], "every diagnostic carries a hint"


def test_sample_ledger_passes(sample: CLI) -> None:
    run = sample("check")
    assert run.exit_code == 0, run.stdout
    assert run.lines == ["47 problems, 16 units, 3 years, 1 lower-level ledger: 0 errors, 0 warnings"]


def test_all_errors_at_once_in_json(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger(
        {
            "2023/czj.yaml": problem(deadline="deadline: 2024-13-01", status="status: 完成了"),
            "2023/jyj.yaml": "problems:\n  - id: 2023-009\n    year: 2023\n",
        }
    )
    run = CLI(root)("check", "--format", "json")
    assert run.exit_code == 1
    report = json.loads(run.stdout)
    codes = sorted(d["code"] for d in report["diagnostics"])
    assert codes == [
        "invalid-choice",
        "invalid-date",
        "missing-field",
        "missing-field",
        "missing-field",
        "missing-field",
    ]
    assert report["errors"] == 6
    first = report["diagnostics"][0]
    assert set(first) == {"path", "line", "col", "code", "severity", "message", "hint"}
    assert first["line"] == 9 and first["hint"]


def test_a_vote_on_an_unknown_unit(make_ledger: Callable[..., Path]) -> None:
    vote = (
        "votes:\n  - {id: 2023-V1, date: 2024-12-24, target: jtjj, members: 40, satisfied: 30, "
        "basic: 5, unsatisfied: 5, result: satisfied}\n"
    )
    run = CLI(make_ledger({"2023/_year.yaml": YEAR + vote}))("check")
    assert run.exit_code == 1
    assert "_year.yaml:7:" in run.stdout and "unit voted on 'jtjj' is not in units.yaml" in run.stdout


def test_hint_suggests_the_unit_meant(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"2023/czj.yaml": problem(supervisor="supervisor: czjj")})
    run = CLI(root)("check")
    assert "supervising department 'czjj' is not in units.yaml; did you mean 'czj'?" in run.stdout


def test_chinese_labels_are_accepted_in_files(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"2023/czj.yaml": problem(type="type: 分阶段整改", status="status: 整改中")})
    run = CLI(root)("check")
    assert run.exit_code == 0, run.stdout
    shown = json.loads(CLI(root)("show", "2023-001", "--format", "json").stdout)
    assert (shown["type"], shown["status"]) == ("phased", "in_progress")


def test_ledgers_with_errors_are_still_listed_with_a_warning(
    make_ledger: Callable[..., Path],
) -> None:
    root = make_ledger({"2023/jyj.yaml": "problems:\n  - id: broken\n"})
    run = CLI(root)("list", "--format", "json")
    assert run.exit_code == 0
    assert [row["id"] for row in json.loads(run.stdout)] == ["2023-001"]
    assert "warning: the ledger has 5 errors" in run.stderr


def test_duplicate_id_names_the_other_file_with_its_year(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"2024/czj.yaml": problem().replace("year: 2023", "year: 2024")})
    run = CLI(root)("check")
    assert "problem id '2023-001' is used 2 times (also in 2024/czj.yaml)" in run.stdout
    assert "problem id '2023-001' is used 2 times (also in 2023/czj.yaml)" in run.stdout


ACROSS_FILES = {
    "duplicate-id": {
        "2023/jyj.yaml": problem(unit="unit: jyj").replace("2023/czj", "2023/jyj"),
    },
    "duplicate-unit": {"units.yaml": UNITS + "  - id: czj\n    name: 重复的财政局\n"},
}


@pytest.mark.parametrize("code", [*sorted(CHECKS), *(f"{c} across files" for c in ACROSS_FILES)])
def test_checks_of_some_files_find_what_the_whole_run_finds_there(
    code: str, make_ledger: Callable[..., Path]
) -> None:
    """An edit checks only the files it changes (`Ledger.within`), looking ids and units up in
    the whole ledger; for each file, that finds exactly what checking everything finds in it."""
    code, _, across = code.partition(" ")
    root = make_ledger(ACROSS_FILES[code] if across else CASES[code][0])
    ledger, _ = load(root, cache=False, checks=False)
    everything = run_checks(ledger)
    assert any(d.code == code for d in everything)
    for path in ledger_files(root):
        alone = run_checks(ledger.within({path}))
        assert sorted(map(str, alone)) == sorted(str(d) for d in everything if d.path == path), path


def test_a_check_finds_a_valid_record_that_follows_an_invalid_one(make_ledger: Callable[..., Path]) -> None:
    """Records left out for errors do not shift the places of the valid ones after them."""
    broken = "  - id: 2023-002\n    year: 2023\n"  # no title, unit, deadline...
    out_of_order = SECOND.replace("2023-002", "2023-003") + (
        "    milestones: [{due: 2024-08-01, text: 二}, {due: 2024-07-01, text: 一}]\n"
    )
    root = make_ledger({"2023/czj.yaml": PROBLEM + broken + out_of_order})
    for _ in range(2):  # read from the files, then with the cache written by the first run
        run = CLI(root)("check")
        assert run.exit_code == 1
        found = [line for line in run.lines if ": milestones-out-of-order" in line]
        assert len(found) == 1 and found[0].startswith(f"{root / '2023/czj.yaml'}:20:47:"), run.stdout
