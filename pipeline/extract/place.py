"""Who issues a plan and where: level (xã … tỉnh), commune, district and province.

The header names the issuer ('ỦY BAN NHÂN DÂN XÃ PHÚ LÂM', 'UBND HUYỆN CẨM KHÊ' over 'UBND THỊ
TRẤN SÔNG THAO', 'TỈNH ỦY GIA LAI'); the lowest unit printed there is the issuer's level. Without a
header the level comes from a property block ('Nơi ban hành: Tỉnh Gia Lai') or the sentence that
announces the plan ('UBND huyện Hòa Sơn … ban hành kế hoạch'). Names missing from the header are
voted over the text: a commune-level plan names its district ('… của UBND huyện Kim Bôi') and its
province. A district or province plan has no commune; a province plan has no district.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.model import Line
from pipeline.normalize.fold import fold

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
# unit words as printed, also without their marks (OCR, stripped text); case tells a header from prose
_COMMUNE_UNIT = re.compile(
    r"(?<![^\W\d_])(xã|Xã|XÃ|xa|Xa|XA|phường|Phường|PHƯỜNG|phuong|Phuong|PHUONG"
    r"|thị trấn|Thị trấn|THỊ TRẤN|thi tran|Thi tran|THI TRAN)\s+"
)
_DISTRICT_UNIT = re.compile(
    r"(?<![^\W\d_])(huyện|Huyện|HUYỆN|huyen|Huyen|HUYEN|quận|Quận|QUẬN|thị xã|Thị xã|THỊ XÃ|thi xa|Thi xa|THI XA)\s+"
)
_STRONG_BEFORE = re.compile(r"(?:uy ban nhan dan|ubnd|dia ban)\s*$")
_NOT_A_NAME_START = frozenset({"hoi", "uy"})  # 'Xã hội' in title case, 'Huyện ủy'
_PROVINCE_WORD = re.compile(r"\b(?:tinh|thanh pho|tp)\s+(?:uy\s+)?")
_FUZZY_PROVINCE = 85
_FOLDED_WORD = re.compile(r"\S+")
# an issuing unit in a header line: 'UBND XÃ PHÚ LÂM', 'TỈNH ỦY GIA LAI', 'Nơi ban hành: Tỉnh Gia Lai'
_ISSUER = re.compile(
    r"(?<![^\W\d_])(?P<unit>thị trấn|thi tran|thị xã|thi xa|thành phố|thanh pho|tp\.|đặc khu|dac khu"
    r"|xã|xa|phường|phuong|huyện|huyen|quận|quan|tỉnh|tinh)(?:\s+ủy|\s+uy)?\s*(?<=\s|\.)(?P<rest>.*)",
    re.I,
)
_MOTTO = re.compile(r"\s(?:CỘNG HÒA|CỘNG HOÀ|Cộng hòa|Cộng hoà|CONG HOA|Độc lập|ĐỘC LẬP)\b.*")  # a merged header line
_LEVELS = {
    "xa": "xa",
    "phuong": "phuong",
    "thi tran": "thi_tran",
    "huyen": "huyen",
    "quan": "quan",
    "thi xa": "thi_xa",
    "thanh pho": "thanh_pho",
    "tp": "thanh_pho",
    "dac khu": "dac_khu",
    "tinh": "tinh",
}
_RANK = {
    "tinh": 1,
    "thanh_pho": 2,
    "huyen": 2,
    "quan": 2,
    "thi_xa": 2,
    "xa": 3,
    "phuong": 3,
    "thi_tran": 3,
    "dac_khu": 3,
}
_ANNOUNCED = re.compile(r"(?:Ủy|Uỷ|Uy) ban nhân dân\s+|UBND\s+", re.I)
_UNIT_WORD = re.compile(r"(?<![^\W\d_])(?:thị trấn|thị xã|thành phố|xã|phường|huyện|quận|tỉnh)\s", re.I)
COMMUNE_LEVELS = frozenset({"xa", "phuong", "thi_tran", "dac_khu"})


@dataclass(slots=True)
class Place:
    level: str | None = None
    commune: str | None = None
    district: str | None = None
    province: str | None = None


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


def _vote(lines: list[Line], header_end: int, unit: re.Pattern) -> tuple[str, str] | None:
    """The name most often printed after a unit word ('xã Tân Phú'), the header and 'UBND xã …' counting most."""
    scores: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    units: dict[str, Counter[str]] = {}
    cells = ((i, cell) for i, line in enumerate(lines) for cell in line.text.split("\t"))
    for i, text in cells:  # a name never runs across table cells
        for m in unit.finditer(text):
            words = _name_words(text[m.end() :], upper=m[1].isupper())
            if not words or fold(words[0]) in _NOT_A_NAME_START:
                continue
            name = " ".join(words)
            key = fold(name)
            before = fold(text[: m.start()])
            header = i < header_end and not before
            weight = 3 if header or _STRONG_BEFORE.search(before) else 1
            scores[key] += weight
            forms.setdefault(key, Counter())[name] += 1
            units.setdefault(key, Counter())[_LEVELS[fold(m[1])]] += weight
    if not scores:
        return None
    key = scores.most_common(1)[0][0]
    return units[key].most_common(1)[0][0], _display(key, forms[key], lines)


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
    return [(name, tuple(fold(name).split())) for name in _province_types()]


@cache
def _province_types() -> dict[str, str]:
    with open(_RESOURCES / "provinces.csv", encoding="utf-8", newline="") as fh:
        return {row["name"]: fold(row["type"]) for row in csv.DictReader(fh)}


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


def _province_name(name: str) -> str | None:
    key = tuple(fold(name).split())
    return next((n for n, k in _provinces() if k == key), None)


def _unit(text: str) -> tuple[str, str] | None:
    """(level, name) of an issuing unit at the start of a text ('xã Phú Lâm', 'TỈNH ỦY GIA LAI')."""
    m = _ISSUER.match(_MOTTO.sub("", text.strip(" |*-")))
    if not m:
        return None
    rest = m["rest"]
    words = _name_words(rest, upper=m["unit"].isupper()) or _name_words(rest, upper=False)
    if not words or fold(words[0]) in _NOT_A_NAME_START:
        return None
    level = _LEVELS[fold(m["unit"])]
    name = " ".join(words)
    province = _province_name(name)
    if (
        level == "thanh_pho" and province and _province_types()[province] == "thanh pho"
    ):  # Hà Nội, not a provincial city
        level = "tinh_thanh_pho"
    return level, name.title() if name.isupper() else name


def _header_units(lines: list[Line]) -> list[tuple[str, str]]:
    units = []
    for line in lines:
        for cell in re.split(r"[|\t]", line.text):
            text = re.sub(
                r"^(?:ủy ban nhân dân|uỷ ban nhân dân|uy ban nhan dan|ubnd|đảng ủy|dang uy|ban chỉ đạo|ban chi dao"
                r"|nơi ban hành:?|noi ban hanh:?)\s*",
                "",
                cell.strip(),
                flags=re.I,
            )
            if found := _unit(text):
                units.append(found)
    return units


def issuer(lines: list[Line], header_end: int) -> Place:
    """Level and names of the issuing unit; null where the plan does not say."""
    place = Place()
    units = _header_units(lines[:header_end])
    if not units:  # an announcement: 'UBND huyện Hòa Sơn (tỉnh Quảng Trị) ban hành kế hoạch …'
        for line in lines[: max(header_end, 15)]:
            m = _ANNOUNCED.search(line.text)
            cited = m is not None and fold(line.text[: m.start()]).endswith("cua")  # '… của UBND tỉnh X'
            if m and not cited and "ban hanh" in fold(line.text[m.end() :]) and (found := _unit(line.text[m.end() :])):
                units = [found]
                break
    _assign(place, units)
    return place


def _assign(place: Place, units: list[tuple[str, str]]) -> None:
    """Fills the place from (level, name) units; the lowest unit is the issuer's level."""
    for level, name in units:
        if level == "tinh_thanh_pho" or level == "tinh":  # Hà Nội, Huế (provinces.csv): province level
            place.province = place.province or (_province_name(name) or name)
            level = "tinh"
        elif _RANK[level] == 2:
            place.district = place.district or name or None
        else:
            place.commune = place.commune or name or None
        if place.level is None or _RANK[level] > _RANK[place.level]:
            place.level = level


def _title_scope(title: str | None) -> list[tuple[str, str]]:
    """The unit a title ends on ('… Ban Chỉ đạo chuyển đổi số huyện Krông Nô năm 2024'): the plan's scope."""
    found = [u for m in _UNIT_WORD.finditer(title or "") if (u := _unit(title[m.start() :]))]
    return found[-1:]


def locate(lines: list[Line], header_end: int, fuzzy: bool, title: str | None = None) -> Place:
    """The issuer (else the scope its title names), completed by names voted over the text."""
    place = issuer(lines, header_end)
    if place.level is None:
        _assign(place, _title_scope(title))
    commune_level = place.level in COMMUNE_LEVELS or place.level is None
    if commune_level and place.commune is None and (voted := _vote(lines, header_end, _COMMUNE_UNIT)):
        level, place.commune = voted
        place.level = place.level or level
    if place.level in COMMUNE_LEVELS and place.district is None and (voted := _vote(lines, header_end, _DISTRICT_UNIT)):
        place.district = voted[1]
    if place.province is None:
        place.province = _province(lines, fuzzy)
    return place
