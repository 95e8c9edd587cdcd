"""From one fetched news page to an :class:`~crawler.items.Article`.

trafilatura finds the article text; around it, Indonesian WordPress themes put menus,
tickers, "Baca Juga" boxes inside the text, share buttons, comment forms and "Baca
Lainnya" lists with dates of other stories. Those are pruned before trafilatura sees the
page, and the metadata a clipping needs (date as printed, rubric, photo caption) is read
from the page itself where trafilatura's defaults miss it.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import htmldate
import lxml.etree
import trafilatura
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author, extract_catstags, extract_sitename, extract_title
from trafilatura.utils import load_html

from crawler.dates import MAX_TEXT_LENGTH, parse_date
from crawler.items import Article
from crawler.overrides import Selected, apply_overrides
from crawler.urls import canonicalize

logger = logging.getLogger(__name__)

# Below this a "body" is a teaser, a caption or an error message, not a news article.
MIN_BODY_CHARS = 200
# A page with this many <article> blocks is a listing (home, category, tag, search).
LISTING_ARTICLE_BLOCKS = 3

# Short blocks that start like a link list inside or after the text.
_LINK_LIST_OPENERS = (
    "baca juga",
    "baca lainnya",
    "lihat juga",
    "simak juga",
    "artikel terkait",
    "berita terkait",
    "baca selengkapnya",
)

# What trafilatura must not see: captions (kept apart), link boxes, pagination, sharing,
# tickers and comment forms. Each rule is bounded so it can never match the text container.
# _mark_boilerplate applies the rules in one Python pass over the page and marks the
# blocks with PRUNE_MARK; as separate XPath expressions (contains() on every element's
# class, once per rule) they cost more than trafilatura's own extraction.
PRUNE_MARK = "data-kliping-prune"
PRUNE_XPATH = [
    # The headline and the line of metadata around it are stored in their own fields.
    "//h1",
    f"//*[@{PRUNE_MARK}]",
]
# (class substrings, blocks with at least this many <p> are kept: 0 = never kept)
_PRUNE_CLASS_RULES: list[tuple[tuple[str, ...], int]] = [
    (("cat-links", "breadcrumb", "entry-meta", "post-meta", "tags-links", "byline"), 2),
    (("page-links", "pagination", "post-navigation"), 0),
    (("share", "social"), 3),
    (("ticker", "breaking"), 0),
    (("related", "terkait"), 3),
]
_COMMENT_IDS = {"comments", "respond"}
_COMMENT_CLASSES = ("comment", "komentar")
_PRUNE_WORDS = re.compile(
    "|".join(
        re.escape(w)
        for w in (
            *(w for words, _ in _PRUNE_CLASS_RULES for w in words),
            *_COMMENT_CLASSES,
            "wp-caption-text",
        )
    )
)
# Short blocks starting with a link-list opener ("Baca juga: ...") are removed by
# _drop_link_boxes.
LINK_BOX_TAGS = ("p", "div", "section", "aside", "h2", "h3", "h4", "strong", "span")
LINK_BOX_MAX_CHARS = 400
_OPENER_CHARS = 24  # longer than every opener in _LINK_LIST_OPENERS

# trafilatura's fast mode first; when its text is shorter than this, the full mode
# (readability and jusText compared) runs too. On benchmarks/extraction.py, fast mode
# alone scored body F1 0.879 on id-local and 0.927 on scrapinghub (full mode 0.959 and
# 0.952); with this retry 0.958 and 0.952.
FAST_MIN_CHARS = 500
# Elements trafilatura deletes anyway (its MANUALLY_CLEANED), removed before it runs so
# its dozen XPath passes walk a page without the theme's scripts, menus and widgets.
# (Its forum-thread test reads ld+json scripts; news pages are not forum threads.)
PRE_STRIP_TAGS = ("head", "script", "style", "noscript", "nav", "aside", "footer", "svg", "iframe")

# Lines that are never article text even when a theme hides them where the rules above
# cannot see (the safety net, matched on whole lines only).
_BOILERPLATE_LINE = re.compile(
    r"^(?:baca (?:juga|lainnya)|lihat juga|simak juga|artikel terkait|berita terkait)\b"
    r"|^tinggalkan (?:balasan|komentar)$"
    r"|^alamat email anda tidak akan dipublikasikan"
    r"|^(?:bagikan|share)\s*:?$"
    r"|^(?:halaman|page)\s*:?\s*\d+(?:\s+\d+)*\s*(?:selanjutnya|berikutnya)?$",
    re.IGNORECASE,
)

# Where a theme prints the date line: class, id or itemprop words.
_DATE_HINT = re.compile(
    r"date|time|posted|publish|tanggal|tgl|waktu|entry-meta|post-meta|byline", re.IGNORECASE
)
# Containers whose dates, captions and categories belong to other stories, matched on
# whole class/id tokens or their dash/underscore parts ("related-posts", "site-footer").
_NOISE_CONTAINER = re.compile(
    r"(?:^|[-_\s])(?:related|terkait|lainnya|widgets?|sidebar|comments?|komentar|footer|ticker|breaking"
    r"|trending|popular|populer|terpopuler|menu|nav|navbar|navigation|recent|terbaru)(?:$|[-_\s])",
    re.IGNORECASE,
)
_NOISE_TAGS = {"nav", "footer", "aside", "form", "script", "style", "noscript"}
# What _is_noise can say yes to (most elements of a page have neither class nor id).
_NOISE_CANDIDATES = lxml.etree.XPath(
    "//*[@class or @id] | " + " | ".join(f"//{tag}" for tag in sorted(_NOISE_TAGS))
)
# A date in the opening paragraphs: a dateline "PEMALANG, Kamis (13/7) -" or a written
# date "..., Senin 27 Oktober 2025." (dateparser decides whether the word is a month).
_TEXT_DATE = re.compile(
    r"(?:\b[A-Z][a-z]+,?\s*)?\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)"
    r"|(?:\b[A-Z][a-z]+,?\s+)?\b\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b"
)
_YEAR = re.compile(r"\b\d{4}\b|/\d{2}\)")
# Opening paragraphs searched for such a date when the page has no date line.
DATE_SEARCH_PARAGRAPHS = 3
_AUTHOR_PREFIX = re.compile(r"^(?:oleh|penulis|reporter|ditulis oleh|by)\s*:?\s*", re.IGNORECASE)


class Rejected(ValueError):
    """A page that is not a usable article, with a short machine-readable reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def extract_article(
    html: str | bytes, url: str, *, reference: date | None = None
) -> Article | None:
    """The article on a page, or ``None`` (reason logged) for listings, errors and empty pages.

    ``reference`` is the day the page was fetched; it bounds the publication date.
    """
    try:
        return try_extract_article(html, url, reference=reference)
    except Rejected as exc:
        logger.info("no article at %s: %s", url, exc)
        return None


