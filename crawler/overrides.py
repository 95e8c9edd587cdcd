"""Per-source CSS selectors for the sites trafilatura reads wrongly.

A few publishers wrap their text in markup that defeats any general extractor (the body
split into ``<div>`` fragments beside a longer comment block, the date only in a widget).
Their entry in the region file names what to read (``title``, ``body``, ``date``) and what
to throw away first (``remove``). A selector that matches nothing, usually after a theme
change, falls back to the default extraction and is reported as a miss, so the desk
learns the override needs updating instead of losing the site's articles.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

KEYS = ("title", "body", "date", "remove")
# Elements whose text is one paragraph of a selected body.
_BLOCKS = ("p", "li", "h2", "h3", "h4", "blockquote", "pre")


@dataclass
class Selected:
    """What the selectors found on one page; empty fields mean "use the default"."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    date_text: str = ""
    # Keys whose selectors matched nothing on this page.
    misses: list[str] = field(default_factory=list)


def selectors(overrides: dict[str, Any] | None, key: str) -> list[str]:
    """The selectors of ``key`` as a list (the region file allows a string or a list)."""
    value = (overrides or {}).get(key) or []
    return [value] if isinstance(value, str) else [s for s in value if s]


def apply_overrides(tree: HtmlElement, overrides: dict[str, Any], url: str) -> Selected:
    """Drop the ``remove`` elements from ``tree`` (in place), then read title, body, date."""
    selected = Selected()
    for selector in selectors(overrides, "remove"):
        found = _select(tree, selector, url)
        if not found:
            selected.misses.append("remove")
        for node in found:
            if node.getparent() is not None:
                node.drop_tree()
    for selector in selectors(overrides, "title"):
        text = next((_text(n) for n in _select(tree, selector, url) if _text(n)), "")
        if text:
            selected.title = text
            break
    for selector in selectors(overrides, "body"):
        paragraphs = [p for node in _select(tree, selector, url) for p in _paragraphs(node)]
        if paragraphs:
            selected.paragraphs = paragraphs
            break
    for selector in selectors(overrides, "date"):
        for node in _select(tree, selector, url):
            text = node.get("datetime") or node.get("content") or _text(node)
            if text:
                selected.date_text = text
                break
        if selected.date_text:
            break
    for key, value in (("title", selected.title), ("body", selected.paragraphs)):
        if selectors(overrides, key) and not value:
            selected.misses.append(key)
    if selectors(overrides, "date") and not selected.date_text:
        selected.misses.append("date")
    for key in dict.fromkeys(selected.misses):
        logger.warning(
            "override %s %s matches nothing on %s; using the default extraction",
            key,
            selectors(overrides, key),
            url,
        )
    return selected


def _select(tree: HtmlElement, selector: str, url: str) -> list[HtmlElement]:
    try:
        return CSSSelector(selector, translator="html")(tree)
    except SelectorError as exc:
        # The region loader validates selectors; a dict passed in by code may not be.
        logger.warning("override selector %r unusable on %s: %s", selector, url, exc)
        return []


def _text(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


def _paragraphs(node: HtmlElement) -> list[str]:
    blocks = list(node.iter(*_BLOCKS))
    # Only the outermost blocks: a <p> inside a <blockquote> is read with it.
    outer = [b for b in blocks if not any(p in blocks for p in b.iterancestors(*_BLOCKS))]
    if not outer:
        return [line for line in (" ".join(t.split()) for t in node.itertext()) if line]
    return [text for text in (_text(b) for b in outer) if text]
