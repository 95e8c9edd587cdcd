"""Per-source CSS overrides for a site the default extraction reads wrongly: the region
file names title, body, date and what to remove; a selector that finds nothing falls back
to the default and is counted, and it all works in the extraction worker processes."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from clippings.db import open_db
from clippings.regions import Source
from crawler.extract import try_extract_article
from crawler.run import run_crawl
from tests.crawl_sites import XML, Page, Site, sitemap
from tests.crawl_sites.defeating import ADVERT, LETTERS, LINES, TITLE, page
from tests.crawl_sites.kabar import CRAWL_SETTINGS

REFERENCE = date(2025, 10, 28)
URL = "https://kabarcomal.id/berita/warga-gotong-royong-bersihkan-irigasi/"
OVERRIDES = {
    "title": ".judul-berita",
    "body": [".isi-artikel", ".isi-berita"],  # the first matches nothing here: next one
    "date": ".tgl-terbit",
    "remove": [".iklan-sisip"],
}


def test_the_fixture_page_defeats_the_default_extraction():
    article = try_extract_article(page(), URL, reference=REFERENCE)
    assert article.title != TITLE
    assert LINES[0] not in article.body
    assert article.published is None


def test_selectors_give_title_body_and_date_with_removed_blocks_gone():
    misses: list[str] = []
    article = try_extract_article(
        page(), URL, reference=REFERENCE, overrides=OVERRIDES, override_misses=misses
    )
    assert article.title == TITLE
    assert article.body == "\n".join(LINES)
    assert ADVERT not in article.body
    assert article.published == date(2025, 10, 27)
    assert article.published_text == "Senin, 27 Oktober 2025"
    assert misses == []


def test_a_body_selector_that_matches_nothing_falls_back_and_is_reported():
    misses: list[str] = []
    article = try_extract_article(
        page(text_class="konten-baru"),
        URL,
        reference=REFERENCE,
        overrides=OVERRIDES,
        override_misses=misses,
    )
    assert misses == ["body"]
    assert article.title == TITLE  # the selectors that still match are used
    assert article.body  # trafilatura's reading, whatever it is, rather than nothing


def test_region_file_accepts_known_keys_and_rejects_unknown_ones_and_bad_css():
    source = Source(name="Kabar Comal", url="https://kabarcomal.id/", overrides=OVERRIDES)
    assert source.model_dump()["overrides"] == OVERRIDES
    with pytest.raises(ValidationError, match="kunci overrides tidak dikenal: isi"):
        Source(name="Kabar Comal", url="https://kabarcomal.id/", overrides={"isi": ".x"})
    with pytest.raises(ValidationError, match="bukan selektor CSS yang sah"):
        Source(name="Kabar Comal", url="https://kabarcomal.id/", overrides={"body": "div[[x"})
    assert Source(name="Kabar Comal", url="https://kabarcomal.id/").overrides == {}


@pytest.mark.parametrize("workers", [0, 2])
def test_crawl_uses_the_overrides_of_its_source_in_worker_processes(tmp_path, workers):
    with Site() as site:
        site.add("/berita/warga-gotong-royong-bersihkan-irigasi/", Page(page().encode()))
        site.add("/berita/saluran-irigasi-tata-letak-baru/", Page(page(text_class="x").encode()))
        site.add(
            "/sitemap.xml",
            Page(
                sitemap(
                    site.base,
                    [
                        ("/berita/warga-gotong-royong-bersihkan-irigasi/", ""),
                        ("/berita/saluran-irigasi-tata-letak-baru/", ""),
                    ],
                ),
                content_type=XML,
            ),
        )
        source = Source(
            name="Kabar Comal",
            url=f"{site.base}/",
            sitemaps=[f"{site.base}/sitemap.xml"],
            overrides=OVERRIDES,
        )
        report = run_crawl(
            [source],
            db_path=tmp_path / "k.db",
            raw_dir=tmp_path / "raw",
            reference=REFERENCE,
            settings={**CRAWL_SETTINGS, "KLIPING_EXTRACT_WORKERS": workers},
        )
    db = open_db(tmp_path / "k.db")
    try:
        rows = {r["url"].rsplit("/", 2)[-2]: r for r in db.query("select * from articles")}
    finally:
        db.close()
    good = rows["warga-gotong-royong-bersihkan-irigasi"]
    assert good["title"] == TITLE
    assert good["body"] == "\n".join(LINES)
    assert str(good["published"]).startswith("2025-10-27")
    # The page whose layout changed: stored from the default extraction, miss counted.
    changed = rows["saluran-irigasi-tata-letak-baru"]
    assert changed["title"] == TITLE and LETTERS[0] in changed["body"]
    assert report["scrapy"]["kliping/override/miss/body"] == 1
