"""The sources registry and ``kliping source``: stored once, synced from the region file,
checked against live (local) sites, and nothing found earlier lost to a bad day."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sites import closed_port_url, serve

from clippings.cli import cli
from clippings.db import open_db
from clippings.regions import Source, load_region
from clippings.sources import (
    SourceError,
    add_source,
    check_sources,
    list_sources,
    sync_region_sources,
)
from crawler.discover import Discovery, discover
from crawler.run import build_report

NOW = datetime(2025, 10, 28, 12, 0, tzinfo=UTC)


def write_region(directory: Path, sources: list[dict]) -> Path:
    """A made-up region file (the id must equal the file name)."""
    path = directory / "kota-uji.yaml"
    region = {
        "id": "kota-uji",
        "name": "Kota Uji",
        "government": "Pemerintah Kota Uji",
        "signer": {"title": "Kepala", "name": "Drs. Contoh Saja", "place": "Uji"},
        "offices": [
            {"key": "diskominfo", "name": "Dinas Komunikasi dan Informatika", "urusan": ["kominfo"]}
        ],
        "sources": sources,
    }
    path.write_text(yaml.safe_dump(region, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.close()


def test_add_source_twice_keeps_one_row_and_audits_both(db):
    with serve("wordpress") as site:
        found = discover(site.url + "/", now=NOW)
        first = add_source(db, "kota-uji", site.url + "/", found)
        # Same site spelled without the slash and with www-less host: still one row.
        second = add_source(
            db, "kota-uji", site.url, found, name="Warta Tegalsari (daring)", kind="online"
        )
        base = site.url
    assert first.created and not second.created
    assert first.source.id == second.source.id
    rows = list(db["sources"].rows)
    assert len(rows) == 1
    row = rows[0]
    assert (row["name"], row["url"], row["kind"], row["language"]) == (
        "Warta Tegalsari (daring)",
        base + "/",
        "online",
        "id",
    )
    assert json.loads(row["feeds"]) == [f"{base}/feed/"]
    assert json.loads(row["sitemaps"]) == [f"{base}/sitemap_index.xml"]
    assert row["wp_json"] == f"{base}/wp-json/wp/v2/posts"
    assert second.source.discovery == found  # the whole discovery is kept, problems included
    audit = [(a["action"], a["object_id"]) for a in db["audit_log"].rows]
    assert audit == [("source.add", str(row["id"])), ("source.update", str(row["id"]))]


def test_a_bad_day_does_not_erase_what_was_found(db):
    with serve("wordpress") as site:
        add_source(db, "kota-uji", site.url, discover(site.url, now=NOW))
    # The site answers but nothing parses today (e.g. a maintenance page).
    empty = Discovery(
        home_url="https://x", reachable=True, problems=["https://x/feed/: HTTP 503 (galat server)"]
    )
    updated = add_source(db, "kota-uji", site.url, empty).source
    assert updated.feeds == [f"{site.url}/feed/"]
    assert updated.sitemaps == [f"{site.url}/sitemap_index.xml"]
    assert updated.wp_json == f"{site.url}/wp-json/wp/v2/posts"


def test_unreachable_site_or_unknown_kind_is_not_stored(db):
    url = closed_port_url()
    with pytest.raises(SourceError, match="tidak terjangkau, tidak disimpan"):
        add_source(db, "kota-uji", url, discover(url, now=NOW))
    with pytest.raises(SourceError, match="jenis sumber 'radio' tidak dikenal"):
        add_source(
            db,
            "kota-uji",
            "https://x.contoh",
            Discovery(home_url="https://x.contoh/", reachable=True),
            kind="radio",
        )
    assert db["sources"].count == 0
    assert db["audit_log"].count == 0


def test_sync_region_sources_merges_file_and_discovery(db, tmp_path):
    with serve("atom-only") as site:
        add_source(db, "kota-uji", site.url, discover(site.url, now=NOW))
        path = write_region(
            tmp_path,
            [
                # Listed in the file without feeds: discovery's feed stays, the file's name wins.
                {"name": "Kabar Lereng Online", "url": site.url + "/"},
                {
                    "name": "Portal Kota Uji",
                    "url": "https://kotauji.go.id",
                    "kind": "portal",
                    "feeds": ["https://kotauji.go.id/rss"],
                    "overrides": {"body": "div.isi-berita", "remove": ["div.iklan"]},
                },
            ],
        )
        region = load_region(str(path))
        result = sync_region_sources(db, region)
        again = sync_region_sources(db, region)
    home = site.url + "/"  # as add_source stored it; the file's spelling matches the same row
    assert result.added == ["https://kotauji.go.id"]
    assert result.updated == [home]
    assert again.added == again.updated == []
    assert len(again.unchanged) == 2
    sources = {s.url: s for s in list_sources(db, "kota-uji")}
    assert set(sources) == {home, "https://kotauji.go.id"}
    assert sources[home].name == "Kabar Lereng Online"
    assert sources[home].feeds == [f"{site.url}/id/berita.atom"]
    assert (sources["https://kotauji.go.id"].kind, sources["https://kotauji.go.id"].feeds) == (
        "portal",
        ["https://kotauji.go.id/rss"],
    )
    assert sources[home].crawl_entry()["feeds"] == [f"{site.url}/id/berita.atom"]
    # CSS overrides of the region file reach the crawl built from the registry.
    assert sources["https://kotauji.go.id"].crawl_entry()["overrides"] == {
        "body": "div.isi-berita", "remove": ["div.iklan"]}
    assert sources[home].crawl_entry()["overrides"] == {}


def test_check_sources_reachable_unreachable_and_error_rate(db):
    down = closed_port_url()
    with serve("wordpress") as site:
        source = add_source(db, "kota-uji", site.url, discover(site.url, now=NOW)).source
        db["sources"].insert(
            {
                "region": "kota-uji",
                "name": "Koran Mati",
                "url": down,
                "kind": "online",
                "feeds": json.dumps([down + "feed/"]),
                "sitemaps": "[]",
            }
        )
        stats = {"kliping/source/0/pages/fetched": 18, "kliping/source/0/error/http_500": 2}
        report = build_report(stats, [{"name": source.name, "url": source.url}])
        db["crawl_runs"].insert(
            {
                "region": "kota-uji",
                "started_at": "2025-10-28T01:00:00+00:00",
                "stats": json.dumps(report),
            }
        )
        checks = {c.source.name: c for c in check_sources(db, "kota-uji", now=NOW)}
    up, gone = checks["Warta Tegalsari"], checks["Koran Mati"]
    assert (up.reachable, up.feeds_ok, up.sitemaps_ok, up.wp_json_ok) == (True, 1, 1, True)
    assert up.last_article == datetime(2025, 10, 28, 2, 15, tzinfo=UTC)
    assert (up.pages, up.errors, up.error_rate) == (18, 2, 0.1)
    assert up.problems == []
    assert (gone.reachable, gone.feeds_ok, gone.error_rate) == (False, 0, None)
    assert len(gone.problems) == 1 and gone.problems[0].startswith(f"{down}: tidak dapat terhubung")


def test_check_reports_overrides_that_no_longer_match(db):
    with serve("wordpress") as site:
        source = add_source(db, "kota-uji", site.url, discover(site.url, now=NOW)).source
        # The theme changed: the body box is gone, the site title is still there.
        db["sources"].update(
            source.id,
            {"overrides": json.dumps({"title": ".site-title", "body": "div.isi-berita"})},
        )
        newest = site.url + "/"  # the page the registry holds as the newest article
        db["articles"].insert(
            {
                "url": newest,
                "canonical_url": newest,
                "title": "Berita lama",
                "body": "Isi berita lama.",
                "content_hash": "lama",
                "source_id": source.id,
                "fetched_at": "2025-10-28T01:00:00+00:00",
            }
        )
        stats = {
            "kliping/source/0/pages/fetched": 9,
            "kliping/source/0/override/miss/body": 7,
        }
        report = build_report(stats, [{"name": source.name, "url": source.url}])
        assert report["sources"][0]["override_misses"] == {"body": 7}
        db["crawl_runs"].insert(
            {"region": "kota-uji", "started_at": NOW.isoformat(), "stats": json.dumps(report)}
        )
        (check,) = check_sources(db, "kota-uji", now=NOW)
    assert check.problems == [
        f"{source.url}: selektor override body (div.isi-berita) tidak menemukan apa pun di"
        f" artikel terbaru {newest} dan 7 halaman artikel dalam 1 crawl terakhir;"
        " ekstraksi bawaan dipakai. Perbarui `overrides` sumber ini di berkas wilayah."
    ]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_source_add_prints_findings_and_a_valid_yaml_entry(tmp_path, db_path):
    region = write_region(tmp_path, [])
    with serve("news-sitemap") as site:
        first = invoke("source", "add", site.url, "--region", str(region), "--db", str(db_path))
        second = invoke(
            "source",
            "add",
            site.url + "/",
            "--region",
            str(region),
            "--db",
            str(db_path),
            "--kind",
            "cetak",
        )
    assert first.exit_code == 0, first.output
    out = first.output
    assert "Situs: Pantura Kini" in out
    assert "Feed RSS/Atom: tidak ada" in out
    assert f"  - {site.url}/sitemaps/index.xml.gz (indeks sitemap, 2 sitemap, robots.txt)" in out
    assert f"    - {site.url}/sitemaps/arsip.xml (indeks sitemap, 1 sitemap, dari indeks)" in out
    assert (
        f"{site.url}/news-sitemap.xml (Google News, 2 URL, terbaru 28 Oktober 2025 09.30 (UTC+07:00), alamat umum)"
        in out
    )
    assert "Artikel terakhir: 28 Oktober 2025 09.30 (UTC+07:00)" in out
    assert "1 tanggal di masa depan diabaikan" in out
    assert "Sumber #1 ditambahkan di daftar sumber kota-uji." in out
    snippet = out.split("di bawah `sources:` agar tercatat di berkas wilayah:\n")[1]
    entry = Source.model_validate(yaml.safe_load(snippet)[0])  # pastes cleanly into the region file
    assert entry.url == site.url + "/"
    assert entry.sitemaps == [f"{site.url}/sitemaps/index.xml.gz", f"{site.url}/news-sitemap.xml"]
    assert second.exit_code == 0
    assert "Sumber #1 diperbarui (sudah terdaftar)" in second.output
    stored = open_db(db_path)
    assert [(r["url"], r["kind"]) for r in stored["sources"].rows] == [(site.url + "/", "cetak")]
    stored.close()


def test_cli_source_add_unreachable_fails_clearly(tmp_path, db_path):
    region = write_region(tmp_path, [])
    url = closed_port_url()
    result = invoke("source", "add", url, "--region", str(region), "--db", str(db_path))
    assert result.exit_code == 1
    assert "Halaman depan: TIDAK terjangkau" in result.output
    assert f"Error: {url} tidak terjangkau, tidak disimpan" in result.output


def test_cli_source_check_and_list(tmp_path, db_path):
    down = closed_port_url()
    with serve("atom-only") as site:
        region = write_region(
            tmp_path,
            [
                {"name": "Kabar Lereng", "url": site.url, "feeds": [f"{site.url}/id/berita.atom"]},
                {"name": "Koran Mati", "url": down, "feeds": [down + "feed/"]},
            ],
        )
        result = invoke(
            "source", "check", "--region", str(region), "--db", str(db_path), "--timeout", "2"
        )
        listed = invoke("source", "list", "--region", str(region), "--db", str(db_path))
    lines = result.output.splitlines()
    assert result.exit_code == 1  # one source down: cron notices
    assert lines[0] == "(2 sumber dari berkas wilayah ditambahkan ke basis data)"
    assert lines[1].split() == [
        "No",
        "Sumber",
        "Terjangkau",
        "Feed",
        "Sitemap",
        "Artikel",
        "terakhir",
        "Galat",
        "crawl",
        "Masalah",
    ]
    assert lines[3].split() == [
        "1",
        "Kabar",
        "Lereng",
        "ya",
        "1/1",
        "-",
        "28",
        "Oktober",
        "2025",
        "-",
        "-",
    ]
    assert lines[4].split() == ["2", "Koran", "Mati", "TIDAK", "0/1", "-", "-", "-", "1"]
    assert "[2] Koran Mati" in result.output
    assert f"    - {down}: tidak dapat terhubung" in result.output
    assert result.output.rstrip().endswith("1 dari 2 sumber tidak terjangkau.")
    assert listed.exit_code == 0
    rows = listed.output.splitlines()
    assert rows[0].split() == [
        "No",
        "Nama",
        "Jenis",
        "Alamat",
        "Feed",
        "Sitemap",
        "WP",
        "API",
        "Diperiksa",
    ]
    assert rows[2].split() == ["1", "Kabar", "Lereng", "online", site.url, "1", "0", "-", "belum"]
    assert rows[3].split() == ["2", "Koran", "Mati", "online", down, "1", "0", "-", "belum"]
