"""Reading the text of a newspaper cutting with Tesseract.

The memo's items are often print clips: a scan or a phone photo of a cutting, or a page of
the paper's e-paper PDF. Tesseract with the Indonesian model (Debian ``tesseract-ocr-ind``)
gives the words; this module turns its word boxes into the paragraphs a reader expects
(hyphenated line ends rejoined, columns kept apart) and says how sure it is, so the desk
knows when a text must be checked against the scan before it goes on a signed sheet.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

__all__ = [
    "DPI",
    "LANG",
    "LOW_CONFIDENCE",
    "OcrError",
    "OcrResult",
    "OcrWord",
    "check_tesseract",
    "combine",
    "is_pdf",
    "load_image",
    "ocr_image",
    "ocr_page",
    "ocr_pdf",
    "rasterise_pdf",
]

LANG = "ind"
DPI = 300  # Tesseract's models are trained on text of about this resolution
# Below this mean word confidence the text is often wrong in one word out of five or
# more; the desk is told to compare it with the scan.
LOW_CONFIDENCE = 70.0
# Tesseract reports a confidence for every box, including specks it read as "." or "|".
_MIN_WORD_CONFIDENCE = 0.0
_OSD_MIN_CONFIDENCE = 1.0  # orientation confidence below this is a guess
_PAGE_TIMEOUT_S = 300
_GUTTER_FACTOR = 1.0  # an empty band this many word-heights wide is a column gutter (4 mm at 9 pt)
_GUTTER_MIN_WORDS = 20  # fewer words than this are a caption, not columns
_BODY_HEIGHT_FACTOR = 1.5  # words taller than this many median heights are headline type
_BLANK_LINE_FACTOR = 0.9  # a vertical gap taller than this many lines ends a paragraph

# Tesseract's OpenMP threads fight over a small shared machine: on two busy cores one
# page took 14 s with two threads and 1.7 s with one. Set for the Tesseract child
# process only (see _tesseract_env), unless the caller chose a value.
_OMP_LIMIT = "OMP_THREAD_LIMIT"

_SENTENCE_END = ('.', '!', '?', '"', '”', '’', ':', ';')


class OcrError(Exception):
    """A cutting could not be read; the message says what to do, in Indonesian."""


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float  # 0-100
    page: int  # 1-based
    block: int
    paragraph: int
    line: int
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class OcrResult:
    """The text of a cutting: paragraphs separated by ``\\n``, as the sheet prints them."""

    text: str
    confidence: float  # mean word confidence, weighted by word length; 0 when nothing read
    words: tuple[OcrWord, ...]
    lines: tuple[str, ...] = ()
    pages: int = 1
    rotation: int = 0  # degrees the first page was turned before reading

    @property
    def low_confidence(self) -> bool:
        """True when the desk must check the text against the scan."""
        return not self.text or self.confidence < LOW_CONFIDENCE

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p]


# --------------------------------------------------------------------------- set-up


def _pytesseract():
    try:
        import pytesseract
    except ImportError:  # pragma: no cover - a dependency of the package
        raise OcrError("pustaka Python pytesseract belum terpasang (pip install pytesseract)") from None
    return pytesseract


def check_tesseract(lang: str = LANG) -> None:
    """Fail early, naming the Debian package, when Tesseract or a language is missing.

    Without this check Tesseract's own message ("Failed loading language 'ind'") comes
    only after the image was prepared, and says nothing about how to fix it.
    """
    pytesseract = _pytesseract()
    try:
        available = set(pytesseract.get_languages())
    except pytesseract.TesseractNotFoundError:
        raise OcrError(
            f"program Tesseract OCR tidak ditemukan ({pytesseract.pytesseract.tesseract_cmd}); "
            "pasang paket Debian tesseract-ocr dan tesseract-ocr-ind: "
            "apt-get install tesseract-ocr tesseract-ocr-ind"
        ) from None
    missing = [code for code in lang.split("+") if code and code not in available]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise OcrError(
            f"data bahasa Tesseract {', '.join(missing)} belum terpasang "
            f"(tersedia: {', '.join(sorted(available)) or 'tidak ada'}); "
            f"pasang paket Debian {packages}: apt-get install {packages}"
        )


# --------------------------------------------------------------------------- input


def is_pdf(path: str | Path) -> bool:
    """By content, not by name: phones and e-paper sites name files carelessly.

    The header may follow up to 1024 bytes of other data (PDF 1.7, annex H.3 note 13).
    """
    try:
        with open(path, "rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


def load_image(path: str | Path) -> Image.Image:
    """Open and fully decode an image, so a truncated file fails here and not mid-OCR."""
    path = Path(path)
    if not path.is_file():
        raise OcrError(f"{path}: berkas gambar tidak ditemukan")
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, which would
    # quietly OCR half a scan; a cut-short upload must be refused here instead.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image = Image.open(path)
        image.load()
    except UnidentifiedImageError:
        raise OcrError(
            f"{path}: bukan berkas gambar yang dikenali (gunakan PNG, JPEG, TIFF atau PDF)"
        ) from None
    except Image.DecompressionBombError:
        raise OcrError(f"{path}: gambar terlalu besar untuk dibaca (lebih dari {Image.MAX_IMAGE_PIXELS} piksel)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise OcrError(f"{path}: gambar rusak atau terpotong, tidak dapat dibaca ({exc})") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return ImageOps.exif_transpose(image)


def rasterise_pdf(path: str | Path, directory: str | Path, *, dpi: int = DPI) -> list[Path]:
    """Render each page of a PDF to a greyscale PNG in ``directory``, in page order."""
    path = Path(path)
    if not path.is_file():
        raise OcrError(f"{path}: berkas PDF tidak ditemukan")
    if shutil.which("pdftoppm") is None:
        raise OcrError("program pdftoppm tidak ditemukan; pasang paket Debian poppler-utils")
    prefix = Path(directory) / "halaman"
    try:
        done = subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), str(prefix)],
            capture_output=True, text=True, timeout=_PAGE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"{path}: PDF terlalu lama dirender (lebih dari {_PAGE_TIMEOUT_S} detik)") from None
    pages = sorted(Path(directory).glob("halaman-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if done.returncode != 0 or not pages:
        detail = " ".join(done.stderr.split())[-300:] or f"kode keluar {done.returncode}"
        raise OcrError(f"{path}: PDF rusak, terkunci kata sandi, atau tanpa halaman ({detail})")
    return pages


# --------------------------------------------------------------------------- OCR


def ocr_image(path: str | Path, *, lang: str = LANG) -> OcrResult:
    """OCR one image file (PNG, JPEG, TIFF...)."""
    check_tesseract(lang)
    return ocr_page(load_image(path), lang=lang)


def ocr_pdf(path: str | Path, *, lang: str = LANG, dpi: int = DPI) -> OcrResult:
    """OCR every page of a PDF, each rasterised at ``dpi``.

    E-paper PDFs often carry only page images; when they do have a text layer it is
    frequently in reading order of the layout program rather than of the columns, so
    every page is read from its pixels the same way as a scan.
    """
    check_tesseract(lang)
    with tempfile.TemporaryDirectory(prefix="kliping-ocr-") as tmp:
        pages = rasterise_pdf(path, tmp, dpi=dpi)
        results = [ocr_page(load_image(page), lang=lang, page=n) for n, page in enumerate(pages, 1)]
    return combine(results)


def ocr_page(image: Image.Image, *, lang: str = LANG, page: int = 1) -> OcrResult:
    """OCR an image already in memory; a sideways or upside-down page is turned first.

    Call :func:`check_tesseract` once before a batch of pages.
    """
    prepared = _prepare(image)
    result = _read(prepared, lang=lang, page=page)
    if result.low_confidence:
        rotation = _orientation(prepared)
        if rotation:
            # PIL turns counter-clockwise; Tesseract reports the clockwise turn needed.
            turned = _read(prepared.rotate(-rotation, expand=True, fillcolor=255), lang=lang, page=page)
            logger.info("halaman %s diputar %s derajat sebelum dibaca", page, rotation)
            if _score(turned) > _score(result):
                result = OcrResult(turned.text, turned.confidence, turned.words, turned.lines,
                                   rotation=rotation)
    return result


def combine(results: Sequence[OcrResult]) -> OcrResult:
    """One result for a multi-page cutting: pages in order, confidence over all words."""
    if not results:
        return OcrResult("", 0.0, (), (), pages=0)
    words = tuple(w for r in results for w in r.words)
    return OcrResult(
        text="\n".join(r.text for r in results if r.text),
        confidence=_mean_confidence(words),
        words=words,
        lines=tuple(line for r in results for line in r.lines),
        pages=len(results),
        rotation=results[0].rotation,
    )


def _prepare(image: Image.Image) -> Image.Image:
    """Greyscale with the contrast stretched: faded newsprint and grey phone photos read
    far better once the paper is white and the ink black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    grey = image.convert("L")
    return ImageOps.autocontrast(grey, cutoff=1)


