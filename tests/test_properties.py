"""Property tests (Hypothesis) of the writer and the reader, and a fuzz test of the loader.

The fuzz test is bounded for CI; for a longer run:

    AUDITLEDGER_FUZZ_RUNS=20000 python -m pytest tests/test_properties.py -k fuzz
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from auditledger import reports, store
from auditledger.diagnostics import AuditLedgerError
from auditledger.loader import load
from auditledger.model import (
    Problem,
    ProblemsFile,
    RectificationType,
    RectifyMethod,
    Status,
)
from auditledger.render import report as report_render
from auditledger.render import tabular
from auditledger.render.report import Format, render
from tests.conftest import SAMPLE

# --- strategies ---------------------------------------------------------------------------

# Text as people type it, with the characters YAML treats specially.
_alphabet = st.sampled_from(
    [
        *list("财政局专项资金下达不及时问题整改，。；：（）〔〕“”、abcXYZ019 "),
        ":",
        "#",
        "-",
        "'",
        '"',
        "|",
        ">",
        "&",
        "*",
        "!",
        "%",
        "@",
        "`",
        "[",
        "]",
        "{",
        "}",
        ",",
        "?",
        "\\",
    ]
)
line_text = st.text(_alphabet, min_size=1, max_size=40).map(str.strip).filter(bool)
long_text = st.lists(line_text, min_size=1, max_size=3).map("\n".join)
special = st.sampled_from(
    ["yes", "no", "null", "~", "true", "0x1F", "1_000", "1e3", "2024-01-01", "-", "? a", "- a", "a: b", "'q'"]
)
money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
done_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 11, 30))
"""Days something was done on: none after today (`date-in-future`)."""


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    year = draw(st.integers(2020, 2030))
    fields: dict[str, Any] = {
        "id": f"{year}-{draw(st.integers(1, 999)):03d}",
        "year": year,
        "title": draw(st.one_of(line_text, special)),
        "unit": draw(st.from_regex(r"[a-z][a-z0-9]{1,6}", fullmatch=True)),
        "type": draw(st.sampled_from(list(RectificationType))),
        "deadline": draw(days),
        "amount": draw(money),
        "status": draw(st.sampled_from(list(Status))),
    }
    optional = {
        "audit_no": st.one_of(line_text, special),
        "description": long_text,
        "category": line_text,
        "measures": st.lists(st.one_of(long_text, special), max_size=3),
        "rectified": st.dictionaries(st.sampled_from(list(RectifyMethod)), money, max_size=3),
        "accountable": st.integers(0, 50),
        "completed_on": done_days,
        "next_steps": long_text,
        "prominent": st.booleans(),
        "evidence": st.lists(line_text, max_size=2),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            fields[name] = draw(strategy)
    try:
        return Problem.model_validate(fields)
    except ValidationError:
        assume(False)
        raise


def write(path: Path, *problems: Problem) -> str:
    return store.Document.new(path, ["# a test file"], ProblemsFile(problems=list(problems))).dumps()


def read(path: Path, text: str) -> Problem:
    data, diagnostics = store.parse(path, text)
    assert diagnostics == [], [d.render() for d in diagnostics]
    return ProblemsFile.model_validate(data).problems[0]


PATH = Path("2023/czj.yaml")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(problems())
def test_a_problem_written_and_read_back_is_equal(problem: Problem) -> None:
    assert read(PATH, write(PATH, problem)) == problem


@FAST
@given(problem=problems())
def test_writing_twice_gives_the_same_bytes(
    problem: Problem, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first = write(PATH, problem)
    assert write(PATH, problem) == first
    path = tmp_path_factory.mktemp("twice") / "czj.yaml"
    path.write_text(first, encoding="utf-8")
    assert store.Document.load(path).dumps() == first  # reading and writing back changes nothing


def without_field(text: str, field: str) -> list[str]:
    """The file's lines without those of one field of the (single) problem."""
    lines, kept, inside = text.splitlines(), [], False
    for line in lines:
        if line.startswith(f"    {field}:"):
            inside = True
            continue
        if inside and (line.startswith("      ") or line.startswith("    - ") or not line.strip()):
            continue
        inside = False
        kept.append(line)
    return kept


CHANGES = {
    "title": line_text,
    "amount": money,
    "status": st.sampled_from(list(Status)),
    "deadline": days,
    "measures": st.lists(long_text, min_size=1, max_size=3),
    "next_steps": long_text,
    "accountable": st.integers(0, 50),
}


