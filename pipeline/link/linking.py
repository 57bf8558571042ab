"""Linking the indicator rows of a whole run to the catalog, and the review queue for what is unsure.

Runs once per batch, after every document is processed, so wordings are seen across communes:
confirmed decisions first, then exact and fuzzy catalog matches; unsure matches go to review
(never forced), and wordings matching nothing are clustered across communes into proposed new
entries. Rows are the `indicators` row dicts; they are updated in place.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.link.catalog import Catalog
from pipeline.link.cluster import cluster_keys
from pipeline.link.decisions import Decisions, read_decisions
from pipeline.link.match import Candidate, Match, Matcher
from pipeline.normalize.fold import match_key

UNIT_MISMATCH = "unit_mismatch"
RESTORED = "restored_name"


@dataclass
class LinkResult:
    catalog: list[dict]
    review: list[dict]
    diagnostics: list[dict]
    decisions: Decisions


def _text(row: dict) -> str:
    return row.get("name") or row.get("name_raw") or ""


def _commune(row: dict) -> str:
    return row.get("commune") or row.get("doc_id") or row.get("source_file") or "?"


def link_rows(
    rows: list[dict],
    documents: list[dict] | None = None,
    decisions_path: Path | None = None,
    catalog: Catalog | None = None,
) -> LinkResult:
    catalog = catalog or Catalog.load()
    decisions = read_decisions(decisions_path)
    decisions.apply(catalog)
    matcher = Matcher(catalog)
    stripped = {d["doc_id"] for d in documents or [] if d.get("diacritics_stripped")}
    pending: dict[str, list[tuple[dict, Match]]] = defaultdict(list)  # review / unmatched, by key
    diagnostics = []

    for row in rows:
        row["flags"] = list(row.get("flags") or [])
        key = match_key(_text(row))
        if key in decisions.links:
            ind = decisions.links[key]
            _set(row, catalog, ind, 100.0, "decision")
            if ind is not None:
                _restore(row, catalog.by_id[ind].name, stripped)
            continue
        m = matcher.match_key(key)
        if row.get("qualifier"):  # 'đối với cơ sở giáo dục mầm non' can name a narrower indicator
            with_qualifier = matcher.match(f"{_text(row)} {row['qualifier']}")
            if with_qualifier.method in ("exact", "fuzzy"):
                m = with_qualifier
        if m.method in ("exact", "fuzzy"):
            best = m.best
            _set(row, catalog, best.indicator_id, best.score, m.method)
            _restore(row, best.wording, stripped)
            diagnostics += _check_unit(row, catalog)
        else:
            _set(row, catalog, None, m.best.score if m.best else None, m.method)
            pending[key].append((row, m))

    review = _review_rows(pending, catalog)
    counts: dict[str, tuple[int, int]] = {}
    by_id: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("indicator_id"):
            by_id[row["indicator_id"]].append(row)
    for ind, linked in by_id.items():
        counts[ind] = (len(linked), len({_commune(r) for r in linked}))
    return LinkResult(catalog.rows(counts), review, diagnostics, decisions)


def _set(row: dict, catalog: Catalog, ind: str | None, score: float | None, method: str) -> None:
    row["indicator_id"] = ind
    row["indicator_name"] = catalog.by_id[ind].name if ind else None
    row["link_score"] = score
    row["link_method"] = method


def _restore(row: dict, wording: str, stripped: set[str]) -> None:
    """A plan without diacritics gets the catalog's Vietnamese wording as its display name."""
    if row.get("doc_id") in stripped and wording and row.get("name") != wording:
        row["name"] = wording
        if RESTORED not in row["flags"]:
            row["flags"].append(RESTORED)


