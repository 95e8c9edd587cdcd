"""Newspaper cuttings drawn for the OCR tests, from text written for them.

A cutting is typeset like a regional daily: bold headline across the top, body text in
narrow columns of 9 pt serif at 300 dpi, long words hyphenated at line ends. The text is
invented; the places and offices do not exist.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
DPI = 300

HEADLINE = "Warga Sukamaju Keluhkan Jalan Berlubang yang Tak Kunjung Diperbaiki"
PARAGRAPHS = (
    "Sejumlah warga Kelurahan Sukamaju mengeluhkan kondisi jalan kampung yang berlubang "
    "dan tergenang setiap kali hujan turun. Menurut mereka, kerusakan itu sudah dilaporkan "
    "kepada pemerintah kota sejak awal tahun, tetapi sampai sekarang belum ada perbaikan.",
    "Ketua rukun warga setempat, Suparjo, mengatakan anak-anak sekolah terpaksa berjalan "
    "memutar karena genangan air cukup dalam. Para pedagang sayur juga berkali-kali "
    "tergelincir ketika membawa dagangan ke pasar pada pagi hari.",
    "Kepala Dinas Pekerjaan Umum Kota Contoh menyatakan perbaikan jalan sepanjang empat "
    "ratus meter itu dijadwalkan bulan depan setelah anggaran perubahan disahkan oleh "
    "dewan. Pihaknya juga akan membersihkan saluran drainase yang tersumbat sampah.",
    "Warga berharap pekerjaan tersebut tidak ditunda lagi karena musim hujan sudah dekat "
    "dan jalan itu menjadi akses utama menuju puskesmas, sekolah dasar, dan pasar kelurahan.",
)
SECOND_PAGE = (
    "Dewan Perwakilan Rakyat Daerah meminta pemerintah kota menyiapkan pompa air di "
    "kawasan rawan genangan. Anggota komisi bidang pembangunan menilai perawatan saluran "
    "selama ini kurang teratur sehingga banjir kecil terus berulang.",
)

_VOWELS = set("aeiou")


def words_of(text: str) -> list[str]:
    """Words as a reader counts them: case and surrounding punctuation ignored."""
    return [w for w in (t.strip(".,;:!?\"'()“”‘’").lower() for t in text.split()) if w]


def word_recall(expected: str, got: str) -> float:
    """Share of the expected words (with repeats) that the OCR text contains."""
    want, have = Counter(words_of(expected)), Counter(words_of(got))
    return sum(min(n, have[w]) for w, n in want.items()) / sum(want.values())


def full_text(headline: str = HEADLINE, paragraphs=PARAGRAPHS) -> str:
    return "\n".join([headline, *paragraphs])


def _split_points(word: str) -> list[int]:
    """Hyphenation points between syllables, in the simple V-CV pattern of Indonesian."""
    points = []
    for i in range(2, len(word) - 2):
        if word[i - 1].lower() in _VOWELS and word[i].lower() not in _VOWELS and word[i + 1].lower() in _VOWELS:
            points.append(i)
    return points


def _wrap(draw: ImageDraw.ImageDraw, paragraph: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        # Hyphenate at the last syllable break that still fits, as a typesetter would.
        if "-" not in word and word.isalpha():
            for point in reversed(_split_points(word)):
                piece = f"{line} {word[:point]}-".strip()
                if draw.textlength(piece, font=font) <= width:
                    lines.append(piece)
                    line = word[point:]
                    break
            else:
                lines.append(line)
                line = word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def draw_cutting(
    headline: str = HEADLINE,
    paragraphs=PARAGRAPHS,
    *,
    columns: int = 2,
    column_width: int = 620,
    gutter: int = 55,
    font_px: int = 37,  # 9 pt at 300 dpi
    ink: int = 0,
    paper: int = 255,
    justify: bool = True,
) -> Image.Image:
    body_font = ImageFont.truetype(str(FONTS / "DejaVuSerif.ttf"), font_px)
    head_font = ImageFont.truetype(str(FONTS / "DejaVuSerif-Bold.ttf"), int(font_px * 1.8))
    margin = 110
    width = 2 * margin + columns * column_width + (columns - 1) * gutter
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    head_lines = _wrap(probe, headline, head_font, width - 2 * margin)
    body: list[tuple[str, bool] | None] = []
    for paragraph in paragraphs:
        wrapped = _wrap(probe, paragraph, body_font, column_width)
        # Justified like newsprint: every line but a paragraph's last fills the column.
        body.extend((line, justify and n < len(wrapped) - 1) for n, line in enumerate(wrapped))
        body.append(None)  # blank line between paragraphs
    per_column = -(-len(body) // columns)
    leading = int(font_px * 1.45)
    head_leading = int(font_px * 1.8 * 1.3)
    top = margin + len(head_lines) * head_leading + font_px
    height = top + per_column * leading + margin
    image = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(head_lines):
        draw.text((margin, margin + n * head_leading), line, font=head_font, fill=ink)
    for c in range(columns):
        x = margin + c * (column_width + gutter)
        for n, entry in enumerate(body[c * per_column:(c + 1) * per_column]):
            if entry:
                _draw_line(draw, (x, top + n * leading), *entry, font=body_font, width=column_width, ink=ink)
    return image


def _draw_line(draw, origin, text: str, justified: bool, *, font, width: int, ink: int) -> None:
    words = text.split()
    if not justified or len(words) < 2:
        draw.text(origin, text, font=font, fill=ink)
        return
    spare = width - sum(draw.textlength(w, font=font) for w in words)
    gap = spare / (len(words) - 1)
    x, y = origin
    for word in words:
        draw.text((round(x), y), word, font=font, fill=ink)
        x += draw.textlength(word, font=font) + gap


def save_cutting(path: Path, image: Image.Image | None = None, **kwargs) -> Path:
    image = image if image is not None else draw_cutting(**kwargs)
    if path.suffix.lower() == ".pdf":
        image.save(path, resolution=DPI)
    else:
        image.save(path, dpi=(DPI, DPI))
    return path


def split_word_pairs(image_text: str) -> list[str]:
    """Hyphenated line-end pieces left in an OCR text (``pemerin- tah``)."""
    return re.findall(r"\b\w+- \w+", image_text)
