"""Indonesian publication dates as news pages print them."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from crawler.dates import parse_date

REFERENCE = date(2025, 10, 28)  # a Tuesday

CASES = [
    # as printed on the page                          expected
    ("Senin 27 Oktober 2025", date(2025, 10, 27)),
    ("Senin, 27 Oktober 2025 - 10:00 WIB", date(2025, 10, 27)),
    ("Senin, 27 Oktober 2025 - 23:30 WIB", date(2025, 10, 27)),  # local day, not UTC
    ("19 Februari 2025 - 10:00 WIB", date(2025, 2, 19)),
    ("Sabtu, 5 Juli 2025 23:45 WITA", date(2025, 7, 5)),
    ("1 Mei 2025", date(2025, 5, 1)),
    ("Selasa, 28 Okt 2025 15:22 WIB", date(2025, 10, 28)),
    ("Oleh Redaksi | Selasa, 28 Okt 2025 | 15:22 WIB", date(2025, 10, 28)),
    ("Diterbitkan 5 Agustus 2024 pukul 09.30", date(2024, 8, 5)),
    ("27/10/2025 10:00", date(2025, 10, 27)),
    ("05/10/2025", date(2025, 10, 5)),  # day first, as in Indonesia
    ("Senin (27/10/2025)", date(2025, 10, 27)),
    ("2025-10-27T10:00:00+07:00", date(2025, 10, 27)),
    ("2025-10-27T23:30:00+00:00", date(2025, 10, 27)),  # the offset as written is kept
    ("2025-10-27", date(2025, 10, 27)),
    ("October 27, 2025", date(2025, 10, 27)),  # English theme strings
    ("Kamis, (13/7)", date(2025, 7, 13)),
    ("(13/7)", date(2025, 7, 13)),
    ("PEMALANG, Kamis (23/10)", date(2025, 10, 23)),
    ("2 jam yang lalu", date(2025, 10, 28)),
    ("kemarin", date(2025, 10, 27)),
    ("3 hari lalu", date(2025, 10, 25)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_date(text, expected):
    assert parse_date(text, reference=REFERENCE) == expected


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # A date without a year is the latest such day not after the reference.
        ("(13/7)", date(2025, 7, 10), date(2024, 7, 13)),
        ("(13/7)", date(2025, 7, 13), date(2025, 7, 13)),
        ("Kamis, (13/7)", date(2026, 1, 2), date(2025, 7, 13)),
        # Same day as the reference, and one day after (publisher clocks) are fine.
        ("19 Februari 2026 - 10:00 WIB", date(2026, 2, 19), date(2026, 2, 19)),
        ("29 Oktober 2025", date(2025, 10, 28), date(2025, 10, 29)),
    ],
)
def test_reference_day(text, reference, expected):
    assert parse_date(text, reference=reference) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Berita",
        "10:00 WIB",  # a time is not a day
        "Oktober 2025",  # a month is not a day
        "2025",
        "31/02/2025",  # no such day
        "Baca juga: " + "Pemkab Pemalang gelar rapat koordinasi " * 5,  # prose, not a date line
    ],
)
def test_unreadable_is_none_with_reason(text, caplog):
    with caplog.at_level(logging.INFO, logger="crawler.dates"):
        assert parse_date(text, reference=REFERENCE) is None
    assert "no date" in caplog.text


def test_future_date_is_rejected_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="crawler.dates"):
        assert parse_date("19 Februari 2026 - 10:00 WIB", reference=REFERENCE) is None
    assert "after the reference day 2025-10-28" in caplog.text


def test_default_reference_is_today():
    assert parse_date("kemarin") == date.fromordinal(date.today().toordinal() - 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Shapes read without dateparser: they must agree with it.
        ("Jumat, 3 Okt 2025 08.30 WIB", date(2025, 10, 3)),
        ("Jumat , 17 February 2017, 13:16 WIB", date(2017, 2, 17)),
        ("November 19, 2019, 9:02 AM", date(2019, 11, 19)),
        ("Nov. 19, 2019", date(2019, 11, 19)),
        ("Selasa, 23 Februari 2016 15:06 WIB | 998 Views", date(2016, 2, 23)),
        ("Rabu, 29 Oktober 2025 10:00 WIB", date(2025, 10, 29)),
    ],
)
def test_common_shapes(text, expected):
    assert parse_date(text, reference=date(2025, 10, 28)) == expected


def test_common_shape_needs_a_real_weekday_and_month():
    # "Pemalang" is no weekday and "Hujan" no month: these are not date lines.
    assert parse_date("Pemalang 27 Hujan 2025", reference=REFERENCE) is None
    assert parse_date("31/02/2025 10:00", reference=REFERENCE) is None
