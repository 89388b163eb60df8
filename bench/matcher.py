"""The recurrence matcher of issue 23: precision and recall on the labelled evaluation set
(tests/data/matcher: dev, on which the dictionary was tuned, and heldout, written after it was
frozen), and what matching costs: building the matcher (jieba's dictionary) and matching a
ledger — the sample, or a generated one (bench/generate.py).

    python bench/matcher.py                          # the set, and the sample ledger
    python bench/matcher.py --ledger /tmp/ledger-10k # also a generated ledger

Not a test: nothing here asserts a time (tests/test_matcher.py holds the floor of 0.85).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditledger.recurrence import (  # noqa: E402
    DEFAULT_MIN_SCORE,
    Matcher,
    Terms,
    clusters,
    evaluate,
    matches,
)
from tests.matcher_set import PARTS, labelled  # noqa: E402


def figures(min_score: float) -> None:
    every = []
    for part in PARTS:
        pairs = labelled(part)
        every += pairs
        report(part, evaluate(pairs, min_score=min_score))
    report("all", evaluate(every, min_score=min_score))


def report(name: str, result: object) -> None:
    from auditledger.recurrence import Evaluation

    assert isinstance(result, Evaluation)
    print(
        f"{name:8} {result.pairs:4} pairs  precision {result.precision:.3f}  recall {result.recall:.3f}"
        f"  (tp {result.true_positives}, fp {result.false_positives}, fn {result.false_negatives})"
    )


def cost(folder: Path) -> None:
    from auditledger.loader import load

    ledger, _ = load(folder, checks=False)
    started = time.perf_counter()
    matcher = Matcher.for_ledger(ledger)
    built = time.perf_counter()
    found = matches(ledger, matcher=matcher)
    matched = time.perf_counter()
    widespread = [
        c for year in sorted({p.year for p in ledger.problems}) for c in clusters(ledger, year, matcher)
    ]
    done = time.perf_counter()
    print(
        f"{folder}: {len(ledger.problems)} problems; matcher built (jieba, dictionary, weights) "
        f"{built - started:.2f} s; recurrences {matched - built:.2f} s ({len(found)} links); "
        f"clusters {done - matched:.2f} s ({len(widespread)})"
    )


def main() -> None:
    started = time.perf_counter()
    Matcher(Terms.shipped())
    print(f"an empty matcher (import jieba, its dictionary, ours): {time.perf_counter() - started:.2f} s")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    parser.add_argument("--ledger", type=Path, action="append", default=[])
    args = parser.parse_args()
    figures(args.min_score)
    for folder in [ROOT / "ledgers", *args.ledger]:
        cost(folder)


if __name__ == "__main__":
    main()
