"""Stage ``extract``: raw content -> logical lines plus whatever metadata the format states
outright (a dump's fields; an HTML page's title, author, dates and site name via trafilatura).

Mojibake is repaired here (ftfy), after the raw text has been stored as it came, and so are
curly quotes that a lossy encoding wrote as "?" (:func:`newsweave.ingest.decode.restore_lost_quotes`).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import ftfy
import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Document

from ..article import Article, Line
from ..errors import InputError
from ..vocab import LINE_END
from .dates import to_iso
from .decode import restore_lost_quotes
from .fields import known_keys, pick

# a line that is one lower-case identifier ("article-image", "story_body"): a CSS class or element
# name left by the scraper, never the continuation of a wrapped sentence
_MARKUP_TOKEN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+$")

# HTML <meta> names and JSON-LD keys that state publication times, in order of trust
META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished", "pubdate",
                  "publish-date", "publishdate", "date", "dc.date", "dc.date.issued", "sailthru.date")
META_UPDATED = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dc.date.modified")
META_SITE = ("og:site_name", "application-name", "publisher", "twitter:site")
META_AUTHOR = ("author", "article:author", "byl", "dc.creator", "sailthru.author")


def repair(text: str) -> str:
    """Fix mojibake (``wonâ€™t`` -> ``won’t``) without touching correct text: curly quotes,
    ligatures and full-width characters stay as written."""
    return ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False,
                         unescape_html=False, normalization="NFC")


def repair_article_text(article: Article, text: str, title: str | None = None) -> tuple[str, str | None]:
    """The body (and headline) repaired: mojibake, then quotation marks lost to "?" — restored in
    the headline too when the body shows the damage; a warning says how many."""
    body = restore_lost_quotes(repair(text))
    head = restore_lost_quotes(repair(title), damaged=bool(body.quotes or body.apostrophes)) if title else None
    if body.quotes or body.apostrophes:
        article.warnings.append(f"quotation marks written as '?' (a lossy encoding) restored: "
                                f"{body.quotes} quotations, {body.apostrophes} apostrophes")
    return body.text, head.text if head else None


def caseless(text: str) -> bool:
    """Text with letters but no capitals (a lower-cased dump): capitalisation says nothing."""
    return not any(c.isupper() for c in text) and any(c.isalpha() for c in text)


def split_lines(text: str) -> list[Line]:
    """Logical lines: one per paragraph line; a hard-wrapped paragraph (continuation lines that
    start in lower case, or a block wrapped at a fixed width) becomes one line. In a text with no
    capitals at all only the fixed-width test is used."""
    by_case = not caseless(text)
    blocks: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = re.sub(r"[ \t\u00a0]+", " ", raw).strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    out: list[str] = []
    for block in blocks:
        if not block:
            continue
        if _fixed_width(block):
            out.append(" ".join(block))
            continue
        cur = block[0]
        for nxt in block[1:]:
            if by_case and not cur.endswith(LINE_END) and nxt[:1].islower() and not _MARKUP_TOKEN.match(nxt):
                cur = f"{cur} {nxt}"
            else:
                out.append(cur)
                cur = nxt
        out.append(cur)
    return [Line(t, i) for i, t in enumerate(out)]


_LIST_ITEM = re.compile(r"^(?:[-–•*·▪►»]|\d{1,2}[.)])\s+\S")


def _fixed_width(block: list[str]) -> bool:
    """Three or more lines of near-equal length, none but the last ending a sentence."""
    if len(block) < 3 or all(_LIST_ITEM.match(x) for x in block):
        return False  # a list's items are lines of their own
    head = block[:-1]
    lengths = [len(x) for x in head]
    return (min(lengths) >= 25 and max(lengths) - min(lengths) <= 15
            and not any(x.endswith(LINE_END) for x in head) and len(block[-1]) <= max(lengths) + 5)


def extract(article: Article) -> Article:
    if article.fmt == "html":
        _from_html(article)
    elif article.fmt == "record":
        _from_record(article)
    else:
        article.lines = split_lines(repair_article_text(article, article.raw)[0])
    if not any(ln.text for ln in article.lines):
        raise InputError(article.source, "no text left after reading it")
    return article


def _from_record(article: Article) -> None:
    row = json.loads(article.raw)
    text, _ = pick(row, "text")
    if text and re.search(r"<(p|div|br|article)\b", text[:5000], re.I):
        text = _html_text(text, article.source) or text
    title, _ = pick(row, "title")
    body, article.title = repair_article_text(article, text or "", title or None)
    article.lines = split_lines(body)
    outlet, key = pick(row, "outlet")
    if outlet:
        article.outlet, article.outlet_evidence = outlet, f"field {key!r}"
    byline, _ = pick(row, "byline")
    article.byline = byline
    published, _ = pick(row, "published")
    updated, _ = pick(row, "updated")
    article.published, article.updated = to_iso(published, naive=True), to_iso(updated, naive=True)
    for value, what in ((published, "published"), (updated, "updated")):
        if value and not to_iso(value):
            article.warnings.append(f"could not read the {what} date {value!r}")
    url, _ = pick(row, "url")
    article.url = url
    dateline, _ = pick(row, "dateline")
    article.dateline = dateline
    article.meta = {k: v for k, v in row.items() if k not in known_keys(row)}


def _html_text(fragment: str, source: str) -> str | None:
    try:
        doc = lxml_html.fromstring(fragment)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paras = [p.text_content().strip() for p in doc.iter("p", "h2", "h3", "li", "blockquote")]
    return "\n\n".join(p for p in paras if p) or doc.text_content()


def _meta_tags(page: str) -> dict[str, str]:
    """``<meta>`` tags (property/name/itemprop -> content) and JSON-LD date/author/publisher."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return {}
    found: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        val = (m.get("content") or "").strip()
        if key and val:
            found.setdefault(key, val)
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            continue
        for obj in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if not isinstance(obj, dict):
                continue
            for key in ("datePublished", "dateModified"):
                if isinstance(obj.get(key), str):
                    found.setdefault(key.lower(), obj[key])
            pub = obj.get("publisher")
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                found.setdefault("publisher", pub["name"])
            auth = obj.get("author")
            auth = auth[0] if isinstance(auth, list) and auth else auth
            if isinstance(auth, dict) and isinstance(auth.get("name"), str):
                found.setdefault("author", auth["name"])
    for t in tree.iter("time"):
        if t.get("datetime"):
            found.setdefault("time", t.get("datetime"))
            break
    return found


