"""Reading what a news site publishes about itself: home page, feeds, sitemaps, listings.

Pure functions over bytes, so each can be tested without a server and reused by the
crawler. Each parser either returns what it found or raises :class:`NotUsable` with a
reason a desk clerk can read; none of them fetches anything.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
from dateutil.parser import isoparse
from w3lib.encoding import html_to_unicode

# Indonesian publishers write local time; a sitemap date without an offset is WIB.
WIB = timezone(timedelta(hours=7))
FEED_TYPES = {"application/rss+xml": "rss", "application/atom+xml": "atom"}
WP_API_REL = "https://api.w.org/"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file

_NEXT_WORDS = {"selanjutnya", "berikutnya", "berikut", "next", "older", "lanjut", "»", "›", ">"}
# Pages in a site menu that never list news: editorial staff, contact, legal, accounts.
_NOT_LISTING = re.compile(
    r"/(redaksi|susunan-redaksi|kontak|kontak-kami|hubungi-kami|contact(-us)?|tentang(-kami)?|about(-us)?|"
    r"pedoman[a-z-]*|privasi|kebijakan[a-z-]*|privacy[a-z-]*|disclaimer|syarat[a-z-]*|terms[a-z-]*|"
    r"karir|lowongan|iklan|pasang-iklan|advertise|login|masuk|daftar|register|wp-login\.php|wp-admin|"
    r"feed|rss|sitemap[a-z_.-]*|cari|search|author|penulis|tag|page/\d+)(/|$)",
    re.IGNORECASE,
)
# Path words of section pages: a long section slug there is not a story.
_SECTION = re.compile(
    r"/(kategori|category|categories|rubrik|kanal|section|sections|topik|channel)/", re.IGNORECASE
)
_FILE = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|mp[34]|css|js|xml|json)$", re.IGNORECASE
)
_SLUG_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}", re.IGNORECASE)
_NUMERIC_ID = re.compile(r"(?:^|[/_-])\d{4,}(?:[/_.-]|$)")


class NotUsable(ValueError):
    """The bytes are not the feed/sitemap/page they were supposed to be; says why."""


@dataclass
class Link:
    url: str
    text: str = ""
    rel: str = ""
    css: str = ""  # class attribute
    in_menu: bool = False


@dataclass
class HomePage:
    feed_links: list[tuple[str, str, str]] = field(default_factory=list)  # url, title, rss|atom
    wp_api: str | None = None
    site_name: str = ""
    title: str = ""
    language: str = ""
    links: list[Link] = field(default_factory=list)


@dataclass
class ParsedFeed:
    title: str
    format: str
    links: frozenset[str]
    dates: list[datetime]
    warning: str = ""  # the feed is broken but was read anyway

    @property
    def entries(self) -> int:
        return len(self.links) or len(self.dates)


@dataclass
class ParsedSitemap:
    kind: str  # "index", "news" or "urls"
    locs: list[str]
    dates: list[datetime]  # publication dates of news entries, else lastmod
    children: list[tuple[str, datetime | None]] = field(default_factory=list)  # index only


# --- home page and listings ----------------------------------------------------------------


def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of an HTML page, honouring the declared charset like a browser would."""
    return html_to_unicode(content_type or None, body)[1]


def _document(body: bytes, url: str, content_type: str) -> lxml.html.HtmlElement:
    text = decode_html(body, content_type)
    if not text.strip():
        raise NotUsable("halaman kosong")
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NotUsable(f"HTML tidak dapat dibaca ({exc})") from None
    doc.make_links_absolute(url, resolve_base_href=True, handle_failures="discard")
    return doc


def parse_home(body: bytes, url: str, content_type: str = "") -> HomePage:
    """Feed and API links, name, language and menu links of a site's home page."""
    doc = _document(body, url, content_type)
    page = HomePage()
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").strip().lower()
        href = (link.get("href") or "").strip()
        if not href:
            continue
        kind = FEED_TYPES.get((link.get("type") or "").strip().lower())
        if (
            "alternate" in rel.split()
            and kind
            and not _is_comment_feed(href, link.get("title") or "")
        ):
            page.feed_links.append((href, (link.get("title") or "").strip(), kind))
        elif rel == WP_API_REL and page.wp_api is None:
            page.wp_api = href
    page.title = " ".join(doc.findtext(".//title", default="").split())
    page.site_name = _meta(doc, "og:site_name") or _meta(doc, "application-name")
    lang = (
        doc.get("lang")
        or doc.get("xml:lang")
        or _meta(doc, "og:locale")
        or _http_equiv(doc, "content-language")
    )
    page.language = re.split(r"[-_]", lang.strip().lower())[0] if lang and lang.strip() else ""
    page.links = _read_links(doc)
    return page


