"""Fixture news sites for crawler tests: pages we write, served on 127.0.0.1.

:class:`Site` serves a mutable route table, so a test can change the site between two
crawls (a corrected article, a new one, a broken page), answers conditional requests
with 304 when the ETag or Last-Modified matches, and can stall a response to provoke a
timeout.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
XML = "application/xml"


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = HTML
    etag: str = ""
    last_modified: str = ""  # an HTTP date; If-Modified-Since equal to it gets a 304
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall before answering


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    published: str,
    canonical: str = "",
    lang: str = "id",
    charset: str = "utf-8",
) -> str:
    """A WordPress-like article page around ``paragraphs``."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">
<title>{title} - Warta Uji</title><meta property="og:type" content="article">
<meta property="og:site_name" content="Warta Uji">{link}
<meta property="article:published_time" content="{published}"></head>
<body><header><nav class="menu"><a href="/">Beranda</a> <a href="/daerah/">Daerah</a></nav></header>
<main><article class="post"><h1 class="entry-title">{title}</h1>
<div class="entry-meta"><time datetime="{published}">{published[:10]}</time></div>
<div class="entry-content">{body}</div></article></main>
<footer class="site-footer">Warta Uji &copy; 2025</footer></body></html>"""


def sitemap(base: str, entries: list[tuple[str, str]]) -> bytes:
    """A urlset of (path, lastmod) pairs; lastmod '' leaves the element out."""
    urls = "".join(
        f"<url><loc>{base}{path}</loc>"
        + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        + "</url>"
        for path, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


class Site:
    """A local HTTP server over ``routes`` (path -> :class:`Page`); records request paths."""

    def __init__(self) -> None:
        self.routes: dict[str, Page] = {}
        self.requests: list[str] = []
        self.conditional: list[str] = []  # paths requested with If-None-Match/If-Modified-Since
        self.answers: list[tuple[str, int]] = []  # (path, status) of every response
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                site.requests.append(self.path)
                page = site.routes.get(self.path.split("#")[0])
                if page is None:
                    page = Page(b"tidak ditemukan", status=404, content_type="text/plain")
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    site.conditional.append(self.path)
                if page.delay:
                    time.sleep(page.delay)
                if (page.etag and self.headers.get("If-None-Match") == page.etag) or (
                    page.last_modified
                    and not page.etag
                    and self.headers.get("If-Modified-Since") == page.last_modified
                ):
                    site.answers.append((self.path, 304))
                    self.send_response(304)
                    if page.etag:
                        self.send_header("ETag", page.etag)
                    self.end_headers()
                    return
                site.answers.append((self.path, page.status))
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                if page.etag:
                    self.send_header("ETag", page.etag)
                if page.last_modified:
                    self.send_header("Last-Modified", page.last_modified)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(page.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up (timeout, size limit): that is the test

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, path: str, page: Page) -> None:
        self.routes[path] = page

    def __enter__(self) -> Site:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
