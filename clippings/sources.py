"""The sources registry: the news sites a region's desk follows, in the ``sources`` table.

The region YAML is what a desk clerk edits; ``kliping source add`` adds what discovery
found (feeds, sitemaps, WordPress API, section pages). Both land in one table so that a
crawl reads one list, and ``kliping source check`` reports on that same list.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sqlite_utils import Database
from trafilatura.utils import load_html

from clippings.audit import record, utc_now
from clippings.regions import Region
from crawler.discover import Discovery, normalize_home_url, verify
from crawler.discover_fetch import Fetch, FetchError, HttpFetcher, get
from crawler.overrides import apply_overrides, selectors

__all__ = [
    "KINDS",
    "SourceAdded",
    "SourceCheck",
    "SourceError",
    "SourceRecord",
    "SyncResult",
    "add_source",
    "check_sources",
    "list_sources",
    "sync_region_sources",
]

logger = logging.getLogger(__name__)

KINDS = ("online", "portal", "cetak")
ERROR_RATE_RUNS = 10  # crawl runs looked at for a source's error rate


class SourceError(ValueError):
    """A source that cannot be stored, with the reason in words for the desk."""


@dataclass
class SourceRecord:
    id: int
    region: str
    name: str
    url: str
    kind: str
    feeds: list[str]
    sitemaps: list[str]
    language: str = ""
    wp_json: str | None = None
    listing_pages: list[str] = field(default_factory=list)
    # Per-source CSS selectors (title, body, date, remove) from the region file.
    overrides: dict[str, Any] = field(default_factory=dict)
    discovery: Discovery | None = None
    created_at: str = ""
    discovered_at: str | None = None
    updated_at: str | None = None

    def crawl_entry(self) -> dict[str, Any]:
        """The plain dict ``crawler.run.run_crawl`` takes for this source."""
        return {
            "name": self.name,
            "url": self.url,
            "kind": self.kind,
            "language": self.language or "id",
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "wp_json": self.wp_json,
            "listing_pages": list(self.listing_pages),
            "overrides": dict(self.overrides),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SourceRecord:
        discovery = json.loads(row["discovery"]) if row.get("discovery") else None
        return cls(
            id=row["id"],
            region=row["region"] or "",
            name=row["name"],
            url=row["url"],
            kind=row["kind"] or "online",
            feeds=_json_list(row.get("feeds")),
            sitemaps=_json_list(row.get("sitemaps")),
            language=row.get("language") or "",
            wp_json=row.get("wp_json") or None,
            listing_pages=_json_list(row.get("listing_pages")),
            overrides=json.loads(row["overrides"]) if row.get("overrides") else {},
            discovery=Discovery.from_dict(discovery) if discovery else None,
            created_at=row.get("created_at") or "",
            discovered_at=row.get("discovered_at"),
            updated_at=row.get("updated_at"),
        )


class SourceAdded(NamedTuple):
    source: SourceRecord
    created: bool  # False: an existing row (same region and site) was updated


@dataclass
class SyncResult:
    added: list[str] = field(default_factory=list)  # URLs
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class SourceCheck:
    source: SourceRecord
    reachable: bool
    feeds_ok: int
    sitemaps_ok: int
    wp_json_ok: bool | None  # None: no API stored
    listing_ok: int
    last_article: datetime | None  # newest date the feeds/sitemaps show now
    last_stored: str | None  # newest publication date among the stored articles
    pages: int  # fetched in the recent crawl runs
    errors: int  # failures in the recent crawl runs
    problems: list[str]

    @property
    def error_rate(self) -> float | None:
        """Failures per attempt (pages fetched + failures) over recent runs; None before any."""
        attempts = self.pages + self.errors
        return self.errors / attempts if attempts else None


def add_source(
    db: Database,
    region_id: str,
    url: str,
    discovery: Discovery,
    *,
    name: str | None = None,
    kind: str = "online",
    actor: str = "kliping",
) -> SourceAdded:
    """Store what discovery found for a site, once per region and site.

    Running it again updates the same row (``https://x.id`` and ``http://www.x.id/`` are
    one site) and never replaces stored feeds or sitemaps with an empty list: a site that
    is down today must not lose what an earlier discovery found.
    """
    if kind not in KINDS:
        raise SourceError(
            f"jenis sumber {kind!r} tidak dikenal; pilih salah satu: {', '.join(KINDS)}"
        )
    try:
        url = normalize_home_url(url)
    except ValueError as exc:
        raise SourceError(f"alamat sumber tidak valid: {exc}") from None
    if not discovery.reachable and not discovery.found_anything():
        reasons = "; ".join(discovery.problems) or "tidak ada jawaban"
        raise SourceError(f"{url} tidak terjangkau, tidak disimpan ({reasons})")
    now = utc_now()
    with db.atomic():
        existing = _find(db, region_id, url)
        row: dict[str, Any] = {
            "region": region_id,
            "kind": kind,
            "language": discovery.language or (existing or {}).get("language") or "",
            "discovery": json.dumps(discovery.to_dict(), ensure_ascii=False),
            "discovered_at": now,
            "updated_at": now,
        }
        _merge_list(row, existing, "feeds", discovery.feed_urls())
        _merge_list(row, existing, "sitemaps", discovery.sitemap_urls())
        _merge_list(row, existing, "listing_pages", discovery.listing_urls())
        row["wp_json"] = discovery.wp_json or (existing or {}).get("wp_json")
        if existing:
            row["name"] = name or existing["name"]
            db["sources"].update(existing["id"], row)
            source_id = existing["id"]
        else:
            row.update(
                name=name or discovery.site_name or urlsplit(url).hostname, url=url, created_at=now
            )
            source_id = db["sources"].insert(row).last_pk
        record(
            db,
            actor,
            "source.update" if existing else "source.add",
            "source",
            source_id,
            {
                "region": region_id,
                "url": url,
                "feeds": json.loads(row["feeds"]),
                "sitemaps": json.loads(row["sitemaps"]),
                "wp_json": row["wp_json"],
                "problems": discovery.problems,
            },
        )
    return SourceAdded(SourceRecord.from_row(db["sources"].get(source_id)), existing is None)


def sync_region_sources(db: Database, region: Region, *, actor: str = "kliping") -> SyncResult:
    """Bring the sources listed in the region file into the registry.

    The file wins for name, kind and language, and for feeds/sitemaps when it lists any;
    when it lists none, what discovery stored is kept. Sources added with
    ``kliping source add`` but not (yet) pasted into the file stay.
    """
    result = SyncResult()
    now = utc_now()
    with db.atomic():
        for source in region.sources:
            existing = _find(db, region.id, source.url)
            row: dict[str, Any] = {
                "region": region.id,
                "name": source.name,
                "kind": source.kind,
                "language": source.language,
                "overrides": json.dumps(source.overrides, sort_keys=True) if source.overrides else None,
            }
            _merge_list(row, existing, "feeds", source.feeds)
            _merge_list(row, existing, "sitemaps", source.sitemaps)
            if existing is None:
                row.update(url=source.url, created_at=now, updated_at=now)
                source_id = db["sources"].insert(row).last_pk
                result.added.append(source.url)
                record(
                    db,
                    actor,
                    "source.sync",
                    "source",
                    source_id,
                    {"region": region.id, "url": source.url, "added": True},
                )
                continue
            changed = {k: v for k, v in row.items() if existing.get(k) != v}
            if not changed:
                result.unchanged.append(existing["url"])
                continue
            db["sources"].update(existing["id"], {**changed, "updated_at": now})
            result.updated.append(existing["url"])
            record(
                db,
                actor,
                "source.sync",
                "source",
                existing["id"],
                {"region": region.id, "url": existing["url"], "changed": sorted(changed)},
            )
    return result


def list_sources(db: Database, region_id: str) -> list[SourceRecord]:
    """The region's sources, by name."""
    rows = db.query("select * from sources where region = ? order by lower(name), id", [region_id])
    return [SourceRecord.from_row(row) for row in rows]


