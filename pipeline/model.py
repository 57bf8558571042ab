"""The one document model every stage reads and enriches.

Readers build `Document.pages`/`lines`; block recognisers add `headings` and
`tables`; extractors add `indicators`, `tasks` and `diagnostics`; the linker adds
indicator ids. No stage re-reads the source file: provenance (file, page, line
span, bounding box) travels with every line, cell and row.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

BBox = tuple[float, float, float, float]


@dataclass(slots=True)
class Line:
    """One line of text. `no` is 1-based and unique within the document."""

    no: int
    text: str
    page: int | None = None
    bbox: BBox | None = None


@dataclass(slots=True)
class Page:
    number: int
    width: float | None = None
    height: float | None = None
    method: str = "text"  # text | pymupdf | pdfplumber | docx | ocr
    ocr_confidence: float | None = None
    rotation: int = 0


@dataclass(slots=True)
class Cell:
    text: str
    line_start: int
    line_end: int
    page: int | None = None
    bbox: BBox | None = None


@dataclass(slots=True)
class Row:
    """A table row after continuation rows and page breaks are merged."""

    cells: list[Cell]
    line_start: int
    line_end: int
    page: int | None = None
    raw: str = ""
    # What became of the row, set by the extractors: header | group | indicator |
    # task | diagnostic. Row accounting checks that no row is left without one.
    status: str | None = None

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def mark(self, status: str) -> None:
        """Record what became of the row. A row of a mixed table that both the indicator and the task
        stage claim becomes 'indicator+task'; a claimed row (or a header) never falls back to
        'group' or 'diagnostic'."""
        roles = ("indicator", "task", "indicator+task")
        if status in roles[:2]:
            if self.status in roles and self.status != status:
                self.status = "indicator+task"
            elif self.status != "header":
                self.status = status
        elif self.status not in (*roles, "header"):
            self.status = status

    def where(self) -> dict:
        """Provenance keywords for a diagnostic about this row."""
        return {"line_start": self.line_start, "line_end": self.line_end, "page": self.page}


@dataclass(slots=True)
class Column:
    """A table column: its merged title and the role the column model gave it (extract/columns.py)."""

    index: int
    title: str
    role: str | None = (
        None  # code | name | unit | target | result | year | past | lead | … (resources/column_roles.csv)
    )
    year: int | None = None  # the year of a `year` (or `past`) column


@dataclass(slots=True)
class Table:
    """A table block. `header` is the column titles once (a multi-row band merged per column);
    repeats are dropped. `columns` carries each column's role, `header_rows` the band as printed."""

    index: int
    header: list[str]
    rows: list[Row]
    line_start: int
    line_end: int
    page: int | None = None
    layout: str = "tsv"  # tsv | flattened | pdf-ruled | pdf-aligned | docx | ocr
    kind: str = "unknown"  # indicator | task | unknown
    label: str | None = None  # e.g. "Phụ lục I"
    section: str | None = None  # numbering of the enclosing heading, e.g. "II.2"
    columns: list[Column] = field(default_factory=list)  # roles from the column model, set by find_tables
    header_rows: list[list[str]] = field(default_factory=list)  # the header band before merging, when known

    def where(self) -> dict:
        """Provenance keywords for a diagnostic about this table."""
        return {"line_start": self.line_start, "line_end": self.line_end, "page": self.page}


@dataclass(slots=True)
class Heading:
    index: int
    level: int
    numbering: str | None
    title: str
    kind: str  # roman | arabic | letter | appendix | markdown
    line: int
    page: int | None = None
    parent: int | None = None  # index of the parent heading
    line_end: int | None = None  # last line of a title wrapped over several lines


@dataclass(slots=True)
class Diagnostic:
    stage: str
    severity: str  # info | warning | error
    reason: str
    raw_text: str = ""
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    code: str = ""  # stable machine-readable reason, e.g. "unparsed_target"


@dataclass(slots=True)
class Metadata:
    commune: str | None = None
    province: str | None = None
    level: str | None = None  # issuing level: xa | phuong | thi_tran | huyen | thi_xa | quan | thanh_pho | tinh
    district: str | None = None
    doc_number: str | None = None
    issue_date: date | None = None
    signer: str | None = None
    plan_year: int | None = None
    plan_year_source: str | None = None  # title | issue_date: read from the title, or the issue year assumed
    title: str | None = None


@dataclass(slots=True)
class Indicator:
    source: str  # table | prose
    name_raw: str
    name: str
    table_label: str | None = None
    group: str | None = None
    code: str | None = None
    unit_raw: str | None = None
    unit: str | None = None
    target_raw: str | None = None
    comparator: str | None = None
    value: float | None = None
    value_max: float | None = None
    qualifier: str | None = None
    unit_base: str | None = None
    target_year: int | None = None
    lead_agency_raw: str | None = None
    lead_agency: str | None = None
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    flags: list[str] = field(default_factory=list)
    indicator_id: str | None = None
    indicator_name: str | None = None
    link_score: float | None = None
    link_method: str | None = None
    sentence: str | None = None  # prose targets: the sentence the target was read from


@dataclass(slots=True)
class Task:
    source: str  # table | prose
    title_raw: str
    title: str
    table_label: str | None = None
    group: str | None = None
    code: str | None = None
    parent_code: str | None = None
    output_raw: str | None = None
    kpi_raw: str | None = None
    lead_agency_raw: str | None = None
    lead_agency: str | None = None
    lead_agencies: list[str] = field(default_factory=list)  # every lead named, canonical where known
    coordinating_raw: str | None = None
    coordinating_agencies: list[str] = field(default_factory=list)
    responsible_raw: str | None = None
    authority_raw: str | None = None
    note_raw: str | None = None
    deadline_raw: str | None = None
    deadline_start: date | None = None
    deadline_end: date | None = None
    recurrence: str | None = None
    deadline_condition: str | None = None
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None


@dataclass(slots=True)
class Document:
    doc_id: str
    source_file: str
    format: str  # text | pdf | docx
    sha256: str
    size_bytes: int
    encoding: str | None = None
    pages: list[Page] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    indicators: list[Indicator] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    diacritics_stripped: bool = False  # OCR/retyped text without Vietnamese marks
    duplicate_of: list[str] = field(default_factory=list)  # other names, same content

    def diagnose(self, stage: str, severity: str, reason: str, code: str = "", **where) -> None:
        self.diagnostics.append(Diagnostic(stage, severity, reason, code=code, **where))

    def text_between(self, start: int, end: int) -> str:
        """Source text of lines start..end inclusive (1-based line numbers)."""
        return "\n".join(ln.text for ln in self.lines if start <= ln.no <= end)

    def line(self, line_no: int) -> Line | None:
        """The line numbered `line_no`: numbers have gaps once cell-per-line tables are rebuilt as rows."""
        if 0 < line_no <= len(self.lines) and self.lines[line_no - 1].no == line_no:
            return self.lines[line_no - 1]
        i = bisect_left(self.lines, line_no, key=lambda ln: ln.no)  # lines stay in reading order
        return self.lines[i] if i < len(self.lines) and self.lines[i].no == line_no else None

    def page_of(self, line_no: int) -> int | None:
        return line.page if (line := self.line(line_no)) else None
