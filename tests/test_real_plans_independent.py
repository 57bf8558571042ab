"""The independent real-plan documents (tests/real_plans/independent): written by an outside
evaluator from 27 public plans and announcements (21 provinces; xã, phường, thị trấn, huyện,
provincial city, tỉnh, centrally-governed city) without reading the extraction code or its
vocabularies, with the expected answers fixed before the pipeline ever ran on them. Floors are
that first, blind measurement minus 0.03, so a regression on unseen phrasing is caught."""

from __future__ import annotations

import json

import pytest
from realplans import SETS, score

FLOORS = json.loads((SETS / "floors.json").read_text(encoding="utf-8"))["independent"]


@pytest.fixture(scope="module")
def independent():
    return score("independent")


@pytest.mark.parametrize("key", FLOORS)
def test_independent_plans_meet_floor(independent, key):
    assert independent[key] >= FLOORS[key], f"{key} = {independent[key]:.3f}\n" + "\n".join(independent["errors"])
