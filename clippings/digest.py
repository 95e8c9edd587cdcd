"""The digest: what the press wrote about a region over a day, a week or a month.

The daily sheet sends each story to its office; the digest is what the head and the
offices read to see the trend: how many stories, good or bad, about which office, in
which media, the worst stories of the period and the follow-ups still open. It is
printed (HTML + PDF with charts) and handed over as the Excel recap desks keep for their
monthly reports.

Counts use each article's effective label: the desk's decision when the desk has spoken,
else the model's, the same rule as the sheet.
"""

from __future__ import annotations

import calendar
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from classify.labels import NILAI, SIFAT, TINDAK_LANJUT
from clippings.formatting import as_date
from clippings.regions import Region
from clippings.sheet import UNASSIGNED_OFFICE, label_offices

logger = logging.getLogger(__name__)

__all__ = [
    "PERIODS",
    "Digest",
    "DigestError",
    "DigestFiles",
    "DigestItem",
    "OpenFollowUp",
    "build_digest",
    "period_bounds",
    "render_digest_html",
    "write_digest",
]

PERIODS = ("harian", "mingguan", "bulanan")
PERIOD_TITLES = {"harian": "Harian", "mingguan": "Mingguan", "bulanan": "Bulanan"}
TOP_NEGATIVE = 10
NO_PUBLISHER = "(media tidak diketahui)"
KIND_NAMES = {"online": "Online", "cetak": "Cetak"}
DIGEST_TEMPLATE = "digest.html.j2"
_SIFAT_RANK = {"segera": 0, "penting": 1, "biasa": 2}


class DigestError(ValueError):
    """A digest that cannot be made, with the reason for the desk."""


@dataclass(frozen=True)
class DigestItem:
    article_id: int
    published: date | None
    publisher: str
    kind: str  # "online" or "cetak"
    title: str
    url: str
    print_page: str
    offices: tuple[str, ...]  # office names as the region file writes them
    nilai: str
    sifat: str
    tindak_lanjut: str
    label_origin: str  # "desk" or "model"


@dataclass(frozen=True)
class OpenFollowUp:
    id: int
    article_id: int
    title: str
    publisher: str
    office: str
    tindak_lanjut: str
    status: str
    created: date | None
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class Digest:
    region_id: str
    region_name: str
    government: str
    office: str
    period: str  # one of PERIODS, or "" for a custom range
    start: date
    end: date
    items: tuple[DigestItem, ...]
    by_nilai: dict[str, int]
    by_sifat: dict[str, int]
    by_tindak_lanjut: dict[str, int]
    by_office: dict[str, int]
    by_media: dict[str, int]
    by_kind: dict[str, int]
    by_day: dict[date, int]
    top_negative: tuple[DigestItem, ...]
    follow_ups: tuple[OpenFollowUp, ...]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def empty(self) -> bool:
        return not self.items

    @property
    def title(self) -> str:
        kind = PERIOD_TITLES.get(self.period, "")
        return f"Ringkasan Kliping Berita {kind}".strip()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class DigestFiles:
    html: Path
    pdf: Path
    xlsx: Path


# --------------------------------------------------------------------------- periods


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The calendar period holding ``day``: the day, its week (Monday to Sunday), or its
    month, the units desks report in."""
    if period == "harian":
        return day, day
    if period == "mingguan":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == "bulanan":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise DigestError(f"periode {period!r} tidak dikenal; pilih salah satu: {', '.join(PERIODS)}")


# --------------------------------------------------------------------------- build

_ITEMS_SQL = """
WITH dated AS (
    SELECT a.*,
           CASE WHEN coalesce(a.published, '') != '' THEN substr(a.published, 1, 10)
                ELSE substr(a.fetched_at, 1, 10) END AS day
    FROM articles a
)
SELECT d.id AS article_id, d.day, d.title, d.publisher, d.url, d.canonical_url,
       coalesce(d.kind, 'online') AS kind, d.print_page,
       e.origin, e.urusan, e.instansi, e.nilai, e.sifat, e.tindak_lanjut
