"""Desk decisions: which clippings go on a day's sheet, in what order and groups, with
what words, and which labels the desk overrides.

The model's opinion and the crawled article are never changed: a desk label is a new
``labels`` row (``origin='desk'``), and edits of rubric, headline and caption live with
the desk's pick (``desk_items``), so the sheet shows the desk's words while the archive
still shows what the media printed and what the model said. Every decision is written
to ``audit_log`` in the same transaction as the decision itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from classify.labels import NILAI, SIFAT, TINDAK_LANJUT
from clippings.audit import record, utc_now
from clippings.regions import Region

logger = logging.getLogger(__name__)

GROUP_BY = ("nilai", "instansi")

__all__ = [
    "GROUP_BY", "Candidate", "ReviewError", "candidates", "certainty", "edit_item", "pick",
    "regions_with_pick", "set_labels",
]


class ReviewError(Exception):
    """A desk action that cannot be done; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Candidate:
    """One article the desk may put on the day's sheet, with what decides it."""

    article_id: int
    title: str
    publisher: str
    published: str
    origin: str  # "desk" when the desk already labelled it, else "model" ("" if unlabelled)
    relevant: bool | None
    nilai: str
    sifat: str
    tindak_lanjut: str
    instansi: tuple[str, ...]
    certainty: float | None  # the model's weakest head, 0.5–1 for "relevant"; None: no scores
    reasons: tuple[str, ...]
    picked: bool


def _require_actor(by: str) -> str:
    by = (by or "").strip()
    if not by:
        raise ReviewError("nama petugas meja (--by) wajib diisi agar keputusan tercatat")
    return by


def _article(db: Database, article_id: int) -> dict[str, Any]:
    rows = list(db["articles"].rows_where("id = ?", [article_id], limit=1))
    if not rows:
        raise ReviewError(f"artikel no. {article_id} tidak ada di basis data")
    return rows[0]


def _latest_label(db: Database, article_id: int, region_id: str, origin: str | None = None) -> dict | None:
    where, params = "article_id = ? AND region = ?", [article_id, region_id]
    if origin:
        where += " AND origin = ?"
        params.append(origin)
    else:
        where += " AND origin IN ('desk', 'model')"
    rows = list(db["labels"].rows_where(
        where, params, order_by="CASE origin WHEN 'desk' THEN 0 ELSE 1 END, id DESC", limit=1))
    return rows[0] if rows else None


def _loads(raw: str | None, default):
    if not raw:
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return default


# --------------------------------------------------------------------------- list


def certainty(scores: dict[str, float]) -> float | None:
    """How sure the model was of its weakest decision (for sorting the doubtful first).

    ``relevant`` is a probability of relevance, so both 0.02 and 0.98 are sure; the
    other heads score the chosen value.
    """
    values = []
    for head, score in scores.items():
        if not isinstance(score, int | float):
            continue
        values.append(max(score, 1 - score) if head == "relevant" else float(score))
    return min(values) if values else None


def _top_reasons(reasons: dict[str, list[str]], limit: int = 3) -> tuple[str, ...]:
    ordered = []
    for head in ("relevant", "nilai", "urusan", "sifat", "tindak_lanjut", *reasons):
        for reason in reasons.get(head) or []:
            if reason not in ordered:
                ordered.append(str(reason))
    return tuple(ordered[:limit])


