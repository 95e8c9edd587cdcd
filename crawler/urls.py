"""One spelling per article URL.

The same story reaches the crawler as a feed link with ``utm_*`` parameters, a sitemap
entry, an AMP page and a share link with ``fbclid``; counting it once needs one key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from w3lib.url import canonicalize_url

# Query parameters that only select the AMP rendering of the same article.
_AMP_PARAMS = {"amp", "amp_markup", "outputtype"}
# Trailing path segments of AMP variants: /berita/judul/amp/, /berita/judul/amp
_AMP_PATH = re.compile(r"/amp/?$", re.IGNORECASE)


# A URL is spelt several times per article (as listed, as fetched, page 1 of a
# pagination check); both functions are pure, so each spelling is worked out once.
_CACHED_URLS = 8192


def canonicalize(url: str, *, home: str | None = None) -> str:
    """The key under which an article URL is deduplicated and stored.

    Drops fragments, tracking parameters (``utm_*``, ``fbclid``, ``gclid``... as listed
    by courlan) and AMP variants, lower-cases scheme and host, removes default ports,
    sorts the query and removes a trailing slash (``/judul/`` and ``/judul`` are one page).
    With ``home`` (the source's home page URL), the mobile and AMP hosts of that site
    (``m.``, ``mobile.``, ``amp.``) become the home page's host.
    Raises ``ValueError`` for anything but an absolute http(s) URL.
    """
    return _canonicalize(url, home)


@lru_cache(maxsize=_CACHED_URLS)
def _canonicalize(url: str, home: str | None) -> str:
    url = fetch_url(url, home=home)
    parts = urlsplit(url)
    if len(parts.path) > 1 and parts.path.endswith("/"):
        url = urlunsplit(
            (parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", parts.query, "")
        )
    return url


def fetch_url(url: str, *, home: str | None = None) -> str:
    """The URL to request: :func:`canonicalize` but with the path's trailing slash as given.

    WordPress answers ``/judul`` with a redirect to ``/judul/``; keeping the publisher's
    own spelling saves that extra request for every article.
    """
    return _fetch_url(url, home)


@lru_cache(maxsize=_CACHED_URLS)
def _fetch_url(url: str, home: str | None) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if home:
        desktop = desktop_host(parts.netloc, home)
        if desktop != parts.netloc:
            parts = parts._replace(netloc=desktop)
            url = urlunsplit(parts)
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _AMP_PARAMS
        ]
    )
    path = _AMP_PATH.sub("/", parts.path) or "/"
    url = urlunsplit((parts.scheme, parts.netloc, path, query, ""))
    # courlan: scheme/host case, default ports, tracking parameters, path dots and slashes.
    url = normalize_url(url)
    # w3lib: percent-encoding and query order, the way Scrapy fingerprints requests.
    return canonicalize_url(url, keep_fragments=False)


_MOBILE_PREFIXES = ("m.", "mobile.", "amp.")


def desktop_host(netloc: str, home: str) -> str:
    """``m.example.id`` -> the host of ``home`` when that is ``example.id`` or ``www.example.id``.

    Only the source's own site is mapped: ``m.`` of an unrelated host is left alone, and
    whether the desktop site has ``www.`` is taken from the home page, not guessed.
    """
    home_host = (urlsplit(home).netloc or "").lower()
    host = netloc.lower()
    bare_home = home_host.removeprefix("www.")
    for prefix in _MOBILE_PREFIXES:
        if host.startswith(prefix) and host[len(prefix) :] in {bare_home, home_host}:
            return home_host
    return netloc
