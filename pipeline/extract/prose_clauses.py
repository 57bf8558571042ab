"""A sentence of a plan -> (indicator phrase, target) pairs, one per stated target.

'Tỷ lệ hồ sơ … đạt 90%; 80% hồ sơ được số hóa, tối thiểu 60% … và 100% …' holds several targets,
each with its own name. The sentence is cut into segments at ';', ',', 'và' and brackets; a
segment without a number belongs to the target it continues ('100% hồ sơ cấp huyện, cấp xã được
xử lý …': the name runs on after the comma). A target's name is the words before its value
('<name> đạt 90%', '<name>: 36 Mb/s') or, when the value leads ('100% cán bộ …'), the words after.

Only numbers printed with '%', a comparator word ('trên', 'tối thiểu'), after a colon, or before a
thing counted ('01 tài khoản', '500 doanh nghiệp', '36 Mb/s': resources/prose_vocabulary.csv) are
targets; dates ('31-3-2022', 'ngày 5-8-2022'), document and article numbers ('57-NQ/TW', 'Điều 5')
are blanked before the scan, so they never are.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pipeline.normalize.fold import fold
from pipeline.normalize.targets import Hit, Target, parse_target, scan_targets
from pipeline.normalize.text import clean_cell

VOCABULARY_CSV = Path(__file__).resolve().parent.parent / "resources" / "prose_vocabulary.csv"

_ITEM_START = re.compile(
    r"^(?:[-+•*–]\s*|\(?[a-zđ]\)\.?\s*|\(\d{1,2}\)\.?\s*|\d{1,2}(?:\.\d{1,2})*[.)]\s+)", re.IGNORECASE
)  # '- ', 'a) ', '(b) ', '(1). ', '2. ', '1.2) '
_DIGIT = r"[0-9]"
# Numbers that are never targets, blanked (same length) before the scan.
_NOT_TARGETS = [
    re.compile(rf"{_DIGIT}{{1,2}}\s*[-/.]\s*{_DIGIT}{{1,2}}\s*[-/.]\s*{_DIGIT}{{2,4}}"),  # 31-3-2022, 05/8/2022
    re.compile(rf"{_DIGIT}{{1,2}}\s*[/-]\s*(?:19|20){_DIGIT}{{2}}(?!{_DIGIT}|\s*%)"),  # 12/2025
    re.compile(rf"{_DIGIT}+\s*[-/]\s*[A-ZĐ][A-ZĐa-zđ&]*"),  # 57-NQ/TW, 62/KH-UBND, 5473/BTTTT
    re.compile(r"(?i:trên|tren|/)\s*100\s*(?i:dân|dan|người|nguoi)"),  # a per-capita base: 'thuê bao/100 dân'
    re.compile(rf"(?<![0-9.,]){_DIGIT}{{1,2}}\s*(?::|h|giờ|gio)\s*{_DIGIT}{{2}}(?![0-9%])"),  # a time: '15:40', '8h30'
    re.compile(
        rf"(?i:\b(?:ngày|ngay|tháng|thang|điều|dieu|khoản|khoan|điểm|diem|số|so|mục|muc|phụ lục|phu luc|"
        rf"quý|quy|khóa|khoa|lần thứ|lan thu))\s+{_DIGIT}+(?![0-9,.]*\s*%)"
    ),
]
_SEPARATOR = re.compile(r";|,(?!\d)|\(|\)|\s+(?:và|va)\s+", re.IGNORECASE)
_ENUMERATOR = re.compile(r"^\(?(?:\d{1,2}|[a-zđ])\)\.?\s*")  # '(2) Phải …', '(2). Phải …' in running text
_COLON_VALUE = re.compile(r":\s*$")
_OCR_RATIO = re.compile(r"\bt[yi]\s*$")  # 'Ty 18 người' is OCR for 'Tỷ lệ người', not 18 people


@dataclass(frozen=True, slots=True)
class Stated:
    """One target stated in a sentence: its name, parsed target and spans in the sentence."""

    name: str
    target: Target
    start: int  # of the value
    end: int
    segment: tuple[int, int]  # the segment (name and value) in the sentence


@cache
def vocabulary(kind: str) -> tuple[str, ...]:
    """Folded phrases of one kind in resources/prose_vocabulary.csv, longest first."""
    with VOCABULARY_CSV.open(encoding="utf-8") as fh:
        phrases = {fold(row["phrase"]) for row in csv.DictReader(fh) if row["kind"].strip() == kind}
    return tuple(sorted(phrases, key=len, reverse=True))


@cache
def printed(kind: str) -> tuple[tuple[str, ...], ...]:
    """Phrases of one kind as written (lower case), as word tuples, longest first: fillers are
    compared with their diacritics when the text has them ('có' is a filler, 'cơ quan' is not)."""
    with VOCABULARY_CSV.open(encoding="utf-8") as fh:
        phrases = {tuple(row["phrase"].lower().split()) for row in csv.DictReader(fh) if row["kind"].strip() == kind}
    return tuple(sorted(phrases, key=len, reverse=True))


def same_word(word: str, phrase_word: str) -> bool:
    """A phrase written without marks matches any marks; one written with them ('đã', 'có') must
    match them where the text prints marks ('đa số', 'cơ quan' are other words)."""
    word = word.lower()
    if phrase_word.isascii() or word.isascii():
        return fold(word) == fold(phrase_word)
    return word == phrase_word


def _at(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return i + len(phrase) <= len(words) and all(same_word(w, p) for w, p in zip(words[i:], phrase, strict=False))


def has_phrase(text: str, kind: str) -> bool:
    words = _WORD.findall(text)
    phrases = printed(kind)
    return any(_at(words, i, p) for i in range(len(words)) for p in phrases if same_word(words[i], p[0]))


_WORD = re.compile(r"[^\W_]+")


def blank_non_targets(text: str) -> str:
    """The text with dates, document and article numbers replaced by spaces (same length)."""
    for pattern in _NOT_TARGETS:
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return text


def _counted(text: str, end: int) -> tuple[int, bool] | None:
    """(end, is a thing) of a thing counted ('01 tài khoản') or a measure ('36 Mb/s', 'gấp 2 lần')
    right after a bare number, else None."""
    tail = text[end : end + 40]
    folded = f"{fold(tail)} "
    for kind in ("counted", "measure"):
        for phrase in vocabulary(kind):
            if folded.startswith(phrase + " "):
                words = len(phrase.split())
                m = re.match(r"\s*" + r"\W*".join([r"\w+"] * words), tail)
                return (end + m.end(), kind == "counted") if m else None
    return None


def _follows(text: str, end: int, kind: str) -> bool:
    folded = f"{fold(text[end : end + 20])} "
    return any(folded.startswith(p + " ") for p in vocabulary(kind))


@cache
def _ranked() -> re.Pattern:
    """'nhóm 10 tỉnh, thành phố dẫn đầu': a rank target (at most 10th), words from prose_vocabulary.csv."""
    lead, tail = ("|".join(re.escape(" ".join(p)) for p in printed(k)) for k in ("rank_group", "rank_top"))
    return re.compile(rf"(?i)\b(?:{lead})\s+(\d{{1,3}})\s+(?:[^\W\d_]+,?\s+){{0,6}}?(?:{tail})(?!\w)")


def _rank_hits(scanned: str, hits: list[tuple[Hit, int, bool]]) -> list[tuple[Hit, int, bool]]:
    out = []
    for m in _ranked().finditer(scanned):
        if not any(h.start < m.end() and m.start() < e for h, e, _t in hits):
            out.append((Hit(m.start(), m.end(), "<=", float(m[1]), None, False, True), m.end(), False))
    return out


def target_hits(text: str) -> list[tuple[Hit, int, bool]]:
    """(hit, end including a thing counted or a measure, whether a thing is counted) for each
    target-like number of a text; an age, a duration or a size ('từ 15 tuổi trở lên', 'trên 5 năm') is not one."""
    scanned = blank_non_targets(text)
    out = []
    for hit in scan_targets(scanned):
        value_end = _value_end(scanned, hit)
        measured = _counted(scanned, value_end)  # 'tối đa 5 ngày làm việc' is a measure, 'trên 5 năm' a duration
        if not hit.percent and _follows(scanned, value_end, "not_counted") and not (measured and not measured[1]):
            continue
        if hit.explicit:  # 'tăng ít nhất 5 bậc': a measure is part of the value, not the name
            measure = None if hit.percent else _counted(scanned, hit.end)
            out.append((hit, measure[0] if measure and not measure[1] else hit.end, False))
        elif _OCR_RATIO.search(fold(scanned[max(0, hit.start - 4) : hit.start])):
            continue
        elif (counted := _counted(scanned, hit.end)) is not None:
            out.append((hit, *counted))
        elif _COLON_VALUE.search(scanned[: hit.start]):
            out.append((hit, hit.end, False))
    return sorted(out + _rank_hits(scanned, out), key=lambda h: h[0].start)


def _value_end(text: str, hit: Hit) -> int:
    """End of the number of a hit ('từ 15' in 'từ 15 tuổi trở lên')."""
    m = re.search(r"[0-9]+(?:[.,][0-9]+)?", text[hit.start : hit.end])
    return hit.start + m.end() if m else hit.end


def strip_fillers(text: str) -> str:
    """An indicator phrase without bullets and the words around it ('trong đó tỷ lệ …', '… đạt',
    '… huyện phấn đấu tỷ trọng …': what precedes a word of intent is not the name)."""
    text = clean_cell(_ITEM_START.sub("", _ENUMERATOR.sub("", text.strip())))
    words = text.split()
    cuts = [(i + len(p), i) for i in range(len(words)) for p in printed("cut_before") if _at(words, i, p)]
    if cuts and max(cuts)[0] < len(words):
        end, start = max(cuts)
        # '… sáng tạo phấn đấu đạt': nothing named after the word of intent, the name is before it
        text = " ".join(words[end:] if strip_fillers(" ".join(words[end:])) else words[:start])
    changed = True
    while changed and text:
        changed = False
        text = text.strip(" ,;:.()–-")
        words = [w.strip(",;:.") for w in text.split()]
        for phrase in printed("filler_lead"):
            if _at(words, 0, phrase):  # a text that is only a filler ('trong đó') names nothing
                text, changed = " ".join(text.split()[len(phrase) :]), len(words) > len(phrase)
                break
        else:
            for phrase in printed("filler_trail"):
                if len(words) > len(phrase) and _at(words, len(words) - len(phrase), phrase):
                    text, changed = " ".join(text.split()[: -len(phrase)]), True
                    break
    return text


def _segments(sentence: str, hits: list[tuple[Hit, int, bool]]) -> list[tuple[int, int]]:
    """Spans of the sentence cut at separators, hitless pieces joined to the target they continue."""
    cuts = [0]
    for m in _SEPARATOR.finditer(sentence):
        if not any(h.start < m.start() < e for h, e, _t in hits):
            cuts.extend([m.start(), m.end()])
    cuts.append(len(sentence))
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i + 1] > cuts[i]]
    with_hit = [any(lo <= h.start < hi for h, _e, _t in hits) for lo, hi in pieces]
    leads = [
        any(lo <= h.start < hi and not strip_fillers(sentence[lo : h.start]) for h, _e, _t in hits) for lo, hi in pieces
    ]
    merged: list[list[int]] = []
    owner: list[int] = []  # index into merged for each piece with a hit
    for i, (lo, hi) in enumerate(pieces):
        if with_hit[i]:
            merged.append([lo, hi])
            owner.append(i)
    if not merged:
        return []
    for i, (lo, hi) in enumerate(pieces):
        if with_hit[i]:
            continue
        prev = max((k for k, j in enumerate(owner) if j < i), default=None)
        nxt = min((k for k, j in enumerate(owner) if j > i), default=None)
        # a value-first target runs on after its value; a name-first one starts before it
        # (a name never runs into a bracket: 'Tiềm lực … nâng lên (chi … đạt 1,5%)')
        if prev is not None and (leads[owner[prev]] or nxt is None or leads[owner[nxt]]):
            merged[prev][1] = max(merged[prev][1], hi)
        elif nxt is not None and (
            not _opens(sentence[hi : pieces[owner[nxt]][0]]) or _bare(sentence, pieces[owner[nxt]], hits)
        ):  # '…: 22/22 tổ (100%)': a bracket holding only a value restates what precedes it
            merged[nxt][0] = min(merged[nxt][0], lo)
    return [(lo, hi) for lo, hi in merged]


def _bare(sentence: str, piece: tuple[int, int], hits: list[tuple[Hit, int, bool]]) -> bool:
    """A piece holding a value and no words: '(100%)'."""
    lo, hi = piece
    rest = [sentence[lo:hi]]
    for h, e, _t in hits:
        if lo <= h.start < hi:
            rest = [sentence[lo : h.start], sentence[e:hi]]
    return not any(strip_fillers(t) for t in rest)


def _opens(text: str) -> bool:
    """A bracket opens in the text and stays open: what follows is inside it."""
    return text.count("(") > text.count(")")


def stated_targets(sentence: str) -> list[Stated]:
    """Each target of a sentence with its own name."""
    hits = target_hits(sentence)
    out: list[Stated] = []
    for lo, hi in _segments(sentence, hits):
        inner = [(h, e, t) for h, e, t in hits if lo <= h.start < hi]
        for i, (hit, end, thing) in enumerate(inner):
            a = inner[i - 1][1] if i else lo
            b = inner[i + 1][0].start if i + 1 < len(inner) else hi
            pre, post = (strip_fillers(YEAR_PHRASE.sub(" ", t)) for t in (sentence[a : hit.start], sentence[end:b]))
            # a bracket after the value remarks on it ('đạt 90% (trừ hồ sơ mật)'): the name comes before
            name_first = _name_first(pre, post) or bool(pre and sentence[end:b].lstrip().startswith("("))
            name = pre if name_first else _value_between(pre, post)
            raw_end, unit_raw = end, None
            if end > hit.end:  # '36 Mb/s'; a thing counted names what is counted: '01 tài khoản sử dụng …'
                unit_raw = sentence[hit.end : end].strip()
                # … except after a colon: 'Số hộ bán hàng trực tuyến: 40 hộ' is named before it
                counts = thing and not _COLON_VALUE.search(sentence[a : hit.start])
                name = strip_fillers(f"{sentence[a : hit.start]} {sentence[hit.end : b]}") if counts else pre or post
            elif name_first and post and len(post.split()) <= 3:  # 'tối thiểu 5% GRDP': the base
                raw_end = end + len(sentence[end:b].rstrip(" ,;.)"))
            raw = blank_non_targets(sentence[hit.start : raw_end]).strip()
            target = parse_target(raw or None, unit_raw)
            if target is not None and _ranked().match(raw):  # in the top 10: at most 10th; the clause names it
                target, name = replace(target, comparator="<="), strip_fillers(sentence[a:b])
            name = _balanced(name)
            if target is not None:
                out.append(Stated(name, target, hit.start, end, (lo, hi)))
    return out


def _value_between(pre: str, post: str) -> str:
    """The name of a value printed inside it: '5G phủ tối thiểu 50% khu công nghiệp' names '5G phủ
    khu công nghiệp'; an actor before the value ('huyện hướng đến 82% hộ …') is not part of it."""
    words = fold(pre).split()
    if not pre or len(words) > 4 or len(post.split()) < 2 or (words[-1:] and words[-1] in _ACTORS) or _YEAR.search(pre):
        return post
    return f"{pre} {post[:1].lower()}{post[1:]}"


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# 'vào năm 2028', 'đến cuối năm 2026': a year, not part of a name
YEAR_PHRASE = re.compile(r"(?i)(?:\b(?:vào|vao|đến|den|tới|toi|trong)\s+)?(?:\b(?:cuối|cuoi)\s+)?\b(?:năm|nam)\s+\d{4}")
_ACTORS = frozenset({"xa", "phuong", "huyen", "tinh", "pho", "tran", "nam", "quoc", "khu"})  # '… thành phố', 'Việt Nam'


