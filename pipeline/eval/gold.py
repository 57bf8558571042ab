"""Gold annotations: load and validate `tests/gold/*.jsonl` (format in tests/gold/README.md).

Gold is hand-made by QA staff, so the loader is strict: a typo in a comparator,
a date in the wrong form or a row count that disagrees with the document header
is reported with its file and line instead of silently lowering the scores.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

COMPARATORS = {">=", ">", "<=", "<", "=", "range", "text"}
UNITS = {"percent", "index", "count", "document", "system", "model", "initiative", "level", "other"}
RECURRENCES = {"ongoing", "annual", "semiannual", "quarterly", "monthly"}
SOURCES = {"table", "prose"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINK = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")

# key -> required?  Optional keys default to null (or [] for lists).
DOCUMENT_FIELDS = {
    "source_file": True,
    "commune": True,
    "province": False,
    "doc_number": False,
    "issue_date": False,
    "signer": False,
    "plan_year": True,
    "n_indicator_rows": True,
    "n_task_rows": True,
}
INDICATOR_FIELDS = {
    "source": True,
    "table_label": False,
    "group": False,
    "code": False,
    "name": True,
    "name_raw": False,
    "unit_raw": False,
    "unit": False,
    "unit_base": False,
    "target_raw": False,
    "comparator": True,
    "value": False,
    "value_max": False,
    "qualifier": False,
    "target_year": True,
    "lead_agency": False,
    "line": True,
    "link": True,
}
TASK_FIELDS = {
    "source": True,
    "table_label": False,
    "group": False,
    "code": False,
    "parent_code": False,
    "title": True,
    "title_raw": False,
    "lead_agency": False,
    "coordinating_agencies": False,
    "output": False,
    "kpi": False,  # the KPI cell, where a task table has one (004)
    "deadline_raw": False,
    "deadline_start": False,
    "deadline_end": False,
    "recurrence": False,
    "deadline_condition": False,
    "line": True,
}
_FIELDS = {"document": DOCUMENT_FIELDS, "indicator": INDICATOR_FIELDS, "task": TASK_FIELDS}


class GoldError(ValueError):
    """Gold files that do not follow the format; `problems` lists every one found."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in gold:\n" + "\n".join(problems))
        self.problems = problems


@dataclass
class Gold:
    documents: pd.DataFrame
    indicators: pd.DataFrame
    tasks: pd.DataFrame


def _check_record(rec: dict, where: str) -> list[str]:
    kind = rec.get("type")
    if kind not in _FIELDS:
        return [f"{where}: unknown type {kind!r}"]
    fields = _FIELDS[kind]
    problems = [f"{where}: missing {k!r}" for k, req in fields.items() if req and rec.get(k) is None]
    problems += [f"{where}: unknown key {k!r}" for k in rec if k != "type" and k not in fields]
    for key, value in rec.items():
        if isinstance(value, str) and unicodedata.normalize("NFC", value) != value:
            problems.append(f"{where}: {key} is not NFC")
    if kind == "indicator":
        problems += _check_indicator(rec, where)
    elif kind == "task":
        problems += _check_task(rec, where)
    if kind != "document" and not isinstance(rec.get("line"), int):
        problems.append(f"{where}: line must be an integer")
    return problems


def _check_indicator(rec: dict, where: str) -> list[str]:
    problems = []
    comparator, value = rec.get("comparator"), rec.get("value")
    if comparator not in COMPARATORS:
        problems.append(f"{where}: comparator {comparator!r} not in {sorted(COMPARATORS)}")
    if comparator == "text" and value is not None:
        problems.append(f"{where}: a text target has no value")
    if comparator not in (None, "text") and not isinstance(value, int | float):
        problems.append(f"{where}: comparator {comparator!r} needs a numeric value")
    if (comparator == "range") != (rec.get("value_max") is not None):
        problems.append(f"{where}: value_max is set exactly when comparator is 'range'")
    if rec.get("unit") is not None and rec["unit"] not in UNITS:
        problems.append(f"{where}: unit {rec['unit']!r} not in {sorted(UNITS)}")
    if rec.get("source") not in SOURCES:
        problems.append(f"{where}: source {rec.get('source')!r} not in {sorted(SOURCES)}")
    if not isinstance(rec.get("target_year"), int):
        problems.append(f"{where}: target_year must be an integer")
    if not _LINK.match(str(rec.get("link", ""))):
        problems.append(f"{where}: link {rec.get('link')!r} is not a snake_case key")
    return problems


def _check_task(rec: dict, where: str) -> list[str]:
    problems = []
    if rec.get("source") not in SOURCES:
        problems.append(f"{where}: source {rec.get('source')!r} not in {sorted(SOURCES)}")
    for key in ("deadline_start", "deadline_end"):
        if rec.get(key) is not None and not _DATE.match(str(rec[key])):
            problems.append(f"{where}: {key} {rec[key]!r} is not YYYY-MM-DD")
    if rec.get("recurrence") is not None and rec["recurrence"] not in RECURRENCES:
        problems.append(f"{where}: recurrence {rec['recurrence']!r} not in {sorted(RECURRENCES)}")
    if not isinstance(rec.get("coordinating_agencies", []) or [], list):
        problems.append(f"{where}: coordinating_agencies must be a list")
    return problems


def read_gold_file(path: Path) -> tuple[list[dict], list[str]]:
    """Records of one gold file (with `document` = the file's source_file) and the problems found."""
    records, problems = [], []
    for no, text in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        where = f"{Path(path).name}:{no}"
        try:
            rec = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(rec, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        problems += _check_record(rec, where)
        records.append(rec)
    docs = [r for r in records if r.get("type") == "document"]
    if len(docs) != 1 or not records or records[0].get("type") != "document":
        problems.append(f"{Path(path).name}: needs exactly one document record, on the first line")
        return records, problems
    doc = docs[0]
    for kind, key in (("indicator", "n_indicator_rows"), ("task", "n_task_rows")):
        n = sum(r.get("type") == kind for r in records)
        if doc.get(key) != n:
            problems.append(f"{Path(path).name}: {key} says {doc.get(key)} but the file has {n} {kind} rows")
    for rec in records:
        rec["document"] = doc.get("source_file")
    return records, problems


def _frame(records: list[dict], kind: str) -> pd.DataFrame:
    cols = ["document", *_FIELDS[kind]]
    rows = [{k: r.get(k, [] if k == "coordinating_agencies" else None) for k in cols} for r in records]
    return pd.DataFrame(rows, columns=cols)


def load_gold(folder: Path) -> Gold:
    """Every `*.jsonl` in `folder`; raises GoldError listing all problems at once."""
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise GoldError([f"{folder}: no *.jsonl gold files"])
    records, problems = [], []
    for path in files:
        recs, probs = read_gold_file(path)
        records += recs
        problems += probs
    if problems:
        raise GoldError(problems)
    by_type = {k: [r for r in records if r.get("type") == k] for k in _FIELDS}
    return Gold(
        documents=_frame(by_type["document"], "document"),
        indicators=_frame(by_type["indicator"], "indicator"),
        tasks=_frame(by_type["task"], "task"),
    )
