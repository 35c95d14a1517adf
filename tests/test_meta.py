"""Metadata: title, outlet, byline, times, dateline."""

from __future__ import annotations

import json

import pytest

from newsweave.ingest.dates import to_iso
from newsweave.ingest.meta import split_title
from newsweave.resources import load_outlets

BODY = "The state unit chief resigned from the party on Friday, citing differences with the leadership."


def test_meta_title_suffix_gives_outlet(process):
    a = process(f"date 2026-03-14 Party Leader Resigns Over Differences | SWS\n\nPatna, Mar 14: {BODY}")
    assert a.title == "Party Leader Resigns Over Differences"
    assert a.outlet == "SWS" and a.outlet_evidence == "headline suffix"
    assert a.published == "2026-03-14"
    assert a.dateline == "Patna"
    assert a.text.startswith("The state unit chief")


@pytest.mark.parametrize("opening, place", [
    ("NEW DELHI: ", "New Delhi"),
    ("Lucknow, Jan 24: ", "Lucknow"),
    ("LUCKNOW (Reuters) - ", "Lucknow"),
    ("Jaipur, Rajasthan: ", "Jaipur"),
    ("Mumbai, 24 January 2026: ", "Mumbai"),
    ("Riverton (Westland) [Freedonia], July 30 (SNA): ", "Riverton"),
    ("Dunmore, Aug 24 ", "Dunmore"),
    ("Dunmore, Jul 13 (PTI) ", "Dunmore"),
    ("Dunmore, 3rd March 2026: ", "Dunmore"),
])
def test_meta_dateline_shapes(process, opening, place):
    a = process(f"Some Headline About The Party\n\n{opening}{BODY}")
    assert a.dateline == place
    assert a.text.startswith("The state unit chief")


@pytest.mark.parametrize("opening", ["Update: ", "Meanwhile: ", "Rahul Verma — ", "Kumar, Verma ", "Mayor Rina Dutt "])
def test_meta_no_false_dateline(process, opening):
    a = process(f"Some Headline About The Party\n\n{opening}{BODY}")
    assert a.dateline is None
    assert a.text.startswith(opening.strip()[:4])


def test_meta_dateline_agency_is_outlet_evidence(process):
    a = process(f"Some Headline About The Party\n\nLUCKNOW (Reuters) - {BODY}")
    assert a.outlet == "Reuters"


def test_meta_byline_all_caps_and_updated_only(process):
    a = process(f"Some Headline About The Party\n\nBy: MEERA DAS\nLast Updated: March 15, 2026 09:12:03 IST\n\n{BODY}")
    assert a.byline == "Meera Das"
    assert a.updated == "2026-03-15T09:12:03+05:30"
    assert a.published == a.updated
    assert any("stands in" in w for w in a.warnings)


def test_meta_outlet_from_self_promotion_and_self_reference(process):
    promo = process(f"Headline Of The Day Here\n\n{BODY}\n\nThe Morning Courier is India’s leading news daily.")
    assert promo.outlet == "The Morning Courier"
    ref = process(f"Headline Of The Day Here\n\n{BODY} Speaking to The Evening Lantern (TEL), an aide confirmed it. "
                  "A second aide told TEL the same.")
    assert ref.outlet == "The Evening Lantern"


def test_meta_outlet_table_canonical_form(process):
    a = process(f"Headline Of The Day Here - Times of India\n\n{BODY}")
    assert a.outlet == "The Times of India"
    assert a.title == "Headline Of The Day Here"


def test_meta_split_title_keeps_hyphenated_words():
    table = load_outlets()
    assert split_title("X Quits Congress, May Join ASP-KR", table) == ("X Quits Congress, May Join ASP-KR", None)
    assert split_title("Budget passed - a long night", table) == ("Budget passed - a long night", None)
    assert split_title("Budget passed | Politics | IANS", table) == ("Budget passed", "IANS")


