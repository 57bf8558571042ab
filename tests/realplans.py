"""Scores the pipeline on the real-plan test documents: tests/real_plans/<set>/NAME.txt, each with
NAME.json listing the targets a reader finds in it (a fragment of the name, comparator, value,
value_max, unit, year) and the metadata fields it states (null: the plan does not state it).

A predicted target matches an expected one when the expected name fragment is in its name (both
folded) and, among those, the value agrees when one does. Precision counts every indicator row
the pipeline returns, table or prose.

A set whose JSON files also list `tasks` (title fragment, lead agency and deadline as printed) is
scored on tasks too, over the documents that list them: a predicted task matches when the fragment
is in its title (folded); precision counts every task returned; the lead is right when the expected
agency is in the predicted lead_agency or lead_agency_raw (folded; null expects none), the deadline
when the expected text is in deadline_raw."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pipeline.config import Limits
from pipeline.model import Document
from pipeline.normalize.fold import fold
from pipeline.readers import read_document
from pipeline.stages import STAGES

SETS = Path(__file__).parent / "real_plans"


def process(path: Path) -> Document:
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc


def process_text(folder: Path, text: str) -> Document:
    """A plan written to `folder`/plan.txt and run through every stage."""
    path = folder / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return process(path)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def _match(expected: list[dict], rows: list) -> list[tuple[dict, object | None]]:
    free = list(rows)
    pairs = []
    for exp in expected:
        named = [r for r in free if fold(exp["name"]) in fold(r.name)]
        best = next((r for r in named if _same(r.value, exp["value"])), named[0] if named else None)
        if best is not None:
            free.remove(best)
        pairs.append((exp, best))
    return pairs


def _match_tasks(expected: list[dict], tasks: list) -> list[tuple[dict, object | None]]:
    free = list(tasks)
    pairs = []
    for exp in expected:
        best = next((t for t in free if fold(exp["title"]) in fold(t.title)), None)
        if best is not None:
            free.remove(best)
        pairs.append((exp, best))
    return pairs


def _lead_ok(want: str | None, task) -> bool:
    got = [fold(v) for v in (task.lead_agency, task.lead_agency_raw) if v]
    if want is None:
        return not got
    return any(fold(want) in g for g in got)


def _deadline_ok(want: str | None, task) -> bool:
    return want is None or fold(want) in fold(task.deadline_raw or "")


def _score_tasks(name: str, expected: list[dict], tasks: list, tally: dict, errors: list[str]) -> None:
    pairs = _match_tasks(expected, tasks)
    matched = {id(t) for _e, t in pairs if t is not None}
    tally["expected"] += len(pairs)
    tally["predicted"] += len(tasks)
    for exp, task in pairs:
        if task is None:
            errors.append(f"{name}: missed task {exp}")
            continue
        tally["found"] += 1
        lead_ok = _lead_ok(exp["lead"], task)
        tally["lead"] += lead_ok
        if exp.get("deadline") is not None:
            tally["dated"] += 1
            tally["deadline"] += _deadline_ok(exp["deadline"], task)
        if not lead_ok or not _deadline_ok(exp.get("deadline"), task):
            got = (task.lead_agency_raw, task.lead_agency, task.deadline_raw)
            errors.append(f"{name}: task {exp} read as {got}")
    errors += [f"{name}: false task {t.title!r} lead={t.lead_agency_raw!r}" for t in tasks if id(t) not in matched]


def _task_figures(tally: dict) -> dict:
    if not tally["expected"]:
        return {}
    return {
        "task_recall": tally["found"] / tally["expected"],
        "task_precision": tally["found"] / tally["predicted"] if tally["predicted"] else 1.0,
        "lead_accuracy": tally["lead"] / tally["found"] if tally["found"] else 0.0,
        "deadline_accuracy": tally["deadline"] / tally["dated"] if tally["dated"] else 0.0,
    }


def _field(value) -> object:
    return value.isoformat() if isinstance(value, date) else value


def score(set_name: str) -> dict:
    """Figures over one set, and the misses and false targets for the assertion message."""
    expected_n = found = predicted = right = year_right = 0
    meta_total = meta_right = 0
    tally = dict.fromkeys(("expected", "found", "predicted", "lead", "dated", "deadline"), 0)
    errors: list[str] = []
    for path in sorted((SETS / set_name).glob("*.txt")):
        truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        doc = process(path)
        pairs = _match(truth["targets"], doc.indicators)
        matched = {id(r) for _e, r in pairs if r is not None}
        expected_n += len(pairs)
        predicted += len(doc.indicators)
        for exp, row in pairs:
            if row is None:
                errors.append(f"{path.name}: missed {exp}")
                continue
            found += 1
            ok = row.comparator == exp["comparator"] and _same(row.value, exp["value"])
            ok = ok and _same(row.value_max, exp.get("value_max")) and row.unit == exp.get("unit", row.unit)
            right += ok
            year_right += row.target_year == exp["year"]
            if not ok or row.target_year != exp["year"]:
                got = (row.comparator, row.value, row.value_max, row.unit, row.target_year)
                errors.append(f"{path.name}: {exp} read as {got}")
        errors += [
            f"{path.name}: false target {r.name!r} {r.target_raw!r}" for r in doc.indicators if id(r) not in matched
        ]
        if "tasks" in truth:
            _score_tasks(path.name, truth["tasks"], doc.tasks, tally, errors)
        for key, want in truth["metadata"].items():
            got = _field(getattr(doc.metadata, key))
            meta_total += 1
            meta_right += got == want
            if got != want:
                errors.append(f"{path.name}: metadata {key} = {got!r}, expected {want!r}")
    return {
        "recall": found / expected_n,
        "precision": found / predicted if predicted else 1.0,
        "value_accuracy": right / found if found else 0.0,
        "year_accuracy": year_right / found if found else 0.0,
        "metadata_accuracy": meta_right / meta_total,
        **_task_figures(tally),
        "errors": errors,
    }