FROM dated d
JOIN effective_labels e ON e.article_id = d.id AND e.region = :region
WHERE e.relevant = 1 AND d.day BETWEEN :start AND :end
ORDER BY d.day, d.id
"""

_FOLLOW_UPS_SQL = """
SELECT f.id, f.article_id, f.opd, f.tindak_lanjut, f.status, f.due, f.created_at,
       a.title, a.publisher
FROM follow_ups f JOIN articles a ON a.id = f.article_id
WHERE f.region = :region AND f.status != 'selesai'
  AND (f.created_at IS NULL OR substr(f.created_at, 1, 10) <= :end)
ORDER BY CASE WHEN coalesce(f.due, '') = '' THEN 1 ELSE 0 END, f.due, f.created_at, f.id
"""


def build_digest(
    db: Database,
    region: Region,
    start: date,
    end: date,
    *,
    period: str = "",
    top: int = TOP_NEGATIVE,
) -> Digest:
    """Count the region's relevant clippings dated ``start``..``end`` (both included).

    A story sent to two offices counts once in every count except ``by_office``, where
    each office gets it. Open follow-ups are those not ``selesai`` that were created by
    the end of the period; one is overdue when its due date is before that end.
    """
    if end < start:
        raise DigestError(f"akhir periode {end} sebelum awalnya {start}")
    params = {"region": region.id, "start": start.isoformat(), "end": end.isoformat()}
    cursor = db.execute(_ITEMS_SQL, params)
    columns = [c[0] for c in cursor.description]
    items = tuple(_item(dict(zip(columns, values, strict=True)), region) for values in cursor.fetchall())

    by_office: Counter[str] = Counter()
    for item in items:
        by_office.update(item.offices)
    by_day = dict.fromkeys((start + timedelta(days=n) for n in range((end - start).days + 1)), 0)
    for item in items:
        if item.published in by_day:
            by_day[item.published] += 1

    negative = sorted(
        (i for i in items if i.nilai == "negatif"),
        key=lambda i: (_SIFAT_RANK.get(i.sifat, len(_SIFAT_RANK)),
                       -(i.published.toordinal() if i.published else 0), i.article_id),
    )
    signer = region.signer
    return Digest(
        region_id=region.id,
        region_name=region.name,
        government=region.government,
        office=signer.office,
        period=period,
        start=start,
        end=end,
        items=items,
        by_nilai=_in_order(Counter(i.nilai for i in items), NILAI),
        by_sifat=_in_order(Counter(i.sifat for i in items), SIFAT[::-1]),
        by_tindak_lanjut=_in_order(Counter(i.tindak_lanjut for i in items), TINDAK_LANJUT),
        by_office=_most_first(by_office),
        by_media=_most_first(Counter(i.publisher for i in items)),
        by_kind=_most_first(Counter(i.kind for i in items)),
        by_day=by_day,
        top_negative=tuple(negative[:top]),
        follow_ups=_follow_ups(db, region, end),
    )


def _item(row: dict[str, Any], region: Region) -> DigestItem:
    article_id = row["article_id"]
    try:
        published = as_date(row["day"])
    except ValueError:
        logger.warning("artikel %s: tanggal tidak terbaca: %r", article_id, row["day"])
        published = None
    return DigestItem(
        article_id=article_id,
        published=published,
        publisher=(row["publisher"] or "").strip() or NO_PUBLISHER,
        kind=row["kind"] or "online",
        title=(row["title"] or "").strip(),
        url=row["url"] or row["canonical_url"] or "",
        print_page=(row["print_page"] or "").strip(),
        offices=_offices(row, region),
        nilai=row["nilai"] or "",
        sifat=row["sifat"] or "",
        tindak_lanjut=row["tindak_lanjut"] or "",
        label_origin=row["origin"],
    )


def _offices(row: dict[str, Any], region: Region) -> tuple[str, ...]:
    offices = label_offices(row["instansi"], row["urusan"], region, article_id=row["article_id"])
    return tuple(dict.fromkeys(name for _, name in offices)) or (UNASSIGNED_OFFICE,)


def _follow_ups(db: Database, region: Region, end: date) -> tuple[OpenFollowUp, ...]:
    rows = db.execute(_FOLLOW_UPS_SQL, {"region": region.id, "end": end.isoformat()})
    columns = [c[0] for c in rows.description]
    found = []
    for values in rows.fetchall():
        row = dict(zip(columns, values, strict=True))
        office = region.offices_by_key.get(row["opd"])
        try:
            due = as_date(row["due"])
        except ValueError:
            logger.warning("tindak lanjut %s: tenggat tidak terbaca: %r", row["id"], row["due"])
            due = None
        try:
            created = as_date(row["created_at"])
        except ValueError:
            created = None
        found.append(
            OpenFollowUp(
                id=row["id"], article_id=row["article_id"], title=(row["title"] or "").strip(),
                publisher=(row["publisher"] or "").strip() or NO_PUBLISHER,
                office=office.name if office else row["opd"], tindak_lanjut=row["tindak_lanjut"] or "",
                status=row["status"], created=created, due=due,
                overdue=due is not None and due < end,
            )
        )
    return tuple(found)


def _in_order(counts: Counter[str], order: tuple[str, ...]) -> dict[str, int]:
    """Every value of the scheme (zeros too, so charts keep their shape), then any
    unknown value the data holds, so a wrong label is seen rather than dropped."""
    result = {value: counts.get(value, 0) for value in order}
    for value in sorted(set(counts) - set(order)):
        result[value or "-"] = counts[value]
    return result


def _most_first(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --------------------------------------------------------------------------- output


def render_digest_html(digest: Digest, *, charts: bool = True, templates_root: Path | None = None) -> str:
    """The digest as one self-contained HTML page (styles and charts inline).

    Templates come from the same place as the sheet's, so a region's
    ``templates/regions/<region-id>/digest.html.j2`` overrides the stock one.
    """
    from clippings.digest_charts import digest_charts
    from clippings.sheet import TEMPLATES_DIR, template_environment

    env = template_environment(digest.region_id, templates_root or TEMPLATES_DIR)
    return env.get_template(DIGEST_TEMPLATE).render(
        digest=digest,
        charts=digest_charts(digest) if charts and not digest.empty else {},
        kind_names=KIND_NAMES,
    )


def file_stem(digest: Digest) -> str:
    if digest.period == "harian" or digest.start == digest.end:
        span = digest.start.isoformat()
    elif digest.period == "bulanan":
        span = digest.start.strftime("%Y-%m")
    else:
        span = f"{digest.start.isoformat()}_{digest.end.isoformat()}"
    return f"ringkasan-{digest.region_id}-{digest.period or 'periode'}-{span}"


def write_digest(digest: Digest, out_dir: str | Path) -> DigestFiles:
    """Write the HTML, the PDF and the Excel recap side by side; return their paths.

    Each file is written under a temporary name and moved into place, so a failure
    never leaves a half-written report that looks finished.
    """
    from clippings.digest_xlsx import write_xlsx
    from clippings.sheet import render_pdf

    directory = Path(out_dir) / digest.region_id
    directory.mkdir(parents=True, exist_ok=True)
    stem = file_stem(digest)
    html = render_digest_html(digest)
    html_path = directory / f"{stem}.html"
    tmp = html_path.with_name(f".{html_path.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(html_path)
    pdf_path = render_pdf(html, directory / f"{stem}.pdf")
    xlsx_path = write_xlsx(digest, directory / f"{stem}.xlsx")
    return DigestFiles(html=html_path, pdf=pdf_path, xlsx=xlsx_path)
