"""The held-back real-plan documents (tests/real_plans/heldback): written from plans kept out of
development and scored once, before any rule looked at them. Floors are that first measurement
minus a small margin (README, 'Measured on real plans')."""

from __future__ import annotations

import json

import pytest
from realplans import SETS, score

FLOORS = json.loads((SETS / "floors.json").read_text(encoding="utf-8"))["heldback"]


@pytest.fixture(scope="module")
def heldback():
    return score("heldback")


@pytest.mark.parametrize("key", FLOORS)
def test_heldback_plans_meet_floor(heldback, key):
    assert heldback[key] >= FLOORS[key], f"{key} = {heldback[key]:.3f}\n" + "\n".join(heldback["errors"])
