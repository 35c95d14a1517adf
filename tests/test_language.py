"""Articles in a language newsweave does not read (Hindi, Bengali, ...): detected, stored with their
language and text, left out of the English stages with a problem recorded, never made into
entities; an English article quoting another language stays English."""

from __future__ import annotations

from newsweave.ingest.language import Detected, Languages, detect, languages

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
