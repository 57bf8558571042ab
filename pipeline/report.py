"""The province's comparison report: one self-contained HTML file.

Everything is inline (CSS and SVG, no script, no CDN) so the file opens offline,
can be mailed, and renders the same in any browser. Labels are Vietnamese; the
data dictionary in the README gives the English meaning of every field.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from pipeline.outputs import atomic_write

_COMPARATOR_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "range": "–", "text": ""}
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
_INCONSISTENCY_CODES = (
    "declared_count_mismatch",
    "prose_table_mismatch",
    "unit_mismatch",
    "implausible_value",
    "unaccounted_row",
)

CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:1.6em}h2{border-bottom:2px solid #1f77b4;padding-bottom:4px;margin-top:2em}
h3{margin-bottom:4px}table{border-collapse:collapse;margin:8px 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f4f8}.num{text-align:right}.muted{color:#777}
.hm td{width:34px;height:22px;text-align:center;font-size:.75em}
.present{background:#a6d96a}.missing{background:#e0e0e0}.below{background:#f46d43;color:#fff}
.textual{background:#abd9e9}.legend span{display:inline-block;padding:2px 8px;margin-right:6px}
.chart{margin:6px 0 18px 0}.indicator{margin-bottom:28px}
"""


def _e(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))


def _target_text(row) -> str:
    sign = _COMPARATOR_SIGN.get(row.get("comparator") or "", "")
    if row.get("comparator") == "text" or pd.isna(row.get("value")):
        return str(row.get("target_raw") or "")
    unit = "%" if row.get("unit") == "percent" else ""
    if row.get("comparator") == "range" and pd.notna(row.get("value_max")):
        return f"{row['value']:g}–{row['value_max']:g}{unit}"
    return f"{sign}{row['value']:g}{unit}"


def _meets(comparator: str | None, value: float | None, reference: float) -> bool:
    """A commune target 'meets' the reference when it is at least as ambitious."""
    if value is None or pd.isna(value):
        return False
    if comparator in ("<=", "<"):
        return value <= reference
    return value >= reference


def _dot_chart(frame: pd.DataFrame, communes: list[str]) -> str:
    """Horizontal dot plot: one row per commune, one dot per year, labelled with the target."""
    numeric = frame[frame["value"].notna()]
    if numeric.empty:
        return '<p class="muted">Không có chỉ tiêu định lượng.</p>'
    years = [int(y) for y in sorted(numeric["target_year"].dropna().astype(int).unique())]
    colour = {y: _PALETTE[i % len(_PALETTE)] for i, y in enumerate(years)}
    top = (
        max(100.0, float(numeric[["value", "value_max"]].max().max()))
        if (numeric["unit"] == "percent").all()
        else float(numeric[["value", "value_max"]].max().max()) or 1.0
    )
    left, width, row_h = 170, 560, 26
    height = row_h * len(communes) + 40
    parts = [
        f'<svg class="chart" width="{left + width + 80}" height="{height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, commune in enumerate(communes):
        y = 20 + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="12">{_e(commune)}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#eee"/>')
        labelled: set[str] = set()
        for _, row in numeric[numeric["commune"] == commune].iterrows():
            x = left + width * float(row["value"]) / top
            year = int(row["target_year"]) if pd.notna(row["target_year"]) else None
            fill = colour.get(year, "#555")
            # Years side by side within the commune's band, so equal targets don't hide each other.
            dy = (years.index(year) - (len(years) - 1) / 2) * 4 if year in years else 0
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y + dy:.1f}" r="5" fill="{fill}"><title>{_e(year)}: '
                f"{_e(_target_text(row))}</title></circle>"
            )
            if _target_text(row) not in labelled:
                labelled.add(_target_text(row))
                parts.append(f'<text x="{x + 8:.1f}" y="{y - 6}" font-size="10">{_e(_target_text(row))}</text>')
    axis_y = height - 14
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + width}" y2="{axis_y}" stroke="#999"/>')
    for k in range(6):
        x = left + width * k / 5
        parts.append(f'<text x="{x:.0f}" y="{axis_y + 12}" font-size="10" text-anchor="middle">{top * k / 5:g}</text>')
    legend = "".join(f'<span style="background:{c};color:#fff">{y}</span>' for y, c in colour.items())
    parts.append("</svg>")
    return "".join(parts) + f'<div class="legend">Năm: {legend}</div>'


