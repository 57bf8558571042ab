"""Plan metadata: commune, province, document number, issue date, signer, plan year."""

from __future__ import annotations

from pipeline.model import Document


def extract_metadata(doc: Document) -> None:
    """Fills `doc.metadata`; fields the plan does not state stay null."""
