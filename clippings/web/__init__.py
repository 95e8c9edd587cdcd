"""The Kliping web app: for now the public page behind the QR code on every signed sheet.

Anyone holding a printout or the PDF of a daily sheet (a journalist, an office, a citizen)
scans the QR code and lands on ``/verifikasi/<sheet-id>``: what the archive holds for that
sheet, and a form to check a PDF they were given against the signature and the archive.

Configuration comes from defaults, then ``KLIPING_*`` environment variables, then the
``config`` mapping (tests, ``kliping serve``), as in Flask's tutorial app factory.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from limits import parse_many

from clippings.db import default_db_path, open_db
from clippings.formatting import register_filters
from clippings.regions import REGIONS_DIR
from clippings.signing import default_trust_roots, timestamp_text
from clippings.web import db as web_db
from clippings.web import errors, security

logger = logging.getLogger(__name__)

TEMPLATES_ROOT = Path(__file__).resolve().parent.parent.parent / "templates"

SECRET_KEY_SETTING = "KLIPING_SECRET_KEY"
MAX_UPLOAD_SETTING = "KLIPING_MAX_UPLOAD_MB"
# The demo's signed 4-clipping sheet is 73 KB; scanned print clips make sheets far larger.
DEFAULT_MAX_UPLOAD_MB = 25
# Limits in the ``limits`` notation: "10 per minute", "5/minute;50/hour".
LIMIT_SETTINGS = {"LOGIN_LIMIT": "KLIPING_LOGIN_LIMIT", "VERIFY_LIMIT": "KLIPING_VERIFY_LIMIT"}
HTTPS_SETTING = "KLIPING_HTTPS"
PROXY_COUNT_SETTING = "KLIPING_PROXY_COUNT"  # reverse proxies in front whose X-Forwarded-* count
RATELIMIT_STORAGE_SETTING = "KLIPING_RATELIMIT_STORAGE_URI"
YES = {"1", "true", "yes", "on", "ya"}
NO = {"", "0", "false", "no", "off", "tidak"}

csrf = CSRFProtect()


class WebConfigError(Exception):
    """The app cannot start with this configuration; the message says why, in Indonesian."""


def _settings_from_env() -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if os.environ.get(SECRET_KEY_SETTING):
        settings["SECRET_KEY"] = os.environ[SECRET_KEY_SETTING]
    if os.environ.get(MAX_UPLOAD_SETTING):
        try:
            megabytes = float(os.environ[MAX_UPLOAD_SETTING])
        except ValueError:
            raise WebConfigError(
                f"{MAX_UPLOAD_SETTING} harus berupa angka (megabita), bukan "
                f"{os.environ[MAX_UPLOAD_SETTING]!r}"
            ) from None
        settings["MAX_CONTENT_LENGTH"] = int(megabytes * 1024 * 1024)
    for key, name in LIMIT_SETTINGS.items():
        if os.environ.get(name):
            settings[key] = os.environ[name]
    if os.environ.get(RATELIMIT_STORAGE_SETTING):
        settings["RATELIMIT_STORAGE_URI"] = os.environ[RATELIMIT_STORAGE_SETTING]
    if HTTPS_SETTING in os.environ:
        value = os.environ[HTTPS_SETTING].strip().lower()
        if value not in YES | NO:
            raise WebConfigError(f"{HTTPS_SETTING} harus 1 (aktif) atau 0 (tidak), bukan "
                                 f"{os.environ[HTTPS_SETTING]!r}")
        settings["HTTPS"] = value in YES
    if os.environ.get(PROXY_COUNT_SETTING):
        try:
            settings["PROXY_COUNT"] = int(os.environ[PROXY_COUNT_SETTING])
        except ValueError:
            raise WebConfigError(
                f"{PROXY_COUNT_SETTING} harus berupa bilangan bulat (jumlah reverse proxy), bukan "
                f"{os.environ[PROXY_COUNT_SETTING]!r}"
            ) from None
    return settings


def _check_security_settings(config: Mapping[str, Any]) -> None:
    for key, name in LIMIT_SETTINGS.items():
        try:
            if not parse_many(str(config[key])):
                raise ValueError
        except ValueError:
            raise WebConfigError(f"batas {name} tidak terbaca: {config[key]!r}; tulis mis. "
                                 "'10 per minute' atau '5/minute;50/hour'") from None
    if not isinstance(config["PROXY_COUNT"], int) or config["PROXY_COUNT"] < 0:
        raise WebConfigError(f"{PROXY_COUNT_SETTING} harus 0 atau lebih, bukan {config['PROXY_COUNT']!r}")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; fails early, with a message, on a missing database or trust root.

    Keys: ``DATABASE`` (else ``KLIPING_DB``), ``TRUST_ROOTS`` (PEM/DER paths; else
    ``KLIPING_TRUST_ROOTS``, else the demo CA beside the database), ``SECRET_KEY`` (else
    ``KLIPING_SECRET_KEY``, else a fresh key per process: forms then need reloading after
    a restart, which a public check page can live with), ``MAX_CONTENT_LENGTH`` in bytes
    (else ``KLIPING_MAX_UPLOAD_MB``) and ``REGIONS_DIR``. Hardening (see
    :mod:`clippings.web.security`): ``LOGIN_LIMIT`` / ``VERIFY_LIMIT`` (refused sign-ins and
    PDF checks per client address), ``RATELIMIT_STORAGE_URI`` (``memory://``: counters per
    process), ``HTTPS`` (secure cookies) and ``PROXY_COUNT`` (trusted reverse proxies), each
    also from its ``KLIPING_*`` variable.
    """
    app = Flask(__name__, template_folder=str(TEMPLATES_ROOT), static_folder=None)
    app.config.from_mapping(
        DATABASE=str(default_db_path()),
        SECRET_KEY=None,
        TRUST_ROOTS=None,
        MAX_CONTENT_LENGTH=DEFAULT_MAX_UPLOAD_MB * 1024 * 1024,
        REGIONS_DIR=str(REGIONS_DIR),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session cookie
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        HTTPS=False,
        PROXY_COUNT=0,
        LOGIN_LIMIT=security.DEFAULT_LOGIN_LIMIT,
        VERIFY_LIMIT=security.DEFAULT_VERIFY_LIMIT,
        # In one process (waitress's threads) memory is enough; several processes or
        # machines need a shared store, e.g. redis://localhost:6379 (needs the redis package).
        RATELIMIT_STORAGE_URI="memory://",
    )
    app.config.update(_settings_from_env())
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    db_path = Path(app.config["DATABASE"])
    if not db_path.is_file():
        raise WebConfigError(f"basis data tidak ditemukan: {db_path}")
    open_db(db_path).close()  # apply pending migrations once, before serving read-only
    roots = app.config["TRUST_ROOTS"]
    roots = default_trust_roots(db_path) if roots is None else [Path(p) for p in roots]
    missing = [str(p) for p in roots if not Path(p).is_file()]
    if missing:
        raise WebConfigError(f"sertifikat akar tidak ditemukan: {', '.join(missing)}")
    if not roots:
        logger.warning("tidak ada sertifikat akar: tanda tangan unggahan akan dinyatakan tidak sah")
    app.config["TRUST_ROOTS"] = roots
    _check_security_settings(app.config)

    limiter = security.init_app(app)  # before CSRF: its check must run first
    csrf.init_app(app)
    register_filters(app.jinja_env)
    # {{ result.timestamp|sumber_waktu(zone) }}: the same sentence `kliping sheet verify` prints.
    app.jinja_env.filters["sumber_waktu"] = timestamp_text
    web_db.init_app(app)

    from clippings.web import auth
    from clippings.web.clips import bp as clips_bp
    from clippings.web.verify import bp as verify_bp

    app.register_blueprint(verify_bp)
    auth.init_app(app)
    app.register_blueprint(clips_bp)
    security.limit_posts(limiter, auth.bp, app.config["LOGIN_LIMIT"], refused_only=True)
    security.limit_posts(limiter, verify_bp, app.config["VERIFY_LIMIT"])
    errors.init_app(app)
    return app


__all__ = ["WebConfigError", "create_app", "csrf", "default_trust_roots"]