def candidates(db: Database, region: Region, day: date, *, window_days: int = 1) -> list[Candidate]:
    """Articles of ``[day - window_days, day]`` with their labels, the doubtful first.

    Unlabelled articles and the model's least certain decisions come first: that is
    where the desk's reading matters; already picked and desk-labelled ones last.
    """
    start = (day - timedelta(days=window_days)).isoformat()
    picked = set()
    selection = _selection(db, region.id, day)
    if selection is not None:
        picked = {r["article_id"] for r in db["desk_items"].rows_where(
            "selection_id = ?", [selection["id"]])}
    rows = db.execute(
        """
        SELECT id, title, publisher, published, fetched_at FROM articles
        WHERE CASE WHEN coalesce(published, '') != '' THEN substr(published, 1, 10)
                   ELSE substr(fetched_at, 1, 10) END BETWEEN ? AND ?
        """,
        [start, day.isoformat()],
    ).fetchall()
    result = []
    for article_id, title, publisher, published, fetched_at in rows:
        label = _latest_label(db, article_id, region.id)
        model = label if label and label["origin"] == "model" else _latest_label(
            db, article_id, region.id, "model")
        scores = _loads(model["scores"], {}) if model else {}
        reasons = _loads(model["reasons"], {}) if model else {}
        result.append(Candidate(
            article_id=article_id,
            title=title or "",
            publisher=publisher or "",
            published=(published or fetched_at or "")[:10],
            origin=label["origin"] if label else "",
            relevant=None if label is None or label["relevant"] is None else bool(label["relevant"]),
            nilai=(label or {}).get("nilai") or "",
            sifat=(label or {}).get("sifat") or "",
            tindak_lanjut=(label or {}).get("tindak_lanjut") or "",
            instansi=tuple(_loads((label or {}).get("instansi"), [])),
            certainty=certainty(scores) if isinstance(scores, dict) else None,
            reasons=_top_reasons(reasons) if isinstance(reasons, dict) else (),
            picked=article_id in picked,
        ))

    def doubt(c: Candidate) -> tuple:
        settled = c.origin == "desk" or c.picked
        return (settled, c.origin != "", c.certainty if c.certainty is not None else -1.0, c.article_id)

    return sorted(result, key=doubt)


# --------------------------------------------------------------------------- labels


def set_labels(
    db: Database,
    region: Region,
    article_id: int,
    *,
    by: str,
    relevant: bool | None = None,
    nilai: str | None = None,
    sifat: str | None = None,
    tindak_lanjut: str | None = None,
    instansi: Sequence[str] | None = None,
) -> int:
    """Record the desk's label for an article; return the new ``labels`` row id.

    Values not given are carried over from the current label (the desk's last one, or
    the model's), so a desk row is always a complete decision. The model's row stays.
    """
    by = _require_actor(by)
    _article(db, article_id)
    problems = []
    for name, value, allowed in (("nilai", nilai, NILAI), ("sifat", sifat, SIFAT),
                                 ("tindak lanjut", tindak_lanjut, TINDAK_LANJUT)):
        if value is not None and value not in allowed:
            problems.append(f"{name} {value!r} tidak dikenal (pilih: {', '.join(allowed)})")
    unknown = [k for k in instansi or () if k not in region.offices_by_key]
    if unknown:
        problems.append(f"instansi {', '.join(unknown)} tidak ada di berkas wilayah {region.id}")
    if problems:
        raise ReviewError("; ".join(problems))
    if all(v is None for v in (relevant, nilai, sifat, tindak_lanjut, instansi)):
        raise ReviewError("tidak ada label yang diubah (pakai --nilai, --sifat, --tindak-lanjut, "
                          "--instansi atau --relevant/--not-relevant)")
    base = _latest_label(db, article_id, region.id) or {}
    row = {
        "article_id": article_id,
        "region": region.id,
        "origin": "desk",
        "relevant": int(relevant) if relevant is not None else (
            base.get("relevant") if base.get("relevant") is not None else 1),
        "urusan": base.get("urusan") or "[]",
        "instansi": json.dumps(list(dict.fromkeys(instansi))) if instansi is not None
        else base.get("instansi") or "[]",
        "nilai": nilai or base.get("nilai"),
        "sifat": sifat or base.get("sifat"),
        "tindak_lanjut": tindak_lanjut or base.get("tindak_lanjut"),
        "created_by": by,
        "created_at": utc_now(),
    }
    changed = {k: row[k] for k in ("relevant", "nilai", "sifat", "tindak_lanjut", "instansi")
               if row[k] != base.get(k)}
    with db.atomic():
        label_id = db["labels"].insert(row).last_pk
        record(db, by, "label.set", "article", article_id, {
            "region": region.id, "label_id": label_id, "based_on": base.get("id"),
            "changed": changed,
        }, at=row["created_at"])
    return label_id


# --------------------------------------------------------------------------- selection


def _selection(db: Database, region_id: str, day: date) -> dict[str, Any] | None:
    rows = list(db["desk_selections"].rows_where(
        "region = ? AND date = ?", [region_id, day.isoformat()], limit=1))
    return rows[0] if rows else None