@pytest.mark.parametrize("text, iso", [
    ("Last Updated: January 25, 2026 01:57:51 IST", "2026-01-25T01:57:51+05:30"),
    ("Published: 24 Jan 2026, 10:32 AM IST", "2026-01-24T10:32:00+05:30"),
    ("2026-01-24", "2026-01-24"),
    ("2026-01-24T10:00:00Z", "2026-01-24T10:00:00+00:00"),
    ("Updated: 14/03/2026 09:12", "2026-03-14T09:12:00+05:30"),
    ("March 14, 2026", "2026-03-14"),
    ("Published: 30th October 2025 08:20 PM", "2025-10-30T20:20:00+05:30"),
    ("PUBLISHED: 02:31 GMT, 12 March 2026", "2026-03-12T02:31:00+00:00"),
    ("11/28/05", "2005-11-28"),
    ("Posted 03/27/2026 7:21 AM", "2026-03-27T07:21:00+05:30"),
    ("POSTED: 04/02/26, 9:00 PM PDT", "2026-04-02T21:00:00-07:00"),  # a US zone: month first
    ("Posted at 3:21 PM ET, 01/5/2026", "2026-01-05T15:21:00-05:00"),
    ("04/02/2026 9:00 PM IST", "2026-02-04T21:00:00+05:30"),  # elsewhere: day first
    ("2026", None),
    ("10:32 PM IST", None),
    ("no date here", None),
])
def test_meta_dates_to_iso(text, iso):
    assert to_iso(text) == iso


def test_meta_dateline_agency_gives_byline(process):
    a = process(f"Some Headline About The Party\n\nDunmore, Jul 13 (PTI) {BODY}")
    assert a.dateline == "Dunmore" and a.byline == "PTI"


def test_meta_dateline_place_from_the_date_line(process):
    a = process(f"Some Headline About The Party\n\nPublished - March 05, 2026 04:10 pm IST - Riverton\n\n{BODY}")
    assert a.dateline == "Riverton"
    assert a.published == "2026-03-05T16:10:00+05:30"


def test_meta_credit_glued_to_date_label_is_byline(process):
    a = process(f"Some Headline About The Party\n\n{BODY}\n\n"
                "Valley Desk News ServiceUpdated: Monday, March 9, 2026, 07:40 AM IST\n\n"
                "He said he would stay in the party and work for its candidates in the coming polls.")
    assert a.byline == "Valley Desk News Service"
    assert a.updated == "2026-03-09T07:40:00+05:30"
    assert "News Service" not in a.text


@pytest.mark.parametrize("line", ["Thursday, March 12, 2026", "Story Created: Mar 12, 2026 at 9:56 AM",
                                  "End of Watch: Friday, June 24, 2005", "FOR IMMEDIATE RELEASE March 12, 2026"])
def test_meta_byline_never_a_weekday_or_a_label(process, line):
    a = process(f"Some Headline About The Party\n\n{line}\n\n{BODY}")
    assert a.byline is None
    assert a.published and a.published.startswith(("2026-03-12", "2005-06-24"))


def test_meta_outlet_and_title_never_a_time(process):
    row = {"id": "x1", "title": "Sunday, March 15, 2026 | 5:00 PM",
           "text": f"Sunday, March 15, 2026 | 5:00 PM\nRiots Follow Death Of Teen In Riverton\n{BODY}"}
    a = process(json.dumps(row), fmt="record", source="d.jsonl#x1")
    assert a.outlet is None
    assert a.title == "Riots Follow Death Of Teen In Riverton"
    assert a.published == "2026-03-15T17:00:00+05:30"


def test_meta_lower_cased_dump(process):
    row = {"id": "x2", "title": "party leader resigns", "text": f"riverton, jan 24 (pti): {BODY.lower()}\n\nby pti"}
    a = process(json.dumps(row), fmt="record", source="d.jsonl#x2")
    assert a.dateline == "riverton"
    assert a.text.startswith("the council chief") or a.text.startswith("the state unit chief")



def test_meta_outlet_host_longest_listed_suffix_wins():
    from newsweave.resources import Outlet, OutletTable

    table = OutletTable((Outlet("Valley Times", (), ("valleytimes.example",)),
                         Outlet("Valley Business Daily", (), ("biz.valleytimes.example",))))
    assert table.by_host("www.biz.valleytimes.example").name == "Valley Business Daily"
    assert table.by_host("m.valleytimes.example").name == "Valley Times"
    assert table.by_host("notvalleytimes.example") is None


