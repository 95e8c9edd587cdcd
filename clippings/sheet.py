"""The daily clipping sheet: what goes on it, how it is printed, and how it is archived.

The sheet is the desk's official product, modelled on the signed memo a Diskominfo
sends every morning: one page per clipping with the table
``Instansi | Nilai Berita | Sifat | Tindak Lanjut`` and the head's signature block,
plus a cover page listing the day's items. Once signed it is a record: it is never
rewritten; a correction becomes a new version that points to the one it replaces.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import segno
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from sqlite_utils import Database

from classify.labels import NILAI, SIFAT
from clippings.audit import record, utc_now
from clippings.formatting import as_date, label, register_filters
from clippings.regions import Region
from clippings.sheet_render import (
    NUMBER_LINE_MM,
    NUMBER_WIDTH_MM,
    Background,
    RenderedPdf,
    default_workers,
    render_parts,
)
from clippings.signing import (
    SigningError,
    file_sha256,
    p12_trust_roots,
    preload_signing,
    sign_pdf,
    verify_pdf,
)
from clippings.tsa import Tsa, resolve_tsa

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
    note: str = ""  # the desk's note, printed under the table
    group: str = ""  # heading of the group the desk put the item in
    group_start: bool = False  # first item of its group: the heading is printed
    image: str | None = None  # data: or file: URI of the article's photo
    scan: str | None = None  # file: URI of the newspaper cutting (print clips)
    print_page: str = ""
    cluster_id: int | None = None  # near-duplicate cluster (one release, many outlets)
    also_in: tuple[tuple[str, str], ...] = ()  # (publisher, url) of the other outlets


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
    group_by: str | None = None  # "nilai" or "instansi" when the desk grouped the items
    selection_id: int | None = None  # the desk selection used, if any

    @property
    def period_start(self) -> date:
        return self.day - timedelta(days=self.window_days)

    def nilai_counts(self) -> dict[str, int]:
        counts = Counter(item.nilai for item in self.items)
        return {n: counts[n] for n in (*NILAI, *sorted(set(counts) - set(NILAI))) if counts[n]}

    def fingerprint(self) -> list[tuple[int, int]]:
        """Which articles, under which label decision."""
        return [(item.article_id, item.label_id) for item in self.items]

    def content_digest(self) -> str:
        """A hash of everything printed about the items, in order.

        Two compositions with the same digest print the same clippings with the same
        words, so a desk edit (headline, note, grouping) makes a new version while a
        label decision repeated with the same values does not.
        """
        unprinted = {"label_id", "label_origin"}
        items = [{k: v for k, v in asdict(item).items() if k not in unprinted} for item in self.items]
        payload = {"window_days": self.window_days, "group_by": self.group_by, "items": items}
        return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- compose

_ARTICLE_COLUMNS = (
    "a.id AS article_id, a.title, a.body, a.published, a.fetched_at, a.publisher, a.rubric, "
    "a.caption, a.url, a.canonical_url, a.image_url, {optional}, "
    "e.id AS label_id, e.origin, e.urusan, e.instansi, e.nilai, e.sifat, e.tindak_lanjut"
)
# Print-clip columns come with the clips migration; a database without them still prints.
_OPTIONAL_ARTICLE_COLUMNS = ("kind", "scan_path", "print_page", "cluster_id")

_AUTOMATIC_SQL = """
SELECT {columns}, NULL AS edit_rubric, NULL AS edit_headline, NULL AS edit_caption, NULL AS note
FROM articles a
JOIN effective_labels e ON e.article_id = a.id AND e.region = :region
WHERE e.relevant = 1
  AND CASE WHEN coalesce(a.published, '') != ''
           THEN substr(a.published, 1, 10)
           ELSE substr(a.fetched_at, 1, 10) END BETWEEN :start AND :day
  AND a.id NOT IN (
      SELECT si.article_id FROM sheet_items si JOIN sheets s ON s.id = si.sheet_id
      WHERE s.region = :region AND s.status = 'signed' AND s.date < :day
  )
