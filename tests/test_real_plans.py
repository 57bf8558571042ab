"""The pipeline on documents written here after real plans and announcements of every level, scored
against the targets and metadata a reader finds in them (tests/real_plans/README.md):

- dev: each reproduces a layout or phrasing seen in public plans, in our own words and numbers;
- heldback: written from plans kept out of development and scored once, before any rule looked at them;
- independent: written by an outside evaluator from 27 public plans (21 provinces, every level) without
  reading the extraction code or its vocabularies, answers fixed before the pipeline ever ran on them;
- blind2: a second outside evaluation (26 further plans), table-heavy, also scored on tasks (recall,
  precision, lead agency, deadline), answers fixed before its only blind run.

Floors (tests/real_plans/floors.json) are measured figures minus a small margin (README, 'Measured on
real plans'), so a regression on unseen phrasing is caught.
"""

from __future__ import annotations

import json

import pytest
from realplans import SETS, score

FLOORS = json.loads((SETS / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scores():
    return {name: score(name) for name in FLOORS}


@pytest.mark.parametrize(("name", "key"), [(name, key) for name, floors in FLOORS.items() for key in floors])
def test_real_plans_meet_floor(scores, name, key):
    got = scores[name]
    assert got[key] >= FLOORS[name][key], f"{name} {key} = {got[key]:.3f}\n" + "\n".join(got["errors"])
