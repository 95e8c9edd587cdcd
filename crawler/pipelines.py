"""Storing crawled articles: one row per story, raw HTML archived beside the database.

An article is the same story when its canonical URL or its text (content hash) is the
same. A re-crawl of an unchanged page writes nothing; a corrected page updates its row;
the same text under a second URL (a mirror, a print version) is dropped and counted.
Keeping earlier versions of a corrected article is for later (issue 4): for now the row
holds the latest text and its raw file the latest HTML.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem, NotConfigured
from sqlite_utils import Database

from clippings.db import open_db
from crawler.items import Article

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED, DUPLICATE = "new", "updated", "unchanged", "duplicate"


def content_hash(title: str, body: str) -> str:
    """Hash of the text a reader sees, blind to case and whitespace changes of a theme."""
    normalised = "\n".join(" ".join(part.split()).casefold() for part in (title, body))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass
class StoreResult:
    outcome: str  # NEW, UPDATED, UNCHANGED or DUPLICATE
    article_id: int | None
    detail: str = ""


def store_article(
    db: Database,
    article: Article,
    *,
    raw_dir: str | Path,
    source_id: int | None = None,
    now: datetime | None = None,
) -> StoreResult:
    """Insert, update or skip one article inside a single transaction."""
    digest = content_hash(article.title, article.body)
    fetched_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with db.atomic():
        by_url = _one(
            db,
            "select id, content_hash from articles where canonical_url = ?",
            [article.canonical_url],
        )
        by_hash = _one(
            db, "select id, canonical_url from articles where content_hash = ?", [digest]
        )
        if by_url and by_url["content_hash"] == digest:
            return StoreResult(UNCHANGED, by_url["id"])
        if by_hash and (not by_url or by_hash["id"] != by_url["id"]):
            return StoreResult(DUPLICATE, by_hash["id"], f"same text as {by_hash['canonical_url']}")
        article.raw_html_path = _archive(article, Path(raw_dir))
        row = _row(article, digest, source_id, fetched_at)
        if by_url:
            db["articles"].update(by_url["id"], row)
            return StoreResult(UPDATED, by_url["id"])
        article_id = db["articles"].insert(row).last_pk
        return StoreResult(NEW, article_id)


def _one(db: Database, sql: str, params: list) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def _row(article: Article, digest: str, source_id: int | None, fetched_at: str) -> dict:
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "body": article.body,
        "published": article.published.isoformat() if article.published else None,
        "published_text": article.published_text,
        "authors": json.dumps(article.authors, ensure_ascii=False),
        "publisher": article.publisher,
        "rubric": article.rubric,
        "caption": article.caption,
        "image_url": article.image_url,
        "language": article.language,
        "content_hash": digest,
        "raw_path": article.raw_html_path,
        "source_id": source_id,
        "fetched_at": fetched_at,
    }


def _archive(article: Article, raw_dir: Path) -> str:
    """Write each fetched page gzip-compressed; the path of page 1 goes into the row.

    Later pages of a paginated article sit beside it as ``<name>-p2.html.gz`` and so on.
    """
    if not article.raw_pages:
        return article.raw_html_path
    host = urlsplit(article.canonical_url).netloc.replace(":", "_") or "unknown"
    stem = hashlib.sha256(article.canonical_url.encode("utf-8")).hexdigest()[:24]
    # Absolute, so the path in the row works from any working directory.
    folder = raw_dir.resolve() / host
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / f"{stem}.html.gz"
    for number, page in enumerate(article.raw_pages, start=1):
        path = first if number == 1 else folder / f"{stem}-p{number}.html.gz"
        path.write_bytes(gzip.compress(page, mtime=0))
    return str(first)


class ArticleStorePipeline:
    """Writes each :class:`Article` to the Kliping database (``KLIPING_DB``)."""

    def __init__(
        self, db_path: str, raw_dir: str, region: str = "", sources: list[dict] | None = None
    ) -> None:
        self.db_path = db_path
        self.raw_dir = raw_dir
        self.region = region
        self.source_index = {s.get("url"): i for i, s in enumerate(sources or [])}
        self.db: Database | None = None
        self.source_ids: dict[str, int] = {}
        self.crawler = None

    @classmethod
    def from_crawler(cls, crawler) -> ArticleStorePipeline:
        settings = crawler.settings
        db_path = settings.get("KLIPING_DB")
        if not db_path:
            raise NotConfigured("KLIPING_DB is empty: crawled articles are not stored")
        pipeline = cls(
            db_path,
            settings.get("KLIPING_RAW_DIR"),
            settings.get("KLIPING_REGION", ""),
            list(settings.getlist("KLIPING_SOURCES")),
        )
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)
        rows = self.db.query(
            "select id, url from sources where coalesce(region, '') = ?", [self.region or ""]
        )
        self.source_ids = {row["url"]: row["id"] for row in rows}

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        source = self.source_index.get(item.source_url)
        try:
            result = store_article(
                self.db, item, raw_dir=self.raw_dir, source_id=self.source_ids.get(item.source_url)
            )
        except (sqlite3.Error, OSError) as exc:
            self._count("error/store_failed", source)
            logger.error("article %s not stored: %s", item.canonical_url, exc)
            raise DropItem(f"not stored: {exc}", log_level="ERROR") from exc
        finally:
            item.raw_pages = []  # archived (or not needed); do not carry the HTML further
        self._count(f"articles/{result.outcome}", source)
        if result.outcome == DUPLICATE:
            self._count("drop/duplicate", source)
            raise DropItem(f"duplicate {item.canonical_url}: {result.detail}", log_level="INFO")
        logger.debug("article %s: %s", item.canonical_url, result.outcome)
        return item

    def _count(self, key: str, source: int | None) -> None:
        stats = self.crawler.stats if self.crawler is not None else None
        if stats is None:
            return
        stats.inc_value(f"kliping/{key}")
        if source is not None:
            stats.inc_value(f"kliping/source/{source}/{key}")
