"""Tasks from task tables and duties assigned in prose (issue #4).

Columns are recognised by words in their titles, never by position, because
every plan orders and names them differently ('Cơ quan chủ trì tham mưu thực
hiện', 'Đơn vị Chủ trì (Rõ người)'); a column whose title is unreadable (OCR)
but whose cells read as deadlines is taken as the deadline column. Row numbers
decide the structure: Roman numerals are groups, arabic numbers are tasks, an
unnumbered row with content is a sub-task of the task above it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.extract.columns import column_roles, role_index
from pipeline.extract.duties import extract_duties
from pipeline.model import Document, Row, Table, Task
from pipeline.normalize.agencies import agency_label, find_agencies, gazetteer
from pipeline.normalize.agency_lists import split_agencies
from pipeline.normalize.deadlines import parse_deadline
from pipeline.normalize.fold import fold
from pipeline.normalize.restore import restore_diacritics
from pipeline.normalize.text import clean_text
from pipeline.settings import SETTINGS

_ROMAN = re.compile(r"^([IVX]{1,5})\s*[.:)\-–]?$")
_LEADING_ROMAN = re.compile(r"^([IVX]{1,5})\s*[.:)\-–]?\s+(\S.*)$", re.DOTALL)
_ARABIC = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[.:)]?$")
_LEADING_ARABIC = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[.)]\s*(\S.*)$", re.DOTALL)
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def _text(text: str | None) -> str:
    """A task cell (normalize.text.clean_text): markdown bold and a leading list marker removed."""
    return clean_text(text, bold=True, list_marker=True)


def map_columns(table: Table) -> dict[str, int]:
    """Role -> column index from the column model (extract/columns.py), with the task names: the name
    column is the `title`, a `result` column ('Kết quả') the output; unmatched columns that hold
    deadlines become the deadline."""
    roles = role_index(table.columns or column_roles(table.header))
    if "name" in roles:
        roles["title"] = roles.pop("name")
    if "result" in roles:
        result = roles.pop("result")
        roles.setdefault("output", result)
    roles.pop("unit", None)
    roles.pop("target", None)
    if "deadline" not in roles:
        taken = set(roles.values())
        for i in range(len(table.header)):
            cells = [_text(r.cells[i].text) for r in table.rows if i < len(r.cells)]
            cells = [c for c in cells if c]
            if i not in taken and cells:
                parsed = sum(parse_deadline(c) is not None for c in cells)
                if parsed / len(cells) >= SETTINGS.tasks.deadline_column_share:
                    roles["deadline"] = i
                    break
    return roles


@dataclass
class _Agencies:
    """Unknown agency names of a document, counted for one report."""

    unknown: Counter = field(default_factory=Counter)

    def resolve(self, raw: str) -> list[str]:
        """Agency labels (canonical, printed for collectives, raw when unknown), each once, in the order printed."""
        out: list[str] = []
        for name in split_agencies(raw):
            canonical = agency_label(name)
            if canonical is None:
                mentioned = find_agencies(name)
                canonical = mentioned[0] if len(mentioned) == 1 else None
            if canonical is None:
                self.unknown[name] += 1
            if (canonical or name) not in out:
                out.append(canonical or name)
        return out


@dataclass
class _Context:
    doc: Document
    table: Table
    agencies: _Agencies
    group: str | None = None
    parent: str | None = None  # code of the last numbered task


def _cell(row: Row, roles: dict[str, int], role: str) -> str:
    i = roles.get(role)
    if i is None or i >= len(row.cells):
        return ""
    return row.cells[i].text.strip()


def _split_code(code_cell: str, title: str) -> tuple[str, str, str]:
    """(kind, code, title): kind is roman | arabic | none; the number may lead the title cell."""
    code = _text(code_cell)
    if m := _ROMAN.match(code):
        return "roman", m.group(1), title
    if m := _ARABIC.match(code):
        return "arabic", m.group(1), title
    if not code:
        text = _text(title)
        if m := _LEADING_ROMAN.match(text):
            return "roman", m.group(1), m.group(2)
        if m := _LEADING_ARABIC.match(text):
            return "arabic", m.group(1), m.group(2)
    return "none", code or "", title


def _fill(task: Task, row: Row, roles: dict[str, int], ctx: _Context) -> None:
    """Agencies, output, deadline and provenance of a task from its row."""
    lead_raw = _cell(row, roles, "lead")
    if lead_raw:
        leads = ctx.agencies.resolve(lead_raw)
        task.lead_agency_raw = _text(lead_raw)
        task.lead_agencies = leads
        task.lead_agency = leads[0] if leads else None
    coord_raw = _cell(row, roles, "coordinating")
    if coord_raw:
        task.coordinating_raw = _text(coord_raw)
        task.coordinating_agencies = ctx.agencies.resolve(coord_raw)
    for role, attr in (
        ("output", "output_raw"),
        ("kpi", "kpi_raw"),
        ("responsible", "responsible_raw"),
        ("authority", "authority_raw"),
        ("note", "note_raw"),
    ):
        setattr(task, attr, _text(_cell(row, roles, role)) or None)
    deadline_raw = _text(_cell(row, roles, "deadline"))
    if deadline_raw:
        task.deadline_raw = deadline_raw
        deadline = parse_deadline(deadline_raw, ctx.doc.metadata.plan_year)
        if deadline is None:
            ctx.doc.diagnose(
                "tasks",
                "warning",
                "deadline not understood; kept raw",
                code="unparsed_deadline",
                raw_text=deadline_raw,
                **row.where(),
            )
        else:
            task.deadline_start, task.deadline_end = deadline.start, deadline.end
            task.recurrence, task.deadline_condition = deadline.recurrence, deadline.condition


def _new_task(ctx: _Context, row: Row, title_raw: str, title: str, code: str | None, parent: str | None) -> Task:
    return Task(
        source="table",
        title_raw=title_raw,
        title=_text(title),
        table_label=ctx.table.label,
        group=ctx.group,
        code=code,
        parent_code=parent,
        page=row.page,
        line_start=row.line_start,
        line_end=row.line_end,
    )


def _has_details(row: Row, roles: dict[str, int]) -> bool:
    details = ("lead", "coordinating", "output", "kpi", "deadline", "responsible", "authority", "note", "subtask")
    return any(_text(_cell(row, roles, r)) for r in details)


def _same_text(general: str, sub: str) -> bool:
    """A general task whose only sub-task restates it (or, in flattened text, a piece of it)."""
    a, b = fold(general), fold(sub)
    return bool(b) and max(fuzz.ratio(a, b), fuzz.partial_ratio(a, b)) >= SETTINGS.tasks.same_task_score


def _table_tasks(ctx: _Context, roles: dict[str, int]) -> list[Task]:
    tasks: list[Task] = []
    general: tuple[Task, list[Task]] | None = None  # a general task and its sub-tasks (two task columns)

    def flush() -> None:
        nonlocal general
        if general is None:
            return
        head, subs = general
        if len(subs) == 1 and _same_text(head.title, subs[0].title):
            subs[0].code, subs[0].parent_code, subs[0].title = head.code, head.parent_code, head.title
            subs[0].title_raw, subs[0].line_start = head.title_raw, head.line_start
            tasks.append(subs[0])
        else:
            tasks.extend([head, *subs])
        general = None

    for row in ctx.table.rows:
        if row.status == "header":
            continue
        title_raw = _cell(row, roles, "title")
        kind, code, title = _split_code(_cell(row, roles, "code"), title_raw)
        subtask = _text(_cell(row, roles, "subtask"))
        details = _has_details(row, roles)
        if not _text(title) and not details and not code:
            ctx.doc.diagnose(
                "tasks", "info", "empty task-table row", code="empty_row", raw_text=row.raw,
                **row.where(),
            )  # fmt: skip
            row.mark("diagnostic")
            continue
        if kind == "roman" or (kind == "none" and not code and not details):
            flush()
            ctx.group = _text(f"{code} {title}") if kind == "roman" else _text(title)
            ctx.parent = None
            row.mark("group")
            continue
        if "subtask" in roles:
            if _text(title):
                flush()
                head = _new_task(ctx, row, title_raw, title, code or None, None)
                ctx.parent = head.code
                general = (head, [])
            if subtask:
                sub = _new_task(ctx, row, _cell(row, roles, "subtask"), subtask, None, ctx.parent)
                _fill(sub, row, roles, ctx)
                if general is None:
                    tasks.append(sub)
                else:
                    general[1].append(sub)
            elif general is not None and not general[1]:
                _fill(general[0], row, roles, ctx)
            row.mark("task")
            continue
        if kind == "arabic":
            task = _new_task(ctx, row, title_raw, title, code, None)
            ctx.parent = code
        else:  # an unnumbered row with content: a sub-task of the last numbered task
            task = _new_task(ctx, row, title_raw, title, code or None, ctx.parent)
        _fill(task, row, roles, ctx)
        tasks.append(task)
        row.mark("task")
    flush()
    return tasks


def _report_unknown(doc: Document, agencies: _Agencies) -> None:
    if not agencies.unknown:
        return
    listing = "; ".join(f"{name} ({n})" for name, n in agencies.unknown.most_common())
    doc.diagnose(
        "tasks",
        "info",
        f"{len(agencies.unknown)} agency name(s) not in the gazetteer, kept as printed: {listing}",
        code="unknown_agency",
        raw_text=listing,
    )


def extract_tasks(doc: Document) -> None:
    """Adds `doc.tasks`: one row per task-table row and per duty in 'Tổ chức thực hiện'."""
    agencies = _Agencies()
    for table in doc.tables:
        if table.kind not in ("task", "mixed"):
            continue
        roles = map_columns(table)
        if table.kind == "mixed" and not roles.keys() & {"deadline", "coordinating", "subtask"}:
            continue  # an indicator table with a lead column assigns follow-up, not work
        if "title" not in roles:
            doc.diagnose(
                "tasks",
                "warning",
                f"task table without a task column; header {table.header}",
                code="unmapped_task_table",
                raw_text=" | ".join(table.header),
                **table.where(),
            )
            for row in table.rows:
                row.mark("diagnostic")
            continue
        doc.tasks.extend(_table_tasks(_Context(doc, table, agencies), roles))
    doc.tasks.extend(extract_duties(doc))
    if doc.diacritics_stripped:  # titles and printed agency names back in Vietnamese; `*_raw` keep the print
        canonical = {a.name for a in gazetteer().values()}

        def restore(name: str) -> str:
            return name if name in canonical else restore_diacritics(name, trust_marks=False)

        for task in doc.tasks:
            task.title = restore_diacritics(task.title, trust_marks=False)
            task.lead_agencies = [restore(a) for a in task.lead_agencies]
            task.lead_agency = restore(task.lead_agency) if task.lead_agency else None
            task.coordinating_agencies = [restore(a) for a in task.coordinating_agencies]
    _report_unknown(doc, agencies)