@FAST
@given(problem=problems(), field=st.sampled_from(sorted(CHANGES)), data=st.data())
def test_editing_one_field_changes_only_its_lines(
    problem: Problem, field: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    value = data.draw(CHANGES[field])
    try:
        changed = Problem.model_validate({**problem.model_dump(), field: value})
    except ValidationError:
        assume(False)
        raise
    path = tmp_path_factory.mktemp("edit") / "czj.yaml"
    before = write(path, problem)
    path.write_text(before, encoding="utf-8")
    document = store.Document.load(path)
    store.update_record(document.data["problems"][0], problem, changed)
    after = document.dumps()
    assert without_field(after, field) == without_field(before, field)
    assert read(path, after) == changed


# --- fuzzing the loader -------------------------------------------------------------------

RUNS = int(os.environ.get("AUDITLEDGER_FUZZ_RUNS", "250"))
TOKENS = [
    ":",
    ": ",
    "- ",
    "-",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!x ",
    "[",
    "]",
    "{",
    "}",
    "\t",
    "'",
    '"',
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
    "---\n",
    "...\n",
    "2024-13-01",
    "2024-02-30",
    "-1",
    "1e400",
    ".nan",
    "~",
    "? ",
    "#",
    "|",
    ">",
    "%YAML 1.1\n",
    "\n",
    "  ",
    "<<: *a\n",
    "id: ",
    "amount: ",
    "year: 0",
    "status: 已销号",
    "unit: x",
    "problems:",
    "[" * 50,
    "- " * 40,
]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        kind = rng.randrange(6)
        at = rng.randrange(len(lines))
        if kind == 0:
            del lines[at]
        elif kind == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif kind == 2:
            lines[at] = " " * rng.randint(0, 9) + lines[at].lstrip()
        elif kind == 3:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        text = "\n".join(lines)
        if kind == 4:
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + rng.choice(TOKENS) + text[cut:]
        elif kind == 5:
            text = text[: rng.randrange(len(text) + 1)]
    return text


def test_fuzzed_sample_files_give_diagnostics_never_exceptions(tmp_path: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".auditledger"))
    files = sorted(p for p in root.rglob("*.yaml"))
    rng = random.Random(int(os.environ.get("AUDITLEDGER_FUZZ_SEED", "1124")))
    deadline = time.monotonic() + float(os.environ.get("AUDITLEDGER_FUZZ_SECONDS", "60"))
    diagnosed = 0
    for run in range(RUNS):
        if time.monotonic() > deadline:
            break
        path = rng.choice(files)
        original = path.read_bytes()
        mutated = mutate(original.decode("utf-8"), rng)
        path.write_bytes(mutated.encode("utf-8", "surrogatepass"))
        try:
            ledger, diagnostics = load(root)
            diagnosed += bool(diagnostics)
            for diagnostic in diagnostics:
                diagnostic.render()
            if run % 5 == 0:
                provenance = reports.Provenance("0", date(2026, 11, 24), ledger.digest)
                with contextlib.suppress(AuditLedgerError):
                    render(
                        reports.rectification(ledger, 2023, provenance),
                        reports.Kind.rectification,
                        Format.md,
                        "zh",
                    )
        except Exception as exc:  # pragma: no cover - the failure report
            raise AssertionError(f"run {run}: {path.name} mutated to:\n{mutated}") from exc
        finally:
            path.write_bytes(original)
    assert diagnosed > 0


# --- import(export(ledger)) ---------------------------------------------------------------

LEDGER_UNITS = ("czj", "jyj")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(problems(), min_size=1, max_size=4, unique_by=lambda p: p.id))
def test_import_of_an_export_gives_the_ledger_back(
    batch: list[Problem], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Any valid problems, exported and imported into an empty ledger, export the same again:
    every column the list carries survives the round trip."""
    from typer.testing import CliRunner

    from auditledger.cli import app
    from tests.conftest import SETTINGS, UNITS

    year = 2024
    batch = [
        p.model_copy(
            update={"year": year, "id": f"{year}-{n:03d}", "unit": LEDGER_UNITS[n % 2], "cooperating": []}
        )
        for n, p in enumerate(batch, start=1)
    ]
    base = tmp_path_factory.mktemp("roundtrip")
    roots = []
    for name in ("source", "target"):
        root = base / name
        (root / str(year)).mkdir(parents=True)
        (root / "auditledger.yaml").write_text(SETTINGS, encoding="utf-8")
        (root / "units.yaml").write_text(UNITS, encoding="utf-8")
        roots.append(root)
    source, target = roots
    for unit in LEDGER_UNITS:
        mine = [p for p in batch if p.unit == unit]
        if mine:
            (source / str(year) / f"{unit}.yaml").write_text(write(PATH, *mine), encoding="utf-8")
    runner = CliRunner(env={"AUDITLEDGER_LEDGER": None})

    def cli(root: Path, *args: str) -> str:
        result = runner.invoke(app, ["--ledger", str(root), *args])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assume(runner.invoke(app, ["--ledger", str(source), "check"]).exit_code == 0)  # a valid ledger

    exported = cli(source, "export", "--year", str(year), "--format", "csv")
    (base / "list.csv").write_text(exported, encoding="utf-8")
    cli(target, "import", str(base / "list.csv"), "--year", str(year), "--date", "2026-11-24")
    assert cli(target, "export", "--year", str(year), "--format", "csv") == exported


def _escaped_by_every_rule(text: str) -> str:
    """`md_escape` without its shortcut: every rule applied to every value."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = report_render._MD_PUNCTUATION.sub(r"\\\1", text)
    text = report_render._MD_LINE_START.sub(report_render._escape_marker, text)
    return report_render._MD_BREAK.sub("<br>", text)


@given(
    st.text(
        st.sampled_from(list("\\`*_[]|~#$&<>-+=.)0123456789 \t\r\n\u2028\u2029ab中文")) | st.characters(),
        max_size=40,
    )
)
def test_markdown_escaping_takes_its_shortcut_only_when_no_rule_applies(text: str) -> None:
    assert report_render.md_escape(text) == _escaped_by_every_rule(text)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text(st.characters(exclude_categories=["Cs"])),  # text from files and argv never holds surrogates
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_json_output_is_what_the_standard_library_writes(data: Any) -> None:
    """`to_json` uses orjson for speed; the bytes are those of json.dumps(indent=2)."""
    assert tabular.to_json(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
