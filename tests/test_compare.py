"""Who is who and which plan counts: commune identity keys, duplicate and superseded plans, one value per cell."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import render_pdf, seed_items
from conftest import _process, seed

from pipeline import rows as R
from pipeline.export import write_comparison
from pipeline.link.communes import commune_key, name_key
from pipeline.link.compare import compare, number_vi, target_text, wide_table
from pipeline.link.linking import link_rows


def _tables(docs):
    indicators = [r for d in docs for r in R.indicator_rows(d)]
    documents = [R.document_row(d) for d in docs]
    result = link_rows(indicators, documents)
    return pd.DataFrame(indicators), pd.DataFrame(documents), pd.DataFrame(result.catalog)


def _variant(tmp_path, name: str, edits: list[tuple[str, str]]):
    text = seed("004").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _process(path)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Xã Tân Phú", "TAN PHU"),
        ("tân  phú", "Tân Phú"),
        ("Phường Bến Thành", "ben thanh"),
        ("Thị trấn Long Hải", "long hai"),
    ],
)
def test_name_key_ignores_case_diacritics_and_prefix(a, b):
    assert name_key(a) == name_key(b) != "?"


def test_commune_key_keeps_provinces_and_districts_apart():
    assert commune_key("Đồng Nai", None, "Tân Phú") != commune_key("Tuyên Quang", None, "Tân Phú")
    assert commune_key("Tỉnh Đồng Nai", None, "xã Tân Phú") == commune_key("Dong Nai", "", "TAN PHU")
    assert commune_key("Đồng Nai", "Huyện A", "Tân Phú") != commune_key("Đồng Nai", "Huyện B", "Tân Phú")


def test_plans_naming_no_commune_never_merge():
    assert commune_key("Huế", None, None, "a1") != commune_key("Huế", None, None, "b2")
    assert commune_key(None, None, "Tân Phú", "a1") == commune_key(None, None, "Tân Phú", "b2")
    assert commune_key("Huế", "Quận 1", None, "a1") == commune_key("Huế", "Quận 1", None, "b2")  # one district's plans
    # a plan of the province itself: the province is the issuer, so its plans (and amendments) share a key
    assert commune_key("Huế", None, None, "a1", "tinh") == commune_key("Thành phố Huế", None, None, "b2", "tinh")
    assert commune_key(None, None, None, "a1", "tinh") != commune_key(None, None, None, "b2", "tinh")


def test_same_named_communes_of_two_provinces_stay_apart(seed_docs, tmp_path):
    other = _variant(tmp_path, "tan_phu_other.txt", [("Đồng Nai", "Tuyên Quang")])
    assert other.metadata.commune == seed_docs["004"].metadata.commune
    indicators, documents, catalog = _tables([seed_docs["004"], other])
    cmp = compare(indicators, documents, catalog, None)
    keys = {r["commune_key"] for r in cmp.rows}
    assert len(keys) == 2 and all(k.endswith("/tan-phu") for k in keys)
    assert set(cmp.plans["role"]) == {"current"}  # different communes: neither is a copy of the other
    wide = wide_table(cmp.rows)
    labels = [c for c in wide.columns if "Tân Phú" in c]
    assert len(labels) == 2 and any("Tuyên Quang" in c for c in labels)
    # each commune's cell holds its own single value, never 'a; b'
    assert not wide[labels].apply(lambda col: col.str.contains("; ")).any().any()


@pytest.mark.slow
def test_plan_as_text_and_pdf_counts_once(seed_docs, tmp_path):
    pdf = _process(render_pdf(tmp_path / "tan_phu.pdf", seed_items("004")))
    text = seed_docs["004"]
    indicators, documents, catalog = _tables([text, pdf])
    cmp = compare(indicators, documents, catalog, None)
    roles = dict(zip(cmp.plans["doc_id"], cmp.plans["role"], strict=True))
    assert sorted(roles.values()) == ["current", "duplicate"]
    targets = [r for r in cmp.rows if r["status"] == "target"]
    cells = [(r["indicator_id"], r["commune_key"], r["target_year"]) for r in targets]
    assert len(cells) == len(set(cells)) > 10
    assert {r["doc_id"] for r in targets} == {d for d, role in roles.items() if role == "current"}
    duplicate = next(d for d, role in roles.items() if role == "duplicate")
    assert all(duplicate not in (r["doc_id"] or "") for r in cmp.detail)
    assert all(r["duplicate_files"] for r in cmp.rows)
    write_comparison(cmp, tmp_path / "out")
    plans = pd.read_csv(tmp_path / "out" / "plans.csv", encoding="utf-8-sig")
    assert sorted(plans["role"]) == ["current", "duplicate"] and "trùng" in plans["reason"].dropna().iloc[0]


def test_amendment_supersedes_the_plan_it_amends(seed_docs, tmp_path):
    amended = _variant(
        tmp_path,
        "tan_phu_amended.txt",
        [
            ("Số:         /KH-UBND", "Số: 15/KH-UBND"),
            ("ngày      tháng 02 năm 2026", "ngày 20 tháng 3 năm 2026"),
            (
                "Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024",
                "Sửa đổi, bổ sung Kế hoạch triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024",
            ),
            (
                "số trong y tế, giáo dục, bảo hiểm, giao thông % ≥ 90%",
                "số trong y tế, giáo dục, bảo hiểm, giao thông % ≥ 97%",
            ),
        ],
    )
    original = seed_docs["004"]
    indicators, documents, catalog = _tables([original, amended])
    cmp = compare(indicators, documents, catalog, None)
    roles = dict(zip(cmp.plans["doc_id"], cmp.plans["role"], strict=True))
    assert roles == {amended.doc_id: "current", original.doc_id: "superseded"}
    targets = [r for r in cmp.rows if r["status"] == "target"]
    assert {r["doc_id"] for r in targets} == {amended.doc_id}
    assert any(r["value"] == 97 for r in targets) and not any(
        r["value"] == 97 for r in cmp.detail if r["doc_id"] == original.doc_id
    )
    assert all(
        "15/KH-UBND" in (r["plans_superseded"] or "") or "thay thế" in (r["plans_superseded"] or "") for r in targets
    )
    # the superseded plan's values are kept in the detail table, not chosen
    old = [r for r in cmp.detail if r["doc_id"] == original.doc_id]
    assert old and not any(r["chosen"] for r in old) and all("kế hoạch mới hơn" in r["reason"] for r in old)


def _row(source, value, qualifier=None, line=10, comparator=">="):
    return {
        "doc_id": "d1",
        "source_file": "a.txt",
        "commune": "Xã A",
        "row_id": f"d1:{line}:1",
        "source": source,
        "name": "Tỷ lệ phủ sóng 5G",
        "unit": "percent",
        "comparator": comparator,
        "value": value,
        "qualifier": qualifier,
        "target_year": 2026,
        "target_raw": f"≥ {value}%",
        "indicator_id": "HT01",
        "link_score": 100.0,
        "link_method": "exact",
        "line_start": line,
        "flags": [],
    }


def test_one_value_per_cell_by_the_documented_rule():
    indicators = pd.DataFrame(
        [_row("prose", 70, line=5), _row("table", 60, "đối với thôn", line=40), _row("table", 80, line=50)]
    )
    documents = pd.DataFrame(
        [{"doc_id": "d1", "source_file": "a.txt", "commune": "Xã A", "province": "Huế", "status": "ok"}]
    )
    catalog = pd.DataFrame(
        [{"indicator_id": "HT01", "name": "Tỷ lệ phủ sóng 5G", "domain": "hạ tầng số", "unit": "percent"}]
    )
    cmp = compare(indicators, documents, catalog, 2026)
    (chosen,) = cmp.rows
    assert (chosen["value"], chosen["source"], chosen["n_values"]) == (80, "table", 3)
    reasons = {r["value"]: r["reason"] for r in cmp.detail}
    assert [r["chosen"] for r in cmp.detail].count(True) == 1
    assert "bảng trước văn bản" in reasons[70] and "không kèm điều kiện" in reasons[60]


def test_vietnamese_number_format():
    assert number_vi(0.63) == "0,63" and number_vi(1500) == "1.500" and number_vi(90) == "90"
    assert target_text({"status": "target", "comparator": ">=", "value": 0.63, "unit": "index"}) == "≥ 0,63"
    assert target_text({"status": "target", "comparator": ">=", "value": 90.0, "unit": "percent"}) == "≥ 90%"


def test_a_trajectory_comes_from_one_source_row():
    """Two rows for one indicator: a lone 2030 value and a row with a value per year. Mixing them year by
    year (as max(value) did) would draw 70 -> 20 -> 30 -> 40; the comparison keeps the row's own series."""
    lone = _row("table", 70, line=5) | {"target_year": 2030}
    series = [
        _row("table", v, line=9) | {"target_year": y, "row_id": f"d1:9:{k}"}
        for k, (y, v) in enumerate([(2030, 10), (2035, 20), (2040, 30), (2045, 40)], start=1)
    ]
    documents = pd.DataFrame([{"doc_id": "d1", "source_file": "a.txt", "commune": "Xã A", "status": "ok"}])
    catalog = pd.DataFrame([{"indicator_id": "HT01", "name": "Tỷ lệ phủ sóng 5G", "domain": "d", "unit": "percent"}])
    cmp = compare(pd.DataFrame([lone, *series]), documents, catalog, None)
    values = [r["value"] for r in sorted(cmp.rows, key=lambda r: r["target_year"])]
    assert values == [10, 20, 30, 40]
    (dropped,) = [r for r in cmp.detail if not r["chosen"]]
    assert dropped["value"] == 70 and "nhiều năm hơn" in dropped["reason"]