def _first(tags: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((tags[n] for n in names if tags.get(n)), None)


def _from_html(article: Article) -> None:
    page = article.raw
    try:
        doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False,
                                          include_tables=False, deduplicate=False)
    except (ValueError, TypeError, lxml_html.etree.ParserError) as exc:
        raise InputError(article.source, f"broken HTML: {exc}") from exc
    if not isinstance(doc, Document) or not doc.text or not doc.text.strip():
        raise InputError(article.source, "broken or empty HTML: no article text found in the page")
    text = doc.text
    tags = _meta_tags(page)
    body, article.title = repair_article_text(article, text, doc.title or None)
    article.lines = split_lines(body)
    site = _first(tags, META_SITE) or doc.sitename
    if site and not site.startswith("@"):
        article.outlet, article.outlet_evidence = site.strip(), "page site name"
    article.byline = _first(tags, META_AUTHOR) if not doc.author else doc.author
    if article.byline and article.byline.startswith("http"):
        article.byline = None
    article.url = doc.url or tags.get("og:url") or article.url  # the page's own, else where it was fetched
    pub = to_iso(_first(tags, META_PUBLISHED) or tags.get("time"), naive=True)
    article.published = pub or (to_iso(doc.date, naive=True) if doc.date else None)
    article.updated = to_iso(_first(tags, META_UPDATED), naive=True)
    host = urlparse(article.url).hostname if article.url else None
    article.meta = {k: v for k, v in {"description": doc.description, "hostname": host or doc.hostname,
                                      "categories": doc.categories or None, "tags": doc.tags or None}.items() if v}
