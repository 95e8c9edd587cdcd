"""Finding where a news site publishes: feeds, sitemaps, WordPress REST API, section pages.

``kliping source add URL`` runs :func:`discover` once while a person waits, and stores the
result in the sources registry; ``kliping source check`` runs :func:`verify` on what was
stored. Both return plain data and never raise on a broken site: every failure ends up in
``Discovery.problems`` as ``"URL: reason"``, because the person reading it needs to know
which address to look at and why, not a traceback.

Guessed addresses (``/feed/``, ``/sitemap.xml``...) count only once fetched and parsed, and
a guess that fails is not a problem (most sites lack most of them). An address the site
itself declares (a ``<link>`` tag, a ``Sitemap:`` line, an index entry) that fails is one.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from protego import Protego

from crawler.discover_fetch import Fetch, FetchError, HttpFetcher, Response, get
from crawler.discover_parse import (
    HomePage,
    NotUsable,
    menu_candidates,
    parse_feed,
    parse_home,
    parse_listing,
    parse_sitemap,
    parse_wp_posts,
    site_name_from_title,
    wp_posts_endpoint,
)

__all__ = [
    "Discovery",
    "FeedFound",
    "ListingPage",
    "SitemapFound",
    "discover",
    "normalize_home_url",
    "verify",
]

logger = logging.getLogger(__name__)

FEED_PATHS = ("feed/", "rss", "index.xml", "atom.xml")
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/wp-sitemap.xml")
WP_POSTS_PATH = "wp-json/wp/v2/posts"
MAX_SITEMAP_FILES = 25  # per discovery; an index of 300 monthly files is sampled newest first
MAX_SITEMAP_DEPTH = 3  # index → index → sitemap
MAX_LISTING_CANDIDATES = 12
MIN_LISTING_ARTICLES = 3  # links to stories a page needs to count as a section page
FUTURE_TOLERANCE = timedelta(days=1)  # publishers' clocks and time zones
ROBOTS_AGENT = "Kliping"  # the product token of our User-Agent, as robots.txt names it

_STATUS_WORDS = {
    401: "perlu login",
    403: "ditolak",
    404: "tidak ditemukan",
    410: "sudah dihapus",
    429: "terlalu banyak permintaan",
}


@dataclass
class FeedFound:
    url: str
    title: str
    format: str  # "rss" or "atom"
    entries: int
    newest: datetime | None
    via: str  # "link" (home page <link>), "path" (common path), "stored" (registry)
    warning: str = ""


@dataclass
class SitemapFound:
    url: str
    kind: str  # "index", "news" (Google News) or "urls"
    entries: int  # URLs listed; child sitemaps for an index
    newest: datetime | None  # newest article date (none for an index)
    via: str  # "robots", "path", "index", "stored"
    parent: str | None = None  # the index that lists it


@dataclass
class ListingPage:
    url: str
    articles: int  # story links on the first page
    next_url: str | None  # the second page, when the page links one


@dataclass
class Discovery:
    home_url: str
    final_url: str | None = None
    reachable: bool = False
    site_name: str = ""
    language: str = ""
    feeds: list[FeedFound] = field(default_factory=list)
    sitemaps: list[SitemapFound] = field(default_factory=list)
    wp_json: str | None = None
    listing_pages: list[ListingPage] = field(default_factory=list)
    last_article: datetime | None = None
    problems: list[str] = field(default_factory=list)

    def feed_urls(self) -> list[str]:
        return [f.url for f in self.feeds]

    def sitemap_urls(self) -> list[str]:
        """The sitemaps a crawl starts from: those no found index already lists."""
        return [s.url for s in self.sitemaps if s.parent is None]

    def listing_urls(self) -> list[str]:
        return [p.url for p in self.listing_pages]

    def found_anything(self) -> bool:
        return bool(self.feeds or self.sitemaps or self.wp_json or self.listing_pages)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (dates as ISO text), as stored in the registry."""
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Discovery:
        """Read back :meth:`to_dict`; keys a newer or older Kliping wrote are ignored."""
        data = _known(cls, _dated(data, "last_article"))
        data["feeds"] = [FeedFound(**_known(FeedFound, _dated(f))) for f in data.get("feeds", [])]
        data["sitemaps"] = [
            SitemapFound(**_known(SitemapFound, _dated(s))) for s in data.get("sitemaps", [])
        ]
        data["listing_pages"] = [
            ListingPage(**_known(ListingPage, p)) for p in data.get("listing_pages", [])
        ]
        return cls(**data)


