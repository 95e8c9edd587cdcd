"""The news spider's decisions on hand-made responses (no network, no reactor)."""

from __future__ import annotations

import asyncio
import gzip
from datetime import date

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.items import Article
from crawler.settings import build_settings
from crawler.spiders.news import NewsSpider, failure_reason, next_page_url

BASE = "https://kabarpesisir.example"
SOURCE = {
    "name": "Kabar Pesisir",
    "url": f"{BASE}/",
    "feeds": [f"{BASE}/feed/"],
    "sitemaps": [f"{BASE}/sitemap_index.xml"],
}


@pytest.fixture
def spider():
    crawler = get_crawler(
        NewsSpider, {"KLIPING_SOURCES": [SOURCE], "KLIPING_REFERENCE_DATE": "2025-10-28"}
    )
    crawler.stats.open_spider()
    return NewsSpider.from_crawler(crawler)


def _meta(kind="article", **extra):
    return {"kliping_source": 0, "kliping_kind": kind, **extra}


def _collect(outputs) -> list:
    """Everything an async callback yields, run to its end."""

    async def run():
        return [output async for output in outputs]

    return asyncio.run(run())


def _html(url: str, body: str, **meta) -> HtmlResponse:
    return HtmlResponse(
        url, body=body.encode(), encoding="utf-8", request=Request(url, meta=_meta(**meta))
    )


def test_settings_name_the_product_and_stay_polite():
    settings = build_settings(
        {"KLIPING_CONTACT_URL": "https://diskominfo.pemalangkab.example/kontak"}
    )
    assert settings["USER_AGENT"] == "Kliping/0.1 (+https://diskominfo.pemalangkab.example/kontak)"
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")


def test_spider_takes_sources_and_reference_from_settings(spider):
    assert spider.sources == [SOURCE]
    assert spider.reference == date(2025, 10, 28)
    requests = list(spider._start_requests())
    assert [r.url for r in requests] == [f"{BASE}/feed/", f"{BASE}/sitemap_index.xml"]


def test_source_without_listings_tries_wordpress_paths():
    crawler = get_crawler(
        NewsSpider, {"KLIPING_SOURCES": [{"name": "Polos", "url": "https://polos.example"}]}
    )
    crawler.stats.open_spider()
    requests = list(NewsSpider.from_crawler(crawler)._start_requests())
    assert [r.url for r in requests] == [
        "https://polos.example/feed/",
        "https://polos.example/sitemap.xml",
    ]


