"""A press release printed by several outlets is one story for the office: one page,
naming every outlet, not three pages asking for three answers."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from clippings.db import open_db
from clippings.regions import load_region
from clippings.sheet import compose_sheet, render_html

REGION = load_region(str(Path(__file__).resolve().parent / "regions" / "kota-contoh.yaml"))
DAY = date(2024, 10, 4)
RELEASE = (
    "Pemerintah Kota Contoh membuka pendaftaran beasiswa bagi pelajar dari keluarga "
    "kurang mampu mulai pekan depan.\nPendaftaran dilakukan di kantor kelurahan masing-masing."
)


def _article(db, n: int, publisher: str, cluster_id: int | None, title: str, body: str) -> int:
    url = f"https://media{n}.test/berita/{n}"
    article_id = db["articles"].insert({
        "url": url, "canonical_url": url, "title": title, "body": body,
        "published": "2024-10-04", "publisher": publisher,
        "content_hash": hashlib.sha256(f"{n}{title}{body}".encode()).hexdigest(),
        "cluster_id": cluster_id,
    }).last_pk
    db["labels"].insert({
        "article_id": article_id, "region": REGION.id, "origin": "model", "relevant": 1,
        "urusan": json.dumps(["pendidikan"]), "instansi": json.dumps([]),
        "nilai": "positif", "sifat": "biasa", "tindak_lanjut": "diketahui",
    })
    return article_id


def test_copies_of_one_release_print_once_with_every_outlet(tmp_path):
    db = open_db(tmp_path / "k.db")
    first = _article(db, 1, "Harian Contoh", None, "Beasiswa Pelajar Dibuka", RELEASE)
    db["articles"].update(first, {"cluster_id": first})
    _article(db, 2, "Warta Contoh", first, "Pemkot Buka Beasiswa Pelajar", RELEASE)
    _article(db, 3, "Suara Contoh", first, "Beasiswa untuk Pelajar Kurang Mampu", RELEASE)
    other = _article(db, 4, "Harian Contoh", None, "Festival Budaya Digelar",
                     "Festival budaya digelar di alun-alun kota selama tiga hari.")

    sheet = compose_sheet(db, REGION, DAY)

    assert sorted(item.article_id for item in sheet.items) == [first, other]
    story = next(item for item in sheet.items if item.article_id == first)
    assert [publisher for publisher, _ in story.also_in] == ["Warta Contoh", "Suara Contoh"]
    html = render_html(sheet)
    assert "Dimuat di 3 media" in html
    assert "https://media3.test/berita/3" in html
