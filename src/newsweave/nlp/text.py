"""A parsed document's text, computed once."""

from __future__ import annotations

from spacy.tokens import Doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document (spaCy joins every token's text on each call)."""
    text = doc.user_data.get("newsweave_text")
    if text is None:
        text = doc.user_data["newsweave_text"] = doc.text
    return text
