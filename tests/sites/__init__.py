"""Small fictional news sites served on 127.0.0.1 for the discovery and registry tests.

Each folder is one site. A path maps to a file (``/`` → ``index.html``, ``/x/`` →
``x/index.html``, ``/x`` → ``x`` or ``x.html``); ``routes.yaml`` in the folder (and the
``routes`` argument, for broken variants) can instead answer a path with a status, a
redirect, another file or a gzip-compressed file. ``{{base}}`` in a served text file is
replaced by the server's base URL, so feeds and sitemaps carry absolute links as real
ones do. Every request is recorded with its headers so tests can check politeness.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SITES_DIR = Path(__file__).resolve().parent

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".gz": "application/x-gzip",
}


@dataclass
class ServedSite:
    url: str  # base URL, no trailing slash
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, headers

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, routes: dict[str, dict]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.routes = routes
        self.site = ServedSite(f"http://127.0.0.1:{self.server_address[1]}")
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.site.requests.append((self.path, dict(self.headers)))
        status, headers, body = self._answer(urlsplit(self.path).path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        route = self.server.routes.get(path, {})
        if "redirect" in route:
            target = route["redirect"]
            location = target if "://" in target else self.server.site.url + target
            return route.get("status", 301), {"Location": location}, b""
        if "status" in route and "file" not in route:
            return (
                route["status"],
                {"Content-Type": "text/plain; charset=utf-8"},
                b"Galat server (contoh).",
            )
        if "gzip" in route:
            body = gzip.compress(self._read(self.server.root / route["gzip"]), mtime=0)
            return 200, {"Content-Type": "application/x-gzip"}, body
        file = self.server.root / route["file"] if "file" in route else self._file_for(path)
        if file is None or not file.is_file():
            return (
                404,
                {"Content-Type": "text/html; charset=utf-8"},
                b"<html><body><h1>Halaman tidak ditemukan</h1></body></html>",
            )
        content_type = route.get("type") or _TYPES.get(file.suffix, "application/octet-stream")
        return route.get("status", 200), {"Content-Type": content_type}, self._read(file)

    def _file_for(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if ".." in relative.split("/"):
            return None
        candidates = (
            [relative + "index.html"]
            if relative.endswith("/") or not relative
            else [relative, relative + ".html"]
        )
        for candidate in candidates:
            file = self.server.root / candidate
            if file.is_file():
                return file
        return None

    def _read(self, file: Path) -> bytes:
        data = file.read_bytes()
        if file.suffix in {".html", ".xml", ".atom", ".txt", ".json"}:
            data = data.replace(b"{{base}}", self.server.site.url.encode())
        return data

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        pass


@contextmanager
def serve(site: str, routes: dict[str, dict] | None = None) -> Iterator[ServedSite]:
    """Serve ``tests/sites/<site>/`` on a free local port while the block runs."""
    root = SITES_DIR / site
    if not root.is_dir():
        raise FileNotFoundError(f"no fixture site {root}")
    table: dict[str, dict] = {}
    routes_file = root / "routes.yaml"
    if routes_file.exists():
        table.update(yaml.safe_load(routes_file.read_text(encoding="utf-8")) or {})
    table.update(routes or {})
    server = _Server(root, table)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server.site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that accepts connections but never answers, to test timeouts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
