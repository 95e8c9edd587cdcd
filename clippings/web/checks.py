"""What the verification page says about a sheet, and about a PDF someone uploads.

Kept apart from the views so the answers ("sah dan sama dengan arsip", "berbeda dengan
arsip"...) are plain data that tests and other front ends can use.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from clippings.ocr import is_pdf
from clippings.regions import RegionError, load_region
from clippings.sheet import find_sheet_by_sha256, latest_signed_sheet
from clippings.signing import DEMO_MARK, TrustedTime, VerifyResult, verify_pdf

logger = logging.getLogger(__name__)

SAH = "sah"
TIDAK_SAH = "tidak-sah"
BERBEDA = "berbeda"
BUKAN_PDF = "bukan-pdf"

HEADLINES = {
    SAH: "Sah dan sama dengan arsip",
    TIDAK_SAH: "Tanda tangan tidak sah",
    BERBEDA: "Tanda tangan sah, tetapi berbeda dengan arsip lembar ini",
    BUKAN_PDF: "Berkas bukan PDF",
}


@dataclass(frozen=True)
class ArchiveStatus:
    """Whether the file the archive serves is still the one that was signed."""

    present: bool
    same_hash: bool = False  # the file's SHA-256 is the one recorded at signing
    valid: bool = False
    demo: bool = False
    timestamp: TrustedTime | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetPage:
    """Everything the public page shows about one archived sheet."""

    row: dict[str, Any]
    region_name: str
    timezone: str | None  # the region's, for showing times; None when its file is unreadable
    day: date
    items: int
    signed_at: datetime | None
    newest: dict[str, Any] | None  # the day's newest signed version, when not this one
    replaces: dict[str, Any] | None  # the version this one corrects

    @property
    def draft(self) -> bool:
        return self.row["status"] != "signed"

    @property
    def corrected(self) -> bool:
        return self.newest is not None and not self.draft


@dataclass
class UploadCheck:
    """The verdict on an uploaded file, with the reasons a reader can act on."""

    verdict: str
    sha256: str | None = None
    signer: str | None = None
    signed_at: datetime | None = None
    demo: bool = False
    same_as_archive: bool = False
    other_sheet: dict[str, Any] | None = None  # the archived sheet this file is, if not ours
    timestamp: TrustedTime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return HEADLINES[self.verdict]


def region_facts(region_id: str, regions_dir: Path) -> tuple[str, str | None]:
    """The region's printed name and time zone; its id and no zone when the file is gone
    or broken (times are then shown in UTC, with their offset)."""
    try:
        region = load_region(region_id, regions_dir)
    except RegionError as exc:
        logger.warning("berkas wilayah %s tidak dapat dibaca: %s", region_id, exc)
        return region_id, None
    return region.name, region.timezone


def _parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        logger.warning("waktu tanda tangan tidak terbaca: %r", value)
        return None


def sheet_page(db: Database, sheet_id: int, *, regions_dir: Path) -> SheetPage | None:
    """The page of sheet ``sheet_id``, or ``None`` when the archive has no such sheet."""
    rows = list(db["sheets"].rows_where("id = ?", [sheet_id], limit=1))
    if not rows:
        return None
    row = rows[0]
    day = date.fromisoformat(row["date"])
    newest = latest_signed_sheet(db, row["region"], day)
    if newest is not None and newest["id"] == row["id"]:
        newest = None
    replaces = None
    if row["previous_id"] is not None:
        replaces = next(iter(db["sheets"].rows_where("id = ?", [row["previous_id"]], limit=1)), None)
    name, timezone = region_facts(row["region"], regions_dir)
    return SheetPage(
        row=row,
        region_name=name,
        timezone=timezone,
        day=day,
        items=db["sheet_items"].count_where("sheet_id = ?", [sheet_id]),
        signed_at=_parse_time(row["signed_at"]),
        newest=newest,
        replaces=replaces,
    )


def archive_status(row: dict[str, Any], trust_roots: Sequence[Path]) -> ArchiveStatus | None:
    """Check the archived PDF of a signed sheet; ``None`` for a draft.

    The result is cached per file state (path, size, modification time), so the page
    stays fast while a file replaced behind the archive's back is checked again.
    """
    if row["status"] != "signed" or not row["pdf_path"]:
        return None
    path = Path(row["pdf_path"])
    try:
        stat = path.stat()
    except OSError:
        logger.warning("lembar no. %s: berkas arsip tidak ditemukan: %s", row["id"], path)
        return ArchiveStatus(present=False, problems=("berkas PDF arsip tidak ditemukan di server",))
    return _archive_status(str(path), row["sha256"], stat.st_size, stat.st_mtime_ns,
                           tuple(str(p) for p in trust_roots))


@lru_cache(maxsize=256)
def _archive_status(path: str, sha256: str, size: int, mtime_ns: int,
                    roots: tuple[str, ...]) -> ArchiveStatus:
    result = verify_pdf(path, trust_roots=roots)
    same = result.sha256 == sha256
    problems = list(result.problems)
    if not same:
        logger.error("berkas arsip %s tidak sama dengan yang ditandatangani (SHA-256 %s, tercatat %s)",
                     path, result.sha256, sha256)
        problems.insert(0, "berkas arsip di server tidak sama dengan yang tercatat saat ditandatangani")
    return ArchiveStatus(present=True, same_hash=same, valid=result.valid and same,
                         demo=result.demo, timestamp=result.timestamp, problems=tuple(problems))


def check_upload(
    db: Database, row: dict[str, Any], path: Path, trust_roots: Sequence[Path]
) -> UploadCheck:
    """Judge an uploaded file against the signature and against sheet ``row``'s archive."""
    size = path.stat().st_size
    if size == 0:
        return UploadCheck(BUKAN_PDF, problems=["berkas kosong (0 bita)"])
    if not is_pdf(path):
        return UploadCheck(BUKAN_PDF, problems=[
            "berkas tidak diawali tanda PDF (%PDF-); unggah berkas PDF lembar kliping, "
            "bukan foto, pindaian atau dokumen lain"])
    result: VerifyResult = verify_pdf(path, trust_roots=trust_roots)
    same = row["status"] == "signed" and result.sha256 == row["sha256"]
    other = None if same else find_sheet_by_sha256(db, result.sha256)
    check = UploadCheck(
        verdict=TIDAK_SAH, sha256=result.sha256, signer=result.signer,
        signed_at=result.signed_at, demo=result.demo, same_as_archive=same,
        other_sheet=other, timestamp=result.timestamp, problems=list(result.problems),
    )
    if result.valid:
        check.verdict = SAH if same else BERBEDA
    if result.demo:
        check.problems.append(f"ditandatangani dengan sertifikat {DEMO_MARK}")
    if not same and row["status"] == "signed" and other is None:
        check.problems.append("SHA-256 berkas ini tidak ada di arsip")
    return check
