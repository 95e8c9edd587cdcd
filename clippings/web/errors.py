"""Error pages in Indonesian: a citizen who scanned a QR code should never see a stack
trace or an English "Not Found"."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from babel.dates import format_timedelta
from flask import Flask, current_app, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from clippings.formatting import LOCALE
from clippings.web.security import seconds_to_wait

logger = logging.getLogger(__name__)

ERROR_TEXT = {
    400: ("Permintaan tidak dapat diproses", "Periksa kembali alamat atau isian formulir."),
    404: ("Halaman tidak ditemukan",
          "Alamat ini tidak ada. Periksa kembali nomor lembar pada kode QR."),
    405: ("Cara akses tidak didukung", "Buka halaman ini melalui tautan atau kode QR."),
    413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas unggah {limit} MB."),
    429: ("Terlalu banyak percobaan", "Terlalu banyak percobaan dari alamat Anda. Coba lagi nanti."),
    500: ("Terjadi kesalahan pada server", "Silakan coba lagi nanti atau hubungi pengelola."),
}

TOO_MANY_TEXT = (
    "Terlalu banyak percobaan dari alamat Anda dalam waktu singkat. Demi keamanan, "
    "coba lagi dalam {wait}."
)

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


def wait_text(seconds: int) -> str:
    """"59 detik", "2 menit", "1 jam": rounded up to the unit, so the wait is never
    understated and the visitor does not come back to another refusal."""
    unit = 3600 if seconds > 3600 else 60 if seconds > 60 else 1
    rounded = math.ceil(seconds / unit) * unit
    return format_timedelta(timedelta(seconds=rounded), threshold=1, locale=LOCALE)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, CSRF_TEXT, title="Formulir tidak sah")

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        wait = seconds_to_wait()
        logger.warning("batas %s terlampaui oleh %s di %s", error.description, request.remote_addr,
                       request.path)
        if wait is None:
            return error_page(429)
        body, code = error_page(429, TOO_MANY_TEXT.format(wait=wait_text(wait)))
        return body, code, {"Retry-After": str(wait)}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_page(error.code or 500)
