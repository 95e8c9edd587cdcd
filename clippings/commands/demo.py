"""``kliping demo`` and ``kliping run``: the whole morning job, on the example site or for real."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from clippings.commands.options import (
    p12_password,
    region_option,
    signing_trust_root_option,
    tsa_option,
)
from clippings.db import open_db
from clippings.demo import serve_site, source_for
from clippings.pipeline import Paths, run_daily
from clippings.regions import Region, load_region
from clippings.sheet import SheetError, verification_url
from clippings.signing import DEMO_MARK, SigningError, make_demo_certs
from clippings.sources import list_sources, sync_region_sources
from crawler.run import CrawlError

DEMO_REGION = "kabupaten-pemalang"
# A fixed port keeps the example site's URLs, and so its source row, the same on every run.
DEMO_PORT = 8741
# The example site is on this machine: politeness delays would only make the demo slow.
DEMO_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


def _echo_report(report, paths: Paths) -> None:
    click.echo(f"Lembar kliping (HTML): {report.sheet_html}")
    click.echo(f"Lembar kliping (PDF bertanda tangan): {report.sheet_pdf}")
    click.echo(f"Basis data: {paths.db}")
    click.echo(f"Ringkasan: {report.summary()}")


@click.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=Path("var/demo"),
              show_default=True, help="Direktori data demo (basis data, arsip, lembar, sertifikat).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal yang dianggap hari ini, YYYY-MM-DD (bawaan: hari ini).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEMO_PORT, show_default=True,
              help="Port situs contoh di 127.0.0.1 (0 = port bebas mana saja).")
def demo(home: Path, day, port: int) -> None:
    """Jalankan seluruh alur pada situs berita contoh, tanpa internet.

    Menyalakan situs contoh di komputer ini, merayapinya, mengklasifikasi berita,
    lalu menyusun dan menandatangani lembar kliping hari ini untuk Kabupaten Pemalang
    dengan sertifikat demo. Dijalankan ulang tidak menambah data ganda.

    Contoh: kliping demo --date 2025-10-28
    """
    the_day: date = day.date() if day else date.today()
    region = load_region(DEMO_REGION)
    paths = Paths(home)
    certs = make_demo_certs(paths.certs, signer_name=region.signer.name[:64])
    if certs.created:
        click.echo(f"Sertifikat {DEMO_MARK} dibuat di {paths.certs}.")
    try:
        site = serve_site(the_day, port=port)
        base_url = site.__enter__()
    except OSError as exc:
        raise click.ClickException(
            f"situs contoh tidak dapat dijalankan di port {port}: {exc.strerror}; coba --port lain"
        ) from None
    try:
        click.echo(f"Situs contoh berjalan di {base_url}")
        report = run_daily(
            region,
            sources=[source_for(base_url)],
            paths=paths,
            day=the_day,
            p12_path=certs.p12,
            p12_password=certs.password,
            crawl_settings=DEMO_CRAWL_SETTINGS,
        )
    finally:
        site.__exit__(None, None, None)
    _echo_report(report, paths)
    if report.sheet_id is not None:
        click.echo(f"Halaman verifikasi (kode QR): jalankan 'kliping serve --db {paths.db}', lalu buka "
                   f"{verification_url(report.sheet_id)}")
        click.echo(f"Periksa berkas PDF: kliping sheet verify {report.sheet_pdf} --db {paths.db}")


@click.command("run")
@region_option()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=Path("var"),
              show_default=True, help="Direktori data (basis data, arsip, lembar).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal lembar, YYYY-MM-DD (bawaan: hari ini).")
@click.option("--p12", "p12_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="Berkas PKCS#12 penandatangan; kata sandi dari $KLIPING_P12_PASSWORD.")
@signing_trust_root_option
@tsa_option
def run(region: Region, home: Path, day, p12_path: Path, trust_roots: tuple[Path, ...],
        tsa_url: str | None) -> None:
    """Tugas pagi: rayapi sumber wilayah, klasifikasi, terbitkan lembar bertanda tangan.

    Contoh: KLIPING_P12_PASSWORD=... kliping run --region kota-yogyakarta --p12 kepala.p12
    """
    password = p12_password()
    paths = Paths(home)
    db = open_db(paths.db)
    sync_region_sources(db, region)
    sources = [s.crawl_entry() for s in list_sources(db, region.id)]
    db.close()
    day = day.date() if day else date.today()
    try:
        report = run_daily(
            region,
            sources=sources,
            paths=paths,
            day=day,
            p12_path=p12_path,
            p12_password=password,
            trust_roots=list(trust_roots) or None,
            tsa_url=tsa_url,
        )
    except CrawlError as exc:
        raise click.ClickException(f"perayapan gagal: {exc}") from None
    except (SigningError, SheetError) as exc:
        # The crawl and the labels are stored; only the sheet is missing.
        raise click.ClickException(
            f"{exc}\nBerita sudah diambil dan dilabeli. Terbitkan lembar setelah masalahnya "
            f"diatasi: kliping sheet publish --db {paths.db} --region {region.id} "
            f"--date {day.isoformat()} --out {paths.sheets} --p12 {p12_path}"
        ) from None
    _echo_report(report, paths)


commands = [demo, run]
