"""The example news site behaves like a real WordPress news site, and its ground truth
matches what it serves, so crawler tests built on it can trust both."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import pytest

from classify.labels import NILAI, SIFAT, TINDAK_LANJUT, URUSAN
from clippings.demo import PAGE_NOISE, serve_site, site_articles, source_for

TODAY = date(2025, 10, 27)  # a Monday
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAGES = Path(__file__).parent / "pages"
MACHINE_DATE_MARKERS = (
    "published_time",
    "modified_time",
    "updated_time",
    "datetime=",
    "datePublished",
    "dateModified",
    "dateCreated",
    "pubdate",
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    """GET without following redirects; HTTP errors are returned, not raised."""
    try:
        with _opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


@pytest.fixture(scope="module")
def base_url():
    with serve_site(TODAY) as url:
        yield url


@pytest.fixture(scope="module")
def articles(base_url):
    return site_articles(TODAY, base_url)


def visible(page: str) -> str:
    """The page as text, so escaped quotes in the HTML compare equal to the ground truth."""
    return html.unescape(page)


# -- discovery -------------------------------------------------------------------------


def test_robots_allows_articles_blocks_admin_and_names_the_sitemap(base_url, articles):
    status, headers, text = fetch(base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    assert robots.site_maps() == [base_url + "/sitemap.xml"]
    assert not robots.can_fetch("Kliping", base_url + "/wp-admin/options.php")
    assert all(robots.can_fetch("Kliping", a["url"]) for a in articles)


def test_feed_has_the_eight_newest_articles_newest_first(base_url, articles):
    status, headers, text = fetch(base_url + "/feed/")
    assert status == 200 and "rss" in headers["Content-Type"]
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 8
    stamps = [datetime(*e.published_parsed[:6]) for e in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    links = [e.link for e in feed.entries]
    assert [link.split("?")[0] for link in links] == [a["url"] for a in articles[:8]]
    assert [e.title for e in feed.entries] == [a["title"] for a in articles[:8]]
    tracked = [link for link in links if "utm_source=rss" in link]
    assert 0 < len(tracked) < len(links)
    # pubDate carries the WIB offset: the UTC stamp is seven hours before the local time.
    first = articles[0]["published_at"]
    assert stamps[0] == first.replace(tzinfo=None) - timedelta(hours=7)


def test_sitemap_index_leads_to_every_article_with_lastmod(base_url, articles):
    status, _, text = fetch(base_url + "/sitemap.xml")
    assert status == 200
    children = [loc.text for loc in ET.fromstring(text).iter(SM + "loc")]
    assert base_url + "/post-sitemap.xml" in children
    status, _, text = fetch(base_url + "/post-sitemap.xml")
    assert status == 200
    urls = {}
    for entry in ET.fromstring(text).iter(SM + "url"):
        lastmod = datetime.fromisoformat(entry.find(SM + "lastmod").text)
        urls[entry.find(SM + "loc").text] = lastmod
    assert set(urls) == {a["url"] for a in articles}
    for article in articles:
        assert urls[article["url"]] >= article["published_at"]
    # Pages that hide their date must not have it leak through the sitemap either.
    hidden = [a for a in articles if not a["machine_date"] and a["modified_at"]]
    assert hidden and all(urls[a["url"]].date() != a["published"] for a in hidden)


def test_every_sitemap_entry_resolves(base_url):
    for child in ("/post-sitemap.xml", "/page-sitemap.xml"):
        _, _, text = fetch(base_url + child)
        for loc in ET.fromstring(text).iter(SM + "loc"):
            assert fetch(loc.text)[0] == 200, loc.text


def test_source_entry_points_at_the_served_feed_and_sitemap(base_url):
    source = source_for(base_url)
    assert source["url"] == base_url + "/"
    assert source["kind"] == "online" and "contoh" in source["name"]
    assert all(fetch(url)[0] == 200 for url in source["feeds"] + source["sitemaps"])


# -- article pages -----------------------------------------------------------------------


def test_each_article_page_serves_its_story_inside_the_site_noise(base_url, articles):
    for article in articles:
        pages = [fetch(url) for url in article["page_urls"]]
        assert all(status == 200 for status, _, _ in pages), article["url"]
        text = visible("".join(page for _, _, page in pages))
        assert f'<h1 class="entry-title">{article["title"]}</h1>' in text
        assert f'<link rel="canonical" href="{article["url"]}">' in text
        for paragraph in article["body"]:
            assert f"<p>{paragraph}</p>" in text, (article["url"], paragraph[:40])
        assert article["date_text"] in text
        for phrase in (
            "Mode Gelap",
            "Tinggalkan Balasan",
            "Baca Lainnya",
            "Perbesar" if article["caption"] else "Terpopuler",
        ):
            assert phrase in text, (article["url"], phrase)
        if article["caption"]:
            assert f'<figcaption class="wp-caption-text">{article["caption"]}</figcaption>' in text


def test_noise_never_appears_in_an_article_body(articles):
    for article in articles:
        body = "\n".join(article["body"])
        leaked = [phrase for phrase in article["noise"] if phrase in body]
        assert not leaked, (article["url"], leaked)
        assert article["title"] not in article["noise"]


def test_paginated_article_is_split_across_two_linked_pages(base_url, articles):
    split = [a for a in articles if len(a["page_urls"]) > 1]
    assert len(split) == 1
    article = split[0]
    _, _, first = fetch(article["url"])
    _, _, second = fetch(article["page_urls"][1])
    first, second = visible(first), visible(second)
    assert f'<link rel="next" href="{article["page_urls"][1]}">' in first
    assert "Halaman 2" in first
    assert f'<link rel="prev" href="{article["url"]}">' in second
    on_first = [p for p in article["body"] if p in first]
    on_second = [p for p in article["body"] if p in second]
    assert on_first and on_second and on_first + on_second == article["body"]
    assert fetch(article["url"] + "3/")[0] == 404


def test_pages_without_machine_dates_show_only_the_indonesian_date(base_url, articles):
    hidden = [a for a in articles if not a["machine_date"]]
    assert len(hidden) >= 2
    for article in hidden:
        _, _, page = fetch(article["url"])
        found = [marker for marker in MACHINE_DATE_MARKERS if marker in page]
        assert not found, (article["url"], found)
        assert article["date_text"] in visible(page)
    for article in articles:
        if article["machine_date"]:
            _, _, page = fetch(article["url"])
            assert article["published_at"].isoformat(timespec="seconds") in page, article["url"]


def test_dates_are_written_in_the_styles_real_sites_use(articles):
    styles = {
        "full": re.compile(
            r"^(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ \d{4} - \d\d:\d\d WIB$"
        ),
        "wib": re.compile(r"^\d{1,2} \w+ \d{4} - \d\d:\d\d WIB$"),
        "long": re.compile(r"^\d{1,2} \w+ \d{4}$"),
        "numeric": re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"),
    }
    used = {name for a in articles for name, rx in styles.items() if rx.match(a["date_text"])}
    assert used == set(styles)
    monday = next(a for a in articles if a["date_text"].startswith("Senin"))
    assert monday["date_text"] == f"Senin, 27 Oktober 2025 - {monday['published_at']:%H:%M} WIB"


def test_dates_follow_the_chosen_today(base_url):
    pinned = site_articles(TODAY, base_url)
    later = site_articles(TODAY + timedelta(days=100), base_url)
    assert [b["published"] - a["published"] for a, b in zip(pinned, later, strict=True)] == [
        timedelta(days=100)
    ] * len(pinned)
    ages = {(TODAY - a["published"]).days for a in pinned}
    assert {0, 1, 2}.issubset(ages) and max(ages) <= 5
    # The weekday named in the story moves with the date ("Senin (27/10)").
    assert any("(27/10)" in p for a in pinned for p in a["body"])
    assert not any("(27/10)" in p for a in later for p in a["body"])


def test_tracking_parameters_and_short_links_reach_the_canonical_article(base_url, articles):
    article = articles[1]
    status, _, page = fetch(article["url"] + "?utm_source=rss&utm_medium=rss")
    assert status == 200 and f'<link rel="canonical" href="{article["url"]}">' in page
    status, headers, _ = fetch(f"{base_url}/?p={article['id']}")
    assert status == 301 and headers["Location"] == article["url"]
    status, headers, _ = fetch(article["url"].rstrip("/"))
    assert status == 301 and headers["Location"] == article["url"]


# -- listings and errors -------------------------------------------------------------------


def test_home_lists_newest_first_with_a_second_page(base_url, articles):
    _, _, first = fetch(base_url + "/")
    _, _, second = fetch(base_url + "/page/2/")
    listed = re.findall(r'<h2 class="entry-title"><a href="([^"]+)"', first + second)
    assert listed == [a["url"] for a in articles]
    assert fetch(base_url + "/page/3/")[0] == 404
    assert fetch(base_url + "/page/1/")[0] == 301


def test_category_pages_list_their_rubric(base_url, articles):
    for rubric in {a["rubric"] for a in articles}:
        expected = [a["url"] for a in articles if a["rubric"] == rubric]
        slug = urlsplit(
            re.search(
                rf'<a href="([^"]+)" rel="category tag">{re.escape(rubric)}</a>',
                fetch(expected[0])[2],
            ).group(1)
        ).path
        status, _, page = fetch(base_url + slug)
        assert status == 200
        assert re.findall(r'<h2 class="entry-title"><a href="([^"]+)"', page) == expected


def test_unknown_paths_are_404(base_url, articles):
    wrong_day = articles[0]["url"].replace("/27/", "/26/")
    for path in (
        "/tidak-ada/",
        "/kategori/tidak-ada/",
        "/2025/10/27/tidak-ada/",
        "/wp-admin/",
        urlsplit(articles[0]["url"]).path + "0/",
    ):
        status, _, page = fetch(base_url + path)
        assert status == 404, path
        assert "Halaman tidak ditemukan" in page
    assert fetch(wrong_day)[0] == 404


def test_foreground_server_prints_its_address_and_serves(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "clippings.demo.site", "--port", "0", "--today", TODAY.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert match, line + process.stderr.read() if process.poll() is not None else line
        assert fetch(match.group(1) + "/robots.txt")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "RuntimeWarning" not in process.stderr.read()


# -- the content itself -----------------------------------------------------------------


def test_content_is_a_realistic_desk_mix(articles):
    assert 10 <= len(articles) <= 12
    for article in articles:
        words = sum(len(p.split()) for p in article["body"])
        assert 150 <= words <= 400, (article["url"], words)
        others = [a["title"] for a in articles if a is not article]
        assert not any(title in p for title in others for p in article["body"])
    relevant = [a for a in articles if a["relevant_to_region"]]
    assert 2 <= len(articles) - len(relevant) <= 3
    for article in articles:
        if article["relevant_to_region"]:
            assert article["urusan"] and set(article["urusan"]) <= set(URUSAN)
            assert article["nilai"] in NILAI and article["sifat"] in SIFAT
            assert article["tindak_lanjut"] in TINDAK_LANJUT
        else:
            assert not article["urusan"] and article["nilai"] is None
    assert {a["nilai"] for a in relevant} == set(NILAI)
    assert {a["tindak_lanjut"] for a in relevant} == set(TINDAK_LANJUT)
    assert "segera" in {a["sifat"] for a in relevant}
    assert sum(1 for a in articles if a["caption"]) > len(articles) / 2


def test_page_noise_constant_matches_what_pages_show(base_url, articles):
    _, _, page = fetch(articles[-1]["url"])
    page = visible(page)
    missing = [p for p in PAGE_NOISE if p not in page and p != "Baca Juga:"]
    assert not missing


# -- the hand-written seed-style fixture ---------------------------------------------------


def test_suarapemalang_like_fixture_is_consistent():
    truth = json.loads((PAGES / "suarapemalang_like.json").read_text(encoding="utf-8"))
    page = visible((PAGES / "suarapemalang_like.html").read_text(encoding="utf-8"))
    assert set(truth) >= {"url", "title", "date", "body", "noise"}
    assert f'<link rel="canonical" href="{truth["url"]}">' in page
    assert f'<h1 class="jeg_post_title">{truth["title"]}</h1>' in page
    text = re.sub(r"<[^>]+>", "", page)
    for paragraph in truth["body"]:
        assert paragraph in text
    for phrase in truth["noise"]:
        assert phrase in page, phrase
        assert not any(phrase in p for p in truth["body"]), phrase
    assert "Senin 27 Oktober 2025" in truth["body"][0]
    assert date.fromisoformat(truth["date"]) == date(2025, 10, 27)
    for marker in MACHINE_DATE_MARKERS:
        assert marker not in page


def test_broken_site_data_is_reported_with_entry_and_key(tmp_path):
    from clippings.demo.content import ARTICLES_FILE, ContentError, load_site_spec

    text = ARTICLES_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "articles.yaml"
    broken.write_text(text.replace("rubric: olahraga", "rubric: sepakbola", 1), encoding="utf-8")
    with pytest.raises(
        ContentError,
        match=r"articles\.\d+ \(ps-comal-muda[^)]*\)\.rubric: unknown category 'sepakbola'",
    ):
        load_site_spec(broken)
    broken.write_text(text.replace("date_style: long", "date_style: tanggal", 1), encoding="utf-8")
    with pytest.raises(ContentError, match=r"articles\.\d+\.date_style"):
        load_site_spec(broken)
