"""The dashboard's data: plain JSON-ready dicts built from a run's outputs.

Status of a commune's target against the province's reference for that indicator and year:
`meets` (at least as ambitious), `below`, `target` (no reference or not comparable), `text`
(qualitative), `missing` (other communes or the province set one, this commune does not).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.export import build_comparison, read_table
from pipeline.link.catalog import Catalog
from pipeline.link.communes import display_names, with_commune_key
from pipeline.link.compare import number_vi, target_text
from pipeline.link.plans import plan_labels
from pipeline.normalize.fold import fold
from pipeline.reference import meets
from pipeline.report.labels import explanation, label
from pipeline.report.links import source_href, where

_SIGN = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "=": ""}
EXAMPLES = 5  # source examples listed per diagnostic code


def catalog_names(pred: Path) -> dict[str, tuple[str, str | None]]:
    """indicator_id -> (name, domain) from the run's catalog (the shipped one when the run has none)."""
    catalog = read_table(pred, "catalog")
    rows = catalog.to_dict("records") if not catalog.empty else Catalog.load().rows()
    return {r["indicator_id"]: (r["name"], r.get("domain")) for r in rows}


def dashboard_data(pred: Path, reference: pd.DataFrame | None, report_dir: Path, catalog: dict) -> dict:
    cmp = build_comparison(pred)
    documents = with_commune_key(read_table(pred, "documents"))
    ok = documents[documents["status"] == "ok"] if "status" in documents else documents
    names = display_names(ok) if not ok.empty else {}
    ref = _reference_index(reference)
    cells = [_cell(r, ref, report_dir) for r in cmp.rows]
    cells += _reference_gaps(cells, ref, sorted(names))
    units = {r["indicator_id"]: r.get("unit") for r in sorted(cmp.rows, key=lambda r: r["status"] == "target")}
    indicators = {i: catalog.get(i, (i, None)) for i in {c["i"] for c in cells}}
    years = sorted({c["y"] for c in cells})
    targets = Counter(c["y"] for c in cells if c["s"] != "missing")
    return {
        "communes": [{"key": k, "name": names[k]} for k in sorted(names, key=lambda k: fold(names[k]))],
        "indicators": [
            {"id": i, "name": n, "domain": d or "", "unit": label("unit", units.get(i))}
            for i, (n, d) in sorted(indicators.items())
        ],
        "years": years,
        "year": targets.most_common(1)[0][0] if targets else (years[0] if years else None),
        "cells": cells,
        "has_reference": bool(ref),
        "plans": _plans(cmp.plans, documents, names, report_dir),
        "tasks": _tasks(read_table(pred, "tasks"), documents),
        "diagnostics": _diagnostics(read_table(pred, "diagnostics"), documents, report_dir),
    }


def _reference_index(reference: pd.DataFrame | None) -> dict[tuple[str, int], tuple[str, float]]:
    if reference is None or reference.empty:
        return {}
    return {(r.indicator_id, int(r.year)): (r.comparator, float(r.value)) for r in reference.itertuples(index=False)}


def _ref_text(ref: tuple[str, float] | None, unit: str | None) -> str:
    if ref is None:
        return ""
    return f"{_SIGN.get(ref[0], '')}{number_vi(ref[1])}{'%' if unit == 'percent' else ''}"


def _cell(r: dict, ref: dict, report_dir: Path) -> dict:
    reference = ref.get((r["indicator_id"], r["target_year"]))
    if r["status"] == "missing":
        status = "missing"
    elif r.get("value") is None:
        status = "text"
    elif reference is None:
        status = "target"
    else:
        ok = meets(r.get("comparator"), r["value"], *reference)
        status = "target" if ok is None else "meets" if ok else "below"
    return {
        "i": r["indicator_id"],
        "c": r["commune_key"],
        "y": r["target_year"],
        "s": status,
        "t": target_text(r),
        "v": r.get("value"),
        "ref": _ref_text(reference, r.get("unit")),
        "n": r.get("n_values") or 0,
        "w": where(r.get("source_file"), r.get("page"), r.get("line_start")) if r["status"] == "target" else "",
        "h": source_href(r.get("source_file"), report_dir, r.get("page")) if r["status"] == "target" else None,
    }