def _bar_chart(counts: pd.Series, label_width: int = 260) -> str:
    if counts.empty:
        return '<p class="muted">Không có dữ liệu.</p>'
    bar_h, width = 20, 360
    peak = max(int(counts.max()), 1)
    height = bar_h * len(counts) + 10
    parts = [
        f'<svg class="chart" width="{label_width + width + 40}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, n) in enumerate(counts.items()):
        y = 5 + i * bar_h
        w = width * int(n) / peak
        parts.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" font-size="11">{_e(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 5}" fill="#1f77b4"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + 13}" font-size="11">{int(n)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _quarter(row) -> str:
    if pd.notna(row.get("deadline_end")):
        d = pd.Timestamp(row["deadline_end"])
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    if row.get("recurrence"):
        return f"định kỳ ({row['recurrence']})"
    return "không rõ"


def source_href(source_file: str, report_dir: Path) -> str:
    """A link to a source document, relative to the report's folder and percent-encoded: never a URL scheme
    (a file named `javascript:…` stays a file), never an absolute `file://` path, and it survives moving
    the report together with the plans."""
    path = Path(source_file)
    target = os.path.relpath(path if path.is_absolute() else Path.cwd() / path, Path(report_dir).resolve())
    href = quote(Path(target).as_posix())  # ':' becomes %3A, so no prefix can read as a scheme
    return href if href.startswith("../") else f"./{href}"


def _source_link(row, report_dir: Path) -> str:
    path = Path(str(row.get("source_file") or ""))
    line = row.get("line_start")
    where = f"{path.name}:{int(line)}" if line is not None and pd.notna(line) else path.name
    if not path.name:
        return _e(where)
    return f'<a href="{_e(source_href(str(path), report_dir))}">{_e(where)}</a>'


def _read(pred: Path, name: str) -> pd.DataFrame:
    path = pred / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def build_report(pred: Path, reference: Path | None = None, report_dir: Path | None = None) -> str:
    report_dir = report_dir or Path.cwd()
    indicators = _read(pred, "indicators")
    tasks = _read(pred, "tasks")
    diagnostics = _read(pred, "diagnostics")
    documents = _read(pred, "documents")
    communes = sorted(documents["commune"].dropna().unique()) if not documents.empty else []
    ref = pd.read_csv(reference) if reference else pd.DataFrame(columns=["indicator_id", "year", "comparator", "value"])

    linked = (
        indicators[indicators.get("indicator_id", pd.Series(dtype=str)).notna()] if not indicators.empty else indicators
    )
    out = [
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Báo cáo so sánh chỉ tiêu</title>"
        f"<style>{CSS}</style></head><body>",
        "<h1>Báo cáo so sánh chỉ tiêu khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số giữa các xã</h1>",
        f"<p>{len(documents)} kế hoạch, {len(communes)} xã, {len(indicators)} dòng chỉ tiêu "
        f"({len(linked)} đã liên kết với danh mục), {len(tasks)} nhiệm vụ.</p>",
    ]

    out.append(_heatmap(linked, communes, ref))
    out.append("<h2>Chỉ tiêu theo từng xã</h2>")
    if linked.empty:
        out.append('<p class="muted">Chưa có chỉ tiêu nào được liên kết với danh mục.</p>')
    for indicator_id, frame in linked.groupby("indicator_id", sort=True):
        name = frame["indicator_name"].dropna().iloc[0] if frame["indicator_name"].notna().any() else indicator_id
        out.append(
            f'<div class="indicator" id="{_e(indicator_id)}"><h3>{_e(name)} <span class="muted">'
            f"({_e(indicator_id)})</span></h3>"
        )
        out.append(_dot_chart(frame, sorted(frame["commune"].dropna().unique())))
        out.append(
            "<table><tr><th>Xã</th><th>Năm</th><th>Chỉ tiêu</th><th>Đơn vị</th><th>Tham chiếu tỉnh</th>"
            "<th>Nguồn</th></tr>"
        )
        for _, row in frame.sort_values(["commune", "target_year"]).iterrows():
            r = ref[(ref["indicator_id"] == indicator_id) & (ref["year"] == row["target_year"])]
            flag = ""
            if not r.empty:
                ok = _meets(row["comparator"], row["value"], float(r.iloc[0]["value"]))
                flag = f"{r.iloc[0]['comparator']} {r.iloc[0]['value']:g} " + ("✓" if ok else "⚠ thấp hơn")
            out.append(
                f"<tr><td>{_e(row['commune'])}</td><td>{_e(row['target_year'])}</td>"
                f"<td>{_e(_target_text(row))}</td><td>{_e(row['unit'])}</td><td>{_e(flag)}</td>"
                f"<td>{_source_link(row, report_dir)}</td></tr>"
            )
        out.append("</table></div>")

    out.append(_inconsistencies(diagnostics, indicators, report_dir))
    out.append(_tasks_section(tasks, communes))
    out.append("</body></html>")
    return "\n".join(out)


