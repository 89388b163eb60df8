"""JSON and CSV output of rows, safe to open in a spreadsheet. May import: nothing of the project."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
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


def plain(value: Any) -> Any:
    """Any of the project's data as JSON-ready values, the one converter for documents' data
    (`report`, `plan`, `import --dry-run` with `--format json`): a dataclass as an object of its
    fields, a pydantic record as an object of its fields, an object with `to_json()` as that,
    a Decimal as its exact digits (`format(d, "f")`, never an exponent, as every JSON output
    writes amounts), a date as YYYY-MM-DD, an enumeration as its code, a path as text, a
    mapping's keys as text, a set sorted. Anything else is a bug, never Python's repr."""
    if isinstance(value, Enum):  # before str: most of the project's codes are str enumerations
        return plain(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return plain(to_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    dump = getattr(value, "model_dump", None)  # a pydantic record, its values as Python's
    if callable(dump):
        return plain(dump(exclude_none=False))
    if isinstance(value, Mapping):
        return {_key(k): plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _key(key: Any) -> str:
    found = plain(key)
    if isinstance(found, list):
        return "/".join(str(part) for part in found)
    return found if isinstance(found, str) else orjson.dumps(found).decode()


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
