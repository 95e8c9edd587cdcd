"""``kliping crawl``: one crawl pass over a region's news sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from clippings.commands.options import db_option, region_option
from clippings.db import default_db_path
from clippings.regions import Region
from crawler.run import CrawlError, run_crawl
from crawler.seen import since_date

# Indonesian words for the reasons the crawler counts; an unknown reason prints as is.
REASONS = {
    "feed_broken": "umpan RSS/Atom rusak",
    "wp_json_broken": "jawaban API WordPress rusak",
    "listing_broken": "halaman daftar rusak",
    "sitemap_broken": "peta situs rusak",
    "not_html": "bukan halaman HTML",
    "timeout": "waktu habis",
    "dns": "nama domain tidak ditemukan",
    "connection_refused": "koneksi ditolak",
    "connection_lost": "koneksi terputus",
    "cancelled": "unduhan dibatalkan (mis. terlalu besar)",
    "download_failed": "unduhan gagal",
    "bad_url": "URL tidak valid",
    "store_failed": "gagal disimpan",
    "no_feed_or_sitemap": "sumber tanpa umpan atau peta situs",
    "listing_page": "halaman daftar, bukan artikel",
    "not_news": "halaman statis, bukan berita",
    "too_short": "teks terlalu pendek",
    "empty_body": "tanpa teks",
    "empty_page": "halaman kosong",
    "unparsable_html": "HTML tidak terbaca",
    "no_title": "tanpa judul",
    "duplicate": "duplikat",
    "continuation_page": "halaman lanjutan artikel",
    "forbidden_by_robots": "dilarang robots.txt",
    "ignored": "tidak diambil",
    "feed_entry_without_link": "entri umpan tanpa tautan",
    "already_seen": "sudah diambil sebelumnya",
    "outside_window": "di luar jangka --since",
    "seen_url": "tautan ganda",
    "worse_than_stored": "hasil lebih buruk dari yang tersimpan",
    "extract_crashed": "proses ekstraksi gagal",
    "too_large": "halaman terlalu besar",
    "wrong_language": "bukan berbahasa Indonesia",
    "future_date": "tanggal di masa depan",
    "no_date": "tanggal tidak terbaca",
    "not_modified": "tidak berubah (304)",
    "redirect_loop": "pengalihan berulang",
}


def _reason(key: str) -> str:
    if key.startswith("http_"):
        return f"HTTP {key[5:]}"
    return REASONS.get(key, key)


def _counts(counts: dict[str, int]) -> str:
    return (
        ", ".join(f"{_reason(k)} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        or "tidak ada"
    )


def format_report(report: dict[str, Any]) -> str:
    """The crawl report as the desk reads it, in Indonesian, with a block per source."""
    articles = report["articles"]
    lines = [
        f"Halaman diambil: {report['pages_fetched']}"
        + (
            f" (umpan/sitemap tidak berubah sejak crawl lalu: {report['listings_not_modified']})"
            if report.get("listings_not_modified")
            else ""
        ),
        f"Artikel baru: {articles['new']}, diperbarui: {articles['updated']}, "
        f"tidak berubah: {articles['unchanged'] + articles.get('not_modified', 0)}, "
        f"duplikat: {articles['duplicate']}",
        f"Gagal: {_counts(report['errors'])}",
        f"Dilewati: {_counts({k: v for k, v in report['dropped'].items() if k != 'duplicate'})}",
        f"Tidak diambil: {_counts(report.get('skipped', {}))}",
    ]
    dates = report.get("dates", {})
    if dates:
        lines.append(
            "Disimpan tanpa tanggal: "
            + _counts(
                {
                    {"future": "future_date", "none": "no_date"}.get(k, k): v
                    for k, v in dates.items()
                }
            )
        )
    if articles.get("near_duplicate"):
        lines.append(
            f"Berita yang juga dimuat media lain (dikelompokkan): {articles['near_duplicate']}"
        )
    if articles.get("kept"):
        lines.append(f"Teks tersimpan dipertahankan (hasil baru lebih buruk): {articles['kept']}")
    if report.get("override_misses"):
        lines.append(
            "Selektor override tidak menemukan apa pun (halaman): "
            + _counts(report["override_misses"])
            + "; periksa dengan 'kliping source check'"
        )
    lines.append("Per sumber:")
    for source in report.get("sources", []):
        got = source["articles"]
        failed = sum(source["errors"].values())
        lines.append(
            f"  - {source['name']}: {source['pages_fetched']} halaman, {got['new']} baru, "
            f"{got['updated']} diperbarui, {got['duplicate']} duplikat, {failed} gagal"
            + (f" ({_counts(source['errors'])})" if failed else "")
        )
    return "\n".join(lines)


def select_sources(region: Region, wanted: tuple[str, ...]) -> list[dict[str, Any]]:
    """The region's sources, or those named by URL or name in ``wanted``."""
    sources = [s.model_dump() for s in region.sources]
    if not wanted:
        return sources
    picked = []
    for item in wanted:
        key = item.strip().rstrip("/").lower()
        match = [s for s in sources if key in {s["url"].rstrip("/").lower(), s["name"].lower()}]
        if not match:
            known = "\n".join(f"  {s['url']}  ({s['name']})" for s in sources) or "  (tidak ada)"
            raise click.BadParameter(
                f"sumber {item!r} tidak ada di wilayah {region.id}. Sumber yang terdaftar:\n{known}",
                param_hint="--source",
            )
        picked.extend(s for s in match if s not in picked)
    return picked


