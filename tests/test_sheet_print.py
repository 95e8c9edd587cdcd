"""Printing the sheet: parallel parts joined with the right page numbers, drafts with a
watermark signed later with a visible signature box, photos and print-clip scans."""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from clippings.db import open_db
from clippings.regions import load_region
from clippings.sheet import (
    SheetError,
    compose_sheet,
    publish_sheet,
    render_html,
    render_sheet_pdf,
    sign_sheet,
)
from clippings.signing import (
    SIGNATURE_FIELD,
    SigningError,
    issue_demo_signer,
    new_demo_ca,
    verify_pdf,
)
from tests.test_sheet import (
    ARTICLES,
    DAY,
    REGION_FILE,
    add_article,
    add_label,
    page_count,
    pdftotext,
)

WATERMARK = "DRAF — belum ditandatangani"


@pytest.fixture
def region():
    return load_region(str(REGION_FILE))


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    database.ids = {key: add_article(database, key, f, label) for key, f, label in ARTICLES}  # type: ignore[attr-defined]
    return database


def add_many(db, count: int) -> None:
    for n in range(count):
        add_article(db, f"banyak{n}", {
            "title": f"Kegiatan Kelurahan Nomor {n + 1} Berjalan Lancar",
            "body": "\n".join(f"Paragraf {p + 1} tentang kegiatan warga kelurahan nomor {n + 1}." for p in range(3)),
            "published": "2024-10-04", "publisher": "Warta Contoh",
            "url": f"https://warta-contoh.test/kegiatan-{n}",
        }, {"nilai": "positif", "sifat": "biasa", "tindak_lanjut": "diketahui",
            "instansi": ["diskominfo"], "urusan": ["kominfo"]})


# --------------------------------------------------------------------------- parts


def test_sheet_printed_in_parts_numbers_pages_across_the_whole_document(tmp_path, db, region):
    add_many(db, 9)  # 12 clippings: cover + 3 parts of 4
    sheet = replace(compose_sheet(db, region, DAY), sheet_id=7, version=1)
    rendered = render_sheet_pdf(sheet, tmp_path / "lembar.pdf", part_size=4, workers=2)
    pages = pdftotext(rendered.path).split("\f")[:-1]
    total = page_count(rendered.path)
    assert rendered.pages == total == len(pages)
    for number, page in enumerate(pages, start=1):
        found = re.findall(r"Halaman (\d+) dari (\d+)", page)
        assert found == [(str(number), str(total))], (number, page[-300:])
    # One page per clipping after the cover; order and numbering kept across parts.
    cover = total - 12
    assert cover >= 1 and "Kliping 1 dari 12" in pages[cover] and "Kliping" not in pages[cover - 1]
    assert [pages.index(next(p for p in pages if f"Kliping {n} dari 12" in p)) for n in range(1, 13)] == \
        list(range(cover, total))
    # Every page still carries the footer with the sheet number.
    assert all("Lembar kliping no. 7 versi 1" in page for page in pages)
    # The signer block of the last page is where the visible signature goes.
    x1, y1, x2, y2 = rendered.signature_box
    with pikepdf.open(rendered.path) as pdf:
        width, height = (float(v) for v in pdf.pages[-1].mediabox[2:])
    assert 0 < x1 < x2 < width and 0 < y1 < y2 < height
    assert x2 - x1 == pytest.approx(75 / 25.4 * 72, abs=1)  # the 75 mm signer block


def test_single_part_and_parts_print_the_same_text(tmp_path, db, region):
    add_many(db, 5)
    sheet = compose_sheet(db, region, DAY)
    one = render_sheet_pdf(sheet, tmp_path / "satu.pdf", part_size=100)
    parts = render_sheet_pdf(sheet, tmp_path / "bagian.pdf", part_size=3, workers=2)
    assert one.pages == parts.pages
    assert pdftotext(one.path) == pdftotext(parts.path)


def test_without_child_processes_the_sheet_is_printed_in_this_process(tmp_path, db, region, monkeypatch, caplog):
    import clippings.sheet_render as sheet_render

    def no_processes(*args, **kwargs):
        raise OSError("tidak boleh membuat proses")

    add_many(db, 5)
    monkeypatch.setattr(sheet_render, "ProcessPoolExecutor", no_processes)
    sheet = compose_sheet(db, region, DAY)
    rendered = render_sheet_pdf(sheet, tmp_path / "lembar.pdf", part_size=3, workers=2)
    assert "dicetak berurutan" in caplog.text
    assert rendered.pages == page_count(rendered.path)
    assert "Kliping 8 dari 8" in pdftotext(rendered.path)


