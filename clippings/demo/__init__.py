"""The built-in example: a small fictional Indonesian news site served locally.

``make demo`` and the crawler tests crawl it instead of the internet. The public API lives
in :mod:`clippings.demo.site`; the names are re-exported lazily here so that
``python -m clippings.demo.site`` does not import that module twice.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PAGE_NOISE", "serve_site", "site_articles", "source_for"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from clippings.demo import site

        return getattr(site, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
