"""Print and e-paper clips: a scanned cutting becomes an article like any crawled story.

The desk scans or photographs a cutting (or saves a page of the paper's e-paper PDF),
Tesseract reads its text, and the clip is stored in ``articles`` with ``kind = 'cetak'``
so the classifier, the sheet and the digest treat it like an online story. The scan is
the record: it is archived under its SHA-256 (the same scan twice is stored once), and
the OCR text is only a reading of it, which the desk may correct.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image
from sqlite_utils import Database

from clippings.audit import record, utc_now
from clippings.files import write_atomic
from clippings.ocr import (
    DPI,
    LANG,
    OcrError,
    OcrResult,
    check_tesseract,
    combine,
    is_pdf,
    load_image,
    ocr_page,
    rasterise_pdf,
)

logger = logging.getLogger(__name__)

__all__ = [
    "KIND_PRINT",
    "ClipError",
    "add_print_clip",
    "clip_for_scan",
    "correct_clip_text",
    "print_clip_url",
    "scan_sha256",
]

KIND_PRINT = "cetak"
_KEPT_AS_IS = {"PNG": ".png", "JPEG": ".jpg"}  # what a sheet can show without converting
_SCAN_DPI = 150  # of the picture kept for a PDF page: sharp on paper, a fraction of 300 dpi's size
_TITLE_MAX = 200  # a first paragraph longer than this is body text, not a headline
_HASH_PREFIX = 12


class ClipError(ValueError):
    """A clip that cannot be stored or corrected, with the reason for the desk."""


def scan_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def clip_for_scan(db: Database, path: str | Path) -> dict[str, Any] | None:
    """The article already made from exactly this file, if any."""
    return _by_hash(db, scan_sha256(path))


def print_clip_url(publisher: str, day: date, page: str | None, sha256: str) -> str:
    """A stable identifier in place of a URL: ``cetak://<publisher>/<date>/<page>/<sha-prefix>``."""
    slug = re.sub(r"[^a-z0-9]+", "-", publisher.casefold()).strip("-") or "media"
    page_part = re.sub(r"[^A-Za-z0-9]+", "-", page or "").strip("-") or "-"
    return f"cetak://{slug}/{day.isoformat()}/{page_part}/{sha256[:_HASH_PREFIX]}"


def add_print_clip(
    db: Database,
    *,
    image_path: str | Path,
    publisher: str,
    day: date,
    page: str | int | None = None,
    title: str | None = None,
    rubric: str | None = None,
    region: str | None = None,
    archive_dir: str | Path,
    lang: str = LANG,
    by: str = "kliping",
) -> dict[str, Any]:
    """Archive a cutting (image or PDF), OCR it and store it; return its ``articles`` row.

    The same file added again returns the row it made the first time and changes
    nothing. A file that cannot be read raises :class:`ClipError` before anything is
    written. ``region`` (an id) links the clip to that region's source of the same
    publisher when the desk has registered one.
    """
    image_path = Path(image_path)
    publisher = (publisher or "").strip()
    if not publisher:
        raise ClipError("nama media (penerbit) wajib diisi")
    if not isinstance(day, date):
        raise ClipError(f"tanggal terbit harus berupa tanggal, bukan {day!r}")
    if not image_path.is_file():
        raise ClipError(f"{image_path}: berkas tidak ditemukan")
    page_text = str(page).strip() if page is not None and str(page).strip() else None
    sha256 = scan_sha256(image_path)
    existing = _by_hash(db, sha256)
    if existing is not None:
        logger.info("%s sudah tersimpan sebagai artikel %s", image_path, existing["id"])
        return existing

    try:
        check_tesseract(lang)
        ocr, scan_bytes, scan_ext, original_ext = _read_cutting(image_path, lang=lang)
    except OcrError as exc:
        raise ClipError(str(exc)) from None

    title = (title or "").strip() or _headline(ocr)
    body = _body_without_headline(ocr, title)
    if not title:
        raise ClipError(
            f"{image_path}: tidak ada teks yang terbaca dan judul tidak diisi; periksa gambar "
            "atau isi judul dengan --title lalu ketik teksnya dengan 'kliping clip text'"
        )
    if ocr.low_confidence:
        logger.warning("%s: keyakinan OCR rendah (%.1f%%); teks perlu diperiksa", image_path, ocr.confidence)

    archive = Path(archive_dir).resolve() / sha256[:2]
    scan_path = archive / f"{sha256}{scan_ext}"
    # A PDF or a TIFF is kept too, beside the picture the sheet shows.
    raw_path = archive / f"{sha256}{original_ext}" if original_ext else scan_path
    now = utc_now()
    row = {
        "url": None,
        "canonical_url": print_clip_url(publisher, day, page_text, sha256),
        "title": title,
        "body": body,
        "published": day.isoformat(),
        "publisher": publisher,
        "rubric": (rubric or "").strip() or None,
        "language": "id",
        # The scan, not the text, identifies a print clip: the text is a reading that the
        # desk may correct, and the same story printed and online must not collide.
        "content_hash": sha256,
        "raw_path": str(raw_path),
        "source_id": _source_id(db, region, publisher),
        "fetched_at": now,
        "kind": KIND_PRINT,
        "scan_path": str(scan_path),
        "print_page": page_text,
        "ocr_confidence": ocr.confidence,
    }
    written: list[Path] = []
    try:
        with db.atomic():
            if _by_hash(db, sha256) is not None:  # another process stored it meanwhile
                raise _AlreadyStored
            article_id = db["articles"].insert(row).last_pk
            record(db, by, "clip.add", "article", article_id, {
                "file": str(image_path), "sha256": sha256, "publisher": publisher,
                "published": day.isoformat(), "page": page_text, "pages": ocr.pages,
                "ocr_confidence": ocr.confidence, "rotation": ocr.rotation,
            })
            # Files last, inside the transaction: a failed write rolls the row back.
            if _store(scan_path, scan_bytes):
                written.append(scan_path)
            if raw_path != scan_path and _store(raw_path, image_path.read_bytes()):
                written.append(raw_path)
    except _AlreadyStored:
        return _by_hash(db, sha256)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    logger.info("kliping cetak %s disimpan sebagai artikel %s (OCR %.1f%%)", image_path, article_id, ocr.confidence)
    return db["articles"].get(article_id)