def try_extract_article(
    html: str | bytes | HtmlElement,
    url: str,
    *,
    reference: date | None = None,
    overrides: dict[str, Any] | None = None,
    override_misses: list[str] | None = None,
) -> Article:
    """Like :func:`extract_article` but raises :class:`Rejected`, so a crawler can count reasons.

    ``html`` may be a tree parsed by ``trafilatura.utils.load_html``; it is not modified.
    ``overrides`` are the source's CSS selectors (:mod:`crawler.overrides`); the keys whose
    selectors matched nothing are appended to ``override_misses`` for the crawl report.
    """
    reference = reference or date.today()
    if not isinstance(html, HtmlElement) and not (html or "").strip():
        raise Rejected("empty_page")
    tree = load_html(html)
    if tree is None:
        raise Rejected("unparsable_html")
    selected = Selected()
    if overrides:
        tree = copy.deepcopy(tree) if isinstance(html, HtmlElement) else tree
        selected = apply_overrides(tree, overrides, url)
        if override_misses is not None:
            override_misses.extend(selected.misses)
    page = _without_noise(tree)
    page_type = _meta(tree, "og:type").lower()
    # A page that declares itself an article is one, whatever its related-story blocks use
    # for markup; otherwise several <article> teasers mean a listing. Comment threads use
    # <article> too; they are gone from `page`. A body the source's selector found is one.
    blocks = len(page.xpath("//article[not(ancestor::article)]"))
    if page_type != "article" and blocks >= LISTING_ARTICLE_BLOCKS and not selected.paragraphs:
        raise Rejected("listing_page", f"{blocks} <article> blocks")

    caption = _caption(page)
    if selected.paragraphs:
        text = "\n".join(selected.paragraphs)
    else:
        text = _trafilatura_text(tree, url)
    metadata = _Metadata(tree, url, page)

    title = selected.title or _title(tree, page, url) or (metadata.title or "").strip()
    rubric = _rubric(tree, page, metadata)
    paragraphs = _paragraphs(text, caption)
    # Themes that print the rubric and headline inside the text block.
    while paragraphs and paragraphs[0] in {title, rubric}:
        paragraphs.pop(0)
    body = "\n".join(paragraphs)
    if len(body) < MIN_BODY_CHARS:
        raise Rejected("too_short", f"{len(body)} characters of text")
    if not title:
        raise Rejected("no_title")

    published, published_text = None, ""
    if selected.date_text:
        published = parse_date(selected.date_text, reference=reference)
        published_text = selected.date_text if published else ""
        if published is None:
            logger.warning(
                "override date %r on %s is no date; using the default", selected.date_text, url
            )
            if override_misses is not None:
                override_misses.append("date")
    if published is None:
        published, published_text = _published(page, url, paragraphs, reference)
    if published is None and page_type and page_type != "article":
        # "Redaksi", "Pedoman Media Siber", "Tentang Kami": static pages a sitemap lists.
        raise Rejected("not_news", f"og:type {page_type!r} and no publication date")
    canonical = _canonical_url(tree, url)
    date_problem = "" if published else _date_problem(tree, page, reference)
    return Article(
        url=url,
        canonical_url=canonical,
        title=title,
        body=body,
        published=published,
        published_text=published_text,
        authors=_authors(tree, page, metadata),
        publisher=(metadata.sitename or "").strip() or urlsplit(url).hostname or "",
        rubric=rubric,
        caption=caption,
        image_url=_image(tree, url, metadata),
        language=_language(tree, metadata),
        date_problem=date_problem,
    )


