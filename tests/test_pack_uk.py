"""The UK data pack (``data/packs/uk``): every file parses with the knowledge base's TSV conventions,
and sentences about UK party politics, written for these tests, with what each name should link to.

The sentences are linked by the knowledge base with both shipped packs on.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources

import pytest

PACK = resources.files("newsweave").joinpath("data", "packs", "uk")
INDIA = resources.files("newsweave").joinpath("data", "packs", "india")

# file -> (columns, the column holding the row's id or None, the |-separated columns)
TSV_FILES = {
    "parties.tsv": (["id", "name", "abbreviations", "forms", "state_units", "wikidata"], "id", ["abbreviations", "forms"]),
    "people.tsv": (["id", "name", "aliases", "party", "office", "wikidata"], "id", ["aliases"]),
    "offices.tsv": (["id", "name", "forms", "kind"], "id", ["forms"]),
    "orgs.tsv": (["id", "name", "type", "forms", "wikidata"], "id", ["forms"]),
    "outlets.tsv": (["name", "aliases", "hosts"], "name", ["aliases", "hosts"]),
    "place_aliases.tsv": (["name", "aliases"], "name", ["aliases"]),
    "admin1.tsv": (["country", "admin1", "iso"], "admin1", []),
}
WORD_FILES = ("party_words.txt", "org_words.txt", "not_places.txt")

# (sentence, [(text, type, pack entry id)]): every name the sentence should link, and nothing else linked to a
# knowledge-base entry. An outlet's entry id is media:<its name as a slug>. A name the knowledge base does not know
# (a fictional person) is expected with the id None. Ambiguous short forms ("Labour", "Reform", "Greens", "Alba",
# "PA", "Parliament", "The Telegraph") appear both where they are the pack's entry and where they are not.
SENTENCES: list[tuple[str, list[tuple[str, str, str | None]]]] = [
    ("Keir Starmer told Labour MPs on Tuesday that the spending review would protect schools.",
     [("Keir Starmer", "PERSON", "person:keir_starmer"), ("Labour", "PARTY", "party:labour")]),
    ("The Tories accused Rachel Reeves of breaking a promise on income tax, the BBC reported.",
     [("Tories", "PARTY", "party:conservative"), ("Rachel Reeves", "PERSON", "person:rachel_reeves"),
      ("BBC", "MEDIA", "media:bbc-news")]),
    ("Nigel Farage said Reform would field a candidate in every seat at the next Senedd election.",
     [("Nigel Farage", "PERSON", "person:nigel_farage"), ("Reform", "PARTY", "party:reform_uk"),
      ("Senedd", "ORG", "org:senedd")]),
    ("The Lib Dems and the SNP both demanded that Parliament be recalled from its summer break.",
     [("Lib Dems", "PARTY", "party:libdem"), ("SNP", "PARTY", "party:snp"),
      ("Parliament", "ORG", "org:uk_parliament")]),
    ("Writing in The Guardian, a Plaid Cymru MS said the Welsh Government had forgotten rural voters.",
     [("The Guardian", "MEDIA", "media:the-guardian"), ("Plaid Cymru", "PARTY", "party:plaid_cymru"),
      ("Welsh Government", "ORG", "org:welsh_government")]),
    ("Sinn Féin's Michelle O'Neill met DUP ministers at Stormont on Monday morning.",
     [("Sinn Féin", "PARTY", "party:sinn_fein"), ("Michelle O'Neill", "PERSON", "person:michelle_oneill"),
      ("DUP", "PARTY", "party:dup"), ("Stormont", "ORG", "org:ni_assembly")]),
    ("Harriet Oakwood, a Conservative councillor for twelve years, has defected to Reform UK, the Daily Mail reported.",
     [("Harriet Oakwood", "PERSON", None), ("Conservative", "PARTY", "party:conservative"),
      ("Reform UK", "PARTY", "party:reform_uk"), ("Daily Mail", "MEDIA", "media:daily-mail")]),
    ("Kemi Badenoch told Sky News that the Tory party would set out its own plan for the economy.",
     [("Kemi Badenoch", "PERSON", "person:kemi_badenoch"), ("Sky News", "MEDIA", "media:sky-news"),
      ("Tory party", "PARTY", "party:conservative")]),
    ("The Scottish Greens and Alba both lost ground at Holyrood, according to The Herald.",
     [("Scottish Greens", "PARTY", "party:scottish_greens"), ("Alba", "PARTY", "party:alba"),
      ("Holyrood", "ORG", "org:scottish_parliament"), ("The Herald", "MEDIA", "media:the-herald")]),
    ("Ed Davey said the Liberal Democrats would force a vote in the House of Commons next week.",
     [("Ed Davey", "PERSON", "person:ed_davey"), ("Liberal Democrats", "PARTY", "party:libdem"),
      ("House of Commons", "ORG", "org:house_of_commons")]),
    ("Speaking to PA in Edinburgh, a Green Party spokesperson said the Greens would target four more seats.",
     [("PA", "MEDIA", "media:pa-media"), ("Edinburgh", "PLACE", "place:gn2650225"), ("Green Party", "PARTY", "party:green_ew"),
      ("Greens", "PARTY", "party:green_ew")]),
    ("Tomos Rhys, who left Labour last spring, said he would stand for Plaid in Ceredigion.",
     [("Tomos Rhys", "PERSON", None), ("Labour", "PARTY", "party:labour"), ("Plaid", "PARTY", "party:plaid_cymru"),
      ("Ceredigion", "PLACE", "place:gb-cgn")]),
    # the same short forms where they are not the pack's entry
    ("Reform of the planning system was the first item on the council's agenda.", []),
    ("Labour shortages on farms have pushed up the price of fruit this summer.", []),
    ("The Telegraph, the Indian daily, said the Trinamool Congress would contest every seat.",
     [("The Telegraph", "MEDIA", "media:the-telegraph"), ("Trinamool Congress", "PARTY", "party:aitc")]),
    ("The Times of India reported that the Congress would announce its candidates on Friday.",
     [("The Times of India", "MEDIA", "media:the-times-of-india"), ("Congress", "PARTY", "party:inc")]),
]


def _lines(name: str, folder=PACK) -> list[str]:
    return [ln for ln in folder.joinpath(name).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def _table(name: str, folder=PACK) -> tuple[list[str], list[list[str]]]:
    head, *body = _lines(name, folder)
    return head.split("\t"), [ln.split("\t") for ln in body]


def _dicts(name: str, folder=PACK) -> list[dict[str, str]]:
    cols, rows = _table(name, folder)
    return [dict(zip(cols, r)) for r in rows]


@pytest.mark.parametrize("name", sorted(TSV_FILES))
def test_pack_uk_tsv_files_parse(name):
    columns, key, listed = TSV_FILES[name]
    cols, rows = _table(name)
    assert cols == columns, f"{name}: header {cols}"
    for n, row in enumerate(rows, 2):
        assert len(row) == len(cols), f"{name}: row {n} has {len(row)} columns, not {len(cols)}: {row}"
        record = dict(zip(cols, row))
        assert record[key], f"{name}: row {n} has no {key}"
        for cell in row:
            assert cell == cell.strip(), f"{name}: row {n}: white space around {cell!r}"
        for col in listed:
            if record[col]:
                items = record[col].split("|")
                assert all(i and i == i.strip() for i in items), f"{name}: row {n}: empty or padded item in {col}"
                assert len(items) == len(set(items)), f"{name}: row {n}: an item twice in {col}"
    keys = Counter(dict(zip(cols, r))[key] for r in rows)
    assert not [k for k, c in keys.items() if c > 1], f"{name}: {key} not unique"


@pytest.mark.parametrize("name", sorted(TSV_FILES) + list(WORD_FILES))
def test_pack_uk_every_file_names_its_source(name):
    head = PACK.joinpath(name).read_text(encoding="utf-8").splitlines()[:8]
    assert any(ln.startswith("#") and "source" in ln.lower() for ln in head), name


@pytest.mark.parametrize("name", WORD_FILES)
def test_pack_uk_word_lists_are_lower_case_single_words(name):
    words = _lines(name)
    assert words and all(w == w.strip().lower() and " " not in w for w in words), name
    assert len(words) == len(set(words)), name


def test_pack_uk_manifest_names_country_and_source():
    manifest = tomllib.loads(PACK.joinpath("pack.toml").read_text(encoding="utf-8"))
    assert manifest["name"] == "uk" and manifest["country"] == "GB"
    assert manifest["description"] and manifest["source"]


def test_pack_uk_ids_are_prefixed_and_unique_across_packs():
    prefix = {"parties.tsv": "party:", "people.tsv": "person:", "offices.tsv": "office:", "orgs.tsv": "org:"}
    india = {r["id"] for name in prefix for r in _dicts(name, INDIA)}
    seen: set[str] = set()
    for name, p in prefix.items():
        for r in _dicts(name):
            assert r["id"].startswith(p), r["id"]
            assert r["id"] not in india, f"{r['id']} is also an Indian entry (they would merge)"
            assert r["id"] not in seen, r["id"]
            seen.add(r["id"])


def test_pack_uk_people_parties_and_kinds_exist():
    parties = {r["id"] for r in _dicts("parties.tsv")}
    assert all(not r["party"] or r["party"] in parties for r in _dicts("people.tsv"))
    assert {r["kind"] for r in _dicts("offices.tsv")} <= {"office", "party_post", "honorific"}
    assert {r["type"] for r in _dicts("orgs.tsv")} == {"ORG"}
    assert not any(r["state_units"] for r in _dicts("parties.tsv"))
    assert all(not r["wikidata"] or r["wikidata"][1:].isdigit() and r["wikidata"][0] == "Q"
               for name in ("parties.tsv", "people.tsv", "orgs.tsv") for r in _dicts(name))


def test_pack_uk_no_bare_surname_of_two_people():
    people = _dicts("people.tsv") + _dicts("people.tsv", INDIA)
    surnames = Counter(r["name"].split()[-1] for r in people)
    for r in _dicts("people.tsv"):
        for alias in filter(None, r["aliases"].split("|")):
            if " " not in alias:
                assert surnames[alias] <= 1, f"{alias} ({r['id']}) is the surname of several people"


def test_pack_uk_no_form_names_two_entries_of_the_pack():
    owner: dict[str, set[str]] = {}
    for name, cols in (("parties.tsv", ("name", "abbreviations", "forms")), ("people.tsv", ("name", "aliases")),
                       ("orgs.tsv", ("name", "forms"))):
        for r in _dicts(name):
            for form in {f for c in cols for f in r[c].split("|") if f}:
                owner.setdefault(form.casefold(), set()).add(r["id"])
    for r in _dicts("outlets.tsv"):
        for form in {f for f in [r["name"], *r["aliases"].split("|")] if f}:
            owner.setdefault(form.casefold(), set()).add("media:" + r["name"])
    assert not {f: ids for f, ids in owner.items() if len(ids) > 1}


def test_pack_uk_outlet_hosts_belong_to_one_outlet():
    outlets = _dicts("outlets.tsv") + [dict(zip(["name", "aliases", "hosts"], ln.split("\t")))
                                       for ln in _lines("outlets.tsv", resources.files("newsweave").joinpath("data"))[1:]]
    owner: dict[str, set[str]] = {}
    for r in outlets:
        for host in filter(None, r["hosts"].split("|")):
            owner.setdefault(host, set()).add(r["name"])
    assert not {h: names for h, names in owner.items() if len(names) > 1}


@pytest.mark.parametrize("sentence, expected", SENTENCES)
def test_pack_uk_sentences_link_to_pack_entries(sentence, expected):
    from newsweave.nlp.model import load_nlp

    doc = load_nlp()(sentence)
    got = {(e.text, e.label_, e.kb_id_ or None) for e in doc.ents if e.label_ in {"PERSON", "PARTY", "ORG", "PLACE", "MEDIA"}}
    assert set(expected) <= got
    assert {kb for _, _, kb in got if kb} <= {kb for _, _, kb in expected if kb}
