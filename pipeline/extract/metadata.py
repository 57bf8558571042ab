"""Plan metadata: commune, province, document number, issue date, signer, plan year, title.

Every field is read from what the plan prints and stays null otherwise: a number left blank
("Số: /KH-UBND"), a date with its day left blank ("ngày tháng 03 năm 2026"), a province the plan
never names. Patterns run on a letter-for-letter ASCII copy of each line, so OCR and retyped text
without diacritics ("S6: 68 /KH-UBND", "ngay /2 thang 02nam 2026") is read the same way, while the
values are cut from the original text.

- doc_number / issue_date: the header ("Số: 62/KH-UBND", "Tân Kỳ, ngày 16 tháng 3 năm 2026"),
  else an appendix caption that refers to this plan ("(Ban hành kèm theo Kế hoạch số: 62 /KH-UBND
  ngày 16/3/2026 …)").
- plan_year: a "năm 2026" in the title that is not part of a date, else the year of the issue date
  or of a caption date (its year is printed even when the day is blank).
- commune: the name after "xã" voted over the text (the header "XÃ TÂN PHÚ" and "Ủy ban nhân
  dân xã …" count most); shown with diacritics when the text prints them anywhere, else as printed.
- province: the name from resources/provinces.csv most often printed after "tỉnh"/"thành phố"
  anywhere in the plan, appendices included; in text without diacritics an OCR-damaged name
  ("tinh Pong Nai") is matched fuzzily against that closed list.
- signer: the name under the last "CHỦ TỊCH"/"PHÓ CHỦ TỊCH" line of the signature block.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.extract import language
from pipeline.model import Document, Line
from pipeline.normalize.fold import fold, strip_diacritics

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"

_HEADER_NUMBER = re.compile(r"\b[Ss][oO06]\s*:\s*(?P<num>\d{1,5})?\s*/\s*(?P<suf>[A-Z]{1,6}(?:\s*-\s*[A-Z]{1,10})+)")
_CAPTION = re.compile(r"kem\s+theo\s+ke\s*hoach\b", re.I)
_CAPTION_NUMBER = re.compile(
    r"kem\s+theo\s+ke\s*hoach\s*(?:s[o06]\b)?[\s:~.]*(?P<num>\d{1,5})?[\s~]*/\s*(?P<suf>[A-Z]{1,6}(?:\s*-\s*[A-Z]{1,10})+)",
    re.I,
)
_DATE_WORDS = re.compile(
    r"\bngay\s*(?P<d>[^\s]{0,3}?)\s*thang\s*(?P<m>[^\s]{0,3}?)\s*n\S?m\s*(?P<y>(?:19|20)\d\d)\b", re.I
)
_DATE_SLASH = re.compile(r"\bngay\s*(?P<d>\d{0,2})\s*/\s*(?P<m>\d{0,2})\s*/\s*(?P<y>(?:19|20)\d\d)\b", re.I)
_YEAR_IN_TITLE = re.compile(r"\bn[a-z]?m\s*((?:19|20)\d\d)\b")
_DATE_BEFORE = re.compile(r"thang\s*\d{0,2}\s*$")
_PLAN_WORD = "ke hoach"
_PREAMBLE = re.compile(r"^(?:can\s*c\w*|thuc hien|xet|theo|uy ban|ubnd|ban hanh)\b")
_TITLE_LINES = 6
_SIGNATURE = re.compile(r"(?:^|\s)(?:pho\s+)?chu\s+tich$")
_NOT_A_NAME = re.compile(r"\b(?:uy ban|chu tich|noi nhan|tm|kt|ubnd|da ky|dong dau|so|ngay)\b")
_UNIT = re.compile(r"(?<![^\W\d_])(xã|Xã|XÃ|xa|Xa|XA)\s+")
_STRONG_BEFORE = re.compile(r"(?:uy ban nhan dan|ubnd|dia ban)\s*$")
_NOT_A_COMMUNE_START = frozenset({"hoi"})  # 'Xã hội' in title case
_PROVINCE_WORD = re.compile(r"\b(?:tinh|thanh pho|tp)\s+(?:uy\s+)?")
_FUZZY_PROVINCE = 85
_FOLDED_WORD = re.compile(r"\S+")


_ONE_LETTER: dict[int, str] = {}  # code point of a non-ASCII character -> its one-letter ASCII form, or itself


def _ascii(text: str) -> str:
    """strip_diacritics letter for letter: same length, so spans map back onto the original."""
    if text.isascii():
        return text
    for ch in set(text):
        if ord(ch) not in _ONE_LETTER and not ch.isascii():
            a = strip_diacritics(ch)
            _ONE_LETTER[ord(ch)] = a if len(a) == 1 else ch
    return text.translate(_ONE_LETTER)


def _date(d: str, m: str, y: str) -> date | None:
    if not (d.isdigit() and m.isdigit()):
        return None
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _dates(text: str) -> list[tuple[date | None, int]]:
    """(full date or None, year) for each date phrase in an ASCII line."""
    found = []
    for pattern in (_DATE_WORDS, _DATE_SLASH):
        for m in pattern.finditer(text):
            found.append((m.start(), _date(m["d"], m["m"], m["y"]), int(m["y"])))
    return [(d, y) for _, d, y in sorted(found, key=lambda f: f[0])]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"^#{1,6}\s*", "", text)).strip()


def _title_line(lines: list[Line]) -> int | None:
    """Index of the 'KẾ HOẠCH' line that opens the plan."""
    return next((i for i, ln in enumerate(lines[:80]) if fold(_clean(ln.text)) == _PLAN_WORD), None)


def _title(lines: list[Line], start: int) -> str | None:
    """The line(s) after 'KẾ HOẠCH', up to the preamble ('Căn cứ …') or a blank before a new sentence."""
    parts: list[str] = []
    gap = False
    for line in lines[start + 1 : start + 1 + 3 * _TITLE_LINES]:
        text = _clean(line.text)
        if not text:
            gap = bool(parts)
            continue
        folded = fold(text)
        if parts and (_PREAMBLE.match(folded) or "\t" in line.text or len(parts) == _TITLE_LINES):
            break
        if parts and gap and not (text[0].islower() or text[0] in "\"“'(" or not parts[-1].rstrip()[-1:].isalnum()):
            break
        if parts and gap and parts[-1].rstrip().endswith((".", ";", ":")):
            break
        parts.append(text)
        gap = False
    if not parts:
        return None
    title = parts[0]
    for part in parts[1:]:
        title = f"{title}{part}" if title.endswith("-") else f"{title} {part}"
    return title


def _plan_year_from_title(title: str | None) -> int | None:
    if not title:
        return None
    folded = fold(title)
    years = [int(m[1]) for m in _YEAR_IN_TITLE.finditer(folded) if not _DATE_BEFORE.search(folded[: m.start()])]
    return years[-1] if years else None


def _number(m: re.Match, raw: str) -> str | None:
    if not m["num"]:
        return None
    suffix = re.sub(r"\s+", "", raw[m.start("suf") : m.end("suf")])
    return f"{int(m['num'])}/{suffix}"


def _name_words(text: str, upper: bool) -> list[str]:
    words = []
    for token in text.split()[:4]:
        word = token.rstrip(",.;:)”\"'")
        if not word or not word.isalpha() or not word[0].isupper() or (upper and not word.isupper()):
            break
        if not upper and word.isupper() and len(word) > 1:
            break
        words.append(word)
        if word != token:  # punctuation ends the name
            break
    return words


def _commune(lines: list[Line], header_end: int) -> str | None:
    scores: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    cells = ((i, cell) for i, line in enumerate(lines) for cell in line.text.split("\t"))
    for i, text in cells:  # a name never runs across table cells
        for m in _UNIT.finditer(text):
            words = _name_words(text[m.end() :], upper=m[1].isupper())
            if not words or fold(words[0]) in _NOT_A_COMMUNE_START:
                continue
            name = " ".join(words)
            key = fold(name)
            before = fold(text[: m.start()])
            header = i < header_end and not before
            weight = 3 if header or _STRONG_BEFORE.search(before) else 1
            scores[key] += weight
            forms.setdefault(key, Counter())[name] += 1
    if not scores:
        return None
    key = scores.most_common(1)[0][0]
    return _display(key, forms[key], lines)


def _display(key: str, forms: Counter[str], lines: list[Line]) -> str:
    """The best printed form of a name: with diacritics if the text has them anywhere."""
    n = len(key.split())
    marked: Counter[str] = Counter()
    for line in lines:
        if line.text.isascii() or key not in fold(line.text):  # cheap necessary conditions
            continue
        words = [w.strip(",.;:()“”\"'") for w in line.text.split()]
        for j in range(len(words) - n + 1):
            window = " ".join(words[j : j + n])
            if not window.isascii() and fold(window) == key:
                marked[window] += 1
    pool = marked or forms
    titled = [f for f, _ in pool.most_common() if not f.isupper()]
    best = titled[0] if titled else pool.most_common(1)[0][0]
    return best if not best.isupper() else best.title()


@cache
def _provinces() -> list[tuple[str, tuple[str, ...]]]:
    with open(_RESOURCES / "provinces.csv", encoding="utf-8", newline="") as fh:
        return [(row["name"], tuple(fold(row["name"]).split())) for row in csv.DictReader(fh)]


def _province(lines: list[Line], fuzzy: bool) -> str | None:
    folded = " ".join(f for f in (fold(ln.text) for ln in lines) if f)  # fold(text), reusing each line's fold
    votes: Counter[str] = Counter()
    for m in _PROVINCE_WORD.finditer(folded):
        words = [w.group() for w in itertools.islice(_FOLDED_WORD.finditer(folded, m.end()), 4)]
        exact = [name for name, key in _provinces() if tuple(words[: len(key)]) == key]
        if exact:
            votes[max(exact, key=len)] += 1
            continue
        if fuzzy:
            scored = [(fuzz.ratio(" ".join(words[: len(key)]), " ".join(key)), name) for name, key in _provinces()]
            score, name = max(scored)
            if score >= _FUZZY_PROVINCE:
                votes[name] += 1
    return votes.most_common(1)[0][0] if votes else None


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 50 or _NOT_A_NAME.search(fold(text)):
        return False
    return all(w.isalpha() and (w.istitle() or w.isupper()) for w in words)


def _signer(lines: list[Line], end: int) -> str | None:
    titles = [i for i in range(end) if len(fold(lines[i].text)) <= 40 and _SIGNATURE.search(fold(lines[i].text))]
    if not titles:
        return None
    for line in lines[titles[-1] + 1 : min(titles[-1] + 16, end)]:
        text = _clean(line.text)
        if "\t" in line.text:
            return None
        if text and text[0] not in "-+•" and _is_name(text):
            return text
    return None


def extract_metadata(doc: Document) -> None:
    """Fills `doc.metadata` and `doc.diacritics_stripped`; fields the plan does not state stay null."""
    lines = doc.lines
    text = "\n".join(ln.text for ln in lines)
    doc.diacritics_stripped = language.diacritics_stripped(text)
    if language.looks_vietnamese(text) is False:
        share = language.function_word_share(text) or 0.0
        doc.diagnose(
            "metadata",
            "warning",
            f"text does not look Vietnamese ({share:.1%} Vietnamese function words)",
            code="not_vietnamese",
            raw_text=text[:200],
        )
    meta = doc.metadata
    start = _title_line(lines)
    header_end = start if start is not None else min(len(lines), 15)
    appendix = next((h.line for h in doc.headings if h.kind == "appendix"), None)
    body_end = next((i for i, ln in enumerate(lines) if ln.no == appendix), len(lines))

    header_date, header_year = None, None
    for line in lines[:header_end]:
        ascii_line = _ascii(line.text)
        if meta.doc_number is None and (m := _HEADER_NUMBER.search(ascii_line)):
            meta.doc_number = _number(m, line.text)
        for d, y in _dates(ascii_line):
            header_date, header_year = header_date or d, header_year or y
    caption_date, caption_year = None, None
    for line in lines:
        if "kem theo" not in fold(line.text):  # necessary for _CAPTION; fold is memoised per line
            continue
        ascii_line = _ascii(line.text)
        if not (c := _CAPTION.search(ascii_line)):
            continue
        if meta.doc_number is None and (m := _CAPTION_NUMBER.search(ascii_line)):
            meta.doc_number = _number(m, line.text)
        for d, y in _dates(ascii_line[c.end() :]):
            caption_date, caption_year = caption_date or d, caption_year or y

    meta.issue_date = header_date or caption_date
    meta.title = _title(lines, start) if start is not None else None
    meta.plan_year = _plan_year_from_title(meta.title) or header_year or caption_year
    meta.commune = _commune(lines, header_end)
    meta.province = _province(lines, fuzzy=doc.diacritics_stripped)
    meta.signer = _signer(lines, body_end)
