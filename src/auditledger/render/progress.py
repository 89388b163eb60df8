"""A progress bar on the terminal for long imports and exports. May import: rich."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

PROGRESS_MIN = 500
"""Rows below which no bar is shown: a few hundred take no time worth watching."""
STEP = 200
"""Rows between two updates of the bar: drawing it costs more than a row."""


def progress(items: Iterable[T], total: int, label: str, stream: TextIO | None = None) -> Iterator[T]:
    """The items as they are; while they are taken, a bar on standard error (`stream`) when it is
    a terminal and there are `PROGRESS_MIN` or more, gone when they are done. Never on a pipe or
    a file, so what scripts and tests read stays the same."""
    out = stream if stream is not None else sys.stderr
    if total < PROGRESS_MIN or out is None or not out.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=out, highlight=False)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        done = 0
        for done, item in enumerate(items, start=1):
            yield item
            if done % STEP == 0:
                bar.update(task, completed=done)
        bar.update(task, completed=done)
