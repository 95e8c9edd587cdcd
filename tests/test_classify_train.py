"""`train` turns the labeled corpus into a model file, a pointer and a model card."""

from __future__ import annotations

import json

import pytest

from classify.card import rewrite_card
from classify.corpus import read_corpus
from classify.evaluate import evaluate
from classify.model import load_classifier
from classify.train import MAX_MODEL_BYTES, TrainConfig, TrainError, fit_classifier, train
from tests.conftest import shared_path

SUBSET = 300  # enough to learn relevance, small enough for a quick test
# Smaller vocabularies than the shipped model: this checks the mechanism, quickly.
SMALL = TrainConfig(
    title_features=1_000, word_features=3_000, char_features=6_000, calibration_folds=2
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    data = shared_path("data/gov-news-id")
    out = tmp_path_factory.mktemp("models")
    result = train(
        data / "train.jsonl", dev_path=data / "dev.jsonl", out_dir=out, limit=SUBSET, config=SMALL
    )
    return result, out, data


def test_subset_model_loads_and_beats_majority_on_dev(trained):
    result, out, data = trained
    classifier = load_classifier(out)  # through models/current
    assert classifier.version == result.version
    assert (out / "current").read_text().strip() == result.model_path.name
    assert result.model_path.name == f"kliping-{result.version}.joblib"
    metrics = evaluate(classifier, read_corpus(data / "dev.jsonl").records)
    assert metrics["relevant"]["f1"] > metrics["relevant"]["baseline_f1"] + 0.03
    assert metrics["nilai"]["macro_f1"] > metrics["nilai"]["baseline_macro_f1"]
    assert metrics == json.loads(json.dumps(metrics))  # plain data, ready for --json
    assert result.dev_metrics["relevant"]["f1"] == metrics["relevant"]["f1"]
    assert 0 < result.size_bytes <= MAX_MODEL_BYTES


def test_evaluate_reports_per_class_and_confusion(trained):
    metrics = trained[0].dev_metrics
    nilai = metrics["nilai"]
    assert set(nilai["per_class"]) == {"positif", "negatif", "netral"}
    matrix = nilai["confusion"]["matrix"]
    assert sum(map(sum, matrix)) == metrics["relevant_articles"]
    assert (
        sum(r["support"] for r in metrics["relevant"]["per_class"].values()) == metrics["articles"]
    )
    assert metrics["urusan"]["accuracy"] > metrics["urusan"]["baseline_accuracy"]


def test_model_card_reports_the_run(trained):
    result, out, _ = trained
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert result.version in card
    assert f"random subset of {SUBSET}" in card
    assert "belong to their publishers" in card
    f1 = result.dev_metrics["relevant"]["f1"]
    assert f"| relevance | F1 (relevant class) | {f1:.3f} |" in card
    assert f"({result.size_bytes / 1e6:.1f} MB)" in card


def test_card_rewritten_from_the_model_file_is_the_one_training_wrote(trained):
    # `python -m classify.card` after editing the card's text must keep the run's figures
    # and the file's size (it once wrote "0.0 MB").
    _, out, _ = trained
    written = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    (out / "MODEL_CARD.md").unlink()
    assert rewrite_card(out) == out / "MODEL_CARD.md"
    assert (out / "MODEL_CARD.md").read_text(encoding="utf-8") == written


def test_training_needs_both_relevant_and_not_relevant():
    record = {
        "title": "Judul",
        "text": "Isi berita tentang pemerintah daerah dan warganya.",
        "relevant": True,
        "urusan": ["sosial"],
        "nilai": "netral",
        "sifat": "biasa",
        "tindak_lanjut": "diketahui",
    }
    with pytest.raises(TrainError, match="relevan dan tidak relevan"):
        fit_classifier([{**record, "id": str(i)} for i in range(5)])
