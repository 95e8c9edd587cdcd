"""``kliping digest``: the daily, weekly or monthly summary (HTML, PDF, Excel)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from clippings.commands.options import db_option, region_option
from clippings.db import DEFAULT_HOME, open_db
from clippings.digest import PERIODS, DigestError, build_digest, period_bounds, write_digest
from clippings.formatting import tanggal
from clippings.regions import Region

DEFAULT_DIGESTS_DIR = DEFAULT_HOME / "digests"


@click.command("digest")
@region_option()
@click.option("--period", type=click.Choice(PERIODS), default="harian", show_default=True,
              help="Harian (satu hari), mingguan (Senin-Minggu) atau bulanan (satu bulan kalender).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal di dalam periode, YYYY-MM-DD (bawaan: hari ini).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_DIGESTS_DIR, show_default=True, help="Direktori hasil.")
@db_option
def digest(region: Region, period: str, day, out_dir: Path, db_path: Path | None) -> None:
    """Buat ringkasan kliping (HTML, PDF dan rekap Excel) dengan grafik.

    Berisi jumlah berita menurut nilai, instansi, media dan hari, berita negatif
    teratas, serta tindak lanjut yang belum selesai.

    Contoh: kliping digest --region kota-yogyakarta --period bulanan --date 2024-10-01
    """
    the_day: date = day.date() if day else date.today()
    try:
        start, end = period_bounds(period, the_day)
        made = build_digest(open_db(db_path), region, start, end, period=period)
        files = write_digest(made, out_dir)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from None
    span = tanggal(start) if start == end else f"{tanggal(start)} s.d. {tanggal(end)}"
    click.echo(f"{made.title} {region.name}, {span}: {made.total} kliping, "
               f"{len(made.follow_ups)} tindak lanjut terbuka")
    if made.empty:
        click.echo("Tidak ada kliping berita pada periode ini.")
    click.echo(f"HTML:  {files.html}")
    click.echo(f"PDF:   {files.pdf}")
    click.echo(f"Excel: {files.xlsx}")


commands = [digest]
