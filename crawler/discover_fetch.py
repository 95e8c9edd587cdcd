"""HTTP for the one-shot discovery of a news site (``kliping source add`` / ``check``).

Discovery makes a few dozen requests while a person waits at the terminal, so it uses a
plain blocking client (requests) instead of starting Scrapy's reactor. The client is one
callable, ``fetch(url) -> Response``, that makes exactly one GET and never follows
redirects: :func:`get` follows them itself, so a redirect loop is reported with its URLs
whatever client is plugged in, and tests can plug in local servers or in-memory pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

from crawler.settings import KLIPING_CONTACT_URL
from crawler.settings import user_agent as default_user_agent

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # seconds, for connecting and for each read
MAX_BODY_BYTES = 10 * 1024 * 1024  # a feed or sitemap file above this is a mistake
MAX_REDIRECTS = 10
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A URL that gave no HTTP response at all (network, timeout, size, redirects).

    ``reason`` is written for the desk clerk who reads ``kliping source check``.
    """

    def __init__(self, url: str, reason: str, *, answered: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.answered = answered  # the server did answer (e.g. with redirects in a loop)


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)  # keys lower-case

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


Fetch = Callable[[str], Response]


class HttpFetcher:
    """One GET per call with requests, no redirects followed, body size capped.

    Sends ``Kliping/<version> (+<contact URL>)`` so a publisher can see who asks and
    where to complain, the same User-Agent the crawler uses.
    """

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_BODY_BYTES,
        contact_url: str = KLIPING_CONTACT_URL,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent or default_user_agent(contact_url)
        self.session.headers["Accept-Language"] = "id,en;q=0.5"

    def __call__(self, url: str) -> Response:
        try:
            with self.session.get(
                url, timeout=self.timeout, allow_redirects=False, stream=True
            ) as reply:
                body = bytearray()
                for chunk in reply.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(
                            url,
                            f"respons lebih dari {self.max_bytes // (1024 * 1024)} MB, tidak dibaca",
                        )
                headers = {k.lower(): v for k, v in reply.headers.items()}
                return Response(
                    url=url, status=reply.status_code, body=bytes(body), headers=headers
                )
        except requests.Timeout:
            raise FetchError(
                url, f"waktu habis (tidak ada jawaban dalam {self.timeout:g} detik)"
            ) from None
        except requests.exceptions.SSLError as exc:
            raise FetchError(url, f"sertifikat TLS/SSL bermasalah ({_short(exc)})") from None
        except requests.ConnectionError as exc:
            raise FetchError(url, f"tidak dapat terhubung ({_short(exc)})") from None
        except requests.RequestException as exc:
            raise FetchError(url, f"permintaan gagal ({_short(exc)})") from None

    def close(self) -> None:
        self.session.close()


def get(fetch: Fetch, url: str, *, max_redirects: int = MAX_REDIRECTS) -> Response:
    """GET ``url`` following redirects; the returned response's ``url`` is the final one.

    A redirect back to a URL already visited raises :class:`FetchError` naming the loop,
    so a misconfigured site (http↔https, www↔bare) is reported instead of spun on.
    """
    chain = [url]
    current = url
    while True:
        response = fetch(current)
        location = response.headers.get("location")
        if response.status not in _REDIRECT_STATUSES or not location:
            return response if response.url == current else _with_url(response, current)
        target = urljoin(current, location.strip())
        if target in chain:
            loop = " → ".join([*chain[chain.index(target) :], target])
            raise FetchError(url, f"pengalihan (redirect) berputar: {loop}", answered=True)
        if len(chain) > max_redirects:
            raise FetchError(
                url, f"lebih dari {max_redirects} pengalihan (redirect)", answered=True
            )
        logger.debug("%s redirects (%d) to %s", current, response.status, target)
        chain.append(target)
        current = target


def _with_url(response: Response, url: str) -> Response:
    return Response(url=url, status=response.status, body=response.body, headers=response.headers)


def _short(exc: BaseException) -> str:
    # requests nests urllib3 errors several levels deep; the innermost says what happened.
    inner: BaseException = exc
    while inner.__context__ is not None and inner.__context__ is not inner:
        inner = inner.__context__
    text = str(inner) or type(inner).__name__
    return text if len(text) <= 160 else text[:157] + "..."
