"""What storing a processed article writes, as plain values: :func:`document_rows`.

The store writes these rows (:meth:`Store.add_rows`); ``newsweave batch`` writes them to Parquet
on workers that have no database, and ``newsweave load`` stores them later. Every value is
JSON-able except the MinHash signature (bytes), so a row travels as ``(payload JSON, signature)``.
"""

from __future__ import annotations

import json
from typing import Any

from ..article import Article, line_key

#: document columns the pipeline derives (``reprocess`` rewrites these, never raw or doc_id)
DERIVED = ("url", "outlet", "outlet_evidence", "title", "byline", "published", "updated", "dateline",
           "text", "meta", "removed", "warnings")


def document_rows(a: Article) -> dict[str, Any]:
    """Everything the store keeps of ``a``: ``document`` (its row), ``lines`` (keys of its lines,
    for boilerplate counts), ``terms`` (for stories), ``signature`` and the child tables."""
    doc = {"doc_id": a.doc_id, "source": a.source, "fmt": a.fmt, "encoding": a.encoding, "raw": a.raw,
           "url": a.url, "outlet": a.outlet, "outlet_evidence": a.outlet_evidence, "title": a.title,
           "byline": a.byline, "published": a.published, "updated": a.updated, "dateline": a.dateline,
           "text": a.text, "meta": a.meta or {}, "removed": [r.as_dict() for r in a.removed],
           "warnings": a.warnings}
    seen: set[int] = set()
    times = []
    for t in a.times:
        if t.start not in seen:
            seen.add(t.start)
            times.append({"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value})
    return {
        "document": doc,
        "lines": sorted({k for k in (line_key(ln.content) for ln in a.lines) if k}) if a.outlet else [],
        "terms": dict(a.terms),
        "signature": a.signature,
        "mentions": [{"n": n, "start": m.start, "end": m.end, "text": m.text, "type": m.type, "kb_id": m.kb_id,
                      "cluster": m.cluster, "sent_start": m.sent_start, "sent_end": m.sent_end}
                     for n, m in enumerate(a.mentions)],
        "quotes": [{"n": n, "start": q.start, "end": q.end, "text": q.text, "speaker_cluster": q.cluster,
                    "speaker_text": q.speaker_text} for n, q in enumerate(a.quotes)],
        "times": times,
        "events": [{"n": n, "type": e.type, "trigger": e.trigger, "actor_cluster": e.actor_cluster,
                    "actor_text": e.actor_text, "party_cluster": e.party_cluster, "party_text": e.party_text,
                    "post": e.post, "date": e.date, "date_text": e.date_text, "place_cluster": e.place_cluster,
                    "place_text": e.place_text, "followers": e.followers, "approx": int(e.approx),
                    "modality": e.modality, "attribution": list(e.attribution), "evidence": e.evidence,
                    "sent_start": e.sent_start, "sent_end": e.sent_end} for n, e in enumerate(a.events)],
        "clusters": [{"cluster": c.index, "type": c.type, "kb_id": c.kb_id, "name": c.name, "forms": dict(c.forms)}
                     for c in a.clusters],
    }


def to_payload(rows: dict[str, Any]) -> tuple[str, bytes | None]:
    """``rows`` as (JSON text, signature) for a Parquet row."""
    rest = {k: v for k, v in rows.items() if k != "signature"}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True), rows.get("signature")


def from_payload(payload: str, signature: bytes | None) -> dict[str, Any]:
    rows = json.loads(payload)
    rows["signature"] = signature
    return rows
