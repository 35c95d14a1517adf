"""Near-duplicates: syndicated copies and light rewrites of one text, found with MinHash over word
shingles and an LSH index (datasketch). They are linked, never dropped: a copy is a document of
its own, but it is not an independent confirmation of what its original says.

A document is a copy when the estimated Jaccard similarity of its 5-word shingles with an
earlier document reaches ``THRESHOLD``; the earliest published of a group is the original.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one
SHINGLE = 5
THRESHOLD = 0.8


def signature(text: str) -> MinHash:
    words = re.findall(r"\w+", text.lower())
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch([g.encode("utf-8") for g in grams])
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype("<u8").tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype="<u8").copy(), scheme=SCHEME)


@lru_cache(maxsize=1)
def _params() -> tuple[int, int]:
    """datasketch's choice of (bands, rows per band) for THRESHOLD, worked out once (an
    integration, as costly as the rest of a small batch's search)."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _index() -> MinHashLSH:
    return MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=_params())


@lru_cache(maxsize=1)
def _bands() -> tuple[tuple[int, int], ...]:
    """The LSH index's bands: the (start, end) of each band of hash values."""
    return tuple(_index().hashranges)


def band_keys(m: MinHash | bytes) -> list[tuple[int, str]]:
    """(band, key) for each LSH band of a signature: two documents are candidates for copies when
    they share one, so the store can find a new document's candidates by index, not by reading
    every signature."""
    values = np.frombuffer(m, dtype="<u8") if isinstance(m, bytes) else m.hashvalues.astype("<u8")
    return [(i, hashlib.sha1(values[a:b].tobytes()).hexdigest()[:16]) for i, (a, b) in enumerate(_bands())]


def copies(signatures: dict[str, MinHash], order: dict[str, tuple], new: list[str]) -> list[tuple[str, str, float]]:
    """(copy, original, similarity) for every document in ``new`` that nearly duplicates another;
    ``order`` ranks documents (publication time, id): the first of a group is its original.
    ``signatures`` must hold every candidate of the new ones (those sharing a band, see
    :func:`band_keys`); the others make no difference."""
    lsh = _index()
    for doc_id, m in signatures.items():
        lsh.insert(doc_id, m)
    found: dict[str, tuple[str, float]] = {}
    for doc_id in new:
        m = signatures[doc_id]
        group = [d for d in lsh.query(m) if m.jaccard(signatures[d]) >= THRESHOLD]
        if len(group) < 2:
            continue
        first = min(group, key=lambda d: order[d])
        for d in group:
            if d != first:
                found[d] = (first, round(float(signatures[d].jaccard(signatures[first])), 3))
    return [(d, of, sim) for d, (of, sim) in sorted(found.items())]
