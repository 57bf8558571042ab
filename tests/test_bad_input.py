"""Bad inputs in one batch: each gets a documents row, a diagnostic with a clear reason and a
one-line message under the CLI summary, and none of them costs the good documents any row."""

from __future__ import annotations

import builtins
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from builders import TableItem, render_pdf, seed_path, zip_bomb_docx
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.readers.text import clean_line, decode, read_lines

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 20
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

PLAN_ITEMS = [
    "KẾ HOẠCH",
    "Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Hòa Bình năm 2026",
    "II. MỤC TIÊU",
    TableItem(
        [
            [
                ["STT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Cơ quan chủ trì"],
                ["1", "Tỷ lệ phủ sóng 5G trên địa bàn xã", "%", "≥ 80%", "Phòng Văn hóa - Xã hội"],
                ["2", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "%", "≥ 70%", "Văn phòng HĐND và UBND"],
            ]
        ]
    ),
]


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters it has precomposed, else the base letter plus a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258", errors="replace")
    return bytes(out)


def tcvn3(text: str) -> bytes:
    """The bytes a .VnTime (TCVN3) document exports to: each letter as its legacy font code."""
    from pipeline.readers import legacy

    codes: dict[str, str] = {}
    for code, letter in legacy.table("tcvn3")[0].items():
        codes.setdefault(letter, code)
    return "".join(codes.get(ch, ch) for ch in text).encode("cp1252", errors="replace")


