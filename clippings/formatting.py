"""How dates and label values are written on anything a person reads.

The sheet is an official letter: dates follow the Indonesian letter style
("Yogyakarta, 04 Oktober 2024", two-digit day) and come from Babel's CLDR data rather
than a hand-kept month table, so the same words appear in the web app, the sheet and
the digest. All Jinja environments get their filters from :func:`register_filters`.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from classify.labels import DISPLAY

LOCALE = "id"

__all__ = ["LOCALE", "as_date", "hari_tanggal", "label", "register_filters", "tanggal", "waktu"]


def as_date(value: date | datetime | str | None) -> date | None:
    """Accept what the database holds (ISO text) as well as date objects.

    A value that is not a date raises ``ValueError`` naming the value, so a broken row
    is reported instead of being printed as an empty date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"bukan tanggal ISO (YYYY-MM-DD): {value!r}") from None
    raise ValueError(f"bukan tanggal: {value!r}")


def tanggal(value: date | datetime | str | None) -> str:
    """``04 Oktober 2024``; empty for an unknown date."""
    day = as_date(value)
    return format_date(day, "dd MMMM yyyy", locale=LOCALE) if day else ""


def hari_tanggal(value: date | datetime | str | None) -> str:
    """``Jumat, 04 Oktober 2024``; empty for an unknown date."""
    day = as_date(value)
    return format_date(day, "EEEE, dd MMMM yyyy", locale=LOCALE) if day else ""


def waktu(value: datetime | str | None, timezone: str | None = None) -> str:
    """A moment with its UTC offset, ``04 Oktober 2024 09.05 (UTC+07:00)``.

    Signing times come in UTC (a datetime, or ISO 8601 text as the database keeps them);
    with ``timezone`` (the region's, e.g. ``Asia/Jakarta``) the moment is shown in the zone
    the reader lives in. The offset is printed either way, so a reader in WITA or WIT is
    never misled about the hour.
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(timezone))
    text = format_datetime(value, "dd MMMM yyyy HH.mm", locale=LOCALE)
    if value.tzinfo is None:
        return text
    offset = value.strftime("%z")
    return f"{text} (UTC{offset[:3]}:{offset[3:]})"


def label(value: str | None) -> str:
    """The memo's word for a label value (``ditindaklanjuti`` → ``Untuk Ditindaklanjuti``).

    An unknown value is printed as it is rather than hidden, so a wrong label is seen.
    """
    if not value:
        return "-"
    return DISPLAY.get(value, value)


FILTERS = {
    "tanggal": tanggal,
    "hari_tanggal": hari_tanggal,
    "waktu": waktu,
    "label": label,
}


def register_filters(env) -> None:
    """Install Kliping's filters on a Jinja environment (safe to call twice)."""
    env.filters.update(FILTERS)
