"""Name-swap invariance: the seed articles with every person's name replaced by invented ones
(consistently per person, a spelling variant of a name kept as a variant of the new name) give the
same events, modalities, dates and quote speakers under the new names."""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsweave.article import Article

#: invented name words, handed out in order (fictional: no public figure is meant)
NEW = ["Farhan", "Qureshi", "Tomas", "Brandt", "Lena", "Vogt", "Arun", "Dasgupta", "Mira", "Solberg", "Ilya",
       "Petrenko", "Kasia", "Nowak", "Omar", "Haddad", "Rosa", "Lindqvist", "Jonah", "Ferris", "Pia", "Moreau",
       "Kenji", "Arata", "Selma", "Okafor"]


def _variant(word: str) -> str:
    i = max(i for i, ch in enumerate(word) if ch in "aeiou")
    return word[:i] + {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o"}[word[i]] + word[i + 1:]


def _mapping(gold: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    fresh = iter(NEW)
    others = {w for e in gold["entities"] if e["type"] != "PERSON"  # "Azad" of the Azad Samaj Party stays
              for n in [e["name"], *e.get("aliases", [])] for w in re.findall(r"[A-Za-z][a-z]+", n)}
    for e in gold["entities"]:
        if e["type"] != "PERSON":
            continue
        base = re.findall(r"[A-Za-z][a-z]+", e["name"])
        for w in base:
            if len(w) >= 3 and w not in out and w not in others:
                out[w] = next(fresh)
        for alias in e.get("aliases", []):
            for w in re.findall(r"[A-Za-z][a-z]+", alias):
                if len(w) >= 3 and w not in out and w not in others:
                    twin = next((b for b in base if b[:2].lower() == w[:2].lower() and b in out), None)
                    out[w] = _variant(out[twin]) if twin else next(fresh)
    return out


def _swap(text: str, mapping: dict[str, str]) -> str:
    pat = re.compile(r"\b(" + "|".join(sorted(map(re.escape, mapping), key=len, reverse=True)) + r")\b")
    return pat.sub(lambda m: mapping[m.group(1)], text)


def _facts(a: Article, back: dict[str, str]) -> tuple[set, set]:
    def name(s: str | None) -> str | None:
        return _swap(s, back) if s and back else s

    events = {(e.type, name(e.actor_text), e.party_text, e.modality, e.date) for e in a.events}
    speakers = {(name(q.text)[:40], name(q.speaker_text)) for q in a.quotes}
    return events, speakers


def test_name_swap_seeds_give_the_same_events_and_speakers(process, seeds, shared):
    gold = json.loads((shared / "eval" / "gold" / "seeds.json").read_text(encoding="utf-8"))
    mapping = _mapping(gold)
    back = {v: k for k, v in mapping.items()}
    for path in sorted(Path(seeds).iterdir()):
        text = path.read_text(encoding="utf-8")
        original = _facts(process(text, source=path.name), {})
        swapped = _facts(process(_swap(text, mapping), source=path.name), back)
        assert swapped[0] == original[0], (path.name, swapped[0] ^ original[0])
        assert swapped[1] == original[1], (path.name, swapped[1] ^ original[1])
