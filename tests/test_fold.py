"""match_key: the key indicator wordings are linked on (fold and strip_diacritics stay as they were)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.fold import fold, match_key, strip_diacritics


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # Tỉ/Tỷ, filler 'trên địa bàn xã', 'Tỷ lệ' itself dropped
        ("Tỷ lệ phủ sóng 5G trên địa bàn xã", "phu song 5g"),
        ("Tỉ lệ phủ sóng 5G trên địa bàn", "phu song 5g"),
        # OCR: '1€' for 'lệ', diacritics lost, 'trén'
        ("Ty 1€ phu song 5G trén dia ban", "phu song 5g"),
        ("Ty 1¢ phu song 5G", "phu song 5g"),
        ("Ty 18 phu song 5G", "phu song 5g"),
        # digits inside words: s6 -> so, x4 / x3 -> xa, 1am -> lam
        ("chuyén doi s6", "chuyen doi so"),
        ("UBND x4", "uy ban nhan dan xa"),
        ("may tinh tai UBND x3", "may tinh tai uy ban nhan dan xa"),
        ("1am chủ kỹ năng số", "lam chu ky nang so"),
        ("cong chirc", "cong chuc"),
        # abbreviations expanded
        ("Tỷ lệ TTHC xử lý trực tuyến", "thu tuc hanh chinh xu ly truc tuyen"),
        ("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "ho so thu tuc hanh chinh xu ly truc tuyen"),
        ("Tỷ lệ DVC trực tuyến", "dich vu cong truc tuyen"),
        ("CBCCVC", "can bo cong chuc vien chuc"),
        ("Tỷ lệ chi cho KHCN, ĐMST, CĐS", "chi khoa hoc cong nghe doi moi sang tao chuyen doi so"),
        ("Phòng VH-XH", "phong van hoa xa hoi"),
        ("Trung tâm PVHCC", "trung tam phuc vu hanh chinh cong"),
        # spelling variants and numbers: 'truy nhập', '1Gb/s' vs '01 Gbps', 'căn bản'
        ("truy nhập băng rộng trên 1Gb/s", "truy cap bang rong tren 1 gbps"),
        ("truy cập băng rộng trên 01 Gbps", "truy cap bang rong tren 1 gbps"),
        ("kỹ năng số căn bản", "ky nang so co ban"),
        ("doanh nghiệp vừa và nhỏ", "doanh nghiep nho vua"),
        ("doanh nghiệp nhỏ và vừa", "doanh nghiep nho vua"),
        # years belong to the target, not to the indicator
        ("Tỷ lệ phủ sóng 5G đến năm 2030", "phu song 5g"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_match_key_examples(text, key):
    assert match_key(text) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tỷ lệ phủ sóng 5G cho người dân", "Tỷ lệ phủ sóng 6G cho người dân"),
        ("Cơ sở giáo dục mầm non", "Cơ sở giáo dục phổ thông"),
        ("Tỷ lệ hồ sơ nộp trực tuyến", "Tỷ lệ hồ sơ xử lý trực tuyến"),
        ("cơ sở dữ liệu", "số hóa dữ liệu"),  # 'cơ' is not a stop word: 'cơ sở' != 'số'
    ],
)
def test_match_key_keeps_distinctions(a, b):
    assert match_key(a) != match_key(b)


def test_fold_and_strip_unchanged():
    assert fold("Tỷ lệ phủ sóng 5G (%)") == "ty le phu song 5g %"
    assert strip_diacritics("Tỷ lệ Đạt") == "Ty le Dat"


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_match_key_never_raises_and_is_idempotent(text):
    key = match_key(text)
    assert isinstance(key, str)
    assert key == key.strip() and "  " not in key
    assert key.isascii() and key == key.lower()
    assert match_key(key) == key


@given(
    st.lists(
        st.sampled_from(["Tỷ", "lệ", "s6", "x4", "1€", "TTHC", "trên", "địa", "bàn", "xã", "18", "ty"]), max_size=12
    )
)
@settings(max_examples=300, deadline=None)
def test_match_key_idempotent_on_rule_words(words):
    key = match_key(" ".join(words))
    assert match_key(key) == key
