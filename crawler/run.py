"""One crawl pass over a list of sources, callable from the CLI, the demo and tests.

Twisted's reactor cannot be started twice in one process, and the CLI, the demo pipeline
and the test suite all want to crawl more than once. Each crawl therefore runs in a fresh
Python interpreter (``python -m crawler.run``): like multiprocessing's "spawn" it inherits
no reactor, threads or open database, and unlike it, it does not re-import the caller's
``__main__`` (a script without an ``if __name__ == "__main__"`` guard would otherwise crawl
recursively). The child gets its settings as JSON on stdin and writes Scrapy's stats as
JSON to a file; the parent records the sources and the run and turns stats into a report.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from clippings.db import open_db

logger = logging.getLogger(__name__)


class CrawlError(RuntimeError):
    """The crawl process itself failed (not a page or a feed: those are counted)."""


def run_crawl(
    sources: list[dict[str, Any]],
    *,
    db_path: str | Path,
    raw_dir: str | Path,
    settings: dict[str, Any] | None = None,
    reference: date | None = None,
    region: str = "",
) -> dict[str, Any]:
    """Crawl ``sources`` into the database at ``db_path`` and report what happened.

    ``settings`` override Scrapy/``KLIPING_*`` settings (tests switch AutoThrottle off);
    ``reference`` is the day treated as today for dates. The report has ``pages_fetched``,
    ``articles`` (found/new/updated/unchanged/duplicate/kept/not_modified/near_duplicate),
    ``errors``, ``dropped`` and ``skipped`` by reason, ``dates`` (articles stored without
    a date: future/none), and the same per source under ``sources``.
    """
    sources = [_plain_source(s) for s in sources]
    db = open_db(db_path)
    try:
        _record_sources(db, sources, region)
        started = _now()
        run_id = db["crawl_runs"].insert({"region": region, "started_at": started}).last_pk
    finally:
        db.close()

    overrides = dict(settings or {})
    overrides.update(
        {
            "KLIPING_SOURCES": sources,
            "KLIPING_DB": str(Path(db_path).resolve()),
            "KLIPING_RAW_DIR": str(Path(raw_dir).resolve()),
            "KLIPING_REGION": region,
            "KLIPING_REFERENCE_DATE": reference.isoformat() if reference else "",
        }
    )
    overrides.setdefault(
        "LOG_LEVEL",
        logging.getLevelName(max(logging.getLogger().getEffectiveLevel(), logging.DEBUG)),
    )

    error = None
    stats: dict[str, Any] = {}
    try:
        stats = _crawl_in_child(overrides)
    except CrawlError as exc:
        error = str(exc)

    report = build_report(stats, sources)
    report.update(
        {"run_id": run_id, "region": region, "started_at": started, "finished_at": _now()}
    )
    if error:
        report["failure"] = error
    db = open_db(db_path)
    try:
        with db.atomic():
            db["crawl_runs"].update(
                run_id,
                {
                    "finished_at": report["finished_at"],
                    "stats": json.dumps(report, ensure_ascii=False, default=str),
                },
            )
    finally:
        db.close()
    if error:
        raise CrawlError(error)
    return report


def _crawl_in_child(overrides: dict[str, Any]) -> dict[str, Any]:
    try:
        payload = json.dumps(overrides)
    except TypeError as exc:
        raise CrawlError(f"crawl settings must be JSON values: {exc}") from None
    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryDirectory(prefix="kliping-crawl-") as tmp:
        stats_path = Path(tmp) / "stats.json"
        # Logs go straight to our stderr; only the stats file is read back.
        result = subprocess.run(
            [sys.executable, "-m", "crawler.run", str(stats_path)],
            input=payload.encode("utf-8"),
            env=env,
            check=False,
        )
        if result.returncode != 0 or not stats_path.exists():
            raise CrawlError(
                f"crawl process exited with code {result.returncode} (see its log above)"
            )
        return json.loads(stats_path.read_text(encoding="utf-8"))


def crawl_in_this_process(overrides: dict[str, Any]) -> dict[str, Any]:
    """Run the news spider to completion here and return its stats (JSON-safe).

    Starts the Twisted reactor, so it can run once per process; :func:`run_crawl` calls
    it in a child through :func:`main`.
    """
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import build_settings
    from crawler.spiders.news import NewsSpider

    settings = build_settings(overrides)
    process = CrawlerProcess(settings)
    # Scrapy filters by level at its handler; with the root logger at DEBUG every
    # "Crawled (200)" and "Scraped from" line is still built, three per page.
    logging.getLogger().setLevel(settings.get("LOG_LEVEL") or "INFO")
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    # What exists now (modules, settings, the spider) lives as long as the process.
    # Frozen, it is left out of every later garbage collection, here and in the forked
    # extraction workers, which would otherwise walk it again and again (full collections
    # took 0.43 ms a page of the reactor thread on benchmarks/crawl.py, frozen 0.13 ms)
    # and, in a worker, copy each memory page it touches.
    gc.freeze()
    # Each page leaves many short-lived containers (requests, responses, Deferreds). With
    # a collection every 700 of them (Python's default) the collector took 0.46-0.52 ms a
    # page of the reactor thread on benchmarks/crawl.py; every 10,000, 0.29 ms. The
    # garbage waiting for it is a few megabytes at most.
    gc.set_threshold(10_000, 10, 10)
    process.start()
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # Scrapy >= 2.14: no stats because the crawl never started
        stats = None
    if stats is None or "start_time" not in stats:
        raise CrawlError("the crawler did not start (see the log above)")
    # CPU time of this process (reactor thread) and of its reaped children (extraction
    # workers), so a benchmark can tell which side limits throughput.
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    stats["kliping/cpu/crawl_process_seconds"] = round(own.ru_utime + own.ru_stime, 2)
    stats["kliping/cpu/workers_seconds"] = round(children.ru_utime + children.ru_stime, 2)
    return {key: _jsonable(value) for key, value in stats.items()}


def build_report(stats: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """Turn flat ``kliping/...`` stats into the nested report the CLI prints."""
    report = _section(stats, "kliping/")
    report["requests"] = int(stats.get("downloader/request_count", 0))
    report["finish_reason"] = stats.get("finish_reason", "")
    report["sources"] = []
    for index, source in enumerate(sources):
        entry = {"name": source.get("name", ""), "url": source.get("url", "")}
        entry.update(_section(stats, f"kliping/source/{index}/"))
        report["sources"].append(entry)
    report["scrapy"] = stats
    return report


def _section(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    def group(name: str) -> dict[str, int]:
        start = f"{prefix}{name}/"
        return {k[len(start) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(start)}

    articles = {
        "found": 0,
        "new": 0,
        "updated": 0,
        "unchanged": 0,
        "duplicate": 0,
        "kept": 0,
        "not_modified": 0,
    }
    articles.update(group("articles"))
    return {
        "pages_fetched": int(stats.get(f"{prefix}pages/fetched", 0)),
        # Feeds, sitemaps and listing pages read from the HTTP cache: the server answered
        # 304 Not Modified.
        "listings_not_modified": int(stats.get(f"{prefix}listing/not_modified", 0)),
        "articles": articles,
        "errors": group("error"),
        "dropped": group("drop"),
        # Listed URLs not requested: seen by an earlier crawl, or outside --since.
        "skipped": group("skip"),
        # Articles stored without a date: "future" (a date after the crawl day) or "none".
        "dates": group("date"),
        # Keys of the source's CSS overrides (title/body/date/remove) that matched nothing,
        # by number of pages: the site changed and `kliping source check` says so.
        "override_misses": group("override/miss"),
    }


def _plain_source(source: Any) -> dict[str, Any]:
    """Region ``Source`` models and dicts alike become plain dicts a child process can take."""
    if hasattr(source, "model_dump"):
        source = source.model_dump()
    source = dict(source)
    if not source.get("url"):
        raise ValueError(f"source without url: {source!r}")
    source.setdefault("name", source["url"])
    source["feeds"] = list(source.get("feeds") or [])
    source["sitemaps"] = list(source.get("sitemaps") or [])
    return source


def _record_sources(db: Database, sources: list[dict[str, Any]], region: str) -> None:
    with db.atomic():
        for source in sources:
            row = {
                "region": region,
                "name": source["name"],
                "url": source["url"],
                "kind": source.get("kind", "online"),
                "feeds": json.dumps(source["feeds"]),
                "sitemaps": json.dumps(source["sitemaps"]),
            }
            existing = list(
                db.query(
                    "select id from sources where region = ? and url = ?", [region, source["url"]]
                )
            )
            if existing:
                db["sources"].update(existing[0]["id"], row)
            else:
                db["sources"].insert({**row, "created_at": _now()})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """Child side of :func:`run_crawl`: settings JSON on stdin, stats JSON to ``argv[0]``."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m crawler.run STATS_JSON_PATH < settings.json", file=sys.stderr)
        return 2
    overrides = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        stats = crawl_in_this_process(overrides)
    except CrawlError as exc:
        print(f"kliping crawl: {exc}", file=sys.stderr)
        return 1
    Path(argv[0]).write_text(json.dumps(stats, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