@contextmanager
def _tesseract_env():
    """One OpenMP thread for the Tesseract processes started inside, and only for them:
    pytesseract passes the environment on but has no parameter for it, and leaving the
    limit set would also slow scikit-learn in the same process."""
    if _OMP_LIMIT in os.environ:
        yield
        return
    os.environ[_OMP_LIMIT] = "1"
    try:
        yield
    finally:
        os.environ.pop(_OMP_LIMIT, None)


def _read(image: Image.Image, *, lang: str, page: int) -> OcrResult:
    pytesseract = _pytesseract()
    try:
        with _tesseract_env():
            data = pytesseract.image_to_data(
                image, lang=lang, config="--psm 3", output_type=pytesseract.Output.DICT,
                timeout=_PAGE_TIMEOUT_S,
            )
    except pytesseract.TesseractNotFoundError:
        raise OcrError("program Tesseract OCR tidak ditemukan; pasang paket Debian tesseract-ocr") from None
    except RuntimeError as exc:  # pytesseract signals its timeout this way
        raise OcrError(f"halaman {page}: Tesseract tidak selesai dalam {_PAGE_TIMEOUT_S} detik ({exc})") from None
    except pytesseract.TesseractError as exc:
        raise OcrError(f"halaman {page}: Tesseract gagal membaca gambar: {exc.message or exc}") from None
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        confidence = float(data["conf"][i])
        if not text or confidence < _MIN_WORD_CONFIDENCE:
            continue
        words.append(
            OcrWord(
                text=text, confidence=confidence, page=page,
                block=int(data["block_num"][i]), paragraph=int(data["par_num"][i]),
                line=int(data["line_num"][i]), left=int(data["left"][i]), top=int(data["top"][i]),
                width=int(data["width"][i]), height=int(data["height"][i]),
            )
        )
    lines, paragraphs = _layout(words)
    return OcrResult(
        text="\n".join(paragraphs),
        confidence=_mean_confidence(words),
        words=tuple(words),
        lines=tuple(lines),
    )