def test_default_parts_cover_every_clipping_once_in_order_heaviest_first():
    from clippings.sheet import MIN_PART_WEIGHT, _runs

    weights = [1500 + 97 * (n % 11) for n in range(60)]
    runs = _runs(weights, workers=2)
    assert [n for run in runs for n in run] == list(range(60))
    sizes = [sum(weights[n] for n in run) for run in runs]
    assert len(runs) > 3 and sizes[0] == max(sizes) and sizes[-1] < sizes[0] / 2
    # Every part is worth its fixed cost; a short sheet is not cut into crumbs.
    assert min(sizes) >= MIN_PART_WEIGHT / 2
    assert _runs([2000] * 4, workers=2) == [range(4)]


def test_publishing_prints_in_a_child_and_its_error_reaches_the_caller(tmp_path, db, region, certs,
                                                                        monkeypatch):
    import clippings.sheet as sheet_module

    def broken_print(*args, **kwargs):
        raise SheetError(f"templat lembar rusak (proses {os.getpid()})")

    monkeypatch.setenv("KLIPING_SHEET_WORKERS", "2")
    monkeypatch.setattr(sheet_module, "render_sheet_pdf", broken_print)
    with pytest.raises(SheetError, match="templat lembar rusak") as raised:
        publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
                      password=certs.password)
    assert f"(proses {os.getpid()})" not in str(raised.value)  # it failed in the printer
    assert db["sheets"].count == 0
    assert not list((tmp_path / "lembar").rglob("*.pdf"))


def test_background_call_whose_child_dies_is_made_here(caplog):
    from clippings.sheet_render import Background

    here = os.getpid()
    with Background(lambda: os._exit(9) if os.getpid() != here else "dicetak di sini") as job:
        assert job.result() == "dicetak di sini"
    assert "berhenti tanpa hasil (kode keluar 9)" in caplog.text


def test_background_error_that_cannot_travel_says_what_it_was():
    from clippings.sheet_render import Background

    class OddError(Exception):
        def __init__(self, code, detail):
            super().__init__(f"{code}: {detail}")

    def fail():
        raise OddError(7, "huruf tidak ditemukan")

    with Background(fail) as job, pytest.raises(RuntimeError, match="OddError: 7: huruf tidak ditemukan"):
        job.result()


