"""Which link continues a paginated article ("Halaman 2", "Selanjutnya", ``?page=2``).

Used by the spider and by the extraction workers, which read the link from the page
they already parse rather than having the reactor thread parse it a second time.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.etree

from crawler.urls import canonicalize, fetch_url

# Link texts of a "next page" link inside a paginated article.
_NEXT_TEXT = re.compile(r"^(?:selanjutnya|berikutnya|lanjut|next)\b|^[›»>]+$", re.IGNORECASE)
_PAGE_TEXT = re.compile(r"^(?:halaman|hal\.?|page)?\s*(\d{1,3})$", re.IGNORECASE)
_PAGE_PARAMS = ("page", "halaman", "hal", "pg")
# Links that may continue the article whose slug is $s1 ($s2 unquoted): relative ones,
# and absolute ones naming the slug.
_MAYBE_THIS_ARTICLE = lxml.etree.XPath(
    "//a[@href][not(starts-with(@href, 'http:') or starts-with(@href, 'https:')"
    " or starts-with(@href, '/')) or contains(@href, $s1) or contains(@href, $s2)]"
)


def next_page_url(page, base: str, number: int) -> str | None:
    """The URL of page ``number + 1`` of the article whose first page is ``base``, if linked.

    ``page`` is a Scrapy response or a :class:`PageTree`. Only links that continue *this*
    article count (``<base>/2``, ``<base>?page=2``): WordPress also marks the
    previous/next *post* with ``rel=next``.
    """
    root = page.root if isinstance(page, PageTree) else page.selector.root
    wanted = number + 1
    candidates = [
        link.get("href")
        for link in root.iter("link")
        if link.get("rel") == "next" and link.get("href")
    ]
    # A link to another path cannot continue this article: an XPath (in C) leaves those
    # out, so only the few links a theme has to this article (or relative ones) are read
    # in Python; a theme's page has hundreds (menus, tags).
    slug = urlsplit(base).path.rstrip("/").rsplit("/", 1)[-1]
    anchors = _MAYBE_THIS_ARTICLE(root, s1=slug, s2=unquote(slug)) if slug else root.iter("a")
    for anchor in anchors:
        href = anchor.get("href")
        if href is None:
            continue
        if "next" in (anchor.get("rel") or "").split():
            candidates.append(href)
            continue
        text = " ".join("".join(anchor.itertext()).split())
        matched = _PAGE_TEXT.match(text)
        if _NEXT_TEXT.match(text) or (matched and int(matched.group(1)) == wanted):
            candidates.append(href)
    for href in candidates:
        try:
            url = urljoin(page.url, href)
            if _is_page_of(canonicalize(url), base, wanted):
                return fetch_url(url)
        except ValueError:
            continue
    return None


def _is_page_of(candidate: str, base: str, number: int) -> bool:
    if candidate == f"{base}/{number}":
        return True
    cand, first = urlsplit(candidate), urlsplit(base)
    if (cand.scheme, cand.netloc, cand.path) != (first.scheme, first.netloc, first.path):
        return False
    extra = dict(parse_qsl(cand.query))
    for key in dict(parse_qsl(first.query)):
        extra.pop(key, None)
    return any(extra.get(param) == str(number) for param in _PAGE_PARAMS)


class PageTree:
    """A page's parsed HTML (lxml) and its URL: what :func:`next_page_url` reads."""

    def __init__(self, root, url: str) -> None:
        self.root = root
        self.url = url
