"""Shared fixtures: the seed plans and one pipeline run over them per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.readers import read_document
from pipeline.stages import STAGES

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


def _process(path: Path):
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc


@pytest.fixture(scope="session")
def seed_docs():
    """Every seed processed once through all stages, keyed by its 3-digit prefix."""
    return {p.name[:3]: _process(p) for p in SEEDS}
