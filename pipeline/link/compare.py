"""The province's view: one target per indicator x commune x year.

Communes are told apart by their identity key (link/communes.py), each plan counts once and the
current plan wins (link/plans.py). Only linked rows whose unit agrees with the indicator's
expected unit are compared; a commune without a target for an indicator gets a `missing` row, so
gaps are as visible as targets.

Choice rule, when several rows give a commune's target for one indicator and year (a plan states
it in a table and in prose, with qualifiers, or two plans state it), the first by:
  1. the most recent plan that states it (current before superseded; duplicates never count);
  2. the source row giving the indicator for more years, so a commune's trajectory is one row's
     (mixing two rows year by year draws false drops such as 70 -> 20 -> 30 -> 40);
  3. a table row before a target stated in prose;
  4. a target without a qualifier ('đối với trường mầm non') before a qualified one;
  5. a numeric target before a text one;
  6. the higher link score, then the earlier line.
Every candidate, chosen or not, is in the detail table with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.link.communes import display_names, with_commune_key
from pipeline.link.linking import UNIT_MISMATCH
from pipeline.link.plans import plan_labels, plan_roles
from pipeline.schema import schema

_SIGN = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "=": ""}
_UNIT = {"percent": "%"}
_RULES = (
    "kế hoạch mới hơn",
    "dòng cho nhiều năm hơn",
    "bảng trước văn bản",
    "không kèm điều kiện",
    "có số liệu",
    "điểm liên kết cao hơn",
    "dòng xuất hiện trước",
)


@dataclass
class Comparison:
    rows: list[dict] = field(default_factory=list)  # comparison table: one per indicator x commune x year
    detail: list[dict] = field(default_factory=list)  # every candidate value with chosen/reason
    plans: pd.DataFrame = field(default_factory=pd.DataFrame)  # plan roles (current/superseded/duplicate)


def compare(indicators: pd.DataFrame, documents: pd.DataFrame, catalog: pd.DataFrame, year: int | None) -> Comparison:
    indicators = indicators.reindex(columns=[f.name for f in schema("indicators")])  # absent columns -> null
    docs = with_commune_key(documents)
    docs = docs[docs["status"] == "ok"] if "status" in docs else docs
    roles = plan_roles(docs, indicators)
    rank = {r.doc_id: r.rank for r in roles.itertuples() if r.role != "duplicate"}
    names = display_names(docs)
    labels = plan_labels(docs)
    info = {r.doc_id: r for r in docs.itertuples(index=False)}
    entries = {r.indicator_id: r for r in catalog.itertuples(index=False)}
    superseded, duplicates = _plan_notes(roles, labels)

    candidates: dict[tuple, list[dict]] = {}
    for r in indicators.itertuples(index=False):
        entry = entries.get(r.indicator_id) if isinstance(r.indicator_id, str) else None
        if entry is None or r.doc_id not in rank or UNIT_MISMATCH in list(r.flags if r.flags is not None else []):
            continue
        if pd.isna(r.target_year) or (year is not None and r.target_year != year):
            continue
        doc = info[r.doc_id]
        row = _base(entry, doc, names) | _target(r, entry) | {"doc_number": labels[r.doc_id], "_rank": rank[r.doc_id]}
        candidates.setdefault((entry.indicator_id, doc.commune_key, int(r.target_year)), []).append(row)

    spans: dict[tuple, int] = {}  # (indicator, commune, source row) -> years it gives
    for (iid, key, _), rows in candidates.items():
        for row in rows:
            spans[(iid, key, _series(row))] = spans.get((iid, key, _series(row)), 0) + 1
    out, detail = [], []
    for (iid, key, _), rows in candidates.items():
        for row in rows:
            row["_span"] = spans[(iid, key, _series(row))]
        rows.sort(key=_order)
        for i, row in enumerate(rows):
            detail.append({**row, "chosen": i == 0, "reason": _why(rows[0], row) if i else _RULE_DOC})
        chosen = {k: v for k, v in rows[0].items() if not k.startswith("_")}
        chosen |= {
            "n_values": len(rows),
            "plans_superseded": superseded.get(key),
            "duplicate_files": duplicates.get(key),
        }
        out.append(chosen)
    detail = [{k: v for k, v in d.items() if not k.startswith("_")} for d in detail]

    keys = sorted(set(docs["commune_key"]))
    by_key = {k: info[next(d for d in info if info[d].commune_key == k)] for k in keys}
    years = {}  # indicator -> years to check for gaps
    for iid, _, yr in candidates:
        years.setdefault(iid, set()).add(yr)
    for entry in entries.values():
        for yr in [year] if year is not None else sorted(years.get(entry.indicator_id, ())):
            for key in keys:
                if (entry.indicator_id, key, yr) not in candidates:
                    out.append(
                        _base(entry, by_key[key], names)
                        | {"status": "missing", "target_year": yr, "unit": _str(entry.unit), "n_values": 0}
                        | {"plans_superseded": superseded.get(key), "duplicate_files": duplicates.get(key)}
                    )
    order = lambda r: (r["indicator_id"], r["commune_key"], r["target_year"] or 0, r["status"] != "target")  # noqa: E731
    return Comparison(sorted(out, key=order), sorted(detail, key=order), roles)


_RULE_DOC = "được chọn: " + " > ".join(_RULES)


def comparison_rows(
    indicators: pd.DataFrame, documents: pd.DataFrame, catalog: pd.DataFrame, year: int | None
) -> list[dict]:
    return compare(indicators, documents, catalog, year).rows


def _series(row: dict) -> str:
    """The source row a value comes from: a table row gives one value per year column."""
    return (row["row_id"] or "").rsplit(":", 1)[0]


def _order(row: dict) -> tuple:
    return (
        row["_rank"],
        -row["_span"],
        row["source"] != "table",
        bool(row["qualifier"]),
        row["value"] is None,
        -(row["link_score"] or 0),
        row["line_start"] or 0,
    )


def _why(chosen: dict, other: dict) -> str:
    """The first rule of the choice that put `chosen` before `other`."""
    for rule, a, b in zip(_RULES, _order(chosen), _order(other), strict=True):
        if a != b:
            return f"không chọn: {rule}"
    return "không chọn: cùng dòng nguồn"


def _plan_notes(roles: pd.DataFrame, labels: dict[str, str]) -> tuple[dict, dict]:
    """commune_key -> 'plan (reason); …' for superseded plans and for duplicate files counted once."""
    notes: dict[str, dict[str, str]] = {"superseded": {}, "duplicate": {}}
    for r in roles.itertuples(index=False):
        if r.role in notes:
            seen = notes[r.role].get(r.commune_key)
            notes[r.role][r.commune_key] = "; ".join(filter(None, [seen, f"{labels[r.doc_id]} ({r.reason})"]))
    return notes["superseded"], notes["duplicate"]


def _base(entry, doc, names: dict[str, str]) -> dict:
    return {
        "indicator_id": entry.indicator_id,
        "indicator_name": entry.name,
        "domain": _str(entry.domain),
        "commune_key": doc.commune_key,
        "commune": names[doc.commune_key],
        "province": _str(doc.province),
        "district": _str(doc.district),
    }


def _target(r, entry) -> dict:
    return {
        "doc_id": r.doc_id,
        "source_file": _str(r.source_file),
        "status": "target",
        "target_year": int(r.target_year),
        "comparator": _str(r.comparator),
        "value": _num(r.value),
        "value_max": _num(r.value_max),
        "unit": _str(r.unit) or _str(entry.unit),
        "unit_base": _str(r.unit_base),
        "qualifier": _str(r.qualifier),
        "target_raw": _str(r.target_raw),
        "name": _str(r.name),
        "source": _str(r.source),
        "row_id": _str(r.row_id),
        "link_method": _str(r.link_method),
        "link_score": _num(r.link_score),
        "page": _int(r.page),
        "line_start": _int(r.line_start),
    }


def _str(v) -> str | None:
    return v if isinstance(v, str) else None


def _num(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def number_vi(v: float) -> str:
    """0.63 -> '0,63'; 1500 -> '1.500' (Vietnamese separators)."""
    text = f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def target_text(row: dict) -> str:
    """'≥ 95%', '80-90%', 'Đạt': one cell of the wide table."""
    if row.get("status") != "target":
        return ""
    unit = _UNIT.get(row.get("unit") or "", "")
    value, top = row.get("value"), row.get("value_max")
    if row.get("comparator") == "range" and value is not None:
        text = f"{number_vi(value)}–{number_vi(top)}{unit}" if top is not None else number_vi(value)
    elif value is not None:
        text = f"{_SIGN.get(row.get('comparator'), '')}{number_vi(value)}{unit}"
    else:
        text = row.get("target_raw") or ""
    return f"{text} ({row['qualifier']})" if row.get("qualifier") else text


def wide_table(rows: list[dict]) -> pd.DataFrame:
    """Indicator x year x commune grid of targets (one value per cell by the choice rule)."""
    if not rows:
        return pd.DataFrame(columns=["indicator_id", "indicator_name", "target_year"])
    frame = pd.DataFrame([{**r, "cell": target_text(r)} for r in rows])
    grid = (
        frame.groupby(["indicator_id", "indicator_name", "target_year", "commune"], sort=True, dropna=False)["cell"]
        .first()
        .unstack("commune", fill_value="")
        .reset_index()
    )
    grid.columns.name = None
    return grid
