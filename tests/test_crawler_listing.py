"""Sources without feed, sitemap or API: their listing pages are read and paged through,
until the stories are older than the ``--since`` window, seen before, or the cap."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from clippings.db import open_db
from crawler.run import run_crawl
from tests.crawl_sites import Page, Site
from tests.crawl_sites.kabar import CRAWL_SETTINGS, STORIES, story_page, story_path

REFERENCE = date(2025, 10, 28)

# Newest first, two per listing page: (slug, day).
ORDER = [
    ("banjir-rob-genangi-pesisir-comal", "2025-10-27"),
    ("posyandu-lansia-dibuka-di-balai-desa", "2025-10-27"),
    ("jalan-desa-rusak-dikeluhkan-petani", "2025-10-26"),
    ("festival-kuliner-alun-alun-ramai-pengunjung", "2025-10-25"),
    ("sekolah-terdampak-angin-kencang-diperbaiki", "2025-10-23"),
    ("pelatihan-membatik-untuk-ibu-rumah-tangga", "2025-10-22"),
]


def teaser(slug: str, day: str, *, dated_url: bool) -> str:
    """A teaser with the date printed in Indonesian (the URL may carry no date)."""
    path = story_path(slug, day) if dated_url else f"/berita/{slug}/"
    d = date.fromisoformat(day)
    shown = format_date(d, "d MMMM y", locale="id")
    return (
        f'<article class="teaser"><h2><a href="{path}">{STORIES[slug][0]}</a></h2>'
        f'<span class="tanggal">{shown}</span></article>'
    )


def listing(items: list[tuple[str, str]], pager: str, *, dated_url: bool = False) -> Page:
    teasers = "".join(teaser(s, d, dated_url=dated_url) for s, d in items)
    return Page(
        f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Daerah - Kabar Comal</title></head>
<body><nav class="menu"><a href="/">Beranda</a> <a href="/kategori/daerah/">Daerah</a>
<a href="/redaksi/">Redaksi</a></nav><main>{teasers}</main>
<div class="pagination">{pager}</div><footer>Kabar Comal</footer></body></html>""".encode()
    )


def _paths(slug_days, *, dated_url: bool) -> set[str]:
    return {story_path(s, d) if dated_url else f"/berita/{s}/" for s, d in slug_days}


def _serve(site: Site, *, dated_url: bool) -> None:
    for slug, day in ORDER:
        path = story_path(slug, day) if dated_url else f"/berita/{slug}/"
        site.add(path, story_page(slug, f"{day}T08:00:00+07:00"))


def _crawl(site: Site, source: dict, tmp_path, **settings) -> dict:
    return run_crawl(
        [source],
        db_path=tmp_path / "k.db",
        raw_dir=tmp_path / "raw",
        reference=REFERENCE,
        settings={**CRAWL_SETTINGS, **settings},
    )


def _stored(db_path) -> set[str]:
    db = open_db(db_path)
    try:
        return {"/" + r["url"].split("/", 3)[3] for r in db.query("select url from articles")}
    finally:
        db.close()


def _site_with_three_pagers(site: Site) -> None:
    """/kategori/daerah/ -> rel=next -> /page/3/ by number only -> "Selanjutnya" -> end."""
    site.add(
        "/kategori/daerah/",
        listing(ORDER[0:2], '<a href="/kategori/daerah/page/2/" rel="next">Berikutnya</a>'),
    )
    site.add(
        "/kategori/daerah/page/2/",
        listing(
            ORDER[2:4],
            '<a href="/kategori/daerah/">1</a> <span>2</span> <a href="/kategori/daerah/page/3/">3</a>',
        ),
    )
    site.add(
        "/kategori/daerah/page/3/",
        listing(ORDER[4:5], '<a href="/kategori/daerah/arsip-lama/">Selanjutnya &raquo;</a>'),
    )
    site.add("/kategori/daerah/arsip-lama/", listing(ORDER[5:6], ""))


def test_listing_pages_are_followed_through_every_kind_of_pager(tmp_path):
    with Site() as site:
        _serve(site, dated_url=False)
        _site_with_three_pagers(site)
        source = {
            "name": "Kabar Comal",
            "url": f"{site.base}/",
            "listing_pages": [f"{site.base}/kategori/daerah/"],
        }
        report = _crawl(site, source, tmp_path)
        requested = list(site.requests)
    assert _stored(tmp_path / "k.db") == _paths(ORDER, dated_url=False)
    assert report["articles"]["new"] == 6
    # Menu links (editorial staff page, home) are not taken for stories.
    assert "/redaksi/" not in requested


