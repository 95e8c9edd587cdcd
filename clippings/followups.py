"""Follow-ups: once the head signs a sheet, every clipping an office must act on or
clarify is sent to that office and tracked until it is answered and closed.

A follow-up belongs to one article and one office, not to one sheet version: a corrected
sheet (version 2) for the same day does not ask an office the same question twice. Each
change of state is written to ``audit_log`` in the same transaction as the change, and
the answer an office gave is kept in the log even when the follow-up is reopened.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from classify.labels import SIFAT
from clippings.audit import record, utc_now
from clippings.regions import Region
from clippings.sheet import label_offices

logger = logging.getLogger(__name__)

STATUSES: tuple[str, ...] = ("terbuka", "dijawab", "selesai")
# "diketahui" is for information only: nobody is asked to answer it.
NEEDS_FOLLOW_UP: tuple[str, ...] = ("ditindaklanjuti", "klarifikasi")
DEFAULT_DUE_DAYS: dict[str, int] = {"segera": 1, "penting": 3, "biasa": 7}

__all__ = [
    "DEFAULT_DUE_DAYS", "NEEDS_FOLLOW_UP", "STATUSES", "FollowUp", "FollowUpError",
    "answer_follow_up", "assign_follow_ups", "close_follow_up", "get_follow_up",
    "list_follow_ups", "reopen_follow_up",
]


class FollowUpError(Exception):
    """A follow-up action that cannot be done; the message says why, in Indonesian."""


@dataclass(frozen=True)
class FollowUp:
    """One office's follow-up of one clipping, with the article's headline."""

    id: int
    article_id: int
    sheet_id: int | None
    region: str
    opd: str
    tindak_lanjut: str
    status: str
    due: date | None
    answer: str | None
    answered_by: str | None
    answered_at: str | None
    created_at: str | None
    title: str
    publisher: str

    def overdue(self, on: date) -> bool:
        """Still waiting for the office (not closed) and due before ``on``."""
        return self.status != "selesai" and self.due is not None and self.due < on


def _require_actor(by: str) -> str:
    by = (by or "").strip()
    if not by:
        raise FollowUpError("nama petugas (--by) wajib diisi agar tindakan tercatat di log audit")
    return by


def _due_days(due_days: Mapping[str, int] | None) -> dict[str, int]:
    days = dict(DEFAULT_DUE_DAYS)
    for sifat, value in (due_days or {}).items():
        if sifat not in SIFAT:
            raise FollowUpError(f"sifat {sifat!r} tidak dikenal untuk tenggat (pilih: {', '.join(SIFAT)})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise FollowUpError(f"tenggat untuk sifat {sifat} harus bilangan hari >= 0, bukan {value!r}")
        days[sifat] = value
    return days


_SHEET_ITEMS_SQL = """
SELECT si.position, si.article_id, si.label_id, l.instansi, l.urusan, l.sifat, l.tindak_lanjut
FROM sheet_items si LEFT JOIN labels l ON l.id = si.label_id
WHERE si.sheet_id = ?
ORDER BY si.position
"""


def assign_follow_ups(
    db: Database,
    region: Region,
    sheet_id: int,
    *,
    due_days: Mapping[str, int] | None = None,
    by: str,
) -> int:
    """Open a follow-up for each office row of a signed sheet that asks for action or
    clarification; return how many were created.

    Only a signed sheet is sent out: a draft may still change. The due date counts from
    the sheet's date by the clipping's urgency (``sifat``). An article and office that
    already have a follow-up (from an earlier run or an earlier version of the sheet)
    are skipped, so running it again is harmless.
    """
    by = _require_actor(by)
    days = _due_days(due_days)
    if db.conn.in_transaction:
        raise FollowUpError("assign_follow_ups tidak boleh dipanggil di dalam transaksi yang terbuka")
    db.conn.execute("BEGIN IMMEDIATE")  # two desks assigning at once must not both insert
    try:
        sheet = _sheet(db, region, sheet_id)
        sheet_day = date.fromisoformat(sheet["date"])
        existing = {
            (r["article_id"], r["opd"])
            for r in db["follow_ups"].rows_where("region = ?", [region.id],
                                                 select="article_id, opd")
        }
        now = utc_now()
        rows, skipped = [], {"sudah_ada": 0, "tanpa_instansi": 0, "instansi_tak_dikenal": 0}
        for item in db.execute(_SHEET_ITEMS_SQL, [sheet_id]).fetchall():
            position, article_id, label_id, instansi, urusan, sifat, tindak_lanjut = item
            if tindak_lanjut not in NEEDS_FOLLOW_UP:
                continue
            if sifat not in days:
                logger.warning("lembar no. %s butir %s (artikel %s): sifat %r tidak dikenal; "
                               "tenggat dihitung sebagai biasa", sheet_id, position, article_id, sifat)
            due = sheet_day + timedelta(days=days.get(sifat, days["biasa"]))
            offices = label_offices(instansi, urusan, region, article_id=article_id)
            if not offices:
                logger.warning("lembar no. %s butir %s (artikel %s): tidak ada instansi tujuan; "
                               "tindak lanjut tidak dibuat", sheet_id, position, article_id)
                skipped["tanpa_instansi"] += 1
            for key, _name in offices:
                if key not in region.offices_by_key:
                    logger.warning("lembar no. %s butir %s (artikel %s): instansi %r tidak ada di "
                                   "berkas wilayah %s; tindak lanjut tidak dibuat",
                                   sheet_id, position, article_id, key, region.id)
                    skipped["instansi_tak_dikenal"] += 1
                    continue
                if (article_id, key) in existing:
                    skipped["sudah_ada"] += 1
                    continue
                existing.add((article_id, key))
                rows.append({
                    "article_id": article_id, "sheet_id": sheet_id, "region": region.id,
                    "opd": key, "tindak_lanjut": tindak_lanjut, "status": "terbuka",
                    "due": due.isoformat(), "created_at": now,
                })
        ids = []
        for row in rows:
            ids.append(db["follow_ups"].insert(row).last_pk)
        record(db, by, "followup.assign", "sheet", sheet_id, {
            "region": region.id, "date": sheet["date"], "version": sheet["version"],
            "created": len(ids), "follow_up_ids": ids, "skipped": skipped, "due_days": days,
        }, at=now)
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    logger.info("lembar no. %s: %d tindak lanjut dibuat", sheet_id, len(ids))
    return len(ids)


def _sheet(db: Database, region: Region, sheet_id: int) -> dict[str, Any]:
    rows = list(db["sheets"].rows_where("id = ?", [sheet_id], limit=1))
    if not rows:
        raise FollowUpError(f"lembar no. {sheet_id} tidak ada di arsip")
    sheet = rows[0]
    if sheet["region"] != region.id:
        raise FollowUpError(f"lembar no. {sheet_id} milik wilayah {sheet['region']}, bukan {region.id}")
    if sheet["status"] != "signed":
        raise FollowUpError(
            f"lembar no. {sheet_id} masih berstatus {sheet['status']}; tindak lanjut hanya dikirim "
            f"dari lembar yang sudah ditandatangani (kliping sheet sign {sheet_id} --region {region.id})"
        )
    newer = list(db["sheets"].rows_where(
        "region = ? AND date = ? AND status = 'signed' AND version > ?",
        [region.id, sheet["date"], sheet["version"]], order_by="version DESC", limit=1))
    if newer:
        raise FollowUpError(
            f"lembar no. {sheet_id} (versi {sheet['version']}) sudah diganti oleh lembar no. "
            f"{newer[0]['id']} (versi {newer[0]['version']}); kirim tindak lanjut dari versi terbaru"
        )
    return sheet


# --------------------------------------------------------------------------- state changes


def _row(db: Database, follow_up_id: int) -> dict[str, Any]:
    rows = list(db["follow_ups"].rows_where("id = ?", [follow_up_id], limit=1))
    if not rows:
        raise FollowUpError(f"tindak lanjut no. {follow_up_id} tidak ada di basis data")
    return rows[0]


_NOW = object()  # placeholder for the time of the change


def _change(db: Database, follow_up_id: int, *, allowed: tuple[str, ...], refusal: str,
            action: str, by: str, values: dict[str, Any], detail: dict[str, Any],
            keep: tuple[str, ...] = ()) -> FollowUp:
    """Move one follow-up to a new state if it is in one of ``allowed``, with its audit
    row; the ``keep`` columns' old values go into the log before they are overwritten."""
    now = utc_now()
    with db.atomic():
        row = _row(db, follow_up_id)
        if row["status"] not in allowed:
            raise FollowUpError(f"tindak lanjut no. {follow_up_id} berstatus {row['status']}; {refusal}")
        db["follow_ups"].update(follow_up_id, {k: (now if v is _NOW else v) for k, v in values.items()})
        record(db, by, action, "follow_up", follow_up_id, {
            "region": row["region"], "article_id": row["article_id"], "opd": row["opd"],
            "from": row["status"], "to": values["status"],
            **{f"previous_{k}": row[k] for k in keep}, **detail,
        }, at=now)
    return get_follow_up(db, follow_up_id)


