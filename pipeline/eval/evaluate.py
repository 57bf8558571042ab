"""Score predicted indicator/task rows against gold: matching, P/R/F1, field accuracy, links.

Pure functions over pandas frames (gold frames from `pipeline.eval.gold`, predicted
frames as read from a run's Parquet outputs), so tests can score hand-made frames.

Matching is one-to-one, per document and per row type. A gold/predicted pair is a
candidate when the folded names are similar (rapidfuzz token_set_ratio) and either
the predicted row's line span covers the gold line (±2) or the names are near
identical. Candidates are taken greedily, best first; the score adds bonuses for
the line, the target year and the value so that rows of a multi-year table (same
name, same line) pair with the right year and two-target cells pair by value.
Short fragments get no subset bonus and far-away pairs must share most of their
words, so a stray OCR fragment cannot claim an unrelated gold row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from itertools import combinations
from pathlib import PurePath

import pandas as pd
from rapidfuzz import fuzz

from pipeline.normalize.fold import fold

LINE_SLACK = 2  # gold line within pred line_start-2 .. line_end+2 counts as the same place
MIN_SIM_NEAR = 50.0  # name similarity needed when the line agrees
MIN_SIM_FAR = 85.0  # name similarity needed when it does not
MIN_SORT_FAR = 50.0  # ... and whole-name (token_sort_ratio) similarity, so a fragment cannot match far away
MIN_TOKENS = 4  # shorter names get no subset bonus (see name_similarity)
LEAD_SIM = 90.0  # token_set_ratio at which two agency names are the same agency
VALUE_TOL = 1e-6

KINDS = ("indicators", "tasks")
_NAME = {"indicators": ("name", "name_raw"), "tasks": ("title", "title_raw")}
FIELD_CHECKS = {
    "indicators": ("target", "unit", "lead"),
    "tasks": ("lead", "deadline"),
}
ERROR_COLUMNS = [
    "document",
    "type",
    "error",
    "gold_value",
    "pred_value",
    "gold_line",
    "page",
    "line_start",
    "line_end",
    "raw_text",
]


def _none(value):
    """None for every flavour of missing (None, NaN, NaT, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _text(value) -> str:
    value = _none(value)
    return "" if value is None else str(value)


def _day(value) -> str | None:
    value = _none(value)
    if value is None:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def document_key(source_file) -> str:
    """Predicted rows carry the path given to the run; gold carries the file name."""
    return PurePath(str(source_file).replace("\\", "/")).name


def name_similarity(a, b) -> float:
    """token_set_ratio on folded names, which forgives truncation and extra words.

    token_set_ratio scores 100 whenever one name's words are a subset of the
    other's, so a stray fragment ("cap nhat", "phong") would match any long
    title: names under MIN_TOKENS words are compared whole (plain ratio) instead.
    """
    fa, fb = fold(_text(a)), fold(_text(b))
    if not fa or not fb:
        return 0.0
    if min(len(fa.split()), len(fb.split())) < MIN_TOKENS:
        return float(fuzz.ratio(fa, fb))
    return float(fuzz.token_set_ratio(fa, fb))


def _sort_ratio(a, b) -> float:
    return float(fuzz.token_sort_ratio(fold(_text(a)), fold(_text(b))))


def _line_ok(gold_line, line_start, line_end) -> bool:
    g, s = _none(gold_line), _none(line_start)
    if g is None or s is None:
        return False
    e = _none(line_end)
    e = s if e is None else e
    return s - LINE_SLACK <= g <= e + LINE_SLACK


def _same_number(a, b) -> bool:
    a, b = _none(a), _none(b)
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= VALUE_TOL


def pair_score(kind: str, g, p, lines: bool = True) -> float | None:
    """Score of matching gold row g with predicted row p; None when they cannot match.

    `lines=False` ignores the line hint: for a PDF/DOCX rendering of a gold document, whose line
    numbers are not the text export's, so only names (and year, value) can pair rows.
    """
    gold_names = [g.get(c) for c in _NAME[kind] if _text(g.get(c))]
    pred_names = [p.get(c) for c in _NAME[kind] if _text(p.get(c))]
    sim = max((name_similarity(a, b) for a in gold_names for b in pred_names), default=0.0)
    near = lines and _line_ok(g.get("line"), p.get("line_start"), p.get("line_end"))
    if sim < (MIN_SIM_NEAR if near else MIN_SIM_FAR):
        return None
    if not near and max(_sort_ratio(a, b) for a in gold_names for b in pred_names) < MIN_SORT_FAR:
        return None  # far away and only a subset of the words in common: a different row
    score = sim + (40.0 if near else 0.0)
    if kind == "indicators":
        if _none(g.get("target_year")) is not None and _none(g.get("target_year")) == _none(p.get("target_year")):
            score += 15.0
        if _same_number(g.get("value"), p.get("value")):
            score += 1.0
    elif _deadline(g) == _deadline(p):  # two tasks of the same title (several tables) pair by deadline
        score += 1.0
    return score


def match_rows(kind: str, gold: pd.DataFrame, pred: pd.DataFrame, lines: bool = True) -> list[tuple[int, int, float]]:
    """One-to-one (gold index, pred index, score) pairs, greedily by best score."""
    candidates = []
    preds = pred.to_dict("index").items()  # plain dicts: Series access would dominate the run time
    for gi, g in gold.to_dict("index").items():
        for pi, p in preds:
            score = pair_score(kind, g, p, lines)
            if score is not None:
                candidates.append((score, gi, pi))
    candidates.sort(key=lambda c: (-c[0], str(c[1]), str(c[2])))
    used_g, used_p, pairs = set(), set(), []
    for score, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi, score))
    return pairs


