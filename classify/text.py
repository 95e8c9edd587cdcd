"""Article text as the models see it.

Crawled and user-supplied text arrives with HTML left in, entities, odd whitespace or
megabytes of appended comments; the model was trained on clean prose of a few thousand
characters, so every input goes through the same cleaning before it is vectorised.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml.etree import ParserError

# Longer texts are cut: the lead of a news story carries its topic and tone, and a
# pathological page must not make one prediction take seconds.
MAX_CHARS = 20_000
# Fewer words than this (title and body together) is a headline or a teaser, not an article.
MIN_WORDS = 15

_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z][a-zA-Z0-9]*|!--)[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_WORD = re.compile(r"\w+")


def strip_html(text: str) -> str:
    """Drop markup (and script/style content) when the text carries HTML tags."""
    if not _TAG.search(text):
        return html.unescape(text)
    try:
        root = lxml.html.fromstring(text)
    except (ParserError, ValueError):
        return html.unescape(_TAG.sub(" ", text))
    for element in root.xpath("//script|//style|//noscript"):
        element.drop_tree()
    for element in root.xpath("//br|//p|//div|//li|//h1|//h2|//h3|//h4|//tr"):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def clean_text(text: str | None, *, max_chars: int = MAX_CHARS) -> str:
    """Plain, whitespace-normalised text, cut to ``max_chars``."""
    if not text:
        return ""
    text = strip_html(str(text)[: max_chars * 4])
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text).strip()
    return text[:max_chars]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
