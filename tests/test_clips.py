"""Print clips: a scanned cutting is archived, read by OCR and stored as an article."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from cuttings import HEADLINE, SECOND_PAGE, draw_cutting, full_text, save_cutting, word_recall
from PIL import Image

from clippings.cli import cli
from clippings.clips import ClipError, add_print_clip, correct_clip_text
from clippings.db import open_db
from clippings.regions import load_region

HERE = Path(__file__).resolve().parent
REGION_FILE = HERE / "regions" / "kota-contoh.yaml"
DAY = date(2024, 10, 4)


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    return save_cutting(tmp_path_factory.mktemp("scan") / "potongan.png")


@pytest.fixture
def db(db_path):
    return open_db(db_path)


def add(db, path: Path, archive: Path, **kwargs):
    options = {"publisher": "Harian Contoh", "day": DAY, "page": 5}
    options.update(kwargs)
    return add_print_clip(db, image_path=path, archive_dir=archive, **options)


def files_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def test_scan_becomes_a_print_article_with_its_archived_image(db, scan, tmp_path):
    archive = tmp_path / "scans"
    row = add(db, scan, archive, rubric="Kota")
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()

    assert row["kind"] == "cetak"
    assert row["publisher"] == "Harian Contoh"
    assert row["published"] == "2024-10-04"
    assert row["print_page"] == "5"
    assert row["rubric"] == "Kota"
    assert row["title"] == HEADLINE  # first OCR line when no title is given
    assert row["body"].startswith("Sejumlah warga")  # the headline is not repeated
    assert word_recall(full_text(), f"{row['title']}\n{row['body']}") >= 0.95
    assert row["ocr_confidence"] >= 80
    assert row["canonical_url"] == f"cetak://harian-contoh/2024-10-04/5/{sha[:12]}"
    assert row["content_hash"] == sha
    # Content-addressed and byte-identical: the scan is the record.
    scan_path = Path(row["scan_path"])
    assert scan_path == archive.resolve() / sha[:2] / f"{sha}.png"
    assert scan_path.read_bytes() == scan.read_bytes()
    # Findable by full-text search like any article.
    assert [r["id"] for r in db["articles"].search("Sukamaju")] == [row["id"]]
    audit = list(db["audit_log"].rows_where("object_id = ?", [str(row["id"])]))
    assert [a["action"] for a in audit] == ["clip.add"]
    assert json.loads(audit[0]["detail"])["sha256"] == sha


def test_same_scan_twice_adds_nothing(db, scan, tmp_path):
    archive = tmp_path / "scans"
    first = add(db, scan, archive)
    copy = tmp_path / "salinan-dengan-nama-lain.png"
    copy.write_bytes(scan.read_bytes())
    again = add(db, copy, archive, publisher="Koran Lain", page="A3")
    assert again["id"] == first["id"]
    assert again["publisher"] == "Harian Contoh"
    assert db["articles"].count == 1
    assert db["audit_log"].count == 1
    assert len(files_in(archive)) == 1


def test_given_title_wins_over_ocr_and_pdf_is_archived_with_a_picture(db, tmp_path):
    pdf = tmp_path / "epaper.pdf"
    draw_cutting().save(pdf, resolution=300, save_all=True,
                        append_images=[draw_cutting("Dewan Minta Pompa Air Disiapkan", SECOND_PAGE)])
    row = add(db, pdf, tmp_path / "scans", title="Jalan Berlubang di Sukamaju", page="12")
    assert row["title"] == "Jalan Berlubang di Sukamaju"
    assert word_recall(full_text(), row["body"]) >= 0.95
    assert "pompa air" in row["body"]
    # The sheet shows a picture: both pages stacked in one PNG; the PDF itself is kept too.
    with Image.open(row["scan_path"]) as picture:
        assert picture.format == "PNG"
        assert picture.height > picture.width  # two pages one above the other
    assert Path(row["raw_path"]).suffix == ".pdf"
    assert Path(row["raw_path"]).read_bytes() == pdf.read_bytes()


def test_other_image_formats_are_kept_as_png_beside_the_original(db, tmp_path):
    tiff = save_cutting(tmp_path / "pindaian.tiff")
    row = add(db, tiff, tmp_path / "scans")
    with Image.open(row["scan_path"]) as picture:
        assert picture.format == "PNG"
    assert Path(row["raw_path"]).read_bytes() == tiff.read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "rusak atau terpotong"),  # a JPEG cut short, as by a failed upload
        (b"bukan gambar sama sekali", "bukan berkas gambar"),
        (b"%PDF-1.4\nrusak", "PDF rusak"),
    ],
)
def test_corrupt_file_gives_clear_error_and_writes_nothing(db, tmp_path, content, message):
    bad = tmp_path / "rusak.jpg"
    if content is None:
        draw_cutting().save(bad, format="JPEG")
        content = bad.read_bytes()[:4000]
    bad.write_bytes(content)
    archive = tmp_path / "scans"
    with pytest.raises(ClipError, match=message):
        add(db, bad, archive)
    assert db["articles"].count == 0
    assert db["audit_log"].count == 0
    assert files_in(archive) == []


def test_failed_insert_leaves_no_file_behind(db, scan, tmp_path):
    archive = tmp_path / "scans"
    # An article already holding the canonical identifier this scan would get.
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    db["articles"].insert({"canonical_url": f"cetak://harian-contoh/2024-10-04/5/{sha[:12]}",
                           "title": "x", "body": "x", "content_hash": "lain"})
    with pytest.raises(Exception, match="UNIQUE"):
        add(db, scan, archive)
    assert db["articles"].count == 1
    assert files_in(archive) == []


def test_desk_corrects_the_ocr_text_and_the_old_text_is_kept_in_the_audit_log(db, scan, tmp_path):
    row = add(db, scan, tmp_path / "scans")
    fixed = correct_clip_text(db, row["id"], "Paragraf pertama.\r\n\r\n  Paragraf   kedua.  \n", by="Rina",
                              title="Judul Koreksi")
    assert fixed["body"] == "Paragraf pertama.\nParagraf kedua."
    assert fixed["title"] == "Judul Koreksi"
    assert fixed["ocr_confidence"] == row["ocr_confidence"]
    audit = list(db["audit_log"].rows_where("action = 'clip.correct'"))
    assert len(audit) == 1 and audit[0]["actor"] == "Rina"
    detail = json.loads(audit[0]["detail"])
    assert detail["previous_body"] == row["body"]
    assert detail["previous_title"] == HEADLINE


def test_only_print_clips_can_be_corrected(db, scan, tmp_path):
    online = db["articles"].insert({"canonical_url": "https://contoh.test/a", "title": "t",
                                    "body": "b", "content_hash": "h"}).last_pk
    with pytest.raises(ClipError, match="bukan kliping cetak"):
        correct_clip_text(db, online, "teks", by="Rina")
    with pytest.raises(ClipError, match="tidak ada"):
        correct_clip_text(db, 999, "teks", by="Rina")
    row = add(db, scan, tmp_path / "scans")
    with pytest.raises(ClipError, match="kosong"):
        correct_clip_text(db, row["id"], " \n ", by="Rina")
    assert db["audit_log"].count_where("action = 'clip.correct'") == 0


@pytest.fixture(scope="module")
def classifier():
    from classify.model import ModelError, load_classifier

    try:
        return load_classifier()
    except ModelError as exc:
        pytest.skip(f"no trained model in models/: {exc}")


def test_print_clip_is_labeled_like_any_article(db, scan, tmp_path, classifier):
    from clippings.labeling import label_articles

    region = load_region(str(REGION_FILE))
    row = add(db, scan, tmp_path / "scans", region=region.id)
    label_articles(db, region, classifier)
    labels = list(db["labels"].rows_where("article_id = ?", [row["id"]]))
    assert [label["origin"] for label in labels] == ["model"]
    assert labels[0]["relevant"] == 1
    assert labels[0]["nilai"] == "negatif"


def test_cli_add_prints_id_confidence_and_first_lines_then_correct(db_path, scan, tmp_path):
    runner = CliRunner()
    args = ["clip", "add", str(scan), "--publisher", "Harian Contoh", "--date", "2024-10-04",
            "--page", "5", "--db", str(db_path)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    article_id = int(re.search(r"artikel no\. (\d+)", result.output).group(1))
    assert re.search(r"Keyakinan OCR: \d+,\d%", result.output)
    assert f"Judul: {HEADLINE}" in result.output
    assert "Sejumlah warga Kelurahan Sukamaju" in result.output
    assert (db_path.parent / "scans").is_dir()

    again = runner.invoke(cli, args)
    assert again.exit_code == 0
    assert "sudah tersimpan" in again.output

    fixed = tmp_path / "koreksi.txt"
    fixed.write_text("Teks yang sudah diperiksa.\nParagraf kedua.\n", encoding="utf-8")
    corrected = runner.invoke(cli, ["clip", "text", str(article_id), "--file", str(fixed), "--by", "Rina",
                                    "--db", str(db_path)])
    assert corrected.exit_code == 0, corrected.output
    assert "2 paragraf" in corrected.output
    assert open_db(db_path)["articles"].get(article_id)["body"] == "Teks yang sudah diperiksa.\nParagraf kedua."


def test_cli_reports_unreadable_file_without_traceback(db_path, tmp_path):
    bad = tmp_path / "foto.png"
    bad.write_bytes(b"bukan png")
    result = CliRunner().invoke(cli, ["clip", "add", str(bad), "--publisher", "Harian Contoh",
                                      "--date", "2024-10-04", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "Error:" in result.output and "bukan berkas gambar" in result.output
    assert open_db(db_path)["articles"].count == 0


def test_corrected_clip_is_labeled_again_from_the_new_text(db, scan, tmp_path, classifier):
    from clippings.labeling import label_articles, relabel_article

    region = load_region(str(REGION_FILE))
    row = add(db, scan, tmp_path / "scans", region=region.id)
    other = add(db, save_cutting(tmp_path / "lain.png", columns=3), tmp_path / "scans", region=region.id)
    label_articles(db, region, classifier, article_ids=[row["id"]])
    assert db["labels"].count_where("article_id = ?", [other["id"]]) == 0  # only the one asked for
    assert [r["relevant"] for r in db["labels"].rows_where("article_id = ?", [row["id"]])] == [1]

    # The OCR had misread a sports page as local news; the desk's text is the real one.
    correct_clip_text(db, row["id"], "Klub sepak bola Eropa menang 3-1 dalam laga persahabatan "
                      "di Madrid tadi malam. Pelatih memuji lini tengah timnya.", by="Rina",
                      title="Klub Eropa menang di laga persahabatan")
    assert relabel_article(db, row["id"], classifier, regions_dir=REGION_FILE.parent) == [region.id]
    labels = list(db["labels"].rows_where("article_id = ?", [row["id"]]))
    assert len(labels) == 1 and labels[0]["relevant"] == 0
