"""The evaluator on small hand-made gold files and predicted frames."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.eval import GoldError, evaluate, load_gold
from pipeline.eval.evaluate import headline, link_pairs, match_rows
from pipeline.outputs import write_rows

DOC = "123_plan.txt"


def _ind(name, line, value, year=2026, link="k", comparator=">=", unit="percent", lead="Phòng Kinh tế", **kw):
    row = {"type": "indicator", "source": "table", "name": name, "comparator": comparator, "value": value}
    row |= {"unit": unit, "target_year": year, "lead_agency": lead, "line": line, "link": link}
    return row | kw


def _task(title, line, start=None, end=None, recurrence=None, lead="Công an xã"):
    return {
        "type": "task",
        "source": "table",
        "title": title,
        "lead_agency": lead,
        "deadline_start": start,
        "deadline_end": end,
        "recurrence": recurrence,
        "line": line,
    }


GOLD_ROWS = [
    _ind("Tỷ lệ phủ sóng 5G cho người dân", 10, 95, link="coverage_5g"),
    _ind("Tỷ lệ phủ sóng 5G cho người dân", 10, 100, year=2030, link="coverage_5g"),
    _ind("Tỷ lệ người dân có tài khoản định danh điện tử", 11, 80, link="vneid_accounts", lead="Công an xã"),
    _ind("Chỉ số chuyển đổi số xã", 12, 0.63, unit="index", link="commune_dx_index"),
    _task("Xây dựng kế hoạch chuyển đổi số", 20, "2026-04-01", "2026-06-30"),
    _task("Bảo đảm an toàn, an ninh mạng", 21, recurrence="ongoing"),
]


def _write_gold(folder, rows=GOLD_ROWS, **doc):
    n_ind = sum(r["type"] == "indicator" for r in rows)
    head = {"type": "document", "source_file": DOC, "commune": "Tân An", "plan_year": 2026}
    head |= {"n_indicator_rows": n_ind, "n_task_rows": len(rows) - n_ind} | doc
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in [head, *rows]]
    (folder / "123_plan.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _pred_from_gold(gold):
    """A perfect prediction: the gold rows in the output schema's columns."""
    ind = gold.indicators.rename(columns={"line": "line_start"}).assign(
        source_file=f"data/raw/{DOC}", line_end=lambda f: f["line_start"], indicator_id=None
    )
    tasks = gold.tasks.rename(columns={"line": "line_start"}).assign(
        source_file=f"data/raw/{DOC}", line_end=lambda f: f["line_start"]
    )
    for col in ("deadline_start", "deadline_end"):
        tasks[col] = [date.fromisoformat(v) if isinstance(v, str) else None for v in tasks[col]]
    docs = pd.DataFrame({"source_file": [f"data/raw/{DOC}"], "status": ["ok"]})
    return {"documents": docs, "indicators": ind, "tasks": tasks}


@pytest.fixture
def gold(tmp_path):
    return load_gold(_write_gold(tmp_path / "gold"))


def test_perfect_prediction_scores_one(gold):
    metrics, errors = evaluate(gold, _pred_from_gold(gold))
    for scope in headline(metrics).values():
        assert all(v == 1.0 for k, v in scope.items() if not k.startswith("links.")), scope
    assert errors.empty
    assert metrics["links"]["available"] is False


def test_missing_row_lowers_recall_only(gold):
    pred = _pred_from_gold(gold)
    pred["indicators"] = pred["indicators"].drop(index=2)
    metrics, errors = evaluate(gold, pred)
    ind = metrics["overall"]["indicators"]
    assert ind["precision"] == 1.0 and ind["recall"] == 0.75
    assert list(errors["error"]) == ["missed"]
    assert errors["line_start"].iloc[0] == 11


def test_extra_row_lowers_precision_only(gold):
    pred = _pred_from_gold(gold)
    extra = pred["tasks"].iloc[[0]].assign(title="Tổ chức hội thảo thương mại điện tử", line_start=40, line_end=41)
    pred["tasks"] = pd.concat([pred["tasks"], extra], ignore_index=True)
    metrics, errors = evaluate(gold, pred)
    tasks = metrics["documents"][DOC]["tasks"]
    assert tasks["recall"] == 1.0 and tasks["precision"] == pytest.approx(2 / 3)
    assert list(errors["error"]) == ["false_positive"] and errors["line_start"].iloc[0] == 40


def test_wrong_value_lowers_target_accuracy_not_f1(gold):
    pred = _pred_from_gold(gold)
    pred["indicators"].loc[3, "value"] = 63.0
    metrics, errors = evaluate(gold, pred)
    ind = metrics["overall"]["indicators"]
    assert ind["f1"] == 1.0 and ind["target_accuracy"] == 0.75 and ind["unit_accuracy"] == 1.0
    assert list(errors["error"]) == ["wrong_target"]


def test_wrong_deadline_and_lead_are_reported(gold):
    pred = _pred_from_gold(gold)
    pred["tasks"].loc[1, "recurrence"] = None
    pred["tasks"].loc[0, "lead_agency"] = "Phòng Văn hóa - Xã hội"
    metrics, errors = evaluate(gold, pred)
    tasks = metrics["overall"]["tasks"]
    assert tasks["f1"] == 1.0 and tasks["deadline_accuracy"] == 0.5 and tasks["lead_accuracy"] == 0.5
    assert sorted(errors["error"]) == ["wrong_deadline", "wrong_lead"]


