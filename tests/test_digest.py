"""The digest: exact counts from known labels, the desk's word counted, HTML/PDF/XLSX out."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from clippings.cli import cli
from clippings.db import open_db
from clippings.digest import (
    DigestError,
    build_digest,
    period_bounds,
    render_digest_html,
    write_digest,
)
from clippings.digest_xlsx import FOLLOW_UP_SHEET, HEADER, HEADER_ROW, RECAP_SHEET, SUMMARY_SHEET
from clippings.regions import load_region

HERE = Path(__file__).resolve().parent
REGION_FILE = HERE / "regions" / "kota-contoh.yaml"
OCTOBER = (date(2024, 10, 1), date(2024, 10, 31))

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DLH = "Dinas Lingkungan Hidup"
KOMINFO = "Dinas Komunikasi, Informatika dan Statistik"
BPBD = "Badan Penanggulangan Bencana Daerah"


def label(nilai, sifat, tindak_lanjut, instansi=(), urusan=(), relevant=1):
    return {"nilai": nilai, "sifat": sifat, "tindak_lanjut": tindak_lanjut,
            "instansi": list(instansi), "urusan": list(urusan), "relevant": relevant}


# key: (published, publisher, extra article fields, model label, desk label)
ARTICLES = {
    "jalan": ("2024-10-01", "Harian Contoh", {},
              label("negatif", "penting", "ditindaklanjuti", ["dpupr", "dlh"]), None),
    "hoaks": ("2024-10-01", "Warta Contoh", {},
              label("positif", "biasa", "diketahui", ["diskominfo"]),
              label("negatif", "segera", "klarifikasi", ["diskominfo"])),
    "banjir": ("2024-10-03", "Harian Contoh", {},
               label("negatif", "segera", "ditindaklanjuti", urusan=["bencana"]), None),
    "cetak": ("2024-10-03", "Harian Contoh", {"kind": "cetak", "print_page": "5"},
              label("netral", "biasa", "diketahui", ["diskominfo"]), None),
    "bola": ("2024-10-05", "Warta Contoh", {},
             label("netral", "biasa", "diketahui", relevant=0), None),
    "september": ("2024-09-30", "Warta Contoh", {},
                  label("negatif", "biasa", "ditindaklanjuti", ["dlh"]), None),
    "tanpa-tanggal": (None, "Warta Contoh", {"fetched_at": "2024-10-10T05:00:00+00:00"},
                      label("positif", "biasa", "diketahui", ["diskominfo"]), None),
    "belum-dilabeli": ("2024-10-02", "Warta Contoh", {}, None, None),
}


def add_label(db, article_id, origin, values, region_id="kota-contoh"):
    return db["labels"].insert({
        "article_id": article_id, "region": region_id, "origin": origin,
        "relevant": values["relevant"], "urusan": json.dumps(values["urusan"]),
        "instansi": json.dumps(values["instansi"]), "nilai": values["nilai"],
        "sifat": values["sifat"], "tindak_lanjut": values["tindak_lanjut"],
        "created_by": "uji" if origin == "desk" else None,
    }).last_pk


def build_db(path: Path):
    db = open_db(path)
    ids = {}
    for key, (published, publisher, extra, model, desk) in ARTICLES.items():
        row = {"url": f"https://{publisher.lower().replace(' ', '-')}.test/{key}",
               "canonical_url": f"https://{publisher.lower().replace(' ', '-')}.test/{key}",
               "title": f"Berita {key}", "body": f"Isi berita {key}.", "published": published,
               "publisher": publisher, "content_hash": key,
               "fetched_at": "2024-10-31T23:00:00+00:00", **extra}
        if row.get("kind") == "cetak":
            row["url"], row["canonical_url"] = None, "cetak://harian-contoh/2024-10-03/5/abc"
        ids[key] = db["articles"].insert(row).last_pk
        if model:
            add_label(db, ids[key], "model", model)
        if desk:
            add_label(db, ids[key], "desk", desk)
    # Another region's opinion must not count here.
    other = db["articles"].insert({"canonical_url": "https://lain.test/x", "title": "Berita wilayah lain",
                                   "body": "x", "content_hash": "lain", "published": "2024-10-02",
                                   "publisher": "Warta Contoh"}).last_pk
    add_label(db, other, "model", label("negatif", "segera", "ditindaklanjuti", ["dpupr"]),
              region_id="kota-lain")
    for article, status, due, created in (
        ("jalan", "terbuka", "2024-10-08", "2024-10-02T01:00:00+00:00"),
        ("banjir", "selesai", "2024-10-05", "2024-10-03T01:00:00+00:00"),
        ("hoaks", "dijawab", "2024-11-15", "2024-10-02T02:00:00+00:00"),
        ("cetak", "terbuka", None, "2024-11-02T01:00:00+00:00"),  # after October
    ):
        db["follow_ups"].insert({"article_id": ids[article], "region": "kota-contoh",
                                 "opd": "dpupr", "tindak_lanjut": "ditindaklanjuti",
                                 "status": status, "due": due, "created_at": created})
    db.ids = ids  # type: ignore[attr-defined]
    return db


@pytest.fixture(scope="module")
def region():
    return load_region(str(REGION_FILE))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("digest") / "kliping.db")


@pytest.fixture(scope="module")
def october(db, region):
    return build_digest(db, region, *OCTOBER, period="bulanan")


@pytest.fixture(scope="module")
def october_files(october, tmp_path_factory):
    return write_digest(october, tmp_path_factory.mktemp("out"))


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_counts_are_exact(october):
    assert october.total == 5
    assert october.by_nilai == {"positif": 1, "negatif": 3, "netral": 1}
    assert october.by_sifat == {"segera": 2, "penting": 1, "biasa": 2}
    assert october.by_tindak_lanjut == {"diketahui": 2, "ditindaklanjuti": 2, "klarifikasi": 1}
    # A story sent to two offices counts for each; urusan-only labels go to the urusan's office.
    assert october.by_office == {KOMINFO: 3, BPBD: 1, DLH: 1, PUPR: 1}
    assert october.by_media == {"Harian Contoh": 3, "Warta Contoh": 2}
    assert october.by_kind == {"online": 4, "cetak": 1}
    assert len(october.by_day) == 31
    assert {d.day: n for d, n in october.by_day.items() if n} == {1: 2, 3: 2, 10: 1}


def test_desk_label_is_the_one_counted(october, db):
    hoaks = next(i for i in october.items if i.article_id == db.ids["hoaks"])
    assert (hoaks.nilai, hoaks.sifat, hoaks.tindak_lanjut, hoaks.label_origin) == (
        "negatif", "segera", "klarifikasi", "desk")
    assert october.by_nilai["positif"] == 1  # the model's "positif" for it is not counted


def test_top_negative_puts_segera_first_then_newest(october, db):
    assert [i.article_id for i in october.top_negative] == [
        db.ids["banjir"], db.ids["hoaks"], db.ids["jalan"]]


def test_open_follow_ups_are_those_not_finished_by_the_end_of_the_period(october, db):
    assert [(f.article_id, f.status, f.overdue) for f in october.follow_ups] == [
        (db.ids["jalan"], "terbuka", True), (db.ids["hoaks"], "dijawab", False)]
    assert october.follow_ups[0].office == PUPR


def test_periods_are_calendar_units(db, region):
    assert period_bounds("harian", date(2024, 10, 3)) == (date(2024, 10, 3), date(2024, 10, 3))
    assert period_bounds("mingguan", date(2024, 10, 3)) == (date(2024, 9, 30), date(2024, 10, 6))
    assert period_bounds("bulanan", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(DigestError, match="tidak dikenal"):
        period_bounds("tahunan", date(2024, 2, 10))
    week = build_digest(db, region, *period_bounds("mingguan", date(2024, 10, 3)), period="mingguan")
    assert week.total == 5  # September 30 is in that week; the unlabeled and irrelevant are not
    assert week.by_nilai == {"positif": 0, "negatif": 4, "netral": 1}


def test_html_has_charts_and_pdf_has_the_headings(october_files):
    html = october_files.html.read_text(encoding="utf-8")
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 4  # nilai, instansi, media, per hari
    text = pdftotext(october_files.pdf)
    flat = " ".join(text.split())
    for heading in ("RINGKASAN KLIPING BERITA BULANAN", "Nilai Berita", "Instansi", "Media",
                    "Berita per Hari", "Berita Negatif Teratas", "Tindak Lanjut Terbuka"):
        assert heading in flat, heading
    assert "01 Oktober 2024 s.d. 31 Oktober 2024" in flat
    assert "PEMERINTAH KOTA CONTOH" in flat
    assert "Berita banjir" in flat and "lewat tenggat" in flat
    images = subprocess.run(["pdfimages", "-list", str(october_files.pdf)], check=True,
                            capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) >= 4


def test_excel_recap_has_one_row_per_clipping_under_the_desk_header(october_files, db):
    workbook = load_workbook(october_files.xlsx)
    assert workbook.sheetnames == [RECAP_SHEET, SUMMARY_SHEET, FOLLOW_UP_SHEET]
    sheet = workbook[RECAP_SHEET]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == list(HEADER) == ["No", "Tanggal", "Media", "Judul", "Instansi", "Nilai Berita",
                                      "Sifat", "Tindak Lanjut", "Tautan"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    by_title = {r[3]: r for r in rows}
    assert set(by_title) == {"Berita jalan", "Berita hoaks", "Berita banjir", "Berita cetak",
                             "Berita tanpa-tanggal"}
    assert by_title["Berita hoaks"][1] == datetime(2024, 10, 1)
    assert by_title["Berita hoaks"][5:8] == ["Negatif", "Segera", "Perlu Klarifikasi"]
    assert by_title["Berita jalan"][4] == f"{PUPR}; {DLH}"
    assert by_title["Berita jalan"][8] == "https://harian-contoh.test/jalan"
    assert by_title["Berita cetak"][8] == "Cetak, hal. 5"
    assert by_title["Berita tanpa-tanggal"][1] == datetime(2024, 10, 10)
    summary = {row[0].value: row[1].value for row in workbook[SUMMARY_SHEET].iter_rows() if row[0].value}
    assert summary["Jumlah kliping"] == 5
    assert summary["Negatif"] == 3 and summary["Positif"] == 1 and summary["Netral"] == 1
    assert summary[KOMINFO] == 3
    assert summary["Tindak lanjut terbuka"] == 2
    follow_rows = list(workbook[FOLLOW_UP_SHEET].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert [r[1] for r in follow_rows] == ["Berita jalan", "Berita hoaks"]


def test_period_without_clippings_says_so(db, region, tmp_path):
    empty = build_digest(db, region, date(2024, 10, 20), date(2024, 10, 20), period="harian")
    assert empty.empty and empty.total == 0
    assert empty.by_nilai == {"positif": 0, "negatif": 0, "netral": 0}
    files = write_digest(empty, tmp_path)
    assert "Tidak ada kliping berita pada periode ini" in " ".join(pdftotext(files.pdf).split())
    assert "data:image/png" not in files.html.read_text(encoding="utf-8")
    sheet = load_workbook(files.xlsx)[RECAP_SHEET]
    assert [c.value for c in sheet[HEADER_ROW]] == list(HEADER)
    assert sheet.max_row == HEADER_ROW
    assert "Tidak ada kliping" in sheet["A4"].value


def test_end_before_start_is_refused(db, region):
    with pytest.raises(DigestError, match="sebelum"):
        build_digest(db, region, date(2024, 10, 5), date(2024, 10, 1))


def test_region_template_can_replace_a_block(october, tmp_path):
    from clippings import sheet

    root = tmp_path / "templates"
    (root / "regions" / "kota-contoh").mkdir(parents=True)
    for name in ("digest.html.j2", "digest.css"):
        (root / name).write_text((sheet.TEMPLATES_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "regions" / "kota-contoh" / "digest.html.j2").write_text(
        '{% extends "default:digest.html.j2" %}{% block kop %}<p>KOP KHUSUS KOTA CONTOH</p>{% endblock %}',
        encoding="utf-8")
    html = render_digest_html(october, charts=False, templates_root=root)
    assert "KOP KHUSUS KOTA CONTOH" in html and "Berita Negatif Teratas" in html


def test_cli_writes_three_files_and_prints_their_paths(tmp_path):
    db_path = tmp_path / "kliping.db"
    build_db(db_path)
    out = tmp_path / "ringkasan"
    result = CliRunner().invoke(cli, ["digest", "--region", str(REGION_FILE), "--period", "mingguan",
                                      "--date", "2024-10-03", "--out", str(out), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "5 kliping" in result.output
    paths = [Path(line.split(":", 1)[1].strip()) for line in result.output.splitlines()
             if line.startswith(("HTML:", "PDF:", "Excel:"))]
    assert [p.suffix for p in paths] == [".html", ".pdf", ".xlsx"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert paths[0].name == "ringkasan-kota-contoh-mingguan-2024-09-30_2024-10-06.html"
