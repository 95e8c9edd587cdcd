"""``kliping followup``: send a signed sheet's clippings to the offices and track their
answers until closed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from clippings.commands.options import db_option, region_option
from clippings.db import open_db
from clippings.followups import (
    STATUSES,
    FollowUp,
    FollowUpError,
    answer_follow_up,
    assign_follow_ups,
    close_follow_up,
    list_follow_ups,
    reopen_follow_up,
)
from clippings.formatting import label, tanggal
from clippings.regions import Region

STATUS_WORDS = {"terbuka": "Terbuka", "dijawab": "Dijawab", "selesai": "Selesai"}


def _cell(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def _done(item: FollowUp) -> None:
    click.echo(f"Tindak lanjut no. {item.id} ({item.opd}, artikel {item.article_id}): "
               f"{STATUS_WORDS.get(item.status, item.status)}")


@click.group()
def followup() -> None:
    """Tindak lanjut: kirim kliping lembar bertanda tangan ke instansi dan pantau jawabannya."""


@followup.command("assign")
@db_option
@region_option()
@click.argument("sheet_id", type=int)
@click.option("--by", "by", required=True, help="Nama petugas (dicatat di log audit).")
def assign(db_path: Path | None, region: Region, sheet_id: int, by: str) -> None:
    """Buat tindak lanjut untuk setiap instansi pada lembar yang sudah ditandatangani.

    Hanya kliping "Untuk Ditindaklanjuti" dan "Perlu Klarifikasi" yang dikirim; "Untuk
    Diketahui" tidak. Tenggat dihitung dari tanggal lembar: segera 1 hari, penting 3
    hari, biasa 7 hari. Aman dijalankan ulang: kliping dan instansi yang sudah punya
    tindak lanjut (juga dari versi lembar sebelumnya) tidak dibuat lagi.

    Contoh: kliping followup assign 12 --region kota-yogyakarta --by rina
    """
    try:
        created = assign_follow_ups(open_db(db_path), region, sheet_id, by=by)
    except FollowUpError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Lembar no. {sheet_id}: {created} tindak lanjut baru dibuat.")


@followup.command("list")
@db_option
@region_option()
@click.option("--opd", default=None, help="Hanya untuk instansi ini (kunci di berkas wilayah, mis. dpupr).")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Hanya yang berstatus ini.")
@click.option("--terlambat", is_flag=True, help="Hanya yang belum selesai dan lewat tenggat hari ini.")
def list_command(db_path: Path | None, region: Region, opd: str | None, status: str | None,
                 terlambat: bool) -> None:
    """Daftar tindak lanjut wilayah, tenggat terdekat di atas.

    Contoh: kliping followup list --region kota-yogyakarta --opd dpupr --terlambat
    """
    if opd is not None and opd not in region.offices_by_key:
        raise click.BadParameter(
            f"instansi {opd!r} tidak ada di berkas wilayah {region.id} "
            f"(pilih: {', '.join(region.offices_by_key)})", param_hint="--opd")
    today = date.today()
    rows = list_follow_ups(open_db(db_path), region.id, opd=opd, status=status,
                           overdue_on=today if terlambat else None)
    if not rows:
        click.echo(f"Tidak ada tindak lanjut {region.name} yang cocok.")
        return
    click.echo(f"{'No':>4}  {_cell('Tenggat', 17)} {_cell('Instansi', 32)} "
               f"{_cell('Tindak Lanjut', 21)} {_cell('Judul', 40)} Status")
    for item in rows:
        office = region.offices_by_key.get(item.opd)
        state = STATUS_WORDS.get(item.status, item.status)
        if item.overdue(today):
            state += " (terlambat)"
        click.echo(
            f"{item.id:>4}  {_cell(tanggal(item.due) or '-', 17)} "
            f"{_cell(office.name if office else item.opd, 32)} {_cell(label(item.tindak_lanjut), 21)} "
            f"{_cell(item.title, 40)} {state}"
        )


@followup.command("answer")
@db_option
@click.argument("follow_up_id", type=int)
@click.option("--text", default=None, help="Jawaban instansi.")
@click.option("--file", "file", type=click.File("r", encoding="utf-8"), default=None,
              help="Berkas teks (UTF-8) berisi jawaban instansi.")
@click.option("--by", "by", required=True, help="Nama petugas yang mencatat (dicatat di log audit).")
def answer(db_path: Path | None, follow_up_id: int, text: str | None, file, by: str) -> None:
    """Catat jawaban instansi atas satu tindak lanjut (status menjadi dijawab).

    Contoh: kliping followup answer 5 --text "Jalan sudah ditambal 3 Oktober." --by rina
    """
    if (text is None) == (file is None):
        raise click.UsageError("isi jawaban dengan tepat satu dari --text atau --file")
    content = text if text is not None else file.read()
    try:
        _done(answer_follow_up(open_db(db_path), follow_up_id, answer=content, by=by))
    except FollowUpError as exc:
        raise click.ClickException(str(exc)) from None


@followup.command("close")
@db_option
@click.argument("follow_up_id", type=int)
@click.option("--by", "by", required=True, help="Nama petugas (dicatat di log audit).")
@click.option("--note", default=None, help="Catatan penutupan (dicatat di log audit).")
@click.option("--force", is_flag=True, help="Tutup juga bila instansi belum menjawab.")
def close(db_path: Path | None, follow_up_id: int, by: str, note: str | None, force: bool) -> None:
    """Tutup tindak lanjut yang sudah dijawab (status menjadi selesai).

    Contoh: kliping followup close 5 --by rina --note "Jawaban cukup"
    """
    try:
        _done(close_follow_up(open_db(db_path), follow_up_id, by=by, note=note, force=force))
    except FollowUpError as exc:
        raise click.ClickException(str(exc)) from None


@followup.command("reopen")
@db_option
@click.argument("follow_up_id", type=int)
@click.option("--by", "by", required=True, help="Nama petugas (dicatat di log audit).")
@click.option("--note", default=None, help="Alasan dibuka lagi (dicatat di log audit).")
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tenggat baru, YYYY-MM-DD (bawaan: tenggat lama).")
def reopen(db_path: Path | None, follow_up_id: int, by: str, note: str | None, due) -> None:
    """Buka lagi tindak lanjut yang sudah dijawab atau selesai (status menjadi terbuka).

    Jawaban lama dihapus dari tindak lanjut tetapi tetap tersimpan di log audit.

    Contoh: kliping followup reopen 5 --by rina --note "Jawaban belum lengkap" --due 2024-10-10
    """
    try:
        _done(reopen_follow_up(open_db(db_path), follow_up_id, by=by, note=note,
                               due=due.date() if due else None))
    except FollowUpError as exc:
        raise click.ClickException(str(exc)) from None


commands = [followup]
