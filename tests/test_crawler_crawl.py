"""A crawl of a small fixture site with the faults real news sites have.

The site is served by a local HTTP server; the crawl runs through ``run_crawl`` (a child
process), so these tests also prove it can be called repeatedly in one process.
"""

from __future__ import annotations

import gzip
import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clippings.db import open_db
from crawler.run import CrawlError, run_crawl

PAGES = Path(__file__).parent / "pages"
REFERENCE = date(2025, 10, 28)
TEST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 1,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "INFO",
}


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _routes(base: str) -> dict[str, tuple[int, str, bytes]]:
    html = "text/html; charset=utf-8"
    xml = "application/xml"
    # The same text as the Jogja article under a second address and canonical: a mirror.
    mirror = _page("portal_jogja_sampah.html").replace(
        b"https://wartagudeg.example/kota/2025/10/depo-sampah-ditutup-sementara-warga-diminta-pilah-dari-rumah",
        b"https://wartagudeg.example/cetak/depo-sampah",
    )
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Kabar Pesisir</title><link>{base}/</link><description>Berita</description>
<item><title>Pemkab Pemalang Buka Layanan Aduan Jalan Rusak Lewat WhatsApp</title>
  <link>{base}/berita/aduan-jalan/?utm_source=rss&amp;utm_medium=rss&amp;utm_campaign=aduan</link>
  <pubDate>Mon, 27 Oct 2025 03:00:00 +0000</pubDate></item>
<item><title>Festival Layang-Layang Pantai Widuri</title>
  <link>{base}/berita/festival-layang-layang-widuri/?utm_source=rss</link></item>
<item><title>Depo Sampah Ditutup Sementara</title>
  <link>{base}/kota/depo-sampah/#respond</link></item>
</channel></rss>""".encode()
    post_sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/berita/aduan-jalan/</loc><lastmod>2025-10-27</lastmod></url>
<url><loc>{base}/ekonomi/harga-cabai/</loc></url>
<url><loc>{base}/kota/depo-sampah/</loc></url>
<url><loc>{base}/cetak/depo-sampah/</loc></url>
<url><loc>{base}/berita/festival-layang-layang-widuri/</loc></url>
<url><loc>{base}/berita/festival-layang-layang-widuri/2/</loc></url>
</urlset>""".encode()
    page_sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/kategori/ekonomi/</loc></url>
<url><loc>{base}/berita/hilang/</loc></url>
<url><loc>{base}/berita/galat-server/</loc></url>
<url><loc>{base}/dokumen/laporan.pdf</loc></url>
<url><loc>{base}/rahasia/draf-berita/</loc></url>
</urlset>""".encode()
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/post-sitemap.xml.gz</loc></sitemap>
<sitemap><loc>{base}/page-sitemap.xml</loc></sitemap>
<sitemap><loc>{base}/sitemap-rusak.xml</loc></sitemap>
</sitemapindex>""".encode()
    return {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /rahasia/\n"),
        "/feed/": (200, "application/rss+xml", feed),
        "/feed-rusak/": (
            200,
            "application/rss+xml",
            b"<rss><channel><item><title>Judul tanpa penutup",
        ),
        "/sitemap_index.xml": (200, xml, index),
        "/post-sitemap.xml.gz": (200, "application/x-gzip", gzip.compress(post_sitemap)),
        "/page-sitemap.xml": (200, xml, page_sitemap),
        "/sitemap-rusak.xml": (200, html, b"<html><body><p>Bukan peta situs</p></body></html>"),
        "/berita/aduan-jalan/": (200, html, _page("wp_berita_aduan_jalan.html")),
        "/ekonomi/harga-cabai/": (200, html, _page("wp_dateline_pasar.html")),
        "/kota/depo-sampah/": (200, html, _page("portal_jogja_sampah.html")),
        "/cetak/depo-sampah/": (200, html, mirror),
        "/berita/festival-layang-layang-widuri/": (200, html, _page("wp_bersambung_1.html")),
        "/berita/festival-layang-layang-widuri/2/": (200, html, _page("wp_bersambung_2.html")),
        "/kategori/ekonomi/": (200, html, _page("wp_kategori_ekonomi.html")),
        "/berita/galat-server/": (500, html, b"<html><body>Internal Server Error</body></html>"),
        "/dokumen/laporan.pdf": (
            200,
            "application/pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
        ),
        "/rahasia/draf-berita/": (200, html, _page("wp_berita_aduan_jalan.html")),
    }


