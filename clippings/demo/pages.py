"""Maps a request path of the example site to a rendered response.

Kept apart from the HTTP server so the routing can be read (and tested) without sockets.
The markup imitates a WordPress news theme on purpose: the crawler must learn to find the
story among menus, tickers, comment forms and related-post lists, as on real local sites.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from html import escape
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from clippings.demo.content import (
    LOCALE,
    SITE_DIR,
    Article,
    Site,
    build_site,
    format_comment_time,
    format_published,
)

PER_PAGE = 6  # listing pages; with a dozen stories the home page has a /page/2/
FEED_SIZE = 8  # WordPress default is 10; fewer makes the sitemap matter
TRACKING = "utm_source=rss&utm_medium=rss"

_ARTICLE = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/(?:(\d+)/)?$")
_LISTING = re.compile(r"^/(?:(kategori|tag|author)/([a-z0-9-]+)/)?(?:page/(\d+)/)?$")
_UPLOAD = re.compile(r"^/wp-content/uploads/\d{4}/\d{2}/([a-z0-9-]+)\.svg$")
_STATIC_PAGE = re.compile(r"^/([a-z0-9-]+)/$")


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def slugify(text: str) -> str:
    """WordPress-style slug for tags and authors ("Kabupaten Tegal" → "kabupaten-tegal")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def excerpt(article: Article, words: int = 30) -> str:
    tokens = article.paragraphs[0].split()
    return " ".join(tokens[:words]) + (" […]" if len(tokens) > words else "")


