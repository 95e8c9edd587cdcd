"""The crawl report the desk reads after `kliping crawl`."""

from __future__ import annotations

from clippings.commands.crawl import format_report


def report(**extra):
    base = {
        "pages_fetched": 12,
        "articles": {"new": 3, "updated": 1, "unchanged": 2, "duplicate": 0, "not_modified": 0},
        "errors": {"http_404": 1},
        "dropped": {},
        "skipped": {"seen": 40},
        "sources": [
            {"name": "Warta Contoh", "pages_fetched": 12, "errors": {"http_404": 1},
             "articles": {"new": 3, "updated": 1, "duplicate": 0}},
        ],
    }
    base.update(extra)
    return format_report(base)


def test_report_names_unchanged_feeds_and_stale_override_selectors():
    text = report(listings_not_modified=3, override_misses={"body": 7})
    assert "Halaman diambil: 12 (umpan/sitemap tidak berubah sejak crawl lalu: 3)" in text
    assert "Selektor override tidak menemukan apa pun (halaman): body 7" in text
    assert "kliping source check" in text
    assert "Warta Contoh: 12 halaman, 3 baru, 1 diperbarui, 0 duplikat, 1 gagal" in text


def test_quiet_report_has_no_cache_or_override_lines():
    text = report(listings_not_modified=0, override_misses={})
    assert text.splitlines()[0] == "Halaman diambil: 12"
    assert "override" not in text
