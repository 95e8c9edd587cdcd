"""Storing articles: once per story, updated when corrected, mirrors dropped."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from clippings.db import open_db
from crawler.items import Article
from crawler.pipelines import (
    DUPLICATE,
    KEPT,
    NEW,
    UNCHANGED,
    UPDATED,
    ArticleStorePipeline,
    content_hash,
    store_article,
)
from crawler.seen import SeenWriter
from crawler.spiders.news import NewsSpider

HTML = b"<!DOCTYPE html><html><body><h1>Judul</h1><p>Isi</p></body></html>"


def _article(**changes) -> Article:
    article = Article(
        url="https://kabarpesisir.example/berita/aduan-jalan/?utm_source=rss",
        canonical_url="https://kabarpesisir.example/berita/aduan-jalan",
        title="Pemkab Buka Layanan Aduan Jalan Rusak",
        body="Paragraf pertama tentang layanan aduan.\nParagraf kedua tentang laporan warga.",
        published=date(2025, 10, 27),
        published_text="Senin, 27 Oktober 2025 - 10:00 WIB",
        authors=["Dimas Prasetyo"],
        publisher="Kabar Pesisir",
        rubric="Berita",
        caption="Warga melintasi jalan berlubang.",
        language="id",
        source_url="https://kabarpesisir.example/",
        raw_pages=[gzip.compress(HTML)],
    )
    return replace(article, **changes) if changes else article


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.close()


def test_content_hash_ignores_case_and_whitespace_only():
    assert content_hash("Judul Berita", "Satu  dua\ntiga") == content_hash(
        "judul berita ", "Satu dua \n tiga"
    )
    assert content_hash("Judul Berita", "Satu dua") != content_hash("Judul Berita", "Satu tiga")


def test_new_article_row_and_raw_archive(db, tmp_path):
    result = store_article(db, _article(), raw_dir=tmp_path / "raw")
    assert result.outcome == NEW
    row = db["articles"].get(result.article_id)
    assert row["canonical_url"] == "https://kabarpesisir.example/berita/aduan-jalan"
    assert row["published"] == "2025-10-27"
    assert json.loads(row["authors"]) == ["Dimas Prasetyo"]
    assert row["caption"] == "Warga melintasi jalan berlubang."
    assert row["content_hash"] == content_hash(row["title"], row["body"])
    assert gzip.decompress((tmp_path / "raw").joinpath(row["raw_path"]).read_bytes()) == HTML
    # Found by full-text search.
    assert [r["rowid"] for r in db["articles"].search("laporan warga")] == [result.article_id]


def test_same_page_again_adds_nothing(db, tmp_path):
    first = store_article(db, _article(), raw_dir=tmp_path)
    again = store_article(
        db, _article(url="https://kabarpesisir.example/berita/aduan-jalan/"), raw_dir=tmp_path
    )
    assert again.outcome == UNCHANGED and again.article_id == first.article_id
    assert db["articles"].count == 1
    assert db["articles"].get(first.article_id)["url"].endswith("?utm_source=rss")


def test_corrected_article_updates_its_row(db, tmp_path):
    first = store_article(db, _article(), raw_dir=tmp_path)
    fixed = _article(
        body="Paragraf pertama yang sudah dikoreksi.\nParagraf kedua.",
        raw_pages=[gzip.compress(b"<html>v2</html>")],
    )
    result = store_article(db, fixed, raw_dir=tmp_path)
    assert result.outcome == UPDATED and result.article_id == first.article_id
    row = db["articles"].get(first.article_id)
    assert row["body"].startswith("Paragraf pertama yang sudah dikoreksi.")
    assert gzip.decompress((tmp_path / row["raw_path"]).read_bytes()) == b"<html>v2</html>"
    assert db["articles"].count == 1


def test_same_text_under_another_url_is_a_duplicate(db, tmp_path):
    store_article(db, _article(), raw_dir=tmp_path)
    mirror = _article(
        url="https://mirror.example/aduan", canonical_url="https://mirror.example/aduan"
    )
    result = store_article(db, mirror, raw_dir=tmp_path)
    assert result.outcome == DUPLICATE
    assert "kabarpesisir.example/berita/aduan-jalan" in result.detail
    assert db["articles"].count == 1


def test_correction_that_equals_another_article_keeps_both_rows(db, tmp_path):
    store_article(db, _article(), raw_dir=tmp_path)
    other = _article(
        canonical_url="https://kabarpesisir.example/berita/lain",
        title="Berita Lain",
        body="Teks lain sama sekali.",
    )
    store_article(db, other, raw_dir=tmp_path)
    clash = _article(canonical_url="https://kabarpesisir.example/berita/lain")
    assert store_article(db, clash, raw_dir=tmp_path).outcome == DUPLICATE
    rows = {r["canonical_url"]: r["title"] for r in db.query("select * from articles")}
    assert rows["https://kabarpesisir.example/berita/lain"] == "Berita Lain"


def test_paginated_article_archives_every_page(db, tmp_path):
    result = store_article(
        db,
        _article(raw_pages=[gzip.compress(b"<html>1</html>"), gzip.compress(b"<html>2</html>")]),
        raw_dir=tmp_path,
    )
    first = tmp_path / db["articles"].get(result.article_id)["raw_path"]
    second = first.with_name(first.name.replace(".html.gz", "-p2.html.gz"))
    assert gzip.decompress(second.read_bytes()) == b"<html>2</html>"


def test_pipeline_is_off_without_a_database():
    crawler = get_crawler(NewsSpider, {"KLIPING_DB": ""})
    with pytest.raises(NotConfigured):
        build_from_crawler(ArticleStorePipeline, crawler)


def test_pipeline_counts_outcomes_per_source(db_path, tmp_path):
    sources = [
        {"name": "Lain", "url": "https://lain.example/"},
        {"name": "Kabar Pesisir", "url": "https://kabarpesisir.example/"},
    ]
    crawler = get_crawler(
        NewsSpider,
        {
            "KLIPING_DB": str(db_path),
            "KLIPING_RAW_DIR": str(tmp_path / "raw"),
            "KLIPING_SOURCES": sources,
        },
    )
    crawler.stats.open_spider()
    pipeline = build_from_crawler(ArticleStorePipeline, crawler)
    pipeline.open_spider()
    try:
        item = pipeline.process_item(_article())
        assert item.raw_pages == []  # the HTML is in the archive, not carried further
        pipeline.process_item(_article())
        with pytest.raises(DropItem, match="duplicate"):
            pipeline.process_item(_article(canonical_url="https://mirror.example/aduan"))
    finally:
        pipeline.close_spider()
    stats = crawler.stats.get_stats()
    assert stats["kliping/articles/new"] == 1
    assert stats["kliping/articles/unchanged"] == 1
    assert stats["kliping/articles/duplicate"] == 1
    assert stats["kliping/source/1/articles/new"] == 1
    assert stats["kliping/source/1/drop/duplicate"] == 1


def test_correction_keeps_the_replaced_text_and_raw_page_as_a_version(db, tmp_path):
    first = store_article(db, _article(), raw_dir=tmp_path)
    fixed = _article(
        body="Paragraf pertama yang sudah dikoreksi redaksi.\nParagraf kedua tentang laporan warga.",
        raw_pages=[gzip.compress(b"<html>v2</html>")],
    )
    assert store_article(db, fixed, raw_dir=tmp_path).outcome == UPDATED
    versions = list(db["article_versions"].rows_where("article_id = ?", [first.article_id]))
    assert len(versions) == 1
    old = versions[0]
    assert old["body"] == _article().body
    assert old["content_hash"] == content_hash(_article().title, _article().body)
    assert gzip.decompress(Path(old["raw_path"]).read_bytes()) == HTML
    current = db["articles"].get(first.article_id)
    assert gzip.decompress(Path(current["raw_path"]).read_bytes()) == b"<html>v2</html>"


def test_worse_recrawl_keeps_the_stored_text(db, tmp_path):
    first = store_article(db, _article(), raw_dir=tmp_path)
    broken = _article(body="Paragraf.", published=None)
    result = store_article(db, broken, raw_dir=tmp_path)
    assert result.outcome == KEPT and result.article_id == first.article_id
    row = db["articles"].get(first.article_id)
    assert row["body"] == _article().body and row["published"] == "2025-10-27"
    assert db["article_versions"].count == 0


def test_update_without_a_date_keeps_the_stored_date(db, tmp_path):
    first = store_article(db, _article(), raw_dir=tmp_path)
    longer = _article(body=_article().body + "\nParagraf ketiga tambahan.", published=None)
    assert store_article(db, longer, raw_dir=tmp_path).outcome == UPDATED
    assert db["articles"].get(first.article_id)["published"] == "2025-10-27"


def test_stored_article_is_recorded_as_seen_under_its_listed_url(db, tmp_path):
    article = _article(
        listed_url="https://kabarpesisir.example/berita/aduan-jalan",
        listed_date="2025-10-27T10:00:00+07:00",
        etag='"abc"',
        last_modified="Mon, 27 Oct 2025 03:00:00 GMT",
    )
    result = store_article(db, article, raw_dir=tmp_path)
    seen = db["seen_urls"].get("https://kabarpesisir.example/berita/aduan-jalan")
    assert seen["article_id"] == result.article_id
    assert seen["etag"] == '"abc"' and seen["listed_date"] == "2025-10-27T10:00:00+07:00"
    assert seen["content_hash"] == content_hash(article.title, article.body)
    assert seen["status"] == "article_new"


def test_batched_articles_and_seen_urls_flushed_meanwhile_are_all_stored(db_path, tmp_path):
    """Articles share a transaction; the spider's seen-URL writer (its own connection)
    must neither wait for it nor lose rows, and closing commits the open batch."""
    crawler = get_crawler(
        NewsSpider,
        {
            "KLIPING_DB": str(db_path),
            "KLIPING_RAW_DIR": str(tmp_path / "raw"),
            "KLIPING_STORE_BATCH": 50,
            # Far longer than this test: only the writer's flush or closing commits.
            "KLIPING_STORE_COMMIT_SECONDS": 3600,
        },
    )
    writer = SeenWriter(db_path, {})
    crawler.spider = SimpleNamespace(seen_writer=writer)
    pipeline = build_from_crawler(ArticleStorePipeline, crawler)
    pipeline.open_spider()
    other = open_db(db_path)
    other.execute("PRAGMA busy_timeout = 0")  # a lock left behind fails at once
    try:
        pipeline.process_item(_article())
        assert other["articles"].count == 0  # in the open batch
        writer.add("https://kabarpesisir.example/indeks", "drop_listing_page")
        writer.flush()  # commits the batch first instead of waiting on it
        assert other["articles"].count == 1
        pipeline.process_item(
            _article(
                canonical_url="https://kabarpesisir.example/b",
                title="B",
                body="Lain.\nTeks lain sama sekali.",
            )
        )
        assert other["articles"].count == 1
    finally:
        pipeline.close_spider()
    assert other["articles"].count == 2
    seen = {r["url"]: r["status"] for r in other["seen_urls"].rows}
    assert seen["https://kabarpesisir.example/indeks"] == "drop_listing_page"
    assert seen["https://kabarpesisir.example/b"] == "article_new"
    other.close()
