"""Error pages in Indonesian: a citizen who scanned a QR code should never see a stack
trace or an English "Not Found"."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

ERROR_TEXT = {
    400: ("Permintaan tidak dapat diproses", "Periksa kembali alamat atau isian formulir."),
    404: ("Halaman tidak ditemukan",
          "Alamat ini tidak ada. Periksa kembali nomor lembar pada kode QR."),
    405: ("Cara akses tidak didukung", "Buka halaman ini melalui tautan atau kode QR."),
    413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas unggah {limit} MB."),
    500: ("Terjadi kesalahan pada server", "Silakan coba lagi nanti atau hubungi pengelola."),
}

CSRF_TEXT = (
    "Formulir tidak sah atau sudah kedaluwarsa (token keamanan tidak cocok). "
    "Muat ulang halaman, lalu unggah berkas sekali lagi."
)


def error_page(code: int, text: str | None = None, *, title: str | None = None):
    """A response with the Indonesian page for ``code``; ``text`` replaces the stock words."""
    stock_title, stock_text = ERROR_TEXT.get(code) or ERROR_TEXT[500 if code >= 500 else 400]
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
    return render_template(
        "web/error.html", code=code, title=title or stock_title,
        text=text or stock_text.format(limit=f"{limit:g}"),
    ), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, CSRF_TEXT, title="Formulir tidak sah")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_page(error.code or 500)
