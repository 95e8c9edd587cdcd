"""What the crawler hands on: plain data, so ``clippings`` never imports Scrapy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Article:
    """One news article as its publisher wrote it, all pages joined.

    ``body`` is the article's paragraphs joined by ``"\\n"``; the photo caption is kept
    apart in ``caption`` because the memo sheet prints it under the headline, not in the
    text. ``published_text`` is the date line as printed, so a desk can check a date that
    looks wrong.
    """

    url: str
    canonical_url: str
    title: str
    body: str = field(repr=False)
    published: date | None = None
    published_text: str = ""
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    rubric: str = ""
    caption: str = ""
    image_url: str = ""
    language: str = ""
    raw_html_path: str = ""
    # The home URL of the source (region YAML) the article was found through.
    source_url: str = ""
    # The fetched HTML of each page (page 1 first), gzip-compressed (by the extraction
    # workers, off the reactor thread), until the store pipeline archives it under
    # ``raw_html_path``; not part of the article's identity.
    raw_pages: list[bytes] = field(default_factory=list, repr=False, compare=False)
    # Crawl bookkeeping, stored in ``seen_urls`` with the article: the URL as listed
    # (canonical), the listing's date for it, and the HTTP validators of page 1.
    # Why ``published`` is None: "future: <date line>" (a date after the crawl day), or
    # "none" (no date found or readable).
    date_problem: str = field(default="", compare=False)
    # MinHash signature of page 1's body (crawler.near_duplicates), computed by the
    # extraction worker; empty means "compute when storing".
    minhash: bytes = field(default=b"", repr=False, compare=False)
    listed_url: str = field(default="", compare=False)
    listed_date: str = field(default="", compare=False)
    etag: str = field(default="", compare=False)
    last_modified: str = field(default="", compare=False)
