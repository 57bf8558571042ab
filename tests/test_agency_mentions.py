"""Agency mentions in running text (spaCy Matcher over the gazetteer) and their use in duties."""

from __future__ import annotations

import pytest

from pipeline.normalize.agencies import agency_label, normalize_agency
from pipeline.normalize.agency_mentions import find_agency_mentions
from pipeline.normalize.fold import strip_diacritics


def _names(text: str) -> list[str]:
    return [name for name, _, _ in find_agency_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Phối hợp với Phòng Văn hóa - Xã hội, Ủy ban Mặt trận Tổ quốc và Tổ công nghệ số cộng đồng tổ chức",
            ["Phòng Văn hóa - Xã hội", "Ủy ban Mặt trận Tổ quốc Việt Nam xã", "Tổ công nghệ số cộng đồng"],
        ),
        ("phối hợp với Phòng Văn hóa-Xã hội trong việc thống kê", ["Phòng Văn hóa - Xã hội"]),
        ("Phong Van hoa – Xa hoi, Cong an x4", ["Phòng Văn hóa - Xã hội", "Công an xã"]),  # OCR digit
        ("Văn phòng HĐND&UBND xã;Công an xã", ["Văn phòng HĐND và UBND", "Công an xã"]),
        ("Phéi hop véi cac don vi lién quan trong phat trién", ["Các cơ quan, đơn vị liên quan"]),
        ("báo cáo UBND tỉnh, Sở Khoa học và Công nghệ", ["Ủy ban nhân dân tỉnh/thành phố", "Sở Khoa học và Công nghệ"]),
        ("Công an xã và Công an tỉnh", ["Công an xã", "Công an tỉnh/thành phố"]),
        ("tổ chức các hoạt động tuyên truyền cho người dân", []),
    ],
)
def test_mentions(text, expected):
    assert _names(text) == expected
    assert _names(strip_diacritics(text)) == expected


def test_spans_point_at_the_names():
    text = "Phối hợp với các Phòng chuyên môn thuộc xã, Công an xã"
    spans = [text[a:b] for _, a, b in find_agency_mentions(text)]
    assert spans == ["các Phòng chuyên môn thuộc xã", "Công an xã"]


def _duty_texts(seed_docs) -> list[str]:
    return [t.title for k in ("000", "001", "002", "004") for t in seed_docs[k].tasks if t.source == "prose"]


def test_seed_duty_bullets_with_and_without_diacritics(seed_docs):
    texts = _duty_texts(seed_docs)
    found = 0
    for text in texts:
        mentions = find_agency_mentions(text)
        found += bool(mentions)
        assert _names(strip_diacritics(text)) == [name for name, _, _ in mentions]
        for name, a, b in mentions:  # each span is a name the gazetteer lookup agrees on
            assert normalize_agency(text[a:b]) == name, text[a:b]
    assert found >= 0.3 * len(texts)


def test_duties_take_coordinating_agencies_from_the_clause(seed_docs):
    prose = [t for k in ("000", "001", "002", "004") for t in seed_docs[k].tasks if t.source == "prose"]
    with_coordination = [t for t in prose if t.coordinating_agencies]
    assert len(with_coordination) >= 10
    for task in with_coordination:
        assert "phối hợp" in task.title.lower()
        assert task.lead_agency not in task.coordinating_agencies
        labels = {agency_label(task.title[a:b]) or name for name, a, b in find_agency_mentions(task.title)}
        assert set(task.coordinating_agencies) <= labels  # collectives keep their printed words
    # a bullet naming several partners keeps them all, in order
    assert any(len(t.coordinating_agencies) >= 4 for t in with_coordination)