def correct_clip_text(
    db: Database, article_id: int, text: str, *, by: str, title: str | None = None
) -> dict[str, Any]:
    """Replace the OCR text of a print clip with the desk's reading of the scan.

    The text it replaces goes into the audit log, so an OCR reading is never lost, and
    the row keeps its OCR confidence as a record of how the text first came in.
    """
    by = (by or "").strip()
    if not by:
        raise ClipError("nama pengoreksi wajib diisi")
    body = _clean_text(text)
    if not body:
        raise ClipError("teks pengganti kosong")
    new_title = (title or "").strip() or None
    with db.atomic():
        rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        if not rows:
            raise ClipError(f"artikel {article_id} tidak ada")
        article = rows[0]
        if article.get("kind") != KIND_PRINT:
            raise ClipError(
                f"artikel {article_id} adalah berita {article.get('kind') or 'online'}, bukan kliping cetak; "
                "hanya teks hasil OCR yang dapat dikoreksi"
            )
        changes = {"body": body}
        if new_title:
            changes["title"] = new_title
        if all(article[k] == v for k, v in changes.items()):
            return article
        db["articles"].update(article_id, changes)
        record(db, by, "clip.correct", "article", article_id, {
            "previous_body": article["body"],
            "previous_title": article["title"] if new_title else None,
            "ocr_confidence": article.get("ocr_confidence"),
        })
    return db["articles"].get(article_id)


# --------------------------------------------------------------------------- helpers


class _AlreadyStored(Exception):
    pass


def _read_cutting(path: Path, *, lang: str) -> tuple[OcrResult, bytes, str, str | None]:
    """OCR text, the picture to keep (bytes, extension) and the original's extension
    when the picture is not the original file.

    A PNG or JPEG is kept byte for byte. Another image format is kept as PNG, and a PDF
    as one PNG of its pages stacked, because the sheet shows the scan as a picture.
    """
    if is_pdf(path):
        with tempfile.TemporaryDirectory(prefix="kliping-clip-") as tmp:
            images = [load_image(p) for p in rasterise_pdf(path, tmp, dpi=DPI)]
            result = combine([ocr_page(im, lang=lang, page=n) for n, im in enumerate(images, 1)])
            return result, _png(_stack(images, scale=_SCAN_DPI / DPI)), ".png", ".pdf"
    image = load_image(path)
    result = ocr_page(image, lang=lang)
    with Image.open(path) as probe:
        fmt = probe.format or ""
    if fmt in _KEPT_AS_IS:
        return result, path.read_bytes(), _KEPT_AS_IS[fmt], None
    return result, _png(image), ".png", "." + (fmt.lower() or "img")


def _stack(images: list[Image.Image], *, scale: float) -> Image.Image:
    resized = [
        im.convert("L").resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))),
                               Image.Resampling.LANCZOS)
        for im in images
    ]
    canvas = Image.new("L", (max(im.width for im in resized), sum(im.height for im in resized)), 255)
    y = 0
    for im in resized:
        canvas.paste(im, (0, y))
        y += im.height
    return canvas


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    mode = image.mode if image.mode in ("1", "L", "RGB", "RGBA") else "RGB"
    image.convert(mode).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _store(path: Path, data: bytes) -> bool:
    """Write a content-addressed file once; ``True`` when this call created it."""
    if path.exists():
        return False
    write_atomic(path, data)
    return True


def _headline(ocr: OcrResult) -> str:
    """The headline of a cutting: its first paragraph when short (headlines often run
    over two lines), else its first line."""
    paragraphs = ocr.paragraphs
    if paragraphs and len(paragraphs[0]) <= _TITLE_MAX:
        return paragraphs[0]
    return ocr.lines[0].strip() if ocr.lines else ""


def _body_without_headline(ocr: OcrResult, title: str) -> str:
    """The OCR text less its first paragraph when that paragraph is the headline, so
    the headline is not printed twice; any other first paragraph stays."""
    paragraphs = ocr.paragraphs
    if paragraphs and " ".join(paragraphs[0].split()).casefold() == " ".join(title.split()).casefold():
        paragraphs = paragraphs[1:]
    return "\n".join(paragraphs)


def _clean_text(text: str) -> str:
    """Paragraphs one per line, as the sheet prints them; blank lines dropped."""
    lines = (" ".join(line.split()) for line in (text or "").replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _by_hash(db: Database, sha256: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM articles WHERE content_hash = ?", [sha256]))
    return rows[0] if rows else None


def _source_id(db: Database, region: str | None, publisher: str) -> int | None:
    if not region or "sources" not in db.table_names():
        return None
    rows = list(db.query(
        "SELECT id FROM sources WHERE region = ? AND lower(name) = lower(?) ORDER BY id LIMIT 1",
        [region, publisher],
    ))
    return rows[0]["id"] if rows else None