def test_paging_stops_at_the_listing_page_cap(tmp_path):
    with Site() as site:
        _serve(site, dated_url=False)
        _site_with_three_pagers(site)
        source = {
            "name": "Kabar Comal",
            "url": f"{site.base}/",
            "listing_pages": [f"{site.base}/kategori/daerah/"],
        }
        report = _crawl(site, source, tmp_path, KLIPING_LISTING_MAX_PAGES=2)
        requested = list(site.requests)
    assert "/kategori/daerah/page/3/" not in requested
    assert _stored(tmp_path / "k.db") == _paths(ORDER[:4], dated_url=False)
    assert report["scrapy"]["kliping/listing/page_limit"] == 1


def test_paging_stops_when_a_whole_page_is_older_than_the_window(tmp_path):
    with Site() as site:
        _serve(site, dated_url=False)
        _site_with_three_pagers(site)
        source = {
            "name": "Kabar Comal",
            "url": f"{site.base}/",
            "listing_pages": [f"{site.base}/kategori/daerah/"],
        }
        # Page 2 lists 26 and 25 October: one inside the window, so page 3 (23 October)
        # is read, found entirely older, and the archive page after it never requested.
        report = _crawl(site, source, tmp_path, KLIPING_SINCE="2025-10-26")
        requested = list(site.requests)
    assert "/kategori/daerah/page/3/" in requested
    assert "/kategori/daerah/arsip-lama/" not in requested
    assert "/berita/sekolah-terdampak-angin-kencang-diperbaiki/" not in requested
    assert _stored(tmp_path / "k.db") == _paths(ORDER[:3], dated_url=False)
    assert report["scrapy"]["kliping/listing/stopped_at_known"] == 1


def test_second_crawl_stops_paging_at_a_page_seen_before(tmp_path):
    with Site() as site:
        _serve(site, dated_url=True)
        site.add("/", listing(ORDER[0:2], '<a href="/page/2/">2</a>', dated_url=True))
        site.add("/page/2/", listing(ORDER[2:4], '<a href="/page/3/">3</a>', dated_url=True))
        site.add("/page/3/", listing(ORDER[4:6], "", dated_url=True))
        # No feed, sitemap or API: the home page is the listing.
        source = {"name": "Kabar Comal", "url": f"{site.base}/"}
        first = _crawl(site, source, tmp_path)
        before = len(site.requests)
        second = _crawl(site, source, tmp_path)
        again = site.requests[before:]
    assert first["articles"]["new"] == 6
    assert _stored(tmp_path / "k.db") == _paths(ORDER, dated_url=True)
    # Page 1 lists only stories fetched before: page 2 is not requested again.
    assert "/" in again and "/page/2/" not in again
    assert second["skipped"]["already_seen"] == 2


def test_a_listing_that_is_not_html_is_counted_and_skipped(tmp_path):
    with Site() as site:
        _serve(site, dated_url=False)
        site.add("/kategori/daerah/", Page(b"\x89PNG\r\n", content_type="image/png"))
        site.add("/kategori/pemerintahan/", listing(ORDER[0:1], ""))
        source = {
            "name": "Kabar Comal",
            "url": f"{site.base}/",
            "listing_pages": [
                f"{site.base}/kategori/daerah/",
                f"{site.base}/kategori/pemerintahan/",
            ],
        }
        report = _crawl(site, source, tmp_path)
    assert report["errors"] == {"listing_broken": 1}
    assert report["articles"]["new"] == 1


def test_home_page_is_read_only_when_guessed_feed_and_sitemap_list_nothing(tmp_path):
    slug, day = ORDER[0]
    with Site() as site:
        _serve(site, dated_url=True)
        site.add("/", listing(ORDER[0:2], "", dated_url=True))
        site.add(
            "/feed/",
            Page(
                f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Kabar Comal</title>
<item><title>{STORIES[slug][0]}</title><link>{site.base}{story_path(slug, day)}</link>
<pubDate>Mon, 27 Oct 2025 08:00:00 +0700</pubDate></item></channel></rss>""".encode(),
                content_type="application/rss+xml",
            ),
        )
        report = _crawl(site, {"name": "Kabar Comal", "url": f"{site.base}/"}, tmp_path)
        requested = list(site.requests)
    assert "/" not in requested
    assert report["articles"]["new"] == 1
