"""The desk's print clips: upload a scanned cutting, read the OCR text beside the scan,
correct it. The same library calls as ``kliping clip add`` / ``kliping clip text``.

Pages read through the per-request read-only connection; the two writes (adding a clip
and correcting its text) open their own writable connection for the request, and each
library call is one transaction, so a failed upload leaves no row and no file.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from pathlib import Path

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlite_utils import Database
from werkzeug.utils import secure_filename
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from clippings.clips import KIND_PRINT, ClipError, add_print_clip, clip_for_scan, correct_clip_text
from clippings.formatting import LOCALE
from clippings.ocr import LOW_CONFIDENCE
from clippings.regions import Region, RegionError, load_region
from clippings.web.auth import roles_required
from clippings.web.db import get_db, writable_db
from clippings.web.errors import error_page

logger = logging.getLogger(__name__)

bp = Blueprint("clips", __name__, url_prefix="/kliping/cetak")
DESK_ROLES = ("meja", "admin")
ARTICLE = "/<int(max=9223372036854775807):article_id>"
RECENT = 20

_model_lock = threading.Lock()
_model = None


class PrintClipForm(FlaskForm):
    pindaian = FileField(
        "Pindaian potongan koran (PNG, JPEG, TIFF atau PDF)",
        validators=[FileRequired(message="Pilih berkas pindaian potongan koran.")],
    )
    media = StringField("Nama media", validators=[
        DataRequired(message="Nama media (penerbit) wajib diisi."),
        Length(max=120, message="Nama media terlalu panjang (maksimal 120 karakter)."),
    ])
    tanggal = DateField("Tanggal terbit", validators=[InputRequired(message="Tanggal terbit wajib diisi.")],
                        invalid_value_message="Tanggal terbit harus berformat TTTT-BB-HH, mis. 2025-10-27.")
    halaman = StringField("Halaman koran", validators=[
        Optional(), Length(max=20, message="Halaman terlalu panjang (maksimal 20 karakter).")])
    judul = StringField("Judul (bila kosong: baris pertama hasil OCR)", validators=[
        Optional(), Length(max=200, message="Judul terlalu panjang (maksimal 200 karakter).")])
    rubrik = StringField("Rubrik", validators=[
        Optional(), Length(max=60, message="Rubrik terlalu panjang (maksimal 60 karakter).")])


class CorrectionForm(FlaskForm):
    judul = StringField("Judul", validators=[
        DataRequired(message="Judul tidak boleh kosong."),
        Length(max=200, message="Judul terlalu panjang (maksimal 200 karakter).")])
    teks = TextAreaField("Teks berita (satu paragraf per baris)",
                        validators=[DataRequired(message="Teks tidak boleh kosong.")])



def archive_dir() -> Path:
    """``scans/`` beside the database, where ``kliping clip add`` archives scans too."""
    return Path(current_app.config["DATABASE"]).resolve().parent / "scans"


def _classifier():
    """Loaded on the first upload and kept for the life of the process (a few seconds
    to load; a failed load is retried on the next upload)."""
    global _model
    from classify.model import load_classifier

    with _model_lock:
        if _model is None:
            _model = load_classifier()
        return _model


def _region() -> Region:
    return load_region(current_user.region, Path(current_app.config["REGIONS_DIR"]))


def _label(db: Database, article_id: int) -> str | None:
    """Label the new clip for the user's region, as ``kliping clip add --region`` does;
    a warning for the desk when it cannot."""
    from classify.model import ModelError
    from clippings.labeling import label_articles

    try:
        region = _region()
        classifier = _classifier()
    except (RegionError, ModelError) as exc:
        logger.warning("kliping tidak dilabeli: %s", exc)
        return f"Kliping belum dilabeli ({exc}); jalankan 'kliping classify' nanti."
    label_articles(db, region, classifier, article_ids=[article_id])
    return None


def _relabel(db: Database, article_id: int) -> None:
    """The model's labels came from the misread text; label the corrected text again."""
    from classify.model import ModelError
    from clippings.labeling import relabel_article

    try:
        classifier = _classifier()
    except ModelError as exc:
        logger.warning("kliping %s tidak dilabeli ulang: %s", article_id, exc)
        return
    relabel_article(db, article_id, classifier, regions_dir=Path(current_app.config["REGIONS_DIR"]))


def _recent() -> list[dict]:
    return list(get_db().query(
        "SELECT id, title, publisher, published, print_page FROM articles WHERE kind = ? "
        "ORDER BY id DESC LIMIT ?", [KIND_PRINT, RECENT]))


def _render_new(form: PrintClipForm, *, error: str | None = None, known: dict | None = None,
                status: int = 200):
    return render_template("web/clip_new.html", form=form, error=error, known=known,
                           recent=_recent(), region=current_user.region), status