def _trafilatura_text(tree: HtmlElement, url: str) -> str:
    """The main text trafilatura finds once boxes, captions and sharing are pruned."""
    text = _main_text(tree, url)
    if text is None:
        raise Rejected("empty_body", "trafilatura found no main text")
    return text


def _main_text(tree: HtmlElement, url: str) -> str | None:
    """trafilatura's text of a page (``None`` if it finds none), shared by page 1 and
    its continuation pages so both are pruned and extracted alike; ``tree`` is unchanged.

    trafilatura's fast mode runs first: its full mode also runs readability and jusText
    and compares, which costs about as much again. The full mode runs only when the fast
    text looks like a miss (shorter than ``FAST_MIN_CHARS``).
    """
    work = copy.deepcopy(tree)
    lxml.etree.strip_elements(work, *PRE_STRIP_TAGS, with_tail=False)
    _drop_link_boxes(work)
    _mark_boilerplate(work)
    text = None
    for fast in (True, False):
        document = trafilatura.bare_extraction(
            work,
            url=url,
            fast=fast,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            # trafilatura's metadata is only a fallback for what the page's own markup
            # lacks (and its date search runs htmldate a second time): see _Metadata.
            with_metadata=False,
            prune_xpath=PRUNE_XPATH,
        )
        if document is not None:
            text = document.text or ""
            if len(text) >= FAST_MIN_CHARS:
                break
    return text


class _Metadata:
    """trafilatura's metadata of a page as fallbacks, each computed on first use only.

    Most pages never need them: title, date, authors, rubric and image come from the
    page's own markup first. Each field uses trafilatura's function for it, not its full
    metadata pass (which also runs htmldate and costs as much as the text extraction).
    """

    def __init__(self, tree: HtmlElement, url: str, page: HtmlElement | None = None) -> None:
        self._tree = tree
        self._url = url
        # The page without other stories' blocks: where a byline can only be this story's.
        self._page = tree if page is None else page

    @property
    def sitename(self) -> str | None:
        return _meta(self._tree, "og:site_name") or extract_sitename(self._tree)

    @property
    def title(self) -> str | None:
        return extract_title(self._tree)

    @property
    def author(self) -> str | None:
        author = extract_author(self._page)
        # trafilatura's own rule: a single word is a site or a desk, not a person.
        return author if author and " " in author else None

    @property
    def categories(self) -> list[str]:
        return extract_catstags("category", self._tree)

    @property
    def image(self) -> str | None:
        return None  # og:image and twitter:image are read by _image already

    @property
    def language(self) -> str | None:
        return _meta(self._tree, "og:locale") or (
            self._tree.xpath("string(//meta[@http-equiv='content-language']/@content)") or None
        )


