r"""Target phrases ('≥ 95', 'từ 90% trở lên', '$\geq 0,63$', '80-90%', 'Có/ ≥ 01') to typed fields.

Everything is matched on an ASCII lower-case copy of the text (diacritics gone,
'≥' -> '>=', LaTeX and HTML markup blanked), so a plan retyped without
diacritics or OCR'd parses exactly like the original; an index map back to the
printed text keeps qualifiers and percentage bases as printed. Comparator words
('ít nhất', 'trên', 'trở lên') live in resources/target_phrases.csv.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.normalize.text import clean_cell, clean_text
from pipeline.normalize.units import normalize_unit

PHRASES_CSV = Path(__file__).resolve().parent.parent / "resources" / "target_phrases.csv"
COMPARATORS = (">=", ">", "<=", "<", "=", "range", "text")


@dataclass(frozen=True, slots=True)
class Target:
    raw: str
    comparator: str  # one of COMPARATORS
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    unit_base: str | None = None
    qualifier: str | None = None
    year: int | None = None  # a year stated in the phrase ('đến năm 2030')
    flags: tuple[str, ...] = ()

    def indicator_fields(self) -> dict:
        """The target's columns of an indicator row (`Indicator(**target.indicator_fields(), …)`)."""
        return {
            "target_raw": self.raw,
            "comparator": self.comparator,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "unit_base": self.unit_base,
            "qualifier": self.qualifier,
        }


@dataclass(frozen=True, slots=True)
class Hit:
    """One numeric target inside a longer text: span in the printed text."""

    start: int
    end: int
    comparator: str
    value: float
    value_max: float | None
    percent: bool
    explicit: bool  # a comparator phrase or '%' was printed, not a bare number


# --- ASCII view with an index map back to the printed text -------------------------------------


class _Text:
    def __init__(self, raw: str):
        self.s = unicodedata.normalize("NFC", raw)
        parts, idx = [], []
        for i, ch in enumerate(self.s):
            t = strip_diacritics(ch).lower()
            parts.append(t)
            idx.extend([i] * len(t))
        self.a, self.idx = "".join(parts), idx
        for pattern, repl in _MARKUP:
            self._sub(pattern, repl)

    def _sub(self, pattern: re.Pattern, repl: str) -> None:
        out, idx, last = [], [], 0
        for m in pattern.finditer(self.a):
            out.append(self.a[last : m.start()])
            idx.extend(self.idx[last : m.start()])
            out.append(repl)
            idx.extend([self.idx[m.start()]] * len(repl))
            last = m.end()
        if last:
            out.append(self.a[last:])
            idx.extend(self.idx[last:])
            self.a, self.idx = "".join(out), idx

    def pos(self, i: int) -> int:
        """Printed-text offset of ASCII offset i (i may be len(a))."""
        return self.idx[i] if i < len(self.idx) else len(self.s)

    def end_pos(self, j: int) -> int:
        return self.idx[j - 1] + 1 if j > 0 else 0

    def orig(self, i: int, j: int) -> str:
        return self.s[self.pos(i) : self.end_pos(j)] if j > i else ""


_MARKUP = [
    (re.compile(r"\\(?:geq|ge)(?![a-z])"), ">="),
    (re.compile(r"\\(?:leq|le)(?![a-z])"), "<="),
    (re.compile(r"\\gt(?![a-z])"), ">"),
    (re.compile(r"\\lt(?![a-z])"), "<"),
    (re.compile(r"&gt;"), ">"),
    (re.compile(r"&lt;"), "<"),
    (re.compile(r"</?[a-z][^<>]{0,40}>"), " "),
    (re.compile(r"[$*\\{}]"), " "),
]


# --- vocabulary --------------------------------------------------------------------------------


@cache
def _phrases() -> tuple[re.Pattern, dict[str, str], re.Pattern, dict[str, str], dict[str, frozenset[str]]]:
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    other: dict[str, frozenset[str]] = {}  # folded word -> printed words folding like it ('đặt' for 'dat')
    with PHRASES_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            phrase = row["phrase"].strip()
            key = phrase if not re.search(r"[a-zA-ZÀ-ỹ]", phrase) else fold(phrase)
            if row["comparator"] not in COMPARATORS:
                raise ValueError(f"target_phrases.csv: bad comparator {row['comparator']!r}")
            (after if row["position"].strip() == "after" else before)[key] = row["comparator"]
            if row.get("other_words"):
                other[key] = frozenset(unicodedata.normalize("NFC", w).lower() for w in row["other_words"].split("|"))

    def alternation(keys):
        alts = []
        for k in sorted(keys, key=len, reverse=True):
            body = r"\s+".join(re.escape(w) for w in k.split())
            alts.append(rf"(?<![a-z0-9]){body}" if k[0].isalnum() else body)
        return "|".join(alts)

    before_re = re.compile(rf"(?P<cmp>{alternation(before)})(?:\s|:|\bmuc\b)*$")
    after_re = re.compile(rf"^\s*(?P<cmp>{alternation(after)})(?![a-z])")
    return before_re, before, after_re, after, other