def test_meta_outlet_from_url_host_alone(process):
    row = {"id": "x3", "url": "https://www.republicworld.com/india/some-story", "text": f"Riverton: {BODY}"}
    a = process(json.dumps(row), fmt="record", source="d.jsonl#x3")
    assert a.outlet == "Republic World" and a.outlet_evidence.startswith("web host")


def test_meta_stated_title_that_is_a_clock_time_is_no_headline(process):
    row = {"id": "x4", "title": "8:24am:", "text": f"8:24am:\nCouncil Chief Quits Over Budget Row\n{BODY}"}
    a = process(json.dumps(row), fmt="record", source="d.jsonl#x4")
    assert a.title == "Council Chief Quits Over Budget Row"
    assert any("not a headline" in w for w in a.warnings)


def test_meta_known_outlet_credited_on_date_line_is_byline_and_outlet_evidence(process):
    a = process(f"Some Headline About The Party\n\nPTI | Updated: Mar 14, 2026 22:05 IST\n\n{BODY}")
    assert a.byline == "PTI" and a.outlet == "Press Trust of India"
    assert a.updated == "2026-03-14T22:05:00+05:30"


# -- round 2 -------------------------------------------------------------------------------------

def record(process, **row):
    return process(json.dumps(row), fmt="record", source="d.jsonl#1")


def test_meta_dotted_two_figure_year_date_line(process):
    a = process(f"Party Leader Resigns Over Differences\n\nOur Special Correspondent\n\nPublished 24.08.15, 12:00 AM\n\n{BODY}")
    assert a.published == "2015-08-24T00:00:00+05:30" and a.byline == "Our Special Correspondent"


def test_meta_crawl_date_label_on_an_older_article(process):
    a = process(f"date 2024-05-01 Party Leader Resigns Over Differences\n\nPublished 24.08.15, 12:00 AM\n\n{BODY}")
    assert a.published.startswith("2015-08-24")
    assert any("date label" in w for w in a.warnings)
    same = process(f"date 2015-08-25 Party Leader Resigns Over Differences\n\nPublished 24.08.15, 12:00 AM\n\n{BODY}")
    assert same.published == "2015-08-25"  # a day's lag: the label stands


@pytest.mark.parametrize("head, byline", [
    ("By Valley Correspondent, Valley Times, Riverton", "Valley Correspondent"),
    ("Asha Verma\nPolitical Correspondent", "Asha Verma"),
    ("Asha Verma, Political Editor", "Asha Verma"),
    ("Asha Verma - Political Reporter", "Asha Verma"),
    ("Asha Verma @ashaverma", "Asha Verma"),
    ("Story by Asha Verma", "Asha Verma"),
    ("By Asha Verma and Tom Roe, Riverton", "Asha Verma and Tom Roe"),
])
def test_meta_byline_shapes(process, head, byline):
    a = process(f"Party Leader Resigns Over Differences\n\n{head}\n\n{BODY}")
    assert a.byline == byline
    assert a.text.startswith("The state unit chief")


def test_meta_byline_credit_before_place_and_date(process):
    a = process(f"Party Leader Resigns Over Differences\n\nBy Valley News Service | Riverton | Published: 24th August 2015 "
                f"12:00 AM\n\n{BODY}")
    assert a.byline == "Valley News Service" and a.dateline == "Riverton" and a.published.startswith("2015-08-24")


@pytest.mark.parametrize("opening, place", [
    ("Riverton:\n", "Riverton"),
    ("RIVERTON, AUG. 23 ", "Riverton"),
    ("Riverton/Lakeside: ", "Riverton/Lakeside"),
])
def test_meta_dateline_round2_shapes(process, opening, place):
    a = process(f"Some Headline About The Party\n\n{opening}{BODY}")
    assert a.dateline == place
    assert a.text.startswith("The state unit chief")


