"""Publication dates as Indonesian news pages write them.

Local outlets rarely put a machine-readable date in their markup; what they show is
"Senin, 27 Oktober 2025 - 10:00 WIB", "27/10/2025 10:00", a dateline "(13/7)" without a
year, or "2 jam yang lalu". The clipping sheet is filed by date, so a wrong date is worse
than none: anything doubtful becomes ``None`` with a logged reason.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from babel.dates import get_day_names, get_month_names
from dateparser.date import DateDataParser

logger = logging.getLogger(__name__)

# Indonesian first; English because many WordPress themes of Indonesian outlets print
# their dates with the theme's English month names.
LANGUAGES = ["id", "en"]
# Longer text is prose, not a date line; dateparser would find spurious dates in it.
MAX_TEXT_LENGTH = 120
# How far after the reference day a date may lie (publishers' clocks, time zones).
FUTURE_TOLERANCE = timedelta(days=1)

# Pieces a date line is made of: "Senin, 27 Oktober 2025 - 10:00 WIB | Redaksi".
_SEPARATORS = re.compile(r"\s*(?:\||•|·|—|–|\s-\s|\bpukul\b|\bjam\b|,)\s*", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_ISO_LIKE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def _names(kind: str, width: str) -> dict[str, int]:
    getter = get_month_names if kind == "month" else get_day_names
    return {
        name.casefold().rstrip("."): number
        for locale in LANGUAGES
        for number, name in getter(width, locale=locale).items()
    }


# The two shapes nearly every Indonesian date line has ("Senin, 27 Oktober 2025 - 10:00
# WIB", "27/10/2025 10:00"), read without dateparser, which costs milliseconds per call
# and runs for every page. Month and day names come from CLDR (babel); anything else,
# including relative dates, goes to dateparser.
_MONTHS = {**_names("month", "wide"), **_names("month", "abbreviated")}
_WEEKDAYS = set(_names("day", "wide"))
_COMMON = re.compile(
    r"^(?:(?P<weekday>[^\W\d_]+)\s*,?\s+)?"
    r"(?:(?P<day>\d{1,2})\s+(?P<month_name>[^\W\d_]+)\.?\s+(?P<year>\d{4})"
    r"|(?P<eng_month>[^\W\d_]+)\.?\s+(?P<eng_day>\d{1,2}),?\s+(?P<eng_year>\d{4})"
    r"|(?P<nday>\d{1,2})[/-](?P<nmonth>\d{1,2})[/-](?P<nyear>\d{4}))"
    r"(?:\s*(?:[-|,]|at|pukul|jam)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:[A-Z]{2,4})?)?$",
    re.IGNORECASE,
)
# Words of a relative date; other text without a digit names no day ("Selasa", "Reuters").
_RELATIVE = re.compile(r"kemarin|hari ini|yesterday|today", re.IGNORECASE)


def parse_date(text: str, *, reference: date | None = None) -> date | None:
    """The calendar day a date line names, in the publisher's own time zone.

    ``reference`` is the day the page was seen (default: today). It anchors relative
    dates ("kemarin") and dates without a year ("(13/7)" is the latest 13 July not after
    it), and any date more than a day after it is rejected as a typo or a wrong clock.
    """
    if reference is None:
        reference = date.today()
    cleaned = " ".join((text or "").split())
    if not cleaned:
        logger.info("no date: empty text")
        return None
    if len(cleaned) > MAX_TEXT_LENGTH:
        logger.info(
            "no date: text too long for a date line (%d chars): %.60r", len(cleaned), cleaned
        )
        return None

    found = _parse_cached(cleaned, reference)
    if found is None:
        logger.info("no date: cannot read a date in %r", cleaned)
        return None
    if found > reference + FUTURE_TOLERANCE:
        logger.warning("no date: %r is %s, after the reference day %s", cleaned, found, reference)
        return None
    return found


@lru_cache(maxsize=4096)
def _parse_cached(cleaned: str, reference: date) -> date | None:
    # A site prints the same date line on every story of a day, and a crawl repeats it.
    found = _parse_iso(cleaned)
    if found is not None:
        return found
    candidates = _candidates(cleaned)
    for candidate in candidates:
        found = _parse_common(candidate)
        if found is not None:
            return found
    for candidate in candidates:
        if not (_HAS_DIGIT.search(candidate) or _RELATIVE.search(candidate)):
            continue
        found = _parse_words(candidate, reference)
        if found is not None:
            return found
    return None


def _parse_common(text: str) -> date | None:
    match = _COMMON.match(text)
    if match is None:
        return None
    weekday = match.group("weekday")
    if weekday and weekday.casefold() not in _WEEKDAYS:
        return None
    if match.group("day") or match.group("eng_day"):
        day, name, year = (
            match.group("day", "month_name", "year")
            if match.group("day")
            else match.group("eng_day", "eng_month", "eng_year")
        )
        month = _MONTHS.get(name.casefold())
        if month is None:
            return None
        numbers = (int(year), month, int(day))
    else:
        numbers = (int(match.group("nyear")), int(match.group("nmonth")), int(match.group("nday")))
    try:
        return date(*numbers)
    except ValueError:  # 31/02: dateparser will not read it either
        return None


def _parse_iso(text: str) -> date | None:
    # Machine-written timestamps keep the offset they were written with: the date part is
    # already the publisher's local day, so no conversion.
    if not _ISO_LIKE.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _candidates(text: str) -> list[str]:
    """The whole line first, then its pieces, each also without words before its first digit."""
    pieces = [text, *(p for p in _SEPARATORS.split(text) if p)]
    out: list[str] = []
    for piece in pieces:
        for variant in (piece, _from_first_digit(piece)):
            if variant and variant not in out:
                out.append(variant)
    return out


def _from_first_digit(text: str) -> str:
    match = _HAS_DIGIT.search(text)
    if not match or match.start() == 0:
        return ""
    # Keep an opening parenthesis of a dateline "(13/7)".
    start = match.start() - 1 if text[match.start() - 1] == "(" else match.start()
    return text[start:].strip()


def _parse_words(text: str, reference: date) -> date | None:
    result = _parser(reference).get_date_data(text)
    if result is None or result.date_obj is None:
        return None
    # A timezone-aware result ("10:00 WIB") keeps its own offset: its date is the local day.
    return result.date_obj.date()


@lru_cache(maxsize=16)
def _parser(reference: date) -> DateDataParser:
    # Noon of the reference day: a crawl replayed for a given day does not know the hour,
    # and noon keeps "N jam yang lalu" for small N on that same day.
    base = datetime.now() if reference == date.today() else datetime.combine(reference, time(12))
    return DateDataParser(
        languages=LANGUAGES,
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": base,
            # A bare "2025" or "Oktober 2025" is not a publication day.
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
