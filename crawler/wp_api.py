"""Article links from a WordPress REST API (``/wp-json/wp/v2/posts``).

Many Indonesian news sites run WordPress with a feed capped at ten posts and no usable
sitemap; their REST API lists every post with its publication and modification time,
fifty per page, and can filter by date itself (``after=``). Only the three fields the
crawler needs are asked for (``_fields``), so a page of fifty posts is a few kilobytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urlencode

from crawler.discover_parse import wp_posts_endpoint

PER_PAGE = 50
FIELDS = "link,date_gmt,modified_gmt"
# The publication day a clipping shows is the day in Indonesia's western zone.
WIB = timezone(timedelta(hours=7))


class BrokenPosts(ValueError):
    """The answer is not a WordPress post list; the message says what it is instead."""


@dataclass(frozen=True)
class WpPost:
    link: str
    published: datetime | None  # UTC
    modified: datetime | None  # UTC

    @property
    def listed_text(self) -> str:
        """What the seen-URL store compares with its last fetch: the last modification."""
        moment = self.modified or self.published
        return moment.isoformat() if moment else ""

    @property
    def published_day(self) -> date | None:
        return self.published.astimezone(WIB).date() if self.published else None


def posts_url(api_root: str, page: int = 1, since: date | None = None) -> str:
    """The URL of page ``page`` of the post list, newest first, limited to ``since`` on."""
    endpoint = wp_posts_endpoint(api_root)
    params: dict[str, str | int] = {"per_page": PER_PAGE, "_fields": FIELDS}
    if since is not None:
        # WordPress reads a bare ``after`` in the site's time zone; midnight WIB the day
        # before keeps every post of ``since`` whatever zone the site is set to.
        params["after"] = f"{(since - timedelta(days=1)).isoformat()}T17:00:00"
    if page > 1:
        params["page"] = page
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params, safe=",")


def parse_posts(body: bytes) -> list[WpPost]:
    """The posts of one answer; :class:`BrokenPosts` when it is not a list of posts."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrokenPosts(f"not JSON: {exc}") from None
    if not isinstance(data, list):
        raise BrokenPosts(f"JSON {type(data).__name__}, not a list of posts")
    posts = []
    for item in data:
        if not isinstance(item, dict):
            raise BrokenPosts(f"list item is a {type(item).__name__}, not a post")
        link = item.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        posts.append(
            WpPost(link.strip(), _gmt(item.get("date_gmt")), _gmt(item.get("modified_gmt")))
        )
    return posts


def total_pages(header: bytes | str | None) -> int:
    """``X-WP-TotalPages`` as a number; 1 when missing or garbled."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    try:
        return max(1, int((header or "1").strip()))
    except ValueError:
        return 1


def _gmt(value: object) -> datetime | None:
    # *_gmt fields are UTC without an offset ("2025-10-27T01:30:00").
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