def answer_follow_up(db: Database, follow_up_id: int, *, answer: str, by: str) -> FollowUp:
    """Record the office's answer; the desk then reads it and closes the follow-up."""
    by = _require_actor(by)
    answer = (answer or "").strip()
    if not answer:
        raise FollowUpError(f"jawaban untuk tindak lanjut no. {follow_up_id} kosong; isi --text atau --file")
    return _change(
        db, follow_up_id, allowed=("terbuka",), action="followup.answer", by=by,
        refusal="hanya tindak lanjut yang terbuka dapat dijawab (buka lagi dengan: "
                f"kliping followup reopen {follow_up_id})",
        values={"status": "dijawab", "answer": answer, "answered_by": by, "answered_at": _NOW},
        detail={"answer": answer},
    )


def close_follow_up(db: Database, follow_up_id: int, *, by: str, note: str | None = None,
                    force: bool = False) -> FollowUp:
    """Close an answered follow-up; ``force`` closes one the office never answered
    (e.g. the story turned out to be wrong), which the audit log records as such."""
    by = _require_actor(by)
    allowed = ("terbuka", "dijawab") if force else ("dijawab",)
    refusal = ("sudah selesai" if force else
               "hanya tindak lanjut yang sudah dijawab dapat ditutup (tanpa jawaban: pakai --force)")
    return _change(
        db, follow_up_id, allowed=allowed, action="followup.close", by=by, refusal=refusal,
        values={"status": "selesai"},
        detail={"note": (note or "").strip() or None, "forced": force},
    )