def normalize_home_url(url: str) -> str:
    """What a person types ("suarapemalang.com") as an absolute URL; ValueError if hopeless."""
    url = (url or "").strip()
    if not url:
        raise ValueError("alamat kosong")
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"bukan alamat http(s): {url!r}")
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def discover(
    home_url: str, *, fetch: Fetch | None = None, now: datetime | None = None
) -> Discovery:
    """Everything a site says about where it publishes, checked by fetching it.

    ``fetch`` makes one GET without following redirects (default: :class:`HttpFetcher`);
    ``now`` is the moment after which article dates are treated as wrong.
    """
    with _Probe(fetch, now) as probe:
        return probe.discover(home_url)


def verify(
    home_url: str,
    *,
    feeds: list[str] = (),
    sitemaps: list[str] = (),
    wp_json: str | None = None,
    listing_pages: list[str] = (),
    fetch: Fetch | None = None,
    now: datetime | None = None,
) -> Discovery:
    """Re-check the endpoints stored for a source, guessing nothing new.

    Every stored address that no longer answers or parses is a problem.
    """
    with _Probe(fetch, now) as probe:
        return probe.verify(home_url, list(feeds), list(sitemaps), wp_json, list(listing_pages))


class _Probe:
    """One discovery: the fetcher, what was fetched already, and the problems met."""

    def __init__(self, fetch: Fetch | None, now: datetime | None) -> None:
        self._own_fetcher = fetch is None
        self.fetch: Fetch = fetch if fetch is not None else HttpFetcher()
        self.now = now or datetime.now(UTC)
        self.result: Discovery
        self.cache: dict[str, Response | FetchError] = {}  # by requested URL, redirects followed
        self.raw: dict[str, Response | FetchError] = {}  # single requests: one GET per URL
        self.answered = False  # some HTTP response came back: the host is up
        self.dates: list[datetime] = []  # newest article date of each feed, sitemap, API
        self.feed_entries: list[frozenset[str]] = []  # entry links of each feed found
        self.index_children: dict[str, list[str]] = {}  # sitemap index URL → listed URLs
        self.rules: Protego | None = None  # the site's robots.txt, once read
        self.rules_host = ""

    def __enter__(self) -> _Probe:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._own_fetcher and isinstance(self.fetch, HttpFetcher):
            self.fetch.close()

    # --- fetching ---------------------------------------------------------------------------

    def fetch_once(self, url: str) -> Response:
        """The fetcher, but never twice for one URL (``/rss`` and ``/feed/`` often meet)."""
        if url not in self.raw:
            try:
                self.raw[url] = self.fetch(url)
            except FetchError as exc:
                self.raw[url] = exc
            except Exception as exc:  # a fetcher bug must not lose the whole discovery
                logger.exception("fetching %s failed", url)
                self.raw[url] = FetchError(url, f"galat tak terduga ({type(exc).__name__}: {exc})")
        outcome = self.raw[url]
        if isinstance(outcome, FetchError):
            raise outcome
        return outcome

    def allowed(self, url: str) -> bool:
        """Discovery guesses politely: nothing robots.txt forbids Kliping is requested."""
        if self.rules is None or urlsplit(url).netloc != self.rules_host:
            return True
        return self.rules.can_fetch(url, ROBOTS_AGENT)

    def problem(self, url: str, reason: str) -> None:
        text = f"{url}: {reason}"
        if text not in self.result.problems:
            logger.info("discovery problem: %s", text)
            self.result.problems.append(text)

    def get(self, url: str, *, declared: bool) -> Response | None:
        """A 2xx response for ``url`` (redirects followed), or None with the reason noted.

        ``declared`` URLs were named by the site itself, so their failure is a problem;
        a guessed one failing is just logged.
        """
        outcome = self.cache.get(url)
        if outcome is None and not self.allowed(url):
            outcome = self.cache[url] = FetchError(url, "dilarang oleh robots.txt situs ini")
        if outcome is None:
            try:
                outcome = get(self.fetch_once, url)
                self.answered = True
                self.cache.setdefault(outcome.url, outcome)
            except FetchError as exc:
                self.answered = self.answered or exc.answered
                outcome = exc
            self.cache[url] = outcome
        if isinstance(outcome, FetchError):
            if declared:
                self.problem(url, outcome.reason)
            else:
                logger.debug("guess %s failed: %s", url, outcome.reason)
            return None
        if not outcome.ok:
            if declared:
                self.problem(url, _status_reason(outcome.status))
            else:
                logger.debug("guess %s answered HTTP %d", url, outcome.status)
            return None
        return outcome

    # --- the two entry points -----------------------------------------------------------------

    def discover(self, home_url: str) -> Discovery:
        self.result = Discovery(home_url=home_url)
        try:
            home_url = normalize_home_url(home_url)
        except ValueError as exc:
            self.problem(home_url or "(kosong)", str(exc))
            return self.result
        self.result.home_url = home_url
        home = self.home(home_url)
        if home is None and not self.answered:
            return self.result  # nothing answers there; every other request would fail too
        base = self.result.final_url or home_url
        root = urlunsplit(urlsplit(base)[:2] + ("/", "", ""))

        robots_sitemaps = self.robots(root, base)
        declared_feeds = [url for url, _title, _kind in (home.feed_links if home else [])]
        for url in declared_feeds:
            self.feed(url, via="link")
        for path in FEED_PATHS:
            self.feed(urljoin(base, path), via="path")
        self.sitemaps(
            [(u, "robots") for u in robots_sitemaps]
            + [(urljoin(root, p), "path") for p in SITEMAP_PATHS]
        )
        if home and home.wp_api:
            self.wp(wp_posts_endpoint(home.wp_api), declared=True)
        else:
            self.wp(urljoin(base, WP_POSTS_PATH), declared=False)
        if home and not (self.result.feeds or self.result.sitemaps or self.result.wp_json):
            self.listings(home, base)
        self.finish(home)
        return self.result

    def verify(
        self,
        home_url: str,
        feeds: list[str],
        sitemaps: list[str],
        wp_json: str | None,
        listings: list[str],
    ) -> Discovery:
        self.result = Discovery(home_url=home_url)
        home = self.home(home_url)
        if home is None and not self.answered:
            return self.result
        for url in feeds:
            self.feed(url, via="stored", declared=True)
        self.sitemaps([(u, "stored") for u in sitemaps])
        if wp_json:
            self.wp(wp_json, declared=True)
        for url in listings:
            self.listing(url, declared=True, exclude=set())
        self.finish(home)
        return self.result

    # --- steps ------------------------------------------------------------------------------

    def home(self, url: str) -> HomePage | None:
        response = self.get(url, declared=True)
        if response is None:
            return None
        self.result.reachable = True
        self.result.final_url = response.url
        if response.content_type and "html" not in response.content_type:
            self.problem(url, f"halaman depan bukan HTML ({response.content_type})")
            return None
        try:
            return parse_home(response.body, response.url, response.headers.get("content-type", ""))
        except NotUsable as exc:
            self.problem(url, exc.args[0])
            return None

    def robots(self, root: str, base: str) -> list[str]:
        url = urljoin(root, "robots.txt")
        try:
            response = get(self.fetch_once, url)
        except FetchError as exc:
            self.problem(url, f"tidak dapat diambil ({exc.reason})")
            return []
        if response.status in (404, 410) or (response.ok and not response.body.strip()):
            return []  # no robots.txt: everything allowed, no sitemap declared
        if not response.ok:
            self.problem(url, f"tidak dapat dibaca ({_status_reason(response.status)})")
            return []
        text = response.body.decode("utf-8", errors="replace")
        try:
            rules = Protego.parse(text)
        except Exception as exc:  # Protego is lenient; a crash here is still one problem, not fatal
            self.problem(url, f"tidak dapat dibaca ({exc})")
            return []
        if not rules.can_fetch(base, ROBOTS_AGENT):
            self.problem(url, f"robots.txt melarang Kliping mengambil {base}")
        self.rules, self.rules_host = rules, urlsplit(url).netloc
        return [urljoin(url, s.strip()) for s in rules.sitemaps if s.strip()]

    def feed(self, url: str, *, via: str, declared: bool | None = None) -> None:
        declared = via != "path" if declared is None else declared
        response = self.get(url, declared=declared)
        if response is None:
            return
        if any(f.url == response.url for f in self.result.feeds):
            return
        try:
            parsed = parse_feed(response.body, response.headers.get("content-type", ""))
        except NotUsable as exc:
            if declared:
                self.problem(url, exc.args[0])
            return
        if parsed.links and parsed.links in self.feed_entries:
            return  # the same feed served at a second address
        self.feed_entries.append(parsed.links)
        self.result.feeds.append(
            FeedFound(
                url=response.url,
                title=parsed.title,
                format=parsed.format,
                entries=parsed.entries,
                newest=self.newest(response.url, parsed.dates),
                via=via,
                warning=parsed.warning,
            )
        )

    def sitemaps(self, start: list[tuple[str, str]]) -> None:
        queue: list[tuple[str, str, str | None, int]] = [(u, via, None, 0) for u, via in start]
        done: set[str] = set()
        digests: set[str] = set()
        fetched = 0
        while queue:
            url, via, parent, depth = queue.pop(0)
            if url in done:
                continue
            done.add(url)
            if fetched >= MAX_SITEMAP_FILES:
                logger.info("sitemap limit (%d files) reached; %s not read", MAX_SITEMAP_FILES, url)
                continue
            declared = via != "path"
            response = self.get(url, declared=declared)
            fetched += 1
            if response is None:
                continue
            digest = hashlib.sha1(response.body).hexdigest()
            if response.url in done - {url} or digest in digests:
                continue  # reached again through a redirect, or the same file at a second address
            done.add(response.url)
            try:
                parsed = parse_sitemap(response.body)
            except NotUsable as exc:
                if declared:
                    self.problem(url, exc.args[0])
                continue
            digests.add(digest)
            found = SitemapFound(
                url=response.url,
                kind=parsed.kind,
                entries=len(parsed.locs),
                newest=self.newest(response.url, parsed.dates) if parsed.kind != "index" else None,
                via=via,
                parent=parent,
            )
            self.result.sitemaps.append(found)
            if parsed.kind == "index":
                self.index_children[response.url] = parsed.locs
                if depth + 1 <= MAX_SITEMAP_DEPTH:
                    oldest = datetime.min.replace(tzinfo=UTC)
                    children = sorted(parsed.children, key=lambda c: c[1] or oldest, reverse=True)
                    queue.extend((loc, "index", response.url, depth + 1) for loc, _ in children)
        self._adopt_listed_roots()

    def _adopt_listed_roots(self) -> None:
        """A sitemap found on its own (robots.txt) that an index also lists is crawled from
        the index, so it is not a second starting point."""
        by_url = {s.url: s for s in self.result.sitemaps}

        def ancestors(url: str) -> set[str]:
            seen: set[str] = set()
            while url in by_url and by_url[url].parent and by_url[url].parent not in seen:
                url = by_url[url].parent
                seen.add(url)
            return seen

        for sitemap in self.result.sitemaps:
            if sitemap.parent is not None:
                continue
            for index_url, listed in self.index_children.items():
                if (
                    index_url != sitemap.url
                    and sitemap.url in listed
                    and sitemap.url not in ancestors(index_url)
                ):
                    sitemap.parent = index_url
                    break

    def wp(self, endpoint: str, *, declared: bool) -> None:
        probe_url = endpoint + ("&" if "?" in endpoint else "?") + "per_page=1"
        response = self.get(probe_url, declared=declared)
        if response is None:
            return
        try:
            dates = parse_wp_posts(response.body)
        except NotUsable as exc:
            if declared:
                self.problem(probe_url, f"WordPress REST API: {exc.args[0]}")
            return
        self.result.wp_json = endpoint
        self.newest(endpoint, dates)

    def listings(self, home: HomePage, base: str) -> None:
        nav = {link.url for link in home.links if link.in_menu}
        for url in [base] + menu_candidates(home, base, MAX_LISTING_CANDIDATES):
            # Menu entries are guesses: "Galeri" or "Video" without stories is no problem.
            self.listing(url, declared=False, exclude=nav)

    def listing(self, url: str, *, declared: bool, exclude: set[str]) -> None:
        response = self.get(url, declared=declared)
        if response is None:
            return
        if "html" not in (response.content_type or "text/html"):
            if declared:
                self.problem(url, f"bukan halaman HTML ({response.content_type})")
            return
        try:
            info = parse_listing(
                response.body,
                response.url,
                response.headers.get("content-type", ""),
                exclude=exclude,
            )
        except NotUsable as exc:
            if declared:
                self.problem(url, exc.args[0])
            return
        if len(info.articles) < MIN_LISTING_ARTICLES:
            if declared:
                self.problem(
                    url, f"hanya {len(info.articles)} tautan berita (halaman rubrik berubah?)"
                )
            return
        if all(p.url != response.url for p in self.result.listing_pages):
            self.result.listing_pages.append(
                ListingPage(response.url, len(info.articles), info.next_url)
            )

    def finish(self, home: HomePage | None) -> None:
        result = self.result
        if home is not None:
            result.language = home.language
            result.site_name = home.site_name
        if not result.site_name:
            declared = [f for f in result.feeds if f.via == "link" and f.title]
            title = declared[0].title if declared else ""
            result.site_name = title or site_name_from_title(home.title if home else "")
        if not result.site_name:
            result.site_name = urlsplit(result.final_url or result.home_url).hostname or ""
        result.last_article = max(self.dates) if self.dates else None

    def newest(self, url: str, dates: list[datetime]) -> datetime | None:
        """The newest plausible date; dates in the future are dropped as one problem."""
        limit = self.now + FUTURE_TOLERANCE
        future = [d for d in dates if d > limit]
        if future:
            self.problem(
                url,
                f"{len(future)} tanggal di masa depan diabaikan (mis. {max(future).date().isoformat()})",
            )
        good = [d for d in dates if d <= limit]
        newest = max(good) if good else None
        if newest is not None:
            self.dates.append(newest)
        return newest


def _status_reason(status: int) -> str:
    if status in _STATUS_WORDS:
        return f"HTTP {status} ({_STATUS_WORDS[status]})"
    if status >= 500:
        return f"HTTP {status} (galat server)"
    return f"HTTP {status}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in data.items() if k in names}


def _dated(data: dict[str, Any], key: str = "newest") -> dict[str, Any]:
    data = dict(data)
    if isinstance(data.get(key), str):
        data[key] = datetime.fromisoformat(data[key])
    return data