class FixtureSite:
    """A threaded local HTTP server answering from a route table; records every request."""

    def __init__(self) -> None:
        site = self
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                site.requests.append(self.path)
                path = urlsplit(self.path).path
                status, content_type, body = site.routes.get(
                    path, (404, "text/html", b"<html><body>Tidak ditemukan</body></html>")
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.routes = _routes(self.base)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FixtureSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Crawl the fixture site twice into one database; yield both reports and the DB path."""
    tmp = tmp_path_factory.mktemp("crawl")
    with FixtureSite() as site:
        source = {
            "name": "Kabar Pesisir",
            "url": f"{site.base}/",
            "kind": "online",
            "feeds": [f"{site.base}/feed/", f"{site.base}/feed-rusak/"],
            "sitemaps": [f"{site.base}/sitemap_index.xml"],
        }
        kwargs = dict(
            db_path=tmp / "kliping.db",
            raw_dir=tmp / "raw",
            settings=TEST_SETTINGS,
            reference=REFERENCE,
            region="uji",
        )
        first = run_crawl([source], **kwargs)
        first_requests = list(site.requests)
        second = run_crawl([source], **kwargs)
        second_requests = site.requests[len(first_requests) :]
    yield {
        "first": first,
        "second": second,
        "db": tmp / "kliping.db",
        "requests": first_requests,
        "second_requests": second_requests,
        "base": site.base,
    }


def _articles(db_path: Path) -> dict[str, dict]:
    db = open_db(db_path)
    try:
        return {urlsplit(row["url"]).path: row for row in db.query("select * from articles")}
    finally:
        db.close()


def test_every_article_is_stored_once_with_its_fields(crawled):
    rows = _articles(crawled["db"])
    # The Jogja story is served under two addresses with the same text; whichever copy
    # the parallel extractors finish first is kept, and the other is dropped as a duplicate.
    mirrors = {"/kota/depo-sampah/", "/cetak/depo-sampah/"}
    (depo,) = mirrors & set(rows)
    assert sorted(set(rows) - mirrors) == [
        "/berita/aduan-jalan/",
        "/berita/festival-layang-layang-widuri/",
        "/ekonomi/harga-cabai/",
    ]
    aduan = rows["/berita/aduan-jalan/"]
    assert aduan["title"] == "Pemkab Pemalang Buka Layanan Aduan Jalan Rusak Lewat WhatsApp"
    assert aduan["published"] == "2025-10-27"
    assert aduan["publisher"] == "Kabar Pesisir"
    assert (
        aduan["canonical_url"]
        == "https://kabarpesisir.example/berita/pemkab-buka-layanan-aduan-jalan-rusak"
    )
    assert rows["/ekonomi/harga-cabai/"]["published"] == "2025-07-13"
    assert rows[depo]["published"] == "2025-10-24"
    assert json.loads(rows[depo]["authors"]) == ["Rini Astuti", "Bayu Nugroho"]
    for row in rows.values():
        assert row["source_id"] is not None
        assert "Tinggalkan Balasan" not in row["body"]
        assert "Alamat email Anda" not in row["body"]
        assert "Baca Lainnya" not in row["body"]


def test_paginated_article_is_joined_into_one_body(crawled):
    row = _articles(crawled["db"])["/berita/festival-layang-layang-widuri/"]
    body = row["body"]
    assert body.startswith("Langit Pantai Widuri dipenuhi ratusan layang-layang")
    assert "Pada hari kedua, pengunjung dapat mencoba" in body
    assert body.index("Ketua panitia menyebut") < body.index("Pada hari kedua")
    assert "Halaman" not in body
    # The adjacent post behind WordPress' rel="next" is not glued onto the article.
    assert "/berita/guru-honorer-terima-insentif/" not in crawled["requests"]
    # Both pages are archived.
    raw = Path(row["raw_path"])
    assert gzip.decompress(raw.read_bytes()).startswith(b"<!DOCTYPE html>")
    assert raw.with_name(raw.name.replace(".html.gz", "-p2.html.gz")).exists()


def test_feed_links_with_tracking_parameters_are_fetched_once(crawled):
    paths = [urlsplit(p).path for p in crawled["requests"]]
    assert paths.count("/berita/aduan-jalan/") == 1
    assert paths.count("/kota/depo-sampah/") == 1
    assert not any("utm_" in p for p in crawled["requests"])


def test_faults_are_counted_and_do_not_stop_the_crawl(crawled):
    report = crawled["first"]
    assert report["errors"] == {
        "feed_broken": 1,
        "http_404": 1,
        "http_500": 1,
        "not_html": 1,
        "sitemap_broken": 1,
    }
    assert report["dropped"]["listing_page"] == 1
    assert report["dropped"]["forbidden_by_robots"] == 1
    assert report["dropped"]["continuation_page"] == 1
    assert report["dropped"]["duplicate"] == 1
    assert "/rahasia/draf-berita/" not in crawled["requests"]
    assert report["articles"]["new"] == 4
    assert report["articles"]["duplicate"] == 1
    assert report["sources"][0]["articles"]["new"] == 4
    assert report["sources"][0]["errors"] == report["errors"]
    assert report["pages_fetched"] >= 12


def test_second_crawl_fetches_only_listings(crawled):
    second = crawled["second"]
    assert second["articles"]["new"] == 0
    assert second["articles"]["updated"] == 0
    assert len(_articles(crawled["db"])) == 4
    # Every page the first crawl stored or judged is skipped without a request; pages
    # that failed (404, timeout...) are tried again.
    fetched_again = {path for path in crawled["second_requests"] if path in crawled["requests"]}
    stored_paths = {urlsplit(a["url"]).path for a in _articles(crawled["db"]).values()}
    assert not fetched_again & stored_paths
    assert second["skipped"]["already_seen"] >= 4


def test_runs_and_sources_are_recorded(crawled):
    db = open_db(crawled["db"])
    try:
        runs = list(db.query("select * from crawl_runs order by id"))
        sources = list(db.query("select * from sources"))
    finally:
        db.close()
    assert [r["region"] for r in runs] == ["uji", "uji"]
    assert all(r["finished_at"] for r in runs)
    assert json.loads(runs[0]["stats"])["articles"]["new"] == 4
    assert len(sources) == 1 and sources[0]["name"] == "Kabar Pesisir"
    assert json.loads(sources[0]["feeds"]) == [
        f"{crawled['base']}/feed/",
        f"{crawled['base']}/feed-rusak/",
    ]


def test_crawl_that_cannot_start_raises_and_is_recorded(tmp_path):
    source = {"name": "Mati", "url": "http://127.0.0.1:9/", "feeds": ["http://127.0.0.1:9/feed/"]}
    with pytest.raises(CrawlError, match="exited with code 1"):
        run_crawl(
            [source],
            db_path=tmp_path / "k.db",
            raw_dir=tmp_path / "raw",
            settings={
                **TEST_SETTINGS,
                "KLIPING_MAX_ARTICLE_PAGES": "banyak",
                "LOG_LEVEL": "CRITICAL",
            },
        )
    db = open_db(tmp_path / "k.db")
    try:
        (run,) = db.query("select * from crawl_runs")
    finally:
        db.close()
    assert run["finished_at"]
    assert "exited with code 1" in json.loads(run["stats"])["failure"]


def test_settings_must_be_plain_values(tmp_path):
    with pytest.raises(CrawlError, match="JSON"):
        run_crawl(
            [{"name": "x", "url": "http://127.0.0.1:9/"}],
            db_path=tmp_path / "k.db",
            raw_dir=tmp_path / "raw",
            settings={"KLIPING_RAW_DIR_OBJECT": object()},
        )
