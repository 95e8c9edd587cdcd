"""Article extraction in worker processes, so a crawl uses every core.

Scrapy runs callbacks on the single Twisted reactor thread, and extraction (HTML
parsing, trafilatura, date search) is most of a crawl's CPU time; on the reactor thread
one core does everything while downloads wait. The spider hands each page's bytes to a
``ProcessPoolExecutor`` and awaits the result, so the reactor keeps downloading and
storing while the workers extract. ``KLIPING_EXTRACT_WORKERS`` sets the number of
workers: ``-1`` (default) one per CPU, ``0`` extracts on the reactor thread (useful when
debugging with pdb, or on a one-core machine).

Workers are forked from the crawl process when the spider starts, before the first
download: they start warm (the extraction code is already imported) and, unlike
"spawn" or "forkserver" workers, never re-import the caller's ``__main__`` (a script
without an ``if __name__ == "__main__"`` guard would crawl again in every worker).
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.http import HtmlResponse
from trafilatura.utils import load_html

from classify.language import judge
from crawler.extract import Rejected, extract_body, try_extract_article
from crawler.items import Article
from crawler.near_duplicates import signature, to_bytes
from crawler.overrides import apply_overrides, selectors
from crawler.pagination import PageTree, next_page_url

logger = logging.getLogger(__name__)


class ExtractionCrashed(RuntimeError):
    """A worker process died (killed, out of memory) while extracting a page."""


@dataclass
class PageResult:
    """What a worker sends back: picklable, unlike :class:`Rejected` with its two fields."""

    article: Article | None = None
    rejected: tuple[str, str] | None = None
    body: str = ""
    next_url: str | None = None
    # The page's bytes as fetched, gzip-compressed for the raw archive.
    raw_gzip: bytes = b""
    # classify.language on the article body: share of Indonesian function words, verdict.
    indonesian_share: float = 0.0
    indonesian: bool = True
    # Keys of the source's CSS overrides that matched nothing (default extraction used).
    override_misses: list[str] = field(default_factory=list)
    # What was wrong with the page's declared encoding ('' if nothing): see page_text.
    encoding_fix: str = ""


def compress_page(raw: bytes) -> bytes:
    """The archive form of a fetched page (mtime 0: same page, same bytes).

    Level 3: on a 50 kB theme page, half the CPU time of level 6 for 10 % more bytes.
    """
    return gzip.compress(raw, compresslevel=3, mtime=0)


def decode_page(raw: bytes, content_type: str, url: str) -> tuple[str, str]:
    """The fetched bytes as text, decoded as Scrapy decodes them (``Content-Type``
    header, BOM, ``<meta charset>``), then repaired by :func:`page_text`.

    Decoding here, in the worker, rather than on the reactor thread, also halves what
    crosses to the worker: the bytes, not the bytes and the text.
    """
    headers = {"Content-Type": content_type} if content_type else None
    return page_text(HtmlResponse(url=url, body=raw, headers=headers))


def article_page(
    raw: bytes,
    content_type: str,
    url: str,
    reference: date | None,
    base: str,
    overrides: dict[str, Any] | None = None,
) -> PageResult:
    """Page 1 of an article: the article, or why there is none, and its page-2 link.

    ``raw`` is the page as fetched and ``content_type`` its ``Content-Type`` header.
    ``overrides`` are the source's CSS selectors (plain dict: it crosses to the worker).
    """
    text, fixed = decode_page(raw, content_type, url)
    tree = load_html(text) if text.strip() else None
    misses: list[str] = []
    try:
        # The page is parsed once, here, for the article and for its page-2 link.
        article = try_extract_article(
            tree if tree is not None else text,
            url,
            reference=reference,
            overrides=overrides,
            override_misses=misses,
        )
    except Rejected as exc:
        return PageResult(
            rejected=(exc.reason, exc.detail), override_misses=misses, encoding_fix=fixed
        )
    article.minhash = to_bytes(signature(article.body))
    share, indonesian = judge(article.body)
    return PageResult(
        article=article,
        override_misses=misses,
        indonesian_share=share,
        indonesian=indonesian,
        next_url=next_page_url(PageTree(tree, url), base, 1),
        raw_gzip=compress_page(raw),
        encoding_fix=fixed,
    )


def continuation_page(
    raw: bytes,
    content_type: str,
    url: str,
    base: str,
    page: int,
    overrides: dict[str, Any] | None = None,
) -> PageResult:
    """Page ``page`` (>= 2) of an article: its text and the link to the page after it."""
    text, _ = decode_page(raw, content_type, url)
    tree = load_html(text) if text.strip() else None
    if tree is None:
        return PageResult(raw_gzip=compress_page(raw))
    next_url = next_page_url(PageTree(tree, url), base, page)
    body, misses = "", []
    if selectors(overrides, "body"):
        selected = apply_overrides(tree, overrides, url)
        body, misses = "\n".join(selected.paragraphs), selected.misses
    return PageResult(
        next_url=next_url,
        body=body or extract_body(tree, url),
        raw_gzip=compress_page(raw),
        override_misses=misses,
    )


def page_text(response: HtmlResponse) -> tuple[str, str]:
    """The page as text, and what was wrong with its declared encoding ('' if nothing).

    Two mistakes are common on Indonesian sites: windows-1252 bytes (curly quotes, dashes
    from a word processor) in a page declared UTF-8, which decode to U+FFFD; and UTF-8
    bytes in a page declared ISO-8859-1/windows-1252, which decode to mojibake ("Â®").
    """
    text = response.text
    body = response.body
    encoding = (response.encoding or "").lower().replace("_", "-")
    if encoding in {"utf-8", "utf8"}:
        if "\ufffd" in text:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    return body.decode("cp1252"), "encoding_cp1252_declared_utf8"
                except UnicodeDecodeError:
                    return text, ""
        return text, ""
    if any(b > 0x7F for b in body[:200_000]):
        try:
            return body.decode("utf-8"), "encoding_utf8_declared_" + encoding.replace("-", "")
        except UnicodeDecodeError:
            pass
    return text, ""


def _warm() -> int:
    return os.getpid()


class ExtractionPool:
    """Runs extraction functions in worker processes (or inline with ``workers=0``)."""

    def __init__(self, workers: int = -1) -> None:
        self.workers = (os.cpu_count() or 1) if workers < 0 else workers
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings) -> ExtractionPool:
        return cls(settings.getint("KLIPING_EXTRACT_WORKERS", -1))

    def start(self) -> None:
        """Start the workers now, so they are warm when the first article arrives."""
        if self.workers and self._executor is None and _asyncio_loop_running():
            context = multiprocessing.get_context("fork")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
            # With "fork" the first submit forks every worker at once, now.
            self._executor.submit(_warm)

    async def run(self, function: Callable[..., PageResult], *args: Any) -> PageResult:
        """``function(*args)`` in a worker; inline when there are none or no asyncio loop."""
        if self.workers and self._executor is None:
            self.start()
        if self._executor is None:
            return function(*args)
        try:
            return await asyncio.wrap_future(self._executor.submit(function, *args))
        except BrokenProcessPool as exc:
            # Every page in flight fails with the pool; the next page gets a new one.
            self.close(wait=False)
            raise ExtractionCrashed(str(exc) or "a worker process died") from None

    def close(self, wait: bool = True) -> None:
        if self._executor is not None:
            executor, self._executor = self._executor, None
            executor.shutdown(wait=wait, cancel_futures=True)


def _asyncio_loop_running() -> bool:
    # asyncio.wrap_future needs the asyncio reactor's running loop (Scrapy's default).
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