_NUMBER = re.compile(r"(?<![a-z0-9.,/])([0-9]{1,15})(?:([.,])([0-9]{1,15}))?(?![0-9a-z/])")
_RANGE_GAP = re.compile(r"^\s*%?\s*(?:-+|den|toi|~)\s*$")
_PERCENT = re.compile(r"^\s*%")
_YEAR = re.compile(r"(?<![0-9/.,])((?:19|20)[0-9]{2})(?![0-9%])")
_CONNECTORS = {"va", "doi", "cho", "trong", "tai", "theo", "o", "voi", "neu", "khi", "so", "cua", "tren", "duoi"}


def _number(m: re.Match) -> float:
    whole, sep, frac = m.group(1), m.group(2), m.group(3)
    if not sep:
        return float(int(whole))
    if sep == "." and len(frac) == 3 and len(whole) <= 3:  # '1.000' thousands
        return float(int(whole + frac))
    return float(f"{int(whole)}.{frac}")


def _is_year(m: re.Match, a: str) -> bool:
    if m.group(2) or len(m.group(1)) != 4 or not 1990 <= int(m.group(1)) <= 2100:
        return False
    return not _PERCENT.match(a[m.end() :])


@dataclass(slots=True)
class _AHit:
    start: int  # ASCII offsets, comparator phrase included
    end: int
    num_start: int
    comparator: str
    value: float
    value_max: float | None
    percent: bool
    explicit: bool
    flags: tuple[str, ...] = ()


def _another_word(t: _Text, i: int, j: int, other: dict[str, frozenset[str]]) -> bool:
    """A comparator printed as another word that folds like it: 'điện tử 40' is not 'từ 40' (from 40)."""
    forms = other.get(re.sub(r"\s+", " ", t.a[i:j]))
    return bool(forms) and unicodedata.normalize("NFC", t.orig(i, j)).lower() in forms


def _scan(t: _Text) -> list[_AHit]:
    a = t.a
    before_re, before, after_re, after, other = _phrases()
    numbers = [m for m in _NUMBER.finditer(a) if not _is_year(m, a) and math.isfinite(_number(m))]
    hits: list[_AHit] = []
    i = 0
    while i < len(numbers):
        m = numbers[i]
        value, value_max, end, flags = _number(m), None, m.end(), ()
        if i + 1 < len(numbers) and _RANGE_GAP.match(a[m.end() : numbers[i + 1].start()]):
            value_max, end = _number(numbers[i + 1]), numbers[i + 1].end()
            if value_max < value:
                value, value_max, flags = value_max, value, ("range_reversed",)
            i += 1
        i += 1
        percent = "%" in a[m.end() : end]
        if pm := _PERCENT.match(a[end:]):
            percent, end = True, end + pm.end()
        comparator, explicit = ("range", True) if value_max is not None else ("=", percent)
        lo = hits[-1].end if hits else 0
        start = m.start()
        cm = before_re.search(a[lo : m.start()])
        if cm and _another_word(t, lo + cm.start("cmp"), lo + cm.end("cmp"), other):
            cm = None  # 'điện tử 40', 'đặt 9': another word, folded like a comparator
        if cm:
            start = lo + cm.start("cmp")
            if value_max is None:
                comparator = before[re.sub(r"\s+", " ", cm.group("cmp"))]
            explicit = True
        if am := after_re.match(a[end:]):
            if value_max is None:
                comparator = after[re.sub(r"\s+", " ", am.group("cmp"))]
            end, explicit = end + am.end(), True
        hits.append(_AHit(start, end, m.start(), comparator, value, value_max, percent, explicit, flags))
    return hits


# --- public API --------------------------------------------------------------------------------


def scan_targets(text: str) -> list[Hit]:
    """Numeric targets in running text, with their spans in the printed text."""
    t = _Text(text or "")
    return [
        Hit(t.pos(h.start), t.end_pos(h.end), h.comparator, h.value, h.value_max, h.percent, h.explicit)
        for h in _scan(t)
    ]


