"""Scoring an indicator wording against the catalog, with blocking so cost stays near-linear.

Every catalog wording is reduced to its match key. A mention's key is first looked up exactly;
otherwise its tokens are repaired against the catalog vocabulary (OCR damage: 'ngudi' -> 'nguoi'),
an inverted index on the rarer tokens picks a handful of candidate entries, and only those
entries' wordings are scored with rapidfuzz. Nothing compares every mention with every entry.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pipeline.link.catalog import Catalog
from pipeline.normalize.fold import key_stopwords, match_key

ACCEPT = 86.0  # a fuzzy link needs at least this score and this lead over the best other indicator ...
MARGIN = 6.0
CLEAR = 75.0  # ... or, for damaged wordings (OCR, extra clauses), this score with a lead of CLEAR_MARGIN
CLEAR_MARGIN = 20.0
REVIEW_MIN = 62.0  # below this the wording matches no entry (a candidate for a new entry)
CONFLICT_CAP = 70.0  # '5g' vs '6g', 'mức 2' vs 'mức 3': different numbers never link by themselves
CANDIDATES = 10  # entries scored per mention after blocking
REPAIR_MIN = 75.0  # similarity for repairing an unknown token to a catalog token


@dataclass(frozen=True, slots=True)
class Candidate:
    indicator_id: str
    score: float
    wording: str  # the catalog wording that scored best (restores a stripped name)


@dataclass(frozen=True, slots=True)
class Match:
    method: str  # exact | fuzzy | review | none
    key: str
    candidates: tuple[Candidate, ...]  # best first, one per indicator
    reason: str = ""  # for review: ambiguous | weak | conflict

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def numbers(tokens) -> frozenset[str]:
    return frozenset(t for t in tokens if any(c.isdigit() for c in t))


def conflict(na: frozenset[str], nb: frozenset[str]) -> bool:
    """'5g' vs '6g', 'mức 2' vs 'mức 3': both wordings carry numbers and share none."""
    return bool(na and nb and not (na & nb))


def score_keys(a: str, b: str, overlap: float | None = None, clash: bool | None = None) -> float:
    """Word order and extra words cost little (token set/sort), differing numbers cap the score.

    `overlap` (0-1), when given, is the IDF-weighted share of words the two keys have in common: it
    makes a rare word ('hài lòng') count more than a frequent one ('dịch vụ'). `clash` is
    `conflict(...)` of the keys' numbers when the caller has it already.
    """
    score = 0.6 * fuzz.token_set_ratio(a, b) + 0.4 * fuzz.token_sort_ratio(a, b)
    if overlap is not None:
        score = 0.5 * score + 50.0 * overlap
    if clash is None:
        clash = conflict(numbers(a.split()), numbers(b.split()))
    return min(score, CONFLICT_CAP) if clash else score


class Matcher:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.entry_ids: list[str] = []
        # per entry: (key, wording, its tokens, its numbers)
        self.wordings: list[list[tuple[str, str, frozenset[str], frozenset[str]]]] = []
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.exact_wording: dict[tuple[str, int], str] = {}
        postings: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(catalog.entries):
            self.entry_ids.append(entry.indicator_id)
            keyed = []
            for wording in entry.wordings():
                key = match_key(wording)
                if not key:
                    continue
                toks = frozenset(key.split())
                keyed.append((key, wording, toks, numbers(toks)))
                self.exact[key].add(i)
                self.exact_wording.setdefault((key, i), wording)
                for tok in key.split():
                    postings[tok].add(i)
            self.wordings.append(keyed)
        self.postings = dict(postings)
        n = max(len(self.entry_ids), 1)
        self.idf = {t: math.log(1 + n / len(p)) for t, p in self.postings.items()}
        self.max_idf = max(self.idf.values(), default=1.0)
        self.common = max(20, n // 20)  # tokens in more entries than this do not block
        self.stopwords = key_stopwords()
        self.vocabulary = sorted(set(self.postings) | self.stopwords)
        self._repaired: dict[str, str] = {}
        self._cache: dict[str, Match] = {}

    def repair(self, token: str) -> str:
        """An unknown token becomes the closest catalog token when close enough (OCR damage)."""
        if token in self.postings or token in self.stopwords or len(token) < 3 or token.isdigit():
            return token
        if token not in self._repaired:
            hit = process.extractOne(token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=REPAIR_MIN)
            self._repaired[token] = hit[0] if hit and not any(c.isdigit() for c in hit[0]) else token
        return self._repaired[token]

    def overlap(self, mine: frozenset[str], theirs: frozenset[str]) -> float:
        """IDF-weighted Dice of two token sets; words unknown to the catalog weigh as the rarest."""
        top = self.max_idf
        weight = self.idf.get
        shared = sum(weight(t, top) for t in mine & theirs)
        total = sum(weight(t, top) for t in mine) + sum(weight(t, top) for t in theirs)
        return 2 * shared / total if total else 0.0

    def candidates(self, tokens: list[str]) -> list[int]:
        """Blocking: entries sharing the rarer tokens, ranked by the IDF weight they share."""
        known = [t for t in tokens if t in self.postings]
        rare = [t for t in known if len(self.postings[t]) <= self.common] or known
        weight: dict[int, float] = defaultdict(float)
        for tok in set(rare):
            for i in self.postings[tok]:
                weight[i] += self.idf[tok]
        return sorted(weight, key=lambda i: (-weight[i], i))[:CANDIDATES]

    def rank(self, key: str) -> list[Candidate]:
        tokens = [r for r in map(self.repair, key.split()) if r not in self.stopwords]
        repaired = " ".join(tokens)
        mine, my_numbers = frozenset(tokens), numbers(tokens)
        ranked = []
        for i in self.candidates(tokens):
            best_score, best_wording = -1.0, ""
            for wkey, wording, theirs, their_numbers in self.wordings[i]:
                s = score_keys(repaired, wkey, self.overlap(mine, theirs), conflict(my_numbers, their_numbers))
                if s > best_score:
                    best_score, best_wording = s, wording
            ranked.append(Candidate(self.entry_ids[i], round(best_score, 1), best_wording))
        ranked.sort(key=lambda c: -c.score)
        return ranked

    def match(self, text: str) -> Match:
        return self.match_key(match_key(text))

    def match_key(self, key: str) -> Match:
        if key not in self._cache:
            self._cache[key] = self._match(key)
        return self._cache[key]

    def _match(self, key: str) -> Match:
        if not key:
            return Match("none", key, ())
        hits = self.exact.get(key)
        if hits and len(hits) == 1:
            (i,) = hits
            return Match("exact", key, (Candidate(self.entry_ids[i], 100.0, self.exact_wording[(key, i)]),))
        ranked = self.rank(key)
        if hits:  # the same wording in two entries: the catalog itself is ambiguous
            return Match("review", key, tuple(ranked[:3]), "ambiguous")
        if not ranked or ranked[0].score < REVIEW_MIN:
            return Match("none", key, tuple(ranked[:3]))
        top = ranked[0]
        second = ranked[1].score if len(ranked) > 1 else 0.0
        lead = top.score - second
        if (top.score >= ACCEPT and lead >= MARGIN) or (top.score >= CLEAR and lead >= CLEAR_MARGIN):
            return Match("fuzzy", key, tuple(ranked[:3]))
        if top.score <= CONFLICT_CAP and numbers(key.split()) and ranked[0].score == CONFLICT_CAP:
            reason = "conflict"
        else:
            reason = "ambiguous" if top.score >= ACCEPT else "weak"
        return Match("review", key, tuple(ranked[:3]), reason)
