"""Near-duplicates: one press release printed by many outlets is one story.

A Diskominfo or police press release reaches the desk through five portals with a new
headline, a dateline and a sentence cut here and there. Exact hashes miss that; the desk
wants one story "dimuat di N media" with every link. Each stored article gets a MinHash
of its body's word 5-gram shingles (datasketch); an LSH index over the recent articles
finds candidates whose estimated Jaccard similarity is at least ``threshold``, and the
article joins their cluster. ``articles.cluster_id`` is the id of the cluster's first
article; an article like no other keeps NULL.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from datasketch import LeanMinHash, MinHash, MinHashLSH
from sqlite_utils import Database

logger = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE_WORDS = 5
# Press-release copies with light edits score 0.5-0.9 on 5-word shingles; two stories
# on the same topic by different reporters score well under 0.2.
THRESHOLD = 0.5
# Syndication happens within days; older articles are not indexed.
WINDOW_DAYS = 14
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word ``size``-grams of the case-folded text (the whole text if it is shorter)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


# The permutation parameters depend only on NUM_PERM and the seed; drawing them anew
# for every article was a fifth of the signature's cost.
_TEMPLATE = MinHash(num_perm=NUM_PERM)


def signature(body: str) -> LeanMinHash:
    """The MinHash of an article body."""
    minhash = MinHash(
        num_perm=NUM_PERM, permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme
    )
    minhash.update_batch(list(shingles(body)))
    return LeanMinHash(minhash)


def to_bytes(minhash: LeanMinHash) -> bytes:
    buffer = bytearray(minhash.bytesize())
    minhash.serialize(buffer)
    return bytes(buffer)


def from_bytes(data: bytes) -> LeanMinHash:
    return LeanMinHash.deserialize(bytearray(data))


@dataclass
class ClusterIndex:
    """The LSH index of recent articles' signatures, kept in memory for one crawl."""

    threshold: float = THRESHOLD
    lsh: MinHashLSH | None = None
    signatures: dict[int, LeanMinHash] | None = None

    @classmethod
    def load(
        cls, db: Database, *, window_days: int = WINDOW_DAYS, threshold: float = THRESHOLD
    ) -> ClusterIndex:
        """Index the signatures of articles fetched in the last ``window_days`` days."""
        index = cls(threshold, MinHashLSH(threshold=threshold, num_perm=NUM_PERM), {})
        since = (datetime.now(UTC) - timedelta(days=window_days)).isoformat(timespec="seconds")
        for row in db.query(
            "select s.article_id, s.minhash from article_shingles s"
            " join articles a on a.id = s.article_id where a.fetched_at >= ?",
            [since],
        ):
            index._insert(row["article_id"], from_bytes(row["minhash"]))
        return index

    def _insert(self, article_id: int, minhash: LeanMinHash) -> None:
        key = str(article_id)
        if key not in self.lsh.keys:
            self.lsh.insert(key, minhash)
        self.signatures[article_id] = minhash

    def add(self, db: Database, article_id: int, body: str, minhash: bytes = b"") -> int | None:
        """Store the article's signature and put it in the cluster of its near-duplicates.

        ``minhash`` is the body's signature when already computed (by an extraction
        worker). Returns the cluster id (``None`` when the article is like no other).
        Meant to run inside the transaction that stores the article.
        """
        stored = minhash or b""
        minhash = from_bytes(stored) if stored else signature(body)
        db.execute(
            "insert or replace into article_shingles (article_id, minhash) values (?, ?)",
            [article_id, stored or to_bytes(minhash)],
        )
        matches = [
            int(key)
            for key in self.lsh.query(minhash)
            if int(key) != article_id
            and minhash.jaccard(self.signatures[int(key)]) >= self.threshold
        ]
        self._insert(article_id, minhash)
        if not matches:
            return None
        members = [article_id, *matches]
        marks = ",".join("?" * len(members))
        clusters = {
            row["cluster_id"]
            for row in db.query(
                f"select cluster_id from articles where id in ({marks}) and cluster_id is not null",
                members,
            )
        }
        # Merging clusters joined by this article: everyone takes the smallest id.
        cluster_id = min([*members, *clusters])
        everyone = set(members)
        for old in clusters:
            everyone |= {
                r["id"] for r in db.query("select id from articles where cluster_id = ?", [old])
            }
        marks = ",".join("?" * len(everyone))
        db.execute(
            f"update articles set cluster_id = ? where id in ({marks})", [cluster_id, *everyone]
        )
        return cluster_id


def cluster_members(db: Database, cluster_id: int) -> list[dict]:
    """The articles of one story as printed by each outlet: publisher, title, url, date."""
    return list(
        db.query(
            "select id, publisher, title, url, published from articles"
            " where cluster_id = ? order by published, id",
            [cluster_id],
        )
    )


def media_count(db: Database, cluster_id: int) -> int:
    """How many outlets ran the story: "dimuat di N media"."""
    row = db.execute(
        "select count(distinct coalesce(source_id, publisher)) from articles where cluster_id = ?",
        [cluster_id],
    ).fetchone()
    return int(row[0])