def build_inputs(folder: Path) -> dict[str, Path]:
    """Every bad input beside two good plans; keys name the cases."""
    folder.mkdir()
    good = seed_path("000")
    seed_text = good.read_text(encoding="utf-8")
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    files["good"] = put("good_plan.txt", good.read_bytes())
    files["duplicate"] = put("copy_of_good_plan.txt", good.read_bytes())
    files["empty"] = put("empty.txt", b"")
    for n, suffix in enumerate(("txt", "pdf", "docx")):
        files[f"junk_{suffix}"] = put(f"junk.{suffix}", random.Random(n).randbytes(4096))
    pdf = render_pdf(folder / "plan_as_pdf.pdf", PLAN_ITEMS)
    files["pdf_named_docx"] = pdf.rename(folder / "really_a_pdf.docx")
    files["text_named_pdf"] = put("really_text.pdf", seed_path("002").read_bytes())
    files["english"] = put(
        "english.txt",
        b"Annual report of the parks department.\n\nThe department maintained 42 parks and planted 300 trees. "
        b"Visitors rose by ten percent compared with the previous year.\n" * 20,
    )
    files["no_tables"] = put(
        "no_tables.txt",
        "KẾ HOẠCH\nTriển khai chuyển đổi số trên địa bàn xã Hòa Bình năm 2026\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
        "1. Mục đích\n- Nâng cao nhận thức của cán bộ, công chức và Nhân dân về chuyển đổi số.\n"
        "2. Yêu cầu\n- Các bộ phận chủ động triển khai, báo cáo kết quả định kỳ.\n".encode(),
    )
    whole = render_pdf(folder / "whole.pdf", PLAN_ITEMS).read_bytes()
    (folder / "whole.pdf").unlink()
    files["truncated_pdf"] = put("truncated.pdf", whole[: len(whole) // 3])
    files["encrypted_pdf"] = render_pdf(folder / "encrypted.pdf", PLAN_ITEMS, encrypt="secret")
    files["zip_bomb"] = zip_bomb_docx(folder / "bomb.docx", 256 << 20)
    files["many_pages"] = _many_pages(folder / "many_pages.pdf", 2000)
    sentence = "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến đạt từ 90% trở lên; "
    files["long_line"] = put(
        "long_line.txt", (sentence * (5_000_000 // len(sentence.encode()) + 1)).encode()[:5_000_000]
    )
    files["cp1258"] = put("legacy_cp1258.txt", cp1258(seed_text))
    files["tcvn3"] = put("legacy_tcvn3.txt", tcvn3(seed_text))
    lines = seed_text.split("\n")  # lines 40-59 pasted from an old Windows-1258 file
    files["mixed_encoding"] = put(
        "mixed_encoding.txt", b"\n".join(cp1258(ln) if 40 <= i < 60 else ln.encode() for i, ln in enumerate(lines))
    )
    files["missing"] = folder / "does_not_exist.txt"
    return files


def _many_pages(path: Path, pages: int) -> Path:
    import pymupdf

    pdf = pymupdf.open()
    for n in range(pages):
        pdf.new_page().insert_text((72, 72), f"Trang {n + 1}: Kế hoạch chuyển đổi số")
    pdf.save(str(path))
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One CLI run (a subprocess, like an analyst's) over all the bad inputs and two good plans."""
    root = tmp_path_factory.mktemp("bad")
    files = build_inputs(root / "in")
    out = root / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", str(root / "in"), str(files["missing"]), "--out", str(out)]
    cmd += ["--max-seconds", str(MAX_SECONDS), "--jobs", "2"]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "100"}
    )
    tables = {t: pd.read_parquet(out / f"{t}.parquet") for t in ("documents", "indicators", "diagnostics", "headings")}
    return files, proc, tables


def _doc(tables, path: Path) -> pd.Series:
    docs = tables["documents"]
    rows = docs[docs.source_file == str(path)]
    assert len(rows) == 1, f"{path.name}: {len(rows)} documents rows"
    return rows.iloc[0]


def _diag_codes(tables, path: Path) -> set[str]:
    diags = tables["diagnostics"]
    return set(diags[diags.source_file == str(path)].code)


FAILED = {
    "empty": (r"empty", "empty"),
    "junk_txt": (r"not a text, PDF or DOCX", "unsupported_format"),
    "junk_pdf": (r"not a text, PDF or DOCX", "unsupported_format"),
    "junk_docx": (r"not a text, PDF or DOCX", "unsupported_format"),
    "encrypted_pdf": (r"encrypted", None),
    "zip_bomb": (r"zip|uncompress|bomb|too large", None),
    "missing": (r"does not exist", "not_found"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(FAILED))
def test_bad_file_fails_with_reason_and_summary_line(batch, case):
    files, proc, tables = batch
    pattern, code = FAILED[case]
    row = _doc(tables, files[case])
    assert row.status in ("failed", "skipped")
    assert re.search(pattern, row.error, re.I), row.error
    codes = _diag_codes(tables, files[case])
    assert codes and (code is None or code in codes)
    lines = [ln for ln in proc.stderr.splitlines() if str(files[case]) in ln and row.status in ln]
    assert len(lines) == 1 and row.error in lines[0], proc.stderr[-3000:]


@pytest.mark.slow
def test_truncated_pdf_is_reported_not_silent(batch):
    files, _, tables = batch
    row = _doc(tables, files["truncated_pdf"])
    codes = _diag_codes(tables, files["truncated_pdf"])
    assert (row.status == "failed" and "truncated" in row.error) or "pdf_repaired" in codes


@pytest.mark.slow
def test_page_limit_skips_the_whole_document(batch):
    files, proc, tables = batch
    row = _doc(tables, files["many_pages"])
    assert row.status == "skipped" and "2000 pages" in row.error
    for table in ("indicators", "headings"):
        assert not (tables[table].source_file == str(files["many_pages"])).any()
    assert f"skipped {files['many_pages']}" in proc.stderr


@pytest.mark.slow
def test_a_format_is_sniffed_not_taken_from_the_extension(batch):
    files, _, tables = batch
    as_pdf = _doc(tables, files["pdf_named_docx"])
    assert (as_pdf.status, as_pdf.format) == ("ok", "pdf")
    assert as_pdf.n_tables >= 1
    as_text = _doc(tables, files["text_named_pdf"])
    assert (as_text.status, as_text.format) == ("ok", "text") and as_text.n_indicators > 0


@pytest.mark.slow
def test_documents_that_yield_nothing_are_flagged(batch):
    files, proc, tables = batch
    english = _doc(tables, files["english"])
    assert english.status == "ok"
    assert "nothing_extracted" in _diag_codes(tables, files["english"])
    if (tables["diagnostics"].code == "not_vietnamese").any():  # the language check, once it exists
        assert "not_vietnamese" in _diag_codes(tables, files["english"])
    assert "no_tables" in _diag_codes(tables, files["no_tables"])
    assert f"note {files['no_tables']}: no table found" in proc.stderr


@pytest.mark.slow
def test_a_five_megabyte_line_is_processed_or_stopped_at_the_time_limit(batch):
    files, _, tables = batch
    row = _doc(tables, files["long_line"])
    assert row.status == "ok" or (row.status == "skipped" and f"limit of {MAX_SECONDS} s" in row.error)


@pytest.mark.slow
def test_legacy_and_mixed_encodings_decode_to_vietnamese(batch):
    files, _, tables = batch
    good = _doc(tables, min(files["good"], files["duplicate"], key=str))
    legacy = _doc(tables, files["cp1258"])
    assert legacy.status == "ok" and legacy.encoding == "cp1258"
    assert (legacy.commune, legacy.n_indicators) == (good.commune, good.n_indicators)
    font = _doc(tables, files["tcvn3"])
    assert font.status == "ok" and "tcvn3" in font.encoding.lower()
    assert "legacy_encoding" in _diag_codes(tables, files["tcvn3"])
    assert (font.commune, font.n_indicators) == (good.commune, good.n_indicators)
    mixed = _doc(tables, files["mixed_encoding"])
    assert mixed.status == "ok" and mixed.commune == good.commune
    titles = tables["headings"][tables["headings"].source_file == str(files["mixed_encoding"])].title
    assert all("Ã" not in t and "\ufffd" not in t for t in titles)


@pytest.mark.slow
def test_identical_files_are_processed_once_and_both_named(batch):
    files, _, tables = batch
    first, second = sorted([files["good"], files["duplicate"]], key=str)
    assert not (tables["documents"].source_file == str(second)).any()
    assert list(_doc(tables, first).other_files) == [str(second)]


@pytest.mark.slow
def test_good_documents_lose_nothing_beside_bad_ones(batch, tmp_path):
    files, proc, tables = batch
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(files["good"], alone / "plan.txt")
    assert main(["run", str(alone), "--out", str(tmp_path / "out"), "-q", "--jobs", "1"]) == 0
    expected = pd.read_parquet(tmp_path / "out" / "indicators.parquet")
    got = tables["indicators"][tables["indicators"].doc_id == expected.doc_id.iloc[0]]
    cols = ["row_id", "name", "target_raw", "value", "unit", "line_start", "indicator_id"]
    assert len(got) == len(expected) > 0
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), expected[cols].reset_index(drop=True))
    assert proc.returncode == 1  # some failed or were skipped, the rest written


def test_unreadable_file_is_reported(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path("003"), folder / "good.txt")
    locked = folder / "locked.txt"
    shutil.copy(seed_path("002"), locked)
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):  # root ignores chmod 000, so deny the read here
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    code = main(["run", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"])
    monkeypatch.undo()
    assert code == 1
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("source_file")
    assert docs.loc[str(locked), "status"] == "failed"
    assert docs.loc[str(locked), "error"] == "file cannot be read (permission denied)"
    assert docs.loc[str(folder / "good.txt"), "status"] == "ok"
    err = capsys.readouterr().err
    assert f"failed {locked}: file cannot be read (permission denied)" in err


def test_exit_codes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path("003"), folder / "plan.txt")
    assert main(["run", str(folder), "--out", str(tmp_path / "out"), "-q", "--jobs", "1"]) == 0
    (folder / "empty.txt").write_bytes(b"")
    assert main(["run", str(folder), "--out", str(tmp_path / "out"), "-q", "--jobs", "1"]) == 1
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["run", str(empty), "--out", str(tmp_path / "out2"), "-q"]) == 2
    assert main(["run", str(folder), "--jobs", "0"]) == 2
    assert main(["run", "--no-such-option"]) == 2


@given(st.binary(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_decode_never_raises_and_gives_nfc_lines(data):
    text, encoding = decode(data)
    assert encoding
    for line in read_lines(text):
        assert unicodedata.is_normalized("NFC", line.text)
        assert "\n" not in line.text and "\r" not in line.text


@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet="ae \t\r\u00ad\u0301\u0323<>*b/"))
@settings(max_examples=500, deadline=None)
def test_clean_line_never_raises_and_gives_nfc(text):
    cleaned = clean_line(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip(" ") or "\t" in cleaned
