"""A press release printed by three outlets is one story; a report on the same topic is not."""

from __future__ import annotations

from datetime import date

import pytest

from clippings.db import open_db
from crawler.items import Article
from crawler.near_duplicates import ClusterIndex, cluster_members, media_count, signature
from crawler.pipelines import NEW, store_article

RELEASE = [
    "Pemerintah Kabupaten Pemalang menyalurkan bantuan beras cadangan pangan kepada 12.400 keluarga penerima manfaat di empat belas kecamatan mulai Senin pagi.",
    "Setiap keluarga menerima sepuluh kilogram beras yang dapat diambil di kantor desa masing-masing dengan membawa kartu keluarga dan undangan dari pemerintah desa.",
    "Kepala Dinas Ketahanan Pangan menjelaskan penyaluran dilakukan bertahap selama tiga bulan agar harga beras di pasar tradisional tetap terkendali menjelang akhir tahun.",
    "Warga yang belum menerima undangan tetapi merasa berhak diminta melapor ke pemerintah desa agar datanya diperiksa ulang oleh petugas pendamping sosial.",
    "Pemerintah kabupaten juga membuka layanan pengaduan melalui nomor WhatsApp resmi dinas untuk laporan penyaluran yang tidak sesuai ketentuan.",
]

# Three outlets: the release as sent, with a dateline and a cut sentence, with a new
# opening line and a reworded close.
OUTLETS = {
    "https://kabarpesisir.example/berita/bantuan-beras": ("Kabar Pesisir", RELEASE),
    "https://suarapantura.example/2025/10/bantuan-beras-12-ribu-keluarga": (
        "Suara Pantura",
        ["PEMALANG - " + RELEASE[0], RELEASE[1], RELEASE[2], RELEASE[4]],
    ),
    "https://wartapemalang.example/read/8812/beras-cadangan-pangan": (
        "Warta Pemalang",
        [
            "Kabar gembira bagi warga kurang mampu di Pemalang.",
            *RELEASE[:4],
            "Layanan pengaduan juga dibuka lewat nomor WhatsApp resmi dinas bagi warga yang menemukan penyaluran tidak sesuai.",
        ],
    ),
}

# Same topic, written by a reporter: rice aid, Pemalang, but other words.
OWN_REPORT = [
    "Antrean warga terlihat mengular di balai Desa Widuri sejak pukul tujuh pagi untuk mengambil jatah beras bantuan pemerintah.",
    "Sejumlah lansia mengaku harus menunggu hampir dua jam karena petugas desa mencocokkan data satu per satu dengan daftar penerima.",
    "Kepala desa meminta maaf atas antrean panjang itu dan berjanji menambah meja pelayanan pada pembagian tahap berikutnya bulan depan.",
    "Menurut warga, beras yang diterima kali ini lebih bagus dibanding pembagian sebelumnya yang sempat dikeluhkan karena berbau apek.",
]


def _article(url: str, publisher: str, paragraphs: list[str], title: str) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        title=title,
        body="\n".join(paragraphs),
        published=date(2025, 10, 27),
        publisher=publisher,
        language="id",
    )


@pytest.fixture
def stored(tmp_path):
    db = open_db(tmp_path / "k.db")
    clusters = ClusterIndex.load(db)
    ids = {}
    for n, (url, (publisher, paragraphs)) in enumerate(OUTLETS.items()):
        result = store_article(
            db,
            _article(url, publisher, paragraphs, f"Bantuan Beras untuk 12.400 Keluarga ({n})"),
            raw_dir=tmp_path,
            clusters=clusters,
        )
        assert result.outcome == NEW
        ids[url] = result.article_id
    own = store_article(
        db,
        _article(
            "https://kabarpesisir.example/berita/antrean-beras-widuri",
            "Kabar Pesisir",
            OWN_REPORT,
            "Antrean Panjang Warga Widuri Ambil Beras Bantuan",
        ),
        raw_dir=tmp_path,
        clusters=clusters,
    )
    yield db, ids, own.article_id
    db.close()


def test_copies_of_one_release_form_one_cluster(stored):
    db, ids, _ = stored
    clusters = {db["articles"].get(i)["cluster_id"] for i in ids.values()}
    assert clusters == {min(ids.values())}
    cluster = clusters.pop()
    assert media_count(db, cluster) == 3
    members = cluster_members(db, cluster)
    assert {m["url"] for m in members} == set(OUTLETS)
    assert {m["publisher"] for m in members} == {"Kabar Pesisir", "Suara Pantura", "Warta Pemalang"}


def test_own_report_on_the_same_topic_stays_alone(stored):
    db, ids, own = stored
    assert db["articles"].get(own)["cluster_id"] is None
    release = signature("\n".join(RELEASE))
    assert release.jaccard(signature("\n".join(OWN_REPORT))) < 0.1


def test_index_reloaded_by_the_next_crawl_finds_old_copies(stored, tmp_path):
    db, ids, _ = stored
    fresh = ClusterIndex.load(db)  # what the next crawl's pipeline starts with
    late = _article(
        "https://portaljateng.example/news/bantuan-beras-pemalang",
        "Portal Jateng",
        ["SEMARANG - " + RELEASE[0], *RELEASE[1:]],
        "Pemalang Salurkan Beras Cadangan Pangan",
    )
    result = store_article(db, late, raw_dir=tmp_path, clusters=fresh)
    assert result.cluster_id == min(ids.values())
    assert media_count(db, result.cluster_id) == 4


def test_signature_is_datasketchs_minhash_so_stored_signatures_still_compare():
    """Signatures in article_shingles from earlier crawls meet this crawl's in the index."""
    from datasketch import LeanMinHash, MinHash

    from crawler.near_duplicates import shingles

    text = "\n".join(RELEASE)
    plain = MinHash(num_perm=signature(text).hashvalues.size)
    plain.update_batch(list(shingles(text)))
    assert signature(text) == LeanMinHash(plain)
