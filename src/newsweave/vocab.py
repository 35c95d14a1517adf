"""newsweave's vocabulary, in one place: the types of entities and events and the modalities an
event is reported with (SCHEMA.md, newsweave records v1). Members are ``str`` enums, so a stored or
exported value is the plain string."""

from __future__ import annotations

from enum import StrEnum


class EntityType(StrEnum):
    PERSON = "PERSON"
    PARTY = "PARTY"
    ORG = "ORG"
    PLACE = "PLACE"
    MEDIA = "MEDIA"  # an outlet


class EventType(StrEnum):
    leave_party = "leave_party"
    join_party = "join_party"
    inducted = "inducted"  # a party takes someone in
    expelled = "expelled"
    suspended = "suspended"
    appointed = "appointed"
    resigned_post = "resigned_post"
    rally = "rally"


class Modality(StrEnum):
    asserted = "asserted"  # reported as fact
    speculative = "speculative"  # may happen, is said to have happened
    planned = "planned"  # will happen, is set to
    denied = "denied"  # said not to have happened


#: every entity type, in the order records list them
ENTITY_TYPES: tuple[str, ...] = tuple(t.value for t in EntityType)
#: the order in which equal evidence for a name's type is decided (a person first)
TYPE_TIE_ORDER: tuple[str, ...] = (EntityType.PERSON, EntityType.PLACE, EntityType.ORG, EntityType.PARTY,
                                   EntityType.MEDIA)
#: every event type the trigger lexicon (data/triggers.toml) has a section for
EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType)
MODALITIES: tuple[str, ...] = tuple(m.value for m in Modality)

#: what a sentence of prose ends with (closing quotation marks and brackets after its stop too)
SENTENCE_END: tuple[str, ...] = (".", "!", "?", "”", '"', "’", "'", "…", ")")
#: what a line that is not a wrapped sentence's first part ends with: a sentence's end, or a
#: clause's (a colon, a semicolon) or a closing square bracket
LINE_END: tuple[str, ...] = (*SENTENCE_END, ":", ";", "]")