def _reference_gaps(cells: list[dict], ref: dict, communes: list[str]) -> list[dict]:
    """Indicators the province targets but no commune states: every commune lacks them."""
    present = {(c["i"], c["y"]) for c in cells}
    return [
        {"i": i, "c": k, "y": y, "s": "missing", "t": "", "v": None, "ref": _ref_text(r, None)}
        | {"n": 0, "w": "", "h": None}
        for (i, y), r in sorted(ref.items())
        if (i, y) not in present
        for k in communes
    ]


def _plans(roles: pd.DataFrame, documents: pd.DataFrame, names: dict, report_dir: Path) -> list[dict]:
    labels = plan_labels(documents)
    docs = {r.doc_id: r for r in documents.itertuples(index=False)}
    out = []
    for r in roles.itertuples(index=False):
        d = docs[r.doc_id]
        out.append(
            {
                "c": names.get(r.commune_key, r.commune_key),
                "key": r.commune_key,
                "plan": labels[r.doc_id],
                "role": label("role", r.role),
                "r": r.role,
                "reason": r.reason or "",
                "w": where(d.source_file),
                "h": source_href(d.source_file, report_dir),
            }
        )
    return sorted(out, key=lambda p: (p["c"], p["r"] != "current", p["plan"]))


def _deadline(row) -> tuple[int | None, str, str]:
    """(year, sort key, Vietnamese category): a quarter, a recurrence, or 'Không có thời hạn'."""
    end = row.deadline_end
    if end is not None and not pd.isna(end):
        end = pd.Timestamp(end)
        quarter = (end.month - 1) // 3 + 1
        return end.year, f"0-{end.year}-{quarter}", f"Quý {quarter}/{end.year}"
    if isinstance(row.recurrence, str) and row.recurrence:
        return None, f"1-{row.recurrence}", label("recurrence", row.recurrence)
    return None, "2", label("deadline", "none")


def _tasks(tasks: pd.DataFrame, documents: pd.DataFrame) -> list[dict]:
    if tasks.empty:
        return []
    keys = dict(zip(documents["doc_id"], documents["commune_key"], strict=True))
    tasks = tasks.reindex(columns=["doc_id", "title", "lead_agency", "deadline_end", "recurrence"])
    out = []
    for r in tasks.itertuples(index=False):
        year, order, category = _deadline(r)
        agency = r.lead_agency if isinstance(r.lead_agency, str) and r.lead_agency else "Chưa rõ cơ quan chủ trì"
        out.append(
            {
                "c": keys.get(r.doc_id),
                "y": year,
                "o": order,
                "q": category,
                "a": agency,
                "t": r.title if isinstance(r.title, str) else "",
            }
        )
    return out


def _diagnostics(diagnostics: pd.DataFrame, documents: pd.DataFrame, report_dir: Path) -> list[dict]:
    if diagnostics.empty:
        return []
    keys = dict(zip(documents["doc_id"], documents["commune_key"], strict=True))
    columns = ["doc_id", "code", "severity", "reason", "raw_text", "source_file", "page", "line_start"]
    diagnostics = diagnostics.reindex(columns=columns)
    out = []
    for code, group in diagnostics.groupby("code", sort=True):
        out.append(
            {
                "code": code,
                "label": label("diagnostic", code),
                "expl": explanation("diagnostic", code),
                "sev": label("severity", group["severity"].mode().iloc[0]),
                "n": len(group),
                "communes": Counter(keys.get(d) for d in group["doc_id"]),
                "ex": [
                    {
                        "w": where(r.source_file, r.page, r.line_start),
                        "h": source_href(r.source_file, report_dir, r.page),
                        "t": (r.raw_text if isinstance(r.raw_text, str) else r.reason or "")[:160],
                    }
                    for r in group.head(EXAMPLES).itertuples(index=False)
                ],
            }
        )
    return sorted(out, key=lambda d: -d["n"])
