"""One spider for every news source: feeds and sitemaps in, :class:`Article` items out.

A source is a dict as in a region YAML (``name``, ``url``, ``kind``, ``feeds``,
``sitemaps``). Every feed entry and sitemap URL becomes one article request, keyed by its
canonical URL so the feed's ``?utm_source=rss`` link and the sitemap's clean link are
fetched once. Anything broken (feed, sitemap, page) is logged with its URL and reason,
counted under ``kliping/error/<reason>`` (and per source), and skipped.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import feedparser
import lxml.etree
import scrapy
import scrapy.exceptions as scrapy_exceptions
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from crawler.dates import parse_date
from crawler.extract import Rejected, extract_body, try_extract_article
from crawler.items import Article
from crawler.urls import canonicalize, fetch_url

logger = logging.getLogger(__name__)

# Link texts of a "next page" link inside a paginated article.
_NEXT_TEXT = re.compile(r"^(?:selanjutnya|berikutnya|lanjut|next)\b|^[›»>]+$", re.IGNORECASE)
_PAGE_TEXT = re.compile(r"^(?:halaman|hal\.?|page)?\s*(\d{1,3})$", re.IGNORECASE)
_PAGE_PARAMS = ("page", "halaman", "hal", "pg")
_PAGE_SUFFIX = re.compile(r"^(.+)/(\d{1,3})$")

_NETWORK_REASONS: list[tuple[type[BaseException], str]] = [
    (DNSLookupError, "dns"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (ConnectionRefusedError, "connection_refused"),
    (ConnectionLost, "connection_lost"),
    (ResponseFailed, "connection_lost"),
    (IgnoreRequest, "ignored"),
]
# Scrapy >= 2.14 wraps download failures in its own exception types.
for _name, _reason in (
    ("CannotResolveHostError", "dns"),
    ("DownloadTimeoutError", "timeout"),
    ("DownloadConnectionRefusedError", "connection_refused"),
    ("ResponseDataLossError", "connection_lost"),
    ("DownloadCancelledError", "cancelled"),  # e.g. larger than DOWNLOAD_MAXSIZE
    ("DownloadFailedError", "download_failed"),
    ("UnsupportedURLSchemeError", "bad_url"),
):
    if hasattr(scrapy_exceptions, _name):
        _NETWORK_REASONS.append((getattr(scrapy_exceptions, _name), _reason))


def failure_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed, used in stats keys and the report."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    for exc_type, reason in _NETWORK_REASONS:
        if failure.check(exc_type):
            return reason
    return failure.type.__name__.lower() if failure.type else "unknown"


class NewsSpider(scrapy.Spider):
    """Crawls the feeds and sitemaps of a list of sources into articles."""

    name = "news"

    def __init__(
        self,
        sources: list[dict[str, Any]] | None = None,
        reference: date | str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sources = list(sources) if sources is not None else None
        self.reference = date.fromisoformat(reference) if isinstance(reference, str) else reference
        self.max_article_pages = 20
        self.max_urls_per_listing = 0
        self.default_feed_paths: list[str] = ["/feed/"]
        self.default_sitemap_paths: list[str] = ["/sitemap.xml"]
        self._seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.sources is None:
            spider.sources = list(settings.getlist("KLIPING_SOURCES"))
        if spider.reference is None and settings.get("KLIPING_REFERENCE_DATE"):
            spider.reference = date.fromisoformat(settings.get("KLIPING_REFERENCE_DATE"))
        spider.max_article_pages = settings.getint("KLIPING_MAX_ARTICLE_PAGES", 20)
        spider.max_urls_per_listing = settings.getint("KLIPING_MAX_URLS_PER_LISTING", 0)
        spider.default_feed_paths = settings.getlist(
            "KLIPING_DEFAULT_FEED_PATHS", spider.default_feed_paths
        )
        spider.default_sitemap_paths = settings.getlist(
            "KLIPING_DEFAULT_SITEMAP_PATHS", spider.default_sitemap_paths
        )
        return spider

    # --- bookkeeping --------------------------------------------------------------------

    def count(self, key: str, source: int | None) -> None:
        """Increment ``kliping/<key>`` overall and ``kliping/source/<n>/<key>`` for the source."""
        stats = self.crawler.stats
        stats.inc_value(f"kliping/{key}")
        if source is not None:
            stats.inc_value(f"kliping/source/{source}/{key}")

    def fail(self, kind: str, url: str, reason: str, source: int | None, detail: str = "") -> None:
        self.count(f"error/{reason}", source)
        logger.warning("%s %s skipped: %s%s", kind, url, reason, f" ({detail})" if detail else "")

    def _meta(self, response_or_request) -> tuple[int | None, str]:
        meta = response_or_request.meta
        return meta.get("kliping_source"), meta.get("kliping_kind", "page")

    # --- start --------------------------------------------------------------------------

    async def start(self):
        for request in self._start_requests():
            yield request

    def _start_requests(self):
        for index, source in enumerate(self.sources or []):
            feeds, sitemaps = source.get("feeds") or [], source.get("sitemaps") or []
            if not feeds and not sitemaps:
                home = source.get("url", "")
                feeds = [urljoin(home, p) for p in self.default_feed_paths]
                sitemaps = [urljoin(home, p) for p in self.default_sitemap_paths]
                self.count("source/guessed_listings", index)
                logger.info(
                    "source %s lists no feed or sitemap; trying %s",
                    home,
                    ", ".join(feeds + sitemaps),
                )
            listings = [("feed", u, self.parse_feed) for u in feeds]
            listings += [("sitemap", u, self.parse_sitemap) for u in sitemaps]
            if not listings:
                self.fail("source", source.get("url", "?"), "no_feed_or_sitemap", index)
                continue
            for kind, url, callback in listings:
                try:
                    url = fetch_url(url)
                except ValueError as exc:
                    self.fail(kind, url, "bad_url", index, str(exc))
                    continue
                yield Request(
                    url,
                    callback=callback,
                    errback=self.on_error,
                    meta={"kliping_source": index, "kliping_kind": kind},
                )

    # --- listings -----------------------------------------------------------------------

    def parse_feed(self, response: Response):
        source, _ = self._meta(response)
        self.count("pages/fetched", source)
        parsed = feedparser.parse(response.body)
        entries = parsed.get("entries") or []
        usable = [e for e in entries if e.get("link")]
        if len(usable) < len(entries):
            self.count("drop/feed_entry_without_link", source)
        if not usable:
            if parsed.get("bozo") or not parsed.get("version"):
                detail = str(parsed.get("bozo_exception") or "not an RSS/Atom document")
                self.fail("feed", response.url, "feed_broken", source, detail)
            else:
                self.count("feed/empty", source)
                logger.info("feed %s has no entries", response.url)
            return
        if parsed.get("bozo"):
            # Many feeds are slightly broken yet readable; use what feedparser recovered.
            self.count("feed/recovered", source)
            logger.info(
                "feed %s is malformed but readable: %s", response.url, parsed.get("bozo_exception")
            )
        for entry in self._limit(usable):
            # The date as written keeps the feed's own offset; published_parsed is UTC.
            written = entry.get("published") or entry.get("updated") or ""
            fallback = parse_date(written, reference=self.reference) if written else None
            yield from self._article_request(urljoin(response.url, entry["link"]), source, fallback)

    def parse_sitemap(self, response: Response):
        source, _ = self._meta(response)
        self.count("pages/fetched", source)
        body = self._sitemap_body(response)
        if body is None:
            self.fail(
                "sitemap", response.url, "sitemap_broken", source, "not XML or gzip too large"
            )
            return
        try:
            sitemap = Sitemap(body)
            kind = sitemap.type
            entries = list(sitemap)
        except (lxml.etree.XMLSyntaxError, StopIteration, ValueError) as exc:
            self.fail(
                "sitemap", response.url, "sitemap_broken", source, str(exc) or type(exc).__name__
            )
            return
        if kind == "sitemapindex":
            for entry in entries:
                try:
                    url = fetch_url(urljoin(response.url, entry["loc"]))
                except ValueError as exc:
                    self.fail("sitemap", entry["loc"], "bad_url", source, str(exc))
                    continue
                yield Request(
                    url,
                    callback=self.parse_sitemap,
                    errback=self.on_error,
                    meta={"kliping_source": source, "kliping_kind": "sitemap"},
                )
        elif kind == "urlset":
            for entry in self._limit(entries):
                yield from self._article_request(urljoin(response.url, entry["loc"]), source, None)
        else:
            self.fail("sitemap", response.url, "sitemap_broken", source, f"root element <{kind}>")

    def _sitemap_body(self, response: Response) -> bytes | None:
        if response.body[:2] == b"\x1f\x8b":
            try:
                return gunzip(
                    response.body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
                )
            except Exception:  # corrupt gzip or decompression bomb: both make the sitemap unusable
                return None
        if isinstance(response, XmlResponse) or response.body.lstrip()[:5] in {
            b"<?xml",
            b"<urls",
            b"<site",
        }:
            return response.body
        return None

    def _limit(self, entries: list) -> list:
        return entries[: self.max_urls_per_listing] if self.max_urls_per_listing > 0 else entries

    def _article_request(self, url: str, source: int | None, fallback: date | None):
        try:
            key = canonicalize(url)
            target = fetch_url(url)
        except ValueError as exc:
            self.fail("article", url, "bad_url", source, str(exc))
            return
        if key in self._seen:
            self.count("skip/seen_url", source)
            return
        self._seen.add(key)
        yield Request(
            target,
            callback=self.parse_article,
            errback=self.on_error,
            meta={
                "kliping_source": source,
                "kliping_kind": "article",
                "kliping_fallback_date": fallback,
            },
        )

    # --- articles -----------------------------------------------------------------------

    def parse_article(self, response: Response):
        source, _ = self._meta(response)
        self.count("pages/fetched", source)
        if not isinstance(response, HtmlResponse):
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            self.fail(
                "article", response.url, "not_html", source, content_type or "no Content-Type"
            )
            return
        if self._is_continuation(response):
            self.count("drop/continuation_page", source)
            logger.info(
                "page %s is a later page of an article; fetched with its first page", response.url
            )
            return
        try:
            article = try_extract_article(response.text, response.url, reference=self.reference)
        except Rejected as exc:
            self.count(f"drop/{exc.reason}", source)
            logger.info("no article at %s: %s", response.url, exc)
            return
        if article.published is None and response.meta.get("kliping_fallback_date"):
            article.published = response.meta["kliping_fallback_date"]
            self.count("article/date_from_feed", source)
        info = self.sources[source] if source is not None else {}
        article.source_url = info.get("url", "")
        article.publisher = info.get("name") or article.publisher
        article.raw_pages = [response.body]
        yield from self._next_or_done(
            response, article, source, page=1, visited={canonicalize(response.url)}
        )

    def parse_continuation(self, response: Response):
        source, _ = self._meta(response)
        self.count("pages/fetched", source)
        article: Article = response.meta["kliping_article"]
        page: int = response.meta["kliping_page"]
        visited: set[str] = response.meta["kliping_visited"]
        if not isinstance(response, HtmlResponse):
            self.fail("continuation", response.url, "not_html", source)
            yield from self._done(article, source, complete=False)
            return
        known = set(article.body.split("\n"))
        added = [
            p for p in extract_body(response.text, response.url).split("\n") if p and p not in known
        ]
        if not added:
            self.count("article/empty_continuation", source)
            logger.info("page %d of %s has no new text: %s", page, article.url, response.url)
        article.body = "\n".join([article.body, *added])
        article.raw_pages.append(response.body)
        visited.add(canonicalize(response.url))
        yield from self._next_or_done(response, article, source, page=page, visited=visited)

    def _next_or_done(
        self,
        response: Response,
        article: Article,
        source: int | None,
        *,
        page: int,
        visited: set[str],
    ):
        base = response.meta.get("kliping_base") or canonicalize(response.url)
        next_url = next_page_url(response, base, page)
        if next_url and canonicalize(next_url) not in visited:
            if page >= self.max_article_pages:
                self.count("article/page_limit", source)
                logger.warning(
                    "article %s has more than %d pages; keeping the first ones", base, page
                )
            else:
                # Marked before the fetch: a page 2 that redirects back to page 1 ends here.
                visited.add(canonicalize(next_url))
                yield Request(
                    next_url,
                    callback=self.parse_continuation,
                    errback=self.on_error,
                    dont_filter=True,
                    meta={
                        "kliping_source": source,
                        "kliping_kind": "continuation",
                        "kliping_article": article,
                        "kliping_page": page + 1,
                        "kliping_visited": visited,
                        "kliping_base": base,
                    },
                )
                return
        yield from self._done(article, source, complete=True)

    def _done(self, article: Article, source: int | None, *, complete: bool):
        if not complete:
            self.count("article/incomplete", source)
        if len(article.raw_pages) > 1:
            self.count("article/multipage", source)
        self.count("articles/found", source)
        yield article

    def _is_continuation(self, response: Response) -> bool:
        """A "Halaman 2" page reached on its own (e.g. listed in a sitemap)."""
        match = _PAGE_SUFFIX.match(canonicalize(response.url))
        if not match or int(match.group(2)) < 2:
            return False
        parent, number = match.group(1), int(match.group(2))
        previous = {parent, f"{parent}/{number - 1}"}
        # Only pagination links count: a menu link to a parent section proves nothing.
        pagination = (
            "//link[@rel='prev']/@href"
            " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' prev ')]/@href"
            " | //*[contains(@class, 'page')]//a/@href"
            " | //a[normalize-space(.) != '' and translate(normalize-space(.), '0123456789', '') = '']/@href"
        )
        for href in response.xpath(pagination).getall():
            try:
                if canonicalize(urljoin(response.url, href)) in previous:
                    return True
            except ValueError:
                continue
        return False

    # --- failures -----------------------------------------------------------------------

    def on_error(self, failure: Failure):
        request = failure.request
        source, kind = self._meta(request)
        reason = failure_reason(failure)
        if reason == "ignored":
            # robots.txt or another middleware said no: a decision, not a fault.
            why = "forbidden_by_robots" if "robots" in str(failure.value).lower() else "ignored"
            self.count(f"drop/{why}", source)
            logger.info("%s %s not fetched: %s", kind, request.url, failure.value)
        else:
            detail = "" if failure.check(HttpError) else str(failure.value)
            self.fail(kind, request.url, reason, source, detail)
        if kind == "continuation":
            yield from self._done(request.meta["kliping_article"], source, complete=False)


def next_page_url(response: Response, base: str, page: int) -> str | None:
    """The URL of page ``page + 1`` of the article whose first page is ``base``, if linked.

    Only links that continue *this* article count (``<base>/2``, ``<base>?page=2``):
    WordPress also marks the previous/next *post* with ``rel=next``.
    """
    wanted = page + 1
    candidates = response.xpath(
        "//link[@rel='next']/@href | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    ).getall()
    for anchor in response.xpath("//a[@href]"):
        text = " ".join(" ".join(anchor.xpath(".//text()").getall()).split())
        number = _PAGE_TEXT.match(text)
        if _NEXT_TEXT.match(text) or (number and int(number.group(1)) == wanted):
            candidates.append(anchor.attrib["href"])
    for href in candidates:
        try:
            url = urljoin(response.url, href)
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