def extract_body(html: str | bytes | HtmlElement, url: str) -> str:
    """The text of one continuation page ("Halaman 2") of an article; '' if there is none."""
    tree = html if isinstance(html, HtmlElement) else load_html(html)
    if tree is None:
        return ""
    return "\n".join(_paragraphs(_main_text(tree, url) or "", ""))


def _leading_text(node: HtmlElement, wanted: int = _OPENER_CHARS) -> str:
    """The first ``wanted`` characters a reader sees in ``node``, whitespace collapsed."""
    out = ""
    for chunk in node.itertext():
        out = " ".join(f"{out} {chunk}".split())
        if len(out) >= wanted:
            break
    return out.casefold()


def _drop_link_boxes(tree: HtmlElement) -> None:
    """Remove short blocks that open like a link list ("Baca juga: ...") inside the text."""
    doomed = []
    for node in tree.iter(*LINK_BOX_TAGS):
        lead = " ".join((node.text or "")[: 2 * _OPENER_CHARS].split()).casefold()
        if lead and not any(o.startswith(lead) or lead.startswith(o) for o in _LINK_LIST_OPENERS):
            continue  # the common case, decided without walking the block's text
        if not _leading_text(node).startswith(_LINK_LIST_OPENERS):
            continue
        if len(" ".join(node.text_content().split())) < LINK_BOX_MAX_CHARS:
            doomed.append(node)
    for node in doomed:
        # An outer box already removed takes its inner ones along.
        if node.getparent() is not None:
            node.drop_tree()


def _fewer_paragraphs(node: HtmlElement, limit: int) -> bool:
    if limit == 0:
        return True
    count = 0
    for _ in node.iter("p"):
        count += 1
        if count >= limit:
            return False
    return True


def _mark_boilerplate(tree: HtmlElement) -> None:
    """Mark (``PRUNE_MARK``) captions, meta lines, sharing, tickers, related lists, comments."""
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        classes = node.get("class") or ""
        if node.tag != "figcaption" and not node.get("id") and not _PRUNE_WORDS.search(classes):
            continue  # most elements: one regex over the class says nothing applies
        doomed = node.tag == "figcaption" or "wp-caption-text" in classes.split()
        if not doomed and classes:
            doomed = any(
                any(word in classes for word in words) and _fewer_paragraphs(node, limit)
                for words, limit in _PRUNE_CLASS_RULES
            )
        if not doomed and (
            node.get("id") in _COMMENT_IDS or any(w in classes for w in _COMMENT_CLASSES)
        ):
            # A theme's wrapper classed "comments-open" around the whole article stays.
            doomed = next(node.iter("h1"), None) is None
        if doomed:
            node.set(PRUNE_MARK, "")


def _max_date(reference: date) -> str:
    return (reference + timedelta(days=1)).isoformat()


def _paragraphs(text: str, caption: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not line or _BOILERPLATE_LINE.search(line) or (caption and line == caption):
            continue
        out.append(line)
    return out


def _meta(tree: HtmlElement, *names: str) -> str:
    """The first non-empty ``<meta>`` content named (property, name or itemprop) by the
    first of ``names`` the page has."""
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        content = (node.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            found.setdefault(node.get(attribute) or "", content)
    for name in names:
        if name in found:
            return found[name]
    return ""


def _json_ld(tree: HtmlElement) -> list[dict]:
    found: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, dict):
                found.append(node)
                stack.extend(node.get("@graph", []) if isinstance(node.get("@graph"), list) else [])
            elif isinstance(node, list):
                stack.extend(node)
    return found


def _title(tree: HtmlElement, page: HtmlElement, url: str) -> str:
    """The headline as printed, without the site name that <title> and og:title append.

    An <h1> is trusted when it is most of a metadata title (many themes also use <h1> for
    the section name or the logo); otherwise the metadata title loses its site suffix.
    """
    declared = [
        _meta(tree, "og:title", "twitter:title"),
        " ".join(" ".join(tree.xpath("//title//text()")).split()),
        *(n.get("headline", "") for n in _json_ld(tree) if isinstance(n.get("headline"), str)),
    ]
    declared = [" ".join(d.split()) for d in declared if d and d.strip()]
    headings = [" ".join(h.text_content().split()) for h in page.xpath("//h1")]
    headings = [h for h in headings if len(h) > 3]
    for heading in sorted(headings, key=len, reverse=True):
        # Most of a declared title, not a section word inside it ("Regional", "Gaya").
        if any(
            heading.casefold() in d.casefold() and len(heading) >= 0.6 * len(d) for d in declared
        ):
            return heading
    site_names = {_meta(tree, "og:site_name").casefold(), (urlsplit(url).hostname or "").casefold()}
    site_names |= {n.removeprefix("www.") for n in site_names}
    for title in declared:
        stripped = _strip_site_name(title, site_names - {""})
        if stripped:
            return stripped
    return headings[0] if len(headings) == 1 else ""


_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•]\s+")