# a baseline year: 'so với năm 2024', 'so với cùng kỳ năm 2024' (never the target's year)
_BASE_YEAR = re.compile(r"(?i)\bso\s+v(?:ới|oi)\s+(?:(?:cùng|cung)\s+(?:kỳ|ky)\s+)?(?:năm|nam)\s+(?:19|20)\d\d")
_BASE_BEFORE = re.compile(r"\bso voi(?: cung ky)?\s*$")


def years_in(text: str, word: bool = False) -> list[int]:
    """Years in a text, not dates ('tháng 12 năm 2024', '22/12/2024'); with `word`, only
    years written after 'năm'/'đến' ('đến năm 2030'), as targets state them."""
    a = strip_diacritics(text or "").lower()
    out = []
    for m in _YEAR.finditer(a):
        pre = a[max(0, m.start() - 20) : m.start()]
        if re.search(r"thang\s*[0-9]{1,2}\s*n\w{1,2}m\s*$", pre):
            continue
        if word and not re.search(r"(?:\bn\w{1,2}m|\bden)\s*$", pre):
            continue
        out.append(int(m.group(1)))
    return out


def _clean_words(text: str) -> str:
    return clean_cell(text).strip(" ,;.:()[]-–/")


def _single(t: _Text, hit: _AHit | None, lo: int, hi: int, unit_raw: str | None) -> Target:
    raw = clean_text(t.orig(lo, hi))
    unit, unit_base = normalize_unit(unit_raw)
    years = years_in(_BASE_YEAR.sub(" ", raw))  # 'tăng 25% so với năm 2024': 2024 is the baseline
    year = years[0] if years else None
    if hit is None:
        digits = re.sub(r"(?:19|20)[0-9]{2}", "", t.a[lo:hi])
        flags = ("unparsed_target",) if re.search(r"[0-9]", digits) else ()
        return Target(raw, "text", unit=unit, unit_base=unit_base, year=year, flags=flags)
    flags = list(hit.flags)
    if unit is None and hit.percent:
        unit = "percent"
    elif unit not in (None, "percent") and hit.percent:
        flags.append("unit_mismatch")
    qualifier = None
    lead = t.orig(lo, hit.start).strip()
    if lead.endswith("/") and _clean_words(lead):
        qualifier = _clean_words(lead)
    tail = t.orig(hit.end, hi)
    tail = re.sub(
        r"\(?\s*(?:(?:đến|den|trong|vào|vao|tới|toi)\s+)?(?:(?:cuối|cuoi)\s+)?(?:năm|nam)\s+(?:19|20)\d\d\s*\)?",
        lambda m: m.group() if _BASE_BEFORE.search(fold(tail[: m.start()])) else " ",  # the baseline stays
        tail,
        flags=re.I,
    )
    tail = _clean_words(tail)
    if tail:
        words = fold(tail).split()
        if unit == "percent" and not unit_base and 0 < len(words) <= 4 and words[0] not in _CONNECTORS:
            if not re.search(r"[0-9]", tail):
                unit_base = tail
            else:
                qualifier = f"{qualifier}; {tail}" if qualifier else tail
        else:
            qualifier = f"{qualifier}; {tail}" if qualifier else tail
    return Target(
        raw, hit.comparator, hit.value, hit.value_max, unit, unit_base, qualifier, year, tuple(dict.fromkeys(flags))
    )


def parse_targets(raw: str | None, unit_raw: str | None = None) -> list[Target]:
    """All targets in a target cell: [] for an empty or '-' cell; one per target when the
    cell holds several with their own qualifiers ('≥ 95 đối với … ≥ 95 đối với …')."""
    t = _Text(raw or "")
    if not re.search(r"[a-z0-9]", t.a):
        return []
    hits = _scan(t)
    if len(hits) < 2:
        return [_single(t, hits[0] if hits else None, 0, len(t.a), unit_raw)]
    gaps = [t.a[h.end : n.start] for h, n in itertools.pairwise(hits)]
    if all(re.search(r"[a-z]{2,}", g) for g in gaps):
        bounds = [0] + [h.start for h in hits[1:]] + [len(t.a)]
        out = []
        for h, lo, hi in zip(hits, bounds, bounds[1:], strict=False):
            one = _single(t, h, lo, hi, unit_raw)
            out.append(_with_flag(one, "multiple_targets"))
        return out
    return [_with_flag(_single(t, hits[0], 0, len(t.a), unit_raw), "multiple_values")]


def parse_target(raw: str | None, unit_raw: str | None = None) -> Target | None:
    """The first target of a cell (None for an empty or '-' cell)."""
    targets = parse_targets(raw, unit_raw)
    return targets[0] if targets else None


def _with_flag(target: Target, flag: str) -> Target:
    return replace(target, flags=(*target.flags, flag))
