"""``kliping source``: add a news site to a region's registry, check and list sources."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
import yaml

from clippings.commands.options import db_option, region_option
from clippings.db import open_db
from clippings.formatting import tanggal, waktu
from clippings.regions import Region
from clippings.sources import (
    KINDS,
    SourceCheck,
    SourceError,
    SourceRecord,
    add_source,
    check_sources,
    list_sources,
    sync_region_sources,
)
from crawler.discover import Discovery, SitemapFound, discover
from crawler.discover_fetch import DEFAULT_TIMEOUT, HttpFetcher
from crawler.discover_parse import WIB

_KIND_WORDS = {"index": "indeks sitemap", "news": "Google News", "urls": "daftar URL"}
_VIA_WORDS = {
    "link": "tautan di halaman depan",
    "path": "alamat umum",
    "robots": "robots.txt",
    "index": "dari indeks",
    "stored": "tersimpan",
}

timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Batas waktu tiap permintaan HTTP, dalam detik.",
)


@click.group()
def source() -> None:
    """Sumber berita wilayah: tambah, periksa dan tampilkan."""


@source.command("add", short_help="Temukan feed/sitemap situs berita dan simpan sebagai sumber.")
@click.argument("url")
@region_option()
@click.option(
    "--name", default=None, help="Nama media (bawaan: nama yang dipakai situs itu sendiri)."
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="online",
    show_default=True,
    help="Jenis sumber: online (media daring), portal (situs pemerintah), cetak (koran/e-paper).",
)
@timeout_option
@db_option
def add(
    url: str, region: Region, name: str | None, kind: str, timeout: float, db_path: Path | None
) -> None:
    """Periksa situs berita URL (feed RSS/Atom, sitemap, API WordPress, halaman rubrik)
    dan simpan hasilnya sebagai sumber wilayah.

    Contoh: kliping source add suarapemalang.com --region kabupaten-pemalang
    """
    fetcher = HttpFetcher(timeout=timeout)
    try:
        found = discover(url, fetch=fetcher)
    finally:
        fetcher.close()
    click.echo(format_discovery(found))
    db = open_db(db_path)
    try:
        added = add_source(db, region.id, url, found, name=name, kind=kind, actor="cli")
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()
    record = added.source
    state = "ditambahkan" if added.created else "diperbarui (sudah terdaftar)"
    click.echo(f"\nSumber #{record.id} {state} di daftar sumber {region.id}.")
    click.echo(
        f"Tempel ke regions/{region.id}.yaml di bawah `sources:` agar tercatat di berkas wilayah:\n"
    )
    click.echo(yaml_snippet(record))


@source.command("check", short_help="Periksa apakah sumber terjangkau dan masih menerbitkan.")
@region_option()
@timeout_option
@db_option
@click.pass_context
def check(ctx: click.Context, region: Region, timeout: float, db_path: Path | None) -> None:
    """Periksa setiap sumber wilayah: terjangkau, feed, sitemap, artikel terakhir, masalah.

    Keluar dengan kode 1 bila ada sumber yang tidak terjangkau (berguna untuk cron).

    Contoh: kliping source check --region kabupaten-pemalang
    """
    db = open_db(db_path)
    fetcher = HttpFetcher(timeout=timeout)
    try:
        _sync(db, region)
        results = check_sources(db, region.id, fetch=fetcher)
    finally:
        fetcher.close()
        db.close()
    if not results:
        click.echo(
            f"Belum ada sumber untuk {region.id}. Tambahkan dengan: kliping source add URL --region {region.id}"
        )
        return
    click.echo(format_checks(results))
    down = sum(1 for r in results if not r.reachable)
    if down:
        click.echo(f"\n{down} dari {len(results)} sumber tidak terjangkau.")
        ctx.exit(1)


@source.command("list", short_help="Tampilkan sumber berita wilayah.")
@region_option()
@db_option
def list_command(region: Region, db_path: Path | None) -> None:
    """Tampilkan sumber berita wilayah dan apa yang ditemukan pada masing-masing.

    Contoh: kliping source list --region kota-yogyakarta
    """
    db = open_db(db_path)
    try:
        _sync(db, region)
        records = list_sources(db, region.id)
    finally:
        db.close()
    if not records:
        click.echo(f"Belum ada sumber untuk {region.id}.")
        return
    rows = [
        [
            str(i),
            r.name,
            r.kind,
            r.url,
            str(len(r.feeds)),
            str(len(r.sitemaps)),
            "ya" if r.wp_json else "-",
            tanggal(r.discovered_at) if r.discovered_at else "belum",
        ]
        for i, r in enumerate(records, 1)
    ]
    click.echo(
        table(["No", "Nama", "Jenis", "Alamat", "Feed", "Sitemap", "WP API", "Diperiksa"], rows)
    )


commands = [source]


# --- presentation ---------------------------------------------------------------------------


def _sync(db, region: Region) -> None:
    synced = sync_region_sources(db, region, actor="cli")
    if synced.added:
        click.echo(f"({len(synced.added)} sumber dari berkas wilayah ditambahkan ke basis data)")


def _when(moment: datetime | None) -> str:
    return waktu(moment.astimezone(WIB)) if moment else "tidak diketahui"


def format_discovery(found: Discovery) -> str:
    """What discovery found, in the words of the desk."""
    lines = [f"Situs: {found.site_name or '-'} ({found.final_url or found.home_url})"]
    lines.append(
        f"Halaman depan: {'terjangkau' if found.reachable else 'TIDAK terjangkau'}"
        + (f", bahasa: {found.language}" if found.language else "")
    )
    lines.append(f"Feed RSS/Atom: {len(found.feeds) or 'tidak ada'}")
    for feed in found.feeds:
        note = f"; {feed.warning}" if feed.warning else ""
        lines.append(
            f"  - {feed.url} ({feed.format.upper()}, {feed.entries} artikel, terbaru {_when(feed.newest)}, "
            f"{_VIA_WORDS.get(feed.via, feed.via)}{note})"
        )
    lines.append(f"Sitemap: {len(found.sitemaps) or 'tidak ada'}")
    for sitemap, depth in _tree_order(found):
        count = (
            f"{sitemap.entries} sitemap" if sitemap.kind == "index" else f"{sitemap.entries} URL"
        )
        newest = f", terbaru {_when(sitemap.newest)}" if sitemap.newest else ""
        lines.append(
            f"  {'  ' * depth}- {sitemap.url} ({_KIND_WORDS.get(sitemap.kind, sitemap.kind)}, "
            f"{count}{newest}, {_VIA_WORDS.get(sitemap.via, sitemap.via)})"
        )
    lines.append(f"API WordPress: {found.wp_json or 'tidak ada'}")
    if found.listing_pages or not (found.feeds or found.sitemaps or found.wp_json):
        lines.append(
            f"Halaman rubrik (cadangan tanpa feed/sitemap): {len(found.listing_pages) or 'tidak ada'}"
        )
        for page in found.listing_pages:
            nxt = f", halaman berikutnya {page.next_url}" if page.next_url else ""
            lines.append(f"  - {page.url} ({page.articles} tautan berita{nxt})")
    lines.append(f"Artikel terakhir: {_when(found.last_article)}")
    lines.append(f"Masalah: {len(found.problems) or 'tidak ada'}")
    lines.extend(f"  - {p}" for p in found.problems)
    return "\n".join(lines)


def _tree_order(found: Discovery) -> list[tuple[SitemapFound, int]]:
    """Sitemaps with each index followed by what it lists, and their nesting depth."""
    children: dict[str | None, list[SitemapFound]] = {}
    for sitemap in found.sitemaps:
        children.setdefault(sitemap.parent, []).append(sitemap)
    ordered: list[tuple[SitemapFound, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for sitemap in children.get(parent, []):
            if sitemap.url not in seen:
                seen.add(sitemap.url)
                ordered.append((sitemap, depth))
                walk(sitemap.url, depth + 1)

    walk(None, 0)
    ordered.extend((s, 0) for s in found.sitemaps if s.url not in seen)  # in a cycle of indexes
    return ordered


def yaml_snippet(record: SourceRecord) -> str:
    """The entry to paste under ``sources:`` in the region file (schema: regions.Source)."""
    entry: dict = {"name": record.name, "url": record.url, "kind": record.kind}
    if record.feeds:
        entry["feeds"] = record.feeds
    if record.sitemaps:
        entry["sitemaps"] = record.sitemaps
    if record.language and record.language != "id":
        entry["language"] = record.language
    text = yaml.safe_dump(
        [entry], allow_unicode=True, sort_keys=False, default_flow_style=False, width=200
    )
    return "\n".join("  " + line if line else line for line in text.splitlines())


def format_checks(results: list[SourceCheck]) -> str:
    rows = []
    for i, r in enumerate(results, 1):
        s = r.source
        rows.append(
            [
                str(i),
                s.name,
                "ya" if r.reachable else "TIDAK",
                f"{r.feeds_ok}/{len(s.feeds)}" if s.feeds else "-",
                f"{r.sitemaps_ok}/{len(s.sitemaps)}" if s.sitemaps else "-",
                tanggal(r.last_article.astimezone(WIB)) if r.last_article else "-",
                _rate(r),
                str(len(r.problems)) if r.problems else "-",
            ]
        )
    text = table(
        [
            "No",
            "Sumber",
            "Terjangkau",
            "Feed",
            "Sitemap",
            "Artikel terakhir",
            "Galat crawl",
            "Masalah",
        ],
        rows,
    )
    details = [
        f"[{i}] {r.source.name} ({r.source.url})\n" + "\n".join(f"    - {p}" for p in r.problems)
        for i, r in enumerate(results, 1)
        if r.problems
    ]
    if details:
        text += "\n\nMasalah:\n" + "\n".join(details)
    return text


def _rate(check: SourceCheck) -> str:
    rate = check.error_rate
    if rate is None:
        return "-"
    return f"{rate:.0%} ({check.errors}/{check.pages + check.errors})"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
    return "\n".join(lines)
