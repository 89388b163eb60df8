"""The recurrence matcher's labelled evaluation set (tests/data/matcher/*.yaml), read for
tests/test_matcher.py and bench/matcher.py."""

from __future__ import annotations

from pathlib import Path

from auditledger.store import parse

HERE = Path(__file__).parent / "data" / "matcher"
PARTS = ("dev", "heldout")
"""dev: the dictionary was tuned on it; heldout: written after the dictionary froze."""


def pairs(part: str) -> list[dict[str, object]]:
    path = HERE / f"{part}.yaml"
    data, errors = parse(path, path.read_text(encoding="utf-8"))
    assert not errors, errors
    return list(data["pairs"])


def labelled(part: str) -> list[tuple[str, str, bool]]:
    return [(str(p["a"]), str(p["b"]), bool(p["same"])) for p in pairs(part)]
