"""Regressions found by an adversarial review of the yaml-rs reads, the SQLite cache and the
kept query database. Each test states the contract it checks; a failure is a bug found, not a
test to loosen."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from auditledger import store
from tests.conftest import CLI, age
from tests.test_parse import careful, exact

# --- parse(): yaml-rs must read exactly what ruamel reads -------------------------------------

DIFFERING = [
    # CRLF line ends: `_VALUE`'s `$` does not match before `\r`, so numbers are not looked at
    "amount: 1045.30\r\n",
    "amount: 1e3\r\n",  # ruamel: the text '1e3' (refused by the model); yaml-rs: Decimal 1000.0
    "amount: 1e999\r\n",  # yaml-rs: Decimal('Infinity')
    "amount: 0.30000000000000001\r\n",  # 17 digits silently rounded to 0.3, then accepted
    "amount: 1.\r\n",
    # a value on the line after its key (or after a comment)
    "amount:\n  1045.30\n",
    "amount: # 万元\n  1045.30\n",
    "amount:\n  1e3\n",
    # a tab before a comment
    "amount: 1045.30\t# 万元\n",
    # flow collections: `.50` has no digit before the point
    "amounts: [.50, -.50]\n",
    "a: {amount: .50}\n",
    # block scalars at the end of a file without a final newline, or empty ones
    "next_steps: |\n  line one\n  line two",
    "next_steps: >\n  folded\n  text",
    "next_steps: |+\n  x",
    "next_steps: |\n",
    "next_steps: >\n",
    # accepted by yaml-rs, refused by ruamel (libyaml)
    "- : x\n",
    'a: "\\ud800\\udc00"\n',
]


@pytest.mark.parametrize("text", DIFFERING)
def test_parse_reads_as_ruamel(text: str) -> None:
    try:
        expected: Any = ("ok", exact(careful(text)))
    except Exception:
        expected = "refused"
    data, found = store.parse(Path("x.yaml"), text)
    got = "refused" if found else ("ok", exact(data))
    assert got == expected


def test_crlf_amount_keeps_digits_and_exponent_refused(sample: CLI) -> None:
    """A Windows (CRLF) problem file: `show` gives the amount as written (before the change:
    "1045.30"), and `check` refuses an amount written with an exponent."""
    path = sample.root / "2024" / "mzj.yaml"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    shown = json.loads(sample("show", "2024-009", "--format", "json").stdout)
    assert shown["amount"] == "1045.30"
    path.write_bytes(path.read_bytes().replace(b"amount: 1045.30\r\n", b"amount: 1e3\r\n"))
    result = sample("check", "--format", "json")
    assert "invalid-amount" in result.stdout


def test_literal_block_at_end_of_file(sample: CLI) -> None:
    """`|` keeps one final newline only when the file has one (ruamel, and before the change)."""
    path = sample.root / "2024" / "zjj.yaml"
    text = path.read_text(encoding="utf-8")
    cut = text.rindex("    next_steps:")
    path.write_text(text[:cut] + "    next_steps: |\n      line one\n      line two", encoding="utf-8")
    shown = json.loads(sample("show", "2024-008", "--format", "json").stdout)
    assert shown["next_steps"] == "line one\nline two"


# --- the cache: results with and without it are the same --------------------------------------


def test_undecodable_problem_file_warm_cache(sample: CLI) -> None:
    """A problem file that is not UTF-8 (a GB18030 file): the first `check` reports it; every
    command after it crashed with KeyError in loader._incremental (names[file.path])."""
    (sample.root / "2024" / "xhx2.yaml").write_bytes(b"problems:\n  - id: 2024-099\n    title: caf\xe9\n")
    first = sample("check")
    assert first.exit_code == 1 and "encoding" in first.stdout
    second = sample("check")  # raised KeyError before
    assert second.exit_code == 1 and "encoding" in second.stdout
    assert sample("list", "--format", "json").exit_code == 0


def test_zero_amount_digits_survive_the_cache(sample: CLI) -> None:
    """`amount: 0.00` equals the field's default Decimal(0): `dump_json(exclude_defaults=True)`
    leaves it out of the cached JSON, and a warm read shows "0" where a cold one shows "0.00"."""
    path = sample.root / "2024" / "jgswj.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    amount: 0\n", "    amount: 0.00\n"))
    age(sample.root)
    ident = "2024-014"
    assert f"id: {ident}" in path.read_text(encoding="utf-8")
    cold = json.loads(sample("show", ident, "--format", "json").stdout)["amount"]
    warm = json.loads(sample("show", ident, "--format", "json").stdout)["amount"]
    assert cold == warm == "0.00"


# --- hostile databases in the cache folder -----------------------------------------------------

LOOP = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"


def _run(root: str, args: list[str], queue: Any) -> None:
    import resource

    from typer.testing import CliRunner

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a runaway read dies, not the machine

    from auditledger.cli import app

    result = CliRunner().invoke(app, ["--ledger", root, *args])
    queue.put(result.exit_code)


def _finishes(root: Path, *args: str, seconds: float = 30) -> int | None:
    """The command's exit code, or None when it ran longer than `seconds`."""
    queue: Any = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=_run, args=(str(root), list(args), queue))
    process.start()
    process.join(seconds)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return int(queue.get(timeout=5))


def test_foreign_cache_with_a_view_is_discarded(sample: CLI) -> None:
    """A cache.sqlite not made by the tool (a ledger received as an archive) whose `meta` is an
    endless view: `_connect` queries `meta` before comparing the schema, and the command hangs."""
    folder = sample.root / store.STATE_DIR / store.CACHE_DIR
    folder.mkdir(parents=True, mode=0o700)
    db = sqlite3.connect(folder / store.CACHE_FILE)
    db.execute(
        f"CREATE VIEW meta AS {LOOP} "
        "SELECT CASE WHEN x < 0 THEN 'owner' ELSE 'k' END AS key, x AS value FROM c"
    )
    db.commit()
    db.close()
    assert _finishes(sample.root, "check", seconds=20) == 0


def test_foreign_query_database_with_a_view_is_replaced(sample: CLI) -> None:
    """A query.sqlite not made by the tool whose `_kept_for` is an endless view: `kept_database`
    fetches all of it (fetchall) to compare the mark, without `trusted_schema = OFF`: memory
    grows until the process dies or the machine swaps."""
    folder = sample.root / store.STATE_DIR / store.CACHE_DIR
    folder.mkdir(parents=True, mode=0o700)
    db = sqlite3.connect(folder / store.KEPT_DATABASE)
    db.execute(f"CREATE VIEW _kept_for AS {LOOP} SELECT x AS mark FROM c")
    db.commit()
    db.close()
    assert _finishes(sample.root, "query", "select count(*) from problems", seconds=20) == 0