def _agency_right(gold, pred) -> bool:
    g, p = fold(_text(gold)), fold(_text(pred))
    if not g or not p:
        return not g and not p
    return g == p or fuzz.token_set_ratio(g, p) >= LEAD_SIM


def _target(row: pd.Series) -> str:
    parts = [_text(row.get("comparator")), _text(row.get("value")), _text(row.get("value_max"))]
    return " ".join(x for x in parts if x) + f" @{_text(row.get('target_year'))}"


def _deadline(row: pd.Series) -> str:
    start, end = _day(row.get("deadline_start")) or "", _day(row.get("deadline_end")) or ""
    return f"{start}..{end} {_text(row.get('recurrence'))}".strip()


def field_checks(kind: str, g: pd.Series, p: pd.Series) -> dict[str, tuple[bool, str, str]]:
    """check name -> (right?, gold value, predicted value) for one matched pair."""
    lead = (_agency_right(g.get("lead_agency"), p.get("lead_agency")), _text(g.get("lead_agency")))
    lead += (_text(p.get("lead_agency")),)
    if kind == "indicators":
        target_ok = (
            _text(g.get("comparator")) == _text(p.get("comparator"))
            and _same_number(g.get("value"), p.get("value"))
            and _same_number(g.get("value_max"), p.get("value_max"))
            and _none(g.get("target_year")) == _none(p.get("target_year"))
        )
        unit_ok = _text(g.get("unit")) == _text(p.get("unit"))
        return {
            "target": (target_ok, _target(g), _target(p)),
            "unit": (unit_ok, _text(g.get("unit")), _text(p.get("unit"))),
            "lead": lead,
        }
    deadline_ok = all(
        _day(g.get(k)) == _day(p.get(k)) if k != "recurrence" else _text(g.get(k)) == _text(p.get(k))
        for k in ("deadline_start", "deadline_end", "recurrence")
    )
    return {"lead": lead, "deadline": (deadline_ok, _deadline(g), _deadline(p))}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _block(kind: str, n_gold: int, n_pred: int, rights: dict[str, list[bool]]) -> dict:
    matched = len(next(iter(rights.values()), []))
    precision, recall = _ratio(matched, n_pred), _ratio(matched, n_gold)
    f1 = 2 * matched / (n_gold + n_pred) if (n_gold + n_pred) else None
    block = {
        "n_gold": n_gold,
        "n_pred": n_pred,
        "matched": matched,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
    for check in FIELD_CHECKS[kind]:
        block[f"{check}_accuracy"] = _ratio(sum(rights[check]), matched)
    return block


def _pred_row_error(doc: str, kind: str, error: str, p: pd.Series, gold_value="", pred_value="", gold_line=None):
    raw_col = _NAME[kind][1] if _text(p.get(_NAME[kind][1])) else _NAME[kind][0]
    return {
        "document": doc,
        "type": kind[:-1],
        "error": error,
        "gold_value": gold_value,
        "pred_value": pred_value,
        "gold_line": gold_line,
        "page": _none(p.get("page")),
        "line_start": _none(p.get("line_start")),
        "line_end": _none(p.get("line_end")),
        "raw_text": _text(p.get(raw_col)),
    }


def _by_document(frame: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    if frame is None or frame.empty:
        return {}
    keys = frame[column].map(document_key)
    return {k: frame[keys == k] for k in keys.unique()}


def link_pairs(gold_links: Iterable, pred_ids: Iterable) -> dict:
    """Pairwise link precision/recall over matched rows: same predicted id vs same gold link."""
    items = [(_none(g), _none(p)) for g, p in zip(gold_links, pred_ids, strict=True)]
    both = pred_same = gold_same = 0
    for (g1, p1), (g2, p2) in combinations(items, 2):
        same_p = p1 is not None and p1 == p2
        same_g = g1 is not None and g1 == g2
        pred_same += same_p
        gold_same += same_g
        both += same_p and same_g
    return {
        "available": True,
        "rows": len(items),
        "pred_pairs": pred_same,
        "gold_pairs": gold_same,
        "common_pairs": both,
        "precision": _ratio(both, pred_same),
        "recall": _ratio(both, gold_same),
    }


def evaluate(gold, pred: dict[str, pd.DataFrame], lines: bool = True) -> tuple[dict, pd.DataFrame]:
    """Metrics (overall, per document, links) and the error rows, for gold vs predicted frames.

    `gold` has `.documents`, `.indicators`, `.tasks` frames; `pred` maps "indicators",
    "tasks" (and optionally "documents") to frames with the output schema's columns. `lines=False`
    pairs rows by name only (see pair_score).
    """
    gold_docs = [document_key(s) for s in gold.documents["source_file"]]
    pred_docs_frame = pred.get("documents")
    pred_docs = set()
    for name in ("documents", *KINDS):
        frame = pred.get(name)
        if frame is not None and not frame.empty:
            pred_docs |= set(frame["source_file"].map(document_key))
    errors: list[dict] = []
    per_doc: dict[str, dict] = {doc: {} for doc in gold_docs}
    totals = {kind: {"n_gold": 0, "n_pred": 0, "rights": {c: [] for c in FIELD_CHECKS[kind]}} for kind in KINDS}
    link_rows: list[tuple] = []
    links_available = (
        pred.get("indicators") is not None
        and "indicator_id" in pred["indicators"].columns
        and pred["indicators"]["indicator_id"].notna().any()
    )
    for kind in KINDS:
        gold_by = _by_document(getattr(gold, kind), "document")
        pred_by = _by_document(pred.get(kind), "source_file")
        for doc in gold_docs:
            g_rows = gold_by.get(doc, getattr(gold, kind).iloc[0:0])
            p_rows = pred_by.get(doc, pd.DataFrame())
            pairs = match_rows(kind, g_rows, p_rows, lines) if not p_rows.empty else []
            rights = {c: [] for c in FIELD_CHECKS[kind]}
            for gi, pi, _score in pairs:
                g, p = g_rows.loc[gi], p_rows.loc[pi]
                for check, (ok, gv, pv) in field_checks(kind, g, p).items():
                    rights[check].append(bool(ok))
                    if not ok:
                        errors.append(_pred_row_error(doc, kind, f"wrong_{check}", p, gv, pv, _none(g.get("line"))))
                if kind == "indicators":
                    link_rows.append((g.get("link"), p.get("indicator_id") if links_available else None))
            matched_g = {gi for gi, _, _ in pairs}
            matched_p = {pi for _, pi, _ in pairs}
            name_col = _NAME[kind][0]
            for gi, g in g_rows.iterrows():
                if gi not in matched_g:
                    errors.append(
                        {
                            "document": doc,
                            "type": kind[:-1],
                            "error": "missed",
                            "gold_value": _text(g.get(name_col)),
                            "pred_value": "",
                            "gold_line": _none(g.get("line")),
                            "page": None,
                            "line_start": _none(g.get("line")),
                            "line_end": _none(g.get("line")),
                            "raw_text": _text(g.get(_NAME[kind][1])) or _text(g.get(name_col)),
                        }
                    )
            for pi, p in p_rows.iterrows():
                if pi not in matched_p:
                    errors.append(_pred_row_error(doc, kind, "false_positive", p, "", _text(p.get(name_col))))
            per_doc[doc][kind] = _block(kind, len(g_rows), len(p_rows), rights)
            totals[kind]["n_gold"] += len(g_rows)
            totals[kind]["n_pred"] += len(p_rows)
            for check, values in rights.items():
                totals[kind]["rights"][check] += values
    overall = {kind: _block(kind, t["n_gold"], t["n_pred"], t["rights"]) for kind, t in totals.items()}
    if links_available:
        links = link_pairs([g for g, _ in link_rows], [p for _, p in link_rows])
    else:
        links = {"available": False, "reason": "predicted indicators carry no indicator_id (linker not run)"}
    metrics = {
        "overall": overall,
        "documents": per_doc,
        "links": links,
        "missing_documents": sorted(d for d in gold_docs if d not in pred_docs),
        "unscored_documents": sorted(pred_docs - set(gold_docs)),
    }
    if pred_docs_frame is not None and "status" in pred_docs_frame.columns:
        failed = pred_docs_frame[pred_docs_frame["status"] != "ok"]["source_file"].map(document_key)
        metrics["failed_documents"] = sorted(set(failed) & set(gold_docs))
    return metrics, pd.DataFrame(errors, columns=ERROR_COLUMNS)


HEADLINE = {
    "indicators": ("f1", "precision", "recall", "target_accuracy", "unit_accuracy", "lead_accuracy"),
    "tasks": ("f1", "precision", "recall", "lead_accuracy", "deadline_accuracy"),
}


def headline(metrics: dict) -> dict[str, dict[str, float | None]]:
    """scope ('overall' or a document) -> 'indicators.f1'-style key -> figure (links: overall only)."""
    scopes = {"overall": metrics["overall"], **metrics["documents"]}
    figures = {
        scope: {f"{kind}.{key}": blocks[kind][key] for kind, keys in HEADLINE.items() for key in keys}
        for scope, blocks in scopes.items()
    }
    for key in ("precision", "recall"):  # links are scored across documents only
        figures["overall"][f"links.{key}"] = metrics["links"].get(key)
    return figures


def metrics_table(metrics: dict):
    """A rich Table of the headline figures: per document and row type, then overall."""
    from rich import box
    from rich.table import Table

    table = Table(title="Evaluation against gold", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    checks = ("target", "unit", "lead", "deadline")
    table.caption = "m/g/p = matched/gold/predicted rows; target, unit, lead, deadline = accuracy among matched"
    for col in ("document", "rows", "m/g/p", "P", "R", "F1", "target", "unit", "lead", "deadline"):
        left = col in ("document", "rows")
        table.add_column(col, justify="left" if left else "right", no_wrap=True, min_width=None if left else 4)

    def fmt(value) -> str:
        return "—" if value is None else f"{value:.2f}"

    scopes = {**metrics["documents"], "overall": metrics["overall"]}
    for scope, blocks in scopes.items():
        label = "[bold]overall[/bold]" if scope == "overall" else PurePath(scope).stem[:7]
        for kind in KINDS:
            b = blocks[kind]
            table.add_row(
                label if kind == KINDS[0] else "",
                "ind" if kind == "indicators" else "task",
                f"{b['matched']}/{b['n_gold']}/{b['n_pred']}",
                *(fmt(b[k]) for k in ("precision", "recall", "f1")),
                *(fmt(b[f"{c}_accuracy"]) if f"{c}_accuracy" in b else "" for c in checks),
                end_section=kind == KINDS[-1],
            )
    return table
