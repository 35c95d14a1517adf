"""Stage ``language``: which language an article's body is written in (ISO 639-1), and whether
newsweave's English stages read it.

The languages read, the scripts they are written in and the scripts the detector does not know are
data (``data/languages.toml``). The check is cheap first: a body whose letters are mostly in the
scripts of the languages read (Latin, for English) is in a language read, and no detector runs on
it — an English article quoting a Hindi sentence stays English. Only a body written mostly in
other scripts goes to the detector (lingua, built once; its models load lazily, each only when a
text in its script comes), and its answer counts when it is confident; else a script that news
writes in one language names it; else the language is not told (None), and still not read.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from ..article import Article
from ..errors import ConfigError, SkippedInput
from ..resources import data_toml, per_settings

if TYPE_CHECKING:
    from lingua import LanguageDetector

DATA_FILE = "languages.toml"
#: a body whose letters are at least this share in the scripts of the languages read is read
SCRIPT_SHARE = 0.5
#: the detector's confidence (its values over every language sum to 1) needed to name a language
CONFIDENCE = 0.5
#: fewer letters than this in the other scripts: too little for the detector (the script decides)
MIN_LETTERS = 20

LETTER = regex.compile(r"\p{L}")


@dataclass(frozen=True, slots=True)
class Languages:
    """What ``data/languages.toml`` says: the languages read (ISO 639-1), the script each is written
    in, and the one language of each script the detector does not know."""

    reads: tuple[str, ...]
    scripts: tuple[str, ...]  # the scripts of the languages read
    script_languages: tuple[tuple[str, str], ...]  # (script as Unicode names it, ISO 639-1)

    @property
    def read_names(self) -> str:
        return " and ".join(language_name(c) for c in self.reads)


@per_settings
def languages() -> Languages:
    """The shipped ``languages.toml`` with the user's own merged in (``[data] languages = FILE``)."""
    where = f"newsweave/data/{DATA_FILE} (and your own, if any)"
    doc = data_toml(DATA_FILE)
    reads = tuple(str(c).lower() for c in doc.get("reads", []))
    scripts = doc.get("scripts", {})
    missing = [c for c in reads if c not in scripts]
    if not reads or missing:
        raise ConfigError(f"{where}: `reads` must name at least one language, each with its script in [scripts]"
                          + (f" (none for {', '.join(missing)})" if missing else ""))
    return Languages(reads, tuple(dict.fromkeys(str(scripts[c]) for c in reads)),
                     tuple((str(k), str(v).lower()) for k, v in doc.get("script_languages", {}).items()))


@lru_cache(maxsize=4)
def _other_script_runs(scripts: tuple[str, ...]) -> regex.Pattern[str]:
    """Runs of letters in none of ``scripts``."""
    return regex.compile("[^" + "".join(rf"\p{{Script={s}}}" for s in scripts) + r"\P{L}]+")


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """lingua's detector over every language it knows, in its low-accuracy mode (trigrams: enough
    for an article's body), built once. Building it costs nothing: a language's models load when a
    text in its script first comes (Devanagari's: ~20 ms, a few MB)."""
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


@lru_cache(maxsize=4)
def _among(codes: tuple[str, ...]) -> LanguageDetector:
    """A detector that tells apart only ``codes`` (languages read that share a script)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    try:
        isos = [IsoCode639_1.from_str(c) for c in codes]
    except ValueError as exc:
        raise ConfigError(f"newsweave/data/{DATA_FILE}: `reads` names a language the detector does not know "
                          f"({exc}); it knows: {', '.join(sorted(i.name.lower() for i in IsoCode639_1))}") from exc
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """"hi" -> "Hindi" (ISO 639's English name)."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    return re.sub(r"\s*\(.*\)$", "", found.name) if found is not None else code


@dataclass(frozen=True, slots=True)
class Detected:
    """The language of a text (ISO 639-1, None when not told), and whether it is one read."""

    language: str | None
    read: bool
    script: str | None = None  # the script most of its letters are in, when it is not one read

    def reason(self, reads: str) -> str | None:
        """Why the English stages leave it out (None when they read it)."""
        if self.read:
            return None
        if self.language is None:
            what = f"written mostly in the {self.script} script, in a language newsweave does not tell apart"
        else:
            what = f"written in {language_name(self.language)} ({self.language})"
        return f"{what}; newsweave reads {reads}; stored without entities/events"


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0].title() if name else "unknown"


def detect(text: str, langs: Languages | None = None) -> Detected:
    """The language ``text`` is written in, and whether newsweave reads it."""
    langs = langs or languages()
    if not LETTER.search(text):
        return Detected(None, True)  # nothing to tell from: the stages find what they find
    runs = _other_script_runs(langs.scripts).findall(text)  # most texts: none, and no letter counted
    other = sum(map(len, runs))
    if not other or other <= len(LETTER.findall(text)) * (1 - SCRIPT_SHARE):  # mostly in a script read
        if len(langs.reads) == 1:
            return Detected(langs.reads[0], True)
        best = _among(langs.reads).compute_language_confidence_values(text)[0]
        return Detected(best.language.iso_code_639_1.name.lower(), True)
    script = Counter(_script(ch) for run in runs for ch in run).most_common(1)[0][0]
    by_script = dict(langs.script_languages)
    if script in by_script:
        return Detected(by_script[script], by_script[script] in langs.reads, script)
    if other >= MIN_LETTERS:
        values = detector().compute_language_confidence_values(text)
        if values and values[0].value >= CONFIDENCE:
            code = values[0].language.iso_code_639_1.name.lower()
            return Detected(code, code in langs.reads, script)
    return Detected(None, False, script)


class UnreadLanguage(SkippedInput):
    """A document stored in a language newsweave's English stages do not read: reported, not a
    failure (it is stored, with its text and its language)."""


def language_stage(article: Article) -> Article:
    """Stage ``language``: ``article.language``, and ``article.unread`` (why the English stages
    leave it out) when it is not a language read; detected on the body, else on the title."""
    text = article.text if LETTER.search(article.text) else (article.title or "")
    langs = languages()
    found = detect(text, langs)
    article.language = found.language
    article.unread = found.reason(langs.read_names)
    if article.unread:
        article.warnings.append(article.unread)
    return article
