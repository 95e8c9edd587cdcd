"""The daily clipping sheet: what goes on it, how it is printed, and how it is archived.

The sheet is the desk's official product, modelled on the signed memo a Diskominfo
sends every morning: one page per clipping with the table
``Instansi | Nilai Berita | Sifat | Tindak Lanjut`` and the head's signature block,
plus a cover page listing the day's items. Once signed it is a record: it is never
rewritten; a correction becomes a new version that points to the one it replaces.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from sqlite_utils import Database

from classify.labels import NILAI, SIFAT
from clippings.formatting import as_date, register_filters
from clippings.regions import Region
from clippings.signing import (
    SigningError,
    file_sha256,
    p12_trust_roots,
    sign_pdf,
    verify_pdf,
)

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SHEET_TEMPLATE = "sheet.html.j2"

BASE_URL_SETTING = "KLIPING_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:5000"

# The head reads the sheet top-down: what must be handled today first, bad news before
# good news within the same urgency.
SIFAT_ORDER = {"segera": 0, "penting": 1, "biasa": 2}
NILAI_ORDER = {"negatif": 0, "positif": 1, "netral": 2}
UNASSIGNED_OFFICE = "Belum ditentukan"

SIGN_REASON = "Pengesahan lembar kliping berita harian"


class SheetError(Exception):
    """A sheet could not be published; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Signatory:
    title: str
    name: str
    nip: str
    place: str
    office: str


@dataclass(frozen=True)
class OfficeRow:
    """One numbered row of the memo table: an office and what it should do."""

    key: str
    name: str
    nilai: str
    sifat: str
    tindak_lanjut: str


@dataclass(frozen=True)
class SheetItem:
    article_id: int
    label_id: int
    label_origin: str
    rubric: str
    title: str
    caption: str
    paragraphs: tuple[str, ...]
    publisher: str
    published: date | None
    url: str
    nilai: str
    sifat: str
    tindak_lanjut: str
    offices: tuple[OfficeRow, ...]


@dataclass(frozen=True)
class SheetData:
    region_id: str
    region_name: str
    government: str
    office: str
    signer: Signatory
    day: date
    window_days: int
    items: tuple[SheetItem, ...] = ()
    sheet_id: int | None = None
    version: int | None = None

    @property
    def period_start(self) -> date:
        return self.day - timedelta(days=self.window_days)

    def nilai_counts(self) -> dict[str, int]:
        counts = Counter(item.nilai for item in self.items)
        return {n: counts[n] for n in (*NILAI, *sorted(set(counts) - set(NILAI))) if counts[n]}

    def fingerprint(self) -> list[tuple[int, int]]:
        """What identifies the content: which articles, under which label decision."""
        return [(item.article_id, item.label_id) for item in self.items]


# --------------------------------------------------------------------------- compose

_ITEMS_SQL = """
WITH effective AS (
    SELECT l.*,
           ROW_NUMBER() OVER (
               PARTITION BY l.article_id
               ORDER BY CASE l.origin WHEN 'desk' THEN 0 ELSE 1 END, l.id DESC
           ) AS rank
    FROM labels l
    WHERE l.region = :region AND l.origin IN ('desk', 'model')
)
SELECT a.id AS article_id, a.title, a.body, a.published, a.fetched_at, a.publisher,
       a.rubric, a.caption, a.url, a.canonical_url,
       e.id AS label_id, e.origin, e.urusan, e.instansi, e.nilai, e.sifat, e.tindak_lanjut
FROM articles a
JOIN effective e ON e.article_id = a.id AND e.rank = 1
WHERE e.relevant = 1
  AND CASE WHEN coalesce(a.published, '') != ''
           THEN substr(a.published, 1, 10)
           ELSE substr(a.fetched_at, 1, 10) END BETWEEN :start AND :day
  AND a.id NOT IN (
      SELECT si.article_id FROM sheet_items si JOIN sheets s ON s.id = si.sheet_id
      WHERE s.region = :region AND s.status = 'signed' AND s.date < :day
  )
"""


def compose_sheet(db: Database, region: Region, day: date, *, window_days: int = 1) -> SheetData:
    """Collect the relevant clippings of ``[day - window_days, day]`` for one region.

    The desk's label replaces the model's whenever the desk has spoken. Articles already
    on a signed sheet of an earlier day are left out, so overlapping windows do not send
    the same story to an office twice.
    """
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    start = day - timedelta(days=window_days)
    rows = db.execute(
        _ITEMS_SQL, {"region": region.id, "start": start.isoformat(), "day": day.isoformat()}
    ).fetchall()
    columns = [
        "article_id", "title", "body", "published", "fetched_at", "publisher", "rubric",
        "caption", "url", "canonical_url", "label_id", "origin", "urusan", "instansi",
        "nilai", "sifat", "tindak_lanjut",
    ]
    items = []
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        items.append(_item(row, region))
    items.sort(key=_order_key)
    signer = region.signer
    return SheetData(
        region_id=region.id,
        region_name=region.name,
        government=region.government,
        office=signer.office,
        signer=Signatory(signer.title, signer.name, signer.nip, signer.place, signer.office),
        day=day,
        window_days=window_days,
        items=tuple(items),
    )


