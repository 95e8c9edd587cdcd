"""The stories of the example site, placed in time relative to a chosen "today".

The stories live in ``site/articles.yaml`` as data because they are prose a person edits;
this module validates that file and turns it into dated articles. Dates are relative so
that the demo always shows fresh news and tests can pin the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from babel.dates import format_date
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from classify.labels import NILAI, SIFAT, TINDAK_LANJUT, URUSAN

SITE_DIR = Path(__file__).resolve().parent / "site"
ARTICLES_FILE = SITE_DIR / "articles.yaml"
WIB = timezone(timedelta(hours=7), "WIB")
LOCALE = "id"

DateStyle = Literal["full", "wib", "long", "numeric"]
MachineDate = Literal["meta", "jsonld", "time"]


class ContentError(ValueError):
    """The example site's data file cannot be used; the message names the entry and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Moment(_Strict):
    days_after: int = Field(ge=0)
    time: str = Field(pattern=r"^\d\d:\d\d$")


class _Comment(_Moment):
    name: str = Field(min_length=1)
    text: str = Field(min_length=1)


class _BacaJuga(_Strict):
    after: int = Field(ge=1)
    slug: str


class _Labels(_Strict):
    relevant: bool
    urusan: list[str] = []
    nilai: str | None = None
    sifat: str | None = None
    tindak_lanjut: str | None = None

    @field_validator("urusan")
    @classmethod
    def _known_urusan(cls, value: list[str]) -> list[str]:
        unknown = [u for u in value if u not in URUSAN]
        if unknown:
            raise ValueError(f"unknown urusan keys: {unknown}")
        return value

    @field_validator("nilai", "sifat", "tindak_lanjut")
    @classmethod
    def _known_value(cls, value: str | None, info: ValidationInfo) -> str | None:
        allowed = {"nilai": NILAI, "sifat": SIFAT, "tindak_lanjut": TINDAK_LANJUT}[info.field_name]
        if value is not None and value not in allowed:
            raise ValueError(f"{value!r} is not one of {allowed}")
        return value


class _ArticleSpec(_Strict):
    id: int
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=10)
    rubric: str
    author: str
    days_ago: int = Field(ge=0)
    time: str = Field(pattern=r"^\d\d:\d\d$")
    modified: _Moment | None = None
    date_style: DateStyle
    machine_date: list[MachineDate]
    views: int = 0
    image: str | None = None
    caption: str | None = None
    tags: list[str] = []
    split_after: int | None = None
    baca_juga: _BacaJuga | None = None
    comments: list[_Comment] = []
    labels: _Labels
    paragraphs: list[str] = Field(min_length=2)


class _Category(_Strict):
    slug: str
    name: str


class _Page(_Strict):
    slug: str
    title: str
    paragraphs: list[str]


class _Outlet(_Strict):
    name: str
    short_name: str
    tagline: str
    disclaimer: str


class _SiteSpec(_Strict):
    outlet: _Outlet
    categories: list[_Category]
    pages: list[_Page]
    articles: list[_ArticleSpec]


@dataclass(frozen=True)
class Comment:
    name: str
    when: datetime
    text: str


@dataclass(frozen=True)
class Article:
    """One story as the site publishes it on a given day."""

    id: int
    slug: str
    title: str
    rubric: str  # category display name
    rubric_slug: str
    author: str
    published: datetime  # aware, WIB
    modified: datetime | None
    date_style: DateStyle
    machine_date: tuple[MachineDate, ...]
    views: int
    image: str | None
    caption: str | None
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    split_after: int | None
    baca_juga: tuple[int, str] | None  # (after paragraph N, slug)
    comments: tuple[Comment, ...]
    labels: _Labels
    path: str = field(init=False)

    def __post_init__(self) -> None:
        day = self.published
        object.__setattr__(self, "path", f"/{day:%Y}/{day:%m}/{day:%d}/{self.slug}/")

    @property
    def pages(self) -> int:
        return 2 if self.split_after else 1

    def page_paragraphs(self, page: int) -> tuple[str, ...]:
        """The paragraphs shown on page ``page`` (1-based) of a paginated article."""
        if not self.split_after:
            return self.paragraphs
        return (
            self.paragraphs[: self.split_after]
            if page == 1
            else self.paragraphs[self.split_after :]
        )

    @property
    def lastmod(self) -> datetime:
        return self.modified or self.published


@dataclass(frozen=True)
class Site:
    """Everything the example site shows on a given day."""

    today: date
    outlet: _Outlet
    categories: tuple[_Category, ...]
    pages: tuple[_Page, ...]
    articles: tuple[Article, ...]  # newest first


