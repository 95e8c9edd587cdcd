"""Story links, their dates and the next page of a listing page (home, category, tag).

The fallback for a site with no feed, sitemap or REST API: its own section pages.
Which links are stories and which link is "next" is decided by
:func:`crawler.discover_parse.parse_listing`, the same rules ``kliping source add`` uses;
this module adds what the crawl needs on top: the date printed beside each teaser (so
paging can stop at the ``--since`` window without fetching the stories) and WordPress's
numbered ``/page/N/`` links when a theme has no rel=next or "Selanjutnya".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.dates import MAX_TEXT_LENGTH, parse_date
from crawler.discover_parse import NotUsable, decode_html, parse_listing, same_site

__all__ = ["Listing", "NotUsable", "read_listing"]

# A teaser's date: <time>, or an element whose class names a date.
_DATE_CLASS = re.compile(r"date|time|tanggal|tgl|waktu|posted", re.IGNORECASE)
# "/2025/10/27/" in a story URL.
_URL_DATE = re.compile(r"/(20\d{2})/(\d{1,2})/(\d{1,2})/")
_PAGE_PATH = re.compile(r"^(.*?/)page/(\d+)/?$")
# Ancestors of a link searched for its teaser's date; a teaser is seldom deeper.
_TEASER_DEPTH = 4


@dataclass
class Listing:
    # Story URLs in page order, with the day printed beside each (None: none found).
    articles: list[tuple[str, date | None]]
    next_url: str | None


def read_listing(
    body: bytes, url: str, content_type: str = "", *, reference: date | None = None
) -> Listing:
    """The stories a listing page links to and its next page; :class:`NotUsable` if no HTML."""
    info = parse_listing(body, url, content_type)
    doc = lxml.html.document_fromstring(decode_html(body, content_type))
    doc.make_links_absolute(url, resolve_base_href=True, handle_failures="discard")
    wanted = set(info.articles)
    dates: dict[str, date | None] = {}
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").split("#")[0]
        if href in wanted and dates.get(href) is None:
            dates[href] = _teaser_date(anchor, href, reference)
    next_url = urljoin(url, info.next_url) if info.next_url else _numbered_next(doc, url)
    if next_url and (next_url.split("#")[0] == url or not same_site(next_url, url)):
        next_url = None
    return Listing([(u, dates.get(u)) for u in info.articles], next_url)


def _teaser_date(anchor: lxml.html.HtmlElement, href: str, reference: date | None) -> date | None:
    node = anchor
    for _ in range(_TEASER_DEPTH):
        node = node.getparent()
        if node is None or node.tag in {"body", "html"}:
            break
        if len(set(node.xpath(".//a/@href"))) > 3:
            break  # the block holds several teasers: a date in it may be another story's
        for candidate in node.iter():
            if not isinstance(candidate.tag, str):
                continue
            if candidate.tag == "time" or _DATE_CLASS.search(candidate.get("class", "")):
                text = candidate.get("datetime") or " ".join(candidate.text_content().split())
                if text and len(text) <= MAX_TEXT_LENGTH:
                    day = parse_date(text, reference=reference)
                    if day:
                        return day
    match = _URL_DATE.search(urlsplit(href).path)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    return None


def _numbered_next(doc: lxml.html.HtmlElement, url: str) -> str | None:
    """The ``/page/N+1/`` link of a WordPress listing at ``/page/N/`` (or page 1)."""
    path = urlsplit(url).path or "/"
    match = _PAGE_PATH.match(path)
    prefix, number = (match.group(1), int(match.group(2))) if match else (path, 1)
    if not prefix.endswith("/"):
        prefix += "/"
    wanted = f"{prefix}page/{number + 1}"
    for anchor in doc.iter("a"):
        href = anchor.get("href") or ""
        if href.startswith(("http://", "https://")) and same_site(href, url):
            if urlsplit(href).path.rstrip("/") == wanted:
                return href.split("#")[0]
    return None
