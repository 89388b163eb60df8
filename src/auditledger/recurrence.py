"""Problems that recur (反复出现) and problems that are widespread (普遍存在): the links the
committee confirmed, and matches the matcher suggests for a person to confirm.

Two findings are the same problem when they agree on what they are about (the object: 医保基金,
政府债券, 工程结算…) AND on what is wrong with it (the nature: 闲置, 挤占挪用, 多计多付…), read
clause by clause with a domain dictionary and its synonyms (`data/terms.yaml`, extended by the
ledger's `terms:` setting). Shared words alone never make a match. Among agreeing pairs the score
weighs the words they share by how rare they are in the ledger (jieba segments the text). jieba
loads its dictionary on first use, so this module imports it only inside `Matcher`.
May import: model, store.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from auditledger.model import Ledger, Problem, TermTable

DEFAULT_MIN_SCORE = 0.5
"""Every pair whose object and nature agree scores at least this; the rest is rarity."""
_CLAUSE = re.compile(r"[，。；;,！？!?\n：:（）()]+")
_GAP = "…"
_GAP_CHARS = 6


@dataclass(frozen=True)
class Terms:
    """The dictionary: canonical object and nature terms, each with the ways it is written."""

    objects: Mapping[str, tuple[str, ...]]
    natures: Mapping[str, tuple[str, ...]]
    broader: Mapping[str, str]
    """An object that is part of another (非税收入 → 财政收入) agrees with it too."""
    common: frozenset[str] = frozenset()
    """Words too common in findings to weigh (问题, 存在, 部分…)."""

    @classmethod
    def shipped(cls) -> Terms:
        return _shipped()

    def extended(self, extra: TermTable) -> Terms:
        """These terms with a ledger's additions (new terms, or more aliases of a known one)."""
        if not extra.objects and not extra.natures:
            return self

        def merge(
            base: Mapping[str, tuple[str, ...]], more: Mapping[str, list[str]]
        ) -> dict[str, tuple[str, ...]]:
            out = dict(base)
            for term, aliases in more.items():
                out[term] = tuple(dict.fromkeys([*out.get(term, ()), *aliases]))
            return out

        return Terms(
            merge(self.objects, extra.objects), merge(self.natures, extra.natures), self.broader, self.common
        )


@cache
def _shipped() -> Terms:
    from auditledger.store import package_data

    data: dict[str, Any] = package_data("terms.yaml")
    return Terms(
        {str(k): tuple(str(a) for a in v or ()) for k, v in data["objects"].items()},
        {str(k): tuple(str(a) for a in v or ()) for k, v in data["natures"].items()},
        {str(k): str(v) for k, v in (data.get("broader") or {}).items()},
        frozenset(str(w) for w in data.get("common") or ()),
    )


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "")


Spelling = tuple[str | re.Pattern[str], str]
"""One way of writing a term (text, or a pattern when it has a gap) and the term."""


def _finder(table: Mapping[str, tuple[str, ...]]) -> dict[str, list[Spelling]]:
    """Every way of writing every term, by its first character, longest first (so 药品采购 is
    read as one object, not as 采购): a clause is then read in one pass, trying at each
    character only the ways of writing that start with it."""
    spelled: dict[str, str] = {}
    for term, aliases in table.items():
        for alias in (term, *aliases):
            spelled.setdefault(_GAP.join(_normal(piece) for piece in alias.split(_GAP)), term)
    ordered = sorted(spelled, key=lambda s: (-len(s.replace(_GAP, "")), s))
    index: dict[str, list[Spelling]] = defaultdict(list)
    for alias in ordered:
        if _GAP in alias:
            gap = f"[^，。；;,]{{0,{_GAP_CHARS}}}?"
            pattern = re.compile(gap.join(re.escape(piece) for piece in alias.split(_GAP)))
            index[alias[0]].append((pattern, spelled[alias]))
        else:
            index[alias[0]].append((alias, spelled[alias]))
    return dict(index)


def _found(finder: Mapping[str, list[Spelling]], clause: str) -> set[str]:
    """The terms written in `clause`: at each position the longest way of writing one, then
    those not inside a longer one (校舍建设项目 is 校舍建设 and 建设项目; 药品采购 is not 采购)."""
    spans = []
    for start, char in enumerate(clause):
        for spelling, term in finder.get(char, ()):
            if isinstance(spelling, str):
                if clause.startswith(spelling, start):
                    spans.append((start, start + len(spelling), term))
                    break
            elif (m := spelling.match(clause, start)) is not None:
                spans.append((start, m.end(), term))
                break
    return {
        term
        for start, end, term in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    }


@dataclass(frozen=True)
class Reading:
    """What a finding is about, as the matcher reads it."""

    facets: frozenset[tuple[str, str]]
    """(object, nature) pairs read clause by clause."""
    words: frozenset[str]
    """jieba's words, without the common ones, and the terms found."""