@cache
def load_site_spec(path: Path = ARTICLES_FILE) -> _SiteSpec:
    """Read and validate the site data once; errors name the file, entry and key so
    whoever edits the stories can fix them without reading this code."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: cannot read the example site data: {exc}") from exc
    try:
        spec = _SiteSpec.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ContentError(f"{path}: {problems}") from exc
    _check_references(spec, path)
    return spec


def _check_references(spec: _SiteSpec, path: Path) -> None:
    """Cross-entry checks pydantic cannot express, so a typo fails at load, not mid-request."""
    slugs = [a.slug for a in spec.articles]
    ids = [a.id for a in spec.articles]
    categories = {c.slug for c in spec.categories}
    problems = []
    if len(set(slugs)) != len(slugs):
        problems.append("duplicate article slug")
    if len(set(ids)) != len(ids):
        problems.append("duplicate article id")
    for n, art in enumerate(spec.articles):
        where = f"articles.{n} ({art.slug})"
        if art.rubric not in categories:
            problems.append(f"{where}.rubric: unknown category {art.rubric!r}")
        if art.baca_juga and art.baca_juga.slug not in slugs:
            problems.append(f"{where}.baca_juga.slug: no article {art.baca_juga.slug!r}")
        if art.split_after and not 0 < art.split_after < len(art.paragraphs):
            problems.append(f"{where}.split_after: must be inside the paragraph list")
        if art.labels.relevant and not (art.labels.urusan and art.labels.nilai):
            problems.append(f"{where}.labels: a relevant story needs urusan and nilai")
    if problems:
        raise ContentError(f"{path}: " + "; ".join(problems))


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def _fill(text: str, published: datetime) -> str:
    """Fill the date placeholders so the story names the weekday it happened on."""
    day = published.date()
    return text.format(
        hari=format_date(day, "EEEE", locale=LOCALE),
        hari_kemarin=format_date(day - timedelta(days=1), "EEEE", locale=LOCALE),
        tgl=f"{day.day}/{day.month}",
    )


def build_site(today: date) -> Site:
    """The site as it looks on ``today``: every article dated relative to that day."""
    spec = load_site_spec()
    names = {c.slug: c.name for c in spec.categories}
    articles = []
    for art in spec.articles:
        published = _at(today - timedelta(days=art.days_ago), art.time)
        modified = (
            _at(published.date() + timedelta(days=art.modified.days_after), art.modified.time)
            if art.modified
            else None
        )
        articles.append(
            Article(
                id=art.id,
                slug=art.slug,
                title=art.title,
                rubric=names[art.rubric],
                rubric_slug=art.rubric,
                author=art.author,
                published=published,
                modified=modified,
                date_style=art.date_style,
                machine_date=tuple(art.machine_date),
                views=art.views,
                image=art.image,
                caption=art.caption,
                tags=tuple(art.tags),
                paragraphs=tuple(_fill(p, published) for p in art.paragraphs),
                split_after=art.split_after,
                baca_juga=(art.baca_juga.after, art.baca_juga.slug) if art.baca_juga else None,
                comments=tuple(
                    Comment(
                        c.name, _at(published.date() + timedelta(days=c.days_after), c.time), c.text
                    )
                    for c in art.comments
                ),
                labels=art.labels,
            )
        )
    articles.sort(key=lambda a: a.published, reverse=True)
    return Site(
        today=today,
        outlet=spec.outlet,
        categories=tuple(spec.categories),
        pages=tuple(spec.pages),
        articles=tuple(articles),
    )


# How each date style prints a publication time; real sites differ, and so must the demo.
def format_published(moment: datetime, style: DateStyle) -> str:
    """The visible date line of an article, in one of the styles Indonesian sites use."""
    if style == "full":  # Senin, 27 Oktober 2025 - 10:00 WIB
        return f"{format_date(moment, 'EEEE, d MMMM y', locale=LOCALE)} - {moment:%H:%M} WIB"
    if style == "wib":  # 27 Oktober 2025 - 10:00 WIB
        return f"{format_date(moment, 'd MMMM y', locale=LOCALE)} - {moment:%H:%M} WIB"
    if style == "long":  # 27 Oktober 2025
        return format_date(moment, "d MMMM y", locale=LOCALE)
    if style == "numeric":  # 27/10/2025 10:00
        return f"{moment:%d/%m/%Y %H:%M}"
    raise ValueError(f"unknown date style {style!r}")


def format_comment_time(moment: datetime) -> str:
    """WordPress's comment stamp: ``28 Oktober 2025 pukul 07.12``."""
    return f"{format_date(moment, 'd MMMM y', locale=LOCALE)} pukul {moment:%H.%M}"
