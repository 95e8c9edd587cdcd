"""Desk accounts: who may sign in to the web app, with which role, for which region.

Accounts are few and made by the administrator with ``kliping user``; there is no
self-registration. Passwords are stored only as Werkzeug hashes (scrypt), never logged,
and every account change is written to the audit log without the password.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from clippings.audit import record, utc_now
from clippings.regions import REGIONS_DIR, RegionError, load_region

logger = logging.getLogger(__name__)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "ROLE_NAMES",
    "UserError",
    "authenticate",
    "create_user",
    "get_user",
    "list_users",
    "user_exists",
    "session_token",
    "set_password",
    "user_for_session",
]

# What each role may do, in the words the administrator reads in `kliping user add --help`;
# the part before the colon is the role's name on web pages (ROLE_NAMES).
ROLES = {
    "meja": "petugas meja kliping: menambah dan mengoreksi kliping",
    "kepala-opd": "kepala OPD: melihat kliping kantornya",
    "arsip": "petugas arsip: melihat lembar dan arsip",
    "admin": "administrator: semua hak petugas meja",
}
ROLE_NAMES = {key: text.partition(":")[0] for key, text in ROLES.items()}
MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
# Checked when the username is unknown, so a wrong name takes as long as a wrong password
# and the response time does not tell which names exist.
_DUMMY_HASH = generate_password_hash("kliping-tanpa-akun")
_PUBLIC_FIELDS = ("id", "username", "name", "role", "region", "opd", "created_at")


class UserError(ValueError):
    """An account that cannot be created or changed, with the reason in Indonesian."""


def create_user(
    db: Database,
    username: str,
    *,
    password: str,
    role: str,
    region: str,
    name: str | None = None,
    opd: str | None = None,
    regions_dir: Path = REGIONS_DIR,
    by: str = "kliping",
) -> dict[str, Any]:
    """Store a new account and return it (without the hash).

    ``region`` is a region id (or a path to its YAML file, as ``--region`` elsewhere);
    ``opd`` must be one of that region's office keys and is required for a head of
    office, whose account only makes sense for one office.
    """
    username = _check_username(username)
    if role not in ROLES:
        raise UserError(f"peran {role!r} tidak dikenal; pilih salah satu: {', '.join(ROLES)}")
    try:
        loaded = load_region(region, regions_dir)
    except RegionError as exc:
        raise UserError(str(exc)) from None
    opd = (opd or "").strip() or None
    if opd is not None and opd not in loaded.offices_by_key:
        raise UserError(
            f"OPD {opd!r} tidak ada di wilayah {loaded.id}; yang tersedia: "
            f"{', '.join(loaded.offices_by_key)}"
        )
    if role == "kepala-opd" and opd is None:
        raise UserError("peran kepala-opd memerlukan --opd (kunci kantor di berkas wilayah)")
    row = {
        "username": username,
        "name": (name or "").strip() or None,
        "role": role,
        "region": loaded.id,
        "opd": opd,
        "password_hash": _hash(password),
        "created_at": utc_now(),
    }
    try:
        with db.atomic():
            user_id = db["users"].insert(row).last_pk
            record(db, by, "user.add", "user", username, {"role": role, "region": loaded.id, "opd": opd})
    except sqlite3.IntegrityError:
        raise UserError(f"nama pengguna {username!r} sudah dipakai") from None
    logger.info("akun %s (%s, %s) dibuat", username, role, loaded.id)
    return get_user(db, user_id)


def set_password(db: Database, username: str, password: str, *, by: str = "kliping") -> None:
    """Replace an account's password; sessions signed in with the old one end."""
    password_hash = _hash(password)
    with db.atomic():
        user = _row_by_username(db, username)
        if user is None:
            raise UserError(f"nama pengguna {username!r} tidak ada")
        db["users"].update(user["id"], {"password_hash": password_hash})
        record(db, by, "user.passwd", "user", user["username"], {})
    logger.info("kata sandi akun %s diganti", username)


def authenticate(db: Database, username: str, password: str) -> dict[str, Any] | None:
    """The account when the name and password match, else ``None`` (never which was wrong)."""
    user = _row_by_username(db, username)
    stored = user["password_hash"] if user and user["password_hash"] else _DUMMY_HASH
    ok = check_password_hash(stored, password or "")
    if not (user and user["password_hash"] and ok):
        logger.warning("gagal masuk untuk nama pengguna %r", (username or "")[:64])
        return None
    return {k: user[k] for k in (*_PUBLIC_FIELDS, "password_hash")}


def get_user(db: Database, user_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM users WHERE id = ?", [user_id]))
    return {k: rows[0][k] for k in (*_PUBLIC_FIELDS, "password_hash")} if rows else None


def user_exists(db: Database, username: str) -> bool:
    return _row_by_username(db, username) is not None


def list_users(db: Database) -> list[dict[str, Any]]:
    fields = ", ".join(_PUBLIC_FIELDS)
    return list(db.query(f"SELECT {fields} FROM users ORDER BY username"))


def session_token(user: dict[str, Any]) -> str:
    """What a web session stores for an account: its id plus a digest of its password
    hash, so changing the password ends every session signed in with the old one."""
    digest = hashlib.sha256((user["password_hash"] or "").encode()).hexdigest()
    return f"{user['id']}:{digest[:16]}"


def user_for_session(db: Database, token: str) -> dict[str, Any] | None:
    user_id = (token or "").partition(":")[0]
    if not user_id.isdigit():
        return None
    user = get_user(db, int(user_id))
    if user is None or not hmac.compare_digest(session_token(user), token):
        return None
    return user


# --------------------------------------------------------------------------- helpers


def _check_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise UserError(
            f"nama pengguna {username!r} tidak sah: 2-32 karakter, huruf kecil, angka, titik, "
            "garis bawah atau tanda hubung, diawali huruf atau angka"
        )
    return username


def _hash(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"kata sandi terlalu pendek: minimal {MIN_PASSWORD_LENGTH} karakter")
    return generate_password_hash(password)


def _row_by_username(db: Database, username: str | None) -> dict[str, Any] | None:
    """The stored row, whatever the case and surrounding spaces of the typed name."""
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [(username or "").strip().lower()]))
    return rows[0] if rows else None