def _strip_site_name(title: str, site_names: set[str]) -> str:
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1:
        last = parts[-1].casefold()
        if any(last in name or name.split(".")[0] in last for name in site_names if name):
            return (
                _TITLE_SEPARATOR.split(title, maxsplit=len(parts) - 2)[0]
                if len(parts) > 2
                else parts[0]
            )
    return title


def _caption(tree: HtmlElement) -> str:
    for node in tree.xpath(
        "//figure//figcaption | //*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]"
    ):
        text = _visible_text(node)
        if text:
            return text
    return ""


def _visible_text(node: HtmlElement) -> str:
    """Text a reader sees as words: no button labels ("Perbesar") or icon-font ligatures."""
    node = copy.deepcopy(node)
    for child in node.xpath(
        ".//button | .//script | .//style | .//svg | .//*[contains(@class, 'icon')]"
    ):
        child.drop_tree()
    return " ".join(node.text_content().split())


def _is_noise(node: HtmlElement) -> bool:
    if node.tag in _NOISE_TAGS:
        return True
    marks = f"{node.get('class', '')} {node.get('id', '')}"
    return marks != " " and _NOISE_CONTAINER.search(marks) is not None


def _without_noise(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without the blocks that hold other stories' metadata.

    A block holding the headline is never removed, whatever its class says, so a theme's
    ``<div class="has-sidebar">`` around everything cannot take the article with it.
    """
    clean = copy.deepcopy(tree)
    doomed = [
        node
        for node in _NOISE_CANDIDATES(clean)
        if node.tag not in {"html", "body"}
        and _is_noise(node)
        and next(node.iter("h1"), None) is None
    ]
    for node in doomed:
        # drop_tree keeps the tail text, which belongs to the parent.
        node.drop_tree()
    return clean


def _published(
    tree: HtmlElement, url: str, paragraphs: list[str], reference: date
) -> tuple[date | None, str]:
    """The publication day and the text it was read from, most trustworthy source first.

    1. metadata (htmldate without its free-text search, which would pick the dates of the
       "Baca Lainnya" list; ``tree`` has those lists removed anyway);
    2. the date line a reader sees next to the headline;
    3. a full date written in the opening paragraphs ("..., Senin 27 Oktober 2025.");
    4. a dateline without a year ("Kamis (13/7)"), placed in the year of ``reference`` or
       the one before: right for a daily crawl, a guess for an archive.

    htmldate's free-text search is not used: it turns an upload path ".../2025/10/" into
    "2025-10-01" and finds "sejak tahun 2019" on a static page, and a wrong date misfiles
    a clipping where a missing one is noticed.
    """
    max_date = _max_date(reference)
    shown = _visible_date(tree, reference)
    found = htmldate.find_date(
        tree, extensive_search=False, original_date=True, url=url, max_date=max_date
    )
    if found:
        day = date.fromisoformat(found)
        return day, shown[1] if shown and shown[0] == day else found
    if shown:
        return shown
    yearless = []
    for paragraph in paragraphs[:DATE_SEARCH_PARAGRAPHS]:
        for match in _TEXT_DATE.finditer(paragraph):
            if not _YEAR.search(match.group(0)):
                yearless.append(match.group(0))
                continue
            day = parse_date(match.group(0), reference=reference)
            if day:
                return day, match.group(0)
    for text in yearless:
        day = parse_date(text, reference=reference)
        if day:
            return day, text
    logger.info("no publication date found on %s", url)
    return None, ""


# A reference no real date is after: a date line read against it keeps its own year.
_FAR_FUTURE = date(9000, 1, 1)


def _date_problem(tree: HtmlElement, page: HtmlElement, reference: date) -> str:
    """Why a page has no usable date: "future: <text>" when it names a day after
    ``reference`` (a wrong clock or a typo, rejected on purpose), else "none"."""
    texts = [_meta(tree, "article:published_time", "datePublished", "pubdate")]
    texts += [
        " ".join(node.text_content().split())
        for node in page.iter()
        if isinstance(node.tag, str)
        and (
            node.tag == "time" or _DATE_HINT.search(f"{node.get('class', '')} {node.get('id', '')}")
        )
    ]
    for text in texts:
        if not text or len(text) > MAX_TEXT_LENGTH:
            continue
        day = parse_date(text, reference=_FAR_FUTURE)
        if day and day > reference + timedelta(days=1):
            return f"future: {text}"
    return "none"


def _visible_date(tree: HtmlElement, reference: date) -> tuple[date, str] | None:
    hinted = []
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in {"script", "style", "head", "meta"}:
            continue
        marks = f"{node.get('class', '')} {node.get('id', '')} {node.get('itemprop', '')}"
        if node.tag == "time" or (marks.strip() and _DATE_HINT.search(marks)):
            hinted.append(node)
    hinted_set = set(hinted)
    # The innermost hinted elements: "posted-on" rather than the whole "entry-meta".
    for node in hinted:
        if any(d in hinted_set for d in node.iterdescendants()):
            continue
        text = " ".join(node.text_content().split())
        if (
            not text
            or len(text) > MAX_TEXT_LENGTH
            or not re.search(r"\d|kemarin", text, re.IGNORECASE)
        ):
            continue
        day = parse_date(text, reference=reference)
        if day:
            return day, text
    return None


def _canonical_url(tree: HtmlElement, url: str) -> str:
    for candidate in (*tree.xpath("//link[@rel='canonical']/@href"), _meta(tree, "og:url")):
        candidate = (candidate or "").strip()
        if not candidate:
            continue
        absolute = urljoin(url, candidate)
        try:
            canonical = canonicalize(absolute)
        except ValueError:
            continue
        # A theme that points every page to the home page would merge all articles.
        if urlsplit(canonical).path in {"", "/"} and urlsplit(url).path not in {"", "/"}:
            logger.info("ignoring canonical %s of %s: it is the home page", candidate, url)
            continue
        return canonical
    return canonicalize(url)


def _authors(tree: HtmlElement, page: HtmlElement, metadata: _Metadata) -> list[str]:
    """Bylines from markup meant for them, before trafilatura's guess."""
    names: list[str] = []
    for node in _json_ld(tree):
        found = node.get("author")
        for person in found if isinstance(found, list) else [found]:
            if isinstance(person, dict) and isinstance(person.get("name"), str):
                names.append(person["name"])
            elif isinstance(person, str):
                names.append(person)
        if names:
            break
    if not names:
        meta = _meta(page, "author", "article:author")
        if meta and not meta.startswith("http"):
            names = meta.split(";")
    if not names:
        names = [
            _visible_text(a)
            for a in page.xpath(
                "//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
                " | //*[contains(@class, 'author')]//a[contains(@href, '/author/') or contains(@href, '/penulis/')]"
            )
        ]
    if not names and metadata.author:
        names = metadata.author.split(";")
    out: list[str] = []
    for raw in names:
        name = _AUTHOR_PREFIX.sub("", " ".join(raw.split())).strip(" :-|")
        if 1 < len(name) <= 80 and name not in out:
            out.append(name)
    return out


def _rubric(tree: HtmlElement, page: HtmlElement, document) -> str:
    section = _meta(tree, "article:section", "articleSection")
    if section:
        return section
    for node in _json_ld(tree):
        value = node.get("articleSection")
        if isinstance(value, list):
            value = value[0] if value else ""
        if isinstance(value, str) and value.strip():
            return value.strip()
    for node in page.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"):
        text = " ".join(node.text_content().split())
        if text:
            return text
    # Breadcrumbs often sit in a <nav>, which `page` no longer has.
    crumbs = tree.xpath(
        "//*[contains(@class, 'breadcrumb') or @itemtype='https://schema.org/BreadcrumbList'"
        " or @itemtype='http://schema.org/BreadcrumbList']//a"
    )
    names = [" ".join(a.text_content().split()) for a in crumbs]
    names = [n for n in names if n and n.lower() not in {"home", "beranda"}]
    if names:
        return names[-1]
    categories = getattr(document, "categories", None) or []
    return categories[0] if categories else ""


def _image(tree: HtmlElement, url: str, document) -> str:
    image = _meta(tree, "og:image", "twitter:image") or (document.image or "")
    return urljoin(url, image) if image else ""


def _language(tree: HtmlElement, document) -> str:
    lang = (tree.get("lang") or "").strip() or (document.language or "")
    return lang.split("-")[0].split("_")[0].lower()