@click.command()
@region_option()
@db_option
@click.option(
    "--source",
    "wanted",
    multiple=True,
    metavar="URL",
    help="Hanya sumber ini (URL atau nama seperti di berkas wilayah); boleh diulang.",
)
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder arsip HTML mentah (bawaan: folder raw di samping basis data).",
)
@click.option(
    "--since",
    default="",
    metavar="JANGKA",
    help="Hanya berita sejak jangka ini: 2d (dua hari), 1w (sepekan) atau tanggal 2025-10-27.",
)
@click.option(
    "--recheck",
    is_flag=True,
    help="Periksa ulang halaman yang sudah pernah diambil (permintaan bersyarat, 304 bila sama).",
)
def crawl(
    region: Region,
    db_path: Path | None,
    wanted: tuple[str, ...],
    raw_dir: Path | None,
    since: str,
    recheck: bool,
) -> None:
    """Ambil berita terbaru dari sumber-sumber wilayah lewat umpan RSS/Atom dan peta situs.

    Setiap artikel disimpan sekali; perayapan ulang hanya mengambil halaman baru atau
    yang berubah, dan versi lama artikel yang dikoreksi tetap disimpan.

    \b
    Contoh:
      kliping crawl --region kabupaten-pemalang
      kliping crawl --region kabupaten-pemalang --source https://suarapemalang.com
      kliping crawl --region kota-yogyakarta --since 2d
    """
    try:
        window = since_date(since)
    except ValueError:
        raise click.BadParameter(
            f"{since!r} bukan jangka waktu; contoh: 2d, 1w, 2025-10-27", param_hint="--since"
        ) from None
    sources = select_sources(region, wanted)
    if not sources:
        raise click.ClickException(
            f"wilayah {region.id} belum punya sumber berita; tambahkan di bagian 'sources' berkas wilayahnya"
        )
    db_path = db_path or default_db_path()
    raw_dir = raw_dir or db_path.parent / "raw"
    click.echo(f"Merayapi {len(sources)} sumber untuk {region.name}...", err=True)
    try:
        settings: dict[str, Any] = {"KLIPING_RECHECK_SEEN": recheck}
        if window:
            settings["KLIPING_SINCE"] = window.isoformat()
        report = run_crawl(
            sources, db_path=db_path, raw_dir=raw_dir, region=region.id, settings=settings
        )
    except CrawlError as exc:
        raise click.ClickException(f"perayapan gagal: {exc}") from None
    click.echo(format_report(report))


commands = [crawl]
