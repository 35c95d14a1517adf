"""Articles in a language newsweave does not read (Hindi, Bengali, ...): detected, stored with their
language and text, left out of the English stages with a problem recorded, never made into
entities; an English article quoting another language stays English."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

import newsweave
from newsweave.ingest.language import Detected, Languages, detect, languages

from conftest import write

# written for these tests
HINDI = ("लखनऊ में सोमवार को समाजवादी पार्टी के वरिष्ठ नेता रामकुमार यादव ने पार्टी से इस्तीफा दे दिया और भारतीय "
         "जनता पार्टी में शामिल हो गए। उन्होंने कहा कि पार्टी नेतृत्व ने कार्यकर्ताओं की लगातार अनदेखी की है। इस "
         "मौके पर प्रदेश अध्यक्ष और कई विधायक मौजूद थे।")
BENGALI = ("কলকাতায় মঙ্গলবার তৃণমূল কংগ্রেসের এক বিধায়ক দল ছেড়ে বিজেপিতে যোগ দিয়েছেন। তিনি বলেন, দলের "
           "নেতৃত্বের সঙ্গে দীর্ঘদিনের মতবিরোধের কারণেই এই সিদ্ধান্ত নিয়েছেন। তাঁর সঙ্গে আরও কয়েকজন কাউন্সিলর যোগ দেন।")
KANNADA = "ಬೆಂಗಳೂರಿನಲ್ಲಿ ಸೋಮವಾರ ಕಾಂಗ್ರೆಸ್ ಶಾಸಕರೊಬ್ಬರು ಪಕ್ಷಕ್ಕೆ ರಾಜೀನಾಮೆ ನೀಡಿದರು ಮತ್ತು ಬಿಜೆಪಿ ಸೇರಿದರು."
QUOTING = ("Ravi Kant, a leader of the Lok Vikas Party, joined the Jan Morcha in Patna on Monday with 40 supporters. "
           "Addressing the crowd, he said: \u201cहम सब मिलकर नई सरकार बनाएंगे और हर गांव तक विकास पहुंचाएंगे।\u201d "
           "Kant had quit the Lok Vikas Party last week after differences with its leadership over ticket "
           "distribution for the coming assembly election.")
ENGLISH = ("Asha Verma, a former minister, resigned from the Lok Vikas Party in Lucknow on Tuesday. \u201cThe party "
           "no longer listens to its workers,\u201d Verma told reporters, adding that she would decide her next "
           "step after consulting her supporters.")


def test_language_detect_tells_the_language_and_whether_it_is_read():
    hindi, bengali = detect(HINDI), detect(BENGALI)
    assert (hindi.language, hindi.read, hindi.script) == ("hi", False, "Devanagari")
    assert (bengali.language, bengali.read) == ("bn", False)
    assert detect(QUOTING).language == "en" and detect(QUOTING).read  # a quote in Hindi: still English
    assert (detect(ENGLISH).language, detect(ENGLISH).read) == ("en", True)
    assert detect(KANNADA).language == "kn" and not detect(KANNADA).read  # a script the detector does not know
    assert detect("  1234 -- ") == Detected(None, True)  # no letters: nothing to tell
    short = detect("भाजपा नेता")  # too few letters for the detector: the script says it is not read
    assert (short.language, short.read, short.script) == (None, False, "Devanagari")
    assert "Devanagari script" in (short.reason("English") or "")
    assert hindi.reason(languages().read_names) == "written in Hindi (hi); newsweave reads English; stored without entities/events"


def test_language_detect_reads_what_the_data_says():
    """The languages read are data: the same Hindi text is read when Hindi is among them."""
    both = Languages(reads=("en", "hi"), scripts=("Latin", "Devanagari"), script_languages=())
    assert detect(HINDI, both).read and detect(HINDI, both).language == "hi"
    assert detect(ENGLISH, both).language == "en"
    assert languages().reads == ("en",)


def test_language_mixed_batch_stored_with_languages_hindi_left_out_of_the_english_stages(cli, db_url, tmp_path):
    write(tmp_path / "in" / "hindi.txt", HINDI)
    write(tmp_path / "in" / "bengali.txt", BENGALI)
    write(tmp_path / "in" / "quoting.txt", QUOTING)
    write(tmp_path / "in" / "english.txt", ENGLISH)
    write(tmp_path / "in" / "dump.jsonl", json.dumps({"id": "r1", "title": "एक खबर", "text": HINDI + " और भी।"},
                                                     ensure_ascii=False) + "\n")
    res = cli("ingest", "--silent", "--json", str(tmp_path / "in"))
    assert res.exit_code == 0, res.output  # stored, not failed: the batch succeeds
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert summary["added"] == 5 and summary["failed"] == []
    assert {s["source"] for s in summary["skipped"]} == {"hindi.txt", "bengali.txt", "dump.jsonl#r1"}
    assert "skipped: hindi.txt: written in Hindi (hi); newsweave reads English" in res.stderr

    docs = {d["source"]: d for d in cli.records()}
    assert {s: d["language"] for s, d in docs.items()} == {
        "hindi.txt": "hi", "bengali.txt": "bn", "quoting.txt": "en", "english.txt": "en", "dump.jsonl#r1": "hi"}
    assert docs["hindi.txt"]["text"] == HINDI  # the text is kept
    entities = cli.records(kind="entity")
    hindi_ids = {docs[s]["doc_id"] for s in ("hindi.txt", "bengali.txt", "dump.jsonl#r1")}
    assert not [e for e in entities if hindi_ids & set(e["doc_ids"])]
    assert not [r for r in cli.records(kind=None) if r.get("doc_id") in hindi_ids and r["kind"] != "document"]
    named = {e["name"] for e in entities}
    assert {"Ravi Kant", "Asha Verma", "Lok Vikas Party"} <= named  # the English ones, processed as ever
    assert any(ev["actor_name"] == "Ravi Kant" for ev in cli.records(kind="event"))

    def stored() -> tuple[list, list]:
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT d.source, count(m.doc_id) FROM documents d LEFT JOIN mentions m "
                                         "ON m.doc_id = d.doc_id GROUP BY d.source ORDER BY d.source")).all()
                problems = conn.execute(text("SELECT source, row, kind, reason, times FROM ingest_problems "
                                             "ORDER BY source")).all()
            return [tuple(r) for r in rows], [tuple(p) for p in problems]
        finally:
            engine.dispose()

    counts, problems = stored()
    assert dict(counts)["hindi.txt"] == 0 and dict(counts)["bengali.txt"] == 0 and dict(counts)["english.txt"] > 0
    assert problems == [
        ("bengali.txt", None, "skipped", "written in Bengali (bn); newsweave reads English; stored without entities/events", 1),
        ("dump.jsonl#r1", None, "skipped", "written in Hindi (hi); newsweave reads English; stored without entities/events", 1),
        ("hindi.txt", None, "skipped", "written in Hindi (hi); newsweave reads English; stored without entities/events", 1)]

    again = cli("ingest", "--silent", "--json", str(tmp_path / "in"))  # re-ingesting changes nothing
    assert again.exit_code == 0 and json.loads(again.stdout[again.stdout.index("{"):])["unchanged"] == 5
    assert stored() == (counts, problems)


def test_language_reprocess_keeps_languages_and_does_not_fail(cli, tmp_path):
    write(tmp_path / "in" / "hindi.txt", HINDI)
    write(tmp_path / "in" / "english.txt", ENGLISH)
    assert cli("ingest", "--silent", str(tmp_path / "in")).exit_code == 0
    res = cli("reprocess", "--silent")
    assert res.exit_code == 0, res.output
    docs = {d["source"]: d for d in cli.records()}
    assert {s: d["language"] for s, d in docs.items()} == {"hindi.txt": "hi", "english.txt": "en"}
    entities = cli.records(kind="entity")
    assert entities and not [e for e in entities if docs["hindi.txt"]["doc_id"] in e["doc_ids"]]


def test_language_batch_then_load_records_the_problem(cli, tmp_path):
    write(tmp_path / "in" / "hindi.txt", HINDI)
    write(tmp_path / "in" / "english.txt", ENGLISH)
    assert cli("batch", "--silent", "--output", str(tmp_path / "rows"), str(tmp_path / "in")).exit_code == 0
    res = cli("load", "--silent", "--json", str(tmp_path / "rows"))
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert [s["source"] for s in summary["skipped"]] == ["hindi.txt"]
    assert {d["source"]: d["language"] for d in cli.records()} == {"hindi.txt": "hi", "english.txt": "en"}


def test_language_python_api_gives_the_language_on_document_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = newsweave.process([HINDI, ENGLISH])
    assert sorted(d.language for d in records.documents) == ["en", "hi"]
    hindi = next(d for d in records.documents if d.language == "hi")
    assert hindi.as_dict()["language"] == "hi"
    assert not [e for e in records.entities if hindi.doc_id in e.doc_ids]
    assert [p.kind for p in records.problems] == ["skipped"] and "Hindi (hi)" in records.problems[0].reason
