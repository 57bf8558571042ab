"""Plan metadata: commune, province, document number, issue date, signer, plan year, title.

Every field is read from what the plan prints and stays null otherwise: a number left blank
("Số: /KH-UBND"), a date with its day left blank ("ngày tháng 03 năm 2026"), a province the plan
never names. Patterns run on a letter-for-letter ASCII copy of each line, so OCR and retyped text
without diacritics ("S6: 68 /KH-UBND", "ngay /2 thang 02nam 2026") is read the same way, while the
values are cut from the original text.

- doc_number / issue_date: the header ("Số: 62/KH-UBND", "Tân Kỳ, ngày 16 tháng 3 năm 2026"),
  else an appendix caption that refers to this plan ("(Ban hành kèm theo Kế hoạch số: 62 /KH-UBND
  ngày 16/3/2026 …)").
- plan_year: a "năm 2026" or the end of a "giai đoạn 2026 - 2030" in the title, not part of a date
  nor an orientation ('năm 2025, định hướng đến năm 2030' is 2025), else the year of the issue date
  or of a caption date (its year is printed even when the day is blank).
- commune: the name after "xã" voted over the text (the header "XÃ TÂN PHÚ" and "Ủy ban nhân
  dân xã …" count most); shown with diacritics when the text prints them anywhere, else as printed.
- province: the name from resources/provinces.csv most often printed after "tỉnh"/"thành phố"
  anywhere in the plan, appendices included; in text without diacritics an OCR-damaged name
  ("tinh Pong Nai") is matched fuzzily against that closed list.
- signer: the name under the last "CHỦ TỊCH"/"PHÓ CHỦ TỊCH" line of the signature block.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pipeline.extract import language
from pipeline.extract.place import locate
from pipeline.model import Document, Line
from pipeline.normalize.fold import fold, strip_diacritics

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"

# 'Số: 62/KH-UBND', 'Số 62/KH-UBND', 'S6: 68 /KH-UBND', 'Số hiệu:03-KH/BCĐ', 'Số: 5473/BTTTT-KTS&XHS'
_HEADER_NUMBER = re.compile(
    r"(?:^|[|\t*]|\b(?=[Ss][oO06]\s*(?i:hieu)))\s*[Ss][oO06]\s*(?i:hieu)?\s*:?\s*(?P<num>\d{1,5})?\s*(?P<sep>[/-])\s*"
    r"(?P<suf>[A-Z]{1,8}(?:\s*[-/]\s*[A-Z&]{1,12}(?![a-z]))+)"  # 'BCĐNgày' glued in a property block: 'BCĐ'
)
_CAPTION = re.compile(r"kem\s+theo\s+ke\s*hoach\b", re.I)
_CAPTION_NUMBER = re.compile(
    r"kem\s+theo\s+ke\s*hoach\s*(?:s[o06]\b)?[\s:~.]*(?P<num>\d{1,5})?[\s~]*/\s*(?P<suf>[A-Z]{1,6}(?:\s*-\s*[A-Z]{1,10})+)",
    re.I,
)
_DATE_WORDS = re.compile(
    r"\bngay\s*(?P<d>[^\s]{0,3}?)\s*thang\s*(?P<m>[^\s]{0,3}?)\s*n\S?m\s*(?P<y>(?:19|20)\d\d)\b", re.I
)
_DATE_SLASH = re.compile(
    r"\bngay\s*(?P<d>\d{0,2})\s*(?P<s>[/.-])\s*(?P<m>\d{0,2})\s*(?P=s)\s*(?P<y>(?:19|20)\d\d)(?!\d)", re.I
)
_PLACE_DATE = re.compile(r",\s*$")  # 'Tân Kỳ, ngày …': the plan's own date follows its place
_PROPERTY_DATE = re.compile(r"ngay\s+ban\s+hanh\s*:?\s*$", re.I)
_PROPERTY_SIGNER = re.compile(r"Nguoi\s+ky\s*(?::|\|)?\s*", re.I)  # 'Người ký:', 'Người ký | …', 'Người ký …'
_YEAR_IN_TITLE = re.compile(r"\bn[a-z]?m\s*((?:19|20)\d\d)\b")
_PERIOD = re.compile(r"\bgiai doan (?:19|20)\d\d (?:den )?((?:19|20)\d\d)\b")  # 'giai đoạn 2023 - 2025'
_ORIENTATION = re.compile(r"\b(?:dinh huong|tam nhin)\b")  # '… năm 2025, định hướng đến năm 2030': not the plan's year
_DATE_BEFORE = re.compile(r"thang\s*\d{0,2}\s*$")
_PLAN_WORD = "ke hoach"
_PREAMBLE = re.compile(r"^(?:can\s*c\w*|thuc hien|trien khai|xet|theo|uy ban|ubnd|ban hanh|[ivx]+\s)\b")
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


def _dates(text: str, bare: bool = False) -> list[tuple[date | None, int, int]]:
    """(full date or None, year, start) for each date phrase in an ASCII text; with `bare`, also
    dates without 'ngày' ('Ngày ban hành:21/07/2025' in a property block)."""
    found = []
    for pattern in (_DATE_WORDS, _DATE_SLASH, *((_BARE_DATE,) if bare else ())):
        for m in pattern.finditer(text):
            found.append((_date(m["d"], m["m"], m["y"]), int(m["y"]), m.start()))
    return sorted(found, key=lambda f: f[2])


_BARE_DATE = re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d)(?!\d)")


def _issue_date(header: str) -> tuple[date | None, int | None]:
    """The plan's own date in the header text (lines joined: a date may wrap): after its place
    ('Gia Lai, ngày 21 tháng 7 năm 2025'), else after 'Ngày ban hành:'."""
    dates = _dates(header, bare=True)
    for test in (_PLACE_DATE, _PROPERTY_DATE):
        for d, y, start in dates:
            if test.search(header[max(0, start - 20) : start]):
                return d, y
    return None, None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"^#{1,6}\s*", "", text)).strip()


def _title_line(lines: list[Line]) -> int | None:
    """Index of the 'KẾ HOẠCH' line that opens the plan ('KẾ HOẠCH HÀNH ĐỘNG' too: a short upper-case line)."""
    return next((i for i, ln in enumerate(lines[:80]) if _opens_plan(_clean(ln.text))), None)


def _opens_plan(text: str) -> bool:
    folded = fold(text)
    if folded == _PLAN_WORD:
        return True
    return folded.startswith(_PLAN_WORD + " ") and text.isupper() and len(text.split()) <= _TITLE_LINES


def _title_head(text: str) -> str:
    """What a 'KẾ HOẠCH HÀNH ĐỘNG' line adds to the title after 'KẾ HOẠCH'."""
    return " ".join(text.split()[2:])


def _title(lines: list[Line], start: int) -> str | None:
    """The line(s) after 'KẾ HOẠCH', up to the preamble ('Căn cứ …') or a blank before a new sentence."""
    head = _title_head(_clean(lines[start].text))
    parts: list[str] = [head] if head else []
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
    if (m := _ORIENTATION.search(folded)) and _YEAR_IN_TITLE.search(folded[: m.start()]):
        folded = folded[: m.start()]
    years = [int(m[1]) for m in _YEAR_IN_TITLE.finditer(folded) if not _DATE_BEFORE.search(folded[: m.start()])]
    years += [int(m[1]) for m in _PERIOD.finditer(folded)]
    return max(years) if years else None


def _number(m: re.Match, raw: str) -> str | None:
    """'09/KH-UBND', '03-KH/BCĐ': the number as printed (a leading zero is part of it)."""
    if not m["num"]:
        return None
    suffix = re.sub(r"\s+", "", raw[m.start("suf") : m.end("suf")])
    return f"{m['num']}/{suffix}" if m.groupdict().get("sep", "/") == "/" else f"{m['num']}-{suffix}"


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

    header_year = None
    for line in lines[:header_end]:
        ascii_line = _ascii(line.text)
        if meta.doc_number is None and (m := _HEADER_NUMBER.search(ascii_line)):
            meta.doc_number = _number(m, line.text)
        header_year = header_year or next((y for _d, y, _s in _dates(ascii_line)), None)
    header_date, own_year = _issue_date(" ".join(_ascii(ln.text.strip()) for ln in lines[:header_end]))
    header_year = own_year or header_year
    caption_date, caption_year = None, None
    for line in lines:
        if "kem theo" not in fold(line.text):  # necessary for _CAPTION; fold is memoised per line
            continue
        ascii_line = _ascii(line.text)
        if not (c := _CAPTION.search(ascii_line)):
            continue
        if meta.doc_number is None and (m := _CAPTION_NUMBER.search(ascii_line)):
            meta.doc_number = _number(m, line.text)
        for d, y, _s in _dates(ascii_line[c.end() :]):
            caption_date, caption_year = caption_date or d, caption_year or y

    meta.issue_date = header_date or caption_date
    meta.title = _title(lines, start) if start is not None else None
    title_year = _plan_year_from_title(meta.title)
    meta.plan_year = title_year or header_year or caption_year
    meta.plan_year_source = "title" if title_year else "issue_date" if meta.plan_year else None
    place = locate(lines, header_end, fuzzy=doc.diacritics_stripped, title=meta.title)
    meta.level, meta.commune, meta.district, meta.province = place.level, place.commune, place.district, place.province
    meta.signer = _signer(lines, body_end) or _property_signer(lines[:header_end])


def _property_signer(lines: list[Line]) -> str | None:
    """'Người ký: Trần Văn A' in a web page's property block (the name may be on the next line)."""
    for i, line in enumerate(lines):
        if m := _PROPERTY_SIGNER.search(_ascii(line.text)):
            rest = line.text[m.end() :].strip(" |") or (lines[i + 1].text.strip(" |") if i + 1 < len(lines) else "")
            words = []
            for word in rest.split():
                if not (word[:1].isupper() and word.isalpha()) or len(words) == 5:
                    break
                words.append(word)
            name = " ".join(words)
            return name if _is_name(name) else None
    return None
