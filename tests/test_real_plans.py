"""The pipeline on documents written here after real plans and announcements of every level
(tests/real_plans/dev: each reproduces a layout or phrasing seen in public plans, in our own words
and numbers), scored against the targets and metadata a reader finds in them."""

from __future__ import annotations

import json

import pytest
from realplans import SETS, score

FLOORS = json.loads((SETS / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dev():
    return score("dev")


@pytest.mark.parametrize("key", FLOORS["dev"])
def test_dev_plans_meet_floor(dev, key):
    assert dev[key] >= FLOORS["dev"][key], f"{key} = {dev[key]:.3f}\n" + "\n".join(dev["errors"])
