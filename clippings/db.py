"""The one SQLite database of a Kliping installation.

Every table change goes through a numbered migration so an archive opened by a newer
Kliping upgrades in place, and a migration that fails leaves the file as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

DEFAULT_HOME = Path("var")

migrations = Migrations("kliping")


def default_db_path() -> Path:
    """Where the database lives unless a command is told otherwise (``KLIPING_DB``)."""
    return Path(os.environ.get("KLIPING_DB", DEFAULT_HOME / "kliping.db"))


def open_db(path: str | Path | None = None, *, migrate: bool = True) -> Database:
    """Open (and create or upgrade) the database with WAL and foreign keys on."""
    path = Path(path) if path is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 10000")
    db.enable_wal()
    if migrate:
        migrations.apply(db)
    return db


@migrations()
def m001_initial(db: Database) -> None:
    db["sources"].create(
        {
            "id": int,
            "region": str,
            "name": str,
            "url": str,
            "kind": str,
            "feeds": str,  # JSON list
            "sitemaps": str,  # JSON list
            "created_at": str,
        },
        pk="id",
        not_null={"url", "name"},
    )
    db["sources"].create_index(["region", "url"], unique=True)

    db["articles"].create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "title": str,
            "body": str,
            "published": str,  # ISO date, publisher-local
            "published_text": str,  # the date as written on the page
            "authors": str,  # JSON list
            "publisher": str,
            "rubric": str,
            "caption": str,
            "image_url": str,
            "language": str,
            "content_hash": str,
            "raw_path": str,
            "source_id": int,
            "fetched_at": str,
        },
        pk="id",
        not_null={"canonical_url", "title", "body", "content_hash"},
        foreign_keys=[("source_id", "sources", "id")],
    )
    db["articles"].create_index(["canonical_url"], unique=True)
    db["articles"].create_index(["content_hash"], unique=True)
    db["articles"].create_index(["published"])
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61")

    # One row per opinion about an article: the model's prediction and each desk
    # decision are separate rows, so a correction never erases what the model said.
    db["labels"].create(
        {
            "id": int,
            "article_id": int,
            "region": str,
            "origin": str,  # "model" or "desk"
            "relevant": int,
            "urusan": str,  # JSON list, primary first
            "instansi": str,  # JSON list of OPD keys of the region, primary first
            "nilai": str,
            "sifat": str,
            "tindak_lanjut": str,
            "scores": str,  # JSON
            "reasons": str,  # JSON
            "model_version": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        not_null={"article_id", "region", "origin"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["labels"].create_index(["article_id", "region", "origin"])

    db["sheets"].create(
        {
            "id": int,
            "region": str,
            "date": str,
            "version": int,
            "previous_id": int,
            "status": str,  # "draft" or "signed"
            "html_path": str,
            "pdf_path": str,
            "sha256": str,  # of the signed PDF
            "signer": str,
            "signed_at": str,
            "created_at": str,
        },
        pk="id",
        not_null={"region", "date", "status"},
        foreign_keys=[("previous_id", "sheets", "id")],
    )
    db["sheets"].create_index(["region", "date", "version"], unique=True)

    db["sheet_items"].create(
        {
            "sheet_id": int,
            "position": int,
            "article_id": int,
            "label_id": int,
        },
        pk=("sheet_id", "position"),
        foreign_keys=[
            ("sheet_id", "sheets", "id"),
            ("article_id", "articles", "id"),
            ("label_id", "labels", "id"),
        ],
    )

    db["follow_ups"].create(
        {
            "id": int,
            "article_id": int,
            "sheet_id": int,
            "region": str,
            "opd": str,
            "tindak_lanjut": str,
            "status": str,  # "terbuka", "dijawab", "selesai"
            "due": str,
            "answer": str,
            "answered_by": str,
            "answered_at": str,
            "created_at": str,
        },
        pk="id",
        not_null={"article_id", "region", "opd", "status"},
        foreign_keys=[("article_id", "articles", "id"), ("sheet_id", "sheets", "id")],
    )

    db["users"].create(
        {
            "id": int,
            "username": str,
            "name": str,
            "role": str,
            "region": str,
            "opd": str,
            "password_hash": str,
            "created_at": str,
        },
        pk="id",
        not_null={"username", "role"},
    )
    db["users"].create_index(["username"], unique=True)

    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "object_type": str,
            "object_id": str,
            "detail": str,  # JSON
        },
        pk="id",
        not_null={"at", "action"},
    )

    db["crawl_runs"].create(
        {
            "id": int,
            "region": str,
            "started_at": str,
            "finished_at": str,
            "stats": str,  # JSON
        },
        pk="id",
    )


@migrations()
def m002_source_discovery(db: Database) -> None:
    # What `kliping source add` found, so a crawl can use it and `source check` compare.
    sources = db["sources"]
    sources.add_column("language", str)
    sources.add_column("wp_json", str)  # WordPress /wp-json/wp/v2/posts URL
    sources.add_column("listing_pages", str)  # JSON list of section page URLs
    sources.add_column("discovery", str)  # JSON: the whole Discovery, problems included
    sources.add_column("discovered_at", str)
    sources.add_column("updated_at", str)


@migrations()
def m004_print_clips(db: Database) -> None:
    # Print and e-paper cuttings live in `articles` beside crawled stories, so the
    # classifier, the sheet and the digest treat them alike; the scan is the record.
    articles = db["articles"]
    articles.add_column("kind", str, not_null_default="online")  # "online" or "cetak"
    articles.add_column("scan_path", str)  # stored cutting image (PNG/JPEG)
    articles.add_column("print_page", str)  # page as printed: "5", "A3", "Hal. 12"
    articles.add_column("ocr_confidence", float)  # mean Tesseract word confidence, 0-100


@migrations()
def m003_desk_review(db: Database) -> None:
    # The desk's pick for a day's sheet. Edits of rubric/headline/caption live here,
    # next to the pick, so the article row stays exactly as crawled.
    db["desk_selections"].create(
        {
            "id": int,
            "region": str,
            "date": str,
            "group_by": str,  # NULL, "nilai" or "instansi"
            "created_by": str,
            "created_at": str,
            "updated_by": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"region", "date"},
    )
    db["desk_selections"].create_index(["region", "date"], unique=True)
    db["desk_items"].create(
        {
            "selection_id": int,
            "article_id": int,
            "position": int,
            "rubric": str,  # NULL: as crawled
            "headline": str,
            "caption": str,
            "note": str,  # printed under the item's table
            "updated_by": str,
            "updated_at": str,
        },
        pk=("selection_id", "article_id"),
        foreign_keys=[("selection_id", "desk_selections", "id"), ("article_id", "articles", "id")],
    )
    # What a sheet printed, so an unchanged sheet is not signed twice and a draft is
    # signed only with the content it showed.
    db["sheets"].add_column("content_digest", str)
    db["sheets"].add_column("window_days", int)


@migrations()
def m005_crawl_state(db: Database) -> None:
    # What the crawler saw at each URL, so a scheduled crawl fetches only new or changed
    # pages (listing dates, conditional requests) and counts what it skipped.
    db["seen_urls"].create(
        {
            "url": str,  # canonical URL as listed in a feed or sitemap
            "source_id": int,
            "first_seen": str,
            "last_seen": str,  # last time a listing named it or it was fetched
            "fetched_at": str,  # last time it was requested
            "listed_date": str,  # sitemap lastmod / feed date at that request, as written
            "etag": str,
            "last_modified": str,  # HTTP Last-Modified, as sent
            "content_hash": str,  # of the stored text (crawler.pipelines.content_hash)
            "article_id": int,
            "status": str,  # "article", "not_modified", or the reason it was skipped
        },
        pk="url",
        foreign_keys=[("source_id", "sources", "id"), ("article_id", "articles", "id")],
    )
    db["seen_urls"].create_index(["article_id"])
    # Earlier texts of a corrected article: the row in `articles` is the latest.
    db["article_versions"].create(
        {
            "id": int,
            "article_id": int,
            "title": str,
            "body": str,
            "content_hash": str,
            "raw_path": str,
            "fetched_at": str,  # when this (now replaced) text was fetched
            "replaced_at": str,
        },
        pk="id",
        not_null={"article_id", "title", "body", "content_hash"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_versions"].create_index(["article_id"])
    # Near-duplicates (one press release printed by many outlets) share a cluster: the
    # id of the cluster's first article. NULL: not clustered yet.
    db["articles"].add_column("cluster_id", int)
    db["articles"].create_index(["cluster_id"])
    db["article_shingles"].create(
        {
            "article_id": int,
            "minhash": bytes,  # datasketch LeanMinHash, serialized
        },
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )


@migrations()
def m006_effective_labels(db: Database) -> None:
    # The label that counts for an article in a region: the desk's latest decision when the
    # desk has spoken, else the model's latest prediction. Sheets, digests and reports all
    # read this one definition.
    db.execute(
        """
        CREATE VIEW effective_labels AS
        SELECT * FROM (
            SELECT l.*,
                   ROW_NUMBER() OVER (
                       PARTITION BY l.article_id, l.region
                       ORDER BY CASE l.origin WHEN 'desk' THEN 0 ELSE 1 END, l.id DESC
                   ) AS rank
            FROM labels l
            WHERE l.origin IN ('desk', 'model')
        ) WHERE rank = 1
        """
    )


@migrations()
def m007_source_overrides(db: Database) -> None:
    # Per-source CSS selectors from the region file (JSON), so a crawl built from the
    # registry extracts a difficult site the same way as one built from the file.
    db["sources"].add_column("overrides", str)


@migrations()
def m008_follow_up_once(db: Database) -> None:
    # An office answers a story once, whatever the number of sheet versions it appeared on.
    db["follow_ups"].create_index(["region", "article_id", "opd"], unique=True)
