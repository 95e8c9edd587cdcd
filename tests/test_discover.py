"""Discovery finds exactly where each kind of news site publishes, and survives broken ones.

Every site is a fixture under tests/sites/ served on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import pytest
from sites import closed_port_url, serve, silent_server

from clippings.demo import serve_site, source_for
from crawler.discover import Discovery, discover, verify
from crawler.discover_fetch import HttpFetcher, Response
from crawler.discover_parse import WIB, NotUsable, gunzip, parse_sitemap
from crawler.settings import KLIPING_CONTACT_URL, user_agent

NOW = datetime(2025, 10, 28, 12, 0, tzinfo=UTC)


def sitemap_table(found: Discovery, base: str) -> set[tuple[str, str, str, str | None]]:
    def rel(url: str | None) -> str | None:
        return url.removeprefix(base) if url else None

    return {(rel(s.url), s.kind, s.via, rel(s.parent)) for s in found.sitemaps}


def test_wordpress_site_feed_sitemap_index_and_rest_api():
    with serve("wordpress") as site:
        found = discover(site.url + "/", now=NOW)
        base = site.url
        paths = site.paths()
    # The comments feed is advertised too but holds no articles; /rss redirects to /feed/.
    assert [(f.url, f.via, f.format, f.entries) for f in found.feeds] == [
        (f"{base}/feed/", "link", "rss", 3)
    ]
    # /sitemap.xml redirects to the same index robots.txt declares: one index, not two.
    assert sitemap_table(found, base) == {
        ("/sitemap_index.xml", "index", "robots", None),
        ("/post-sitemap.xml", "urls", "index", "/sitemap_index.xml"),
        ("/page-sitemap.xml", "urls", "index", "/sitemap_index.xml"),
    }
    assert found.sitemap_urls() == [f"{base}/sitemap_index.xml"]
    assert found.wp_json == f"{base}/wp-json/wp/v2/posts"
    assert found.listing_pages == []  # section pages only matter when nothing else is found
    assert (found.site_name, found.language, found.reachable) == ("Warta Tegalsari", "id", True)
    assert found.last_article == datetime(2025, 10, 28, 9, 15, tzinfo=WIB)
    assert found.problems == []
    assert len(paths) == len(set(paths)), f"a URL was fetched twice: {paths}"


def test_non_wordpress_site_with_atom_link_and_robots_sitemap():
    with serve("atom-only") as site:
        found = discover(site.url, now=NOW)
        base = site.url
    assert found.final_url == f"{base}/id/"  # followed the 302 from the bare domain
    assert [(f.url, f.format, f.entries) for f in found.feeds] == [
        (f"{base}/id/berita.atom", "atom", 2)
    ]
    assert sitemap_table(found, base) == {("/peta-situs.xml", "urls", "robots", None)}
    assert found.wp_json is None
    assert found.listing_pages == []
    assert found.site_name == "Kabar Lereng"
    assert found.last_article == datetime(2025, 10, 28, 7, 0, tzinfo=WIB)
    assert found.problems == []


def test_google_news_sitemap_and_gzip_nested_index():
    with serve("news-sitemap") as site:
        found = discover(site.url, now=NOW)
        base = site.url
    assert sitemap_table(found, base) == {
        ("/sitemaps/index.xml.gz", "index", "robots", None),
        ("/sitemaps/2025-10.xml.gz", "urls", "index", "/sitemaps/index.xml.gz"),
        ("/sitemaps/arsip.xml", "index", "index", "/sitemaps/index.xml.gz"),
        ("/sitemaps/2025-09.xml", "urls", "index", "/sitemaps/arsip.xml"),
        ("/news-sitemap.xml", "news", "path", None),
    }
    assert set(found.sitemap_urls()) == {
        f"{base}/sitemaps/index.xml.gz",
        f"{base}/news-sitemap.xml",
    }
    # /feed/ and /sitemap.xml answer 200 with the home page: guesses that do not parse
    # are neither found nor problems.
    assert found.feeds == []
    assert found.listing_pages == []
    assert found.last_article == datetime(2025, 10, 28, 9, 30, tzinfo=WIB)
    assert found.problems == [
        f"{base}/sitemaps/2025-10.xml.gz: 1 tanggal di masa depan diabaikan (mis. 2031-01-01)"
    ]


def test_listing_pages_are_the_fallback_when_nothing_else_exists():
    with serve("listing-only") as site:
        found = discover(site.url, now=NOW)
        base = site.url
    assert (found.feeds, found.sitemaps, found.wp_json) == ([], [], None)
    # Olahraga has no stories, Galeri is a 404 and Redaksi is not a section: all left out.
    assert [(p.url, p.articles, p.next_url) for p in found.listing_pages] == [
        (f"{base}/", 4, None),
        (f"{base}/rubrik/pemerintahan", 3, f"{base}/rubrik/pemerintahan?hal=2"),
        (f"{base}/rubrik/ekonomi", 3, None),
    ]
    assert found.last_article is None
    assert found.problems == []


def test_builtin_demo_site_matches_its_declared_source():
    with serve_site(date(2025, 10, 28)) as base_url:
        found = discover(base_url)
        expected = source_for(base_url)
    assert found.feed_urls() == expected["feeds"]
    assert found.sitemap_urls() == expected["sitemaps"]
    assert found.site_name == "Warta Pemalang (contoh)"


def test_invalid_feed_xml_is_a_problem_and_the_rest_is_still_found():
    routes = {"/feed/": {"file": "broken/feed-rusak.xml", "type": "application/rss+xml"}}
    with serve("wordpress", routes) as site:
        found = discover(site.url, now=NOW)
        base = site.url
    assert found.feeds == []
    assert len(found.problems) == 1
    assert found.problems[0].startswith(
        f"{base}/feed/: feed tidak dapat dibaca: XML rusak (baris 6"
    )
    assert found.sitemap_urls() == [f"{base}/sitemap_index.xml"]
    assert found.wp_json == f"{base}/wp-json/wp/v2/posts"


def test_robots_txt_server_error_is_a_problem_and_sitemaps_come_from_common_paths():
    with serve("wordpress", {"/robots.txt": {"status": 500}}) as site:
        found = discover(site.url, now=NOW)
        base = site.url
    assert found.problems == [f"{base}/robots.txt: tidak dapat dibaca (HTTP 500 (galat server))"]
    # Reached through the /sitemap.xml redirect instead of robots.txt.
    assert sitemap_table(found, base) == {
        ("/sitemap_index.xml", "index", "path", None),
        ("/post-sitemap.xml", "urls", "index", "/sitemap_index.xml"),
        ("/page-sitemap.xml", "urls", "index", "/sitemap_index.xml"),
    }
    assert found.feed_urls() == [f"{base}/feed/"]


def test_home_page_redirect_loop_is_reported_with_its_urls():
    routes = {"/": {"redirect": "/beranda/"}, "/beranda/": {"redirect": "/"}}
    with serve("wordpress", routes) as site:
        found = discover(site.url + "/", now=NOW)
        base = site.url
    assert not found.reachable
    assert found.problems == [
        f"{base}/: pengalihan (redirect) berputar: {base}/ → {base}/beranda/ → {base}/"
    ]
    # The server does answer, so the common paths are still tried and the feed found.
    assert [(f.url, f.via) for f in found.feeds] == [(f"{base}/feed/", "path")]
    assert found.sitemap_urls() == [f"{base}/sitemap_index.xml"]


def test_unreachable_host_gives_one_problem_and_no_further_requests():
    url = closed_port_url()
    found = discover(url, now=NOW)
    assert not found.reachable
    assert not found.found_anything()
    assert len(found.problems) == 1
    assert found.problems[0].startswith(f"{url}: tidak dapat terhubung (")


def test_silent_server_times_out():
    with silent_server() as url:
        found = discover(url, fetch=HttpFetcher(timeout=0.3), now=NOW)
    assert found.problems == [f"{url}: waktu habis (tidak ada jawaban dalam 0.3 detik)"]


def test_requests_name_kliping_and_its_contact():
    with serve("atom-only") as site:
        discover(site.url, now=NOW)
        agents = {headers.get("User-Agent") for _path, headers in site.requests}
    assert agents == {user_agent(KLIPING_CONTACT_URL)}
    assert agents.pop().startswith("Kliping/0.1 (+http")


def pages(mapping: dict[str, tuple[int, str, bytes]]):
    """An in-memory site: URL → (status, content type, body); anything else is a 404."""

    def fetch(url: str) -> Response:
        status, content_type, body = mapping.get(url, (404, "text/html", b"tidak ada"))
        return Response(url=url, status=status, body=body, headers={"content-type": content_type})

    return fetch


HOME = b"""<html lang="id"><head><title>Portal Desa</title>
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" type="application/rss+xml" href="/berita.rss"></head><body></body></html>"""
# An unescaped "&" makes this invalid XML, as in many real feeds; it must still count.
COMMON_BROKEN_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Portal Desa</title>
<item><title>Kerja bakti & gotong royong</title><link>https://desa.contoh/berita/kerja-bakti-gotong-royong</link>
<pubDate>Mon, 27 Oct 2025 08:00:00 +0700</pubDate></item></channel></rss>"""


def test_broken_but_common_feed_counts_with_a_warning_and_an_html_feed_link_does_not():
    fetch = pages(
        {
            "https://desa.contoh/": (200, "text/html", HOME),
            "https://desa.contoh/feed/": (200, "application/rss+xml", COMMON_BROKEN_FEED),
            "https://desa.contoh/berita.rss": (
                200,
                "text/html",
                b"<html><body>Berita</body></html>",
            ),
        }
    )
    found = discover("desa.contoh", fetch=fetch, now=NOW)
    assert found.home_url == "https://desa.contoh/"
    assert [(f.url, f.entries) for f in found.feeds] == [("https://desa.contoh/feed/", 1)]
    assert found.feeds[0].warning.startswith("XML tidak valid tetapi masih terbaca")
    assert found.problems == ["https://desa.contoh/berita.rss: bukan feed RSS/Atom (text/html)"]
    assert found.last_article == datetime(2025, 10, 27, 8, 0, tzinfo=WIB)


def test_a_crashing_fetcher_or_a_bad_url_never_raises():
    def explode(url: str) -> Response:
        raise RuntimeError("socket meledak")

    found = discover("https://desa.contoh/", fetch=explode, now=NOW)
    assert found.problems == [
        "https://desa.contoh/: galat tak terduga (RuntimeError: socket meledak)"
    ]
    found = discover("ftp://desa.contoh/", fetch=explode, now=NOW)
    assert found.problems == ["ftp://desa.contoh/: bukan alamat http(s): 'ftp://desa.contoh/'"]


def test_verify_reports_stored_endpoints_that_stopped_working():
    with serve("wordpress") as site:
        base = site.url
        found = verify(
            base + "/",
            feeds=[f"{base}/feed/", f"{base}/feed-lama/"],
            sitemaps=[f"{base}/sitemap_index.xml"],
            fetch=HttpFetcher(),
            now=NOW,
        )
        guessed = [p for p in site.paths() if p in ("/rss", "/robots.txt", "/news-sitemap.xml")]
    assert found.reachable
    assert found.feed_urls() == [f"{base}/feed/"]
    assert found.sitemap_urls() == [f"{base}/sitemap_index.xml"]
    assert found.problems == [f"{base}/feed-lama/: HTTP 404 (tidak ditemukan)"]
    assert guessed == []  # a check looks only at what is stored


def test_gzip_sitemap_that_inflates_too_far_is_refused():
    body = gzip.compress(b"<urlset>" + b" " * 5000 + b"</urlset>")
    with pytest.raises(NotUsable, match="setelah dibuka"):
        gunzip(body, limit=1000)
    assert parse_sitemap(body).kind == "urls"


def test_discovery_round_trips_through_json():
    with serve("news-sitemap") as site:
        found = discover(site.url, now=NOW)
    again = Discovery.from_dict(found.to_dict())
    assert again == found


def test_discovery_requests_nothing_robots_txt_forbids():
    routes = {"/robots.txt": {"file": "broken/robots-larang.txt", "type": "text/plain"}}
    with serve("wordpress", routes) as site:
        found = discover(site.url, now=NOW)
        base, paths = site.url, site.paths()
    assert not any(p.startswith(("/wp-json/", "/rss")) for p in paths), paths
    assert found.wp_json is None
    # The API is advertised on the home page, so its refusal is worth telling the desk.
    assert found.problems == [
        f"{base}/wp-json/wp/v2/posts?per_page=1: dilarang oleh robots.txt situs ini"
    ]
    assert found.feed_urls() == [f"{base}/feed/"]