def _heatmap(linked: pd.DataFrame, communes: list[str], ref: pd.DataFrame) -> str:
    if linked.empty or not communes:
        return "<h2>Bản đồ nhiệt</h2><p class='muted'>Không có dữ liệu.</p>"
    ids = sorted(linked["indicator_id"].unique())
    names = linked.groupby("indicator_id")["indicator_name"].first()
    head = "".join(f'<th title="{_e(names.get(i))}"><a href="#{_e(i)}">{n + 1}</a></th>' for n, i in enumerate(ids))
    rows = []
    for commune in communes:
        cells = []
        for i in ids:
            hit = linked[(linked["commune"] == commune) & (linked["indicator_id"] == i)]
            if hit.empty:
                cells.append('<td class="missing" title="thiếu">–</td>')
                continue
            below = False
            for _, row in hit.iterrows():
                r = ref[(ref["indicator_id"] == i) & (ref["year"] == row["target_year"])]
                if not r.empty and not _meets(row["comparator"], row["value"], float(r.iloc[0]["value"])):
                    below = True
            numeric = hit["value"].notna().any()
            cls = "below" if below else "present" if numeric else "textual"
            cells.append(f'<td class="{cls}" title="{_e(names.get(i))}">{len(hit)}</td>')
        rows.append(f"<tr><th>{_e(commune)}</th>{''.join(cells)}</tr>")
    key = "".join(f"<tr><td>{n + 1}</td><td>{_e(names.get(i))}</td></tr>" for n, i in enumerate(ids))
    return (
        "<h2>Bản đồ nhiệt: xã × chỉ tiêu</h2><div class='legend'><span class='present'>có chỉ tiêu</span>"
        "<span class='textual'>chỉ tiêu định tính</span><span class='below'>thấp hơn tham chiếu</span>"
        "<span class='missing'>thiếu</span></div>"
        f"<table class='hm'><tr><th>Xã</th>{head}</tr>{''.join(rows)}</table>"
        f"<details><summary>Danh sách chỉ tiêu</summary><table>{key}</table></details>"
    )


def _inconsistencies(diagnostics: pd.DataFrame, indicators: pd.DataFrame, report_dir: Path) -> str:
    out = ["<h2>Bất nhất và cảnh báo</h2>"]
    found = diagnostics[diagnostics["code"].isin(_INCONSISTENCY_CODES)] if not diagnostics.empty else diagnostics
    rows = [
        f"<tr><td>{_e(r['code'])}</td><td>{_e(r['reason'])}</td><td>{_source_link(r, report_dir)}</td></tr>"
        for _, r in found.iterrows()
    ]
    if not indicators.empty and "link_method" in indicators:
        for _, r in indicators[indicators["indicator_id"].isna()].iterrows():
            rows.append(
                f"<tr><td>chưa liên kết</td><td>{_e(r['name'])}</td><td>{_source_link(r, report_dir)}</td></tr>"
            )
    if not rows:
        return out[0] + "<p class='muted'>Không phát hiện bất nhất.</p>"
    out.append("<table><tr><th>Loại</th><th>Nội dung</th><th>Vị trí</th></tr>" + "".join(rows) + "</table>")
    return "".join(out)


def _tasks_section(tasks: pd.DataFrame, communes: list[str]) -> str:
    out = ["<h2>Nhiệm vụ theo xã</h2>"]
    if tasks.empty:
        return out[0] + "<p class='muted'>Không có nhiệm vụ.</p>"
    for commune in communes:
        frame = tasks[tasks["commune"] == commune]
        if frame.empty:
            continue
        quarters = frame.apply(_quarter, axis=1).value_counts().sort_index()
        agencies = frame["lead_agency"].fillna("(không rõ)").value_counts().head(15)
        out.append(
            f"<h3>{_e(commune)}</h3><p>Thời hạn theo quý</p>{_bar_chart(quarters, 160)}"
            f"<p>Số nhiệm vụ theo cơ quan chủ trì</p>{_bar_chart(agencies)}"
        )
    return "".join(out)


def write_report(pred: Path, out: Path, reference: Path | None = None) -> Path:
    text = build_report(Path(pred), reference, Path(out).resolve().parent)
    atomic_write(Path(out), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return Path(out)
