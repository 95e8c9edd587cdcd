"""One key per article URL, whatever link the crawler found it through."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize, fetch_url

ARTICLE = "https://www.suarapesisir.example/berita/jembatan-kecepit-dibuka"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        ARTICLE + "/",
        ARTICLE + "/?utm_source=rss&utm_medium=rss&utm_campaign=jembatan",
        ARTICLE + "/?fbclid=IwAR0abc",
        ARTICLE + "?gclid=Cj0KCQ&utm_term=x",
        ARTICLE + "/#respond",
        ARTICLE + "/#comment-12",
        ARTICLE + "/amp/",
        ARTICLE + "/amp",
        ARTICLE + "/?amp=1",
        ARTICLE + "/?amp",
        "HTTPS://WWW.SuaraPesisir.EXAMPLE/berita/jembatan-kecepit-dibuka/",
        "https://www.suarapesisir.example:443/berita/jembatan-kecepit-dibuka/",
        "  https://www.suarapesisir.example/berita/jembatan-kecepit-dibuka/\n",
    ],
)
def test_variants_of_one_article_share_a_key(variant):
    assert canonicalize(variant) == ARTICLE


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Parameters that select content stay, sorted.
        ("https://example.id/?p=123&utm_source=wa", "https://example.id/?p=123"),
        ("https://example.id/read?page=2&id=9", "https://example.id/read?id=9&page=2"),
        ("https://example.id/cari?q=amp+berita", "https://example.id/cari?q=amp+berita"),
        # The home page keeps its slash; words that merely contain "amp" are not AMP.
        ("https://example.id", "https://example.id/"),
        ("https://example.id/kamp-ung/", "https://example.id/kamp-ung"),
        ("https://example.id/berita/camp", "https://example.id/berita/camp"),
        # Page 2 of an article is its own page.
        ("https://example.id/berita/judul/2/", "https://example.id/berita/judul/2"),
        # File names and percent-encoding.
        ("https://example.id/read/2025/judul.html", "https://example.id/read/2025/judul.html"),
        ("http://example.id/%7Eredaksi/a b", "http://example.id/~redaksi/a%20b"),
        # http and https are different addresses.
        ("http://example.id/berita/a/", "http://example.id/berita/a"),
    ],
)
def test_canonicalize(url, expected):
    assert canonicalize(url) == expected


def test_fetch_url_keeps_the_publishers_trailing_slash():
    # WordPress redirects /judul to /judul/: requesting the canonical key would cost a hop.
    assert fetch_url(ARTICLE + "/?utm_source=rss#respond") == ARTICLE + "/"
    assert canonicalize(fetch_url(ARTICLE + "/?utm_source=rss")) == ARTICLE


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "/berita/relatif/",
        "mailto:redaksi@example.id",
        "ftp://example.id/a",
        "javascript:void(0)",
    ],
)
def test_non_http_urls_are_refused(bad):
    with pytest.raises(ValueError, match="not an http"):
        canonicalize(bad)


@pytest.mark.parametrize(
    ("url", "home", "expected"),
    [
        (
            "https://m.suarapemalang.com/berita/a/",
            "https://suarapemalang.com/",
            "https://suarapemalang.com/berita/a",
        ),
        (
            "https://m.kompas.example/read/1",
            "https://www.kompas.example/",
            "https://www.kompas.example/read/1",
        ),
        (
            "https://amp.kompas.example/read/1/amp/",
            "https://www.kompas.example/",
            "https://www.kompas.example/read/1",
        ),
        # Another site's mobile host is not this source's page.
        (
            "https://m.lain.example/read/1",
            "https://www.kompas.example/",
            "https://m.lain.example/read/1",
        ),
    ],
)
def test_mobile_and_amp_hosts_of_the_source_are_its_desktop_pages(url, home, expected):
    assert canonicalize(url, home=home) == expected
