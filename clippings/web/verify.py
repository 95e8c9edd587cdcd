"""``/verifikasi/<id>``: the public page behind the QR code printed on every sheet page.

The path is the one :func:`clippings.sheet.verification_url` prints into the QR code
(``KLIPING_BASE_URL`` + ``/verifikasi/<id>``); change both together or printed sheets
lead nowhere.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, render_template, send_file
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from clippings.signing import DEMO_MARK
from clippings.web.checks import UploadCheck, archive_status, check_upload, sheet_page
from clippings.web.db import get_db
from clippings.web.errors import error_page

bp = Blueprint("verify", __name__)

# Larger numbers are not SQLite integers: such a URL is simply not a sheet (404).
SHEET = "/verifikasi/<int(max=9223372036854775807):sheet_id>"


class UploadForm(FlaskForm):
    berkas = FileField(
        "Berkas PDF lembar kliping",
        validators=[FileRequired(message="Pilih berkas PDF yang akan diperiksa.")],
    )


def _page(sheet_id: int):
    page = sheet_page(get_db(), sheet_id, regions_dir=Path(current_app.config["REGIONS_DIR"]))
    if page is None:
        return None, error_page(
            404, f"Lembar kliping no. {sheet_id} tidak ada di arsip. Periksa kembali nomor "
                 "pada kode QR, atau tanyakan kepada penerbit lembar.",
            title="Lembar tidak ditemukan")
    return page, None


def _render(page, form: UploadForm, check: UploadCheck | None = None, status: int = 200):
    archive = archive_status(page.row, current_app.config["TRUST_ROOTS"])
    return render_template("web/verify.html", page=page, sheet=page.row, form=form,
                           check=check, archive=archive, demo_mark=DEMO_MARK), status


@bp.get(SHEET)
def sheet(sheet_id: int):
    page, missing = _page(sheet_id)
    return missing or _render(page, UploadForm())


@bp.post(SHEET)
def check(sheet_id: int):
    """Check an uploaded PDF; the upload lives only in a temporary directory, never the archive."""
    page, missing = _page(sheet_id)
    if missing:
        return missing
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(page, form, status=400)
    with tempfile.TemporaryDirectory(prefix="kliping-unggah-") as tmp:
        path = Path(tmp) / "unggahan.pdf"
        form.berkas.data.save(path)
        result = check_upload(get_db(), page.row, path, current_app.config["TRUST_ROOTS"])
    return _render(page, UploadForm(formdata=None), result)


@bp.get(SHEET + "/pdf")
def pdf(sheet_id: int):
    """The archived signed PDF, only while it is still the file that was signed."""
    page, missing = _page(sheet_id)
    if missing:
        return missing
    if page.draft:
        return error_page(404, "Lembar ini masih draf; PDF-nya tidak diterbitkan.",
                          title="PDF tidak tersedia")
    archive = archive_status(page.row, current_app.config["TRUST_ROOTS"])
    if archive is None or not archive.present:
        return error_page(404, "Berkas PDF arsip lembar ini tidak ditemukan di server.",
                          title="PDF tidak tersedia")
    if not archive.same_hash:
        return error_page(500, "Berkas PDF arsip di server tidak sama dengan yang ditandatangani, "
                               "sehingga tidak diberikan. Hubungi pengelola arsip.",
                          title="Arsip tidak cocok")
    path = Path(page.row["pdf_path"])
    return send_file(path, mimetype="application/pdf", download_name=path.name,
                     as_attachment=False, max_age=3600)
