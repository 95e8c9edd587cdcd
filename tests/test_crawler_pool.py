"""Extraction in worker processes gives what extraction on the reactor thread gives."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path

import pytest

from crawler.extract_pool import (
    ExtractionCrashed,
    ExtractionPool,
    PageResult,
    article_page,
    continuation_page,
)
from crawler.urls import canonicalize

PAGES = Path(__file__).parent / "pages"
REFERENCE = date(2025, 10, 28)
URL = "https://kabarpesisir.example/berita/aduan-jalan/"


def _run(pool: ExtractionPool, *calls):
    async def main():
        try:
            return [await pool.run(*call) for call in calls]
        finally:
            pool.close()

    return asyncio.run(main())


def _die() -> PageResult:
    os._exit(3)  # a worker killed mid-page (out of memory, a crash in lxml)


def test_workers_extract_the_same_article_as_the_reactor_thread():
    raw = (PAGES / "wp_berita_aduan_jalan.html").read_bytes()
    call = (article_page, raw, "text/html; charset=utf-8", URL, REFERENCE, canonicalize(URL))
    inline, pooled = _run(ExtractionPool(0), call)[0], _run(ExtractionPool(2), call)[0]
    assert pooled.article == inline.article
    assert pooled.article.title and pooled.article.published == inline.article.published
    assert pooled.raw_gzip == inline.raw_gzip and pooled.article.minhash == inline.article.minhash
    assert pooled.indonesian


def test_rejected_page_comes_back_with_its_reason():
    listing = (PAGES / "wp_kategori_ekonomi.html").read_bytes()
    url = "https://kabarpesisir.example/kategori/ekonomi/"
    (result,) = _run(ExtractionPool(1), (article_page, listing, "text/html", url, REFERENCE, url))
    assert result.article is None and result.rejected[0] == "listing_page"


def test_article_page_finds_its_page_two_and_page_two_its_text():
    base = "https://kabarpesisir.example/berita/festival-layang-layang-widuri"
    one = (PAGES / "wp_bersambung_1.html").read_bytes()
    two = (PAGES / "wp_bersambung_2.html").read_bytes()
    first, second = _run(
        ExtractionPool(1),
        (article_page, one, "text/html", f"{base}/", REFERENCE, base),
        (continuation_page, two, "text/html", f"{base}/2/", base, 2),
    )
    assert first.next_url == f"{base}/2/"
    assert second.body and not set(second.body.split("\n")) & set(first.article.body.split("\n"))
    assert second.next_url is None


def test_a_dead_worker_fails_its_page_and_the_next_page_gets_a_new_pool():
    raw = (PAGES / "wp_berita_aduan_jalan.html").read_bytes()
    pool = ExtractionPool(1)

    async def main():
        try:
            with pytest.raises(ExtractionCrashed):
                await pool.run(_die)
            return await pool.run(article_page, raw, "text/html", URL, REFERENCE, canonicalize(URL))
        finally:
            pool.close()

    assert asyncio.run(main()).article is not None


def test_worker_decodes_the_bytes_as_declared_and_repairs_a_wrong_declaration():
    text = (PAGES / "wp_berita_aduan_jalan.html").read_text(encoding="utf-8")
    # A word processor's curly quotes and dash, saved as windows-1252 in a page whose
    # header says UTF-8; and the same page sent honestly as windows-1252.
    page = text.replace("</p>", " “Kami tunggu” – kata warga.</p>", 1)
    wrong, honest = _run(
        ExtractionPool(1),
        (article_page, page.encode("cp1252"), "text/html; charset=utf-8", URL, REFERENCE, URL),
        (
            article_page,
            page.encode("cp1252"),
            "text/html; charset=windows-1252",
            URL,
            REFERENCE,
            URL,
        ),
    )
    assert wrong.encoding_fix == "encoding_cp1252_declared_utf8"
    assert honest.encoding_fix == ""
    assert "“Kami tunggu” – kata warga." in wrong.article.body
    assert wrong.article.body == honest.article.body
