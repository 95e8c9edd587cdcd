"""Broken pages are logged, counted and skipped; the crawl goes on; nothing stored is lost."""

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
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 3,
    "KLIPING_MAX_PAGE_BYTES": 100_000,
    "LOG_LEVEL": "INFO",
    "KLIPING_EXTRACT_WORKERS": 0,
}

PARAGRAPHS = {
    "baik": [
        "PEMALANG - Pemerintah kabupaten membuka pasar murah di alun-alun selama tiga hari untuk menahan kenaikan harga bahan pokok menjelang akhir tahun.",
        "Warga dapat membeli beras, minyak goreng dan gula dengan harga di bawah pasar, dengan batas pembelian dua paket untuk setiap kartu keluarga.",
    ],
    "cp1252": [
        "PEMALANG - Kepala dinas menyebut harga cabai naik dari Rp 40 ribu – Rp 55 ribu per kilogram dalam sepekan karena pasokan dari daerah pegunungan berkurang.",
        "“Kami akan operasi pasar bersama Bulog,” katanya di kantornya, Senin, sambil meminta pedagang tidak menimbun barang.",
    ],
    "masa-depan": [
        "PEMALANG - Panitia lomba perahu hias tingkat kabupaten menyiapkan dua puluh perahu dari kelompok nelayan di pesisir utara untuk memeriahkan hari jadi.",
        "Setiap kelompok mendapat uang pembinaan dan perahu terbaik akan dikirim mewakili kabupaten pada lomba tingkat provinsi bulan berikutnya.",
    ],
    "tanpa-tanggal": [
        "PEMALANG - Petugas kebersihan menambah jadwal pengangkutan sampah di kawasan pasar dari sekali menjadi dua kali sehari karena tumpukan sampah meningkat.",
        "Pengelola pasar meminta pedagang memilah sampah organik agar dapat diolah menjadi kompos di tempat pengolahan sampah terpadu milik desa.",
    ],
    "terpotong": [
        "PEMALANG - Ratusan warga mengikuti senam sehat dan pemeriksaan kesehatan gratis yang digelar puskesmas bersama pemerintah kecamatan pada Minggu pagi.",
        "Petugas memeriksa tekanan darah, gula darah dan kolesterol, lalu memberi rujukan kepada warga yang hasil pemeriksaannya perlu ditindaklanjuti.",
    ],
}
ENGLISH = [
    "The regency government opened a cheap market in the town square for three days to hold down the prices of staple goods before the end of the year.",
    "Residents can buy rice, cooking oil and sugar below market prices, with a limit of two packages for each family card holder in the district.",
]


