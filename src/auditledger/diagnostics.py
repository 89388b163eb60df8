"""Diagnostics: what the tool has to say about a ledger file, and its one user-facing error.

`path:line:col: code: message; hint` everywhere, in the language being spoken (the code stays
English). May import: i18n.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from auditledger.i18n import _

Pointer = tuple[str | int, ...]
"""Where a value sits inside a file: keys and list indexes from the top, e.g. ("problems", 3, "unit")."""


class Severity(str, Enum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about the ledger, with where it is and how to fix it.

    `pointer` locates the value inside the file; the loader turns it into `line` and `col`
    (1-based) only for the files that have diagnostics.
    """

    path: Path | None
    line: int | None
    col: int | None
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.error
    pointer: Pointer = field(default=(), compare=False)
    cell: str | None = field(default=None, compare=False)
    """For a spreadsheet: `sheet!row:column` (or `row:column` in a CSV file), in place of line and column."""

    @classmethod
    def at(
        cls,
        path: Path | None,
        pointer: Pointer,
        code: str,
        message: str,
        hint: str = "",
        severity: Severity = Severity.error,
    ) -> Diagnostic:
        """A diagnostic whose line is found later from its pointer."""
        return cls(path, None, None, code, message, hint, severity, pointer)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.error

    def located(self, line: int, col: int) -> Diagnostic:
        return replace(self, line=line, col=col)

    def where(self) -> str:
        if self.path is None:
            return "auditledger"
        parts = [display_path(self.path)]
        if self.cell is not None:
            parts.append(self.cell)
        elif self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def render(self) -> str:
        """`path:line:col: code: message; hint`, on one line."""
        code = self.code if self.is_error else _("{code} (warning)").format(code=self.code)
        text = f"{self.where()}: {code}: {with_hint(self.message, self.hint)}"
        return " ".join(text.splitlines())

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "path": display_path(self.path) if self.path else None,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }
        if self.cell is not None:
            found["cell"] = self.cell  # a spreadsheet's `sheet!row:column`
        return found


def ledger_path(*parts: object) -> str:
    """A file of the ledger as a message names it: relative to the ledger's folder, with the
    separator of the system (`2023/czj.yaml`, on Windows `2023\\czj.yaml`)."""
    return os.path.join(*(str(part) for part in parts))


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable order: by file, line, column, then code."""
    return sorted(
        diagnostics,
        key=lambda d: (str(d.path or ""), d.line or 0, d.col or 0, d.code, d.message),
    )


class AuditLedgerError(Exception):
    """A failure the user can fix: printed as one line (or a list of diagnostics), never a traceback.

    `exit_code` is 2 for bad input and refused edits, 1 for a ledger that fails its checks.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        diagnostics: Iterable[Diagnostic] = (),
        exit_code: int = 2,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.diagnostics = list(diagnostics)
        self.exit_code = exit_code

    def lines(self) -> list[str]:
        head = _("error: {message}").format(message=with_hint(self.message, self.hint))
        return [head, *(d.render() for d in self.diagnostics)]


def with_hint(message: str, hint: str) -> str:
    """A message and the hint that says the fix, on one line."""
    return _("{message}; {hint}").format(message=message, hint=hint) if hint else message


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    """A hint naming the candidate closest to a mistyped value, or "" when none is close. Of
    equally close ones, the one that begins like the value (czjj: czj, not zjj), then the first."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(value)
    best: tuple[float, int, int] | None = None
    chosen = ""
    for index, candidate in enumerate(candidates):
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score < 0.6:
            continue
        prefix = next(
            (i for i, (a, b) in enumerate(zip(value, candidate, strict=False)) if a != b),
            min(len(value), len(candidate)),
        )
        key = (score, prefix, -index)
        if best is None or key > best:
            best, chosen = key, candidate
    return _("did you mean '{value}'?").format(value=chosen) if chosen else ""