"""

# The desk's pick: every chosen article, in the desk's order, whatever the model said.
_DESK_SQL = """
SELECT {columns}, d.rubric AS edit_rubric, d.headline AS edit_headline,
       d.caption AS edit_caption, d.note
FROM desk_items d
JOIN articles a ON a.id = d.article_id
LEFT JOIN effective_labels e ON e.article_id = a.id AND e.region = :region
WHERE d.selection_id = :selection
ORDER BY d.position, d.article_id
"""


def _article_columns(db: Database) -> str:
    present = set(db["articles"].columns_dict)
    optional = ", ".join(
        f"a.{name} AS {name}" if name in present else f"NULL AS {name}"
        for name in _OPTIONAL_ARTICLE_COLUMNS
    )
    return _ARTICLE_COLUMNS.format(optional=optional)


def desk_selection(db: Database, region_id: str, day: date) -> dict[str, Any] | None:
    """The desk's selection for a region and day, if the desk made one."""
    if "desk_selections" not in db.table_names():
        return None
    rows = list(db["desk_selections"].rows_where(
        "region = ? AND date = ?", [region_id, day.isoformat()], limit=1))
    return rows[0] if rows else None


def compose_sheet(
    db: Database, region: Region, day: date, *, window_days: int = 1, automatic: bool = False
) -> SheetData:
    """The clippings of one region's sheet for ``day``.

    When the desk has picked the day's clippings (``kliping review pick``) the sheet is
    exactly that pick, in the desk's order and grouping, with the desk's edits. Otherwise
    (or with ``automatic=True``) it is every relevant clipping of ``[day - window_days,
    day]``: the desk's label replaces the model's whenever the desk has spoken, and
    articles already on a signed sheet of an earlier day are left out, so overlapping
    windows do not send the same story to an office twice.
    """
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    start = day - timedelta(days=window_days)
    selection = None if automatic else desk_selection(db, region.id, day)
    columns = _article_columns(db)
    if selection is not None:
        sql = _DESK_SQL.format(columns=columns)
        params: dict[str, Any] = {"region": region.id, "selection": selection["id"]}
    else:
        sql = _AUTOMATIC_SQL.format(columns=columns)
        params = {"region": region.id, "start": start.isoformat(), "day": day.isoformat()}
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    items = [_item(dict(zip(names, values, strict=True)), region) for values in cursor.fetchall()]
    group_by = selection["group_by"] if selection is not None else None
    if selection is None:
        items.sort(key=_order_key)
        items = _one_per_story(items)
    elif group_by:
        items = _grouped(items, group_by, region)
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
        group_by=group_by,
        selection_id=selection["id"] if selection is not None else None,
    )


GROUP_BY = ("nilai", "instansi")


def _grouped(items: list[SheetItem], group_by: str, region: Region) -> list[SheetItem]:
    """Gather the items under group headings, keeping the desk's order inside a group."""
    if group_by == "nilai":
        def key(item: SheetItem) -> tuple[int, str]:
            return NILAI_ORDER.get(item.nilai, len(NILAI_ORDER)), label(item.nilai)
    elif group_by == "instansi":
        order = {office.key: n for n, office in enumerate(region.offices)}

        def key(item: SheetItem) -> tuple[int, str]:
            first = item.offices[0]
            return order.get(first.key, len(order)), first.name
    else:
        raise SheetError(f"pengelompokan tidak dikenal: {group_by!r} (pilih: {', '.join(GROUP_BY)})")
    ordered = sorted(items, key=key)  # stable: the desk's order within a group
    grouped, previous = [], None
    for item in ordered:
        heading = key(item)[1]
        grouped.append(replace(item, group=heading, group_start=heading != previous))
        previous = heading
    return grouped


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


