"""The province's dashboard: one self-contained HTML file (styles, script and data inline, no CDN).

It opens offline and when mailed; links to source files are relative to the report's folder.
The data is built in Python (report/data.py); a small vanilla script (resources/dashboard.js)
draws the matrix, charts and tables as inline SVG/HTML and applies the year and search filters.
"""

from __future__ import annotations

import html
import json
import math
from datetime import UTC, datetime
from pathlib import Path

from pipeline.outputs import atomic_write
from pipeline.reference import read_reference
from pipeline.report.data import catalog_names, dashboard_data

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
TITLE = "So sánh chỉ tiêu khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số giữa các xã"


def _plain(value):
    """NaN (pandas' missing float) -> None: JSON has no NaN, and one would blank the whole page."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _json(data: dict) -> str:
    """JSON safe inside <script>: no '</script>' or '<!--' can close or confuse the element."""
    text = json.dumps(_plain(data), ensure_ascii=False, default=str, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def build_report(pred: Path, reference: Path | None = None, report_dir: Path | None = None) -> str:
    catalog = catalog_names(Path(pred))
    ref = read_reference(reference, set(catalog)) if reference else None
    data = dashboard_data(Path(pred), ref, Path(report_dir or Path.cwd()), catalog)
    data["generated"] = datetime.now(UTC).strftime("%d/%m/%Y %H:%M UTC")
    data["reference_file"] = Path(reference).name if reference else None
    css = (_RESOURCES / "dashboard.css").read_text(encoding="utf-8")
    script = (_RESOURCES / "dashboard.js").read_text(encoding="utf-8")
    body = (_RESOURCES / "dashboard.html").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(TITLE)}</title><style>{css}</style></head>\n<body>"
        f"{body.replace('{{TITLE}}', html.escape(TITLE))}"
        f"<script type='application/json' id='data'>{_json(data)}</script>"
        f"<script>{script}</script></body></html>\n"
    )


def write_report(pred: Path, out: Path, reference: Path | None = None) -> Path:
    out = Path(out)
    text = build_report(Path(pred), reference, out.parent)
    atomic_write(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return out
