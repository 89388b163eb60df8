"""Problems that recur from earlier years (历年比对): the links the committee confirmed, and
suggested matches for a person to confirm.

Chinese has no spaces between words, so text is compared by its character bigrams (the Dice
coefficient of the two sets), which needs no dictionary. A suggestion needs the same lead
unit or supervising department; the score is then mostly the text's similarity, with a little
for the same category. May import: model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from auditledger.model import Ledger, Problem

TEXT_WEIGHT = 0.75
CATEGORY_WEIGHT = 0.25
DEFAULT_MIN_SCORE = 0.5
_NOISE = re.compile(r"[\W\d_]+", re.UNICODE)


@cache
def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text, without punctuation, digits and spaces (amounts and
    dates differ from year to year; the words do not)."""
    cleaned = _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    if len(cleaned) < 2:
        return frozenset({cleaned}) if cleaned else frozenset()
    return frozenset(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the bigram sets: 1 for the same words, 0 for none in common."""
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def text_similarity(later: Problem, earlier: Problem) -> float:
    """Titles weigh most; descriptions, when both have one, count for a third."""
    title = similarity(later.title, earlier.title)
    if later.description and earlier.description:
        return (2 * title + similarity(later.description, earlier.description)) / 3
    return title


def related_units(ledger: Ledger, a: Problem, b: Problem) -> bool:
    """The same lead unit, or the same supervising department, or one supervises the other."""

    def supervisor(problem: Problem) -> str | None:
        if problem.supervisor:
            return problem.supervisor
        unit = ledger.units.get(problem.unit)
        return unit.parent if unit else None

    sa, sb = supervisor(a), supervisor(b)
    return a.unit == b.unit or (sa is not None and sa in (sb, b.unit)) or (sb is not None and sb == a.unit)


@dataclass(frozen=True)
class Match:
    problem: Problem
    earlier: Problem
    score: float
    text: float
    same_category: bool
    confirmed: bool

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.problem.id,
            "recurs_from": self.earlier.id,
            "confirmed": self.confirmed,
            "score": round(self.score, 3),
            "text_similarity": round(self.text, 3),
            "same_category": self.same_category,
            "title": self.problem.title,
            "earlier_title": self.earlier.title,
        }


def score(ledger: Ledger, later: Problem, earlier: Problem) -> Match | None:
    """The suggested match of `later` with `earlier`, or None when their units are unrelated."""
    if earlier.year >= later.year or not related_units(ledger, later, earlier):
        return None
    text = text_similarity(later, earlier)
    same_category = later.category is not None and later.category == earlier.category
    total = TEXT_WEIGHT * text + (CATEGORY_WEIGHT if same_category else 0.0)
    return Match(later, earlier, total, text, same_category, earlier.id in later.recurring_from)


def matches(
    ledger: Ledger, years: Iterable[int] | None = None, min_score: float = DEFAULT_MIN_SCORE
) -> list[Match]:
    """Confirmed links first, then suggestions at or above `min_score`, best first; for each
    problem of `years` (default: all) against every problem of an earlier year."""
    wanted = set(years) if years else None
    problems = ledger.problems
    confirmed: list[Match] = []
    suggested: list[Match] = []
    for later in problems:
        if wanted is not None and later.year not in wanted:
            continue
        for earlier_id in later.recurring_from:
            earlier = ledger.problems_by_id.get(earlier_id)
            if earlier is not None:
                found = score(ledger, later, earlier)
                text = found.text if found else text_similarity(later, earlier)
                same = later.category is not None and later.category == earlier.category
                confirmed.append(Match(later, earlier, 1.0, text, same, True))
        for earlier in problems:
            if earlier.year >= later.year or earlier.id in later.recurring_from:
                continue
            found = score(ledger, later, earlier)
            if found is not None and found.score >= min_score:
                suggested.append(found)
    confirmed.sort(key=lambda m: (m.problem.id, m.earlier.id))
    suggested.sort(key=lambda m: (-m.score, m.problem.id, m.earlier.id))
    return confirmed + suggested