def _article(name: str, published: str, **kw) -> bytes:
    title = f"Berita {name.replace('-', ' ').title()} di Kabupaten Pemalang"
    return article_html(title, PARAGRAPHS[name], published=published, **kw).encode()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    with Site() as site:
        base = site.base
        ok = "2025-10-27T08:00:00+07:00"
        site.add("/berita/baik/", Page(_article("baik", ok)))
        # windows-1252 bytes in a page that says it is UTF-8.
        html = article_html("Harga Cabai Naik Sepekan", PARAGRAPHS["cp1252"], published=ok).encode(
            "cp1252"
        )
        site.add("/berita/cp1252/", Page(html, content_type="text/html; charset=utf-8"))
        # A date after the crawl day, and a date line nobody can read.
        site.add(
            "/berita/masa-depan/",
            Page(
                _article("masa-depan", "2025-12-25T08:00:00+07:00").replace(
                    b"2025-12-25</time>", b"Kamis, 25 Desember 2025</time>"
                )
            ),
        )
        site.add(
            "/berita/tanpa-tanggal/",
            Page(
                _article("tanpa-tanggal", "").replace(
                    b'<meta property="article:published_time" content="">', b""
                )
            ),
        )
        # Cut off after the second paragraph's start: no closing tags at all.
        truncated = _article("terpotong", ok)
        site.add("/berita/terpotong/", Page(truncated[: truncated.index(b"lalu memberi")]))
        site.add(
            "/berita/english/",
            Page(article_html("Cheap Market Opens", ENGLISH * 2, published=ok).encode()),
        )
        site.add(
            "/berita/putar-a/", Page(b"", status=302, headers={"Location": "/berita/putar-b/"})
        )
        site.add(
            "/berita/putar-b/", Page(b"", status=302, headers={"Location": "/berita/putar-a/"})
        )
        site.add("/berita/dihapus/", Page(b"sudah dihapus", status=410, content_type="text/plain"))
        site.add("/berita/galat/", Page(b"galat server", status=500, content_type="text/plain"))
        site.add("/berita/lambat/", Page(_article("baik", ok), delay=8))
        site.add("/berita/besar/", Page(_article("baik", ok) + b"<!-- " + b"x" * 200_000 + b" -->"))
        site.add("/dokumen/laporan.pdf", Page(b"%PDF-1.4 laporan", content_type="application/pdf"))
        site.add(
            "/feed-rusak/",
            Page(b"<?xml version='1.0'?><rss><channel><item><title>Putus", content_type=XML),
        )
        paths = [
            "/berita/baik/",
            "/berita/cp1252/",
            "/berita/masa-depan/",
            "/berita/tanpa-tanggal/",
            "/berita/terpotong/",
            "/berita/english/",
            "/berita/putar-a/",
            "/berita/hilang/",
            "/berita/dihapus/",
            "/berita/galat/",
            "/berita/lambat/",
            "/berita/besar/",
            "/dokumen/laporan.pdf",
        ]
        site.add("/sitemap.xml", Page(sitemap(base, [(p, "") for p in paths]), content_type=XML))
        source = {
            "name": "Warta Uji",
            "url": f"{base}/",
            "feeds": [f"{base}/feed-rusak/"],
            "sitemaps": [f"{base}/sitemap.xml"],
        }
        kwargs = dict(db_path=tmp / "k.db", raw_dir=tmp / "raw", reference=REFERENCE, region="uji")
        log_file = tmp / "crawl.log"
        report = run_crawl([source], settings={**SETTINGS, "LOG_FILE": str(log_file)}, **kwargs)

        # Next day the good article is re-listed as changed but serves a broken page.
        site.add("/berita/baik/", Page(b"<html><body><p>Maaf, sedang perbaikan.</p></body></html>"))
        site.add(
            "/sitemap.xml",
            Page(sitemap(base, [("/berita/baik/", "2030-01-01T00:00:00+00:00")]), content_type=XML),
        )
        again = run_crawl([source], settings=SETTINGS, **kwargs)
    db = open_db(tmp / "k.db")
    rows = {
        r["canonical_url"].rstrip("/").rsplit("/", 1)[-1]: r
        for r in db.query("select * from articles")
    }
    db.close()
    log = log_file.read_text(encoding="utf-8").splitlines()
    return {"report": report, "again": again, "rows": rows, "log": log}


def test_only_real_indonesian_articles_are_stored(crawl):
    assert set(crawl["rows"]) == {"baik", "cp1252", "masa-depan", "tanpa-tanggal", "terpotong"}


def test_every_fault_is_counted_with_its_reason(crawl):
    report = crawl["report"]
    assert report["errors"] == {
        "feed_broken": 1,
        "redirect_loop": 1,
        "http_404": 1,
        "http_410": 1,
        "http_500": 1,
        "timeout": 1,
        "too_large": 1,
        "not_html": 1,
    }
    assert report["dropped"]["wrong_language"] == 1
    assert report["dates"] == {"future": 1, "none": 1}
    assert report["scrapy"]["kliping/article/encoding_cp1252_declared_utf8"] == 1


def test_wrong_encoding_is_repaired(crawl):
    body = crawl["rows"]["cp1252"]["body"]
    assert "“Kami akan operasi pasar bersama Bulog,”" in body
    assert "Rp 40 ribu – Rp 55 ribu" in body


def test_bad_dates_leave_the_article_undated(crawl):
    assert crawl["rows"]["masa-depan"]["published"] is None
    assert crawl["rows"]["tanpa-tanggal"]["published"] is None


def test_truncated_page_keeps_what_arrived(crawl):
    body = crawl["rows"]["terpotong"]["body"]
    assert body.startswith("PEMALANG - Ratusan warga mengikuti senam sehat")


def test_broken_recrawl_does_not_overwrite_the_stored_text(crawl):
    again = crawl["again"]
    assert again["articles"]["updated"] == 0
    assert crawl["rows"]["baik"]["body"] == "\n".join(PARAGRAPHS["baik"])


def test_faults_are_logged_with_url_and_reason(crawl):
    log = crawl["log"]
    for path, reason in [
        ("/berita/lambat/", "timeout"),
        ("/berita/putar-a/", "redirect_loop"),
        ("/berita/hilang/", "http_404"),
        ("/berita/besar/", "too_large"),
        ("/dokumen/laporan.pdf", "not_html"),
        ("/feed-rusak/", "feed_broken"),
    ]:
        assert any(path in line and f"skipped: {reason}" in line for line in log), reason
    assert any("/berita/english/" in line and "not Indonesian" in line for line in log)
    assert any("/berita/masa-depan/" in line and "future: " in line for line in log)