def _order_key(item: SheetItem) -> tuple:
    newest_first = -(item.published.toordinal() if item.published else 0)
    return (
        SIFAT_ORDER.get(item.sifat, len(SIFAT_ORDER)),
        NILAI_ORDER.get(item.nilai, len(NILAI_ORDER)),
        newest_first,
        item.article_id,
    )


def _json_list(raw: str | None, *, what: str, article_id: int) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        logger.warning("artikel %s: kolom %s bukan JSON yang sah: %r", article_id, what, raw)
        return []
    if not isinstance(value, list):
        logger.warning("artikel %s: kolom %s harus berupa daftar: %r", article_id, what, raw)
        return []
    return [str(v) for v in value if v]


def _item(row: dict[str, Any], region: Region) -> SheetItem:
    article_id = row["article_id"]
    for name, allowed in (("nilai", NILAI), ("sifat", SIFAT)):
        if row[name] not in allowed:
            logger.warning("artikel %s: nilai label %s tidak dikenal: %r", article_id, name, row[name])
    try:
        published = as_date(row["published"])
    except ValueError:
        logger.warning("artikel %s: tanggal terbit tidak terbaca: %r", article_id, row["published"])
        published = None
    keys = _json_list(row["instansi"], what="instansi", article_id=article_id)
    if not keys:
        # No office picked: send it to whoever serves the story's urusan.
        for urusan in _json_list(row["urusan"], what="urusan", article_id=article_id):
            keys.extend(o.key for o in region.offices_for_urusan(urusan) if o.key not in keys)
    offices = []
    for key in dict.fromkeys(keys):
        office = region.offices_by_key.get(key)
        if office is None:
            logger.warning(
                "artikel %s: kantor %r tidak ada di berkas wilayah %s; kunci dicetak apa adanya",
                article_id, key, region.id,
            )
        offices.append(
            OfficeRow(key, office.name if office else key, row["nilai"] or "", row["sifat"] or "",
                      row["tindak_lanjut"] or "")
        )
    if not offices:
        logger.warning("artikel %s: belum ada instansi tujuan", article_id)
        offices.append(OfficeRow("", UNASSIGNED_OFFICE, row["nilai"] or "", row["sifat"] or "",
                                 row["tindak_lanjut"] or ""))
    paragraphs = tuple(p.strip() for p in (row["body"] or "").split("\n") if p.strip())
    return SheetItem(
        article_id=article_id,
        label_id=row["label_id"],
        label_origin=row["origin"],
        rubric=(row["rubric"] or "").strip(),
        title=(row["title"] or "").strip(),
        caption=(row["caption"] or "").strip(),
        paragraphs=paragraphs,
        publisher=(row["publisher"] or "").strip(),
        published=published,
        url=row["canonical_url"] or row["url"] or "",
        nilai=row["nilai"] or "",
        sifat=row["sifat"] or "",
        tindak_lanjut=row["tindak_lanjut"] or "",
        offices=tuple(offices),
    )


# --------------------------------------------------------------------------- render


def base_url() -> str:
    """Where the web app answers ``/verifikasi/<id>`` (setting ``KLIPING_BASE_URL``)."""
    return os.environ.get(BASE_URL_SETTING, DEFAULT_BASE_URL).rstrip("/")


def verification_url(sheet_id: int, *, base: str | None = None) -> str:
    return f"{(base or base_url()).rstrip('/')}/verifikasi/{sheet_id}"


