"""The Excel recap of a digest, in the layout desks paste into their monthly reports.

Sheet ``Rekap Kliping``: a title block, then one row per clipping under the header
``No | Tanggal | Media | Judul | Instansi | Nilai Berita | Sifat | Tindak Lanjut | Tautan``
(filter buttons on, header frozen, dates as real dates so Excel sorts them). Sheet
``Ringkasan``: the counts. Sheet ``Tindak Lanjut Terbuka``: what offices still owe.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from clippings.files import atomic_path
from clippings.formatting import label, tanggal

__all__ = ["HEADER", "HEADER_ROW", "RECAP_SHEET", "SUMMARY_SHEET", "FOLLOW_UP_SHEET", "write_xlsx"]

RECAP_SHEET = "Rekap Kliping"
SUMMARY_SHEET = "Ringkasan"
FOLLOW_UP_SHEET = "Tindak Lanjut Terbuka"
HEADER = ("No", "Tanggal", "Media", "Judul", "Instansi", "Nilai Berita", "Sifat", "Tindak Lanjut", "Tautan")
HEADER_ROW = 5
WIDTHS = (5, 12, 22, 60, 40, 13, 10, 22, 45)
DATE_FORMAT = "DD/MM/YYYY"
EMPTY_NOTE = "Tidak ada kliping berita pada periode ini."

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_FILL = PatternFill("solid", fgColor="E6E6E6")
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_xlsx(digest, path: str | Path) -> Path:
    """Write the workbook atomically and return its path."""
    path = Path(path)
    workbook = Workbook()
    _recap(workbook.active, digest)
    _summary(workbook.create_sheet(SUMMARY_SHEET), digest)
    _follow_ups(workbook.create_sheet(FOLLOW_UP_SHEET), digest)
    workbook.properties.title = f"{digest.title} {digest.region_name}"
    workbook.properties.creator = "Kliping"
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return path


def _period(digest) -> str:
    if digest.start == digest.end:
        return tanggal(digest.start)
    return f"{tanggal(digest.start)} s.d. {tanggal(digest.end)}"


def _title_block(sheet, digest, heading: str, width: int) -> None:
    sheet["A1"] = heading.upper()
    sheet["A1"].font = _TITLE
    sheet["A2"] = f"{digest.government} — {digest.office}" if digest.office else digest.government
    sheet["A3"] = f"Periode: {_period(digest)}"
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(sheet, row: int, names, widths=None) -> None:
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font, cell.fill, cell.border = _BOLD, _FILL, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if widths:
            sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]


def _recap(sheet, digest) -> None:
    sheet.title = RECAP_SHEET
    _title_block(sheet, digest, f"Rekap Kliping Berita {digest.region_name}", len(HEADER))
    _header(sheet, HEADER_ROW, HEADER, WIDTHS)
    if digest.empty:
        sheet.cell(row=4, column=1, value=EMPTY_NOTE).font = Font(italic=True)
    for number, item in enumerate(digest.items, start=1):
        row = HEADER_ROW + number
        if item.url.startswith(("http://", "https://")):
            link = item.url
        elif item.kind == "cetak":
            link = f"Cetak, hal. {item.print_page}" if item.print_page else "Cetak"
        else:
            link = item.url
        values = (number, item.published, item.publisher, item.title, "; ".join(item.offices),
                  label(item.nilai), label(item.sifat), label(item.tindak_lanjut), link)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border, cell.alignment = _BOX, _WRAP
        sheet.cell(row=row, column=2).number_format = DATE_FORMAT
        if link.startswith(("http://", "https://")):
            link_cell = sheet.cell(row=row, column=len(HEADER))
            link_cell.hyperlink = link
            link_cell.font = Font(color="0563C1", underline="single")
    last = HEADER_ROW + max(len(digest.items), 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADER))}{last}"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _summary(sheet, digest) -> None:
    _title_block(sheet, digest, f"{digest.title} {digest.region_name}", 3)
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12
    row = 5
    sheet.cell(row=row, column=1, value="Jumlah kliping").font = _BOLD
    sheet.cell(row=row, column=2, value=digest.total).font = _BOLD
    if digest.empty:
        sheet.cell(row=row + 1, column=1, value=EMPTY_NOTE).font = Font(italic=True)
    row += 2
    sections = (
        ("Nilai Berita", {label(k): v for k, v in digest.by_nilai.items()}),
        ("Sifat", {label(k): v for k, v in digest.by_sifat.items()}),
        ("Tindak Lanjut", {label(k): v for k, v in digest.by_tindak_lanjut.items()}),
        ("Instansi", digest.by_office),
        ("Media", digest.by_media),
        ("Jenis Media", {k.capitalize(): v for k, v in digest.by_kind.items()}),
        ("Tanggal", {tanggal(d): v for d, v in digest.by_day.items()}),
    )
    for heading, counts in sections:
        _header(sheet, row, (heading, "Jumlah", "Persen"))
        row += 1
        for name, count in counts.items():
            sheet.cell(row=row, column=1, value=name).border = _BOX
            sheet.cell(row=row, column=2, value=count).border = _BOX
            share = sheet.cell(row=row, column=3, value=count / digest.total if digest.total else 0)
            share.number_format, share.border = "0.0%", _BOX
            row += 1
        row += 1
    sheet.cell(row=row, column=1, value="Tindak lanjut terbuka").font = _BOLD
    sheet.cell(row=row, column=2, value=len(digest.follow_ups)).font = _BOLD
    sheet.cell(row=row + 1, column=1, value="  di antaranya lewat tenggat")
    sheet.cell(row=row + 1, column=2, value=sum(1 for f in digest.follow_ups if f.overdue))


FOLLOW_UP_HEADER = ("No", "Judul", "Media", "Instansi", "Tindak Lanjut", "Status", "Dibuat", "Tenggat")


def _follow_ups(sheet, digest) -> None:
    _title_block(sheet, digest, "Tindak Lanjut yang Belum Selesai", len(FOLLOW_UP_HEADER))
    _header(sheet, HEADER_ROW, FOLLOW_UP_HEADER, (5, 60, 22, 40, 22, 12, 12, 12))
    if not digest.follow_ups:
        sheet.cell(row=4, column=1, value="Tidak ada tindak lanjut yang terbuka.").font = Font(italic=True)
    for number, follow in enumerate(digest.follow_ups, start=1):
        row = HEADER_ROW + number
        values = (number, follow.title, follow.publisher, follow.office, label(follow.tindak_lanjut),
                  follow.status, follow.created, follow.due)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border, cell.alignment = _BOX, _WRAP
        for column in (7, 8):
            sheet.cell(row=row, column=column).number_format = DATE_FORMAT
        if follow.overdue:
            sheet.cell(row=row, column=8).font = Font(bold=True, color="C62828")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