def test_meta_agency_credit_under_the_last_paragraph(process):
    a = process(f"Some Headline About The Party\n\nRiverton: {BODY}\n\n(IANS)")
    assert a.byline == "IANS"


def test_meta_outlet_of_an_unknown_host(process):
    # the page names itself
    a = record(process, id="1", url="https://www.rivertonstar.example/a/1",
               text=f"{BODY}\n\nIt was the third resignation this year.\n\nMore from the Riverton Star")
    assert a.outlet == "Riverton Star" and a.outlet_evidence.startswith("site name")
    # else the host's name in words
    b = record(process, id="2", url="https://thevalleypost.example/a/2", text=BODY)
    assert b.outlet == "The Valley Post"
    c = record(process, id="3", url="https://www.kalingatv.com/a/3", text=BODY)
    assert c.outlet == "Kalinga TV"  # in the outlet table


def test_meta_site_name_beats_an_outlet_the_article_cites(process):
    a = record(process, id="1", url="https://thevalleypost.example/a/1",
               text=f"{BODY}\n\nSpeaking to LBC, she said the party would decide within a week what to do next.")
    assert a.outlet == "The Valley Post"


def test_meta_unzoned_time_in_the_outlets_country(process):
    uk = record(process, id="1", url="https://www.lbc.co.uk/a", text=f"Some Headline About The Party\n\n3 September 2019, 23:55\n\n{BODY}")
    assert uk.published == "2019-09-03T23:55:00+01:00"  # British Summer Time
    winter = record(process, id="2", url="https://www.lbc.co.uk/b", text=f"Some Headline About The Party\n\n3 January 2019, 23:55\n\n{BODY}")
    assert winter.published == "2019-01-03T23:55:00+00:00"
    india = record(process, id="3", url="https://www.thehindu.com/c", text=f"Some Headline About The Party\n\n3 January 2019, 23:55\n\n{BODY}")
    assert india.published == "2019-01-03T23:55:00+05:30"
    unknown_uk = record(process, id="4", url="https://www.valleyherald.co.uk/d", text=f"Some Headline About The Party\n\n3 September 2019, 23:55\n\n{BODY}")
    assert unknown_uk.published == "2019-09-03T23:55:00+01:00"  # the host's .uk
    stated = record(process, id="5", url="https://www.lbc.co.uk/e", published="2019-09-03 23:55", text=BODY)
    assert stated.published == "2019-09-03T23:55:00+01:00"


def test_meta_host_of_a_redirect_link(process):
    a = record(process, id="1", text=BODY,
               url="http://click.tracker.example/r?url=___http://feed.example/?a=1&destinationurl=http://www.kalingatv.com/a/1")
    assert a.outlet == "Kalinga TV"


def test_meta_syndication_credit_and_desk_initials(process):
    a = process(f"date 2024-03-02 (MENAFN- IANS) Riverton, March 2 (IANS) {BODY}")
    assert a.dateline == "Riverton" and a.byline == "IANS" and a.text.startswith("The state unit chief")
    b = process(f"Some Headline About The Party\n\n{BODY}\n\n--IANS\nabc/de/fg")
    assert b.byline == "IANS" and "abc/de/fg" not in b.text


def test_meta_byline_with_a_role_in_words_at_the_page_top(process):
    a = process(f"Asha Verma, local democracy reporter\n\n{BODY}")
    assert a.byline == "Asha Verma" and a.title is None


def test_meta_dateline_under_a_standfirst(process):
    a = process(f"Some Headline About The Party\n\nTwo councillors quit the party on Friday.\n\nRiverton: {BODY}")
    assert a.dateline == "Riverton"
    speaker = process(f"Some Headline About The Party\n\nTwo councillors quit the party on Friday.\n\nPresident Obama: {BODY}")
    assert speaker.dateline is None
    quote = process("Some Headline About The Party\n\nTwo councillors quit the party on Friday.\n\nVerma: I will stay in the party, she said.")
    assert quote.dateline is None


