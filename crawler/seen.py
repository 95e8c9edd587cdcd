"""What earlier crawls saw at each URL, so a scheduled crawl fetches only what is new.

The store pipeline records every stored article in ``seen_urls`` in the article's own
transaction; the spider records the other outcomes (a page that is no article, a 304
Not Modified) through :class:`SeenWriter`. Before requesting a listed URL the spider asks
:func:`should_fetch`: a URL already seen is skipped unless its listing says it changed
after the last fetch (sitemap ``lastmod``, feed ``updated``), and a re-fetch is sent
conditionally (If-None-Match / If-Modified-Since) so an unchanged page costs a 304.
Failures (timeouts, 5xx) are not recorded as seen: the next crawl tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from clippings.db import open_db
from crawler.pipelines import record_seen

logger = logging.getLogger(__name__)

# Outcomes after which a URL needs no new fetch until its listing says it changed.
FINAL_PREFIXES = ("article_", "drop_", "not_modified")


@dataclass(frozen=True)
class Seen:
    """One ``seen_urls`` row, as the spider needs it."""

    fetched_at: str
    etag: str
    last_modified: str
    status: str

    @property
    def final(self) -> bool:
        return self.status.startswith(FINAL_PREFIXES)


def load_seen(db_path: str | Path) -> dict[str, Seen]:
    """Every URL earlier crawls fetched, by canonical URL."""
    db = open_db(db_path)
    try:
        return {
            row["url"]: Seen(
                row["fetched_at"] or "",
                row["etag"] or "",
                row["last_modified"] or "",
                row["status"] or "",
            )
            for row in db.query(
                "select url, fetched_at, etag, last_modified, status from seen_urls"
                " where fetched_at is not null"
            )
        }
    finally:
        db.close()


def listed_datetime(text: str) -> datetime | None:
    """A sitemap ``lastmod`` (W3C datetime or date) as an aware UTC datetime, or None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        # A bare date or local time: read as UTC, the earliest it can be anywhere east.
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def should_fetch(prior: Seen | None, listed: datetime | None, *, recheck: bool) -> bool:
    """Fetch a listed URL? New ones yes; seen ones if changed after the last fetch."""
    if prior is None or not prior.final:
        return True
    if recheck:
        return True
    fetched = listed_datetime(prior.fetched_at)
    return listed is not None and fetched is not None and listed > fetched


def conditional_headers(prior: Seen | None) -> dict[str, str]:
    """The validators of the last fetch, for a request the server may answer with 304."""
    headers = {}
    if prior is not None and prior.final:
        if prior.etag:
            headers["If-None-Match"] = prior.etag
        if prior.last_modified:
            headers["If-Modified-Since"] = prior.last_modified
    return headers


class SeenWriter:
    """Buffered ``seen_urls`` writes from the spider, in batches of ``batch`` rows."""

    def __init__(self, db_path: str | Path, source_ids: dict[str, int], batch: int = 200) -> None:
        self.db_path = db_path
        self.source_ids = source_ids
        self.batch = batch
        self._pending: list[dict] = []
        # Called first: the store pipeline commits its open batch, which would otherwise
        # keep this writer's connection waiting (set by ArticleStorePipeline.open_spider).
        self.before_flush: Callable[[], None] | None = None

    def add(
        self, url: str, status: str, *, source_url: str = "", listed_date: str = "", **extra
    ) -> None:
        self._pending.append(
            {
                "url": url,
                "status": status,
                "source_id": self.source_ids.get(source_url),
                "listed_date": listed_date,
                "now": datetime.now(UTC).isoformat(timespec="seconds"),
                **extra,
            }
        )
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        if self.before_flush is not None:
            self.before_flush()
        db = open_db(self.db_path)
        try:
            with db.atomic():
                for row in rows:
                    record_seen(db, fetched=True, **row)
        except Exception as exc:  # noqa: BLE001 - losing bookkeeping must not stop a crawl
            logger.error("could not record %d seen URLs: %s", len(rows), exc)
        finally:
            db.close()


def since_date(text: str, *, today: date | None = None) -> date | None:
    """``--since`` as the CLI takes it: ``2d``, ``1w`` or an ISO date; '' means no window."""
    text = (text or "").strip().lower()
    if not text:
        return None
    today = today or date.today()
    units = {"d": 1, "w": 7}
    if text[-1:] in units and text[:-1].isdigit():
        return date.fromordinal(today.toordinal() - int(text[:-1]) * units[text[-1]])
    return date.fromisoformat(text)
