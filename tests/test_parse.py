"""The native YAML parser (yaml-rs) reads every ledger file as the careful one (ruamel's) does:
the same data, with the same types and the same exact decimals; where the two would differ,
or the file is not valid, the careful parser reads it and says where it goes wrong."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditledger import store
from tests.conftest import SAMPLE


def careful(text: str) -> Any:
    return store._reader().load(text)


def exact(data: Any) -> Any:
    """Data with each value's type and (for decimals) its written digits, to compare exactly."""
    if isinstance(data, dict):
        return {exact(k): exact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [exact(item) for item in data]
    return (type(data).__name__, str(data))


SCALARS = [
    "1",
    "007",
    "-3",
    "+5",
    "0o17",
    "0x1F",
    "1.5",
    "1.50",
    "100.0",
    "5.",
    ".5",
    "-0.25",
    "12.05",
    "1e3",
    "1.0e+3",
    "1_000",
    ".inf",
    "-.Inf",
    ".nan",
    "0.30000000000000001",
    "12345678901234567",
    "123456789012345678901234567890",
    "true",
    "false",
    "True",
    "yes",
    "no",
    "on",
    "~",
    "null",
    "",
    "2024-06-30",
    "2024-13-01",
    "2024-6-3",
    "2024-06-30T10:00:00Z",
    "'quoted'",
    '"\\u4e2d"',
    "中文",
    "'007'",
    "a b",
    "[1, 2.50, x]",
    "{a: 1}",
    "12:30",
    "1,000",
    "|\n  行一\n  行二\n",
    ">\n  a\n  b\n",
]


@pytest.mark.parametrize("scalar", SCALARS)
def test_a_value_is_read_as_the_careful_parser_reads_it(scalar: str) -> None:
    text = f"k: {scalar}\n" if "\n" not in scalar else f"k: {scalar}"
    data, found = store.parse(Path("x.yaml"), text)
    assert found == []
    assert exact(data) == exact(careful(text))


NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.integers(0, 8).flatmap(
        lambda places: st.decimals(allow_nan=False, allow_infinity=False, places=places).map(str)
    ),
    st.from_regex(r"\A-?[0-9]{1,12}\.[0-9]{0,6}\Z"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBERS, min_size=1, max_size=5))
def test_numbers_are_read_exactly(numbers: list[str]) -> None:
    text = "problems:\n" + "".join(f"  - amount: {n}\n    rectified: {{other: {n}}}\n" for n in numbers)
    data, found = store.parse(Path("x.yaml"), text)
    assert found == []
    assert exact(data) == exact(careful(text))


@pytest.mark.parametrize(
    "text",
    ["- 1.50\n- 2\n", "1.50: x\n", "a:\n  - 12.30\n  - 7\n", "a: [1.50, 2]\n", "a: {b: 1.50}\n",
     "a: |\n  b: 1.50\n", "a: 1.5\nb: 1e3\n", "a: 10000000000000001\n", "a: 1" + "0" * 50 + "\n"],
)  # fmt: skip
def test_a_document_is_read_as_the_careful_parser_reads_it(text: str) -> None:
    data, found = store.parse(Path("x.yaml"), text)
    assert found == []
    assert exact(data) == exact(careful(text))


def test_every_file_of_the_sample_ledger_reads_the_same() -> None:
    files = sorted(SAMPLE.rglob("*.yaml"))
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        data, found = store.parse(path, text)
        assert found == [] and exact(data) == exact(careful(text)), path


def test_a_plain_file_is_read_by_the_native_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> Any:
        raise AssertionError("read by the careful parser")

    monkeypatch.setattr(store, "_reader", refuse)
    data, found = store.parse(Path("x.yaml"), "problems:\n  - id: 2024-001\n    amount: 12.5\n")
    assert found == [] and data == {"problems": [{"id": "2024-001", "amount": Decimal("12.5")}]}


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\na: 2\n", "duplicate-key", 2),
        ("a: [1\nb: 2\n", "yaml-syntax", 2),
        ("a:\n\t- 1\n", "yaml-syntax", 2),
        ("\ufeffa: 1\nb: [\n", "yaml-syntax", 3),
    ],
)
def test_a_broken_file_is_diagnosed_by_the_careful_parser(text: str, code: str, line: int) -> None:
    data, found = store.parse(Path("x.yaml"), text)
    assert data is None and [(d.code, d.line) for d in found] == [(code, line)]


def test_a_byte_order_mark_is_not_part_of_the_first_key() -> None:
    data, found = store.parse(Path("x.yaml"), "\ufeffproblems: []\n")
    assert found == [] and data == {"problems": []}


# The screens as single patterns with `^`, as they were written first: the quicker forms in
# `store` must find the same in every text.
ONE_VALUE = re.compile(r"(?:[:\-][ \t]+|^[ \t]*)([-+]?\.?[0-9][0-9_.eE+-]*)[ \t]*(?:#.*)?\r?$", re.M)
ONE_SUSPECT = re.compile(r"[&*!][^\s,\[\]{}]|^(?:---|\.\.\.)(?:\s|$)", re.M)
ONE_INDENT = re.compile(r"^[ ]{32,}\S|^(?:[ ]*[-?:][ ]+){16,}", re.M)
SCREENED = st.text(alphabet=st.sampled_from(list("0123456789.eE_+-:?#&*! \t\r\n[]{}a中")), max_size=80)


@settings(max_examples=500)
@given(SCREENED, st.sampled_from(["", "  ", " " * 32, "- " * 16, "---", "..."]))
def test_the_quick_screens_find_what_one_pattern_finds(text: str, start: str) -> None:
    text = start + text
    first = store._FIRST_VALUE.match(text)
    found = itertools.chain(*(v.findall(text) for v in store._VALUES), first.groups() if first else ())
    assert set(found) == set(ONE_VALUE.findall(text))
    assert store._suspect(text) == bool(ONE_SUSPECT.search(text) or ONE_INDENT.search(text))
