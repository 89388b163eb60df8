"""JSON and CSV output of rows, safe to open in a spreadsheet. May import: nothing of the project."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 text as it is: the bytes `json.dumps(data, ensure_ascii=False,
    indent=2)` gives, made by orjson (the standard library has no C path for indented output,
    which took 0.15 s for 10,000 problems)."""
    return json_bytes(data).decode("utf-8")


def json_bytes(data: Any) -> bytes:
    """`to_json`, encoded: for printing long output as it is made (a list of 10,000 problems is
    5 MB; as text, and encoded again to print it, it took 25 MB and 50 ms more)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], note: Sequence[str] = ()) -> str:
    """CSV with a header row; lists joined with ';'; cells that a spreadsheet would run as a
    formula get a leading apostrophe. `note` lines (what a document made with errors left out)
    come first, one cell each, then a blank line, where a spreadsheet shows them at the top."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in note:
        writer.writerow([safe_cell(line)])
    if note:
        writer.writerow([])
    writer.writerow([safe_cell(column) for column in columns])  # a query names its own
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return out.getvalue()


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
