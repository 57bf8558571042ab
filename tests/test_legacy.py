"""TCVN3 (ABC) and VNI font encodings -> Unicode: detection, conversion, text exports."""

from __future__ import annotations

import pytest
from builders import seed_items
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Limits
from pipeline.readers import legacy, read_document


def encode(text: str, encoding: str) -> str:
    """Unicode -> legacy mojibake with the inverse of the resource table (test helper)."""
    mapping, _ = legacy.table(encoding)
    inverse = {u: code for code, u in mapping.items()}
    return "".join(inverse.get(ch, ch) for ch in text)


@pytest.mark.parametrize(
    "mojibake,encoding,expected",
    [
        ("Tr\u00adêng Tiểu học", "tcvn3", "Trường Tiểu học"),
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "tcvn3", "Độc lập - Tự do - Hạnh phúc"),
        ("Hµ Néi, ngµy 12 th¸ng 3 n¨m 2026", "tcvn3", "Hà Nội, ngày 12 tháng 3 năm 2026"),
        ("Tû lÖ phñ sãng 5G ®¹t ≥ 95%", "tcvn3", "Tỷ lệ phủ sóng 5G đạt ≥ 95%"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "vni", "Độc lập - Tự do - Hạnh phúc"),
        ("Tyû leä phuû soùng 5G ñaït ≥ 95%", "vni", "Tỷ lệ phủ sóng 5G đạt ≥ 95%"),
        ("UÛy ban nhaân daân xaõ", "vni", "Ủy ban nhân dân xã"),
    ],
)
def test_known_mojibake(mojibake, encoding, expected):
    assert legacy.detect(mojibake) == encoding
    assert legacy.convert(mojibake, encoding) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Tỷ lệ phủ sóng 5G cho người dân ≥ 95%",
        "Phòng Văn hóa – Xã hội; “rõ người - rõ việc”…",
        "TT\tChỉ tiêu\tĐơn vị tính",
        "Ty le phu song 5G dat 95%",
        "s6 x4 dat 100%",
        "",
    ],
)
def test_unicode_text_is_left_alone(text):
    assert legacy.detect(text) is None
    assert legacy.fix_lines([text]) == ([text], None, 0)


SEED_LINES = [x for x in seed_items("000") if isinstance(x, str)][:60] + [
    x for x in seed_items("001") if isinstance(x, str)
][:60]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_seed_text_round_trips(encoding):
    mojibake = [encode(line, encoding) for line in SEED_LINES]
    fixed, found, changed = legacy.fix_lines(mojibake)
    assert found == encoding and changed > len(SEED_LINES) // 2
    assert [legacy.convert(m, encoding).replace("\u00ad", "") for m in mojibake] == [
        s.replace("\u00ad", "") for s in SEED_LINES
    ]
    assert fixed == SEED_LINES


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_and_only_converts_when_it_helps(text):
    fixed, encoding, changed = legacy.fix_lines(text.split("\n"))
    assert len(fixed) == len(text.split("\n"))
    assert (encoding is None) == (changed == 0) or encoding is not None
    assert legacy.foreign("\n".join(fixed)) <= legacy.foreign(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=5))
def test_conversion_is_idempotent(lines):
    once = legacy.fix_lines([encode(x, "tcvn3") for x in lines])[0]
    assert legacy.fix_lines(once)[0] == once


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_text_export_saved_in_a_legacy_font(tmp_path, encoding):
    """Bytes written from a .VnTime/VNI document: cp1252 on disk, mojibake if read as-is."""
    lines = SEED_LINES[:30]
    path = tmp_path / "export.txt"
    path.write_bytes("\n".join(encode(x, encoding) for x in lines).encode("cp1252"))
    doc = read_document(path, Limits())
    assert [ln.text for ln in doc.lines] == lines
    assert any(d.code == "legacy_encoding" and legacy.ENCODINGS[encoding] in d.reason for d in doc.diagnostics)
