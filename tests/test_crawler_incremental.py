"""A scheduled crawl fetches only what is new or changed, and keeps corrected versions."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from clippings.db import open_db
from crawler.run import run_crawl
from crawler.seen import since_date
from tests.crawl_sites import XML, Page, Site, article_html, sitemap

REFERENCE = date(2025, 10, 28)
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "INFO",
    "KLIPING_EXTRACT_WORKERS": 0,
}

TEXTS = {
    "/daerah/jembatan/": (
        "Jembatan Kali Comal Diperbaiki Mulai Pekan Depan",
        [
            "PEMALANG - Dinas Pekerjaan Umum Kabupaten Pemalang mulai memperbaiki jembatan di atas Kali Comal pekan depan setelah lantai jembatan retak akibat banjir.",
            "Kepala dinas mengatakan kendaraan berat dialihkan lewat jalur selatan selama dua bulan pengerjaan, sementara sepeda motor masih boleh melintas.",
        ],
    ),
    "/daerah/pasar/": (
        "Pedagang Pasar Pagi Dipindah ke Gedung Sementara",
        [
            "PEMALANG - Sebanyak tiga ratus pedagang Pasar Pagi dipindahkan ke gedung sementara di lapangan kelurahan selama renovasi los pasar berlangsung.",
            "Pengelola pasar memastikan tidak ada pungutan tambahan bagi pedagang yang menempati lapak sementara, dan listrik disediakan gratis.",
        ],
    ),
    "/daerah/beasiswa/": (
        "Pendaftaran Beasiswa Pelajar Berprestasi Dibuka",
        [
            "PEMALANG - Pemerintah kabupaten membuka pendaftaran beasiswa bagi pelajar berprestasi dari keluarga kurang mampu hingga akhir bulan ini.",
            "Berkas pendaftaran diserahkan melalui sekolah masing-masing, dan pengumuman penerima dijadwalkan pada awal bulan berikutnya di laman resmi.",
        ],
    ),
}


def _page(path: str, published: str, *, extra: str = "", etag: str = "") -> Page:
    title, paragraphs = TEXTS[path]
    paragraphs = paragraphs + ([extra] if extra else [])
    return Page(article_html(title, paragraphs, published=published).encode(), etag=etag)


def _rows(db_path) -> dict[str, dict]:
    db = open_db(db_path)
    try:
        return {
            r["canonical_url"].rsplit("/", 1)[-1]: r for r in db.query("select * from articles")
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inc")
    with Site() as site:
        base = site.base
        site.add(
            "/daerah/jembatan/",
            _page("/daerah/jembatan/", "2025-10-26T08:00:00+07:00", etag='"j1"'),
        )
        site.add(
            "/daerah/pasar/", _page("/daerah/pasar/", "2025-10-26T09:00:00+07:00", etag='"p1"')
        )
        site.add(
            "/sitemap.xml",
            Page(
                sitemap(
                    base,
                    [
                        ("/daerah/jembatan/", "2025-10-26T08:00:00+07:00"),
                        ("/daerah/pasar/", "2025-10-26T09:00:00+07:00"),
                    ],
                ),
                content_type=XML,
            ),
        )
        source = {"name": "Warta Uji", "url": f"{base}/", "sitemaps": [f"{base}/sitemap.xml"]}
        kwargs = dict(db_path=tmp / "k.db", raw_dir=tmp / "raw", reference=REFERENCE, region="uji")
        first = run_crawl([source], settings=SETTINGS, **kwargs)
        after_first = len(site.requests)

        # The next day: the bridge story is corrected, the market story is only re-listed
        # with a newer lastmod (same page: 304), a new story appears.
        # Changed after the first crawl's fetches, before the second crawl's.
        later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat(timespec="seconds")
        time.sleep(1.1)
        site.add(
            "/daerah/jembatan/",
            _page(
                "/daerah/jembatan/",
                "2025-10-26T08:00:00+07:00",
                extra="Pembaruan: pengerjaan ditunda sehari karena hujan deras sepanjang malam.",
                etag='"j2"',
            ),
        )
        site.add("/daerah/beasiswa/", _page("/daerah/beasiswa/", "2025-10-27T10:00:00+07:00"))
        site.add(
            "/sitemap.xml",
            Page(
                sitemap(
                    base,
                    [
                        ("/daerah/jembatan/", later),
                        ("/daerah/pasar/", later),
                        ("/daerah/beasiswa/", "2025-10-27T10:00:00+07:00"),
                    ],
                ),
                content_type=XML,
            ),
        )
        second = run_crawl([source], settings=SETTINGS, **kwargs)
        second_requests = site.requests[after_first:]
        after_second = len(site.requests)

        # A third pass changes nothing on the site: no article page is requested.
        third = run_crawl([source], settings=SETTINGS, **kwargs)
        third_requests = site.requests[after_second:]
        conditional = list(site.conditional)
    return {
        "first": first,
        "second": second,
        "third": third,
        "second_requests": second_requests,
        "third_requests": third_requests,
        "conditional": conditional,
        "db": tmp / "k.db",
    }


def test_first_crawl_stores_both_articles(crawls):
    assert crawls["first"]["articles"]["new"] == 2


def test_changed_listing_refetches_conditionally_and_unchanged_page_costs_a_304(crawls):
    second = crawls["second"]
    assert second["articles"]["new"] == 1  # beasiswa
    assert second["articles"]["updated"] == 1  # jembatan
    assert second["articles"]["not_modified"] == 1  # pasar: ETag matched
    assert set(crawls["conditional"]) >= {"/daerah/jembatan/", "/daerah/pasar/"}


def test_corrected_article_keeps_its_old_text_as_a_version(crawls):
    rows = _rows(crawls["db"])
    bridge = rows["jembatan"]
    assert "ditunda sehari" in bridge["body"]
    db = open_db(crawls["db"])
    try:
        versions = list(db["article_versions"].rows_where("article_id = ?", [bridge["id"]]))
    finally:
        db.close()
    assert len(versions) == 1 and "ditunda" not in versions[0]["body"]


def test_unchanged_site_requests_no_article_page(crawls):
    assert crawls["third_requests"] and all(
        not path.startswith("/daerah/") for path in crawls["third_requests"]
    )
    assert crawls["third"]["skipped"]["already_seen"] == 3


def test_since_window_skips_old_listings_without_fetching(tmp_path):
    with Site() as site:
        base = site.base
        site.add("/daerah/pasar/", _page("/daerah/pasar/", "2025-10-20T09:00:00+07:00"))
        site.add("/daerah/beasiswa/", _page("/daerah/beasiswa/", "2025-10-27T10:00:00+07:00"))
        site.add(
            "/sitemap.xml",
            Page(
                sitemap(
                    base, [("/daerah/pasar/", "2025-10-20"), ("/daerah/beasiswa/", "2025-10-27")]
                ),
                content_type=XML,
            ),
        )
        source = {"name": "Warta Uji", "url": f"{base}/", "sitemaps": [f"{base}/sitemap.xml"]}
        report = run_crawl(
            [source],
            db_path=tmp_path / "k.db",
            raw_dir=tmp_path / "raw",
            reference=REFERENCE,
            settings={**SETTINGS, "KLIPING_SINCE": "2025-10-26"},
        )
        assert "/daerah/pasar/" not in site.requests
    assert report["articles"]["new"] == 1
    assert report["skipped"]["outside_window"] == 1
    assert set(_rows(tmp_path / "k.db")) == {"beasiswa"}


def test_since_takes_days_weeks_or_a_date():
    today = date(2025, 10, 28)
    assert since_date("2d", today=today) == date(2025, 10, 26)
    assert since_date("1w", today=today) == date(2025, 10, 21)
    assert since_date("2025-10-01", today=today) == date(2025, 10, 1)
    assert since_date("", today=today) is None
    with pytest.raises(ValueError):
        since_date("kemarin", today=today)


def test_crawl_command_rejects_a_bad_since(tmp_path):
    from click.testing import CliRunner

    from clippings.cli import cli

    region = tmp_path / "kota-uji.yaml"
    region.write_text(
        "id: kota-uji\nname: Kota Uji\ngovernment: Pemerintah Kota Uji\n"
        "signer: {title: Kepala, name: Penandatangan Uji, place: Uji}\n"
        "offices:\n  - {key: diskominfo, name: Dinas Kominfo, urusan: [kominfo]}\n"
        "sources:\n  - {name: Uji, url: 'http://127.0.0.1:9/'}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        ["crawl", "--region", str(region), "--db", str(tmp_path / "k.db"), "--since", "kemarin"],
    )
    assert result.exit_code == 2
    assert "'kemarin' bukan jangka waktu" in result.output