def _orientation(image: Image.Image) -> int:
    """Clockwise degrees (0, 90, 180, 270) that would put the text upright; 0 if unsure."""
    pytesseract = _pytesseract()
    try:
        with _tesseract_env():
            osd = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT,
                                           timeout=_PAGE_TIMEOUT_S)
    except (pytesseract.TesseractError, RuntimeError) as exc:
        # "Too few characters" on a nearly empty image: nothing to turn.
        logger.debug("deteksi orientasi gagal: %s", exc)
        return 0
    rotation = int(osd.get("rotate", 0)) % 360
    if float(osd.get("orientation_conf", 0.0)) < _OSD_MIN_CONFIDENCE:
        return 0
    return rotation


def _score(result: OcrResult) -> float:
    """Confidence times words: a turn that reads more words surely is the better one."""
    return result.confidence * len(result.words)


def _mean_confidence(words: Iterable[OcrWord]) -> float:
    total = weight = 0.0
    for word in words:
        total += word.confidence * len(word.text)
        weight += len(word.text)
    return round(total / weight, 1) if weight else 0.0


# --------------------------------------------------------------------------- layout


def _layout(words: Sequence[OcrWord]) -> tuple[list[str], list[str]]:
    """Lines and paragraphs, in reading order.

    Tesseract's own order (block, paragraph, line) is right for most cuttings. It goes
    wrong on short columns, which it reads straight across the gutter, and on loose
    justified lines, whose wide spaces it takes for a column break. When the word boxes
    show column gutters and Tesseract's order does not go down one column after the
    other, the text is rebuilt from the boxes, column by column.
    """
    grouped: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        grouped.setdefault((word.block, word.paragraph, word.line), []).append(word)
    height = _median_height(words)
    gutters = _gutters(words, height)
    if gutters and not _follows_columns(list(grouped.values()), gutters, height):
        lines, paragraphs = _by_columns(list(grouped.values()), gutters, height)
        return lines, _merge_broken_paragraphs([p for p in paragraphs if p])
    lines = []
    by_paragraph: dict[tuple[int, int], list[str]] = {}
    for (block, paragraph, _line), line_words in grouped.items():
        text = " ".join(w.text for w in line_words)
        lines.append(text)
        by_paragraph.setdefault((block, paragraph), []).append(text)
    paragraphs = [_join_lines(texts) for texts in by_paragraph.values()]
    return lines, _merge_broken_paragraphs([p for p in paragraphs if p])