@lru_cache(maxsize=32)
def template_environment(region_id: str | None = None, templates_root: Path = TEMPLATES_DIR) -> Environment:
    """Jinja environment where ``templates/regions/<region-id>/`` overrides the defaults.

    A region template may ``{% extends "default:sheet.html.j2" %}`` and replace only
    the blocks it needs (``kop``, ``footer``...), so stock improvements still reach it.
    """
    default = FileSystemLoader(str(templates_root))
    loaders = []
    if region_id:
        loaders.append(FileSystemLoader(str(templates_root / "regions" / region_id)))
    loaders += [default, PrefixLoader({"default": default}, delimiter=":")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    register_filters(env)
    return env


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG data URI.

    PNG rather than SVG: WeasyPrint embeds one image and reuses it on every page,
    where an SVG is redrawn as vector paths per page (slower, bigger file). At scale 8
    a 20 mm code prints at about 300 dpi.
    """
    return segno.make(url, error="m").png_data_uri(border=0, scale=8)


def render_html(
    sheet: SheetData, *, base: str | None = None, templates_root: Path = TEMPLATES_DIR
) -> str:
    """The sheet as one self-contained HTML document (styles and QR code inline)."""
    env = template_environment(sheet.region_id, templates_root)
    verify_url = verification_url(sheet.sheet_id, base=base) if sheet.sheet_id is not None else None
    return env.get_template(SHEET_TEMPLATE).render(
        sheet=sheet,
        verify_url=verify_url,
        qr=qr_data_uri(verify_url) if verify_url else None,
    )


def render_pdf(html: str, out_path: str | Path, *, base: Path = TEMPLATES_DIR) -> Path:
    """Print the HTML to an A4 PDF, written atomically.

    Only ``data:`` and ``file:`` resources are loaded: a sheet never reaches the
    network, whatever URL ends up in an article or a region template.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        HTML(string=html, base_url=str(base) + "/", url_fetcher=fetcher).write_pdf(tmp)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_path


# --------------------------------------------------------------------------- publish


def latest_signed_sheet(db: Database, region_id: str, day: date) -> dict[str, Any] | None:
    rows = list(
        db["sheets"].rows_where(
            "region = ? AND date = ? AND status = 'signed'",
            [region_id, day.isoformat()],
            order_by="version DESC",
            limit=1,
        )
    )
    return rows[0] if rows else None


def sheet_fingerprint(db: Database, sheet_id: int) -> list[tuple[int, int]]:
    return [
        (r["article_id"], r["label_id"])
        for r in db["sheet_items"].rows_where("sheet_id = ?", [sheet_id], order_by="position")
    ]


def find_sheet_by_sha256(db: Database, sha256: str) -> dict[str, Any] | None:
    """The archived sheet whose signed PDF has exactly these bytes, if any."""
    rows = list(db["sheets"].rows_where("sha256 = ?", [sha256], limit=1))
    return rows[0] if rows else None


def publish_sheet(
    db: Database,
    region: Region,
    day: date,
    *,
    out_dir: str | Path,
    p12_path: str | Path,
    password: str,
    window_days: int = 1,
    trust_roots: Sequence[str | Path] | None = None,
    base: str | None = None,
) -> dict[str, Any]:
    """Compose, render, sign and archive the day's sheet; return its ``sheets`` row.

    Nothing is recorded unless the signature verifies, and a signed version is never
    replaced: new content makes version N+1 pointing at N; unchanged content returns
    the signed version already archived. ``trust_roots`` defaults to the root
    certificates shipped inside the PKCS#12.

    Rendering a long sheet takes seconds, too long to hold SQLite's write lock while
    the crawler is storing articles. So the sheet is rendered and signed for the next
    free id and version in a staging directory, and one short ``BEGIN IMMEDIATE``
    transaction then checks that the slot is still free, moves the files into place
    and writes the row and its items. If another publisher took the slot meanwhile,
    the work is redone for the next one.
    """
    if db.conn.in_transaction:
        raise SheetError("publish_sheet tidak boleh dipanggil di dalam transaksi yang terbuka")
    if not region.signer.name or not region.signer.place:
        raise SheetError(f"berkas wilayah {region.id}: blok penandatangan (signer) belum lengkap")
    sheet = compose_sheet(db, region, day, window_days=window_days)
    roots = list(trust_roots) if trust_roots else p12_trust_roots(p12_path, password)
    if not roots:
        raise SheetError(
            f"tidak ada sertifikat akar (CA) di {p12_path}; sebutkan sertifikat akar penerbitnya "
            "agar tanda tangan dapat diperiksa sebelum lembar disahkan"
        )
    day_dir = Path(out_dir).resolve() / region.id / day.isoformat()
    for _attempt in range(PUBLISH_ATTEMPTS):
        latest = latest_signed_sheet(db, region.id, day)
        if latest is not None and sheet_fingerprint(db, latest["id"]) == sheet.fingerprint():
            logger.info("lembar %s %s tidak berubah sejak versi %s", region.id, day, latest["version"])
            return latest
        slot = _next_slot(db, region.id, day)
        numbered = replace(sheet, sheet_id=slot[0], version=slot[1])
        day_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".baru-", dir=day_dir))
        try:
            signer = _produce(numbered, region, staging, p12_path=p12_path, password=password,
                              roots=roots, base=base)
            row = _record(db, numbered, staging, day_dir, signer=signer,
                          previous_id=latest["id"] if latest else None, slot=slot)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if row is not None:
            logger.info("lembar %s %s versi %s ditandatangani: %s",
                        region.id, day, row["version"], row["pdf_path"])
            return row
        logger.info("lembar %s %s: nomor %s diambil proses lain, diulang", region.id, day, slot)
    raise SheetError(
        f"lembar {region.id} {day} tidak mendapat nomor versi setelah {PUBLISH_ATTEMPTS} percobaan"
    )