def _province_plan(tmp_path, name: str, number: str, day: int, title: str, value: int):
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH LÂM SƠN\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"Số: {number}/KH-UBND\nLâm Sơn, ngày {day} tháng 4 năm 2026\n"
        f"KẾ HOẠCH\n{title}\n"
        "I. MỤC TIÊU ĐẾN NĂM 2027\n"
        f"- Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang đạt trên {value}%.\n"
        "- 100% hệ thống thông tin cấp tỉnh được triển khai trên nền tảng điện toán đám mây.\n"
        "II. TỔ CHỨC THỰC HIỆN\nCác sở, ngành triển khai Kế hoạch này.\n"
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _process(path)


def test_a_province_plan_and_its_amendment_share_the_province_as_issuer(tmp_path):
    first = _province_plan(tmp_path, "kh.txt", "41", 2, "Phát triển hạ tầng số tỉnh Lâm Sơn năm 2026", 70)
    amended = _province_plan(
        tmp_path, "kh_sua.txt", "77", 28, "Sửa đổi, bổ sung Kế hoạch phát triển hạ tầng số tỉnh Lâm Sơn năm 2026", 85
    )
    indicators, documents, catalog = _tables([first, amended])
    assert set(documents["level"]) == {"tinh"} and documents["commune_key"].nunique() == 1
    roles = dict(zip(*compare(indicators, documents, catalog, None).plans[["doc_id", "role"]].T.values, strict=True))
    assert roles == {amended.doc_id: "current", first.doc_id: "superseded"}
