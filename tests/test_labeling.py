"""Model labels land in the database beside the desk's, relevant only for the region they name."""

from __future__ import annotations

import json

import pytest

from classify.model import load_classifier
from clippings.db import open_db
from clippings.labeling import label_articles
from clippings.regions import Region
from tests.test_classify_gazetteer import REGION

ARTICLES = [
    {
        "title": "Jalan Kabupaten di Kecamatan Cibiru Rusak Parah, Warga Tanam Pohon Pisang",
        "body": (
            "Warga Desa Mekarsari, Kecamatan Cibiru, Kabupaten Sukamaju, menanam pohon pisang di tengah "
            "jalan kabupaten yang rusak parah sebagai bentuk protes. Lubang besar sepanjang dua kilometer "
            "itu sudah setahun tidak diperbaiki dan beberapa pengendara sepeda motor terjatuh.\n"
            "Kepala Dinas Pekerjaan Umum dan Penataan Ruang (DPUPR) Sukamaju mengatakan perbaikan jalan "
            "baru dianggarkan dalam APBD perubahan tahun depan. Warga mendesak pemerintah daerah segera "
            "menambal jalan sebelum musim hujan tiba."
        ),
    },
    {
        "title": "Kasus DBD Melonjak, Dinkes Brebes Gelar Pengasapan di Lima Kecamatan",
        "body": (
            "Dinas Kesehatan Kabupaten Brebes menggelar pengasapan di lima kecamatan setelah kasus demam "
            "berdarah dengue naik dua kali lipat dibanding bulan lalu. Bupati Brebes meminta puskesmas "
            "siaga dan warga menguras bak mandi seminggu sekali.\n"
            "Kepala Dinas Kesehatan Kabupaten Brebes menyebut sebagian besar pasien adalah anak usia "
            "sekolah dan seluruhnya dirawat di RSUD Brebes tanpa biaya melalui BPJS Kesehatan."
        ),
    },
    {
        "title": "Persib Tundukkan Persija 2-1 di Stadion Gelora Bandung Lautan Api",
        "body": (
            "Persib Bandung menang 2-1 atas Persija Jakarta dalam lanjutan Liga 1. Gol kemenangan dicetak "
            "pada menit ke-88 lewat sundulan kepala setelah memanfaatkan sepak pojok. Pelatih Persib memuji "
            "kerja keras para pemain yang tampil ngotot sejak awal laga."
        ),
    },
]


@pytest.fixture(scope="module")
def classifier():
    return load_classifier()


@pytest.fixture
def region() -> Region:
    return Region.model_validate(REGION)


@pytest.fixture
def db(db_path):
    db = open_db(db_path)
    for i, article in enumerate(ARTICLES, start=1):
        db["articles"].insert(
            {
                "id": i,
                "url": f"https://berita.test/{i}",
                "canonical_url": f"https://berita.test/{i}",
                "content_hash": f"h{i}",
                "published": "2026-11-20",
                **article,
            }
        )
    db["labels"].insert(
        {
            "article_id": 1,
            "region": REGION["id"],
            "origin": "desk",
            "relevant": 1,
            "urusan": '["pekerjaan_umum"]',
            "instansi": '["dpupr"]',
            "nilai": "negatif",
            "sifat": "segera",
            "tindak_lanjut": "ditindaklanjuti",
            "created_by": "rina",
            "created_at": "2026-11-20T08:00:00+00:00",
        }
    )
    return db


def _model_rows(db, article_id=None):
    sql = (
        "SELECT * FROM labels WHERE origin = 'model'"
        + (" AND article_id = ?" if article_id else "")
        + " ORDER BY id"
    )
    return list(db.query(sql, [article_id] if article_id else []))


def test_writes_model_rows_and_leaves_desk_rows_alone(db, region, classifier):
    desk_before = list(db.query("SELECT * FROM labels WHERE origin = 'desk'"))
    counts = label_articles(db, region, classifier)
    assert counts["articles"] == 3 and counts["labeled"] == 3 and counts["errors"] == 0
    assert counts["relevant"] == 1 and counts["not_relevant"] == 2
    assert counts["nilai"] == {"positif": 0, "negatif": 1, "netral": 0}
    assert list(db.query("SELECT * FROM labels WHERE origin = 'desk'")) == desk_before
    # Low-confidence predictions are counted for the desk to check first.
    flagged = classifier.predict([{"title": a["title"], "text": a["body"]} for a in ARTICLES])
    assert counts["needs_review"] == sum(p.uncertain for p in flagged)

    rows = _model_rows(db)
    assert [r["article_id"] for r in rows] == [1, 2, 3]
    assert {r["region"] for r in rows} == {REGION["id"]}
    assert {r["model_version"] for r in rows} == {classifier.version}
    road = rows[0]
    assert road["relevant"] == 1
    assert json.loads(road["urusan"])[0] == "pekerjaan_umum"
    assert json.loads(road["instansi"])[0] == "dpupr"
    reasons = json.loads(road["reasons"])
    assert "Sukamaju" in reasons["wilayah"] and "DPUPR" in reasons["instansi"]
    assert 0.5 <= json.loads(road["scores"])["relevant"] <= 1.0


def test_story_about_another_region_is_not_relevant_here(db, region, classifier):
    (generic,) = classifier.predict([{"title": ARTICLES[1]["title"], "text": ARTICLES[1]["body"]}])
    assert generic.relevant  # it does concern a local government ...
    label_articles(db, region, classifier)
    (row,) = _model_rows(db, 2)
    assert row["relevant"] == 0  # ... but not this one
    assert (json.loads(row["urusan"]), json.loads(row["instansi"]), row["nilai"]) == (
        [],
        [],
        "netral",
    )
    wilayah = json.loads(row["reasons"])["wilayah"][0]
    assert "tidak menyebut Kabupaten Sukamaju" in wilayah and "Brebes" in wilayah


def test_rerun_adds_nothing_and_relabel_keeps_cited_rows(db, region, classifier):
    label_articles(db, region, classifier)
    assert label_articles(db, region, classifier)["articles"] == 0
    again = label_articles(db, region, classifier, only_unlabeled=False)
    assert (again["articles"], again["labeled"], again["unchanged"]) == (3, 0, 3)

    # A signed sheet cites the model's row of article 1, which an older model saw differently.
    (road,) = _model_rows(db, 1)
    db["labels"].update(road["id"], {"nilai": "positif"})
    sheet_id = (
        db["sheets"]
        .insert({"region": REGION["id"], "date": "2026-11-20", "status": "signed"})
        .last_pk
    )
    db["sheet_items"].insert(
        {"sheet_id": sheet_id, "position": 1, "article_id": 1, "label_id": road["id"]}
    )
    counts = label_articles(db, region, classifier, only_unlabeled=False)
    assert (counts["labeled"], counts["unchanged"]) == (1, 2)
    old, new = _model_rows(db, 1)
    assert old["id"] == road["id"] and old["nilai"] == "positif"  # the record the sheet cites
    assert new["nilai"] == "negatif"
