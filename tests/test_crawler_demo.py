"""End to end: crawl the built-in example site (``clippings.demo``) as ``make demo`` does.

Its feed holds only the newest items (some links with utm_ parameters), the sitemap index
lists every story, one story runs over two pages, and two stories have no machine-readable
date. Every story must come out once, with its title, date and full text and none of the
page's noise; a second crawl must add nothing.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.db import open_db
from clippings.demo import serve_site, site_articles, source_for
from crawler.run import run_crawl
from crawler.urls import canonicalize

TODAY = date(2025, 10, 28)
FAST = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    db_path = tmp / "kliping.db"
    with serve_site(TODAY) as base:
        source = source_for(base)
        kwargs = dict(
            db_path=db_path, raw_dir=tmp / "raw", settings=FAST, reference=TODAY, region="demo"
        )
        first = run_crawl([source], **kwargs)
        second = run_crawl([source], **kwargs)
        truth = site_articles(TODAY, base)
    db = open_db(db_path)
    rows = list(db.query("select * from articles"))
    db.close()
    return {"first": first, "second": second, "truth": truth, "rows": rows}


def test_every_story_is_stored_exactly_once(demo):
    stored = [row["canonical_url"] for row in demo["rows"]]
    assert len(stored) == len(set(stored))
    assert sorted(stored) == sorted(canonicalize(a["url"]) for a in demo["truth"])
    assert demo["first"]["articles"]["new"] == len(demo["truth"])
    assert demo["first"]["errors"] == {}


def test_title_date_and_text_match_the_ground_truth(demo):
    rows = {row["canonical_url"]: row for row in demo["rows"]}
    for truth in demo["truth"]:
        row = rows[canonicalize(truth["url"])]
        assert row["title"] == truth["title"]
        assert row["published"] == truth["published"].isoformat(), (
            truth["url"],
            row["published_text"],
        )
        # The body is the ground-truth paragraphs, in order, and nothing else.
        assert row["body"].split("\n") == truth["body"], truth["url"]
        assert row["caption"] == (truth["caption"] or "")
        assert row["rubric"] == truth["rubric"]
        assert json.loads(row["authors"]) == truth["authors"]
        for phrase in truth["noise"]:
            assert phrase not in row["body"], (truth["url"], phrase)


def test_stories_without_machine_dates_and_on_two_pages_are_covered(demo):
    # The fixture must keep exercising the hard cases this suite relies on.
    assert sum(not a["machine_date"] for a in demo["truth"]) >= 2
    assert any(len(a["page_urls"]) > 1 for a in demo["truth"])
    assert demo["first"]["scrapy"].get("kliping/article/multipage", 0) >= 1


def test_second_crawl_adds_no_rows(demo):
    second = demo["second"]
    assert second["articles"]["new"] == 0
    assert second["articles"]["updated"] == 0
    # Seen by the first crawl: not requested again.
    assert second["articles"]["unchanged"] == 0
    assert second["skipped"]["already_seen"] >= len(demo["truth"])
    assert len(demo["rows"]) == len(demo["truth"])


def test_kliping_crawl_command(tmp_path, monkeypatch):
    """The CLI crawls the sources of a region file and reports in Indonesian."""
    # Real crawl, minus the politeness delays a local test server does not need.
    import clippings.commands.crawl as command

    def fast_crawl(*args, settings=None, **kwargs):
        return run_crawl(*args, settings={**FAST, **(settings or {})}, **kwargs)

    monkeypatch.setattr(command, "run_crawl", fast_crawl)
    region_yaml = (
        "id: kota-uji\nname: Kota Uji\ngovernment: Pemerintah Kota Uji\n"
        "signer: {title: Kepala, name: Penandatangan Uji, place: Uji}\n"
        "offices:\n  - {key: diskominfo, name: Dinas Kominfo, urusan: [kominfo]}\n"
    )
    with serve_site(TODAY) as base:
        source = source_for(base)
        path = tmp_path / "kota-uji.yaml"
        path.write_text(
            region_yaml
            + f"sources:\n  - {{name: '{source['name']}', url: '{source['url']}', feeds: {source['feeds']}, sitemaps: {source['sitemaps']}}}\n"
            + "  - {name: Lain, url: 'http://127.0.0.1:9/'}\n",
            encoding="utf-8",
        )
        runner = CliRunner()
        db_path = tmp_path / "kliping.db"
        unknown = runner.invoke(
            cli,
            [
                "crawl",
                "--region",
                str(path),
                "--db",
                str(db_path),
                "--source",
                "https://tidak-ada.example",
            ],
        )
        assert unknown.exit_code == 2
        assert "tidak ada di wilayah kota-uji" in unknown.output
        assert source["url"] in unknown.output
        result = runner.invoke(
            cli, ["crawl", "--region", str(path), "--db", str(db_path), "--source", source["url"]]
        )
    assert result.exit_code == 0, result.output
    n = len(site_articles(TODAY, base))
    assert "Halaman diambil:" in result.output
    assert f"Artikel baru: {n}, diperbarui: 0" in result.output
    assert "Gagal: tidak ada" in result.output
    assert f"Per sumber:\n  - {source['name']}: " in result.output
    db = open_db(db_path)
    try:
        assert db["articles"].count == n
        assert [r["region"] for r in db.query("select region from crawl_runs")] == ["kota-uji"]
    finally:
        db.close()