PUBLISH_ATTEMPTS = 3


def _file_stem(sheet: SheetData) -> str:
    return f"kliping-{sheet.region_id}-{sheet.day.isoformat()}-v{sheet.version}"


def _next_slot(db: Database, region_id: str, day: date) -> tuple[int, int]:
    """The id and version the next sheet of this region and day would get."""
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM sheets").fetchone()[0]
    next_version = db.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM sheets WHERE region = ? AND date = ?",
        [region_id, day.isoformat()],
    ).fetchone()[0]
    return next_id, next_version


def _produce(sheet: SheetData, region: Region, directory: Path, *, p12_path, password, roots,
             base: str | None) -> str:
    """Write the HTML and the signed, verified PDF into ``directory``; return the signer."""
    stem = _file_stem(sheet)
    html = render_html(sheet, base=base)
    (directory / f"{stem}.html").write_text(html, encoding="utf-8")
    unsigned = render_pdf(html, directory / f".{stem}.unsigned.pdf")
    pdf_path = directory / f"{stem}.pdf"
    try:
        sign_pdf(
            unsigned, pdf_path, p12_path=p12_path, password=password,
            signer_name=region.signer.name, reason=SIGN_REASON, location=region.signer.place,
        )
    finally:
        unsigned.unlink(missing_ok=True)
    check = verify_pdf(pdf_path, trust_roots=roots)
    if not check.valid:
        raise SheetError(
            "tanda tangan pada lembar yang baru dibuat tidak sah: " + "; ".join(check.problems)
        )
    return check.signer or region.signer.name


def _record(db: Database, sheet: SheetData, staging: Path, day_dir: Path, *, signer: str,
            previous_id: int | None, slot: tuple[int, int]) -> dict[str, Any] | None:
    """Move the signed files into ``v<N>/`` and write the row; ``None`` if the slot is gone."""
    stem = _file_stem(sheet)
    final_dir = day_dir / f"v{sheet.version}"
    pdf_path = final_dir / f"{stem}.pdf"
    sha256 = file_sha256(staging / f"{stem}.pdf")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    moved = False
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        latest = latest_signed_sheet(db, sheet.region_id, sheet.day)
        if _next_slot(db, sheet.region_id, sheet.day) != slot or (
            (latest["id"] if latest else None) != previous_id
        ):
            db.conn.execute("ROLLBACK")
            return None
        _set_aside(final_dir)
        staging.rename(final_dir)
        moved = True
        db["sheets"].insert(
            {
                "id": sheet.sheet_id,
                "region": sheet.region_id,
                "date": sheet.day.isoformat(),
                "version": sheet.version,
                "previous_id": previous_id,
                "status": "signed",
                "html_path": str(final_dir / f"{stem}.html"),
                "pdf_path": str(pdf_path),
                "sha256": sha256,
                "signer": signer,
                "signed_at": now,
                "created_at": now,
            }
        )
        db["sheet_items"].insert_all(
            {"sheet_id": sheet.sheet_id, "position": position, "article_id": item.article_id,
             "label_id": item.label_id}
            for position, item in enumerate(sheet.items, start=1)
        )
        db["audit_log"].insert(
            {
                "at": now,
                "actor": signer,
                "action": "sheet.sign",
                "object_type": "sheet",
                "object_id": str(sheet.sheet_id),
                "detail": json.dumps(
                    {"region": sheet.region_id, "date": sheet.day.isoformat(),
                     "version": sheet.version, "items": len(sheet.items),
                     "previous_id": previous_id, "sha256": sha256},
                ),
            }
        )
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        if moved:
            final_dir.rename(staging)  # the caller removes it
        raise
    return db["sheets"].get(sheet.sheet_id)


def _set_aside(path: Path) -> None:
    """Move away a version directory that no database row knows about.

    Such files come from a database restored from an older backup, or from someone
    copying files by hand; they might be a record, so they are moved, never deleted.
    """
    if path.exists():
        aside = path.with_name(f"{path.name}.yatim-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
        logger.warning("direktori %s tidak tercatat di basis data; dipindahkan ke %s", path, aside)
        path.rename(aside)


__all__ = [
    "SheetData", "SheetError", "SheetItem", "OfficeRow", "Signatory", "SigningError",
    "compose_sheet", "find_sheet_by_sha256", "publish_sheet", "render_html", "render_pdf",
    "template_environment", "verification_url",
]