def _check_unit(row: dict, catalog: Catalog) -> list[dict]:
    expected = catalog.by_id[row["indicator_id"]].unit
    unit = row.get("unit")
    if not expected or not unit or unit == expected:
        return []
    row["flags"].append(UNIT_MISMATCH)
    return [
        {
            "doc_id": row.get("doc_id"),
            "source_file": row.get("source_file"),
            "stage": "link",
            "severity": "warning",
            "code": UNIT_MISMATCH,
            "reason": f"unit '{unit}' differs from '{expected}' expected for {row['indicator_id']}; "
            "left out of the comparison",
            "raw_text": f"{_text(row)} | {row.get('unit_raw') or ''} | {row.get('target_raw') or ''}",
            "page": row.get("page"),
            "line_start": row.get("line_start"),
            "line_end": row.get("line_end"),
        }
    ]


def _review_id(kind: str, key: str) -> str:
    return "R" + hashlib.sha1(f"{kind}:{key}".encode()).hexdigest()[:10]


def _review_rows(pending: dict[str, list[tuple[dict, Match]]], catalog: Catalog) -> list[dict]:
    out = []
    unmatched = []
    for key, items in pending.items():
        m = items[0][1]
        if m.method == "review":
            out.append(_review_row(m.reason, [key], [r for r, _ in items], m.candidates, catalog))
        else:
            unmatched.append(key)
    for group in cluster_keys(unmatched, [len(pending[k]) for k in unmatched]):
        keys = [unmatched[i] for i in group]
        members = [r for k in keys for r, _ in pending[k]]
        kind = "new_entry_proposal" if len({_commune(r) for r in members}) > 1 else "unmatched"
        best = max((pending[k][0][1] for k in keys), key=lambda m: m.best.score if m.best else -1)
        out.append(_review_row(kind, keys, members, best.candidates, catalog))
    return sorted(out, key=lambda r: (r["kind"], -r["n_communes"], r["match_key"]))


_REASONS = {
    "ambiguous": "two catalog indicators score close: pick one (decision=link) or create one (decision=new)",
    "weak": "closest catalog indicator scores below the link threshold: confirm it or create a new entry",
    "conflict": "wording differs from the closest indicator by a number (e.g. 5G/6G): confirm or create",
    "unmatched": "no catalog indicator is close: link it, create a new entry, or reject",
    "new_entry_proposal": "wordings from several communes that match no catalog indicator: create an entry",
}


def _review_row(kind: str, keys: list[str], members: list[dict], candidates, catalog: Catalog) -> dict:
    names = Counter(_text(r) for r in members)
    units = Counter(r.get("unit") for r in members if r.get("unit"))
    cands: list[Candidate] = list(candidates)
    top = cands[0] if cands else None
    second = cands[1] if len(cands) > 1 else None
    return {
        "review_id": _review_id(kind, keys[0]),
        "kind": kind,
        "match_key": keys[0],
        "member_keys": keys[1:],
        "name": names.most_common(1)[0][0],
        "n_mentions": len(members),
        "n_communes": len({_commune(r) for r in members}),
        "communes": sorted({_commune(r) for r in members}),
        "row_ids": [r.get("row_id") for r in members],
        "candidates": " | ".join(f"{c.indicator_id} {catalog.by_id[c.indicator_id].name} ({c.score:g})" for c in cands),
        "top_id": top.indicator_id if top else None,
        "top_score": top.score if top else None,
        "second_id": second.indicator_id if second else None,
        "second_score": second.score if second else None,
        "reason": _REASONS[kind],
        "decision": None,
        "indicator_id": None,
        "new_name": None,
        "domain": None,
        "unit": units.most_common(1)[0][0] if units else None,
    }


def write_review_csv(review: list[dict], out_dir: Path) -> Path:
    """review.csv for analysts: list columns joined by ' | ', ready to copy to decisions.csv."""
    from pipeline.outputs import to_table, write_csv

    frame = to_table("review", review).to_pandas()
    for col in ("member_keys", "communes", "row_ids"):
        frame[col] = frame[col].map(lambda v: " | ".join(str(x) for x in v) if v is not None else "")
    path = Path(out_dir) / "review.csv"
    write_csv(frame, path)
    return path
