"""Puts the model's labels on stored articles, for one region.

The model says whether a story concerns *a* local government; the desk needs to know
whether it concerns *this* one and which of its offices receive it. So each prediction
goes through the region's gazetteer (names, areas, offices, officials): a story is
relevant for the region only when the model finds it relevant and it names the region
(see :class:`classify.gazetteer.RegionMentions`), and ``instansi`` lists the region's
offices concerned, primary first.

The model's opinion is stored as a ``labels`` row with ``origin="model"``; desk decisions
are separate rows that this module never touches. Rows are written per batch in one
transaction, so a crash leaves whole batches and a rerun picks up the rest.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from classify.corpus import NOT_RELEVANT, read_corpus, write_jsonl
from classify.gazetteer import Gazetteer, RegionMentions
from classify.institutions import find_institutions
from classify.labels import NILAI, SIFAT, TINDAK_LANJUT
from classify.model import Classifier, Prediction
from classify.text import clean_text
from clippings.audit import utc_now
from clippings.regions import REGIONS_DIR, Region, RegionError, load_region

logger = logging.getLogger(__name__)

ORIGIN = "model"
BATCH_SIZE = 200
# Each office gets a row of the sheet's table; a story rarely concerns more than a few.
MAX_OFFICES = 4
LABEL_FIELDS = (
    "relevant",
    "urusan",
    "instansi",
    "nilai",
    "sifat",
    "tindak_lanjut",
    "scores",
    "reasons",
    "model_version",
)


def region_gazetteer(region: Region) -> Gazetteer:
    return Gazetteer.from_region_data(region.model_dump())


def concerned_offices(region: Region, urusan: list[str], mentions: RegionMentions) -> list[str]:
    """The region's offices that receive the story, primary first.

    Primary: the office of the primary urusan that the text names most (or the first in
    the region file when none is named). Then, for further urusan keys, their offices
    named in the text, then the other offices named in the text, by number of mentions.
    """
    named = mentions.office_keys()
    chosen: list[str] = []
    for position, key in enumerate(urusan):
        serving = [o.key for o in region.offices_for_urusan(key)]
        in_text = [k for k in named if k in serving]
        if in_text:
            chosen.extend(in_text)
        elif position == 0 and serving:
            chosen.append(serving[0])
    chosen.extend(named)
    return list(dict.fromkeys(chosen))[:MAX_OFFICES]


def label_for_region(
    region: Region, gazetteer: Gazetteer, prediction: Prediction, text: str
) -> dict:
    """The label row values for one article (without ids and timestamps)."""
    mentions = gazetteer.mentions(clean_text(text))
    reasons = {k: list(v) for k, v in prediction.reasons.items()}
    reasons["instansi"] = list(
        dict.fromkeys(m.text for m in (*mentions.offices, *mentions.officials))
    )
    relevant = prediction.relevant and mentions.names_region
    if mentions.names_region:
        reasons["wilayah"] = mentions.evidence()
    else:
        elsewhere = f"tidak menyebut {region.name}"
        if mentions.other_regions:
            elsewhere += f"; menyebut {', '.join(mentions.other_regions[:3])}"
        reasons["wilayah"] = [elsewhere]
        if prediction.relevant:
            reasons["relevant"] = [elsewhere, *reasons.get("relevant", [])]
    if relevant:
        fields = {
            "urusan": prediction.urusan,
            "instansi": concerned_offices(region, prediction.urusan, mentions),
            "nilai": prediction.nilai,
            "sifat": prediction.sifat,
            "tindak_lanjut": prediction.tindak_lanjut,
        }
    else:
        fields = {**NOT_RELEVANT, "urusan": [], "instansi": []}
    return {"relevant": relevant, **fields, "scores": dict(prediction.scores), "reasons": reasons}


def _pending(
    db: Database, region_id: str, only_unlabeled: bool, article_ids: Sequence[int] | None
) -> Iterator[list[dict]]:
    sql = "SELECT a.id, a.title, a.body FROM articles a WHERE 1"
    params: list = []
    if only_unlabeled:
        sql += (
            " AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.article_id = a.id"
            " AND l.region = ? AND l.origin = ?)"
        )
        params = [region_id, ORIGIN]
    if article_ids is not None:
        sql += f" AND a.id IN ({', '.join('?' * len(article_ids))})"
        params += list(article_ids)
    sql += " ORDER BY a.id"
    batch: list[dict] = []
    # Read everything first: writing while a cursor on the same table is open is fragile.
    rows = db.execute(sql, params).fetchall()
    for article_id, title, body in rows:
        batch.append({"id": article_id, "title": title or "", "text": body or ""})
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _predict(classifier: Classifier, batch: list[dict], counts: Counter) -> list[Prediction | None]:
    try:
        return classifier.predict(batch)
    except Exception:  # isolate the article that breaks the batch
        logger.exception("prediksi satu batch gagal; diulang per artikel")
    out: list[Prediction | None] = []
    for record in batch:
        try:
            out.extend(classifier.predict([record]))
        except Exception as exc:
            counts["errors"] += 1
            logger.error("artikel %s: gagal diklasifikasi (%s); dilewati", record["id"], exc)
            out.append(None)
    return out


def _encode(values: dict) -> dict:
    return {
        "relevant": int(values["relevant"]),
        "urusan": json.dumps(values["urusan"], ensure_ascii=False),
        "instansi": json.dumps(values["instansi"], ensure_ascii=False),
        "nilai": values["nilai"],
        "sifat": values["sifat"],
        "tindak_lanjut": values["tindak_lanjut"],
        "scores": json.dumps(values["scores"], ensure_ascii=False, sort_keys=True),
        "reasons": json.dumps(values["reasons"], ensure_ascii=False),
        "model_version": values["model_version"],
    }


def _existing(db: Database, article_id: int, region_id: str) -> dict | None:
    """The latest model row of the article, and whether a sheet already cites it."""
    row = db.execute(
        "SELECT l.id, l.relevant, l.urusan, l.instansi, l.nilai, l.sifat, l.tindak_lanjut, l.scores,"
        " l.reasons, l.model_version,"
        " EXISTS (SELECT 1 FROM sheet_items si WHERE si.label_id = l.id)"
        " FROM labels l WHERE l.article_id = ? AND l.region = ? AND l.origin = ?"
        " ORDER BY l.id DESC LIMIT 1",
        [article_id, region_id, ORIGIN],
    ).fetchone()
    if row is None:
        return None
    return {"id": row[0], **dict(zip(LABEL_FIELDS, row[1:10], strict=True)), "cited": bool(row[10])}


def label_articles(
    db: Database,
    region: Region,
    classifier: Classifier,
    *,
    only_unlabeled: bool = True,
    gazetteer: Gazetteer | None = None,
    article_ids: Sequence[int] | None = None,
) -> dict:
    """Write the model's label of each stored article for ``region``; returns counts.

    ``article_ids`` limits the pass to those articles, e.g. one print clip whose OCR text
    the desk has just corrected.

    With ``only_unlabeled=False`` every article is labeled again: a model row a sheet
    already cites stays as it is (the sheet is a record) and a new row is added; other
    model rows are updated in place; unchanged labels are not rewritten.
    """
    gazetteer = gazetteer or region_gazetteer(region)
    counts: Counter = Counter()
    nilai: Counter = Counter()
    now = utc_now()
    for batch in _pending(db, region.id, only_unlabeled, article_ids):
        predictions = _predict(classifier, batch, counts)
        rows = []
        for record, prediction in zip(batch, predictions, strict=True):
            counts["articles"] += 1
            if prediction is None:
                continue
            try:
                values = label_for_region(
                    region, gazetteer, prediction, f"{record['title']}\n{record['text']}"
                )
            except Exception as exc:
                counts["errors"] += 1
                logger.error("artikel %s: label wilayah gagal (%s); dilewati", record["id"], exc)
                continue
            values["model_version"] = classifier.version
            rows.append((record["id"], values))
            counts["needs_review"] += int(prediction.uncertain)
            if values["relevant"]:
                counts["relevant"] += 1
                nilai[values["nilai"]] += 1
            else:
                counts["not_relevant"] += 1
        with db.atomic():
            for article_id, values in rows:
                encoded = _encode(values)
                old = None if only_unlabeled else _existing(db, article_id, region.id)
                if old is not None and all(old[k] == encoded[k] for k in LABEL_FIELDS):
                    counts["unchanged"] += 1
                    continue
                stamp = {"created_by": f"model:{classifier.version}", "created_at": now}
                if old is not None and not old["cited"]:
                    db["labels"].update(old["id"], {**encoded, **stamp})
                else:
                    db["labels"].insert(
                        {
                            "article_id": article_id,
                            "region": region.id,
                            "origin": ORIGIN,
                            **encoded,
                            **stamp,
                        }
                    )
                counts["labeled"] += 1
    result = {
        "articles": counts["articles"],
        "labeled": counts["labeled"],
        "unchanged": counts["unchanged"],
        "relevant": counts["relevant"],
        "not_relevant": counts["not_relevant"],
        "errors": counts["errors"],
        "needs_review": counts["needs_review"],
        "nilai": {k: nilai.get(k, 0) for k in ("positif", "negatif", "netral")},
        "model_version": classifier.version,
    }
    logger.info("pelabelan %s: %s", region.id, result)
    return result


def relabel_article(
    db: Database, article_id: int, classifier: Classifier, *, regions_dir: Path = REGIONS_DIR
) -> list[str]:
    """Label one article again for every region whose model already labeled it.

    Called after the desk corrects a print clip's OCR text: the model's labels were
    computed from the misread text. Desk labels are left alone. Returns the region ids
    labeled again; a region whose file is gone is logged and skipped.
    """
    regions = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT region FROM labels WHERE article_id = ? AND origin = ? ORDER BY region",
            [article_id, ORIGIN],
        ).fetchall()
    ]
    done = []
    for region_id in regions:
        try:
            region = load_region(region_id, regions_dir)
        except RegionError as exc:
            logger.warning("artikel %s tidak dilabeli ulang untuk %s: %s", article_id, region_id, exc)
            continue
        label_articles(db, region, classifier, only_unlabeled=False, article_ids=[article_id])
        done.append(region_id)
    return done


def label_records(
    classifier: Classifier,
    records: list[dict],
    *,
    region: Region | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[dict]:
    """Records (``id``, ``title``, ``text`` …) with labels in the LABELS.md record format.

    Without a region, ``relevant`` means "concerns a local government" and
    ``instansi_text`` lists the public bodies named in the text; with one, ``relevant``
    means "concerns this region", ``instansi`` lists its offices concerned and
    ``instansi_text`` the names that matched its gazetteer.
    """
    if region is not None and gazetteer is None:
        gazetteer = region_gazetteer(region)
    labeled = []
    for record, prediction in zip(records, classifier.predict(records), strict=True):
        text = f"{record.get('title') or ''}\n{record.get('text') or ''}"
        # An annotator's rationale and split belong to the old labels, not to these.
        out = {k: v for k, v in record.items() if k not in {"rationale", "split"}}
        if region is not None:
            values = label_for_region(region, gazetteer, prediction, text)
            out.update(
                {k: values[k] for k in ("relevant", "urusan", "nilai", "sifat", "tindak_lanjut")}
            )
            out["instansi"] = values["instansi"]
            out["instansi_text"] = values["reasons"].get("instansi", [])
            out["region"] = region.name if values["relevant"] else ""
            out["scores"], out["reasons"] = values["scores"], values["reasons"]
        else:
            out.update(prediction.labels())
            out["instansi_text"] = find_institutions(text)
            out["scores"], out["reasons"] = prediction.scores, prediction.reasons
        # Low model confidence: the desk should check this one first.
        out["uncertain"] = prediction.uncertain
        out["model_version"] = classifier.version
        labeled.append(out)
    return labeled


def label_jsonl(
    in_path: str | Path,
    out_path: str | Path,
    classifier: Classifier,
    *,
    region: Region | None = None,
    chunk: int = 500,
) -> dict:
    """Label a JSONL file of articles into another, without the database.

    Bad lines are skipped and returned in ``errors`` (file:line and problem).
    """
    corpus = read_corpus(in_path, labeled=False)
    gazetteer = region_gazetteer(region) if region is not None else None
    counts = {"articles": 0, "relevant": 0, "needs_review": 0, "errors": corpus.errors}

    def rows() -> Iterator[dict]:
        for start in range(0, len(corpus.records), chunk):
            part = corpus.records[start : start + chunk]
            for out in label_records(classifier, part, region=region, gazetteer=gazetteer):
                counts["articles"] += 1
                counts["relevant"] += int(out["relevant"])
                counts["needs_review"] += int(out["uncertain"])
                yield out

    write_jsonl(rows(), out_path)
    return counts


def desk_records(db: Database, region_id: str, *, limit: int | None = None) -> list[dict]:
    """The region's desk corrections as labeled records (LABELS.md format), newest first.

    One record per article: its latest desk row. These are what ``kliping train --region``
    learns from and ``kliping evaluate --region`` measures on. A desk decision is about
    *this* region, so a story about a neighbour's government comes back not relevant.
    Rows with unknown values are skipped with a log line, never abort the batch.
    """
    sql = (
        "SELECT l.article_id, l.relevant, l.urusan, l.nilai, l.sifat, l.tindak_lanjut,"
        " l.created_at, a.title, a.body FROM labels l JOIN articles a ON a.id = l.article_id"
        " WHERE l.region = ? AND l.origin = 'desk' AND l.id = ("
        "   SELECT MAX(l2.id) FROM labels l2 WHERE l2.article_id = l.article_id"
        "   AND l2.region = l.region AND l2.origin = 'desk')"
        " ORDER BY l.created_at DESC, l.id DESC"
    )
    params: list = [region_id]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    records = []
    for article_id, relevant, urusan, nilai, sifat, tindak, created, title, body in db.execute(
        sql, params
    ).fetchall():
        try:
            keys = json.loads(urusan or "[]")
        except json.JSONDecodeError:
            keys = []
        record = {
            "id": f"desk-{region_id}-{article_id}",
            "title": title or "",
            "text": body or "",
            "relevant": bool(relevant),
            "created_at": created,
        }
        if record["relevant"]:
            if nilai not in NILAI or sifat not in SIFAT or tindak not in TINDAK_LANJUT:
                logger.warning(
                    "koreksi desk artikel %s (%s): label tidak dikenal; dilewati", article_id, region_id
                )
                continue
            record.update(
                {"urusan": [k for k in keys if isinstance(k, str)], "nilai": nilai, "sifat": sifat,
                 "tindak_lanjut": tindak}
            )
        else:
            record.update({k: (list(v) if isinstance(v, list) else v) for k, v in NOT_RELEVANT.items()})
        records.append(record)
    return records