def _median_height(words: Iterable[OcrWord]) -> int:
    heights = sorted(w.height for w in words)
    return heights[len(heights) // 2] if heights else 0


def _is_body(word: OcrWord, height: int) -> bool:
    """Body type rather than a headline, which may run across the columns."""
    return word.height <= height * _BODY_HEIGHT_FACTOR


def _gutters(words: Sequence[OcrWord], height: int) -> list[float]:
    """x-centres of the vertical bands that no word of body type touches.

    Wide spaces of justified lines sit at a different place on every line, so only a
    real gutter stays empty from the top of the columns to their bottom.
    """
    spans = sorted((w.left, w.left + w.width) for w in words if _is_body(w, height))
    if len(spans) < _GUTTER_MIN_WORDS:
        return []
    gutters = []
    reach = spans[0][1]
    for left, right in spans[1:]:
        if left - reach > height * _GUTTER_FACTOR:
            gutters.append((reach + left) / 2)
        reach = max(reach, right)
    return gutters


def _column(word: OcrWord, gutters: list[float]) -> int:
    return sum(1 for g in gutters if g < word.left)


def _follows_columns(lines: list[list[OcrWord]], gutters: list[float], height: int) -> bool:
    """True when Tesseract's lines go down each column in turn, never across one."""
    previous = (-1, -1)
    for line in lines:
        body = [w for w in line if _is_body(w, height)]
        if not body:
            continue
        columns = {_column(w, gutters) for w in body}
        if len(columns) > 1:
            return False
        position = (columns.pop(), min(w.top for w in body))
        if position[0] < previous[0] or (
            position[0] == previous[0] and position[1] < previous[1] - height / 2
        ):
            return False
        previous = position
    return True


def _by_columns(
    lines: list[list[OcrWord]], gutters: list[float], height: int
) -> tuple[list[str], list[str]]:
    """Rebuild the text column by column from the word boxes.

    A headline set in larger type stays whole, where it stands; body words are put in
    their column, gathered into lines by height on the page and read left to right. A
    blank line, a new column, or the change from headline to body starts a paragraph.
    """
    pieces: list[tuple[int, int, bool, list[OcrWord]]] = []  # column, top, headline, words
    for line in lines:
        if not any(_is_body(w, height) for w in line):
            pieces.append((_column(line[0], gutters), min(w.top for w in line), True, line))
            continue
        for column in sorted({_column(w, gutters) for w in line}):
            part = [w for w in line if _column(w, gutters) == column]
            pieces.append((column, min(w.top for w in part), False, part))
    pieces.sort(key=lambda piece: (piece[0], piece[1]))
    # Pieces of one column at the same height are one printed line.
    rows: list[tuple[int, int, bool, list[OcrWord]]] = []
    for column, top, headline, part in pieces:
        if rows and rows[-1][0] == column and rows[-1][2] == headline and abs(top - rows[-1][1]) < height / 2:
            rows[-1][3].extend(part)
        else:
            rows.append((column, top, headline, list(part)))
    texts: list[str] = []
    paragraphs: list[str] = []
    current: list[str] = []
    previous: tuple[int, int, bool] | None = None  # column, bottom, headline
    for column, top, headline, part in rows:
        text = " ".join(w.text for w in sorted(part, key=lambda w: w.left))
        if current and previous and (
            headline != previous[2] or column != previous[0] or top - previous[1] > height * _BLANK_LINE_FACTOR
        ):
            # A sentence running on into the next column is glued back afterwards.
            paragraphs.append(_join_lines(current))
            current = []
        current.append(text)
        texts.append(text)
        previous = (column, max(w.top + w.height for w in part), headline)
    if current:
        paragraphs.append(_join_lines(current))
    return texts, paragraphs


def _join_lines(lines: Sequence[str]) -> str:
    text = ""
    for line in lines:
        text = _join(text, line) if text else line
    return text


def _join(left: str, right: str) -> str:
    """Join two pieces of running text, undoing a line-end hyphenation.

    ``pemerin-`` + ``tah`` is one word split by the typesetter; ``anak-`` + ``anak``
    and ``berkali-`` + ``kali`` are Indonesian reduplications whose hyphen belongs to
    the word, and ``non-`` + ``Muslim`` keeps its hyphen before a capital.
    """
    if not left.endswith("-") or len(left) < 2 or not left[-2].isalpha():
        return f"{left} {right}"
    head = left[:-1]
    first = right.split(" ", 1)[0]
    if not first[:1].islower():
        return head + "-" + right
    stem = "".join(ch for ch in first.split("-", 1)[0] if ch.isalpha())
    fragment = head.rsplit(" ", 1)[-1]
    if stem and len(stem) >= 2 and fragment.lower().endswith(stem.lower()):
        return head + "-" + right  # reduplication: anak-anak, berkali-kali
    return head + right


def _merge_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """A paragraph that runs on into the next column arrives as two; glue them back.

    The sign is a piece that stops without closing punctuation followed by one that
    starts in lower case, which a new paragraph never does.
    """
    merged: list[str] = []
    for paragraph in paragraphs:
        if merged and not merged[-1].endswith(_SENTENCE_END) and paragraph[:1].islower():
            merged[-1] = _join(merged[-1], paragraph)
        else:
            merged.append(paragraph)
    return merged