@bp.get("")
@roles_required(*DESK_ROLES)
def new():
    return _render_new(PrintClipForm(formdata=None))


@bp.post("")
@roles_required(*DESK_ROLES)
def add():
    form = PrintClipForm()
    if not form.validate_on_submit():
        return _render_new(form, status=400)
    upload = form.pindaian.data
    name = secure_filename(upload.filename or "") or "pindaian"
    with tempfile.TemporaryDirectory(prefix="kliping-cetak-") as tmp:
        path = Path(tmp) / name
        upload.save(path)
        with writable_db() as db:
            known = clip_for_scan(db, path)
            if known is not None:
                return _render_new(PrintClipForm(formdata=None), known=known)
            try:
                row = add_print_clip(
                    db, image_path=path, publisher=form.media.data, day=form.tanggal.data,
                    page=form.halaman.data, title=form.judul.data, rubric=form.rubrik.data,
                    region=current_user.region, archive_dir=archive_dir(), by=current_user.username,
                )
            except ClipError as exc:
                # The library names the temporary file; the desk knows it by its own name.
                message = str(exc).replace(str(path), upload.filename or name)
                return _render_new(form, error=message, status=422)
            warning = _label(db, row["id"])
    flash(f"Kliping cetak disimpan sebagai artikel no. {row['id']}.", "ok")
    if warning:
        flash(warning, "warn")
    return redirect(url_for("clips.show", article_id=row["id"]), code=303)


def _clip(article_id: int) -> dict:
    rows = list(get_db().query("SELECT * FROM articles WHERE id = ? AND kind = ?", [article_id, KIND_PRINT]))
    if not rows:
        abort(make_response(error_page(
            404, f"Tidak ada kliping cetak no. {article_id}. Buka daftar kliping cetak terbaru.",
            title="Kliping tidak ditemukan")))
    return rows[0]


def _render_clip(clip: dict, form: CorrectionForm, *, error: str | None = None, status: int = 200):
    db = get_db()
    try:
        region = _region()
        offices, timezone = {o.key: o.name for o in region.offices}, region.timezone
    except RegionError:
        offices, timezone = {}, None
    labels = [
        {**row, "offices": [offices.get(k, k) for k in json.loads(row["instansi"] or "[]")]}
        for row in db.query(
            "SELECT * FROM labels WHERE article_id = ? AND region = ? ORDER BY origin = 'desk' DESC, id DESC",
            [clip["id"], current_user.region])
    ]
    # ``at`` stays ISO text: the ``waktu`` filter reads it in the region's zone.
    corrections = list(db.query(
        "SELECT actor, at FROM audit_log WHERE object_type = 'article' AND object_id = ? "
        "AND action = 'clip.correct' ORDER BY id DESC", [str(clip["id"])]))
    confidence = clip["ocr_confidence"] or 0.0
    return render_template(
        "web/clip_show.html", clip=clip, form=form, labels=labels, corrections=corrections, error=error,
        timezone=timezone,
        confidence=format_decimal(confidence, "0.0", locale=LOCALE) + "%", low=confidence < LOW_CONFIDENCE,
    ), status


@bp.get(ARTICLE)
@roles_required(*DESK_ROLES)
def show(article_id: int):
    clip = _clip(article_id)
    return _render_clip(clip, CorrectionForm(data={"judul": clip["title"], "teks": clip["body"]}))


@bp.post(ARTICLE)
@roles_required(*DESK_ROLES)
def correct(article_id: int):
    clip = _clip(article_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        return _render_clip(clip, form, status=400)
    try:
        with writable_db() as db:
            row = correct_clip_text(db, article_id, form.teks.data, by=current_user.username,
                                    title=form.judul.data)
            if (row["title"], row["body"]) != (clip["title"], clip["body"]):
                _relabel(db, article_id)
    except ClipError as exc:
        return _render_clip(clip, form, error=str(exc), status=422)
    if (row["title"], row["body"]) == (clip["title"], clip["body"]):
        flash("Tidak ada perubahan; teks tidak disimpan ulang.", "warn")
    else:
        flash("Koreksi teks disimpan; teks sebelumnya tetap tercatat di log audit.", "ok")
    return redirect(url_for("clips.show", article_id=article_id), code=303)


@bp.get(ARTICLE + "/pindaian")
@roles_required(*DESK_ROLES)
def scan(article_id: int):
    clip = _clip(article_id)
    path = Path(clip["scan_path"] or "")
    if not path.is_file():
        return error_page(404, f"Berkas pindaian artikel no. {article_id} tidak ditemukan di server "
                               f"({path.name or 'tanpa nama'}). Hubungi pengelola arsip.",
                          title="Pindaian tidak ditemukan")
    # Private: the scans are the desk's archive, not public pages.
    response = send_file(path, download_name=path.name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
