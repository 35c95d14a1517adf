"""Time expressions (newsweave.nlp.times): extents, TIMEX3 types and values, tense-aware
resolution against the publication date, and the things that are not times. Sentences are
written for these tests."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

from newsweave.nlp.model import load_nlp
from newsweave.nlp.times import TimeExpr, find_times

SAT = "2026-01-24"  # a Saturday, ISO week 4
SUN = "2026-01-25"
IST = "2026-01-25T01:57:51+05:30"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def times(nlp, text: str, anchor: str | None = SAT) -> list[TimeExpr]:
    return find_times(nlp(text), anchor)


def found(nlp, text: str, anchor: str | None = SAT) -> dict[str, tuple[str, str | None]]:
    return {t.text: (t.type, t.value) for t in times(nlp, text, anchor)}


CASES = [
    # weekdays by tense; the anchor's own day counts
    ("Siddiqui resigned from the party on Saturday.", SAT, "Saturday", "DATE", "2026-01-24"),
    ("Siddiqui resigned from the party on Saturday.", SUN, "Saturday", "DATE", "2026-01-24"),
    ("The party is organizing a rally in the city on Sunday.", SUN, "Sunday", "DATE", "2026-01-25"),
    ("The two leaders will meet on Tuesday.", SUN, "Tuesday", "DATE", "2026-01-27"),
    ("The hearing is set to begin on Wednesday.", SUN, "Wednesday", "DATE", "2026-01-28"),
    ("She plans to file her nomination on Thursday.", SUN, "Thursday", "DATE", "2026-01-29"),
    ("The board met on Thursday to review the accounts.", SUN, "Thursday", "DATE", "2026-01-22"),
    ("The rally ended late Saturday evening in the old town.", SUN, "late Saturday evening", "TIME", "2026-01-24TEV"),
    ("Protesters gathered outside the office on Monday morning.", SAT, "Monday morning", "TIME", "2026-01-19TMO"),
    ("The party is going to announce its list on Friday.", SUN, "Friday", "DATE", "2026-01-30"),
    ("He said he would decide on Monday.", SUN, "Monday", "DATE", "2026-01-26"),
    ("The markets will stay closed until Friday.", SUN, "Friday", "DATE", "2026-01-30"),
    ("The leaders met on Thursday afternoon.", SAT, "Thursday afternoon", "TIME", "2026-01-22TAF"),
    ("The deal collapsed on Thursday night.", SAT, "Thursday night", "TIME", "2026-01-22TNI"),
    ("The vote was held last Friday.", SAT, "last Friday", "DATE", "2026-01-23"),
    ("The minister will visit the district next Monday.", SAT, "next Monday", "DATE", "2026-01-26"),
    # ago, years, relative units
    ("He joined the party eight years ago.", SAT, "eight years ago", "DATE", "2018"),
    ("The letter arrived three days ago.", SAT, "three days ago", "DATE", "2026-01-21"),
    ("She first won the seat in 2017.", SAT, "2017", "DATE", "2017"),
    ("The party lost badly last year.", SAT, "last year", "DATE", "2025"),
    ("The results are due next month.", SAT, "next month", "DATE", "2026-02"),
    ("Talks continued this week in the capital.", SAT, "this week", "DATE", "2026-W04"),
    ("Sales fell in the first quarter of this year.", SAT, "the first quarter of this year", "DATE", "2026-Q1"),
    ("The company reported losses in the fourth quarter of 2025.", SAT, "the fourth quarter of 2025", "DATE", "2025-Q4"),
    ("The new line opens this summer.", SAT, "this summer", "DATE", "2026-SU"),
    ("Prices climbed steadily through the 2010s.", SAT, "the 2010s", "DATE", "201X"),
    ("It is the biggest merger of the 21st century.", SAT, "the 21st century", "DATE", "20"),
    ("The budget for the financial year was passed.", SAT, "the financial year", "DATE", "FY2026"),
    # durations
    ("He will announce his plans within the next four days.", SAT, "the next four days", "DURATION", "P4D"),
    ("He had been waiting for nearly a year to meet the leader.", SAT, "nearly a year", "DURATION", "P1Y"),
    ("Over the last eight years, I felt unwelcome in the party.", SAT, "the last eight years", "DURATION", "P8Y"),
    ("She has worked at the firm for 33 years.", SAT, "33 years", "DURATION", "P33Y"),
    ("The firm signed a 27-year contract with the state.", SAT, "27-year", "DURATION", "P27Y"),
    ("The meeting lasted three hours.", SAT, "three hours", "DURATION", "PT3H"),
    ("The dispute has dragged on for years.", SAT, "years", "DURATION", "PXY"),
    ("The index posted its worst single-day fall.", SAT, "single-day", "DURATION", "P1D"),
    ("The delay is now almost two and a half years.", SAT, "almost two and a half years", "DURATION", "P2.5Y"),
    ("The process will take between 60 and 90 days.", SAT, "60", "DURATION", "P60D"),
    ("Shipping has been going on for more than a week.", SAT, "a week", "DURATION", "P1W"),
    # sets
    ("The newsletter is published weekly.", SAT, "weekly", "SET", "P1W"),
    ("The committee meets every week at the party office.", SAT, "every week", "SET", "P1W"),
    ("The council meets every Monday.", SAT, "every Monday", "SET", "XXXX-WXX-1"),
    ("The plant will build 15 aircraft a year.", SAT, "a year", "SET", "P1Y"),
    # deictic words and references
    ("The chief minister resigned today.", SAT, "today", "DATE", "2026-01-24"),
    ("The chief minister resigned yesterday.", SAT, "yesterday", "DATE", "2026-01-23"),
    ("The chief minister will resign tomorrow.", SAT, "tomorrow", "DATE", "2026-01-25"),
    ("The party is now in disarray.", SAT, "now", "DATE", "PRESENT_REF"),
    ("She is currently the party's state president.", SAT, "currently", "DATE", "PRESENT_REF"),
    ("He recently met the governor.", SAT, "recently", "DATE", "PAST_REF"),
    ("The alliance will soon collapse.", SAT, "soon", "DATE", "FUTURE_REF"),
    ("Such alliances may matter more in the future.", SAT, "the future", "DATE", "FUTURE_REF"),
    ("The party will contest the 2027 Assembly elections alone.", SAT, "2027", "DATE", "2027"),
    ("Leaders quit ahead of 2027 polls.", SAT, "2027", "DATE", "2027"),
    ("Aid will grow from 2009 to 2011.", SAT, "2011", "DATE", "2011"),
    ("This is a landmark in today's India.", SAT, "today", "DATE", "PRESENT_REF"),
    # dates with and without a year
    ("The deal was signed on Jan 24, 2026 in Delhi.", SAT, "Jan 24, 2026", "DATE", "2026-01-24"),
    ("The alliance was formed in March 2025.", SAT, "March 2025", "DATE", "2025-03"),
    ("The rally was held on January 20.", SAT, "January 20", "DATE", "2026-01-20"),
    ("The rally was held on February 20.", SAT, "February 20", "DATE", "2025-02-20"),
    ("The rally will be held on January 20.", SAT, "January 20", "DATE", "2027-01-20"),
    ("The session begins on February 2.", SAT, "February 2", "DATE", "2026-02-02"),
    ("The report was released on 7/8/07 by the ministry.", SAT, "7/8/07", "DATE", "2007-08-07"),  # day first: data/times.toml numeric_date_order
    ("The ruling came on 24/01/2026 after a long hearing.", SAT, "24/01/2026", "DATE", "2026-01-24"),
    ("The party split in October.", SAT, "October", "DATE", "2025-10"),
    ("The new office will open in October.", SAT, "October", "DATE", "2026-10"),
    ("The new office opens in March.", SAT, "March", "DATE", "2026-03"),  # no tense: the nearest March
    ("Sales have not been this high since '82.", SAT, "'82", "DATE", "1982"),
    # clock times
    ("The leaders met at 3 pm.", SAT, "3 pm", "TIME", "2026-01-24T15:00"),
    ("Trading stopped at 16:08 UTC.", SAT, "16:08 UTC", "TIME", "2026-01-24T16:08Z"),
    ("The polls close at 5 pm IST.", SAT, "5 pm IST", "TIME", "2026-01-24T17:00+05:30"),
    ("The party met on Tuesday and voted at 6:30 p.m. after a long debate.", SAT, "6:30 p.m.", "TIME",
     "2026-01-20T18:30"),
    ("The minister spoke this morning.", SAT, "this morning", "TIME", "2026-01-24TMO"),
    # reference to the day in question
    ("The market crashed on Tuesday and closed lower the same day.", SAT, "the same day", "DATE", "2026-01-20"),
]


@pytest.mark.parametrize("text,anchor,expr,kind,value", CASES, ids=[f"{c[2]}@{c[1]}" for c in CASES])
def test_expressions(nlp, text, anchor, expr, kind, value):
    got = found(nlp, text, anchor)
    assert expr in got, f"{expr!r} not found in {text!r}: {got}"
    assert got[expr] == (kind, value)


@pytest.mark.parametrize("text,expr", [
    ("Siddiqui resigned on Saturday.", "Saturday"),             # the preposition stays outside
    ("She first won the seat in 2017.", "2017"),
    ("Over the last eight years, he stayed.", "the last eight years"),   # "the" stays inside
    ("He waited for nearly a year.", "nearly a year"),            # the hedge stays inside
    ("He joined eight years ago.", "eight years ago"),            # "ago" stays inside
    ("Stocks fell for six straight days.", "six straight days"),
])
def test_extents(nlp, text, expr):
    assert expr in found(nlp, text)


@pytest.mark.parametrize("text", [
    "The 61-year-old leader quit the party.",
    "Barra, 51, will lead the company.",
    "He is a two-time MLA from the district.",
    "May God bless the new government, he said.",
    "The report appeared in The Sunday Guardian.",
    "Thousands joined a protest march in the capital.",
    "Theresa May spoke to reporters.",
    "The union said 2000 people took part.",
    "A crowd of around 2000 people gathered.",
    "The index fell to 1995 on the news.",
    "The index rose to 7465.95 points.",
    "The Russell 2000 Index fell sharply.",
    "Her most recent book sold well.",
    "Pilots of the A330s complained.",
    "He is in his 40s and lives alone.",
    "Shares slid in after hours trading.",
    "About three quarters of the members agreed.",
    "The story ran in USA Today.",
])
def test_not_times(nlp, text):
    assert times(nlp, text) == []


def test_month_names_only_as_months(nlp):
    got = found(nlp, "Supporters will march to the assembly in March, and the vote is due on May 5.")
    assert got == {"March": ("DATE", "2026-03"), "May 5": ("DATE", "2026-05-05")}
    assert found(nlp, "March to the assembly, the leader told his supporters.") == {}


def test_the_weekend_just_gone(nlp):
    # on a Monday, the weekend gone by lies in the previous ISO week
    assert found(nlp, "The talks took place during the weekend.", "2026-01-26")["the weekend"] == \
        ("DATE", "2026-W04-WE")
    assert found(nlp, "The talks will take place this weekend.", "2026-01-26")["this weekend"] == \
        ("DATE", "2026-W05-WE")


def test_black_monday_is_a_named_day(nlp):
    assert found(nlp, "The crash is known as Black Monday.")["Monday"] == ("DATE", "XXXX-XX-XX")


def test_no_anchor_gives_underspecified_values(nlp):
    got = found(nlp, "He resigned on Saturday, a week after the vote last year; he joined in 2017 and "
                     "met her yesterday, on January 24 and at 3 pm, for three days.", None)
    assert got["Saturday"] == ("DATE", "XXXX-WXX-6")
    assert got["last year"] == ("DATE", "XXXX")
    assert got["2017"] == ("DATE", "2017")
    assert got["yesterday"] == ("DATE", "XXXX-XX-XX")
    assert got["January 24"] == ("DATE", "XXXX-01-24")
    assert got["3 pm"] == ("TIME", "XXXX-XX-XXT15:00")
    assert got["three days"] == ("DURATION", "P3D")
    assert found(nlp, "The rally ended late Saturday evening.", None)["late Saturday evening"] == \
        ("TIME", "XXXX-WXX-6TEV")


def test_timezone_anchor_uses_the_printed_day(nlp):
    got = found(nlp, "Siddiqui resigned on Saturday; the party met today and spoke three hours ago.", IST)
    assert got["Saturday"] == ("DATE", "2026-01-24")
    assert got["today"] == ("DATE", "2026-01-25")  # the day as printed, not converted to UTC
    assert got["three hours ago"] == ("TIME", "2026-01-24T22:57")
    assert found(nlp, "The party is organizing a rally on Sunday.", IST)["Sunday"] == ("DATE", "2026-01-25")


def test_unreadable_anchor_is_no_anchor(nlp):
    assert found(nlp, "He resigned yesterday.", "soon")["yesterday"] == ("DATE", "XXXX-XX-XX")


def test_offsets_point_into_the_text(nlp):
    doc = nlp("Former minister Naseemuddin Siddiqui resigned on Saturday.\n\nHe joined the party eight years "
              "ago and will announce his plans within the next four days.")
    got = find_times(doc, SAT)
    assert [t.text for t in got] == ["Saturday", "eight years ago", "the next four days"]
    for t in got:
        assert doc.text[t.start:t.end] == t.text
        assert t.type in ("DATE", "TIME", "DURATION", "SET")


def test_expressions_do_not_cross_lines(nlp):
    got = found(nlp, "Conference 2010\nYesterday, the company unveiled a phone.", "2010-06-08")
    assert got["Yesterday"] == ("DATE", "2010-06-07")
    assert not any("\n" in text for text in got)


def test_data_file_names_its_source():
    text = resources.files("newsweave").joinpath("data", "times.toml").read_text(encoding="utf-8")
    head = text.split("\n\n", 1)[0]
    assert "TimeML" in head and "TempEval-3" in head and "newsweave" in head
    data = tomllib.loads(text)
    assert data["weekdays"]["Monday"] == 1 and data["pattern"]


def _scan_both(text: str) -> tuple[list, list]:
    from newsweave.nlp.times import _finditer, _places
    from newsweave.nlp.timex_rules import lexicon

    lex = lexicon()
    full = [[(m.span(), m.groupdict()) for m in p.regex.finditer(text)] for p in lex.patterns]
    fast = [[(m.span(), m.groupdict()) for m in _finditer(p.regex, text, places)]
            for p, places in zip(lex.patterns, _places(text, lex))]
    return full, fast


def test_times_trying_patterns_at_their_places_finds_what_a_full_scan_finds():
    text = ("On MONDAY, Jan. 5, 2009 at 3 p.m. (10:30 GMT), about two weeks ago; the 1990s, '90s, FY2026-27, "
            "every Tuesday, twice a year, the end of the first quarter, $5, 30-day, mid-2025 and 5/1/26.")
    full, fast = _scan_both(text)
    assert any(full) and full == fast


def test_times_places_find_what_a_full_scan_finds_on_real_news(shared):
    texts = [json.loads(line)["text"] for name in ("ecbplus/dev.jsonl", "meantime/docs.jsonl")
             for line in (shared / "eval" / name).read_text(encoding="utf-8").splitlines()[:150] if line.strip()]
    for text in texts + [t.upper() for t in texts[:50]]:
        full, fast = _scan_both(text)
        assert full == fast, text[:80]


# -- printed zones and the outlet's country (ingest.dates) -------------------------------------------

@pytest.mark.parametrize("printed, value", [
    ("3 September 2019, 23:55 BST", "2019-09-03T23:55:00+01:00"),  # British Summer Time, not Bangladesh
    ("July 7, 2012 10:04 PM ET", "2012-07-07T22:04:00-04:00"),  # ET in summer
    ("Jan 7, 2012 10:04 PM ET", "2012-01-07T22:04:00-05:00"),
    ("Aug 7, 2012 9:56 AM PT", "2012-08-07T09:56:00-07:00"),
    ("Aug 7, 2012 9:56 AM AKDT", "2012-08-07T09:56:00-08:00"),
    ("Published 24.08.15, 12:00 AM", "2015-08-24T00:00:00+05:30"),  # unzoned: the default
])
def test_timezone_printed_abbreviations(printed, value):
    from newsweave.ingest.dates import to_iso

    assert to_iso(printed) == value


def test_timezone_localize_by_country():
    from newsweave.ingest.dates import localize, to_iso, zone_of

    naive = to_iso("3 September 2019, 23:55", naive=True)
    assert naive == "2019-09-03T23:55:00"
    assert localize(naive, zone_of("GB")) == "2019-09-03T23:55:00+01:00"
    assert localize(naive, zone_of("US")) == "2019-09-03T23:55:00-04:00"
    assert localize(naive, zone_of("IN")) == "2019-09-03T23:55:00+05:30"
    assert localize(naive, None) == "2019-09-03T23:55:00+05:30"  # no country: the default
    assert localize("2019-09-03", zone_of("GB")) == "2019-09-03"
    assert localize("2019-09-03T23:55:00+00:00", zone_of("IN")) == "2019-09-03T23:55:00+00:00"


def test_times_a_past_written_as_its_base_form_is_past(nlp):
    # "quit" after a plural subject is tagged as a present; the weekday is the one before the anchor
    assert found(nlp, "Dozens of workers quit the Lok Vikas Party in Patna on Sunday.")["Sunday"][1] == "2026-01-18"
    assert found(nlp, "Dozens of workers will quit the Lok Vikas Party in Patna on Sunday.")["Sunday"][1] == SUN
