"""The province's view: what each commune targets for each catalog indicator in a given year.

Only linked rows whose unit agrees with the indicator's expected unit are compared; a commune
without a target for an indicator gets a `missing` row, so gaps are as visible as targets.
"""

from __future__ import annotations

import pandas as pd

from pipeline.link.linking import UNIT_MISMATCH
from pipeline.schema import schema

_SIGN = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "=": ""}
_UNIT = {"percent": "%"}


def _communes(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> commune name (file name when the plan does not say)."""
    ok = documents[documents["status"] == "ok"] if "status" in documents else documents
    return {
        d: (c if isinstance(c, str) and c else str(f).rsplit("/", 1)[-1])
        for d, c, f in zip(ok["doc_id"], ok["commune"], ok["source_file"], strict=True)
    }


def comparison_rows(
    indicators: pd.DataFrame, documents: pd.DataFrame, catalog: pd.DataFrame, year: int | None
) -> list[dict]:
    indicators = indicators.reindex(columns=[f.name for f in schema("indicators")])  # absent columns -> null
    communes = _communes(documents)
    entries = {r.indicator_id: r for r in catalog.itertuples(index=False)}
    out, seen = [], set()
    for r in indicators.itertuples(index=False):
        entry = entries.get(r.indicator_id) if isinstance(r.indicator_id, str) else None
        if entry is None or r.doc_id not in communes or UNIT_MISMATCH in list(r.flags if r.flags is not None else []):
            continue
        if year is not None and r.target_year != year:
            continue
        commune = communes[r.doc_id]
        seen.add((entry.indicator_id, commune))
        out.append(
            {
                "indicator_id": entry.indicator_id,
                "indicator_name": entry.name,
                "domain": _str(entry.domain),
                "commune": commune,
                "doc_id": r.doc_id,
                "status": "target",
                "target_year": _int(r.target_year),
                "comparator": _str(r.comparator),
                "value": _num(r.value),
                "value_max": _num(r.value_max),
                "unit": _str(r.unit) or _str(entry.unit),
                "unit_base": _str(r.unit_base),
                "qualifier": _str(r.qualifier),
                "target_raw": _str(r.target_raw),
                "name": _str(r.name),
                "row_id": _str(r.row_id),
                "link_method": _str(r.link_method),
                "link_score": _num(r.link_score),
            }
        )
    for entry in entries.values():
        for commune in sorted(set(communes.values())):
            if (entry.indicator_id, commune) not in seen:
                out.append(
                    {
                        "indicator_id": entry.indicator_id,
                        "indicator_name": entry.name,
                        "domain": _str(entry.domain),
                        "commune": commune,
                        "status": "missing",
                        "target_year": year,
                        "unit": _str(entry.unit),
                    }
                )
    return sorted(out, key=lambda r: (r["indicator_id"], r["commune"], r["status"] != "target"))


def _str(v) -> str | None:
    return v if isinstance(v, str) else None


def _num(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def target_text(row: dict) -> str:
    """'≥ 95 %', '80-90 %', 'Đạt': one cell of the wide table."""
    if row["status"] != "target":
        return ""
    unit = _UNIT.get(row.get("unit") or "", "")
    if row["comparator"] == "range" and row["value"] is not None:
        text = f"{row['value']:g}-{row['value_max']:g}{unit}" if row["value_max"] is not None else f"{row['value']:g}"
    elif row["value"] is not None:
        text = f"{_SIGN.get(row['comparator'], '')}{row['value']:g}{unit}"
    else:
        text = row.get("target_raw") or ""
    return f"{text} ({row['qualifier']})" if row.get("qualifier") else text


def wide_table(rows: list[dict]) -> pd.DataFrame:
    """Indicator x commune grid of targets (several targets in one cell are joined by '; ')."""
    if not rows:
        return pd.DataFrame(columns=["indicator_id", "indicator_name", "domain"])
    frame = pd.DataFrame([{**r, "cell": target_text(r)} for r in rows])
    grid = (
        frame.groupby(["indicator_id", "indicator_name", "domain", "commune"], sort=True, dropna=False)["cell"]
        .agg(lambda cells: "; ".join(c for c in cells if c))
        .unstack("commune", fill_value="")
        .reset_index()
    )
    grid.columns.name = None
    return grid