class DemoSite:
    """The example site for one day at one base URL."""

    def __init__(self, site: Site, base_url: str) -> None:
        self.site = site
        self.base_url = base_url.rstrip("/")
        self.env = Environment(
            loader=FileSystemLoader(SITE_DIR / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            published=format_published,
            comment_time=format_comment_time,
            rfc822=lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0700"),
            iso=lambda d: d.isoformat(timespec="seconds"),
            slugify=slugify,
            url=self.url,
        )
        self.by_slug = {a.slug: a for a in site.articles}

    @classmethod
    def for_day(cls, today: date, base_url: str) -> DemoSite:
        return cls(build_site(today), base_url)

    def url(self, path: str) -> str:
        """Absolute URL, as WordPress writes every link."""
        return self.base_url + path

    # -- routing -------------------------------------------------------------------------

    def respond(self, target: str) -> Response:
        """Render the response for a request target (path plus optional query)."""
        parts = urlsplit(target)
        path, query = parts.path or "/", parse_qs(parts.query)
        if path == "/robots.txt":
            return self._text("robots.txt.j2", "text/plain; charset=utf-8")
        if path == "/feed/":
            return self._text("feed.xml.j2", "application/rss+xml; charset=UTF-8", **self._feed())
        if path == "/sitemap.xml":
            return self._text("sitemap_index.xml.j2", "application/xml; charset=UTF-8")
        if path == "/post-sitemap.xml":
            return self._text("post_sitemap.xml.j2", "application/xml; charset=UTF-8")
        if path == "/page-sitemap.xml":
            return self._text("page_sitemap.xml.j2", "application/xml; charset=UTF-8")
        if path == "/wp-content/themes/warta/style.css":
            return self._text("style.css.j2", "text/css; charset=utf-8")
        if m := _UPLOAD.match(path):
            return self._text("image.svg.j2", "image/svg+xml", name=m.group(1))
        if path == "/" and "p" in query:
            return self._short_link(query["p"][0])
        if path == "/" and "s" in query:
            return self._search(query["s"][0])
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            return self._redirect(path + "/" + (f"?{parts.query}" if parts.query else ""))
        if m := _ARTICLE.match(path):
            return self._article(*m.groups())
        if m := _LISTING.match(path):
            if m.group(3) == "1":  # WordPress sends /page/1/ back to the first page
                return self._redirect(path.removesuffix("page/1/"))
            return self._listing(m.group(1), m.group(2), int(m.group(3) or 1))
        if m := _STATIC_PAGE.match(path):
            page = next((p for p in self.site.pages if p.slug == m.group(1)), None)
            if page:
                return self._html("page.html.j2", page=page, title=page.title)
        return self.not_found()

    def not_found(self) -> Response:
        return self._html("404.html.j2", status=404, title="Halaman tidak ditemukan")

    # -- views ---------------------------------------------------------------------------

    def _article(self, year: str, month: str, day: str, slug: str, page: str | None) -> Response:
        article = self.by_slug.get(slug)
        if article is None or article.path != f"/{year}/{month}/{day}/{slug}/":
            return self.not_found()
        number = int(page or 1)
        if page == "1":
            return self._redirect(article.path)
        if not 1 <= number <= article.pages:
            return self.not_found()
        others = [a for a in self.site.articles if a is not article]
        related = sorted(
            others, key=lambda a: (a.rubric_slug != article.rubric_slug, -a.published.timestamp())
        )[:5]
        baca_juga = None
        if article.baca_juga:
            after, target = article.baca_juga
            baca_juga = (after, self.by_slug[target])
        page_paragraphs = article.page_paragraphs(number)
        offset = 0 if number == 1 else (article.split_after or 0)
        return self._html(
            "article.html.j2",
            article=article,
            page_number=number,
            page_paragraphs=page_paragraphs,
            paragraph_offset=offset,
            baca_juga=baca_juga,
            related=related,
            canonical=self.url(article.path + (f"{number}/" if number > 1 else "")),
            jsonld=self._jsonld(article),
            title=article.title,
        )

    def _listing(self, kind: str | None, slug: str | None, number: int) -> Response:
        articles = list(self.site.articles)
        heading = None
        if kind == "kategori":
            articles = [a for a in articles if a.rubric_slug == slug]
            heading = next((c.name for c in self.site.categories if c.slug == slug), None)
        elif kind == "tag":
            articles = [a for a in articles if slug in {slugify(t) for t in a.tags}]
            heading = next((t for a in articles for t in a.tags if slugify(t) == slug), None)
        elif kind == "author":
            articles = [a for a in articles if slugify(a.author) == slug]
            heading = articles[0].author if articles else None
        if kind and not articles:
            return self.not_found()
        pages = max(1, math.ceil(len(articles) / PER_PAGE))
        base = f"/{kind}/{slug}/" if kind else "/"
        if number > pages or number < 1:
            return self.not_found()
        return self._html(
            "listing.html.j2",
            items=articles[(number - 1) * PER_PAGE : number * PER_PAGE],
            heading=heading,
            kind=kind,
            page_number=number,
            pages=pages,
            base=base,
            title=heading or self.site.outlet.tagline,
        )

    def _search(self, term: str) -> Response:
        needle = term.casefold()
        items = [a for a in self.site.articles if needle and needle in a.title.casefold()]
        return self._html(
            "listing.html.j2",
            items=items,
            heading=f"Hasil pencarian: {term}",
            kind="search",
            page_number=1,
            pages=1,
            base="/",
            title=f"Hasil pencarian: {term}",
        )

    def _short_link(self, post_id: str) -> Response:
        article = next((a for a in self.site.articles if str(a.id) == post_id), None)
        return self._redirect(article.path) if article else self.not_found()

    def _feed(self) -> dict:
        items = []
        for n, article in enumerate(self.site.articles[:FEED_SIZE]):
            link = self.url(article.path)
            # Feed plugins tag some links for analytics; the canonical URL has no query.
            if n % 2 == 1:
                link += f"?{TRACKING}&utm_campaign={article.slug[:40]}"
            items.append({"article": article, "link": link, "excerpt": excerpt(article, 40)})
        return {"items": items}

    def _jsonld(self, article: Article) -> dict:
        """Schema.org graph as SEO plugins print it; dates only where the story wants them."""
        url = self.url(article.path)
        graph: list[dict] = [
            {
                "@type": "Organization",
                "@id": self.url("/#organization"),
                "name": self.site.outlet.name,
                "url": self.url("/"),
            },
            {
                "@type": "BreadcrumbList",
                "@id": url + "#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Beranda", "item": self.url("/")},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": article.rubric,
                        "item": self.url(f"/kategori/{article.rubric_slug}/"),
                    },
                    {"@type": "ListItem", "position": 3, "name": article.title},
                ],
            },
        ]
        if "jsonld" in article.machine_date:
            news: dict = {
                "@type": "NewsArticle",
                "@id": url + "#article",
                "headline": article.title,
                "datePublished": article.published.isoformat(timespec="seconds"),
                "dateModified": article.lastmod.isoformat(timespec="seconds"),
                "author": {"@type": "Person", "name": article.author},
                "publisher": {"@id": self.url("/#organization")},
                "mainEntityOfPage": url,
                "articleSection": article.rubric,
                "inLanguage": "id-ID",
            }
            if article.image:
                news["image"] = self.url(self.image_path(article))
            graph.insert(0, news)
        return {"@context": "https://schema.org", "@graph": graph}

    def image_path(self, article: Article) -> str:
        return f"/wp-content/uploads/{article.published:%Y/%m}/{article.image}.svg"

    # -- rendering -----------------------------------------------------------------------

    def _common(self) -> dict:
        site = self.site
        return {
            "site": site,
            "outlet": site.outlet,
            "base_url": self.base_url,
            "trending": site.articles[:5],
            "popular": sorted(site.articles, key=lambda a: -a.views)[:5],
            "year": site.today.year,
            "excerpt": excerpt,
            "image_path": self.image_path,
            "locale": LOCALE,
        }

    def _html(self, template: str, status: int = 200, **context) -> Response:
        body = self.env.get_template(template).render(**self._common(), **context)
        return Response(status, "text/html; charset=UTF-8", body.encode("utf-8"))

    def _text(self, template: str, content_type: str, **context) -> Response:
        body = self.env.get_template(template).render(**self._common(), **context)
        return Response(200, content_type, body.encode("utf-8"))

    def _redirect(self, path: str) -> Response:
        location = self.url(path)
        body = f'<a href="{escape(location)}">{escape(location)}</a>'.encode()
        return Response(301, "text/html; charset=UTF-8", body, {"Location": location})