def test_lead_agency_tolerates_spelling_variants(gold):
    pred = _pred_from_gold(gold)
    pred["indicators"].loc[2, "lead_agency"] = "CÔNG AN XÃ"
    metrics, _ = evaluate(gold, pred)
    assert metrics["overall"]["indicators"]["lead_accuracy"] == 1.0


def test_multi_year_rows_pair_by_year(gold):
    pred = _pred_from_gold(gold)
    pairs = match_rows("indicators", gold.indicators, pred["indicators"].iloc[::-1])
    assert sorted((g, p) for g, p, _ in pairs) == [(0, 0), (1, 1), (2, 2), (3, 3)]


def test_diacritic_free_prediction_matches_name_raw(tmp_path):
    rows = [_ind("Tỷ lệ phủ sóng 5G trên địa bàn", 95, 65, name_raw="Ty 1€ phu song 5G trén dia ban")]
    gold = load_gold(_write_gold(tmp_path / "g", rows))
    pred = _pred_from_gold(gold)
    pred["indicators"]["name"] = "Ty 1€ phu song 5G trén dia ban"
    metrics, _ = evaluate(gold, pred)
    assert metrics["overall"]["indicators"]["matched"] == 1


def test_stray_fragment_does_not_match_a_distant_row(gold):
    pred = _pred_from_gold(gold)
    stray = pred["tasks"].iloc[[0]].assign(title="kế hoạch", line_start=90, line_end=90)
    pred["tasks"] = pd.concat([pred["tasks"].iloc[1:], stray], ignore_index=True)
    metrics, errors = evaluate(gold, pred)
    assert metrics["overall"]["tasks"]["matched"] == 1
    assert sorted(errors["error"]) == ["false_positive", "missed"]


def test_document_without_prediction_counts_as_missed(gold):
    empty = {k: v.iloc[0:0] for k, v in _pred_from_gold(gold).items()}
    metrics, errors = evaluate(gold, empty)
    assert metrics["overall"]["indicators"]["recall"] == 0.0 and metrics["overall"]["indicators"]["precision"] is None
    assert metrics["missing_documents"] == [DOC]
    assert (errors["error"] == "missed").sum() == len(GOLD_ROWS)


def test_links_pairwise_on_toy_case():
    # gold: rows 0,1 same indicator; 2,3 same; pred merges 1 and 2 wrongly, keeps 0-1 together.
    result = link_pairs(["a", "a", "b", "b"], ["x", "x", "x", "y"])
    assert result["pred_pairs"] == 3 and result["gold_pairs"] == 2 and result["common_pairs"] == 1
    assert result["precision"] == pytest.approx(1 / 3) and result["recall"] == 0.5


def test_links_from_predicted_ids(gold):
    pred = _pred_from_gold(gold)
    pred["indicators"]["indicator_id"] = ["5g", "5g", "vneid", "5g"]
    metrics, _ = evaluate(gold, pred)
    assert metrics["links"]["precision"] == pytest.approx(1 / 3) and metrics["links"]["recall"] == 1.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"comparator": "≥"}, "comparator"),
        ({"comparator": "text"}, "text target has no value"),
        ({"link": "Phủ sóng 5G"}, "snake_case"),
        ({"target_year": "2026"}, "target_year"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_gold_validation_rejects_bad_rows(tmp_path, change, message):
    rows = [GOLD_ROWS[0] | change, *GOLD_ROWS[1:]]
    with pytest.raises(GoldError, match=message):
        load_gold(_write_gold(tmp_path / "g", rows))


def test_gold_validation_checks_declared_counts(tmp_path):
    with pytest.raises(GoldError, match="n_task_rows says 5"):
        load_gold(_write_gold(tmp_path / "g", n_task_rows=5))


def test_gold_validation_rejects_bad_dates(tmp_path):
    rows = [*GOLD_ROWS[:4], _task("X", 20, "01/04/2026", None)]
    with pytest.raises(GoldError, match="YYYY-MM-DD"):
        load_gold(_write_gold(tmp_path / "g", rows))


def test_cli_eval_writes_metrics_and_errors(tmp_path, gold):
    pred = _pred_from_gold(gold)
    pred["indicators"] = pred["indicators"].drop(index=0)
    run = tmp_path / "run"
    for name, frame in pred.items():
        write_rows(name, frame.astype(object).where(frame.notna(), None).to_dict("records"), run)
    code = main(["eval", "--gold", str(tmp_path / "gold"), "--pred", str(run), "--out", str(tmp_path / "out")])
    assert code == 0
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["overall"]["indicators"]["recall"] == 0.75
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert list(errors["error"]) == ["missed"] and errors["document"].iloc[0] == DOC


def test_cli_eval_reports_missing_outputs(tmp_path):
    _write_gold(tmp_path / "gold")
    assert main(["eval", "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "nothing")]) == 2
