"""Common field names of JSONL/CSV news dumps, and how to read a row's fields."""

from __future__ import annotations

from typing import Any

# what a field is for -> the names dumps use for it (compared case-insensitively, in this order)
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "full_text", "fulltext",
             "maintext", "story", "article_body", "articlebody", "body_text"),
    "title": ("title", "headline", "heading", "header"),
    "published": ("published", "date", "published_at", "publish_date", "publishdate", "pubdate",
                  "date_published", "datepublished", "published_date", "publication_date",
                  "datetime", "timestamp", "published_time", "time", "date_publish"),
    "updated": ("updated", "modified", "updated_at", "date_modified", "datemodified",
                "last_updated", "modified_date", "date_modify"),
    "outlet": ("outlet", "source", "newspaper_name", "newspaper", "publisher", "site_name",
               "sitename", "media", "publication", "source_name", "source_domain", "website"),
    "url": ("url", "link", "source_url", "canonical_url", "permalink", "href"),
    "id": ("id", "doc_id", "article_id", "uid", "guid", "_id", "docid", "uuid"),
    "byline": ("byline", "author", "authors", "writer", "by", "author_name"),
    "dateline": ("dateline",),
}


def _scalar(value: Any) -> str | None:
    """A field's value as a string; a list joins its parts, a dict gives its name (NewsAPI's
    ``{"id": ..., "name": ...}``)."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("id")
    if isinstance(value, list):
        parts = [_scalar(v) for v in value]
        value = ", ".join(p for p in parts if p)
    if isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def pick(row: dict[str, Any], what: str) -> tuple[str | None, str | None]:
    """``(value, field name)`` of the first non-empty field for ``what``."""
    lower = {str(k).lower().strip(): k for k in row if k is not None}
    for name in FIELD_NAMES[what]:
        key = lower.get(name)
        if key is not None:
            value = _scalar(row[key])
            if value:
                return value, key
    return None, None


def known_keys(row: dict[str, Any]) -> set[str]:
    """The keys of ``row`` that :func:`pick` reads for some purpose."""
    every = {n for names in FIELD_NAMES.values() for n in names}
    return {k for k in row if k is not None and str(k).lower().strip() in every}
