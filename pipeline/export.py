"""What officials open: the comparison files and one Excel workbook.

The workbook has a sheet per output table plus the comparison (long, detail, wide), Vietnamese
column titles (resources/column_titles_vi.csv), a frozen header row and filters. List columns
are joined with '; ' so a cell reads as text in Excel.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pipeline.link.catalog import Catalog
from pipeline.link.compare import Comparison, compare, wide_table
from pipeline.outputs import atomic_write, to_table, write_csv, write_parquet

_RESOURCES = Path(__file__).resolve().parent / "resources"
SHEETS = {  # output table -> sheet name
    "comparison_wide": "So sánh",
    "comparison": "So sánh (dài)",
    "comparison_detail": "Chi tiết giá trị",
    "plans": "Kế hoạch trùng-thay thế",
    "documents": "Văn bản",
    "indicators": "Chỉ tiêu",
    "tasks": "Nhiệm vụ",
    "headings": "Đề mục",
    "diagnostics": "Cảnh báo",
    "catalog": "Danh mục chỉ tiêu",
    "review": "Cần rà soát",
}


@cache
def column_titles() -> dict[str, str]:
    with open(_RESOURCES / "column_titles_vi.csv", encoding="utf-8", newline="") as fh:
        return {r["column"]: r["title"] for r in csv.DictReader(fh)}


def read_table(pred: Path, name: str) -> pd.DataFrame:
    path = Path(pred) / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def build_comparison(pred: Path, year: int | None = None) -> Comparison:
    """The comparison of a run's outputs (catalog of the run, else the shipped one)."""
    pred = Path(pred)
    indicators = pd.read_parquet(pred / "indicators.parquet")
    documents = pd.read_parquet(pred / "documents.parquet")
    catalog = read_table(pred, "catalog")
    if catalog.empty:
        catalog = pd.DataFrame(Catalog.load().rows())
    return compare(indicators, documents, catalog, year)


def comparison_frames(cmp: Comparison) -> dict[str, pd.DataFrame]:
    return {
        "comparison": to_table("comparison", cmp.rows).to_pandas(),
        "comparison_detail": to_table("comparison_detail", cmp.detail).to_pandas(),
        "plans": to_table("plans", cmp.plans.to_dict("records")).to_pandas(),
        "comparison_wide": wide_table(cmp.rows),
    }


def write_comparison(cmp: Comparison, out: Path) -> list[Path]:
    """comparison/comparison_detail/plans as Parquet and CSV (with BOM), and the wide CSV."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in (
        ("comparison", cmp.rows),
        ("comparison_detail", cmp.detail),
        ("plans", cmp.plans.to_dict("records")),
    ):
        write_parquet(to_table(name, rows), out / f"{name}.parquet")
        written.append(out / f"{name}.parquet")
    for name, frame in comparison_frames(cmp).items():
        write_csv(frame, out / f"{name}.csv")
        written.append(out / f"{name}.csv")
    return written


def _cell(value):
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, str)):
        value = "; ".join(str(v) for v in list(value))
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def write_xlsx(pred: Path, path: Path, year: int | None = None) -> Path:
    """One workbook: a sheet per table (those present) and the comparison of all years (or `year`)."""
    frames = comparison_frames(build_comparison(pred, year))
    frames |= {name: read_table(pred, name) for name in SHEETS if name not in frames}
    titles = column_titles()
    book = Workbook(write_only=True)  # streams rows: a province's workbook has tens of thousands
    for name, sheet_name in SHEETS.items():
        frame = frames.get(name)
        if frame is None or (frame.empty and not len(frame.columns)):
            continue
        sheet = book.create_sheet(sheet_name)
        header = [titles.get(str(c), str(c)) for c in frame.columns]
        for i, title in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(50, max(10, len(title) + 2))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{len(frame) + 1}"
        sheet.append([_bold(sheet, title) for title in header])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: book.save(tmp))
    return path
