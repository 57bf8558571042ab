"""One plan counted once; the current plan wins.

A commune's plan often reaches the province several times: as PDF and DOCX, re-sent, re-typed.
Two documents of one commune are the *same plan* when they carry the same number and date, or
when their extracted indicator targets are near-identical (Jaccard >= SAME_CONTENT of
(name, target, year) triples — this catches a text and a PDF rendering whose bytes differ).
The copy with the most extracted rows represents the plan; the others are listed.

Distinct plans of one commune for the same plan year are ordered by recency (issue date, an
amendment — a title starting 'Sửa đổi, bổ sung' — after the plan it amends, then document number).
The latest is `current`; earlier ones are `superseded` by it. The comparison takes each
indicator's value from the most recent plan that states it, so an amendment that restates only
a few targets keeps the others from the plan it amends.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.link.communes import with_commune_key
from pipeline.normalize.fold import fold

SAME_CONTENT = 0.9
_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@cache
def _amendment_phrases() -> tuple[str, ...]:
    with open(_RESOURCES / "plan_amendment_words.csv", encoding="utf-8", newline="") as fh:
        return tuple(fold(r["phrase"]) for r in csv.DictReader(fh))


def is_amendment(title: object) -> bool:
    """The plan's own subject is an amendment ('Sửa đổi, bổ sung Kế hoạch số …'); a title that merely
    cites an amended resolution further on ('Thực hiện Nghị quyết … sửa đổi, bổ sung …') is not."""
    folded = fold(title) if isinstance(title, str) else ""
    return folded.startswith(_amendment_phrases())


def _signatures(indicators: pd.DataFrame) -> dict[str, frozenset]:
    if indicators.empty:
        return {}
    keys = zip(
        indicators["doc_id"],
        indicators["name"].map(lambda v: fold(v) if isinstance(v, str) else ""),
        indicators["target_raw"].map(lambda v: fold(v) if isinstance(v, str) else ""),
        indicators["target_year"],
        strict=True,
    )
    out: dict[str, set] = {}
    for doc, name, target, year in keys:
        out.setdefault(doc, set()).add((name, target, None if pd.isna(year) else int(year)))
    return {d: frozenset(s) for d, s in out.items()}


def _same(a: pd.Series, b: pd.Series, sig: dict[str, frozenset]) -> str | None:
    """Why two documents of one commune are the same plan, or None.

    Near-identical content counts only when nothing printed tells them apart: an amendment restates
    most of the plan it amends, but carries its own number, date and title.
    """
    numbers = [v for v in (a.doc_number, b.doc_number) if isinstance(v, str) and "/" in v and v[0].isdigit()]
    dates = [v for v in (a.issue_date, b.issue_date) if _known(v)]
    if len(numbers) == 2 and len(dates) == 2 and numbers[0] == numbers[1] and dates[0] == dates[1]:
        return "cùng số và ngày ban hành"
    if len(set(numbers)) == 2 or len(set(dates)) == 2 or is_amendment(a.title) != is_amendment(b.title):
        return None
    x, y = sig.get(a.doc_id, frozenset()), sig.get(b.doc_id, frozenset())
    if x and y and len(x & y) / len(x | y) >= SAME_CONTENT:
        return "nội dung gần như trùng khớp"
    return None


def _known(v) -> bool:
    return v is not None and not pd.isna(v)


def plan_roles(documents: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per ok document: doc_id, commune_key, role (current|superseded|duplicate), rank, of, reason.

    `of` names the representative (duplicates) or the superseding plan (superseded); `rank` orders a
    commune-year's distinct plans, 0 = current.
    """
    docs = with_commune_key(documents)
    docs = docs[docs["status"] == "ok"] if "status" in docs else docs
    for col in ("doc_number", "issue_date", "plan_year", "title", "n_indicators"):
        if col not in docs:
            docs[col] = None
    sig = _signatures(indicators)
    out = []
    for key, group in docs.groupby("commune_key", sort=True):
        group = group.assign(_n=group["n_indicators"].fillna(0)).sort_values(["_n", "doc_id"], ascending=[False, True])
        reps: list[pd.Series] = []
        for _, doc in group.iterrows():
            hit = next(((r, why) for r in reps if (why := _same(r, doc, sig))), None)
            if hit:
                out.append(_role(doc, key, "duplicate", None, hit[0].doc_id, f"trùng với {_label(hit[0])}: {hit[1]}"))
            else:
                reps.append(doc)
        by_year: dict[object, list[pd.Series]] = {}
        for doc in reps:
            by_year.setdefault(None if pd.isna(doc.plan_year) else int(doc.plan_year), []).append(doc)
        for plans in by_year.values():
            plans.sort(key=_recency, reverse=True)
            current = plans[0]
            out.append(_role(current, key, "current", 0, None, None))
            for rank, doc in enumerate(plans[1:], start=1):
                out.append(_role(doc, key, "superseded", rank, current.doc_id, f"được thay thế bởi {_label(current)}"))
    return pd.DataFrame(out, columns=["doc_id", "commune_key", "role", "rank", "of", "reason"], dtype=object)


def _recency(doc: pd.Series) -> tuple:
    date = pd.Timestamp(doc.issue_date) if _known(doc.issue_date) else pd.Timestamp.min
    return (date, is_amendment(doc.title), str(doc.doc_number or ""), doc.doc_id)


def _label(doc: pd.Series) -> str:
    number = doc.doc_number if isinstance(doc.doc_number, str) else Path(str(doc.source_file)).name
    date = f" ngày {pd.Timestamp(doc.issue_date):%d/%m/%Y}" if _known(doc.issue_date) else ""
    return f"{number}{date}"


def _role(doc: pd.Series, key: str, role: str, rank: int | None, of: str | None, reason: str | None) -> dict:
    return {"doc_id": doc.doc_id, "commune_key": key, "role": role, "rank": rank, "of": of, "reason": reason}


def plan_labels(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> 'number ngày dd/mm/yyyy' (file name when the plan has no number)."""
    docs = documents.copy()
    for col in ("doc_number", "issue_date"):
        if col not in docs:
            docs[col] = None
    return {r.doc_id: _label(r) for r in docs.itertuples(index=False)}
