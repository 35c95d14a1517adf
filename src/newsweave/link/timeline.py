"""A person's party affiliations over time, from the merged events.

Asserted events make the timeline: ``join_party`` (and ``inducted``) opens a period with that
party; ``leave_party``, ``expelled`` or a later join elsewhere closes the open period. A period
opened by an exit without a known start ("expelled from the BSP in 2017", with no join reported)
is kept with an unknown start. Speculative and planned steps are listed apart, never as periods;
denials are left out. Every period and step carries the events (and so the sources) behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..records import EventRecord
from ..vocab import EventType

OPENS = {EventType.join_party, EventType.inducted}
CLOSES = {"leave_party", "expelled"}


@dataclass(slots=True)
class Period:
    party: str | None  # entity id
    party_name: str
    start: str | None
    end: str | None
    how_ended: str | None = None  # leave_party | expelled | joined another party
    events: list[str] = field(default_factory=list)  # event ids

    def as_dict(self) -> dict[str, Any]:
        return {"party": self.party, "party_name": self.party_name, "start": self.start, "end": self.end,
                "how_ended": self.how_ended, "events": self.events}


def _sort_key(ev: EventRecord) -> tuple:
    order = {"expelled": 0, "leave_party": 0, "join_party": 1, "inducted": 1}
    return (ev.date or "9999", order.get(ev.type, 2))


def timeline(person: str, events: list[EventRecord]) -> dict[str, Any]:
    """``person`` is an entity id; ``events`` the merged event records."""
    mine = [e for e in events if e.actor == person and e.type in OPENS | CLOSES]
    facts = sorted((e for e in mine if e.modality == "asserted"), key=_sort_key)
    periods: list[Period] = []
    for ev in facts:
        party, name = ev.party, ev.party_name or "?"
        open_ = next((p for p in reversed(periods) if p.end is None and p.how_ended is None), None)
        if ev.type in OPENS:
            if open_ is not None and open_.party != party:
                open_.end, open_.how_ended = ev.date, "joined another party"
            if open_ is None or open_.party != party:
                periods.append(Period(party, name, ev.date, None, events=[ev.event_id]))
            else:
                open_.events.append(ev.event_id)
        else:
            target = open_ if open_ is not None and open_.party == party else None
            if target is None:  # left a party it never reported joining
                target = Period(party, name, None, None)
                periods.append(target)
            target.end, target.how_ended = ev.date, ev.type
            target.events.append(ev.event_id)
    periods.sort(key=lambda p: (p.start or p.end or "9999"))
    steps = [{"type": e.type, "party": e.party, "party_name": e.party_name, "date": e.date,
              "modality": e.modality, "event": e.event_id, "attribution": e.attribution}
             for e in mine if e.modality in ("speculative", "planned")]
    return {"person": person, "periods": [p.as_dict() for p in periods], "possible_steps": steps}
