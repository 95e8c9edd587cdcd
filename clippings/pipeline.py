"""The desk's morning job in one call: crawl, classify, publish the signed sheet.

``kliping run`` and ``kliping demo`` both go through :func:`run_daily`, so the demo exercises
exactly the path a real desk uses.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from classify.model import load_classifier
from clippings.db import open_db
from clippings.labeling import label_articles
from clippings.regions import Region
from clippings.sheet import publish_sheet
from crawler.run import run_crawl

logger = logging.getLogger(__name__)


@dataclass
class Paths:
    """Where one installation keeps its files; everything lives below ``home``."""

    home: Path

    @property
    def db(self) -> Path:
        return self.home / "kliping.db"

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def sheets(self) -> Path:
        return self.home / "sheets"

    @property
    def certs(self) -> Path:
        return self.home / "certs"


@dataclass
class DailyReport:
    pages_fetched: int
    articles_new: int
    articles_total: int
    relevant: int
    nilai: Counter = field(default_factory=Counter)
    sheet_html: Path | None = None
    sheet_pdf: Path | None = None
    sheet_id: int | None = None
    crawl: dict = field(default_factory=dict)

    def summary(self) -> str:
        per_nilai = ", ".join(f"{k} {self.nilai.get(k, 0)}" for k in ("positif", "negatif", "netral"))
        return (
            f"{self.pages_fetched} halaman diambil, {self.articles_new} artikel baru "
            f"({self.articles_total} tersimpan), {self.relevant} relevan: {per_nilai}"
        )


def _relevant_by_nilai(db, region: Region) -> Counter:
    """Count the effective labels (desk over model) of the region's relevant articles."""
    rows = db.execute(
        "SELECT nilai FROM effective_labels WHERE region = ? AND relevant = 1", [region.id]
    ).fetchall()
    return Counter(r[0] for r in rows)


def run_daily(
    region: Region,
    *,
    sources: list[dict],
    paths: Paths,
    day: date,
    p12_path: Path,
    p12_password: str,
    crawl_settings: dict | None = None,
    trust_roots: list[Path] | None = None,
    tsa_url: str | None = None,
) -> DailyReport:
    crawl = run_crawl(
        sources,
        db_path=paths.db,
        raw_dir=paths.raw,
        settings=crawl_settings,
        reference=day,
        region=region.id,
    )
    db = open_db(paths.db)
    label_articles(db, region, load_classifier())
    sheet = publish_sheet(
        db, region, day, out_dir=paths.sheets, p12_path=p12_path, password=p12_password,
        trust_roots=trust_roots, tsa_url=tsa_url,
    )
    nilai = _relevant_by_nilai(db, region)
    return DailyReport(
        pages_fetched=crawl.get("pages_fetched", 0),
        articles_new=crawl.get("articles", {}).get("new", 0),
        articles_total=db["articles"].count,
        relevant=sum(nilai.values()),
        nilai=nilai,
        sheet_html=Path(sheet["html_path"]) if sheet else None,
        sheet_pdf=Path(sheet["pdf_path"]) if sheet else None,
        sheet_id=sheet["id"] if sheet else None,
        crawl=crawl,
    )