def _balanced(name: str) -> str:
    """A name cut at a bracket gets its bracket closed: '… mạng (trừ hồ sơ mật' -> '… mật)'."""
    name = name.lstrip(")").strip()
    return f"{name})" if name.count("(") > name.count(")") else name


_HEADS = ("ty le", "ti le", "chi so", "so luong", "so ", "muc do", "quy mo", "toc do", "ty trong", "ti trong")


def _name_first(pre: str, post: str) -> bool:
    if not post or not pre:
        return bool(pre)
    n_pre, n_post = len(pre.split()), len(post.split())
    base = fold(post).startswith(vocabulary("base"))  # 'chiếm 18% GRDP của tỉnh'
    headed = fold(pre).startswith(_HEADS)  # 'tỷ lệ … đạt trên 35% tổng số doanh nghiệp …': a base follows
    return (headed and (n_post <= 3 or base)) or n_post <= 2 < n_pre or (base and (n_post <= 4 or n_pre > n_post))


def split_name_target(text: str) -> list[tuple[str, Target, int, int]]:
    """(indicator phrase, target, start, end) for each explicit target in a table name cell
    ('Tỷ lệ … đạt 90%'): the text between two targets is the name of the one it leads to."""
    hits = [h for h in scan_targets(blank_non_targets(text)) if h.explicit]
    out = []
    for i, hit in enumerate(hits):
        lo = hits[i - 1].end if i else 0
        hi = hits[i + 1].start if i + 1 < len(hits) else len(text)
        pre, post = strip_fillers(text[lo : hit.start]), strip_fillers(text[hit.end : hi])
        target = parse_target(text[hit.start : hit.end])
        if target is not None:
            out.append((pre if _name_first(pre, post) else post, target, hit.start, hit.end))
    return out
