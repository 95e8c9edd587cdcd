"""Storing crawled articles: one row per story, raw HTML archived beside the database.

An article is the same story when its canonical URL or its text (content hash) is the
same. A re-crawl of an unchanged page writes nothing; a corrected page updates its row
and the text it replaces is kept in ``article_versions`` (its raw HTML too); the same
text under a second URL (a mirror, a print version) is dropped and counted. A re-crawl
that extracts a worse text than the stored one (empty, or less than half as long: a
broken theme, a paywall, a truncated download) keeps the stored text. Every outcome
also records the listed URL in ``seen_urls`` in the same transaction, so a scheduled
crawl skips it next time only once the article is safely stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem, NotConfigured
from sqlite_utils import Database

from clippings.db import open_db
from crawler.items import Article
from crawler.near_duplicates import WINDOW_DAYS, ClusterIndex

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED, DUPLICATE, KEPT = "new", "updated", "unchanged", "duplicate", "kept"
# A new text shorter than this share of the stored one is taken for a broken extraction.
WORSE_BODY_RATIO = 0.5


def content_hash(title: str, body: str) -> str:
    """Hash of the text a reader sees, blind to case and whitespace changes of a theme."""
    normalised = "\n".join(" ".join(part.split()).casefold() for part in (title, body))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass
class StoreResult:
    outcome: str  # NEW, UPDATED, UNCHANGED, DUPLICATE or KEPT
    article_id: int | None
    detail: str = ""
    cluster_id: int | None = None


def store_article(
    db: Database,
    article: Article,
    *,
    raw_dir: str | Path,
    source_id: int | None = None,
    now: datetime | None = None,
    clusters: ClusterIndex | None = None,
) -> StoreResult:
    """Insert, update (keeping the old text as a version) or skip one article, atomically.

    With ``clusters``, a new or corrected article joins the cluster of its
    near-duplicates (see :mod:`crawler.near_duplicates`) in the same transaction.
    """
    digest = content_hash(article.title, article.body)
    fetched_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with db.atomic():
        by_url = _one(
            db,
            "select id, title, body, content_hash, published, raw_path, fetched_at"
            " from articles where canonical_url = ?",
            [article.canonical_url],
        )
        by_hash = _one(
            db, "select id, canonical_url from articles where content_hash = ?", [digest]
        )
        if by_url and by_url["content_hash"] == digest:
            result = StoreResult(UNCHANGED, by_url["id"])
        elif by_hash and (not by_url or by_hash["id"] != by_url["id"]):
            result = StoreResult(
                DUPLICATE, by_hash["id"], f"same text as {by_hash['canonical_url']}"
            )
        elif by_url and len(article.body) < WORSE_BODY_RATIO * len(by_url["body"]):
            result = StoreResult(
                KEPT,
                by_url["id"],
                f"new text has {len(article.body)} characters, stored {len(by_url['body'])}",
            )
        elif by_url:
            _keep_version(db, by_url, Path(raw_dir), fetched_at)
            article.raw_html_path = _archive(article, Path(raw_dir))
            row = _row(article, digest, source_id, fetched_at)
            if row["published"] is None:
                row["published"] = by_url["published"]  # a lost date line is no news
            _update(db, "articles", by_url["id"], row)
            result = StoreResult(UPDATED, by_url["id"])
        else:
            article.raw_html_path = _archive(article, Path(raw_dir))
            row = _row(article, digest, source_id, fetched_at)
            result = StoreResult(NEW, _insert(db, "articles", row))
        if clusters is not None and result.outcome in {NEW, UPDATED}:
            # Page 1's signature from the worker, unless later pages were joined to it.
            ready = article.minhash if len(article.raw_pages) <= 1 else b""
            result.cluster_id = clusters.add(db, result.article_id, article.body, ready)
        stored_hash = digest if result.outcome in {NEW, UPDATED, UNCHANGED} else None
        record_seen(
            db,
            article.listed_url or article.canonical_url,
            source_id=source_id,
            now=fetched_at,
            fetched=True,
            listed_date=article.listed_date,
            etag=article.etag,
            last_modified=article.last_modified,
            content_hash=stored_hash,
            article_id=result.article_id,
            status=f"article_{result.outcome}",
        )
        return result


def record_seen(
    db: Database,
    url: str,
    *,
    source_id: int | None,
    now: str,
    fetched: bool,
    status: str,
    listed_date: str = "",
    etag: str = "",
    last_modified: str = "",
    content_hash: str | None = None,
    article_id: int | None = None,
) -> None:
    """Upsert the ``seen_urls`` row of ``url``; empty values keep what the row had."""
    row = {"url": url, "last_seen": now, "status": status}
    if source_id is not None:
        row["source_id"] = source_id
    if fetched:
        row["fetched_at"] = now
    for key, value in (
        ("listed_date", listed_date),
        ("etag", etag),
        ("last_modified", last_modified),
        ("content_hash", content_hash),
        ("article_id", article_id),
    ):
        if value:
            row[key] = value
    columns = [*row, "first_seen"]
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in row if c != "url")
    db.execute(
        f"insert into seen_urls ({', '.join(f'[{c}]' for c in columns)})"
        f" values ({', '.join('?' * len(columns))})"
        f" on conflict(url) do update set {updates}",
        [*row.values(), now],
    )


def _keep_version(db: Database, old: dict, raw_dir: Path, replaced_at: str) -> None:
    """Copy the text being replaced to ``article_versions``, its raw file beside it."""
    raw_path = old["raw_path"] or ""
    if raw_path and Path(raw_path).exists():
        count = db.execute(
            "select count(*) from article_versions where article_id = ?", [old["id"]]
        ).fetchone()[0]
        kept = Path(raw_path).with_name(
            Path(raw_path).name.replace(".html.gz", f"-v{count + 1}.html.gz")
        )
        Path(raw_path).replace(kept)
        raw_path = str(kept)
    _insert(
        db,
        "article_versions",
        {
            "article_id": old["id"],
            "title": old["title"],
            "body": old["body"],
            "content_hash": old["content_hash"],
            "raw_path": raw_path,
            "fetched_at": old["fetched_at"],
            "replaced_at": replaced_at,
        },
    )


# Plain statements on the per-article path: sqlite-utils' insert/update read the table's
# schema (several PRAGMA queries) on every call, a third of the crawl thread's time.
def _insert(db: Database, table: str, row: dict) -> int:
    names = ", ".join(f"[{c}]" for c in row)
    cursor = db.execute(
        f"insert into [{table}] ({names}) values ({', '.join('?' * len(row))})", list(row.values())
    )
    return cursor.lastrowid


def _update(db: Database, table: str, pk: int, row: dict) -> None:
    assignments = ", ".join(f"[{c}] = ?" for c in row)
    db.execute(f"update [{table}] set {assignments} where id = ?", [*row.values(), pk])


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
    """Write each fetched page (already gzip-compressed); the path of page 1 goes into the row.

    Later pages of a paginated article sit beside it as ``<name>-p2.html.gz`` and so on.
    """
    if not article.raw_pages:
        return article.raw_html_path
    host = urlsplit(article.canonical_url).netloc.replace(":", "_") or "unknown"
    stem = hashlib.sha256(article.canonical_url.encode("utf-8")).hexdigest()[:24]
    # Absolute, so the path in the row works from any working directory.
    folder = (raw_dir if raw_dir.is_absolute() else raw_dir.resolve()) / host
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / f"{stem}.html.gz"
    for number, page in enumerate(article.raw_pages, start=1):
        path = first if number == 1 else folder / f"{stem}-p{number}.html.gz"
        path.write_bytes(page)
    return str(first)


class ArticleStorePipeline:
    """Writes each :class:`Article` to the Kliping database (``KLIPING_DB``).

    Articles are stored in batches: up to ``KLIPING_STORE_BATCH`` articles (each in its
    own savepoint, so a failing one takes nothing else with it) share one transaction,
    committed when the batch is full, at most ``KLIPING_STORE_COMMIT_SECONDS`` after its
    first write, before the spider's seen-URL writer flushes, and when the spider
    closes. A commit per article was a third of the crawl process's time. A crash loses
    at most the open batch, articles and their ``seen_urls`` rows together, so the next
    crawl fetches them again.
    """

    def __init__(
        self,
        db_path: str,
        raw_dir: str,
        region: str = "",
        sources: list[dict] | None = None,
        batch: int = 50,
        commit_seconds: float = 2.0,
    ) -> None:
        self.db_path = db_path
        # Resolved once: the archive paths in the rows are absolute.
        self.raw_dir = Path(raw_dir).resolve()
        self.region = region
        self.source_index = {s.get("url"): i for i, s in enumerate(sources or [])}
        self.db: Database | None = None
        self.source_ids: dict[str, int] = {}
        self.crawler = None
        self.cluster_days = WINDOW_DAYS
        self.clusters: ClusterIndex | None = None
        self.batch = max(1, batch)
        self.commit_seconds = commit_seconds
        # Articles written in the open transaction, and when it began (monotonic).
        self._pending = 0
        self._opened = 0.0
        self._timer: asyncio.TimerHandle | None = None

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
            batch=settings.getint("KLIPING_STORE_BATCH", 50),
            commit_seconds=settings.getfloat("KLIPING_STORE_COMMIT_SECONDS", 2.0),
        )
        pipeline.crawler = crawler
        pipeline.cluster_days = settings.getint("KLIPING_CLUSTER_DAYS", WINDOW_DAYS)
        return pipeline

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)
        # WAL with synchronous=NORMAL: commits skip an fsync each (a power cut may lose
        # the last batch, which the next crawl fetches again); the file stays intact.
        self.db.execute("PRAGMA synchronous = NORMAL")
        rows = self.db.query(
            "select id, url from sources where coalesce(region, '') = ?", [self.region or ""]
        )
        self.source_ids = {row["url"]: row["id"] for row in rows}
        self.clusters = ClusterIndex.load(self.db, window_days=self.cluster_days)
        spider = getattr(self.crawler, "spider", None) if self.crawler is not None else None
        writer = getattr(spider, "seen_writer", None)
        if writer is not None:
            # Its own connection would wait for our open transaction (busy_timeout).
            writer.before_flush = self.commit
        self._schedule()

    def close_spider(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.db is not None:
            self.commit()
            self.db.close()
            self.db = None

    def commit(self) -> None:
        """Commit the open batch, if any; a failed commit is logged and counted."""
        if self.db is None or not self.db.conn.in_transaction:
            self._pending = 0
            return
        pending, self._pending = self._pending, 0
        try:
            self.db.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._lost(pending, exc)

    def _lost(self, count: int, exc: Exception) -> None:
        if self.db is not None and self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        self._count("error/store_failed", None, count)
        logger.error("%d articles not stored (the next crawl fetches them again): %s", count, exc)

    def _schedule(self) -> None:
        """Commit a batch that waits for more articles at most ``commit_seconds`` later."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no reactor (tests, scripts): commits by count and at close
            return
        self._timer = loop.call_later(self.commit_seconds, self._tick)

    def _tick(self) -> None:
        if self.db is None:
            return
        if self._pending and time.monotonic() - self._opened >= self.commit_seconds:
            self.commit()
        self._schedule()

    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        source = self.source_index.get(item.source_url)
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN")
            self._opened, self._pending = time.monotonic(), 0
        try:
            result = store_article(
                self.db,
                item,
                raw_dir=self.raw_dir,
                source_id=self.source_ids.get(item.source_url),
                clusters=self.clusters,
            )
        except (sqlite3.Error, OSError) as exc:
            self._count("error/store_failed", source)
            logger.error("article %s not stored: %s", item.canonical_url, exc)
            if self._pending and not self.db.conn.in_transaction:
                # The error ended the whole transaction, not just this article's savepoint.
                self._lost(self._pending, exc)
                self._pending = 0
            raise DropItem(f"not stored: {exc}", log_level="ERROR") from exc
        finally:
            item.raw_pages = []  # archived (or not needed); do not carry the HTML further
        self._pending += 1
        if self._pending >= self.batch or time.monotonic() - self._opened >= self.commit_seconds:
            self.commit()
        self._count(f"articles/{result.outcome}", source)
        if result.cluster_id is not None:
            self._count("articles/near_duplicate", source)
        if result.outcome == KEPT:
            self._count("drop/worse_than_stored", source)
            logger.warning(
                "article %s: stored text kept, the new one looks broken (%s)",
                item.canonical_url,
                result.detail,
            )
        if result.outcome == DUPLICATE:
            self._count("drop/duplicate", source)
            raise DropItem(f"duplicate {item.canonical_url}: {result.detail}", log_level="INFO")
        logger.debug("article %s: %s", item.canonical_url, result.outcome)
        return item

    def _count(self, key: str, source: int | None, count: int = 1) -> None:
        stats = self.crawler.stats if self.crawler is not None else None
        if stats is None:
            return
        stats.inc_value(f"kliping/{key}", count)
        if source is not None:
            stats.inc_value(f"kliping/source/{source}/{key}", count)
