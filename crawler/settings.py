"""Scrapy settings of the Kliping crawler, and the ``KLIPING_*`` knobs its components read.

One default per setting, grouped by prefix. Components read these through
``crawler.settings`` in ``from_crawler``; nothing imports them as globals.
``SCRAPY_SETTINGS_MODULE=crawler.settings scrapy crawl news`` also works.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

BOT_NAME = "kliping"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness: what a publisher's server sees ---------------------------------------
ROBOTSTXT_OBEY = True
# Set by build_settings() from KLIPING_CONTACT_URL so every request names the product and
# a way to reach its operator; an explicit USER_AGENT override wins.
USER_AGENT = None
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- Fetching ---------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # a news page is < 1 MB; larger is a mistake or an attack
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Listings (feeds, sitemaps, listing pages, robots.txt) are cached and revalidated with
# If-None-Match / If-Modified-Since on every crawl; article pages are not (see crawler.cache).
# HTTPCACHE_DIR: empty means "httpcache" beside KLIPING_RAW_DIR (build_settings fills it).
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "crawler.cache.ListingCachePolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_DIR = ""
HTTPCACHE_GZIP = True
HTTPCACHE_EXPIRATION_SECS = 0
DOWNLOADER_MIDDLEWARES = {
    # Before the cache (900): it must see the Cache-Control header.
    "crawler.cache.RevalidateMiddleware": 850,
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.cache.ListingCacheMiddleware": 900,
}
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
# No console or code-executing control server listening beside an unattended crawl.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# Items one response's output is processed with in parallel. Scrapy's default (100)
# starts 100 asyncio tasks per response; a page here yields one article at most and the
# store pipeline is synchronous, so they only cost reactor time.
CONCURRENT_ITEMS = 4

# Spider middlewares this crawler has no use for; each one wraps every request and item
# a callback yields. No depth limit is set (listings and pagination have their own page
# limits), and MetaCopyDetection only warns about a response's meta copied into new
# requests, which this spider never does (each request gets a meta dict of its own).
# (RefererMiddleware stays: without it RedirectMiddleware warns on every crawl.)
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

ITEM_PIPELINES = {
    "crawler.pipelines.ArticleStorePipeline": 300,
}

# --- Kliping ----------------------------------------------------------------------------
# Where a publisher can reach whoever runs this crawler; set it to your Diskominfo's page.
KLIPING_CONTACT_URL = os.environ.get("KLIPING_CONTACT_URL", "https://github.com/kliping/kliping")
KLIPING_VERSION = "0.1"
# The sources to crawl (list of dicts: name, url, kind, feeds, sitemaps); run_crawl fills it.
KLIPING_SOURCES: list[dict[str, Any]] = []
# Region the sources belong to; the store pipeline links articles to its `sources` rows.
KLIPING_REGION = ""
# SQLite file the store pipeline writes to; empty switches the pipeline off (NotConfigured).
KLIPING_DB = ""
# Articles the store pipeline writes per transaction (each in its own savepoint), and the
# longest an article waits uncommitted; see crawler.pipelines.ArticleStorePipeline.
KLIPING_STORE_BATCH = 50
KLIPING_STORE_COMMIT_SECONDS = 2.0
# Where raw HTML is archived (gzip) so an article can be re-extracted later.
KLIPING_RAW_DIR = "var/raw"
# The day the crawl treats as "today" (ISO date); empty means the real today. Dates after
# it by more than a day are rejected as wrong.
KLIPING_REFERENCE_DATE = ""
# Processes extracting articles beside the reactor thread: -1 = one per CPU, 0 = none
# (extract on the reactor thread). See crawler.extract_pool.
KLIPING_EXTRACT_WORKERS = -1
# Articles fetched in the last N days are compared for near-duplicates (press releases
# printed by several outlets); see crawler.near_duplicates.
KLIPING_CLUSTER_DAYS = 14
# Incremental crawling (crawler.seen): skip URLs an earlier crawl fetched unless their
# listing says they changed; KLIPING_RECHECK_SEEN re-requests them all conditionally.
KLIPING_INCREMENTAL = True
KLIPING_RECHECK_SEEN = False
# ISO date: listings and articles dated before it are not fetched/stored (--since).
KLIPING_SINCE = ""
# An article page larger than this is not downloaded (counted as "too_large"); feeds and
# sitemaps keep DOWNLOAD_MAXSIZE.
KLIPING_MAX_PAGE_BYTES = 5 * 1024 * 1024
# Pages of one article followed through "Halaman 2"/rel=next links, page 1 included.
KLIPING_MAX_ARTICLE_PAGES = 20
# Article URLs taken from one feed or one sitemap file; 0 = no limit.
KLIPING_MAX_URLS_PER_LISTING = 0
# Tried for a source that lists neither feeds nor sitemaps (WordPress conventions).
KLIPING_DEFAULT_FEED_PATHS = ["/feed/"]
KLIPING_DEFAULT_SITEMAP_PATHS = ["/sitemap.xml"]
# Pages of 50 posts read from a source's WordPress REST API (X-WP-TotalPages is capped).
KLIPING_WP_MAX_PAGES = 10
# Pages of one listing/category page followed through rel=next, "/page/N/", "Selanjutnya".
KLIPING_LISTING_MAX_PAGES = 5


def user_agent(contact_url: str, version: str = KLIPING_VERSION) -> str:
    """The User-Agent a publisher sees: the product and where to complain."""
    return f"Kliping/{version} (+{contact_url})"


def build_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """This module's settings with ``overrides`` on top and the User-Agent filled in."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.update(overrides, priority="cmdline")
    if not settings.get("HTTPCACHE_DIR"):
        raw_dir = Path(settings.get("KLIPING_RAW_DIR") or "var/raw").resolve()
        settings.set("HTTPCACHE_DIR", str(raw_dir.parent / "httpcache"), priority="cmdline")
    if not settings.get("USER_AGENT"):
        settings.set(
            "USER_AGENT",
            user_agent(settings.get("KLIPING_CONTACT_URL"), settings.get("KLIPING_VERSION")),
            priority="cmdline",
        )
    return settings