def pick(
    db: Database,
    region: Region,
    day: date,
    article_ids: Sequence[int],
    *,
    by: str,
    group_by: str | None = None,
) -> int:
    """Set the day's sheet to exactly ``article_ids``, in this order; return the selection id.

    Picking again replaces the list; edits of articles that stay on it are kept, edits
    of articles taken off are dropped (the audit row lists them).
    """
    by = _require_actor(by)
    if group_by is not None and group_by not in GROUP_BY:
        raise ReviewError(f"pengelompokan {group_by!r} tidak dikenal (pilih: {', '.join(GROUP_BY)})")
    ids = [int(a) for a in article_ids]
    repeated = sorted({a for a in ids if ids.count(a) > 1})
    if repeated:
        raise ReviewError(f"artikel dipilih lebih dari sekali: {', '.join(map(str, repeated))}")
    known = {r[0] for r in db.execute(
        f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)} if ids else set()
    missing = [a for a in ids if a not in known]
    if missing:
        raise ReviewError(f"artikel tidak ada di basis data: {', '.join(map(str, missing))}")
    now = utc_now()
    with db.atomic():
        selection = _selection(db, region.id, day)
        if selection is None:
            selection_id = db["desk_selections"].insert({
                "region": region.id, "date": day.isoformat(), "group_by": group_by,
                "created_by": by, "created_at": now, "updated_by": by, "updated_at": now,
            }).last_pk
            dropped: list[int] = []
        else:
            selection_id = selection["id"]
            db["desk_selections"].update(selection_id, {
                "group_by": group_by, "updated_by": by, "updated_at": now})
            before = [r["article_id"] for r in db["desk_items"].rows_where(
                "selection_id = ?", [selection_id])]
            dropped = [a for a in before if a not in ids]
            if dropped:
                db.execute(
                    f"DELETE FROM desk_items WHERE selection_id = ? AND article_id IN "
                    f"({','.join('?' * len(dropped))})", [selection_id, *dropped])
        for position, article_id in enumerate(ids, start=1):
            db["desk_items"].upsert(
                {"selection_id": selection_id, "article_id": article_id, "position": position},
                pk=("selection_id", "article_id"),
            )
        record(db, by, "selection.pick", "desk_selection", selection_id, {
            "region": region.id, "date": day.isoformat(), "articles": ids,
            "group_by": group_by, "dropped": dropped,
        }, at=now)
    return selection_id


EDITABLE = ("rubric", "headline", "caption", "note")


def edit_item(
    db: Database,
    region_id: str,
    day: date,
    article_id: int,
    *,
    by: str,
    rubric: str | None = None,
    headline: str | None = None,
    caption: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Change what the sheet prints for one picked article; return its ``desk_items`` row.

    ``None`` leaves a field alone; an empty string goes back to the crawled text (or,
    for the note, removes it).
    """
    by = _require_actor(by)
    values = {"rubric": rubric, "headline": headline, "caption": caption, "note": note}
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        raise ReviewError("tidak ada yang diubah (pakai --rubric, --headline, --caption atau --note)")
    selection = _selection(db, region_id, day)
    key = (selection["id"], article_id) if selection else None
    if key is None or not db["desk_items"].count_where("selection_id = ? AND article_id = ?", list(key)):
        raise ReviewError(
            f"artikel no. {article_id} belum dipilih untuk lembar {region_id} {day.isoformat()}; "
            "pilih dulu dengan: kliping review pick"
        )
    now = utc_now()
    update = {k: (v.strip() or None) for k, v in given.items()}
    with db.atomic():
        before = db["desk_items"].get(key)
        db["desk_items"].update(key, {**update, "updated_by": by, "updated_at": now})
        record(db, by, "selection.edit", "article", article_id, {
            "region": region_id, "date": day.isoformat(), "selection_id": selection["id"],
            "before": {k: before[k] for k in update}, "after": update,
        }, at=now)
    return db["desk_items"].get(key)


def regions_with_pick(db: Database, day: date, article_id: int) -> list[str]:
    """The regions whose pick for ``day`` holds the article (to edit without --region)."""
    return [r[0] for r in db.execute(
        "SELECT s.region FROM desk_selections s JOIN desk_items d ON d.selection_id = s.id "
        "WHERE s.date = ? AND d.article_id = ? ORDER BY s.region", [day.isoformat(), article_id])]
