"""Sources with a WordPress REST API: every page of posts is read, up to a cap, within the
``--since`` window, and a post is fetched again only when its ``modified_gmt`` changed."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pytest

from clippings.db import open_db
from crawler.run import run_crawl
from tests.crawl_sites import Page, Site
from tests.crawl_sites.kabar import CRAWL_SETTINGS, story_page, story_path

REFERENCE = date(2025, 10, 28)
JSON = "application/json; charset=UTF-8"
FIELDS = "link,date_gmt,modified_gmt"


def posts_route(page: int = 1, after: str = "") -> str:
    """The path the crawler requests (query sorted and escaped, as fetch_url sends it)."""
    params = {"per_page": "50", "_fields": FIELDS}
    if page > 1:
        params["page"] = str(page)
    if after:
        params["after"] = after
    return "/wp-json/wp/v2/posts?" + urlencode(sorted(params.items()))


def posts(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """(path, date_gmt, modified_gmt) as the API answers with ``_fields``."""
    return json.dumps(
        [{"link": base + path, "date_gmt": d, "modified_gmt": m} for path, d, m in items]
    ).encode()


BANJIR = story_path("banjir-rob-genangi-pesisir-comal", "2025-10-27")
POSYANDU = story_path("posyandu-lansia-dibuka-di-balai-desa", "2025-10-26")
JALAN = story_path("jalan-desa-rusak-dikeluhkan-petani", "2025-10-25")


def _serve_stories(site: Site) -> None:
    site.add(BANJIR, story_page("banjir-rob-genangi-pesisir-comal", "2025-10-27T08:00:00+07:00"))
    site.add(
        POSYANDU, story_page("posyandu-lansia-dibuka-di-balai-desa", "2025-10-26T09:00:00+07:00")
    )
    site.add(JALAN, story_page("jalan-desa-rusak-dikeluhkan-petani", "2025-10-25T10:00:00+07:00"))


def _stored_paths(db_path) -> set[str]:
    db = open_db(db_path)
    try:
        return {"/" + r["url"].split("/", 3)[3] for r in db.query("select url from articles")}
    finally:
        db.close()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wp")
    with Site() as site:
        base = site.base
        _serve_stories(site)
        pages = {"X-WP-Total": "5", "X-WP-TotalPages": "3"}
        site.add(
            posts_route(1),
            Page(
                posts(
                    base,
                    [
                        (BANJIR, "2025-10-27T01:00:00", "2025-10-27T01:00:00"),
                        (POSYANDU, "2025-10-26T02:00:00", "2025-10-26T02:00:00"),
                    ],
                ),
                content_type=JSON,
                headers=pages,
            ),
        )
        site.add(
            posts_route(2),
            Page(
                posts(base, [(JALAN, "2025-10-25T03:00:00", "2025-10-25T03:00:00")]),
                content_type=JSON,
                headers=pages,
            ),
        )
        # A page cut off by a PHP error: logged, counted, skipped.
        site.add(
            posts_route(3),
            Page(b'[{"link": "' + base.encode() + b'/x/", "date_gmt": ', content_type=JSON),
        )
        source = {"name": "Kabar Comal", "url": f"{base}/", "wp_json": f"{base}/wp-json/"}
        kwargs = dict(db_path=tmp / "k.db", raw_dir=tmp / "raw", reference=REFERENCE, region="uji")
        first = run_crawl([source], settings=CRAWL_SETTINGS, **kwargs)
        first_requests = list(site.requests)

        # The posyandu story is edited after the first crawl: only it is fetched again.
        time.sleep(1.1)
        edited = datetime.now(UTC).replace(tzinfo=None, microsecond=0).isoformat()
        site.add(
            posts_route(1),
            Page(
                posts(
                    base,
                    [
                        (BANJIR, "2025-10-27T01:00:00", "2025-10-27T01:00:00"),
                        (POSYANDU, "2025-10-26T02:00:00", edited),
                    ],
                ),
                content_type=JSON,
                headers=pages,
            ),
        )
        second = run_crawl([source], settings=CRAWL_SETTINGS, **kwargs)
        second_requests = site.requests[len(first_requests) :]
    return {
        "first": first,
        "second": second,
        "first_requests": first_requests,
        "second_requests": second_requests,
        "db": tmp / "k.db",
    }


def test_every_api_page_is_read_and_each_link_stored(crawls):
    assert crawls["first"]["articles"]["new"] == 3
    assert _stored_paths(crawls["db"]) == {BANJIR, POSYANDU, JALAN}
    assert posts_route(2) in crawls["first_requests"]
    assert posts_route(3) in crawls["first_requests"]


def test_broken_api_page_is_counted_and_the_crawl_goes_on(crawls):
    assert crawls["first"]["errors"] == {"wp_json_broken": 1}


def test_post_is_fetched_again_only_when_modified_gmt_changed(crawls):
    articles = [p for p in crawls["second_requests"] if not p.startswith(("/wp-json", "/robots"))]
    assert articles == [POSYANDU]
    assert crawls["second"]["skipped"]["already_seen"] == 2


def test_pages_beyond_the_cap_are_not_requested(tmp_path):
    with Site() as site:
        base = site.base
        _serve_stories(site)
        many = {"X-WP-TotalPages": "40"}
        site.add(
            posts_route(1),
            Page(
                posts(base, [(BANJIR, "2025-10-27T01:00:00", "2025-10-27T01:00:00")]),
                content_type=JSON,
                headers=many,
            ),
        )
        site.add(
            posts_route(2),
            Page(
                posts(base, [(POSYANDU, "2025-10-26T02:00:00", "2025-10-26T02:00:00")]),
                content_type=JSON,
                headers=many,
            ),
        )
        source = {"name": "Kabar Comal", "url": f"{base}/", "wp_json": f"{base}/wp-json/"}
        report = run_crawl(
            [source],
            db_path=tmp_path / "k.db",
            raw_dir=tmp_path / "raw",
            reference=REFERENCE,
            settings={**CRAWL_SETTINGS, "KLIPING_WP_MAX_PAGES": 2},
        )
        api_requests = [p for p in site.requests if p.startswith("/wp-json")]
    assert sorted(api_requests) == sorted([posts_route(1), posts_route(2)])
    assert report["articles"]["new"] == 2
    assert report["scrapy"]["kliping/wp_json/page_limit"] == 1


def test_since_window_is_passed_to_the_api_as_after(tmp_path):
    with Site() as site:
        base = site.base
        _serve_stories(site)
        # Only the query with after= is served: without it the crawl would find nothing.
        # The API filters, but the crawler still drops an older post it is given.
        after = "2025-10-25T17:00:00"
        site.add(
            posts_route(1, after=after),
            Page(
                posts(
                    base,
                    [
                        (BANJIR, "2025-10-27T01:00:00", "2025-10-27T01:00:00"),
                        (JALAN, "2025-10-25T03:00:00", "2025-10-25T03:00:00"),
                    ],
                ),
                content_type=JSON,
                headers={"X-WP-TotalPages": "1"},
            ),
        )
        source = {"name": "Kabar Comal", "url": f"{base}/", "wp_json": f"{base}/wp-json/"}
        report = run_crawl(
            [source],
            db_path=tmp_path / "k.db",
            raw_dir=tmp_path / "raw",
            reference=REFERENCE,
            settings={**CRAWL_SETTINGS, "KLIPING_SINCE": "2025-10-26"},
        )
        assert JALAN not in site.requests
    assert _stored_paths(tmp_path / "k.db") == {BANJIR}
    assert report["skipped"]["outside_window"] == 1


def test_plain_permalink_rest_route_form_is_supported():
    from crawler.wp_api import posts_url

    url = posts_url("https://kabarcomal.id/?rest_route=/", 2, date(2025, 10, 26))
    assert url.startswith("https://kabarcomal.id/?rest_route=/wp/v2/posts&")
    assert "page=2" in url and "after=2025-10-25T17%3A00%3A00" in url
