"""Benchmark: article extraction quality, Kliping's extractor next to bare trafilatura.

Run with ``make bench`` or ``.venv/bin/python benchmarks/extraction.py [--pages]``.

Scores every page with ground truth in ``../shared/data/html-fixtures/`` (see its
SOURCE.md): bag-of-tokens precision, recall and F1 of the body (macro-averaged over the
pages of a group), and exact match of title and date where the ground truth has them.
Kliping's side is ``crawler.extract.try_extract_article`` exactly as the crawler calls
it (a rejected page scores an empty body); the other side is ``trafilatura.extract``
with its defaults and metadata on. Both get the page bytes undecoded.

Targets (printed as PASS/FAIL; ``--strict`` exits 1 on a FAIL): Kliping's body F1 >= bare
trafilatura's on every group, and >= 0.95 on the Indonesian pages. Be fair when quoting the figures: two heuristics of
the extractor (the <h1>-versus-metadata title rule and the "Baca juga" link-box pruning)
were tuned while looking at id-local failures, so id-local is not a held-out set for
them; fundus and scrapinghub are.

The data is third-party and lives outside the repository; without it the script says so
and exits 0, except under ``CI=true`` where missing data is an error (exit 2).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402

from crawler.extract import Rejected, try_extract_article  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "html-fixtures"
GROUPS = ("fundus", "scrapinghub", "id-local")
TARGET_INDONESIAN_F1 = 0.95
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter:
    """Word tokens, case-folded: the unit both extractors are scored on."""
    return Counter(_TOKEN.findall((text or "").casefold()))


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 (the article-extraction-benchmark measure)."""
    pred, gold = tokens(predicted), tokens(truth)
    overlap = sum((pred & gold).values())
    if not pred or not gold or not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(gold.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def same_title(predicted: str | None, truth: str) -> bool:
    return " ".join((predicted or "").split()) == " ".join(truth.split())


@dataclass
class Score:
    """Sums over the pages of one group for one extractor."""

    pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    titles: int = 0
    titles_right: int = 0
    dates: int = 0
    dates_right: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def add(self, name: str, truth: dict, body: str, title: str | None, day: str | None) -> None:
        p, r, f = prf(body, truth["body"])
        self.pages += 1
        self.precision += p
        self.recall += r
        self.f1 += f
        if truth.get("title"):
            self.titles += 1
            self.titles_right += same_title(title, truth["title"])
        if truth.get("date"):
            self.dates += 1
            self.dates_right += day == truth["date"]
        if f < 0.8:
            self.failures.append(f"{name} F1={f:.3f}")

    def mean(self, total: float) -> float:
        return total / self.pages if self.pages else 0.0


def kliping(html: bytes, url: str) -> tuple[str, str | None, str | None]:
    try:
        article = try_extract_article(html, url, reference=date.today())
    except Rejected as exc:
        return "", None, f"rejected: {exc.reason}"
    return article.body, article.title, article.published.isoformat() if article.published else None


def bare(html: bytes, url: str) -> tuple[str, str | None, str | None]:
    out = trafilatura.extract(html, url=url, output_format="json", with_metadata=True)
    if not out:
        return "", None, None
    data = json.loads(out)
    return data.get("text") or "", data.get("title"), data.get("date")


def load_pages(group: str) -> list[tuple[str, bytes, dict]]:
    pages = []
    for truth_path in sorted((DATA / group).glob("*.json")):
        html_path = truth_path.with_suffix(".html.gz")
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        pages.append((truth_path.stem, gzip.decompress(html_path.read_bytes()), truth))
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", action="store_true", help="list pages scoring F1 < 0.8")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for noisy in ("trafilatura", "htmldate", "crawler", "courlan"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    missing = [g for g in GROUPS if not (DATA / g).is_dir()]
    if missing:
        message = f"missing extraction ground truth: {', '.join(str(DATA / g) for g in missing)}"
        if os.environ.get("CI") == "true":
            print(f"ERROR: {message}", file=sys.stderr)
            return 2
        print(f"SKIP: {message}")
        return 0

    results: dict[str, dict[str, Score]] = {}
    indonesian = {"kliping": Score(), "bare": Score()}
    for group in GROUPS:
        results[group] = {"kliping": Score(), "bare": Score()}
        for name, html, truth in load_pages(group):
            for label, extractor in (("kliping", kliping), ("bare", bare)):
                started = time.perf_counter()
                body, title, day = extractor(html, truth.get("url") or "")
                elapsed = time.perf_counter() - started
                for score in (results[group][label],) + (
                    (indonesian[label],) if truth.get("language") == "id" else ()
                ):
                    score.add(name, truth, body, title, day)
                    score.seconds += elapsed

    header = f"{'group':<12} {'pages':>5}  {'extractor':<9} {'P':>6} {'R':>6} {'F1':>6}  {'title':>9}  {'date':>9}  {'ms/page':>7}"
    print(header)
    print("-" * len(header))
    rows = [(g, results[g]) for g in GROUPS] + [("indonesian", indonesian)]
    for group, pair in rows:
        for label in ("kliping", "bare"):
            s = pair[label]
            title = f"{s.titles_right}/{s.titles}" if s.titles else "-"
            day = f"{s.dates_right}/{s.dates}" if s.dates else "-"
            print(
                f"{group:<12} {s.pages:>5}  {label:<9} {s.mean(s.precision):6.3f} {s.mean(s.recall):6.3f}"
                f" {s.mean(s.f1):6.3f}  {title:>9}  {day:>9}  {1000 * s.mean(s.seconds):7.1f}"
            )
    print()
    print("id-local is not held out: two extractor heuristics were tuned on its failures.")
    print()
    ok = True
    for group in GROUPS:
        k, b = results[group]["kliping"], results[group]["bare"]
        passed = k.mean(k.f1) >= b.mean(b.f1)
        ok &= passed
        print(
            f"{'PASS' if passed else 'FAIL'}  {group}: Kliping body F1 {k.mean(k.f1):.3f}"
            f" >= bare {b.mean(b.f1):.3f} (ratio {k.mean(k.f1) / max(b.mean(b.f1), 1e-9):.3f})"
        )
    k = indonesian["kliping"]
    passed = k.mean(k.f1) >= TARGET_INDONESIAN_F1
    ok &= passed
    print(
        f"{'PASS' if passed else 'FAIL'}  Indonesian pages ({k.pages}): Kliping body F1"
        f" {k.mean(k.f1):.3f} >= {TARGET_INDONESIAN_F1}"
    )
    if args.pages:
        for group in GROUPS:
            for label in ("kliping", "bare"):
                for failure in results[group][label].failures:
                    print(f"  {group} {label}: {failure}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
