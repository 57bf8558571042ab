"""Linking indicator wordings across communes: catalog, review queue, decisions, new entries, comparison."""

from __future__ import annotations

import csv

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import rows as R
from pipeline.cli import main
from pipeline.link.catalog import Catalog, Entry
from pipeline.link.cluster import cluster_keys
from pipeline.link.compare import comparison_rows
from pipeline.link.linking import link_rows, write_review_csv
from pipeline.link.match import CANDIDATES, Matcher
from pipeline.normalize.fold import match_key, strip_diacritics
from pipeline.outputs import write_rows


def row(name, commune="Xã A", unit="percent", **kw):
    return {
        "doc_id": commune,
        "source_file": f"{commune}.txt",
        "commune": commune,
        "row_id": f"{commune}:{name[:12]}",
        "name": name,
        "unit": unit,
        "flags": [],
        **kw,
    }


@pytest.fixture(scope="module")
def seed_run(seed_docs):
    indicators = [r for d in seed_docs.values() for r in R.indicator_rows(d)]
    documents = [R.document_row(d) for d in seed_docs.values()]
    result = link_rows(indicators, documents)
    return indicators, documents, result


# ------------------------------------------------------------------ catalog


def test_catalog_loads_with_unique_ids_and_unambiguous_wordings():
    catalog = Catalog.load()
    assert len(catalog.entries) >= 40
    assert {e.domain for e in catalog.entries} >= {"hạ tầng số", "nguồn lực", "chuyển đổi số"}
    owners: dict[str, set[str]] = {}
    for e in catalog.entries:
        for w in e.wordings():
            owners.setdefault(match_key(w), set()).add(e.indicator_id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


# ------------------------------------------------------------------ seeds


def test_seed_indicators_are_linked(seed_run):
    indicators, _, _ = seed_run
    named = [r for r in indicators if match_key(r["name"] or "")]
    linked = [r for r in named if r["indicator_id"]]
    assert len(named) > 100
    assert len(linked) / len(named) > 0.9
    assert all(r["link_method"] in ("exact", "fuzzy", "decision") for r in linked)
    assert all(r["link_method"] in ("review", "none") for r in named if not r["indicator_id"])


def test_same_indicator_links_across_communes(seed_run):
    indicators, _, _ = seed_run
    five_g = {r["commune"] for r in indicators if r["indicator_id"] == "HT01"}
    assert len(five_g) >= 4  # 'cho người dân', 'trên địa bàn xã', 'Tỉ lệ…', OCR'd 'Ty 1€ phu song 5G'
    vneid = {r["commune"] for r in indicators if r["indicator_id"] == "CD17"}
    assert len(vneid) >= 4


def test_stripped_plan_gets_vietnamese_names(seed_docs, seed_run):
    indicators, _, _ = seed_run
    stripped = {d.doc_id for d in seed_docs.values() if d.diacritics_stripped}
    assert stripped, "003 is an OCR'd plan without diacritics"
    restored = [r for r in indicators if r["doc_id"] in stripped and "restored_name" in r["flags"]]
    assert restored
    assert all(r["name"] != strip_diacritics(r["name"]) for r in restored)  # has Vietnamese marks again
    # linked rows take the catalog wording; the others keep the extractor's lexicon restoration
    assert any(r["indicator_id"] for r in restored)


def _variants(name: str) -> list[str]:
    swapped = name.replace("Tỷ lệ", "Tỉ lệ") if "Tỷ lệ" in name else name.replace("Tỉ lệ", "Tỷ lệ")
    abbreviated = name.replace("thủ tục hành chính", "TTHC").replace("dịch vụ công", "DVC")
    return [
        swapped,
        strip_diacritics(name),
        abbreviated,
        f"{name} trên địa bàn xã",
        strip_diacritics(swapped).replace("so", "s6").replace(" xa", " x4"),
    ]


def test_variants_of_seed_names_link_like_the_original(seed_run):
    indicators, _, _ = seed_run
    matcher = Matcher(Catalog.load())
    originals = {r["name"]: r["indicator_id"] for r in indicators if r["link_method"] == "exact"}
    assert len(originals) > 50
    wrong, total = [], 0
    for name, ind in originals.items():
        for variant in _variants(name):
            m = matcher.match(variant)
            total += 1
            if m.method in ("exact", "fuzzy") and m.best.indicator_id != ind:
                wrong.append((variant, ind, m.best))
            elif m.method not in ("exact", "fuzzy"):
                wrong.append((variant, ind, m.method))
    assert len(wrong) / total < 0.03, wrong[:5]


# ------------------------------------------------------------------ review


def _tiny_catalog() -> Catalog:
    return Catalog(
        [
            Entry("A1", "Tỷ lệ hộ gia đình sử dụng nước sạch", "nuoc_sach", "hạ tầng số", "percent"),
            Entry("A2", "Tỷ lệ hộ gia đình sử dụng điện lưới", "dien_luoi", "hạ tầng số", "percent"),
            Entry("A3", "Tỷ lệ phủ sóng 5G", "phu_song_5g", "hạ tầng số", "percent"),
        ]
    )


def test_ambiguous_and_conflicting_wordings_go_to_review_not_forced():
    rows = [
        row("Tỷ lệ hộ gia đình sử dụng nước sạch"),
        row("Tỷ lệ hộ gia đình sử dụng điện nước"),  # between A1 and A2
        row("Tỷ lệ phủ sóng 6G"),  # one number away from A3
    ]
    result = link_rows(rows, catalog=_tiny_catalog())
    assert rows[0]["indicator_id"] == "A1" and rows[0]["link_method"] == "exact"
    for r in rows[1:]:
        assert r["indicator_id"] is None and r["link_method"] == "review"
    kinds = {r["match_key"]: r for r in result.review}
    item = kinds[match_key("Tỷ lệ hộ gia đình sử dụng điện nước")]
    assert item["kind"] in ("ambiguous", "weak")
    assert {item["top_id"], item["second_id"]} == {"A1", "A2"}
    assert "A1" in item["candidates"] and "A2" in item["candidates"]
    assert kinds[match_key("Tỷ lệ phủ sóng 6G")]["top_id"] == "A3"


def test_unit_mismatch_is_flagged_and_left_out_of_comparison():
    rows = [row("Tỷ lệ phủ sóng 5G", commune="Xã A"), row("Tỷ lệ phủ sóng 5G", commune="Xã B", unit="count")]
    for r, y in zip(rows, (2026, 2026), strict=True):
        r.update(target_year=y, comparator=">=", value=60.0)
    result = link_rows(rows, catalog=_tiny_catalog())
    assert "unit_mismatch" in rows[1]["flags"] and "unit_mismatch" not in rows[0]["flags"]
    assert [d["code"] for d in result.diagnostics] == ["unit_mismatch"]
    docs = pd.DataFrame([{"doc_id": c, "commune": c, "source_file": c, "status": "ok"} for c in ("Xã A", "Xã B")])
    out = comparison_rows(pd.DataFrame(rows), docs, pd.DataFrame(result.catalog), 2026)
    five_g = {(r["commune"], r["status"]) for r in out if r["indicator_id"] == "A3"}
    assert five_g == {("Xã A", "target"), ("Xã B", "missing")}


# ------------------------------------------------------------------ decisions


def test_decisions_are_read_back(tmp_path):
    def fresh():
        return [
            row("Tỷ lệ hộ gia đình sử dụng điện nước", commune="Xã A"),
            row("Tỷ lệ nông hộ tham gia bảo hiểm nông nghiệp", commune="Xã B"),
            row("Số lượng tủ sách pháp luật", commune="Xã C"),
        ]

    rows = fresh()
    first = link_rows(rows, catalog=_tiny_catalog())
    write_review_csv(first.review, tmp_path)
    with open(tmp_path / "review.csv", encoding="utf-8-sig", newline="") as fh:
        items = list(csv.DictReader(fh))
    assert len(items) == 3
    for item in items:
        if "dien nuoc" in item["match_key"]:
            item.update(decision="link", indicator_id="A2")
        elif "bao hiem" in item["match_key"]:
            item.update(decision="new", indicator_id="B1", new_name="Tỷ lệ nông hộ tham gia bảo hiểm nông nghiệp")
        else:
            item.update(decision="reject")
    with open(tmp_path / "decisions.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(items[0]))
        writer.writeheader()
        writer.writerows(items)

    rows = fresh()
    second = link_rows(rows, decisions_path=tmp_path / "decisions.csv", catalog=_tiny_catalog())
    assert [r["indicator_id"] for r in rows] == ["A2", "B1", None]
    assert {r["link_method"] for r in rows} == {"decision"}
    assert second.review == [] and second.decisions.problems == []
    catalog = {c["indicator_id"]: c for c in second.catalog}
    assert catalog["B1"]["source"] == "decision" and catalog["B1"]["n_mentions"] == 1
    assert "Tỷ lệ hộ gia đình sử dụng điện nước" in catalog["A2"]["aliases"]


def test_bad_decisions_are_reported_not_applied(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text("match_key,decision,indicator_id\nphu song 6g,link,ZZ9\nxyz,maybe,\n", encoding="utf-8")
    rows = [row("Tỷ lệ phủ sóng 6G")]
    result = link_rows(rows, decisions_path=path, catalog=_tiny_catalog())
    assert rows[0]["link_method"] == "review"
    assert len(result.decisions.problems) == 2


# ------------------------------------------------------------------ new entries


def test_unseen_indicator_of_two_communes_is_proposed_as_new_entry():
    rows = [
        row("Tỷ lệ hộ kinh doanh sử dụng camera an ninh kết nối trung tâm", commune="Xã A"),
        row("Ti le ho kinh doanh su dung camera an ninh ket noi trung tam tren dia ban xa", commune="Xã B"),
        row("Số cuộc thi sáng tác tranh cổ động", commune="Xã C"),
    ]
    result = link_rows(rows, catalog=_tiny_catalog())
    assert all(r["indicator_id"] is None and r["link_method"] == "none" for r in rows)
    proposals = [r for r in result.review if r["kind"] == "new_entry_proposal"]
    assert len(proposals) == 1
    assert proposals[0]["n_communes"] == 2 and proposals[0]["communes"] == ["Xã A", "Xã B"]
    assert proposals[0]["unit"] == "percent"
    assert [r["kind"] for r in result.review if r["kind"] != "new_entry_proposal"] == ["unmatched"]


def test_clustering_keeps_different_indicators_apart():
    keys = [
        match_key(t)
        for t in (
            "Tỷ lệ nông hộ lắp đặt loa truyền thanh thông minh",
            "Ti le nong ho lap dat loa truyen thanh thong minh",
            "Tỷ lệ trạm y tế được hỗ trợ tủ sách pháp luật",
            "Tỷ lệ trạm y tế được hỗ trợ tủ sách pháp luật trên địa bàn",
        )
    ]
    assert cluster_keys(keys) == [[0, 1], [2, 3]]


def test_blocking_scores_few_candidates():
    many = Catalog([Entry(f"X{i}", f"Tỷ lệ chỉ tiêu mẫu số {i} loại {i % 7}", f"x{i}", "d", None) for i in range(3000)])
    matcher = Matcher(many)
    assert len(matcher.candidates(match_key("chỉ tiêu mẫu số 1234 loại 2").split())) <= CANDIDATES
    assert matcher.match("Tỷ lệ chỉ tiêu mẫu số 1234 loại 2").best.indicator_id == "X1234"


# ------------------------------------------------------------------ comparison


def test_compare_command_writes_indicator_by_commune_table(seed_docs, seed_run, tmp_path):
    indicators, documents, result = seed_run
    write_rows("indicators", indicators, tmp_path)
    write_rows("documents", documents, tmp_path)
    write_rows("catalog", result.catalog, tmp_path)
    assert main(["compare", "--year", "2026", "--pred", str(tmp_path)]) == 0
    table = pq.read_table(tmp_path / "comparison.parquet").to_pandas()
    communes = {d["commune"] for d in documents}
    targets = table[table.status == "target"]
    assert set(table.commune) == communes
    assert (targets.target_year == 2026).all() and targets.indicator_id.notna().all()
    # every (indicator, commune) pair is either targeted or reported missing
    pairs = table.groupby(["indicator_id", "commune"]).status.agg(set)
    assert len(pairs) == len(result.catalog) * len(communes)
    assert all(s in ({"target"}, {"missing"}) for s in pairs)
    wide = pd.read_csv(tmp_path / "comparison_wide.csv")
    assert len(wide) == len(result.catalog) and communes <= set(wide.columns)
    assert pd.read_csv(tmp_path / "comparison.csv").shape == table.shape
