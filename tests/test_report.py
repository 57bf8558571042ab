"""The comparison report: content from synthetic outputs, and a real render in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from pipeline.outputs import write_rows
from pipeline.report import write_report

COMMUNES = ["Xã Một", "Xã Hai", "Xã Ba"]


def _indicator(commune: str, value: float | None, year: int = 2026, comparator: str = ">=", iid: str = "coverage_5g"):
    return {
        "doc_id": commune,
        "source_file": f"/plans/{commune}.txt",
        "commune": commune,
        "row_id": f"{commune}:1:1",
        "source": "table",
        "name_raw": "Tỷ lệ phủ sóng 5G",
        "name": "Tỷ lệ phủ sóng 5G",
        "unit": "percent",
        "target_raw": f"≥ {value}%",
        "comparator": comparator,
        "value": value,
        "target_year": year,
        "indicator_id": iid,
        "indicator_name": "Tỷ lệ phủ sóng 5G",
        "link_score": 100.0,
        "link_method": "exact",
        "line_start": 12,
        "line_end": 12,
        "flags": [],
    }


@pytest.fixture
def outputs(tmp_path):
    pred = tmp_path / "pred"
    write_rows(
        "documents",
        [
            {"doc_id": c, "source_file": f"/plans/{c}.txt", "commune": c, "status": "ok", "other_files": []}
            for c in COMMUNES
        ],
        pred,
    )
    write_rows(
        "indicators",
        [
            _indicator("Xã Một", 95),
            _indicator("Xã Một", 100, year=2030),
            _indicator("Xã Hai", 60),
            {**_indicator("Xã Hai", None, comparator="text", iid="smart_urban"), "target_raw": "Đạt"},
        ],
        pred,
    )
    write_rows(
        "tasks",
        [
            {
                "doc_id": c,
                "source_file": f"/plans/{c}.txt",
                "commune": c,
                "row_id": f"{c}:{i}:1",
                "source": "table",
                "title_raw": "t",
                "title": "t",
                "lead_agency": agency,
                "deadline_end": end,
                "recurrence": rec,
                "coordinating_agencies": [],
            }
            for i, (c, agency, end, rec) in enumerate(
                [
                    ("Xã Một", "Công an xã", date(2026, 6, 30), None),
                    ("Xã Một", "Phòng Kinh tế", None, "ongoing"),
                    ("Xã Hai", "Công an xã", date(2026, 12, 31), None),
                ]
            )
        ],
        pred,
    )
    write_rows(
        "diagnostics",
        [
            {
                "doc_id": "Xã Hai",
                "source_file": "/plans/Xã Hai.txt",
                "stage": "checks",
                "severity": "warning",
                "code": "declared_count_mismatch",
                "reason": "declared 34, extracted 33",
                "line_start": 113,
            }
        ],
        pred,
    )
    reference = tmp_path / "reference.csv"
    reference.write_text("indicator_id,year,comparator,value\ncoverage_5g,2026,>=,80\n", encoding="utf-8")
    return pred, reference


def test_report_content(outputs, tmp_path):
    pred, reference = outputs
    html = write_report(pred, tmp_path / "report.html", reference).read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for commune in COMMUNES:
        assert commune in html
    # Xã Hai targets 60 < reference 80: flagged in the heatmap and the table; Xã Một meets it.
    assert html.count('class="below"') == 1
    assert "⚠ thấp hơn" in html and "✓" in html
    # Xã Ba lacks both indicators; Xã Một lacks the qualitative one.
    assert html.count('class="missing"') == 3
    assert "declared 34, extracted 33" in html and "Xã Hai.txt:113" in html
    assert html.count("<circle") == 3  # the text target has no dot
    assert "2026-Q2" in html and "định kỳ (ongoing)" in html


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed (make system-deps installs it)")
def test_report_renders_in_headless_chromium(outputs, tmp_path):
    pred, reference = outputs
    page = write_report(pred, tmp_path / "report.html", reference)
    profile = tmp_path / "profile"
    shot = tmp_path / "report.png"
    common = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1800"]
    dom = subprocess.run(
        [*common, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    console_errors = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln and "ERROR" in ln.upper()]
    assert console_errors == []
    assert dom.stdout.count("<circle") == 3 and "Bản đồ nhiệt" in dom.stdout
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.exists() and shot.stat().st_size > 10_000  # a blank page is a few KB
