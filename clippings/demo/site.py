"""The example news site that ``make demo`` and the crawler tests crawl, with no network.

A local server stands in for a real Indonesian WordPress news site so the whole pipeline
(discovery through feed and sitemap, fetching, extraction, dating, classification) runs
offline against pages as messy as real ones. The ground truth of every page comes from the
same data, so a test can say exactly what the crawler should have found.

Run it for a person to browse::

    python -m clippings.demo.site --port 8000
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import click

from clippings.demo.content import build_site, format_published
from clippings.demo.pages import DemoSite, Response

__all__ = ["PAGE_NOISE", "serve_site", "site_articles", "source_for", "main"]

logger = logging.getLogger(__name__)

# Text around every article page that must never end up in an extracted article body.
PAGE_NOISE: tuple[str, ...] = (
    "Langsung ke konten",
    "Semua berita di situs ini fiktif",
    "Mode Gelap",
    "Trending",
    "Terpopuler",
    "kali dibaca",
    "ADVERTISEMENT",
    "Penulis:",
    "Perbesar",
    "Bagikan:",
    "Salin Tautan",
    "Baca Juga:",
    "Tag:",
    "Baca Lainnya",
    "Tinggalkan Balasan",
    "Alamat email Anda tidak akan dipublikasikan",
    "Ruas yang wajib ditandai",
    "Simpan nama, email, dan situs web saya",
    "Kirim Komentar",
    "Pedoman Media Siber",
    "Situs ini menggunakan cookie",
)


def _base_host(host: str) -> str:
    # Links must point somewhere a client can reach; a wildcard bind is reached locally.
    return "127.0.0.1" if host in ("", "0.0.0.0") else host


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client must not keep the demo from exiting

    def __init__(self, today: date, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.base_url = f"http://{_base_host(host)}:{self.server_address[1]}"
        self.site = DemoSite(build_site(today), self.base_url)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:
        self._send(self._render(), with_body=True)

    def do_HEAD(self) -> None:
        self._send(self._render(), with_body=False)

    def do_POST(self) -> None:
        body = b"Komentar tidak dapat dikirim di situs contoh."
        self._send(Response(403, "text/plain; charset=utf-8", body), with_body=True)

    def _render(self) -> Response:
        try:
            return self.server.site.respond(self.path)
        except Exception:  # a broken template must show as a 500, not a dropped socket
            logger.exception("demo site failed to render %s", self.path)
            return Response(500, "text/plain; charset=utf-8", b"Internal Server Error")

    def _send(self, response: Response, *, with_body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        logger.debug("%s " + format, self.address_string(), *args)


@contextmanager
def serve_site(today: date, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the example site as it looks on ``today`` and yield its base URL.

    Port 0 picks a free port, so parallel tests never collide. The server runs in a daemon
    thread and is shut down when the block exits, even on error.
    """
    try:
        server = _Server(today, host, port)
    except OSError as exc:
        raise OSError(
            f"cannot start the example site on {host}:{port}: {exc.strerror or exc}"
        ) from exc
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    logger.info("example site serving %s (today=%s)", server.base_url, today)
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def site_articles(today: date, base_url: str) -> list[dict]:
    """Ground truth of the example site on ``today``, newest first.

    Tests compare a crawl with this list: the canonical URL, title, publication date and
    full body (both halves of the paginated story) the extractor should recover, plus the
    desk's intended labels (LABELS.md) so a demo sheet can be checked by eye.
    """
    base_url = base_url.rstrip("/")
    site = build_site(today)
    records = []
    for article in site.articles:
        url = base_url + article.path
        labels = article.labels
        others = [a.title for a in site.articles if a is not article]
        records.append(
            {
                "url": url,
                "page_urls": [url] + [f"{url}{n}/" for n in range(2, article.pages + 1)],
                "id": article.id,
                "slug": article.slug,
                "title": article.title,
                "published": article.published.date(),
                "published_at": article.published,
                "modified_at": article.modified,
                "date_text": format_published(article.published, article.date_style),
                "machine_date": bool(article.machine_date),
                "body": list(article.paragraphs),
                "caption": article.caption,
                "rubric": article.rubric,
                "authors": [article.author],
                "relevant_to_region": labels.relevant,
                "urusan": list(labels.urusan),
                "nilai": labels.nilai,
                "sifat": labels.sifat,
                "tindak_lanjut": labels.tindak_lanjut,
                "noise": [*PAGE_NOISE, *(c.text for c in article.comments), *others],
            }
        )
    return records


def source_for(base_url: str) -> dict:
    """The source entry a crawler needs to discover the example site's stories."""
    base_url = base_url.rstrip("/")
    return {
        "name": "Warta Pemalang (contoh)",
        "url": base_url + "/",
        "kind": "online",
        "feeds": [base_url + "/feed/"],
        "sitemaps": [base_url + "/sitemap.xml"],
    }


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan.")
@click.option(
    "--port", default=8000, show_default=True, type=int, help="Port (0 = pilih port bebas)."
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Tanggal 'hari ini' situs (YYYY-MM-DD); bawaan: hari ini.",
)
def main(host: str, port: int, today: datetime | None) -> None:
    """Jalankan situs berita contoh (fiktif) untuk dijelajahi lewat peramban."""
    day = today.date() if today else date.today()
    try:
        with serve_site(day, host, port) as url:
            click.echo(
                f"Situs contoh berjalan di {url}/ (tanggal {day.isoformat()}). Tekan Ctrl+C untuk berhenti."
            )
            threading.Event().wait()
    except OSError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("Situs contoh dihentikan.")


if __name__ == "__main__":
    main()
