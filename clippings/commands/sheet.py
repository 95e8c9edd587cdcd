"""``kliping sheet`` and ``kliping certs``: publish, verify, and demo certificates."""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

import click

from clippings.commands.options import db_option, region_option
from clippings.db import DEFAULT_HOME, default_db_path, open_db
from clippings.formatting import hari_tanggal, waktu
from clippings.regions import Region
from clippings.sheet import SheetError, find_sheet_by_sha256, latest_signed_sheet, publish_sheet
from clippings.signing import DEMO_CA_FILE, DEMO_MARK, SigningError, make_demo_certs, verify_pdf

PASSWORD_ENV = "KLIPING_P12_PASSWORD"
DEFAULT_CERTS_DIR = DEFAULT_HOME / "certs"
DEFAULT_SHEETS_DIR = DEFAULT_HOME / "sheets"


def _yes(flag: bool) -> str:
    return "ya" if flag else "tidak"


@click.group()
def sheet() -> None:
    """Lembar kliping harian: terbitkan (tandatangani) dan periksa."""


@sheet.command("publish")
@db_option
@region_option()
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal lembar, YYYY-MM-DD (bawaan: hari ini).")
@click.option("--window-days", type=click.IntRange(min=0), default=1, show_default=True,
              help="Berita yang terbit sampai sekian hari sebelum tanggal lembar ikut dimuat.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_SHEETS_DIR, show_default=True, help="Direktori arsip lembar.")
@click.option("--p12", "p12_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Berkas PKCS#12 penandatangan; kata sandi dari ${PASSWORD_ENV} atau ditanyakan. "
                   f"Tanpa opsi ini dipakai sertifikat demo di {DEFAULT_CERTS_DIR}.")
@click.option("--trust-root", "trust_roots", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sertifikat akar (PEM/DER) untuk memeriksa tanda tangan; bawaan: CA di dalam PKCS#12.")
def publish(db_path: Path | None, region: Region, day, window_days: int, out_dir: Path,
            p12_path: Path | None, trust_roots: tuple[Path, ...]) -> None:
    """Susun, cetak (HTML + PDF), tandatangani, dan arsipkan lembar kliping harian.

    Lembar yang sudah ditandatangani tidak pernah ditimpa: bila isinya berubah dibuat
    versi baru; bila tidak berubah, lembar yang ada dipakai lagi.

    Contoh: kliping sheet publish --region kota-yogyakarta --date 2024-10-04
    """
    the_day: date = day.date() if day else date.today()
    if p12_path is None:
        certs = make_demo_certs(DEFAULT_CERTS_DIR, signer_name=region.signer.name[:64])
        click.echo(f"Peringatan: memakai sertifikat {DEMO_MARK} ({certs.p12}).", err=True)
        p12_path, password = certs.p12, certs.password
        trust_roots = trust_roots or (certs.ca_cert,)
    else:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password = click.prompt("Kata sandi PKCS#12", hide_input=True)
    db = open_db(db_path)
    before = latest_signed_sheet(db, region.id, the_day)
    try:
        row = publish_sheet(
            db, region, the_day, out_dir=out_dir, p12_path=p12_path, password=password,
            window_days=window_days, trust_roots=list(trust_roots) or None,
        )
    except (SigningError, SheetError) as exc:
        raise click.ClickException(str(exc)) from None
    items = db["sheet_items"].count_where("sheet_id = ?", [row["id"]])
    if before is not None and before["id"] == row["id"]:
        click.echo(f"Tidak ada perubahan sejak versi {row['version']}; lembar yang sudah ditandatangani dipakai.")
    click.echo(
        f"Lembar no. {row['id']} {region.name} {hari_tanggal(the_day)} versi {row['version']}: "
        f"{items} kliping, ditandatangani {row['signer']}"
    )
    click.echo(f"PDF:  {row['pdf_path']}")
    click.echo(f"HTML: {row['html_path']}")


@sheet.command("verify")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--trust-root", "trust_roots", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=f"Sertifikat akar (PEM/DER) terpercaya; bawaan: {DEFAULT_CERTS_DIR / DEMO_CA_FILE} bila ada.")
def verify(pdf: Path, db_path: Path | None, trust_roots: tuple[Path, ...]) -> None:
    """Periksa tanda tangan sebuah lembar PDF dan cocokkan dengan arsip.

    Contoh: kliping sheet verify var/sheets/kota-yogyakarta/2024-10-04/v1/kliping-kota-yogyakarta-2024-10-04-v1.pdf
    """
    if logging.getLogger().level >= logging.WARNING:
        # pyHanko logs each failed check with a traceback; the summary below says it better.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    if not trust_roots and (DEFAULT_CERTS_DIR / DEMO_CA_FILE).exists():
        trust_roots = (DEFAULT_CERTS_DIR / DEMO_CA_FILE,)
    try:
        result = verify_pdf(pdf, trust_roots=trust_roots)
    except SigningError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Berkas: {pdf}")
    click.echo(f"Tanda tangan sah: {_yes(result.valid)}")
    click.echo(f"Dokumen utuh (tidak diubah): {_yes(result.intact)}")
    click.echo(f"Penandatangan: {result.signer or '-'}{' (' + DEMO_MARK + ')' if result.demo else ''}")
    click.echo(f"Waktu tanda tangan: {waktu(result.signed_at) or '-'}")
    if result.reason or result.location:
        click.echo(f"Alasan/lokasi: {result.reason or '-'} / {result.location or '-'}")
    click.echo(f"SHA-256: {result.sha256}")
    db_file = db_path or default_db_path()
    archived = find_sheet_by_sha256(open_db(db_file), result.sha256) if db_file.exists() else None
    if not db_file.exists():
        click.echo(f"Arsip: basis data {db_file} tidak ditemukan, tidak dicocokkan")
    elif archived:
        click.echo(
            f"Arsip: cocok dengan lembar no. {archived['id']} ({archived['region']}, "
            f"{archived['date']}, versi {archived['version']}, status {archived['status']})"
        )
    else:
        click.echo("Arsip: tidak cocok dengan arsip (tidak ada lembar dengan SHA-256 ini)")
    for problem in result.problems:
        click.echo(f"Masalah: {problem}")
    if not result.valid:
        raise click.ClickException("tanda tangan tidak sah")


@click.group()
def certs() -> None:
    """Sertifikat penandatangan."""


@certs.command("demo")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_CERTS_DIR, show_default=True, help="Direktori sertifikat demo.")
@click.option("--name", "signer_name", default="Penandatangan Demo", show_default=True,
              help="Nama penandatangan pada sertifikat demo.")
def demo(directory: Path, signer_name: str) -> None:
    """Buat CA dan sertifikat penandatangan DEMO untuk mencoba (sekali; dipakai ulang).

    Jangan dipakai untuk lembar resmi: sertifikat ini bertanda "DEMO — bukan sertifikat resmi".

    Contoh: kliping certs demo --dir var/certs
    """
    try:
        made = make_demo_certs(directory, signer_name=signer_name)
    except SigningError as exc:
        raise click.ClickException(str(exc)) from None
    state = "dibuat" if made.created else "sudah ada, dipakai ulang"
    click.echo(f"Sertifikat {DEMO_MARK}: {state}")
    click.echo(f"CA (akar terpercaya): {made.ca_cert}")
    click.echo(f"PKCS#12 penandatangan: {made.p12} (kata sandi: {made.password})")


commands = [sheet, certs]