def reopen_follow_up(db: Database, follow_up_id: int, *, by: str, note: str | None = None,
                     due: date | None = None) -> FollowUp:
    """Ask the office again (the answer was not enough, or it was closed by mistake).

    The answer is cleared from the follow-up so ``terbuka`` always means "waiting for
    the office"; the old answer stays in the audit log.
    """
    by = _require_actor(by)
    values: dict[str, Any] = {"status": "terbuka", "answer": None, "answered_by": None,
                              "answered_at": None}
    if due is not None:
        values["due"] = due.isoformat()
    return _change(
        db, follow_up_id, allowed=("dijawab", "selesai"), action="followup.reopen", by=by,
        refusal="sudah terbuka", values=values, keep=("answer", "answered_by", "due"),
        detail={"note": (note or "").strip() or None},
    )


# --------------------------------------------------------------------------- reading

_LIST_SQL = """
SELECT f.*, a.title, a.publisher
FROM follow_ups f JOIN articles a ON a.id = f.article_id
WHERE {where}
ORDER BY CASE WHEN coalesce(f.due, '') = '' THEN 1 ELSE 0 END, f.due, f.id
"""


def _follow_up(row: dict[str, Any]) -> FollowUp:
    try:
        due = date.fromisoformat(row["due"]) if row["due"] else None
    except ValueError:
        logger.warning("tindak lanjut %s: tenggat tidak terbaca: %r", row["id"], row["due"])
        due = None
    return FollowUp(
        id=row["id"], article_id=row["article_id"], sheet_id=row["sheet_id"], region=row["region"],
        opd=row["opd"], tindak_lanjut=row["tindak_lanjut"] or "", status=row["status"], due=due,
        answer=row["answer"], answered_by=row["answered_by"], answered_at=row["answered_at"],
        created_at=row["created_at"], title=(row["title"] or "").strip(),
        publisher=(row["publisher"] or "").strip(),
    )


def _query(db: Database, where: str, params: list[Any]) -> list[FollowUp]:
    cursor = db.execute(_LIST_SQL.format(where=where), params)
    names = [d[0] for d in cursor.description]
    return [_follow_up(dict(zip(names, values, strict=True))) for values in cursor.fetchall()]


def get_follow_up(db: Database, follow_up_id: int) -> FollowUp:
    found = _query(db, "f.id = ?", [follow_up_id])
    if not found:
        raise FollowUpError(f"tindak lanjut no. {follow_up_id} tidak ada di basis data")
    return found[0]


def list_follow_ups(
    db: Database,
    region_id: str,
    *,
    opd: str | None = None,
    status: str | None = None,
    overdue_on: date | None = None,
) -> list[FollowUp]:
    """A region's follow-ups, the nearest due date first.

    ``overdue_on`` keeps only those still waiting (not ``selesai``) whose due date is
    before that day, the same rule the digest uses for "terlambat".
    """
    where, params = ["f.region = ?"], [region_id]
    if opd is not None:
        where.append("f.opd = ?")
        params.append(opd)
    if status is not None:
        if status not in STATUSES:
            raise FollowUpError(f"status {status!r} tidak dikenal (pilih: {', '.join(STATUSES)})")
        where.append("f.status = ?")
        params.append(status)
    if overdue_on is not None:
        where.append("f.status != 'selesai' AND coalesce(f.due, '') != '' AND f.due < ?")
        params.append(overdue_on.isoformat())
    return _query(db, " AND ".join(where), params)