def test_weasyprint_import_shortcut_leaves_the_library_search_as_it_was():
    script = (
        "import ctypes.util, sys\n"
        "search = ctypes.util.find_library\n"
        "from clippings.sheet_render import _weasyprint\n"
        "print(_weasyprint().__version__, ctypes.util.find_library is search)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    assert out.split()[1:] == ["True"] and out.split()[0][0].isdigit()


# --------------------------------------------------------------------------- draft and sign


def raw_text(pdf: Path) -> str:
    """Text in content-stream order, which keeps the rotated watermark in one piece."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def draft(db, region, tmp_path, **kwargs):
    return publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", draft=True,
                         base="https://kliping.contoh.test", actor="Rina", **kwargs)


def test_draft_has_watermark_on_every_page_then_signing_removes_it(tmp_path, db, region, certs):
    row = draft(db, region, tmp_path)
    draft_pdf = Path(row["pdf_path"])
    assert row["status"] == "draft" and row["signed_at"] is None and row["sha256"] is None
    assert draft_pdf.name == "kliping-kota-contoh-2024-10-04-v1-DRAF.pdf"
    pages = raw_text(draft_pdf).split("\f")[:-1]
    assert len(pages) == 4 and all(WATERMARK in " ".join(p.split()) for p in pages)
    assert verify_pdf(draft_pdf, trust_roots=[certs.ca_cert]).signature_count == 0
    # Asking for the same draft again returns it.
    assert draft(db, region, tmp_path)["id"] == row["id"]

    signed = sign_sheet(db, region, row["id"], p12_path=certs.p12, password=certs.password,
                        base="https://kliping.contoh.test", actor="Kepala")
    pdf = Path(signed["pdf_path"])
    assert (signed["id"], signed["version"], signed["status"]) == (row["id"], 1, "signed")
    assert pdf.name == "kliping-kota-contoh-2024-10-04-v1.pdf" and pdf.parent == draft_pdf.parent
    assert "DRAF" not in raw_text(pdf)
    result = verify_pdf(pdf, trust_roots=[certs.ca_cert])
    assert result.valid, result.problems
    assert result.sha256 == signed["sha256"]
    # The visible signature box sits on the last page, inside the signer block.
    with pikepdf.open(pdf) as document:
        last = document.pages[-1]
        [widget] = [a for a in last.obj.get("/Annots", []) if a.get("/T") == SIGNATURE_FIELD]
        x1, y1, x2, y2 = (float(v) for v in widget.Rect)
        assert x2 - x1 > 150 and y2 - y1 > 40
        assert "/AP" in widget
    text = " ".join(pdftotext(pdf).split("\f")[-2].split())
    assert "Dra. Sri Wahyuningsih, M.Si." in text
    actions = [r["action"] for r in db["audit_log"].rows_where(order_by="id")]
    assert actions == ["sheet.draft", "sheet.sign"]
    with pytest.raises(SheetError, match="bukan draf"):
        sign_sheet(db, region, row["id"], p12_path=certs.p12, password=certs.password)


def test_draft_is_not_signed_when_the_content_changed(tmp_path, db, region, certs):
    row = draft(db, region, tmp_path)
    add_label(db, db.ids["ppid"], "desk", {"nilai": "negatif", "sifat": "segera", "tindak_lanjut":
              "klarifikasi", "instansi": ["diskominfo"], "urusan": ["kominfo"]})
    with pytest.raises(SheetError, match="berubah sejak draf"):
        sign_sheet(db, region, row["id"], p12_path=certs.p12, password=certs.password)
    assert db["sheets"].get(row["id"])["status"] == "draft"
    # Nothing signed was left behind: only the draft's two files.
    assert sorted(p.name for p in Path(row["pdf_path"]).parent.iterdir()) == sorted(
        [Path(row["pdf_path"]).name, Path(row["html_path"]).name])


def test_publish_without_draft_flag_signs_the_waiting_draft(tmp_path, db, region, certs):
    row = draft(db, region, tmp_path)
    signed = publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
                           password=certs.password)
    assert (signed["id"], signed["status"]) == (row["id"], "signed")
    assert db["sheets"].count == 1


@pytest.mark.parametrize("problem", ["password", "expired", "tls"])
def test_bad_key_keeps_the_draft_a_draft_and_leaves_no_signed_file(tmp_path, db, region, certs, problem):
    row = draft(db, region, tmp_path)
    p12, password = certs.p12, certs.password
    if problem == "password":
        password, message = "salah", "kata sandi PKCS#12 salah"
    else:
        ca_key, ca_cert = new_demo_ca()
        now = datetime.now(UTC)
        dates = {"not_before": now - timedelta(days=400), "not_after": now - timedelta(days=1)} \
            if problem == "expired" else {}
        p12 = issue_demo_signer(tmp_path / "lain.p12", ca_key=ca_key, ca_cert=ca_cert,
                                common_name="Penandatangan Lain", password="sandi",
                                purpose="tls" if problem == "tls" else "document", **dates)
        password = "sandi"
        message = "kedaluwarsa" if problem == "expired" else "bukan untuk menandatangani dokumen"
    with pytest.raises(SigningError, match=message):
        sign_sheet(db, region, row["id"], p12_path=p12, password=password)
    assert db["sheets"].get(row["id"])["status"] == "draft"
    version_dir = Path(row["pdf_path"]).parent
    assert sorted(p.name for p in version_dir.iterdir()) == [
        "kliping-kota-contoh-2024-10-04-v1-DRAF.html", "kliping-kota-contoh-2024-10-04-v1-DRAF.pdf"]


def test_sign_unknown_sheet_or_other_region(tmp_path, db, region, certs):
    with pytest.raises(SheetError, match="lembar no. 99 tidak ada"):
        sign_sheet(db, region, 99, p12_path=certs.p12, password=certs.password)
    row = draft(db, region, tmp_path)
    other = load_region("kota-yogyakarta")
    with pytest.raises(SheetError, match="milik wilayah kota-contoh, bukan kota-yogyakarta"):
        sign_sheet(db, other, row["id"], p12_path=certs.p12, password=certs.password)
    assert db["sheets"].get(row["id"])["status"] == "draft"


# --------------------------------------------------------------------------- photos and scans


def png_bytes(text: str, size=(480, 300), color="white") -> bytes:
    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def images_on_pages(pdf: Path) -> dict[int, int]:
    """Page number → number of raster images other than the footer's QR code."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    counts = dict.fromkeys(range(1, page_count(pdf) + 1), 0)
    for line in listing:
        page, _num, kind, width = line.split()[:4]
        if kind == "image" and int(width) > 400:
            counts[int(page)] += 1
    return counts


def first_page_of(pdf: Path, number: int, total: int) -> int:
    """The page where clipping ``number`` starts."""
    pages = pdftotext(pdf).split("\f")
    return next(n for n, text in enumerate(pages, start=1) if f"Kliping {number} dari {total}" in text)


def test_photo_from_archive_or_data_uri_is_printed_remote_one_is_not(tmp_path, db, region, caplog):
    photo = tmp_path / "arsip" / "foto-jalan.png"
    photo.parent.mkdir()
    photo.write_bytes(png_bytes("jalan"))
    data_uri = "data:image/png;base64," + base64.b64encode(png_bytes("ppid")).decode()
    db["articles"].update(db.ids["jalan"], {"image_url": str(photo)})
    db["articles"].update(db.ids["ppid"], {"image_url": data_uri})
    db["articles"].update(db.ids["banjir"], {"image_url": "https://harian-contoh.test/foto.jpg"})
    with caplog.at_level(logging.INFO, logger="clippings.sheet"):
        sheet = compose_sheet(db, region, DAY)
    by_id = {i.article_id: i for i in sheet.items}
    assert by_id[db.ids["jalan"]].image == photo.as_uri()
    assert by_id[db.ids["ppid"]].image == data_uri
    assert by_id[db.ids["banjir"]].image is None
    assert "https://harian-contoh.test/foto.jpg" in caplog.text
    html = render_html(sheet)
    # The photo comes before its caption.
    assert html.index('class="photo"><img src="' + photo.as_uri()) < html.index("JALAN RUSAK - Seorang")
    pdf = render_sheet_pdf(sheet, tmp_path / "lembar.pdf").path
    order = [i.article_id for i in sheet.items]
    counts = images_on_pages(pdf)
    for key, expected in (("jalan", 1), ("ppid", 1), ("banjir", 0)):
        assert counts[first_page_of(pdf, order.index(db.ids[key]) + 1, len(order))] == expected, key


def test_unreadable_photo_is_reported_and_left_out(tmp_path, db, region, caplog):
    broken = tmp_path / "rusak.jpg"
    broken.write_bytes(b"bukan gambar")
    db["articles"].update(db.ids["jalan"], {"image_url": str(broken)})
    db["articles"].update(db.ids["ppid"], {"image_url": str(tmp_path / "hilang.png")})
    sheet = compose_sheet(db, region, DAY)
    assert all(i.image is None for i in sheet.items)
    assert "tidak dapat dibaca sebagai gambar" in caplog.text and "tidak ditemukan" in caplog.text


def test_print_clip_shows_the_scan_instead_of_the_text(tmp_path, db, region):
    columns = db["articles"].columns_dict
    for name in ("kind", "scan_path", "print_page"):  # until the print-clips migration lands
        if name not in columns:
            db["articles"].add_column(name, str)
    scan = tmp_path / "pindaian.png"
    scan.write_bytes(png_bytes("POTONGAN KORAN", size=(900, 1200), color="#f4f0e0"))
    db["articles"].update(db.ids["jalan"], {"kind": "cetak", "scan_path": str(scan), "print_page": "5"})
    sheet = compose_sheet(db, region, DAY)
    item = next(i for i in sheet.items if i.article_id == db.ids["jalan"])
    assert item.scan == scan.as_uri() and item.print_page == "5"
    html = render_html(sheet)
    page_html = html[html.index(f'id="kliping-{sheet.items.index(item) + 1}"'):]
    page_html = page_html[: page_html.index("</article>")]
    assert 'class="scan"><img src="' + scan.as_uri() in page_html
    assert "Menurut warga" not in page_html  # the cutting replaces the typed text
    assert "Harian Contoh, Kamis, 03 Oktober 2024, halaman 5" in page_html
    pdf = render_sheet_pdf(sheet, tmp_path / "lembar.pdf").path
    number = sheet.items.index(item) + 1
    assert images_on_pages(pdf)[first_page_of(pdf, number, len(sheet.items))] == 1


def test_cli_draft_then_sign(tmp_path, db_path, db, certs, monkeypatch):
    from click.testing import CliRunner

    from clippings.cli import cli

    runner = CliRunner()
    out = tmp_path / "keluar"
    common = ["--db", str(db_path), "--region", str(REGION_FILE)]
    result = runner.invoke(cli, ["sheet", "publish", *common, "--date", "2024-10-04", "--out", str(out),
                                 "--draft", "--by", "Rina"])
    assert result.exit_code == 0, result.output
    assert "DRAF, belum ditandatangani" in result.output and "kliping sheet sign 1" in result.output
    assert [p.name for p in out.rglob("*.pdf")] == ["kliping-kota-contoh-2024-10-04-v1-DRAF.pdf"]

    monkeypatch.setenv("KLIPING_P12_PASSWORD", "bukan-sandinya")
    wrong = runner.invoke(cli, ["sheet", "sign", "1", *common, "--p12", str(certs.p12)])
    assert wrong.exit_code != 0 and "kata sandi PKCS#12 salah" in wrong.output
    assert db["sheets"].get(1)["status"] == "draft"

    monkeypatch.setenv("KLIPING_P12_PASSWORD", certs.password)
    result = runner.invoke(cli, ["sheet", "sign", "1", *common, "--p12", str(certs.p12)])
    assert result.exit_code == 0, result.output
    assert "ditandatangani Dra. Sri Wahyuningsih, M.Si." in result.output
    signed = next(p for p in out.rglob("*.pdf") if "DRAF" not in p.name)
    check = runner.invoke(cli, ["sheet", "verify", str(signed), "--db", str(db_path),
                                "--trust-root", str(certs.ca_cert)])
    assert check.exit_code == 0, check.output
    assert "cocok dengan lembar no. 1" in check.output and "status signed" in check.output
    again = runner.invoke(cli, ["sheet", "sign", "1", *common, "--p12", str(certs.p12)])
    assert again.exit_code != 0 and "bukan draf" in again.output


def test_cli_demo_key_lives_beside_the_database(tmp_path, db_path, db):
    """Without --p12 the desk signs with the demo key in <home>/certs, and verify and the web
    app find its CA there: publish, sign and verify agree without naming a certificate."""
    from click.testing import CliRunner

    from clippings.cli import cli

    runner = CliRunner()
    common = ["--db", str(db_path), "--region", str(REGION_FILE)]
    draft = runner.invoke(cli, ["sheet", "publish", *common, "--date", "2024-10-04",
                                "--out", str(tmp_path / "keluar"), "--draft"])
    assert draft.exit_code == 0, draft.output
    signed = runner.invoke(cli, ["sheet", "sign", "1", *common])
    assert signed.exit_code == 0, signed.output
    assert (db_path.parent / "certs" / "demo-ca.pem").is_file()
    assert "(UTC+07:00)" in signed.output  # the region's zone, not the stored UTC text
    pdf = next(p for p in (tmp_path / "keluar").rglob("*.pdf") if "DRAF" not in p.name)
    check = runner.invoke(cli, ["sheet", "verify", str(pdf), "--db", str(db_path)])
    assert check.exit_code == 0, check.output
    assert "Tanda tangan sah: ya" in check.output


def test_new_version_only_when_the_printed_content_changes(tmp_path, db, region, certs):
    first = publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
                          password=certs.password)
    # The desk confirms the model's label with the same values: nothing printed changes.
    add_label(db, db.ids["ppid"], "desk", {"nilai": "positif", "sifat": "biasa", "tindak_lanjut":
              "diketahui", "instansi": ["diskominfo"], "urusan": ["kominfo"]})
    same = publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
                         password=certs.password)
    assert same["id"] == first["id"]
    # A desk edit of a headline is printed: a new version pointing to the first.
    from clippings.review import edit_item, pick

    pick(db, region, DAY, [db.ids["ppid"]], by="Rina")
    edit_item(db, region.id, DAY, db.ids["ppid"], by="Rina", headline="Petugas PPID Dilatih")
    second = publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
                           password=certs.password)
    assert (second["version"], second["previous_id"]) == (2, first["id"])
    assert "Petugas PPID Dilatih" in pdftotext(Path(second["pdf_path"]))
