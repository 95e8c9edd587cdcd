"""Dates and label words exactly as the signed memo writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from jinja2 import Environment

from clippings.formatting import hari_tanggal, label, register_filters, tanggal, waktu


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 10, 4), "04 Oktober 2024"),
        (date(2025, 1, 1), "01 Januari 2025"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2023, 3, 15), "15 Maret 2023"),
        (date(2023, 5, 9), "09 Mei 2023"),
        (date(2023, 6, 30), "30 Juni 2023"),
        (date(2023, 7, 13), "13 Juli 2023"),
        (date(2023, 8, 17), "17 Agustus 2023"),
        (date(2023, 11, 10), "10 November 2023"),
        (date(2023, 12, 25), "25 Desember 2023"),
        ("2024-10-04", "04 Oktober 2024"),
        ("2024-10-04T23:10:00+07:00", "04 Oktober 2024"),
        (datetime(2024, 4, 22, 8, 0), "22 April 2024"),
        (None, ""),
    ],
)
def test_tanggal(day, expected):
    assert tanggal(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 10, 7), "Senin, 07 Oktober 2024"),
        (date(2024, 10, 8), "Selasa, 08 Oktober 2024"),
        (date(2024, 10, 9), "Rabu, 09 Oktober 2024"),
        (date(2024, 10, 10), "Kamis, 10 Oktober 2024"),
        (date(2024, 10, 4), "Jumat, 04 Oktober 2024"),
        (date(2024, 10, 5), "Sabtu, 05 Oktober 2024"),
        (date(2024, 10, 6), "Minggu, 06 Oktober 2024"),
    ],
)
def test_hari_tanggal(day, expected):
    assert hari_tanggal(day) == expected


def test_bad_date_text_is_an_error_naming_the_value():
    with pytest.raises(ValueError, match="'kemarin sore'"):
        tanggal("kemarin sore")


def test_waktu_keeps_the_offset():
    wib = timezone(timedelta(hours=7))
    assert waktu(datetime(2024, 10, 4, 9, 5, tzinfo=wib)) == "04 Oktober 2024 09.05 (UTC+07:00)"
    assert waktu(None) == ""


def test_waktu_shows_a_utc_moment_in_the_region_zone():
    signed = datetime(2024, 10, 4, 2, 5, tzinfo=UTC)
    assert waktu(signed, "Asia/Jakarta") == "04 Oktober 2024 09.05 (UTC+07:00)"
    assert waktu(signed, "Asia/Jayapura") == "04 Oktober 2024 11.05 (UTC+09:00)"
    assert waktu(signed) == "04 Oktober 2024 02.05 (UTC+00:00)"
    # As the database keeps it.
    assert waktu("2024-10-04T02:05:00+00:00", "Asia/Makassar") == "04 Oktober 2024 10.05 (UTC+08:00)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("positif", "Positif"),
        ("negatif", "Negatif"),
        ("segera", "Segera"),
        ("diketahui", "Untuk Diketahui"),
        ("ditindaklanjuti", "Untuk Ditindaklanjuti"),
        ("klarifikasi", "Perlu Klarifikasi"),
        ("aneh", "aneh"),  # an unknown value is shown, not hidden
        (None, "-"),
    ],
)
def test_label_words(value, expected):
    assert label(value) == expected


def test_filters_in_templates():
    env = Environment(autoescape=True)
    register_filters(env)
    register_filters(env)  # harmless twice
    out = env.from_string("{{ d | hari_tanggal }} / {{ v | label }}").render(d=date(2024, 10, 4), v="biasa")
    assert out == "Jumat, 04 Oktober 2024 / Biasa"
