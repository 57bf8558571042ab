"""A target cell OCR misread, decided from the page's own evidence (pure functions).

Tesseract's Vietnamese model has no '≥': '≥ 95%' comes back as '> 95%', '= 95%', '2 95%' or
'295%', and '%' as a trailing '0' or '9' ('80%' -> '800', '809'). The glyph settles some signs
(readers/ocr_symbols.py); the rest is decided here from what the page itself says: the column's
unit, the signs the column's other rows print, and the prose stating the same indicator.

A reading is changed only when evidence supports every edit it makes. The number first:
- '%' for a trailing '0'/'9': the number as read is over 100 and the column's unit is % (or the
  prose states that value);
- '≥' for a leading '2' fused to the number ('285%'): the number as read is an impossible share
  and without the '2' it is not (or the prose states that target);
where several such readings fit ('250': '25%' or '≥ 50'), none is chosen. Then a sign set apart:
- '≥' for '=', a separate '2' or '>' ('≤' for '<' or '='): the column's other rows print that sign
  (for '>'/'<', which plans do print: twice, and several times as often as '>'), the prose states it, or
  (a separate '2') the number after it was misread too.
What still looks misread (an '=' or a separate '2' left, a '>' in a column printing '≥' too, a share
over 100) is reported uncertain, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.normalize.targets import Target, parse_targets
from pipeline.settings import SETTINGS

_SIGNED = re.compile(r"^(?P<sign>[>=<2])(?P<gap>\s*)(?P<rest>\d.*)$")
_PERCENT_AS_DIGIT = re.compile(r"(?<=\d)[09](?=\s*$)")
_LAST_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)\D*$")
_PRINTED = (("≥", ">="), (">=", ">="), ("≤", "<="), ("<=", "<="), (">", ">"), ("<", "<"), ("=", "="))
LEGITIMATE = frozenset({">", "<"})  # signs plans do print: a misreading only when the column says so
MISREAD_SIGNS = frozenset({"=", "2"})  # signs plans do not print before a target: left there, the cell is doubtful


@dataclass(frozen=True)
class Evidence:
    """What the rest of the page says about one target cell."""

    percent: bool = False  # the column's unit is % (the row's unit cell, the column title, or its other rows)
    signs: Mapping[str, int] = field(default_factory=dict)  # printed sign -> other rows of the column printing it
    prose: tuple[tuple[str, float], ...] = ()  # (comparator, value) the prose states for this indicator


@dataclass(frozen=True)
class Reading:
    """The text to parse (as read, or corrected), whether it was corrected or stays doubtful, and why."""

    text: str
    corrected: bool = False
    uncertain: bool = False
    why: str = ""


def printed_sign(text: str) -> str:
    """The comparison sign a target cell starts with: '>=', '>', '<=', '<', '=', '2' (a '2' set apart
    from the number, as OCR reads '≥'), or '' for none."""
    text = text.strip()
    for printed, sign in _PRINTED:
        if text.startswith(printed):
            return sign
    return "2" if re.match(r"^2\s+\d", text) else ""


def read_target(text: str, unit_raw: str | None, evidence: Evidence) -> Reading:
    """The reading of an OCR'd target cell the evidence supports (see the module docstring).

    The number is read first (a '2' fused to it, a trailing '0'/'9'), then a separate sign before it."""
    text = text.strip()
    m = _SIGNED.match(text)
    separate = m is not None and (m.group("sign") != "2" or bool(m.group("gap")))
    sign, body = (m.group("sign"), m.group("rest")) if separate else ("", text)
    number, why_number = _read_number(body, unit_raw, evidence)
    if number is None:
        return Reading(text, uncertain=True, why=why_number)
    new_sign, why_sign = _read_sign(sign, number, unit_raw, evidence, cured=number != body)
    if new_sign is None:
        return Reading(text, uncertain=True, why=why_sign)
    final = f"{new_sign} {number}" if new_sign else text[: len(text) - len(body)] + number
    doubt = _doubt(final, unit_raw, evidence)
    why = "; ".join(w for w in (why_number, why_sign) if w)
    return Reading(final, corrected=final != text, uncertain=bool(doubt), why="; ".join(w for w in (why, doubt) if w))


def _read_number(body: str, unit_raw: str | None, evidence: Evidence) -> tuple[str | None, str]:
    """(the number part as it should be read, why); None when several readings fit."""
    as_read = _single(body, unit_raw)
    read_value = _last_number(body)
    impossible = _impossible(as_read, evidence) if as_read else read_value is not None and read_value > _max(evidence)
    options = []
    for fused, percent in ((True, False), (False, True), (True, True)):
        candidate = _number_edit(body, fused, percent)
        target = _single(candidate, unit_raw) if candidate else None
        if target is None or _impossible(target, evidence):
            continue
        prose = _prose_states(target, evidence, value_only=not fused)
        reasons = [
            "" if not fused else ("the prose states it" if prose else "without the leading '2' it is a possible share"),
            "" if not percent else _percent_support(read_value, target, evidence, prose),
        ]
        if (fused and not (prose or impossible)) or (percent and not reasons[1]):
            continue
        options.append((candidate, target, prose, "; ".join(r for r in reasons if r)))
    if as_read is not None and not impossible:
        options = [o for o in options if o[2]]  # a possible reading gives way to the prose only
    if not options:
        return body, ""
    if len({(t.comparator, t.value) for _c, t, _p, _w in options}) > 1:
        return None, "several readings fit: " + ", ".join(repr(c) for c, *_ in options)
    return options[0][0], options[0][3]


def _number_edit(body: str, fused: bool, percent: bool) -> str | None:
    """The body with its leading '2' as '≥' and/or its trailing '0'/'9' as '%'; None when it has no such."""
    if fused and not re.match(r"^2[1-9]", body):  # '2025' is a year, never '≥ 025'
        return None
    if percent and ("%" in body or not _PERCENT_AS_DIGIT.search(body)):
        return None
    if percent:
        body = _PERCENT_AS_DIGIT.sub("%", body)
    return f"≥ {body[1:]}" if fused else body


def _read_sign(sign: str, number: str, unit_raw: str | None, evidence: Evidence, cured: bool) -> tuple[str | None, str]:
    """(the sign to print before `number`: '' keeps the one read, why); None when two signs fit."""
    if not sign:
        return "", ""
    supported = []
    for new in {">": ["≥"], "=": ["≥", "≤"], "<": ["≤"], "2": ["≥"]}[sign]:
        target = _single(f"{new} {number}", unit_raw)
        if target is None:
            continue
        wanted = target.comparator
        rows = evidence.signs.get(wanted, 0)
        if _prose_states(target, evidence):
            supported.append((new, f"the prose states {new} {target.value:g}"))
        elif sign == "2" and cured:
            supported.append((new, "the number after the '2' was misread too"))
        elif (rows >= 1 and sign not in LEGITIMATE) or _outnumbered(sign, rows, evidence):
            supported.append((new, f"{rows} other row(s) of the column print {new}"))
    if len(supported) > 1:
        return None, "the column prints both '≥' and '≤'"
    return supported[0] if supported else ("", "")


def _outnumbered(sign: str, rows: int, evidence: Evidence) -> bool:
    """A '>' (or '<') in a column whose other rows print '≥' (or '≤') far more often: a misread one."""
    settings = SETTINGS.ocr
    return rows >= settings.sign_rows and rows >= settings.sign_majority * evidence.signs.get(sign, 0)


def _single(text: str, unit_raw: str | None) -> Target | None:
    """The one numeric target the text states, else None (several numbers, or none)."""
    found = parse_targets(text, unit_raw)
    if len(found) != 1 or found[0].value is None or {"multiple_values", "unparsed_target"} & set(found[0].flags):
        return None
    return found[0]


def _last_number(text: str) -> float | None:
    m = _LAST_NUMBER.search(text)
    return float(m.group(1).replace(",", ".")) if m and "%" not in text else None


def _max(evidence: Evidence) -> float:
    return SETTINGS.ocr.max_share if evidence.percent else float("inf")


def _impossible(target: Target, evidence: Evidence) -> bool:
    """A share over 100%."""
    percent = evidence.percent or target.unit == "percent"
    return percent and target.value is not None and target.value > SETTINGS.ocr.max_share


def _prose_states(target: Target, evidence: Evidence, value_only: bool = False) -> bool:
    return any(v == target.value and (value_only or c == target.comparator) for c, v in evidence.prose)


def _percent_support(read_value: float | None, target: Target, evidence: Evidence, prose: bool) -> str:
    if read_value is None or read_value <= SETTINGS.ocr.max_share:
        return ""
    if evidence.percent:
        return f"{read_value:g} is over 100 in a % column"
    return f"the prose states {target.value:g}%" if prose else ""


def _doubt(text: str, unit_raw: str | None, evidence: Evidence) -> str:
    """Why a reading still looks misread, or ''."""
    sign = printed_sign(text)
    if sign in MISREAD_SIGNS or (sign and _single(text, unit_raw) is None):
        return f"'{text}' starts with a sign OCR makes of '≥'"
    if sign in LEGITIMATE and evidence.signs.get(">=" if sign == ">" else "<=", 0):
        return f"the column prints both '{sign}' and '{'≥' if sign == '>' else '≤'}'"
    target = _single(text, unit_raw)
    if target is not None and _impossible(target, evidence):
        return f"'{text}' is over 100 in a % column"
    return ""