def _read_links(doc: lxml.html.HtmlElement) -> list[Link]:
    # lxml hands out one proxy per live node, so holding them in a set keeps identity valid.
    menu = set(doc.xpath(_MENU_XPATH))
    links = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href.startswith(("http://", "https://")):
            continue
        links.append(
            Link(
                url=href.split("#")[0],
                text=" ".join(anchor.text_content().split()),
                rel=(anchor.get("rel") or "").lower(),
                css=(anchor.get("class") or "").lower(),
                in_menu=anchor in menu,
            )
        )
    return links


# Site menus: <nav>, or the usual theme containers (WordPress "menu-*", "navbar", "main-nav").
_MENU_XPATH = (
    "//nav//a | //*[@role='navigation']//a"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' menu ') or starts-with(@class, 'menu')"
    " or contains(@class, 'navbar') or contains(@class, 'main-nav') or contains(@id, 'menu')"
    " or contains(@class, 'nav-menu')]//a"
)


def _meta(doc: lxml.html.HtmlElement, name: str) -> str:
    for meta in doc.iter("meta"):
        if name in ((meta.get("property") or "").lower(), (meta.get("name") or "").lower()):
            content = " ".join((meta.get("content") or "").split())
            if content:
                return content
    return ""


def _http_equiv(doc: lxml.html.HtmlElement, name: str) -> str:
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == name:
            return meta.get("content") or ""
    return ""


def _is_comment_feed(href: str, title: str) -> bool:
    # WordPress advertises the comments feed beside the posts feed; it holds no articles.
    return "/comments/feed" in href or bool(
        re.search(r"\b(komentar|comments?)\b", title, re.IGNORECASE)
    )


def site_name_from_title(title: str) -> str:
    """ "Warta Pemalang - Kabar Pemalang Hari Ini" → "Warta Pemalang" (name before tagline)."""
    return re.split(r"\s+[-|–—:»]\s+", title, maxsplit=1)[0].strip() if title else ""


def same_site(url: str, home: str) -> bool:
    a, b = urlsplit(url).hostname or "", urlsplit(home).hostname or ""
    return a.removeprefix("www.") == b.removeprefix("www.")


def menu_candidates(page: HomePage, home_url: str, limit: int) -> list[str]:
    """Section pages a site links from its menu ("Pemerintahan", "Ekonomi", ...).

    Falls back to every same-site link when the theme has no recognisable menu.
    """
    links = [link for link in page.links if link.in_menu] or page.links
    found: list[str] = []
    for link in links:
        if not same_site(link.url, home_url) or not _may_list(link.url, home_url):
            continue
        if link.url not in found:
            found.append(link.url)
        if len(found) >= limit:
            break
    return found