@dataclass(frozen=True)
class Agreement:
    """Why two findings are the same problem."""

    objects: tuple[str, ...]
    natures: tuple[str, ...]
    score: float
    shared: tuple[str, ...]
    """The rarest words both share, rarest first (at most five)."""

    def why(self, zh: bool = True) -> str:
        objects, natures = "、".join(self.objects), "、".join(self.natures)
        if zh:
            return f"对象：{objects}；性质：{natures}"
        return f"object: {objects}; nature: {natures}"


class Matcher:
    """Reads findings and compares them; term weights come from `corpus` (the ledger's texts)."""

    def __init__(self, terms: Terms, corpus: Iterable[str] = ()) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.terms = terms
        self._objects = _finder(terms.objects)
        self._natures = _finder(terms.natures)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for table in (terms.objects, terms.natures):
            for term, aliases in table.items():
                for alias in (term, *aliases):
                    if _GAP not in alias:
                        self._tokenizer.add_word(_normal(alias), freq=100000)
        self._readings: dict[str, Reading] = {}
        texts = list(corpus)
        frequency: Counter[str] = Counter()
        for text in texts:
            frequency.update(self.read(text).words)
        total = len(texts)
        self._weight = {word: math.log((total + 1) / (n + 1)) + 1 for word, n in frequency.items()}
        self._unseen = math.log(total + 1) + 1

    @classmethod
    def for_ledger(cls, ledger: Ledger) -> Matcher:
        terms = Terms.shipped().extended(ledger.settings.terms)
        return cls(terms, (problem_text(p) for p in ledger.problems))

    def weight(self, word: str) -> float:
        return self._weight.get(word, self._unseen)

    def _weighs(self, word: str) -> bool:
        return len(word) > 1 and word not in self.terms.common and not word.isdigit()

    def _broader(self, objects: set[str]) -> set[str]:
        return objects | {self.terms.broader[o] for o in objects if o in self.terms.broader}

    def read(self, text: str) -> Reading:
        known = self._readings.get(text)
        if known is not None:
            return known
        facets: set[tuple[str, str]] = set()
        words: set[str] = set()
        carried: set[str] = set()
        for clause in _CLAUSE.split(_normal(text)):
            if not clause:
                continue
            objects = self._broader(_found(self._objects, clause))
            natures = _found(self._natures, clause)
            if objects:
                carried = objects
            facets.update((o, n) for o in (objects or carried) for n in natures)
            words.update(f"〔{o}〕" for o in objects)
            words.update(f"〈{n}〉" for n in natures)
            words.update(w for w in self._tokenizer.lcut(clause) if self._weighs(w))
        reading = Reading(frozenset(facets), frozenset(words))
        self._readings[text] = reading
        return reading

    def read_problem(self, problem: Problem) -> Reading:
        """The title says what the problem is: its facets, or the full text's when the title has
        none; the words of both."""
        title = self.read(problem.title)
        if not problem.description:
            return title
        whole = self.read(problem_text(problem))
        return Reading(title.facets or whole.facets, whole.words)

    def compare(self, a: str | Reading, b: str | Reading) -> Agreement | None:
        """How `a` and `b` agree, or None when they do not share an object and a nature."""
        left = a if isinstance(a, Reading) else self.read(a)
        right = b if isinstance(b, Reading) else self.read(b)
        shared_facets = left.facets & right.facets
        if not shared_facets:
            return None
        both = left.words & right.words
        total = sum(self.weight(w) for w in left.words) + sum(self.weight(w) for w in right.words)
        similarity = 2 * sum(self.weight(w) for w in both) / total if total else 0.0
        shared = sorted((w for w in both if w[0] not in "〔〈"), key=lambda w: (-self.weight(w), w))
        return Agreement(
            objects=tuple(sorted({o for o, _ in shared_facets})),
            natures=tuple(sorted({n for _, n in shared_facets})),
            score=round(DEFAULT_MIN_SCORE + (1 - DEFAULT_MIN_SCORE) * similarity, 4),
            shared=tuple(shared[:5]),
        )


def problem_text(problem: Problem) -> str:
    """What is compared: the title, then the full text when there is one."""
    return f"{problem.title}。{problem.description}" if problem.description else problem.title


def supervisor_of(ledger: Ledger, problem: Problem) -> str | None:
    if problem.supervisor:
        return problem.supervisor
    unit = ledger.units.get(problem.unit)
    return unit.parent if unit else None


def related_units(ledger: Ledger, a: Problem, b: Problem) -> bool:
    """The same lead unit, or the same supervising department, or one supervises the other."""
    sa, sb = supervisor_of(ledger, a), supervisor_of(ledger, b)
    return a.unit == b.unit or (sa is not None and sa in (sb, b.unit)) or (sb is not None and sb == a.unit)