def local_image(value: str | None, *, article_id: int, what: str = "foto") -> str | None:
    """A URI WeasyPrint may load for an article's image, or ``None``.

    Only images already on this machine are printed (a ``data:`` URI, or a path /
    ``file:`` URI of an archived file that Pillow can read): rendering never fetches
    from the network, and a broken file is reported here instead of leaving an empty
    frame on the sheet.
    """
    if not value:
        return None
    value = value.strip()
    if value.startswith("data:image/"):
        return value
    parsed = urlparse(value)
    if parsed.scheme in ("http", "https"):
        logger.info("artikel %s: %s hanya ada di %s (belum diarsipkan); tidak dicetak",
                    article_id, what, value)
        return None
    if parsed.scheme not in ("", "file"):
        logger.warning("artikel %s: alamat %s tidak didukung: %r", article_id, what, value)
        return None
    path = Path(unquote(parsed.path) if parsed.scheme == "file" else value).expanduser().resolve()
    try:
        from PIL import Image

        with Image.open(path) as image:
            image.verify()
    except FileNotFoundError:
        logger.warning("artikel %s: berkas %s tidak ditemukan: %s", article_id, what, path)
        return None
    except Exception as exc:  # Pillow raises many types for a damaged or non-image file
        logger.warning("artikel %s: berkas %s tidak dapat dibaca sebagai gambar: %s (%s)",
                       article_id, what, path, exc)
        return None
    return path.as_uri()


def _text(row: dict[str, Any], edited: str, original: str) -> str:
    value = row.get(edited)
    return (value if value is not None else row.get(original) or "").strip()


def label_offices(
    instansi: str | None, urusan: str | None, region: Region, *, article_id: int
) -> list[tuple[str, str]]:
    """The offices a label sends a story to, as (key, printed name), primary first.

    The label's ``instansi`` when it names any, else the offices serving its ``urusan`` in
    the region file. A key the region file lacks is printed as it is, and logged, so an
    outdated YAML shows up on paper instead of silently dropping an office.
    """
    keys = _json_list(instansi, what="instansi", article_id=article_id)
    if not keys:
        for key in _json_list(urusan, what="urusan", article_id=article_id):
            keys.extend(o.key for o in region.offices_for_urusan(key) if o.key not in keys)
    offices = []
    for key in dict.fromkeys(keys):
        office = region.offices_by_key.get(key)
        if office is None:
            logger.warning(
                "artikel %s: kantor %r tidak ada di berkas wilayah %s; kunci dicetak apa adanya",
                article_id, key, region.id,
            )
        offices.append((key, office.name if office else key))
    return offices


def _item(row: dict[str, Any], region: Region) -> SheetItem:
    article_id = row["article_id"]
    if row["label_id"] is None:
        logger.warning("artikel %s: belum berlabel; dicetak tanpa nilai, sifat dan tindak lanjut", article_id)
    else:
        for name, allowed in (("nilai", NILAI), ("sifat", SIFAT)):
            if row[name] not in allowed:
                logger.warning("artikel %s: nilai label %s tidak dikenal: %r", article_id, name, row[name])
    try:
        published = as_date(row["published"])
    except ValueError:
        logger.warning("artikel %s: tanggal terbit tidak terbaca: %r", article_id, row["published"])
        published = None
    offices = [
        OfficeRow(key, name, row["nilai"] or "", row["sifat"] or "", row["tindak_lanjut"] or "")
        for key, name in label_offices(row["instansi"], row["urusan"], region, article_id=article_id)
    ]
    if not offices:
        logger.warning("artikel %s: belum ada instansi tujuan", article_id)
        offices.append(OfficeRow("", UNASSIGNED_OFFICE, row["nilai"] or "", row["sifat"] or "",
                                 row["tindak_lanjut"] or ""))
    paragraphs = tuple(p.strip() for p in (row["body"] or "").split("\n") if p.strip())
    return SheetItem(
        article_id=article_id,
        label_id=row["label_id"],
        label_origin=row["origin"] or "",
        rubric=_text(row, "edit_rubric", "rubric"),
        title=_text(row, "edit_headline", "title"),
        caption=_text(row, "edit_caption", "caption"),
        paragraphs=paragraphs,
        publisher=(row["publisher"] or "").strip(),
        published=published,
        url=row["canonical_url"] or row["url"] or "",
        nilai=row["nilai"] or "",
        sifat=row["sifat"] or "",
        tindak_lanjut=row["tindak_lanjut"] or "",
        offices=tuple(offices),
        note=(row["note"] or "").strip(),
        image=local_image(row["image_url"], article_id=article_id),
        scan=local_image(row["scan_path"], article_id=article_id, what="pindaian kliping cetak"),
        print_page=str(row["print_page"] or "").strip(),
        cluster_id=row["cluster_id"],
    )


