"""HTTP caching of listings, so a scheduled re-crawl of an unchanged site costs little.

Feeds, sitemaps, listing pages, WordPress API pages and robots.txt are fetched on every
crawl. Scrapy's ``HttpCacheMiddleware`` keeps them (``HTTPCACHE_DIR``, beside the raw
archive by default) and, with the RFC 2616 policy, asks the server again with
``If-None-Match`` / ``If-Modified-Since``: an unchanged feed comes back as a bodiless
304 and the spider reads the stored copy. Article pages are not cached here
(``dont_cache``): they are archived by the store pipeline and skipped through the
seen-URL store (:mod:`crawler.seen`).

Two departures from a browser cache, both because a crawl runs on a schedule:

* a stored listing is never used without asking the server. A feed sent with
  ``Cache-Control: max-age=3600`` (or only ``Last-Modified``, which RFC 2616 caches
  heuristically for a tenth of its age) would otherwise hide the stories of the next
  hour from an hourly crawl. :class:`RevalidateMiddleware` sends ``Cache-Control:
  max-age=0`` with every cacheable request, as a browser's reload does;
* a failure is reported, not papered over with the stored copy: :class:`ListingCachePolicy`
  accepts only a 304 as "still valid" (not a 5xx), and :class:`ListingCacheMiddleware`
  lets a timeout or refused connection fail the request (Scrapy's middleware would answer
  it with the stored copy). The stored copy holds only stories already fetched; passing
  it off as the feed would tell the desk "nothing new" about a source that was down.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidateMiddleware:
    """Downloader middleware (before ``HttpCacheMiddleware``): revalidate every stored copy."""

    def process_request(self, request: Request, spider: object = None) -> None:
        if not request.meta.get("dont_cache") and b"Cache-Control" not in request.headers:
            request.headers[b"Cache-Control"] = b"max-age=0"


class ListingCachePolicy(RFC2616Policy):
    """RFC 2616 caching in which only a 304 keeps the stored copy (not a 5xx)."""

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return response.status == 304


class ListingCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's HTTP cache without its error recovery: an unreachable listing is an error."""

    def process_exception(
        self, request: Request, exception: Exception, spider: object = None
    ) -> None:
        request.meta.pop("cached_response", None)
        return None