@dataclass(frozen=True)
class Match:
    problem: Problem
    earlier: Problem
    score: float
    confirmed: bool
    agreement: Agreement | None
    """None for a confirmed link the matcher would not have suggested."""

    def why(self, zh: bool = True) -> str:
        return self.agreement.why(zh) if self.agreement else "—"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.problem.id,
            "recurs_from": self.earlier.id,
            "confirmed": self.confirmed,
            "score": round(self.score, 3),
            "objects": list(self.agreement.objects) if self.agreement else [],
            "natures": list(self.agreement.natures) if self.agreement else [],
            "shared_words": list(self.agreement.shared) if self.agreement else [],
            "title": self.problem.title,
            "earlier_title": self.earlier.title,
        }


def _by_facet(matcher: Matcher, problems: Iterable[Problem]) -> dict[tuple[str, str], list[Problem]]:
    index: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for problem in problems:
        for facet in matcher.read_problem(problem).facets:
            index[facet].append(problem)
    return index


def matches(
    ledger: Ledger,
    years: Iterable[int] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    matcher: Matcher | None = None,
) -> list[Match]:
    """Confirmed links first, then suggestions at or above `min_score`, best first: for each
    problem of `years` (default: all), the earlier problems of the same unit or its supervisor
    that agree with it on object and nature. Only problems sharing a facet are compared."""
    wanted = set(years) if years else None
    matcher = matcher or Matcher.for_ledger(ledger)
    index = _by_facet(matcher, ledger.problems)
    confirmed: list[Match] = []
    suggested: list[Match] = []
    for later in ledger.problems:
        if wanted is not None and later.year not in wanted:
            continue
        text = matcher.read_problem(later)
        for earlier_id in later.recurring_from:
            earlier = ledger.problems_by_id.get(earlier_id)
            if earlier is not None:
                found = matcher.compare(text, matcher.read_problem(earlier))
                confirmed.append(Match(later, earlier, 1.0, True, found))
        candidates = {
            p.id: p
            for facet in text.facets
            for p in index[facet]
            if p.year < later.year and p.id not in later.recurring_from
        }
        for earlier in candidates.values():
            if not related_units(ledger, later, earlier):
                continue
            agreement = matcher.compare(text, matcher.read_problem(earlier))
            if agreement is not None and agreement.score >= min_score:
                suggested.append(Match(later, earlier, agreement.score, False, agreement))
    confirmed.sort(key=lambda m: (m.problem.id, m.earlier.id))
    suggested.sort(key=lambda m: (-m.score, m.problem.id, m.earlier.id))
    return confirmed + suggested


@dataclass(frozen=True)
class Cluster:
    """The same problem (one object and nature) at several units in one year: 普遍存在."""

    year: int
    object: str
    nature: str
    problems: tuple[Problem, ...]
    units: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "object": self.object,
            "nature": self.nature,
            "units": list(self.units),
            "problems": [p.id for p in self.problems],
        }

    def why(self, zh: bool = True) -> str:
        return (
            f"对象：{self.object}；性质：{self.nature}"
            if zh
            else f"object: {self.object}; nature: {self.nature}"
        )


def clusters(ledger: Ledger, year: int, matcher: Matcher | None = None) -> list[Cluster]:
    """Every (object, nature) that problems of `year` at two or more units share, most units
    first, then by the terms."""
    matcher = matcher or Matcher.for_ledger(ledger)
    found = []
    for (obj, nature), problems in _by_facet(matcher, (p for p in ledger.problems if p.year == year)).items():
        units = tuple(sorted({p.unit for p in problems}))
        if len(units) >= 2:
            found.append(Cluster(year, obj, nature, tuple(sorted(problems, key=lambda p: p.id)), units))
    found.sort(key=lambda c: (-len(c.units), c.object, c.nature))
    return found


def widest_cluster(found: Sequence[Cluster]) -> dict[str, Cluster]:
    """Each problem's cluster with the most units (the first in `found`'s order)."""
    widest: dict[str, Cluster] = {}
    for cluster in found:
        for problem in cluster.problems:
            widest.setdefault(problem.id, cluster)
    return widest


@dataclass(frozen=True)
class Evaluation:
    """The matcher on a labelled set of pairs: how many it found, missed and got wrong."""

    pairs: int
    true_positives: int
    false_positives: int
    false_negatives: int
    wrong: tuple[tuple[str, str, bool], ...]
    """The pairs it got wrong: (a, b, the label)."""

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0


def evaluate(
    pairs: Sequence[tuple[str, str, bool]], terms: Terms | None = None, min_score: float = DEFAULT_MIN_SCORE
) -> Evaluation:
    """Precision and recall on `pairs` of (finding, finding, same problem?); the words of all
    the set's findings are the corpus that weighs them."""
    matcher = Matcher(terms or Terms.shipped(), [text for a, b, _ in pairs for text in (a, b)])
    tp = fp = fn = 0
    wrong = []
    for a, b, same in pairs:
        agreement = matcher.compare(a, b)
        said = agreement is not None and agreement.score >= min_score
        tp += said and same
        fp += said and not same
        fn += same and not said
        if said != same:
            wrong.append((a, b, same))
    return Evaluation(len(pairs), tp, fp, fn, tuple(wrong))