def check_sources(
    db: Database,
    region_id: str,
    *,
    fetch: Fetch | None = None,
    now: datetime | None = None,
    runs: int = ERROR_RATE_RUNS,
) -> list[SourceCheck]:
    """Fetch each registered source's home page and stored endpoints and report on them.

    Read-only: nothing in the registry changes, so a check during an outage loses nothing.
    """
    checks = []
    history = _recent_runs(db, region_id, runs)
    own_fetcher = fetch is None
    fetch = fetch if fetch is not None else HttpFetcher()
    try:
        for source in list_sources(db, region_id):
            found = verify(
                source.url,
                feeds=source.feeds,
                sitemaps=source.sitemaps,
                wp_json=source.wp_json,
                listing_pages=source.listing_pages,
                fetch=fetch,
                now=now,
            )
            problems = list(found.problems)
            if not (source.feeds or source.sitemaps or source.wp_json or source.listing_pages):
                problems.append(
                    f"{source.url}: belum ada feed, sitemap atau halaman rubrik tersimpan "
                    f"(jalankan: kliping source add {source.url} --region {region_id})"
                )
            pages, errors, misses = _crawl_counts(history, source.url)
            if source.overrides and found.reachable:
                problems.extend(_override_problems(db, source, fetch, misses, len(history)))
            checks.append(
                SourceCheck(
                    source=source,
                    reachable=found.reachable,
                    feeds_ok=len(found.feeds),
                    sitemaps_ok=len(found.sitemap_urls()),
                    wp_json_ok=bool(found.wp_json) if source.wp_json else None,
                    listing_ok=len(found.listing_pages),
                    last_article=found.last_article,
                    last_stored=_last_stored(db, source.id),
                    pages=pages,
                    errors=errors,
                    problems=problems,
                )
            )
    finally:
        if own_fetcher and isinstance(fetch, HttpFetcher):
            fetch.close()
    return checks


