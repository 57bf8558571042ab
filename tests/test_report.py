"""The province's dashboard: content from synthetic outputs, and a real render in headless Chromium."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from browser import CHROMIUM, Browser
from seed_outputs import write_seed_outputs

from pipeline.outputs import write_rows
from pipeline.report import write_report
from pipeline.report.links import source_href

# Two communes share a name in two provinces; a third names itself only in its file.
COMMUNES = [("d1", "Xã Tân Phú", "Đồng Nai"), ("d2", "Xã Tân Phú", "Tuyên Quang"), ("d3", "Xã Hòa Bình", "Huế")]


def _indicator(doc, value, year=2026, comparator=">=", iid="HT01", **kw):
    return {
        "doc_id": doc,
        "source_file": f"plans/{doc}.txt",
        "row_id": f"{doc}:{year}:{iid}",
        "source": "table",
        "name": "Tỷ lệ phủ sóng 5G",
        "unit": "percent",
        "target_raw": f"≥ {value}%",
        "comparator": comparator,
        "value": value,
        "target_year": year,
        "indicator_id": iid,
        "link_score": 100.0,
        "link_method": "exact",
        "line_start": 12,
        "flags": [],
        **kw,
    }


@pytest.fixture
def outputs(tmp_path):
    pred = tmp_path / "out"
    (tmp_path / "plans").mkdir()
    docs = []
    for doc, commune, province in COMMUNES:
        (tmp_path / "plans" / f"{doc}.txt").write_text("kế hoạch", encoding="utf-8")
        docs.append({"doc_id": doc, "source_file": str(tmp_path / "plans" / f"{doc}.txt"), "commune": commune})
        docs[-1] |= {"province": province, "status": "ok", "other_files": [], "plan_year": 2026}
    write_rows("documents", docs, pred)
    write_rows(
        "catalog",
        [
            {"indicator_id": "HT01", "name": "Tỷ lệ phủ sóng 5G", "domain": "hạ tầng số", "unit": "percent"},
            {"indicator_id": "CD09", "name": "Mô hình xã thông minh", "domain": "chuyển đổi số", "unit": None},
        ],
        pred,
    )
    rows = [
        _indicator("d1", 95),
        _indicator("d1", 100, year=2030),
        _indicator("d2", 60),
        _indicator("d3", 0.63, unit="index", iid="CD09", target_raw="≥ 0,63"),
    ]
    for r in rows:
        r["source_file"] = str(tmp_path / r["source_file"])
    write_rows("indicators", rows, pred)
    tasks = [
        ("d1", "Công an xã", date(2026, 6, 30), None),
        ("d1", "Phòng Kinh tế", None, "ongoing"),
        ("d2", "Công an xã", date(2026, 12, 31), None),
        ("d3", None, None, None),
    ]
    write_rows(
        "tasks",
        [
            {"doc_id": d, "source_file": "x", "row_id": f"{d}:{i}", "title": f"Nhiệm vụ {i}", "lead_agency": agency}
            | {"deadline_end": end, "recurrence": rec, "coordinating_agencies": []}
            for i, (d, agency, end, rec) in enumerate(tasks)
        ],
        pred,
    )
    diagnostic = {"doc_id": "d2", "source_file": str(tmp_path / "plans" / "d2.txt"), "stage": "checks"}
    diagnostic |= {"severity": "warning", "code": "declared_count_mismatch", "reason": "declared 34, extracted 33"}
    write_rows("diagnostics", [diagnostic | {"line_start": 113}], pred)
    reference = tmp_path / "chi_tieu_tinh.csv"  # as Excel saves it: semicolons, BOM, a percent sign
    reference.write_text("Mã chỉ tiêu;Năm;Giá trị\nHT01;2026;≥ 80%\n", encoding="utf-8-sig")
    return pred, reference


def _data(html: str) -> dict:
    return json.loads(re.search(r"<script type='application/json' id='data'>(.*?)</script>", html, re.S)[1])


def test_dashboard_content(outputs, tmp_path):
    pred, reference = outputs
    html = write_report(pred, tmp_path / "report.html", reference).read_text(encoding="utf-8")
    assert "<meta name='viewport'" in html and "@media print" in html
    assert not re.search(r"(src|href)=['\"]?(https?:|//|file:)", html) and "file://" not in html  # offline, no CDN
    data = _data(html)
    names = {c["name"] for c in data["communes"]}
    assert names == {"Xã Tân Phú (Đồng Nai)", "Xã Tân Phú (Tuyên Quang)", "Xã Hòa Bình"}
    status = {(c["c"].split("/")[0], c["i"], c["y"]): c["s"] for c in data["cells"]}
    assert status[("dong-nai", "HT01", 2026)] == "meets" and status[("tuyen-quang", "HT01", 2026)] == "below"
    assert status[("hue", "HT01", 2026)] == "missing" and status[("dong-nai", "CD09", 2026)] == "missing"
    assert data["years"] == [2026, 2030] and data["year"] == 2026
    index = next(c for c in data["cells"] if c["i"] == "CD09" and c["s"] != "missing")
    assert index["t"] == "≥ 0,63" and {i["id"]: i["unit"] for i in data["indicators"]} == {
        "HT01": "%",
        "CD09": "chỉ số",
    }
    hrefs = [c["h"] for c in data["cells"] if c["h"]]
    assert hrefs and all(h.startswith("./plans/") for h in hrefs)  # relative to the report's folder
    assert any(c["w"] == "d1.txt, dòng 12" for c in data["cells"])
    categories = {t["q"] for t in data["tasks"]}
    assert categories == {"Quý 2/2026", "Quý 4/2026", "Thường xuyên", "Không có thời hạn"}
    assert "Chưa rõ cơ quan chủ trì" in {t["a"] for t in data["tasks"]} and "nan" not in html.lower().split()
    (diag,) = data["diagnostics"]
    assert diag["label"] == "Số chỉ tiêu không khớp" and "đối chiếu" in diag["expl"]


def test_source_links_never_carry_a_scheme(tmp_path):
    for name in ("javascript:alert(1).txt", "data:text/html,x.pdf", 'a"><img src=x onerror=1>.txt'):
        href = source_href(str(tmp_path / name), tmp_path, page=2)
        assert href.startswith("./") and ":" not in href and '"' not in href and "<" not in href
    assert (
        source_href(str(tmp_path / "sub" / "kế hoạch.pdf"), tmp_path, page=3)
        == "./sub/k%E1%BA%BF%20ho%E1%BA%A1ch.pdf#page=3"
    )
    assert source_href(None, tmp_path) is None


def _set(browser: Browser, element: str, value: str, event: str) -> None:
    """What a user does: choose or type a value, which fires the element's event."""
    browser.js(
        f"(e => {{ e.value = {value!r}; e.dispatchEvent(new Event({event!r})); }})"
        f"(document.getElementById({element!r}))"
    )


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed (make system-deps installs it)")
def test_dashboard_in_headless_chromium(outputs, tmp_path):
    pred, reference = outputs
    url = write_report(pred, tmp_path / "report.html", reference).as_uri()
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(url, 1280, 900)
        matrix = "document.getElementById('matrix').innerText"
        first = browser.js(matrix)
        assert "≥ 95%" in first and "Xã Tân Phú (Tuyên Quang)" in first and "Mô hình xã thông minh" in first
        assert "Thấp hơn chỉ tiêu tỉnh (1)" in browser.js("document.getElementById('attention').innerText")
        _set(browser, "year", "2030", "change")
        second = browser.js(matrix)
        assert second != first and "100%" in second and "≥ 95%" not in second
        assert browser.js("document.getElementById('matrix').dataset.year") == "2030"
        _set(browser, "year", "2026", "change")
        browser.js(
            "const q = document.getElementById('search'); q.value = 'thong minh'; q.dispatchEvent(new Event('input'))"
        )
        assert browser.js("document.querySelectorAll('#matrix tbody tr').length") == 1  # diacritic-insensitive search
        browser.js("document.querySelector('details.ind').open = true")
        assert browser.js("document.querySelectorAll('details.ind .bar-row').length") == 3  # missing communes shown
        browser.js("document.querySelector('details.ind th.sort[data-k=\"v\"]').click()")
        desktop = browser.screenshot(tmp_path / "desktop.png")
        _set(browser, "search", "", "input")
        browser.call("Emulation.setEmulatedMedia", media="print")
        browser.js("window.dispatchEvent(new Event('beforeprint'))")  # printing draws every indicator
        assert browser.js("document.querySelectorAll('details.ind[open] .bar-row').length") == 3 * 2
        assert browser.call("Page.printToPDF", printBackground=True)["data"]
        browser.call("Emulation.setEmulatedMedia", media="")
        browser.open(url, 400, 800, mobile=True)
        assert browser.js("document.documentElement.scrollWidth") <= 400
        phone = browser.screenshot(tmp_path / "phone.png")
        assert browser.errors == []
    finally:
        browser.close()
    assert desktop.stat().st_size > 20_000 and phone.stat().st_size > 20_000  # a blank page is a few KB


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed (make system-deps installs it)")
def test_dashboard_of_the_seed_plans(seed_docs, tmp_path):
    pred = write_seed_outputs(seed_docs, tmp_path / "out")
    report = write_report(pred, tmp_path / "report.html")
    data = _data(report.read_text(encoding="utf-8"))
    assert {c["name"] for c in data["communes"]} == {d.metadata.commune for d in seed_docs.values()}
    assert len(data["indicators"]) > 20 and data["year"] in data["years"]
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(report.as_uri(), 400, 800, mobile=True)
        browser.js("document.querySelectorAll('details').forEach(d => d.open = true)")
        text = browser.js("document.body.innerText")
        assert browser.js("document.documentElement.scrollWidth") <= 400
        assert browser.errors == []
    finally:
        browser.close()
    words = set(re.findall(r"\w+", text.lower()))
    assert not words & {"nan", "none", "null", "undefined", "percent", "index"}  # no code leaks into the page
    assert "Không có thời hạn" in text and "Thường xuyên" in text and "Quý" in text