def _may_list(url: str, home_url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.rstrip("/") == urlsplit(home_url).path.rstrip("/") and not parts.query:
        return False
    return not (_NOT_LISTING.search(path) or _FILE.search(path) or looks_like_article(url))


def looks_like_article(url: str) -> bool:
    """A URL that names one story: a slug of three words or more, or a numeric id."""
    path = urlsplit(url).path
    if _NOT_LISTING.search(path):
        return False
    if _NUMERIC_ID.search(path):
        return True
    last = re.sub(r"\.(html?|php|aspx?)$", "", path.rstrip("/").rsplit("/", 1)[-1])
    return bool(_SLUG_WORDS.fullmatch(last)) and not _SECTION.search(path)


@dataclass
class ListingInfo:
    articles: list[str]
    next_url: str | None


def parse_listing(
    body: bytes, url: str, content_type: str = "", *, exclude: set[str] = frozenset()
) -> ListingInfo:
    """The story links of a section page and the link to its next page, if any."""
    doc = _document(body, url, content_type)
    links = _read_links(doc)
    articles: list[str] = []
    for link in links:
        if link.in_menu or link.url in exclude or link.url == url:
            continue
        if same_site(link.url, url) and looks_like_article(link.url) and link.url not in articles:
            articles.append(link.url)
    return ListingInfo(articles=articles, next_url=_next_page(doc, links, url))


def _next_page(doc: lxml.html.HtmlElement, links: list[Link], url: str) -> str | None:
    for link in doc.iter("link"):
        if (link.get("rel") or "").lower() == "next" and link.get("href"):
            return link.get("href")
    for link in links:
        words = link.text.lower().replace("»", " » ").split()
        if (
            (
                "next" in link.rel.split()
                or "next" in link.css.split()
                or (words and words[0] in _NEXT_WORDS)
            )
            and same_site(link.url, url)
            and link.url != url
        ):
            return link.url
    return None


# --- feeds -----------------------------------------------------------------------------------


def parse_feed(body: bytes, content_type: str = "") -> ParsedFeed:
    """An RSS or Atom feed, read the forgiving way (feedparser) as long as it has entries.

    Real feeds are often invalid XML (an unescaped "&", a stray BOM); feedparser still
    reads them, and such a feed counts, with a warning. One with no entries does not.
    """
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.entries:
        if not parsed.version:
            raise NotUsable(
                "bukan feed RSS/Atom" + (f" ({content_type.split(';')[0]})" if content_type else "")
            )
        if parsed.bozo:
            raise NotUsable(f"feed tidak dapat dibaca: XML rusak ({_bozo(parsed)})")
        raise NotUsable("feed kosong (tidak ada artikel)")
    links = frozenset(e.get("link", "") for e in parsed.entries if e.get("link"))
    dates = []
    for entry in parsed.entries:
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            dates.append(datetime(*stamp[:6], tzinfo=UTC))
    version = parsed.version or ""
    return ParsedFeed(
        title=" ".join(parsed.feed.get("title", "").split()),
        format="atom" if version.startswith("atom") else "rss",
        links=links,
        dates=dates,
        warning=f"XML tidak valid tetapi masih terbaca ({_bozo(parsed)})" if parsed.bozo else "",
    )


def _bozo(parsed: feedparser.FeedParserDict) -> str:
    exc = parsed.get("bozo_exception")
    text = str(exc) if exc else "tidak diketahui"
    return text.replace("<unknown>:", "baris ")[:120]


# --- sitemaps --------------------------------------------------------------------------------


def gunzip(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Decompress a ``.xml.gz`` sitemap, refusing one that inflates beyond ``limit``."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit)
    except zlib.error as exc:
        raise NotUsable(f"berkas gzip rusak ({exc})") from None
    if inflater.unconsumed_tail:
        raise NotUsable(f"sitemap lebih dari {limit // (1024 * 1024)} MB setelah dibuka (gzip)")
    return data


_SITEMAP_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, remove_comments=True, huge_tree=False
)


def parse_sitemap(body: bytes) -> ParsedSitemap:
    """A sitemap, sitemap index or Google News sitemap, gzip-compressed or not."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip(body)
    if not body.strip():
        raise NotUsable("sitemap kosong")
    try:
        root = lxml.etree.fromstring(body.lstrip(), parser=_SITEMAP_PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        raise NotUsable(f"XML sitemap rusak ({exc})") from None
    if root is None:
        raise NotUsable("bukan XML (mungkin halaman HTML)")
    kind = lxml.etree.QName(root).localname
    if kind not in {"urlset", "sitemapindex"}:
        raise NotUsable(f"bukan sitemap (elemen akar <{kind}>)")
    if kind == "sitemapindex":
        children = []
        for entry in root:
            if _local(entry) == "sitemap" and (loc := _child_text(entry, "loc")):
                children.append((loc, _w3c_date(_child_text(entry, "lastmod"))))
        return ParsedSitemap("index", [c[0] for c in children], [], children)
    locs: list[str] = []
    dates: list[datetime] = []
    news = False
    for entry in root:
        if _local(entry) != "url" or not (loc := _child_text(entry, "loc")):
            continue
        locs.append(loc)
        published = None
        for child in entry:
            if isinstance(child.tag, str) and lxml.etree.QName(child).namespace == NEWS_NS:
                news = True
                published = _w3c_date(_descendant_text(child, "publication_date"))
        stamp = published or _w3c_date(_child_text(entry, "lastmod"))
        if stamp:
            dates.append(stamp)
    return ParsedSitemap("news" if news else "urls", locs, dates)


def _local(element: lxml.etree._Element) -> str:
    return lxml.etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child_text(element: lxml.etree._Element, name: str) -> str:
    for child in element:
        if _local(child) == name:
            return (child.text or "").strip()
    return ""


def _descendant_text(element: lxml.etree._Element, name: str) -> str:
    for child in element.iter():
        if _local(child) == name:
            return (child.text or "").strip()
    return ""


def _w3c_date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = isoparse(text)
    except (ValueError, OverflowError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=WIB)


# --- WordPress REST API ------------------------------------------------------------------------


def wp_posts_endpoint(api_root: str) -> str:
    """``https://x/wp-json/`` → ``https://x/wp-json/wp/v2/posts`` (also ``?rest_route=/``)."""
    if "rest_route=" in api_root:
        return re.sub(r"rest_route=[^&]*", "rest_route=/wp/v2/posts", api_root)
    return urljoin(api_root if api_root.endswith("/") else api_root + "/", "wp/v2/posts")


def parse_wp_posts(body: bytes) -> list[datetime]:
    """Dates of the posts a ``/wp/v2/posts`` answer lists; NotUsable if it is not one."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotUsable("jawaban bukan JSON") from None
    if not isinstance(data, list) or not all(isinstance(p, dict) for p in data):
        raise NotUsable("JSON bukan daftar pos WordPress")
    dates = []
    for post in data:
        # date_gmt is UTC without an offset; date is the site's local time.
        gmt = _w3c_date(str(post.get("date_gmt") or ""))
        local = _w3c_date(str(post.get("date") or ""))
        if gmt:
            dates.append(gmt.replace(tzinfo=UTC))
        elif local:
            dates.append(local)
    return dates
