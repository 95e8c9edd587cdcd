"""``kliping clip``: add a print or e-paper cutting (OCR) and correct its text."""

from __future__ import annotations

from pathlib import Path

import click
from babel.numbers import format_decimal

from clippings.clips import ClipError, add_print_clip, clip_for_scan, correct_clip_text
from clippings.commands.options import db_option, region_option
from clippings.db import default_db_path, open_db
from clippings.formatting import LOCALE
from clippings.ocr import LOW_CONFIDENCE
from clippings.regions import Region

PREVIEW_LINES = 3


@click.group()
def clip() -> None:
    """Kliping cetak dan e-paper: pindaian koran dibaca dengan OCR."""


@clip.command("add")
@click.argument("scan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publisher", required=True, help="Nama media cetak, mis. \"Harian Contoh\".")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Tanggal terbit, YYYY-MM-DD.")
@click.option("--page", default=None, help="Halaman koran, mis. 5 atau A3.")
@click.option("--title", default=None, help="Judul berita (bawaan: baris pertama hasil OCR).")
@click.option("--rubric", default=None, help="Rubrik, mis. \"Kota\".")
@region_option(required=False)
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Direktori arsip pindaian (bawaan: scans/ di samping basis data).")
@click.option("--by", "by", default="kliping", show_default=True, help="Nama petugas yang menambahkan.")
@db_option
def add(scan: Path, publisher: str, day, page: str | None, title: str | None, rubric: str | None,
        region: Region | None, archive_dir: Path | None, by: str, db_path: Path | None) -> None:
    """Tambahkan kliping cetak dari gambar (PNG, JPEG, TIFF) atau PDF potongan koran.

    Teks dibaca dengan Tesseract OCR (bahasa Indonesia). Berkas yang sama tidak
    ditambahkan dua kali. Dengan --region, kliping langsung dilabeli oleh model.

    Contoh: kliping clip add potongan.jpg --publisher "Harian Contoh" --date 2024-10-04 --page 5
    """
    db_file = db_path or default_db_path()
    db = open_db(db_file)
    archive = archive_dir or db_file.parent / "scans"
    known = clip_for_scan(db, scan)
    try:
        row = add_print_clip(
            db, image_path=scan, publisher=publisher, day=day.date(), page=page, title=title,
            rubric=rubric, region=region.id if region else None, archive_dir=archive, by=by,
        )
    except ClipError as exc:
        raise click.ClickException(str(exc)) from None
    if known is not None:
        click.echo(f"Berkas ini sudah tersimpan sebagai artikel no. {row['id']}; tidak ditambahkan lagi.")
    else:
        click.echo(f"Kliping cetak disimpan sebagai artikel no. {row['id']}.")
    confidence = row["ocr_confidence"] or 0.0
    click.echo(f"Keyakinan OCR: {format_decimal(confidence, '0.0', locale=LOCALE)}%")
    if confidence < LOW_CONFIDENCE:
        click.echo(
            f"Peringatan: keyakinan OCR rendah; bandingkan teks dengan pindaian ({row['scan_path']}) "
            f"dan koreksi dengan: kliping clip text {row['id']} --file TEKS.txt --by NAMA",
            err=True,
        )
    click.echo(f"Judul: {row['title']}")
    for line in (row["body"] or "").split("\n")[:PREVIEW_LINES]:
        click.echo(f"  {_shorten(line)}")
    click.echo(f"Pindaian: {row['scan_path']}")
    if region is not None and known is None:
        classifier = _classifier()
        if classifier is not None:
            from clippings.labeling import label_articles

            label_articles(db, region, classifier, article_ids=[row["id"]])
            click.echo(f"Dilabeli untuk {region.name}.")


def _classifier():
    # Imported here: the classifier pulls in scikit-learn and spaCy, which the rest of
    # `clip` does not need.
    from classify.model import ModelError, load_classifier

    try:
        return load_classifier()
    except ModelError as exc:
        click.echo(f"Peringatan: kliping belum dilabeli ({exc}); jalankan 'kliping classify' nanti.", err=True)
        return None


@clip.command("text")
@click.argument("article_id", type=int)
@click.option("--file", "text_file", required=True,
              type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
              help="Berkas teks UTF-8 berisi teks yang benar, satu paragraf per baris ('-' = stdin).")
@click.option("--title", default=None, help="Judul yang benar (bila perlu diganti).")
@click.option("--by", "by", required=True, help="Nama petugas yang mengoreksi.")
@db_option
def text(article_id: int, text_file: Path, title: str | None, by: str, db_path: Path | None) -> None:
    """Ganti teks hasil OCR sebuah kliping cetak dengan teks yang sudah dikoreksi.

    Teks lama tetap tercatat di log audit.

    Contoh: kliping clip text 42 --file koreksi.txt --by "Rina"
    """
    try:
        content = click.get_text_stream("stdin").read() if str(text_file) == "-" else \
            text_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{text_file}: bukan teks UTF-8") from None
    db = open_db(db_path)
    old = db.execute("SELECT title, body FROM articles WHERE id = ?", [article_id]).fetchone()
    try:
        row = correct_clip_text(db, article_id, content, by=by, title=title)
    except ClipError as exc:
        raise click.ClickException(str(exc)) from None
    paragraphs = len([p for p in row["body"].split("\n") if p])
    click.echo(f"Teks artikel no. {row['id']} diganti ({paragraphs} paragraf) oleh {by}.")
    if tuple(old) != (row["title"], row["body"]):
        from clippings.labeling import relabel_article

        classifier = _classifier()
        regions = relabel_article(db, article_id, classifier) if classifier else []
        if regions:
            click.echo(f"Label model diperbarui dari teks baru untuk: {', '.join(regions)}.")


def _shorten(line: str, width: int = 100) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


commands = [clip]