def test_feed_links_are_cleaned_and_requested_once(spider):
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>K</title>
    <item><title>A</title><link>{BASE}/berita/a/?utm_source=rss&amp;utm_medium=rss</link>
      <pubDate>Mon, 27 Oct 2025 20:30:00 +0700</pubDate></item>
    <item><title>A lagi</title><link>{BASE}/berita/a/#respond</link></item>
    <item><title>B</title><link>/berita/b/</link></item>
    </channel></rss>"""
    response = XmlResponse(
        f"{BASE}/feed/", body=feed.encode(), request=Request(f"{BASE}/feed/", meta=_meta("feed"))
    )
    requests = list(spider.parse_feed(response))
    assert [r.url for r in requests] == [f"{BASE}/berita/a/", f"{BASE}/berita/b/"]
    # The feed's date, as written (+0700), is kept for pages that print none.
    assert requests[0].meta["kliping_fallback_date"] == date(2025, 10, 27)
    assert spider.crawler.stats.get_value("kliping/skip/seen_url") == 1


@pytest.mark.parametrize(
    "body",
    [
        b"<rss><channel><item><title>Judul tanpa penutup",
        b"<html><body>Bukan umpan</body></html>",
        b"",
    ],
)
def test_broken_feed_is_counted(spider, body):
    response = TextResponse(
        f"{BASE}/feed/", body=body, request=Request(f"{BASE}/feed/", meta=_meta("feed"))
    )
    assert list(spider.parse_feed(response)) == []
    assert spider.crawler.stats.get_value("kliping/error/feed_broken") == 1
    assert spider.crawler.stats.get_value("kliping/source/0/error/feed_broken") == 1


def test_gzipped_sitemap_and_index(spider):
    urlset = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>{BASE}/berita/a/</loc></url><url><loc>{BASE}/berita/b/</loc></url></urlset>""".encode()
    response = Response(
        f"{BASE}/post-sitemap.xml.gz",
        body=gzip.compress(urlset),
        request=Request(f"{BASE}/x", meta=_meta("sitemap")),
    )
    assert [r.url for r in spider.parse_sitemap(response)] == [
        f"{BASE}/berita/a/",
        f"{BASE}/berita/b/",
    ]
    index = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>{BASE}/post-sitemap.xml.gz</loc></sitemap></sitemapindex>""".encode()
    response = XmlResponse(
        f"{BASE}/sitemap_index.xml",
        body=index,
        request=Request(f"{BASE}/sitemap_index.xml", meta=_meta("sitemap")),
    )
    requests = list(spider.parse_sitemap(response))
    assert [(r.url, r.callback) for r in requests] == [
        (f"{BASE}/post-sitemap.xml.gz", spider.parse_sitemap)
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Bukan peta situs</body></html>",
        gzip.compress(b"<html>lain</html>")[:20],
        b"<?xml version='1.0'?><rss/>",
    ],
)
def test_broken_sitemap_is_counted(spider, body):
    response = Response(
        f"{BASE}/sitemap.xml",
        body=body,
        request=Request(f"{BASE}/sitemap.xml", meta=_meta("sitemap")),
    )
    assert list(spider.parse_sitemap(response)) == []
    assert spider.crawler.stats.get_value("kliping/error/sitemap_broken") == 1


PAGE_ONE = f"""<html><head><link rel="next" href="{BASE}/berita/berikutnya-lain/"></head><body>
<article><div class="entry-content"><p>Teks.</p>
<div class="page-links">Halaman: <span>1</span> <a href="{BASE}/berita/judul/2/">2</a> <a href="{BASE}/berita/judul/3/">3</a></div></div>
<nav class="post-navigation"><a rel="next" href="{BASE}/berita/berikutnya-lain/">Berita berikutnya</a></nav>
</article></body></html>"""


def test_next_page_is_a_page_of_the_same_article_only():
    response = _html(f"{BASE}/berita/judul/", PAGE_ONE)
    assert next_page_url(response, f"{BASE}/berita/judul", 1) == f"{BASE}/berita/judul/2/"
    assert next_page_url(response, f"{BASE}/berita/judul", 2) == f"{BASE}/berita/judul/3/"
    assert next_page_url(response, f"{BASE}/berita/judul", 3) is None


def test_next_page_by_query_parameter():
    body = '<html><body><p>Teks.</p><a href="/read/123/judul?page=2">Selanjutnya</a></body></html>'
    response = _html(f"{BASE}/read/123/judul", body)
    assert next_page_url(response, f"{BASE}/read/123/judul", 1) == f"{BASE}/read/123/judul?page=2"


def test_later_page_reached_alone_is_not_an_article(spider):
    body = f'<html><body><p>Teks lanjutan.</p><div class="page-links"><a href="{BASE}/berita/judul/">1</a> 2</div></body></html>'
    assert spider._is_continuation(_html(f"{BASE}/berita/judul/2/", body))
    # A menu link to the parent section does not make a page a continuation.
    menu = f'<html><body><p>Teks.</p><nav><a href="{BASE}/read">Baca</a></nav></body></html>'
    assert not spider._is_continuation(_html(f"{BASE}/read/2", menu))
    # A story whose slug ends in a number is not a later page.
    assert not spider._is_continuation(
        _html(f"{BASE}/berita/2025/", "<html><body><a href='/'>Beranda</a></body></html>")
    )


def test_non_html_article_is_counted(spider):
    url = f"{BASE}/dokumen/laporan.pdf"
    response = Response(
        url,
        body=b"%PDF-1.4",
        headers={"Content-Type": "application/pdf"},
        request=Request(url, meta=_meta()),
    )
    assert _collect(spider.parse_article(response)) == []
    assert spider.crawler.stats.get_value("kliping/error/not_html") == 1


def test_failed_continuation_still_yields_the_first_page(spider):
    article = Article(
        url=f"{BASE}/berita/judul/",
        canonical_url=f"{BASE}/berita/judul",
        title="Judul",
        body="Halaman satu.",
    )
    request = Request(
        f"{BASE}/berita/judul/2/", meta=_meta("continuation", kliping_article=article)
    )
    failure = Failure(TimeoutError("habis"))
    failure.request = request
    assert list(spider.on_error(failure)) == [article]
    stats = spider.crawler.stats
    assert stats.get_value("kliping/error/timeout") == 1
    assert stats.get_value("kliping/article/incomplete") == 1


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (HttpError(Response(f"{BASE}/x", status=404)), "http_404"),
        (HttpError(Response(f"{BASE}/x", status=503)), "http_503"),
        (DNSLookupError("tidak ada"), "dns"),
        (TimeoutError("habis"), "timeout"),
        (ValueError("aneh"), "valueerror"),
    ],
)
def test_failure_reasons(failure, reason):
    assert failure_reason(Failure(failure)) == reason


def test_scrapy_download_errors_have_reasons():
    import scrapy.exceptions as errors

    names = {
        "CannotResolveHostError": "dns",
        "DownloadTimeoutError": "timeout",
        "DownloadConnectionRefusedError": "connection_refused",
    }
    present = {n: r for n, r in names.items() if hasattr(errors, n)}
    for name, reason in present.items():
        assert failure_reason(Failure(getattr(errors, name)("x"))) == reason
