"""The archive must survive upgrades and never hold the same story twice."""

from __future__ import annotations

import sqlite3

import pytest

from clippings.db import migrations, open_db

ARTICLE = {
    "url": "https://contoh.test/2025/10/27/jalan-rusak/",
    "canonical_url": "https://contoh.test/2025/10/27/jalan-rusak/",
    "title": "Warga Keluhkan Jalan Rusak di Comal",
    "body": "Warga Desa Contoh mengeluhkan jalan berlubang.",
    "content_hash": "abc",
}


def test_open_twice_applies_migrations_once(db_path):
    open_db(db_path)
    db = open_db(db_path)
    applied = [m.name for m in migrations.applied(db)]
    assert applied == sorted(set(applied), key=applied.index)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"sources", "articles", "labels", "sheets", "sheet_items", "follow_ups", "users",
            "audit_log", "crawl_runs"} <= set(db.table_names())


def test_canonical_url_and_content_hash_are_unique(db_path):
    db = open_db(db_path)
    db["articles"].insert(ARTICLE)
    with pytest.raises(sqlite3.IntegrityError):
        db["articles"].insert({**ARTICLE, "content_hash": "other"})
    with pytest.raises(sqlite3.IntegrityError):
        db["articles"].insert({**ARTICLE, "canonical_url": "https://contoh.test/lain/"})


def test_full_text_search_finds_title_and_body_words(db_path):
    db = open_db(db_path)
    db["articles"].insert(ARTICLE)
    assert [r["title"] for r in db["articles"].search("berlubang")] == [ARTICLE["title"]]
    assert [r["title"] for r in db["articles"].search("Comal")] == [ARTICLE["title"]]


def test_label_needs_existing_article(db_path):
    db = open_db(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        db["labels"].insert({"article_id": 999, "region": "kota-yogyakarta", "origin": "model"})
