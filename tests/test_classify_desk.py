"""Learning from the desk: corrections feed training, and a worse model is never promoted."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from classify.model import load_classifier
from classify.train import TrainConfig, train
from clippings.commands.classify import evaluate as evaluate_command
from clippings.commands.classify import train as train_command
from clippings.db import open_db
from clippings.labeling import desk_records
from tests.conftest import shared_path
from tests.test_classify_gazetteer import REGION

SMALL = TrainConfig(
    title_features=1_000, word_features=3_000, char_features=4_000, calibration_folds=2
)
# A made-up word only the corrections contain: if the model knows it, it read them.
MARKER = "kalimasadaraya"
CORRECTIONS = [
    (
        f"Warga Keluhkan Pipa PDAM {MARKER} Bocor di Kecamatan Cibiru",
        f"Pipa air minum {MARKER} milik perusahaan daerah bocor sejak sepekan dan warga Desa "
        "Mekarsari harus membeli air galon. Kepala desa meminta pemerintah kabupaten segera "
        "memperbaiki pipa sebelum musim kemarau.",
        {"relevant": 1, "urusan": '["air_minum"]', "nilai": "negatif", "sifat": "segera",
         "tindak_lanjut": "ditindaklanjuti"},
    ),
    (
        f"Festival Kuliner {MARKER} Ramaikan Alun-alun Sukamaju",
        f"Ribuan pengunjung memadati festival kuliner {MARKER} di alun-alun. Bupati Sukamaju "
        "membuka acara dan mengajak pelaku usaha kecil memanfaatkan promosi daring agar "
        "dagangan mereka dikenal lebih luas.",
        {"relevant": 1, "urusan": '["pariwisata"]', "nilai": "positif", "sifat": "biasa",
         "tindak_lanjut": "diketahui"},
    ),
    (
        f"Klub Voli {MARKER} Juara Turnamen Antarkampus",
        f"Tim voli {MARKER} menjuarai turnamen antarkampus setelah menang tiga set langsung di "
        "partai final. Pelatih tim memuji kekompakan para pemain sepanjang turnamen.",
        {"relevant": 0, "urusan": "[]", "nilai": "netral", "sifat": "biasa",
         "tindak_lanjut": "diketahui"},
    ),
]


@pytest.fixture
def desk_db(db_path):
    db = open_db(db_path)
    for i, (title, body, labels) in enumerate(CORRECTIONS, start=1):
        db["articles"].insert(
            {"id": i, "url": f"https://berita.test/{i}", "canonical_url": f"https://berita.test/{i}",
             "content_hash": f"h{i}", "published": "2026-11-20", "title": title, "body": body}
        )
        stamp = {"created_by": "rina", "created_at": f"2026-11-2{i}T08:00:00+00:00"}
        # The model's row and an older desk row: only the latest desk row counts.
        db["labels"].insert({"article_id": i, "region": REGION["id"], "origin": "model",
                             **labels, "nilai": "netral", **stamp})
        db["labels"].insert({"article_id": i, "region": REGION["id"], "origin": "desk",
                             **labels, "sifat": "penting", **stamp})
        db["labels"].insert({"article_id": i, "region": REGION["id"], "origin": "desk",
                             **labels, **stamp})
    # Another region's decision about the same article is not this region's correction.
    db["labels"].insert({"article_id": 1, "region": "kota-lain", "origin": "desk",
                         **CORRECTIONS[0][2], "nilai": "positif", "created_by": "budi",
                         "created_at": "2026-11-25T08:00:00+00:00"})
    return db


@pytest.fixture
def region_file(tmp_path):
    path = tmp_path / f"{REGION['id']}.yaml"
    path.write_text(yaml.safe_dump(REGION, allow_unicode=True), encoding="utf-8")
    return path


def test_desk_records_are_the_latest_desk_decisions(desk_db):
    records = desk_records(desk_db, REGION["id"])
    assert [r["id"] for r in records] == [f"desk-{REGION['id']}-{i}" for i in (3, 2, 1)]  # newest first
    pipe = records[-1]
    assert pipe["relevant"] and pipe["urusan"] == ["air_minum"]
    assert (pipe["nilai"], pipe["sifat"], pipe["tindak_lanjut"]) == ("negatif", "segera", "ditindaklanjuti")
    assert MARKER in pipe["text"]
    volley = records[0]
    assert not volley["relevant"] and volley["urusan"] == [] and volley["nilai"] == "netral"
    assert len(desk_records(desk_db, REGION["id"], limit=2)) == 2
    assert desk_records(desk_db, "kota-lain")[0]["nilai"] == "positif"


def test_train_with_region_learns_from_its_corrections(desk_db, db_path, region_file, tmp_path):
    data = shared_path("data/gov-news-id")
    out = tmp_path / "models"
    args = ["--data", str(data), "--out", str(out), "--limit", "200",
            "--region", str(region_file), "--db", str(db_path)]
    result = CliRunner().invoke(train_command, args)
    assert result.exit_code == 0, result.output
    assert f"{REGION['id']}: 3 koreksi desk ikut dilatih" in result.output
    assert "dipakai (models/current)" in result.output
    classifier = load_classifier(out)
    assert classifier.meta["data"]["extra"]["articles"] == 3
    assert classifier.meta["data"]["extra"]["relevant"] == 2
    # The corrections' text is in the model (min_df=2: the word occurs in 3 of them).
    assert MARKER in classifier.vectorizer.words_.vocabulary_

    # And the region's corrections are measured by `kliping evaluate --region`.
    result = CliRunner().invoke(
        evaluate_command,
        ["--model", str(out), "--data", str(data / "dev.jsonl"), "--region", str(region_file),
         "--db", str(db_path), "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 407
    assert report["desk"]["articles"] == 3 and report["desk"]["relevant_articles"] == 2
    assert set(report["desk"]["nilai"]["per_class"]) >= {"negatif", "positif"}


def test_a_worse_model_is_not_promoted(tmp_path):
    data = shared_path("data/gov-news-id")
    out = tmp_path / "models"
    first = train(data / "train.jsonl", dev_path=data / "dev.jsonl", out_dir=out,
                  limit=300, config=SMALL)
    assert first.promoted and first.previous_version is None
    # Forty articles cannot match three hundred: refused, the current model stays.
    worse = train(data / "train.jsonl", dev_path=data / "dev.jsonl", out_dir=out,
                  limit=40, config=SMALL)
    assert not worse.promoted
    assert worse.previous_version == first.version
    assert worse.previous_metrics["relevant"]["f1"] == first.dev_metrics["relevant"]["f1"]
    assert (out / "current").read_text().strip() == first.model_path.name
    assert not worse.model_path.exists() and first.model_path.exists()
    assert load_classifier(out).version == first.version
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert first.version in card and worse.version not in card
    # --force promotes it anyway.
    forced = train(data / "train.jsonl", dev_path=data / "dev.jsonl", out_dir=out,
                   limit=40, config=SMALL, force=True)
    assert forced.promoted and load_classifier(out).version == forced.version