def _override_problems(
    db: Database, source: SourceRecord, fetch: Fetch, misses: dict[str, int], runs: int
) -> list[str]:
    """The source's CSS overrides that match nothing: on its newest stored article,
    fetched now, and on the article pages of the recent crawls.

    A theme change silently sends every page of the site back to the default extraction
    (the crawler falls back rather than lose articles); the desk learns it here.
    """
    live: list[str] = []
    row = db.execute(
        "select url from articles where source_id = ? order by fetched_at desc, id desc limit 1",
        [source.id],
    ).fetchone()
    if row:
        url = row[0]
        try:
            response = get(fetch, url)
        except FetchError as exc:
            logger.info("override check of %s skipped: %s", url, exc.reason)
            response = None
        tree = load_html(response.body) if response is not None and response.ok else None
        if tree is not None:
            live = list(dict.fromkeys(apply_overrides(tree, source.overrides, url).misses))
    problems = []
    for key in dict.fromkeys([*live, *misses]):
        where = []
        if key in live:
            where.append(f"artikel terbaru {row[0]}")
        if misses.get(key):
            where.append(f"{misses[key]} halaman artikel dalam {runs} crawl terakhir")
        problems.append(
            f"{source.url}: selektor override {key} ({', '.join(selectors(source.overrides, key))})"
            f" tidak menemukan apa pun di {' dan '.join(where)}; ekstraksi bawaan dipakai."
            " Perbarui `overrides` sumber ini di berkas wilayah."
        )
    return problems


# --- helpers -------------------------------------------------------------------------------


def site_key(url: str) -> tuple[str, str, str]:
    """One key per site whatever the spelling: scheme, ``www.`` and a trailing slash ignored."""
    try:
        url = normalize_home_url(url)
    except ValueError:
        return ("", url, "")
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    return (host, parts.path.rstrip("/"), parts.query)


def _find(db: Database, region_id: str, url: str) -> dict[str, Any] | None:
    key = site_key(url)
    for row in db.query("select * from sources where region = ?", [region_id]):
        if site_key(row["url"]) == key:
            return row
    return None


def _merge_list(
    row: dict[str, Any], existing: dict[str, Any] | None, column: str, values: list[str]
) -> None:
    if values or existing is None:
        row[column] = json.dumps(list(values))
    else:
        row[column] = existing.get(column) or "[]"


def _recent_runs(db: Database, region_id: str, limit: int) -> list[dict[str, Any]]:
    if "crawl_runs" not in db.table_names():
        return []
    rows = db.query(
        "select stats from crawl_runs where region = ? and stats is not null order by id desc limit ?",
        [region_id, limit],
    )
    reports = []
    for row in rows:
        try:
            reports.append(json.loads(row["stats"]))
        except (TypeError, json.JSONDecodeError):
            logger.warning("crawl run with unreadable stats skipped")
    return reports


def _crawl_counts(reports: list[dict[str, Any]], url: str) -> tuple[int, int, dict[str, int]]:
    """Pages fetched, failures and override misses (pages by key) of a source's runs."""
    key = site_key(url)
    pages = errors = 0
    misses: dict[str, int] = {}
    for report in reports:
        for entry in report.get("sources") or []:
            if isinstance(entry, dict) and site_key(str(entry.get("url", ""))) == key:
                pages += int(entry.get("pages_fetched") or 0)
                errors += sum(int(v) for v in (entry.get("errors") or {}).values())
                for name, count in (entry.get("override_misses") or {}).items():
                    misses[name] = misses.get(name, 0) + int(count)
    return pages, errors, misses


def _last_stored(db: Database, source_id: int) -> str | None:
    row = db.execute(
        "select max(published) from articles where source_id = ?", [source_id]
    ).fetchone()
    return row[0] if row else None


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text) if text else []
    except json.JSONDecodeError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
