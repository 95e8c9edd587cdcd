"""One read-only database connection per request, closed on teardown.

The public pages never write: opening SQLite with ``mode=ro`` makes that a property of
the connection rather than a promise of the code. The desk's few writes open their own
connection with :func:`writable_db`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlite_utils import Database

from clippings.db import open_db


def get_db() -> Database:
    if "db" not in g:
        uri = Path(current_app.config["DATABASE"]).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        conn.execute("PRAGMA busy_timeout = 10000")
        g.db = Database(conn)
    return g.db


def close_db(exception: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)


@contextmanager
def writable_db() -> Iterator[Database]:
    """A writable connection for this request only; migrations ran when the app started."""
    db = open_db(current_app.config["DATABASE"], migrate=False)
    try:
        yield db
    finally:
        db.conn.close()
