"""OCR of newspaper cuttings drawn from known Indonesian text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytesseract
import pytest
from cuttings import (
    HEADLINE,
    PARAGRAPHS,
    SECOND_PAGE,
    draw_cutting,
    full_text,
    save_cutting,
    split_word_pairs,
    word_recall,
)
from PIL import ImageFilter

from clippings.ocr import (
    OcrError,
    _join,
    check_tesseract,
    ocr_image,
    ocr_pdf,
)


@pytest.fixture(scope="module")
def cutting(tmp_path_factory) -> Path:
    return save_cutting(tmp_path_factory.mktemp("ocr") / "potongan.png")


def test_generated_cutting_recovers_at_least_95_percent_of_words(cutting):
    result = ocr_image(cutting)
    recall = word_recall(full_text(), result.text)
    assert recall >= 0.95, (recall, result.text)
    assert not result.low_confidence
    assert result.confidence >= 80


@pytest.mark.parametrize("justify", [True, False], ids=["rata-kiri-kanan", "rata-kiri"])
def test_text_comes_back_as_the_papers_paragraphs_with_line_end_hyphens_undone(tmp_path, justify):
    # Justified newsprint has loose lines whose wide spaces look like a column break.
    result = ocr_image(save_cutting(tmp_path / "potongan.png", draw_cutting(justify=justify)))
    assert result.paragraphs[0] == HEADLINE
    # Two columns read one after the other, not across: each paragraph is whole.
    assert len(result.paragraphs) == 1 + len(PARAGRAPHS)
    for expected, got in zip(PARAGRAPHS, result.paragraphs[1:], strict=True):
        assert word_recall(expected, got) >= 0.95, (expected, got)
    assert split_word_pairs(result.text) == []
    # Reduplications keep their hyphen even when the line broke there.
    assert "anak-anak" in result.text and "berkali-kali" in result.text


def test_page_turned_sideways_is_turned_back_and_read(tmp_path):
    image = draw_cutting().rotate(90, expand=True, fillcolor=255)
    result = ocr_image(save_cutting(tmp_path / "miring.png", image))
    assert result.rotation in (90, 270)
    assert word_recall(full_text(), result.text) >= 0.95


def test_faded_skewed_photo_still_gives_the_text(tmp_path):
    # Grey ink on grey paper, photographed 3 degrees off: a typical phone snapshot.
    image = draw_cutting(ink=140, paper=190).rotate(3, expand=True, fillcolor=190)
    result = ocr_image(save_cutting(tmp_path / "pudar.jpg", image.convert("RGB")))
    assert word_recall(full_text(), result.text) >= 0.9


def test_illegible_image_is_flagged_low_confidence(tmp_path):
    image = draw_cutting()
    tiny = image.resize((image.width // 5, image.height // 5)).filter(ImageFilter.GaussianBlur(2))
    result = ocr_image(save_cutting(tmp_path / "buram.png", tiny))
    assert result.low_confidence
    assert word_recall(full_text(), result.text) < 0.5


def test_pdf_pages_are_read_in_order(tmp_path):
    first = draw_cutting()
    second = draw_cutting("Dewan Minta Pompa Air Disiapkan", SECOND_PAGE)
    path = tmp_path / "epaper.pdf"
    first.save(path, resolution=300, save_all=True, append_images=[second])
    result = ocr_pdf(path)
    assert result.pages == 2
    assert word_recall(full_text(), result.text) >= 0.95
    assert word_recall(full_text("Dewan Minta Pompa Air Disiapkan", SECOND_PAGE), result.text) >= 0.95
    assert result.text.index("Sukamaju") < result.text.index("pompa air")
    # The short second page is read down each column, not across the gutter.
    assert "genangan. Anggota komisi bidang pembangunan menilai perawatan" in result.text
    assert {w.page for w in result.words} == {1, 2}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "gambar"),
        ("bukan-gambar.jpg", b"Ini hanya teks biasa, bukan foto potongan koran.", "bukan berkas gambar"),
    ],
)
def test_unreadable_image_gives_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(OcrError, match=message) as caught:
        ocr_image(path)
    assert str(path) in str(caught.value)


def test_truncated_image_gives_a_clear_error(tmp_path, cutting):
    path = tmp_path / "terpotong.png"
    path.write_bytes(cutting.read_bytes()[:5000])
    with pytest.raises(OcrError, match="rusak atau terpotong"):
        ocr_image(path)


def test_corrupt_pdf_gives_a_clear_error(tmp_path):
    path = tmp_path / "rusak.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nbukan pdf yang utuh")
    with pytest.raises(OcrError, match="PDF rusak"):
        ocr_pdf(path)


def test_missing_indonesian_language_names_the_debian_package(tmp_path, monkeypatch):
    eng = Path("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata")
    if not eng.exists():
        pytest.skip("eng.traineddata not where Debian puts it")
    shutil.copy(eng, tmp_path / "eng.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(OcrError, match="tesseract-ocr-ind"):
        check_tesseract("ind")


def test_missing_tesseract_names_the_debian_package(monkeypatch, cutting):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/tidak/ada/tesseract")
    with pytest.raises(OcrError, match="apt-get install tesseract-ocr"):
        ocr_image(cutting)


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("kepada pemerin-", "tah kota", "kepada pemerintah kota"),
        ("mengatakan anak-", "anak sekolah", "mengatakan anak-anak sekolah"),
        ("juga berkali-", "kali tergelincir", "juga berkali-kali tergelincir"),
        ("warga non-", "Muslim", "warga non-Muslim"),
        ("tahun 2024 -", "dua", "tahun 2024 - dua"),
        ("tanpa tanda", "hubung", "tanpa tanda hubung"),
    ],
)
def test_line_end_hyphens(left, right, joined):
    assert _join(left, right) == joined
