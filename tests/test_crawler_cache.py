"""A scheduled re-crawl of an unchanged site asks for its listings again and gets 304s.

Feeds, sitemaps and robots.txt go through Scrapy's HTTP cache (crawler.cache): stored
beside the raw archive and revalidated with If-None-Match / If-Modified-Since on every
crawl, even when the server said ``max-age``, so a changed feed is never missed.
"""

from __future__ import annotations

from datetime import date

import pytest

from clippings.db import open_db
from crawler.run import run_crawl
from tests.crawl_sites import XML, Page, Site, article_html, sitemap

REFERENCE = date(2025, 10, 28)
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "INFO",
    "KLIPING_EXTRACT_WORKERS": 0,
}
SITEMAP_DATE = "Sun, 26 Oct 2025 03:00:00 GMT"
STORIES = {
    "/berita/irigasi/": (
        "Saluran Irigasi Desa Sirau Dinormalisasi",
        "2025-10-26T08:00:00+07:00",
        [
            "PEMALANG - Dinas Pekerjaan Umum menormalisasi saluran irigasi di Desa Sirau sepanjang dua kilometer agar sawah tidak lagi kekeringan pada musim tanam berikutnya.",
            "Kelompok tani setempat ikut membersihkan lumpur dan sampah yang menyumbat pintu air, sementara alat berat dikerahkan untuk bagian saluran yang paling dangkal.",
        ],
    ),
    "/berita/posyandu/": (
        "Posyandu Lansia Dibuka di Tiga Kelurahan",
        "2025-10-26T10:00:00+07:00",
        [
            "PEMALANG - Dinas Kesehatan membuka posyandu khusus warga lanjut usia di tiga kelurahan, dengan pemeriksaan tekanan darah dan gula darah tanpa biaya.",
            "Kader posyandu mendata warga yang membutuhkan kunjungan rumah karena tidak bisa datang sendiri, dan petugas puskesmas dijadwalkan hadir setiap pekan.",
        ],
    ),
    "/berita/pasar-malam/": (
        "Pasar Malam Alun-Alun Ditertibkan Menjelang Akhir Pekan",
        "2025-10-27T19:00:00+07:00",
        [
            "PEMALANG - Satuan Polisi Pamong Praja menertibkan lapak pasar malam di alun-alun yang menutup jalur pejalan kaki dan mengganggu arus kendaraan.",
            "Para pedagang dipindahkan ke sisi utara alun-alun yang lebih lapang, dan paguyuban pedagang sepakat menjaga kebersihan setelah pasar tutup.",
        ],
    ),
}


def _story(path: str) -> Page:
    title, published, paragraphs = STORIES[path]
    return Page(article_html(title, paragraphs, published=published).encode())


def _feed(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{STORIES[p][0]}</title><link>{base}{p}</link>"
        f"<pubDate>{STORIES[p][1]}</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Warta Uji</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def _articles(db_path) -> set[str]:
    db = open_db(db_path)
    try:
        return {r["canonical_url"] for r in db.query("select canonical_url from articles")}
    finally:
        db.close()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cache")
    with Site() as site:
        base = site.base
        for path in ("/berita/irigasi/", "/berita/posyandu/", "/berita/pasar-malam/"):
            site.add(path, _story(path))
        site.add(
            "/robots.txt",
            Page(b"User-agent: *\nAllow: /\n", content_type="text/plain", etag='"r1"'),
        )
        # The feed says it stays fresh for an hour: a crawl must ask anyway.
        feed_headers = {"Cache-Control": "max-age=3600"}
        site.add(
            "/feed/",
            Page(
                _feed(base, ["/berita/irigasi/"]),
                content_type=XML,
                etag='"f1"',
                headers=feed_headers,
            ),
        )
        site.add(
            "/sitemap.xml",
            Page(
                sitemap(base, [("/berita/posyandu/", "2025-10-26T10:00:00+07:00")]),
                content_type=XML,
                last_modified=SITEMAP_DATE,
            ),
        )
        source = {
            "name": "Warta Uji",
            "url": f"{base}/",
            "feeds": [f"{base}/feed/"],
            "sitemaps": [f"{base}/sitemap.xml"],
        }
        kwargs = dict(db_path=tmp / "k.db", raw_dir=tmp / "raw", reference=REFERENCE, region="uji")
        reports, answers = [], []

        def crawl():
            start = len(site.answers)
            reports.append(run_crawl([source], settings=SETTINGS, **kwargs))
            answers.append(site.answers[start:])

        crawl()  # 1: everything is new
        crawl()  # 2: nothing changed
        # 3: a new story in the feed (new ETag, still max-age=3600)
        site.add(
            "/feed/",
            Page(
                _feed(base, ["/berita/pasar-malam/", "/berita/irigasi/"]),
                content_type=XML,
                etag='"f2"',
                headers=feed_headers,
            ),
        )
        crawl()
        # 4: the sitemap's server fails: reported, not hidden behind the stored copy
        site.add("/sitemap.xml", Page(b"gangguan server", status=503, content_type="text/plain"))
        crawl()
        # 5: the whole site is down: the stored feed and sitemap must not pass for "unchanged"
        site.__exit__(None, None, None)
        crawl()
        yield {"tmp": tmp, "reports": reports, "answers": answers, "kwargs": kwargs}


def test_first_crawl_stores_listings_in_the_cache_beside_the_archive(crawls):
    first = crawls["reports"][0]
    assert first["articles"]["new"] == 2
    assert first["listings_not_modified"] == 0
    assert (crawls["tmp"] / "httpcache").is_dir()
    # Article pages are archived by the store, not kept twice.
    cached = [p.name for p in (crawls["tmp"] / "httpcache").rglob("meta")]
    assert len(cached) == 3  # robots.txt, feed, sitemap


def test_unchanged_site_answers_304_and_no_article_is_fetched_again(crawls):
    second = crawls["answers"][1]
    assert sorted(second) == [("/feed/", 304), ("/robots.txt", 304), ("/sitemap.xml", 304)]
    report = crawls["reports"][1]
    assert report["listings_not_modified"] == 2
    assert report["articles"]["new"] == 0
    assert report["skipped"]["already_seen"] == 2


def test_changed_feed_is_read_although_it_said_max_age(crawls):
    third = dict(crawls["answers"][2])
    assert third["/feed/"] == 200
    assert third["/sitemap.xml"] == 304
    assert "/berita/pasar-malam/" in third
    assert "/berita/irigasi/" not in third and "/berita/posyandu/" not in third
    assert crawls["reports"][2]["articles"]["new"] == 1
    assert {u.rsplit("/", 1)[-1] for u in _articles(crawls["kwargs"]["db_path"])} == {
        "irigasi",
        "posyandu",
        "pasar-malam",
    }


def test_server_error_is_reported_not_replaced_by_the_stored_listing(crawls):
    fourth = crawls["reports"][3]
    assert fourth["errors"] == {"http_503": 1}
    assert fourth["listings_not_modified"] == 1  # the feed


def test_unreachable_site_is_reported_not_replaced_by_the_stored_listings(crawls):
    fifth = crawls["reports"][4]
    assert fifth["errors"] == {"connection_refused": 2}  # the feed and the sitemap
    assert fifth["listings_not_modified"] == 0
    assert fifth["scrapy"].get("httpcache/errorrecovery") is None
    assert fifth["articles"]["new"] == 0
