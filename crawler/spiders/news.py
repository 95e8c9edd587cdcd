"""One spider for every news source: feeds, sitemaps, WordPress API and listings in,
:class:`Article` items out.

A source is a dict as in a region YAML (``name``, ``url``, ``kind``, ``feeds``,
``sitemaps``, ``wp_json``, ``listing_pages``, ``overrides``). Every feed entry, sitemap
URL, REST API post (:mod:`crawler.wp_api`) and story linked from a listing page
(:mod:`crawler.listing`, paged until the window or known stories) becomes one article
request, keyed by its canonical URL so the feed's ``?utm_source=rss`` link and the
sitemap's clean link are fetched once. A source that lists none is tried at ``/feed/`` and
``/sitemap.xml``, then at its home page. ``overrides`` (CSS selectors, see
:mod:`crawler.overrides`) travel with each page to the extraction worker. Anything broken (feed, sitemap, page) is logged with its URL and reason,
counted under ``kliping/error/<reason>`` (and per source), and skipped.

URLs an earlier crawl fetched are skipped unless their listing says they changed
(:mod:`crawler.seen`); a ``--since`` window skips older listings. Pages are extracted in
worker processes (:mod:`crawler.extract_pool`) while the reactor keeps downloading.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin

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
from crawler.extract_pool import (
    ExtractionCrashed,
    ExtractionPool,
    article_page,
    continuation_page,
)
from crawler.items import Article
from crawler.listing import NotUsable, read_listing
from crawler.pagination import next_page_url
from crawler.seen import (
    Seen,
    SeenWriter,
    conditional_headers,
    listed_datetime,
    load_seen,
    should_fetch,
)
from crawler.urls import canonicalize, fetch_url
from crawler.wp_api import BrokenPosts, parse_posts, posts_url, total_pages

__all__ = ["NewsSpider", "failure_reason", "next_page_url"]

logger = logging.getLogger(__name__)

# Link texts of a "next page" link inside a paginated article.
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
    message = str(failure.value).lower()
    if failure.check(IgnoreRequest) and "max redirections" in message:
        return "redirect_loop"
    if "max size" in message or "maxsize" in message:
        return "too_large"
    for exc_type, reason in _NETWORK_REASONS:
        if failure.check(exc_type):
            return reason
    return failure.type.__name__.lower() if failure.type else "unknown"


class NewsSpider(scrapy.Spider):
    """Crawls the feeds, sitemaps, WordPress APIs and listing pages of sources into articles."""

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
        self.extractor = ExtractionPool(0)
        # Incremental crawling: what earlier crawls fetched (empty without a database).
        self.seen_before: dict[str, Seen] = {}
        self.seen_writer: SeenWriter | None = None
        self.recheck_seen = False
        self.since: date | None = None
        self.max_page_bytes = 5 * 1024 * 1024
        self.wp_max_pages = 10
        # Sources crawled through guessed /feed/ and /sitemap.xml: requests still open,
        # and those whose guesses listed a story (the others fall back to the home page).
        self._guess_pending: dict[int, int] = {}
        self._guess_listed: set[int] = set()
        self.listing_max_pages = 5

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
        spider.extractor = ExtractionPool.from_settings(settings)
        spider.wp_max_pages = settings.getint("KLIPING_WP_MAX_PAGES", spider.wp_max_pages)
        spider.listing_max_pages = settings.getint(
            "KLIPING_LISTING_MAX_PAGES", spider.listing_max_pages
        )
        spider.recheck_seen = settings.getbool("KLIPING_RECHECK_SEEN", False)
        spider.max_page_bytes = settings.getint("KLIPING_MAX_PAGE_BYTES", spider.max_page_bytes)
        if settings.get("KLIPING_SINCE"):
            spider.since = date.fromisoformat(settings.get("KLIPING_SINCE"))
        db_path = settings.get("KLIPING_DB")
        if db_path and settings.getbool("KLIPING_INCREMENTAL", True):
            spider.seen_before = load_seen(db_path)
            spider.seen_writer = SeenWriter(db_path, _source_ids(db_path, settings))
        crawler.signals.connect(spider._closed, signal=scrapy.signals.spider_closed)
        return spider

    def _closed(self) -> None:
        self.extractor.close()
        if self.seen_writer is not None:
            self.seen_writer.flush()

    def _record(self, response: Response, status: str) -> None:
        """Remember a fetched page that gave no article, so the next crawl skips it."""
        if self.seen_writer is None:
            return
        source, _ = self._meta(response)
        info = self.sources[source] if source is not None else {}
        self.seen_writer.add(
            response.meta.get("kliping_key") or canonicalize(response.url),
            status,
            source_url=info.get("url", ""),
            listed_date=response.meta.get("kliping_listed", ""),
            **_validators(response),
        )

    # --- bookkeeping --------------------------------------------------------------------

    def count(self, key: str, source: int | None) -> None:
        """Increment ``kliping/<key>`` overall and ``kliping/source/<n>/<key>`` for the source."""
        stats = self.crawler.stats
        stats.inc_value(f"kliping/{key}")
        if source is not None:
            stats.inc_value(f"kliping/source/{source}/{key}")

    def _wp_uncacheable(self) -> bool:
        """With ``--since`` the API URL names the day (``after=``): each crawl asks a new
        URL, so a cached copy would never be asked for again, only pile up on disk."""
        return self.since is not None

    def _listing_fetched(self, response: Response, source: int | None) -> None:
        """Count a feed, sitemap, API or listing page. "cached": the HTTP cache
        (:mod:`crawler.cache`) handed over its stored copy because the server answered 304."""
        self.count("pages/fetched", source)
        if "cached" in response.flags:
            self.count("listing/not_modified", source)

    def fail(self, kind: str, url: str, reason: str, source: int | None, detail: str = "") -> None:
        self.count(f"error/{reason}", source)
        logger.warning("%s %s skipped: %s%s", kind, url, reason, f" ({detail})" if detail else "")

    def _meta(self, response_or_request) -> tuple[int | None, str]:
        meta = response_or_request.meta
        return meta.get("kliping_source"), meta.get("kliping_kind", "page")

    # --- start --------------------------------------------------------------------------

    async def start(self):
        self.extractor.start()
        for request in self._start_requests():
            yield request

    def _start_requests(self):
        for index, source in enumerate(self.sources or []):
            feeds, sitemaps = source.get("feeds") or [], source.get("sitemaps") or []
            wp_json = source.get("wp_json") or ""
            listing_pages = list(source.get("listing_pages") or [])
            if not feeds and not sitemaps and not wp_json and not listing_pages:
                home = source.get("url", "")
                feeds = [urljoin(home, p) for p in self.default_feed_paths]
                sitemaps = [urljoin(home, p) for p in self.default_sitemap_paths]
                self.count("source/guessed_listings", index)
                logger.info(
                    "source %s lists no feed or sitemap; trying %s, then its home page",
                    home,
                    ", ".join(feeds + sitemaps),
                )
                # When none of them lists a story, the home page is read as a listing.
                self._guess_pending[index] = 0
            listings = [("feed", u, self.parse_feed) for u in feeds]
            listings += [("sitemap", u, self.parse_sitemap) for u in sitemaps]
            if wp_json:
                listings.append(("wp_json", posts_url(wp_json, 1, self.since), self.parse_wp_json))
            listings += [("listing", u, self.parse_listing_page) for u in listing_pages]
            if not listings:
                self.fail("source", source.get("url", "?"), "no_feed_or_sitemap", index)
                continue
            for kind, url, callback in listings:
                try:
                    url = fetch_url(url)
                except ValueError as exc:
                    self.fail(kind, url, "bad_url", index, str(exc))
                    continue
                meta = {"kliping_source": index, "kliping_kind": kind}
                if kind == "wp_json":
                    meta["kliping_wp_root"] = wp_json
                    meta["dont_cache"] = self._wp_uncacheable()
                elif kind == "listing":
                    meta["kliping_listing_page"] = 1
                if index in self._guess_pending:
                    meta["kliping_guess"] = True
                    self._guess_pending[index] += 1
                yield Request(url, callback=callback, errback=self.on_error, meta=meta)
            if self._guess_pending.get(index) == 0:
                yield from self._home_listing(index)

    def _guess_settled(self, meta: dict, listed_any: bool):
        """A guessed feed/sitemap is done; the last one of a source that listed nothing
        hands over to the home page."""
        if not meta.get("kliping_guess"):
            return
        source = meta["kliping_source"]
        if listed_any:
            self._guess_listed.add(source)
        self._guess_pending[source] -= 1
        if self._guess_pending[source] == 0 and source not in self._guess_listed:
            yield from self._home_listing(source)

    def _home_listing(self, source: int):
        home = self.sources[source].get("url", "")
        try:
            url = fetch_url(home)
        except ValueError as exc:
            self.fail("listing", home, "bad_url", source, str(exc))
            return
        self.count("source/home_listing", source)
        logger.info("source %s: no feed or sitemap lists a story; reading its home page", home)
        yield Request(
            url,
            callback=self.parse_listing_page,
            errback=self.on_error,
            meta={"kliping_source": source, "kliping_kind": "listing", "kliping_listing_page": 1},
        )

    # --- listings -----------------------------------------------------------------------

    def parse_feed(self, response: Response):
        yield from self._parse_feed(response)
        yield from self._guess_settled(
            response.meta, response.meta.get("kliping_listed_any", False)
        )

    def parse_sitemap(self, response: Response):
        yield from self._parse_sitemap(response)
        yield from self._guess_settled(
            response.meta, response.meta.get("kliping_listed_any", False)
        )

    def _parse_feed(self, response: Response):
        source, _ = self._meta(response)
        self._listing_fetched(response, source)
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
        response.meta["kliping_listed_any"] = True
        for entry in self._limit(usable):
            # The date as written keeps the feed's own offset; published_parsed is UTC.
            written = entry.get("published") or entry.get("updated") or ""
            fallback = parse_date(written, reference=self.reference) if written else None
            yield from self._article_request(
                urljoin(response.url, entry["link"]), source, fallback, _feed_listed(entry)
            )

    def _parse_sitemap(self, response: Response):
        source, _ = self._meta(response)
        self._listing_fetched(response, source)
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
                if self._before_window(listed_datetime(entry.get("lastmod", ""))):
                    # A sitemap file last changed before the window lists nothing newer.
                    self.count("skip/outside_window", source)
                    continue
                try:
                    url = fetch_url(urljoin(response.url, entry["loc"]))
                except ValueError as exc:
                    self.fail("sitemap", entry["loc"], "bad_url", source, str(exc))
                    continue
                yield Request(
                    url,
                    callback=self.parse_sitemap,
                    errback=self.on_error,
                    meta={
                        "kliping_source": source,
                        "kliping_kind": "sitemap",
                        "kliping_guess": response.meta.get("kliping_guess", False),
                    },
                )
                if response.meta.get("kliping_guess"):
                    self._guess_pending[source] += 1
        elif kind == "urlset":
            published = _news_publication_dates(body) if b"sitemap-news" in body else {}
            response.meta["kliping_listed_any"] = bool(entries)
            for entry in self._limit(entries):
                listed = published.get(entry["loc"]) or entry.get("lastmod", "")
                yield from self._article_request(
                    urljoin(response.url, entry["loc"]), source, None, listed
                )
        else:
            self.fail("sitemap", response.url, "sitemap_broken", source, f"root element <{kind}>")

    def parse_wp_json(self, response: Response):
        """One page of ``/wp/v2/posts``; page 1 also schedules the others, up to the cap."""
        source, _ = self._meta(response)
        self._listing_fetched(response, source)
        try:
            posts = parse_posts(response.body)
        except BrokenPosts as exc:
            self.fail("wp_json", response.url, "wp_json_broken", source, str(exc))
            return
        if not posts:
            self.count("wp_json/empty", source)
            logger.info("WordPress API %s lists no posts", response.url)
        if response.meta.get("kliping_wp_page", 1) == 1:
            pages = total_pages(response.headers.get("X-WP-TotalPages"))
            if pages > self.wp_max_pages:
                self.count("wp_json/page_limit", source)
                logger.warning(
                    "WordPress API %s has %d pages; reading the first %d",
                    response.url,
                    pages,
                    self.wp_max_pages,
                )
            root = response.meta["kliping_wp_root"]
            for page in range(2, min(pages, self.wp_max_pages) + 1):
                yield Request(
                    fetch_url(posts_url(root, page, self.since)),
                    callback=self.parse_wp_json,
                    errback=self.on_error,
                    meta={
                        "kliping_source": source,
                        "kliping_kind": "wp_json",
                        "kliping_wp_root": root,
                        "kliping_wp_page": page,
                        "dont_cache": self._wp_uncacheable(),
                    },
                )
        for post in self._limit(posts):
            yield from self._article_request(
                urljoin(response.url, post.link), source, post.published_day, post.listed_text
            )

    def parse_listing_page(self, response: Response):
        """A home or section page: its stories, then its next page while it lists new ones."""
        source, _ = self._meta(response)
        self._listing_fetched(response, source)
        number = response.meta.get("kliping_listing_page", 1)
        if not isinstance(response, HtmlResponse):
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            self.fail("listing", response.url, "listing_broken", source, content_type or "not HTML")
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        try:
            listing = read_listing(
                response.body, response.url, content_type, reference=self.reference
            )
        except NotUsable as exc:
            self.fail("listing", response.url, "listing_broken", source, str(exc))
            return
        if not listing.articles:
            self.count("listing/no_articles", source)
            logger.info("listing %s links to no article", response.url)
            return
        home = (self.sources[source].get("url", "") if source is not None else "") or None
        stale = 0
        for url, day in self._limit(listing.articles):
            if self._is_stale(url, day, home):
                stale += 1
            yield from self._article_request(url, source, day)
        if stale == len(listing.articles):
            self.count("listing/stopped_at_known", source)
            logger.info(
                "listing %s: every story is older than the window or seen before; not paging on",
                response.url,
            )
            return
        if not listing.next_url:
            return
        if number >= self.listing_max_pages:
            self.count("listing/page_limit", source)
            logger.info(
                "listing %s: stopping after %d pages (KLIPING_LISTING_MAX_PAGES)",
                response.url,
                number,
            )
            return
        try:
            next_url = fetch_url(listing.next_url)
        except ValueError as exc:
            self.fail("listing", listing.next_url, "bad_url", source, str(exc))
            return
        yield Request(
            next_url,
            callback=self.parse_listing_page,
            errback=self.on_error,
            meta={
                "kliping_source": source,
                "kliping_kind": "listing",
                "kliping_listing_page": number + 1,
            },
        )

    def _is_stale(self, url: str, day: date | None, home: str | None) -> bool:
        """A listed story older than the window, or fetched by an earlier crawl."""
        if self.since is not None and day is not None and day < self.since:
            return True
        try:
            prior = self.seen_before.get(canonicalize(url, home=home))
        except ValueError:
            return True
        return prior is not None and prior.final and not self.recheck_seen

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

    def _before_window(self, listed: datetime | None) -> bool:
        return self.since is not None and listed is not None and listed.date() < self.since

    def _article_request(
        self, url: str, source: int | None, fallback: date | None, listed_text: str = ""
    ):
        home = (self.sources[source].get("url", "") if source is not None else "") or None
        try:
            key = canonicalize(url, home=home)
            target = fetch_url(url, home=home)
        except ValueError as exc:
            self.fail("article", url, "bad_url", source, str(exc))
            return
        if key in self._seen:
            self.count("skip/seen_url", source)
            return
        self._seen.add(key)
        listed = listed_datetime(listed_text)
        if self._before_window(listed) or (
            listed is None and fallback is not None and self.since and fallback < self.since
        ):
            self.count("skip/outside_window", source)
            return
        prior = self.seen_before.get(key)
        if not should_fetch(prior, listed, recheck=self.recheck_seen):
            self.count("skip/already_seen", source)
            return
        headers = conditional_headers(prior)
        if prior is not None:
            self.count("article/refetched", source)
        yield Request(
            target,
            callback=self.parse_article,
            errback=self.on_error,
            headers=headers,
            # Deduplicated by canonical URL above; a redirect back to a page already
            # requested must reach REDIRECT_MAX_TIMES and be counted as a loop, not
            # vanish in Scrapy's duplicate filter.
            dont_filter=True,
            meta={
                "download_maxsize": self.max_page_bytes,
                "kliping_source": source,
                "kliping_kind": "article",
                # Archived by the store and skipped via seen_urls: not in the HTTP cache.
                "dont_cache": True,
                "kliping_fallback_date": fallback,
                "kliping_key": key,
                "kliping_listed": listed.isoformat() if listed else "",
                # A conditional request's "not modified" is an answer, not an error.
                **({"handle_httpstatus_list": [304]} if headers else {}),
            },
        )

    # --- articles -----------------------------------------------------------------------

    async def parse_article(self, response: Response):
        source, _ = self._meta(response)
        self.count("pages/fetched", source)
        if response.status == 304:
            self.count("articles/not_modified", source)
            self._record(response, "not_modified")
            return
        if not isinstance(response, HtmlResponse):
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            self.fail(
                "article", response.url, "not_html", source, content_type or "no Content-Type"
            )
            self._record(response, "drop_not_html")  # a PDF stays a PDF: not fetched again
            return
        if self._is_continuation(response):
            self.count("drop/continuation_page", source)
            self._record(response, "drop_continuation_page")
            logger.info(
                "page %s is a later page of an article; fetched with its first page", response.url
            )
            return
        base = canonicalize(response.url)
        try:
            # The bytes only: the worker decodes them (see crawler.extract_pool.page_text).
            result = await self.extractor.run(
                article_page,
                response.body,
                _content_type(response),
                response.url,
                self.reference,
                base,
                self._overrides(source),
            )
        except ExtractionCrashed as exc:
            self.fail("article", response.url, "extract_crashed", source, str(exc))
            return
        if result.encoding_fix:
            self.count(f"article/{result.encoding_fix}", source)
            logger.warning("page %s: %s", response.url, result.encoding_fix.replace("_", " "))
        self._count_misses(result, response.url, source)
        if result.rejected:
            reason, detail = result.rejected
            self.count(f"drop/{reason}", source)
            self._record(response, f"drop_{reason}")
            logger.info(
                "no article at %s: %s%s", response.url, reason, f": {detail}" if detail else ""
            )
            return
        article = result.article
        info = self.sources[source] if source is not None else {}
        wanted = (info.get("language") or "id").lower()
        if wanted == "id" and not result.indonesian:
            self.count("drop/wrong_language", source)
            self._record(response, "drop_wrong_language")
            logger.warning(
                "page %s skipped: not Indonesian (%.0f%% Indonesian function words)",
                response.url,
                100 * result.indonesian_share,
            )
            return
        if article.published is None:
            problem = article.date_problem or "none"
            self.count(f"date/{problem.split(':')[0]}", source)
            logger.warning(
                "article %s has no usable publication date (%s); stored without one",
                response.url,
                problem,
            )
        if self.since and article.published and article.published < self.since:
            self.count("drop/outside_window", source)
            self._record(response, "drop_outside_window")
            logger.info(
                "article %s of %s is older than %s", response.url, article.published, self.since
            )
            return
        article.listed_url = response.meta.get("kliping_key") or base
        article.listed_date = response.meta.get("kliping_listed", "")
        validators = _validators(response)
        article.etag, article.last_modified = validators["etag"], validators["last_modified"]
        if article.published is None and response.meta.get("kliping_fallback_date"):
            article.published = response.meta["kliping_fallback_date"]
            self.count("article/date_from_feed", source)
        article.source_url = info.get("url", "")
        article.publisher = info.get("name") or article.publisher
        article.raw_pages = [result.raw_gzip]
        for output in self._next_or_done(
            result.next_url, base, article, source, page=1, visited={base}
        ):
            yield output

    async def parse_continuation(self, response: Response):
        source, _ = self._meta(response)
        self.count("pages/fetched", source)
        article: Article = response.meta["kliping_article"]
        page: int = response.meta["kliping_page"]
        visited: set[str] = response.meta["kliping_visited"]
        base: str = response.meta["kliping_base"]
        if not isinstance(response, HtmlResponse):
            self.fail("continuation", response.url, "not_html", source)
            for output in self._done(article, source, complete=False):
                yield output
            return
        try:
            result = await self.extractor.run(
                continuation_page,
                response.body,
                _content_type(response),
                response.url,
                base,
                page,
                self._overrides(source),
            )
            self._count_misses(result, response.url, source)
        except ExtractionCrashed as exc:
            self.fail("continuation", response.url, "extract_crashed", source, str(exc))
            for output in self._done(article, source, complete=False):
                yield output
            return
        known = set(article.body.split("\n"))
        added = [p for p in result.body.split("\n") if p and p not in known]
        if not added:
            self.count("article/empty_continuation", source)
            logger.info("page %d of %s has no new text: %s", page, article.url, response.url)
        article.body = "\n".join([article.body, *added])
        article.raw_pages.append(result.raw_gzip)
        visited.add(canonicalize(response.url))
        for output in self._next_or_done(
            result.next_url, base, article, source, page=page, visited=visited
        ):
            yield output

    def _next_or_done(
        self,
        next_url: str | None,
        base: str,
        article: Article,
        source: int | None,
        *,
        page: int,
        visited: set[str],
    ):
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
                        "dont_cache": True,
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

    def _overrides(self, source: int | None) -> dict[str, Any] | None:
        return (self.sources[source].get("overrides") or None) if source is not None else None

    def _count_misses(self, result, url: str, source: int | None) -> None:
        """Selectors that found nothing: the site changed and its override needs a look."""
        for key in dict.fromkeys(result.override_misses):
            self.count(f"override/miss/{key}", source)
            logger.warning(
                "page %s: override %r matched nothing; default extraction used", url, key
            )

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
        yield from self._guess_settled(request.meta, False)


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1")


def _validators(response: Response) -> dict[str, str]:
    headers = response.headers
    return {
        "etag": (headers.get("ETag") or b"").decode("latin-1"),
        "last_modified": (headers.get("Last-Modified") or b"").decode("latin-1"),
    }


def _feed_listed(entry) -> str:
    """The feed's own date for an entry (updated before published), as UTC ISO."""
    # dict.get: FeedParserDict maps a missing updated_parsed to published_parsed, with a warning.
    parsed = dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed")
    if not parsed:
        return ""
    return datetime(*parsed[:6], tzinfo=UTC).isoformat()


def _news_publication_dates(body: bytes) -> dict[str, str]:
    """``<news:publication_date>`` by ``<loc>`` in a Google News sitemap."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}
    dates = {}
    for url in root.iterfind("{*}url"):
        loc, published = url.findtext("{*}loc"), url.findtext(".//{*}publication_date")
        if loc and published:
            dates[loc.strip()] = published.strip()
    return dates


def _source_ids(db_path: str, settings) -> dict[str, int]:
    """Home URL -> ``sources.id`` of the crawl's region, for ``seen_urls.source_id``."""
    from clippings.db import open_db

    db = open_db(db_path)
    try:
        rows = db.query(
            "select id, url from sources where coalesce(region, '') = ?",
            [settings.get("KLIPING_REGION", "") or ""],
        )
        return {row["url"]: row["id"] for row in rows}
    finally:
        db.close()