def test_meta_crawl_date_line_and_uk_clock(process):
    a = process(f"Some Headline About The Party\n\nRetrieved on 2024-05-01\n\nPublished 24.08.15\n\n{BODY}")
    assert a.published == "2015-08-24"
    b = process(f"date 2024-05-01\n\nSome Headline About The Party\n\nPublished 24.08.15, 12:00 AM\n\n{BODY}")
    assert b.published.startswith("2015-08-24")
    c = process(f"Some Headline About The Party\n\nTuesday 19 July 2022 10:34, UK\n\n{BODY}")
    assert c.published == "2022-07-19T10:34:00+01:00"


def test_meta_site_date_widget_above_the_headline(process):
    a = process(f"December 17, 2025 02:45 pm (IST)\n\nFollow us:\n\nSome Headline About The Party: Leader Quits\n\n"
                f"| @valleyblooms | Dec 19, 2020, at 05:20 am\n\nRiverton/VNS: {BODY}")
    assert a.published.startswith("2020-12-19") and a.byline is None
    assert a.dateline == "Riverton"


def test_meta_wire_before_its_date_and_hashtag_dateline(process):
    a = process(f"Some Headline About The Party\n\nThe leader had quit the cabinet last month.\n\nPTI 17 December 2020\n\n{BODY}")
    assert a.byline == "PTI" and a.published == "2020-12-17"
    b = process(f"#Riverton: {BODY}")
    assert b.dateline == "Riverton"


@pytest.mark.parametrize("url, day", [
    ("https://valley.example/nation/2024/Mar/02/leader-joins-party", "2024-03-02"),
    ("https://valley.example/politics/leader-joins-party-2023-10-08-896857", "2023-10-08"),
    ("https://valley.example/2019/03/11/leader-joins-party.html", "2019-03-11"),
    ("https://valley.example/story/20240302/leader", "2024-03-02"),
    ("https://valley.example/article67292485.ece", None),
    ("https://valley.example/2024/13/45/no-such-day", None),
])
def test_meta_url_date(url, day):
    from newsweave.ingest.meta import url_date

    assert url_date(url) == day


def test_meta_url_date_stands_in_and_beats_a_crawl_label(process):
    a = record(process, id="1", url="https://valley.example/2019/03/11/leader-joins-party.html", text=BODY)
    assert a.published == "2019-03-11" and any("address" in w for w in a.warnings)
    b = record(process, id="2", url="https://valley.example/2015/08/24/leader-joins-party.html", text=f"date 2024-05-01 {BODY}")
    assert b.published == "2015-08-24"
    c = record(process, id="3", url="https://valley.example/2015/08/24/leader.html", published="2015-08-25", text=BODY)
    assert c.published == "2015-08-25"  # a stated date stands


def test_meta_caption_under_the_date_line_is_no_headline(process):
    a = process(f"date 2021-10-30 Six rebel councillors join the Valley Party in Riverton\n\nPublished: 30th October 2021 08:20 PM\n\n"
                f"Valley Party President Asha Verma Speaks\n\nBy Valley News Service\n\nRIVERTON: {BODY}")
    assert a.title == "Six rebel councillors join the Valley Party in Riverton"


@pytest.mark.parametrize("url, title", [
    ("https://valley.example/2019/03/11/councillor-resigned-may-join-rival-party.html", "Councillor resigned may join rival party"),
    ("https://valley.example/x/verma-s-rally-in-riverton-to-send-signals-119081700949_1.html", "Verma's rally in riverton to send signals"),
    ("https://valley.example/politics/valley-party-expels-two-councillors/article68713092.ece", "Valley party expels two councillors"),
    ("https://valley.example/81731", None),
])
def test_meta_url_headline(url, title):
    from newsweave.ingest.urls import url_headline

    assert url_headline(url) == title


def test_meta_headline_from_the_address_only_without_one_in_the_page(process):
    a = record(process, id="1", url="https://valley.example/2019/03/11/councillor-resigned-may-join-rival-party.html", text=BODY)
    assert a.title == "Councillor resigned may join rival party"
    b = record(process, id="2", url="https://valley.example/2019/03/11/councillor-resigned-may-join-rival-party.html",
               title="Councillor Quits", text=BODY)
    assert b.title == "Councillor Quits"