def _one_per_story(items: list[SheetItem]) -> list[SheetItem]:
    """Print a press release copied by several outlets once, naming the other outlets.

    The office must answer the story, not each copy; the first copy in sheet order (the
    most urgent label) stands for the story and the rest become "juga dimuat di".
    """
    kept: list[SheetItem] = []
    first: dict[int, int] = {}
    for item in items:
        if item.cluster_id is None:
            kept.append(item)
            continue
        if item.cluster_id not in first:
            first[item.cluster_id] = len(kept)
            kept.append(item)
            continue
        index = first[item.cluster_id]
        lead = kept[index]
        if item.publisher != lead.publisher and all(p != item.publisher for p, _ in lead.also_in):
            kept[index] = replace(lead, also_in=(*lead.also_in, (item.publisher, item.url)))
    return kept


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
    sheet: SheetData,
    *,
    base: str | None = None,
    templates_root: Path = TEMPLATES_DIR,
    draft: bool = False,
    cover: bool = True,
    clippings: Sequence[int] | None = None,
    layer: str = "all",
) -> str:
    """The sheet as one self-contained HTML document (styles and QR code inline).

    By default the whole sheet (what is archived beside the PDF). For printing,
    ``layer="body"`` with ``cover`` and ``clippings`` (0-based item indexes) gives one
    part of the text without footer or page numbers, and ``layer="furniture"`` a
    single page with only the footer (and watermark): see :func:`render_sheet_pdf`.
    A ``draft`` carries the "DRAF" watermark on every page.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}")
    env = template_environment(sheet.region_id, templates_root)
    verify_url = verification_url(sheet.sheet_id, base=base) if sheet.sheet_id is not None else None
    indexes = range(len(sheet.items)) if clippings is None else clippings
    return env.get_template(SHEET_TEMPLATE).render(
        sheet=sheet,
        verify_url=verify_url,
        qr=_qr_cached(verify_url) if verify_url else None,
        draft=draft,
        show_cover=cover,
        entries=[(n + 1, sheet.items[n]) for n in indexes],
        layer=layer,
    )


LAYERS = ("all", "body", "furniture")


@lru_cache(maxsize=8)
def _qr_cached(url: str) -> str:
    return qr_data_uri(url)


def render_pdf(html: str, out_path: str | Path, *, base: Path = TEMPLATES_DIR) -> Path:
    """Print one HTML document to an A4 PDF, written atomically.

    Only ``data:`` and ``file:`` resources are loaded: a sheet never reaches the
    network, whatever URL ends up in an article or a region template.
    """
    return render_parts([html], out_path, base=str(base) + "/", numbers_html=None).path


# Layout cost, in characters of body text, fitted on the benchmark sheet (WeasyPrint
# 70, DejaVu fonts): a clipping costs its text plus its page set-up, source line and
# signer block, plus each row of its memo table; a row of the cover list costs about
# a fifth of a clipping. Only the order and size of the parts depend on these.
CLIPPING_WEIGHT = 300
OFFICE_ROW_WEIGHT = 270
COVER_ROW_WEIGHT = 520
# A part has a fixed cost too (styles, fonts, PDF writing: about a third of a
# clipping), so parts are kept at about three clippings or more.
MIN_PART_WEIGHT = 10000


def clipping_weight(item: SheetItem) -> int:
    text = len(item.title) + len(item.caption) + sum(len(p) for p in item.paragraphs)
    return CLIPPING_WEIGHT + text + OFFICE_ROW_WEIGHT * len(item.offices)


def _runs(weights: Sequence[int], workers: int) -> list[range]:
    """Cut the clippings into runs printed as parts, heavy runs first, light ones last.

    Workers take the next part as they finish one; a run takes about 1/(workers + 1)
    of the work still left, so the last parts are small and the workers finish nearly
    together (guided self-scheduling).
    """
    runs: list[range] = []
    remaining = sum(weights)
    start = 0
    while start < len(weights):
        target = max(remaining / (workers + 1), MIN_PART_WEIGHT)
        end, taken = start, 0
        while end < len(weights) and (end == start or taken + weights[end] / 2 <= target):
            taken += weights[end]
            end += 1
        if remaining - taken < MIN_PART_WEIGHT:
            end, taken = len(weights), remaining  # no crumb of a part left for the end
        runs.append(range(start, end))
        remaining -= taken
        start = end
    return runs


def render_sheet_pdf(
    sheet: SheetData,
    out_path: str | Path,
    *,
    base: str | None = None,
    templates_root: Path = TEMPLATES_DIR,
    draft: bool = False,
    workers: int | None = None,
    part_size: int | None = None,
) -> RenderedPdf:
    """Print the whole sheet to ``out_path``: text in parallel parts, footer once.

    The cover and the clippings are printed without footer in parts (runs of
    ``part_size`` clippings, by default sized to keep the workers evenly busy); the
    footer (QR code, sheet number, draft watermark) is the same on every page, so it
    is printed once and laid over each page, and so are the page numbers ("Halaman
    X dari Y", counting the whole joined sheet).
    """
    count = len(sheet.items)
    workers = workers or default_workers()
    weights = [clipping_weight(item) for item in sheet.items]
    cover_weight = COVER_ROW_WEIGHT * count
    if part_size is not None:
        runs = [range(first, min(first + part_size, count)) for first in range(0, count, part_size)]
    elif workers > 1 and sum(weights) + cover_weight >= 3 * MIN_PART_WEIGHT:
        runs = _runs(weights, workers)
    else:
        runs = [range(count)]
    options = {"base": base, "templates_root": templates_root, "draft": draft}
    if len(runs) <= 1:
        parts = [render_html(sheet, layer="body", cover=True, clippings=range(count), **options)]
        part_weights = [cover_weight + sum(weights)]
    else:
        parts = [render_html(sheet, layer="body", cover=True, clippings=[], **options)]
        parts += [render_html(sheet, layer="body", cover=False, clippings=run, **options) for run in runs]
        part_weights = [cover_weight] + [sum(weights[n] for n in run) for run in runs]
    furniture = render_html(sheet, layer="furniture", cover=False, clippings=[], **options)
    pages_template = template_environment(sheet.region_id, templates_root).get_template(PAGES_TEMPLATE)
    return render_parts(
        parts, out_path, base=str(templates_root) + "/", workers=workers, furniture_html=furniture,
        weights=part_weights,
        numbers_html=lambda total: pages_template.render(
            total=total, line_mm=NUMBER_LINE_MM, width_mm=NUMBER_WIDTH_MM),
    )


PAGES_TEMPLATE = "sheet.pages.html.j2"


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
    p12_path: str | Path | None = None,
    password: str | None = None,
    window_days: int = 1,
    trust_roots: Sequence[str | Path] | None = None,
    base: str | None = None,
    draft: bool = False,
    actor: str | None = None,
    tsa_url: str | None = None,
) -> dict[str, Any]:
    """Compose, render, (sign) and archive the day's sheet; return its ``sheets`` row.

    With ``draft=True`` the sheet is printed with a "DRAF" watermark and recorded as a
    draft for the head to check and sign later (:func:`sign_sheet`); no key is needed.
    Otherwise it is signed now: nothing is recorded unless the signature verifies.
    ``tsa_url`` (else ``KLIPING_TSA_URL``, else the region's ``signer.tsa_url``) adds a
    trusted timestamp; if the TSA fails, nothing is signed or recorded.

    A signed version is never replaced: new content makes version N+1 pointing at N;
    content identical to the latest signed version returns that version, and content
    identical to a waiting draft signs that draft.

    Rendering a long sheet takes seconds, too long to hold SQLite's write lock while
    the crawler is storing articles. So the sheet is rendered (and signed) for the next
    free id and version in a staging directory, and one short ``BEGIN IMMEDIATE``
    transaction then checks that the slot is still free, moves the files into place
    and writes the row and its items. If another publisher took the slot meanwhile,
    the work is redone for the next one.
    """
    if db.conn.in_transaction:
        raise SheetError("publish_sheet tidak boleh dipanggil di dalam transaksi yang terbuka")
    _check_signer_block(region)
    sheet = compose_sheet(db, region, day, window_days=window_days)
    roots: list = []
    tsa = None
    if not draft:
        if p12_path is None or password is None:
            raise SheetError("lembar yang ditandatangani memerlukan berkas PKCS#12 dan kata sandinya")
        roots = _trust_roots(p12_path, password, trust_roots)
        tsa = resolve_tsa(region.signer.tsa_url, explicit=tsa_url)
    digest = sheet.content_digest()
    day_dir = Path(out_dir).resolve() / region.id / day.isoformat()
    for _attempt in range(PUBLISH_ATTEMPTS):
        latest = latest_signed_sheet(db, region.id, day)
        if latest is not None and _same_content(db, latest, sheet, digest):
            logger.info("lembar %s %s tidak berubah sejak versi %s", region.id, day, latest["version"])
            return latest
        waiting = _waiting_draft(db, region.id, day, digest)
        if waiting is not None:
            if draft:
                logger.info("draf lembar %s %s versi %s sudah ada", region.id, day, waiting["version"])
                return waiting
            return sign_sheet(db, region, waiting["id"], p12_path=p12_path, password=password,
                              trust_roots=trust_roots, base=base, actor=actor, tsa_url=tsa_url)
        slot = _next_slot(db, region.id, day)
        numbered = replace(sheet, sheet_id=slot[0], version=slot[1])
        day_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".baru-", dir=day_dir))
        try:
            if draft:
                signer = None
                _produce_draft(numbered, staging, base=base)
            else:
                signer = _produce(numbered, region, staging, p12_path=p12_path, password=password,
                                  roots=roots, base=base, tsa=tsa)
            row = _record(db, numbered, staging, day_dir, signer=signer, draft=draft, actor=actor,
                          previous_id=latest["id"] if latest else None, slot=slot)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if row is not None:
            logger.info("lembar %s %s versi %s %s: %s", region.id, day, row["version"],
                        "disimpan sebagai draf" if draft else "ditandatangani", row["pdf_path"])
            return row
        logger.info("lembar %s %s: nomor %s diambil proses lain, diulang", region.id, day, slot)
    raise SheetError(
        f"lembar {region.id} {day} tidak mendapat nomor versi setelah {PUBLISH_ATTEMPTS} percobaan"
    )


PUBLISH_ATTEMPTS = 3


def _check_signer_block(region: Region) -> None:
    if not region.signer.name or not region.signer.place:
        raise SheetError(f"berkas wilayah {region.id}: blok penandatangan (signer) belum lengkap")


def _trust_roots(p12_path, password: str, trust_roots) -> list:
    roots = list(trust_roots) if trust_roots else p12_trust_roots(p12_path, password)
    if not roots:
        raise SheetError(
            f"tidak ada sertifikat akar (CA) di {p12_path}; sebutkan sertifikat akar penerbitnya "
            "agar tanda tangan dapat diperiksa sebelum lembar disahkan"
        )
    return roots


def _same_content(db: Database, row: dict[str, Any], sheet: SheetData, digest: str) -> bool:
    if row.get("content_digest"):
        return row["content_digest"] == digest
    # Sheets archived before content digests were kept: compare what they list.
    return sheet_fingerprint(db, row["id"]) == sheet.fingerprint()


def _waiting_draft(db: Database, region_id: str, day: date, digest: str) -> dict[str, Any] | None:
    rows = list(db["sheets"].rows_where(
        "region = ? AND date = ? AND status = 'draft' AND content_digest = ?",
        [region_id, day.isoformat(), digest], order_by="version DESC", limit=1))
    return rows[0] if rows else None


def sign_sheet(
    db: Database,
    region: Region,
    sheet_id: int,
    *,
    p12_path: str | Path,
    password: str,
    trust_roots: Sequence[str | Path] | None = None,
    base: str | None = None,
    actor: str | None = None,
    tsa_url: str | None = None,
) -> dict[str, Any]:
    """Sign a draft: print it again without the watermark, sign, verify, then record.

    The draft is signed only if the day's content is still what the draft showed;
    otherwise the head would sign something they have not seen. The row becomes
    ``signed`` only after the signature verifies, in one short transaction.
    """
    if db.conn.in_transaction:
        raise SheetError("sign_sheet tidak boleh dipanggil di dalam transaksi yang terbuka")
    row = db["sheets"].get(sheet_id) if db["sheets"].count_where("id = ?", [sheet_id]) else None
    if row is None:
        raise SheetError(f"lembar no. {sheet_id} tidak ada di arsip")
    if row["status"] != "draft":
        raise SheetError(f"lembar no. {sheet_id} berstatus {row['status']}, bukan draf; tidak ditandatangani lagi")
    if row["region"] != region.id:
        raise SheetError(f"lembar no. {sheet_id} milik wilayah {row['region']}, bukan {region.id}")
    _check_signer_block(region)
    roots = _trust_roots(p12_path, password, trust_roots)
    tsa = resolve_tsa(region.signer.tsa_url, explicit=tsa_url)
    day = date.fromisoformat(row["date"])
    sheet = compose_sheet(db, region, day, window_days=row["window_days"] if row["window_days"] is not None else 1)
    if sheet.content_digest() != row["content_digest"]:
        raise SheetError(
            f"isi lembar {region.id} {day} berubah sejak draf no. {sheet_id} dibuat; "
            "buat draf baru (kliping sheet publish --draft) dan periksa sebelum ditandatangani"
        )
    numbered = replace(sheet, sheet_id=row["id"], version=row["version"])
    final_dir = Path(row["pdf_path"]).parent
    if not final_dir.is_dir():
        raise SheetError(f"direktori draf lembar no. {sheet_id} tidak ditemukan: {final_dir}")
    staging = Path(tempfile.mkdtemp(prefix=".ttd-", dir=final_dir))
    try:
        signer = _produce(numbered, region, staging, p12_path=p12_path, password=password,
                          roots=roots, base=base, tsa=tsa)
        stem = _file_stem(numbered)
        names = [f"{stem}.pdf", f"{stem}.html"]
        sha256 = file_sha256(staging / names[0])
        now = utc_now()
        moved: list[str] = []
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            current = db["sheets"].get(sheet_id)
            if current["status"] != "draft":
                db.conn.execute("ROLLBACK")
                raise SheetError(f"lembar no. {sheet_id} sudah ditandatangani oleh proses lain")
            latest = latest_signed_sheet(db, region.id, day)
            for name in names:
                (staging / name).rename(final_dir / name)
                moved.append(name)
            db["sheets"].update(sheet_id, {
                "status": "signed",
                "previous_id": latest["id"] if latest else None,
                "html_path": str(final_dir / names[1]),
                "pdf_path": str(final_dir / names[0]),
                "sha256": sha256,
                "signer": signer,
                "signed_at": now,
            })
            record(db, actor or signer, "sheet.sign", "sheet", sheet_id, {
                "region": region.id, "date": day.isoformat(), "version": row["version"],
                "items": len(sheet.items), "sha256": sha256, "from_draft": True,
            }, at=now)
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            for name in moved:
                (final_dir / name).rename(staging / name)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("draf no. %s ditandatangani: %s", sheet_id, final_dir / names[0])
    return db["sheets"].get(sheet_id)


def _file_stem(sheet: SheetData, *, draft: bool = False) -> str:
    stem = f"kliping-{sheet.region_id}-{sheet.day.isoformat()}-v{sheet.version}"
    return f"{stem}-DRAF" if draft else stem


def _next_slot(db: Database, region_id: str, day: date) -> tuple[int, int]:
    """The id and version the next sheet of this region and day would get."""
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM sheets").fetchone()[0]
    next_version = db.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM sheets WHERE region = ? AND date = ?",
        [region_id, day.isoformat()],
    ).fetchone()[0]
    return next_id, next_version


def _produce_draft(sheet: SheetData, directory: Path, *, base: str | None) -> None:
    stem = _file_stem(sheet, draft=True)
    html = render_html(sheet, base=base, draft=True)
    (directory / f"{stem}.html").write_text(html, encoding="utf-8")
    render_sheet_pdf(sheet, directory / f"{stem}.pdf", base=base, draft=True)


def _produce(sheet: SheetData, region: Region, directory: Path, *, p12_path, password, roots,
             base: str | None, tsa: Tsa | None = None) -> str:
    """Write the HTML and the signed, verified PDF into ``directory``; return the signer.

    The PDF is printed in a child process while this one loads the signing code and
    writes the HTML: printing starts by loading WeasyPrint and signing by loading
    pyHanko, each a second of one core, and on two cores they overlap.
    """
    stem = _file_stem(sheet)
    unsigned = directory / f".{stem}.unsigned.pdf"
    with Background(lambda: render_sheet_pdf(sheet, unsigned, base=base),
                    fork=default_workers() > 1) as printing:
        preload_signing()
        html = render_html(sheet, base=base)
        (directory / f"{stem}.html").write_text(html, encoding="utf-8")
        rendered = printing.result()
    pdf_path = directory / f"{stem}.pdf"
    try:
        sign_pdf(
            rendered.path, pdf_path, p12_path=p12_path, password=password,
            signer_name=region.signer.name, reason=SIGN_REASON, location=region.signer.place,
            visible_box=rendered.signature_box, tsa=tsa,
        )
    finally:
        rendered.path.unlink(missing_ok=True)
    check = verify_pdf(pdf_path, trust_roots=roots)
    if not check.valid:
        pdf_path.unlink(missing_ok=True)
        raise SheetError(
            "tanda tangan pada lembar yang baru dibuat tidak sah: " + "; ".join(check.problems)
        )
    return check.signer or region.signer.name


def _record(db: Database, sheet: SheetData, staging: Path, day_dir: Path, *, signer: str | None,
            draft: bool, actor: str | None, previous_id: int | None,
            slot: tuple[int, int]) -> dict[str, Any] | None:
    """Move the files into ``v<N>/`` and write the row; ``None`` if the slot is gone."""
    stem = _file_stem(sheet, draft=draft)
    final_dir = day_dir / f"v{sheet.version}"
    pdf_path = final_dir / f"{stem}.pdf"
    sha256 = None if draft else file_sha256(staging / f"{stem}.pdf")
    now = utc_now()
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
                "status": "draft" if draft else "signed",
                "html_path": str(final_dir / f"{stem}.html"),
                "pdf_path": str(pdf_path),
                "sha256": sha256,
                "signer": signer,
                "signed_at": None if draft else now,
                "created_at": now,
                "content_digest": sheet.content_digest(),
                "window_days": sheet.window_days,
            }
        )
        db["sheet_items"].insert_all(
            {"sheet_id": sheet.sheet_id, "position": position, "article_id": item.article_id,
             "label_id": item.label_id}
            for position, item in enumerate(sheet.items, start=1)
        )
        record(db, actor or signer, "sheet.draft" if draft else "sheet.sign", "sheet", sheet.sheet_id, {
            "region": sheet.region_id, "date": sheet.day.isoformat(), "version": sheet.version,
            "items": len(sheet.items), "previous_id": previous_id, "sha256": sha256,
            "selection_id": sheet.selection_id,
        }, at=now)
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
    "compose_sheet", "desk_selection", "find_sheet_by_sha256", "local_image", "publish_sheet",
    "render_html", "render_pdf", "render_sheet_pdf", "sign_sheet", "template_environment",
    "verification_url",
]
