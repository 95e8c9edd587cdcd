"""``kliping train``: fit the classifier on the labeled corpus and publish it in ``models/``.

The run writes ``models/kliping-<version>.joblib``, points ``models/current`` at it and
regenerates ``models/MODEL_CARD.md`` from the run (data, date, versions, dev metrics next
to the majority baseline, size). The version is the date plus a hash of the training data
and settings, so the same data and settings on the same day give the same file name.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from classify.card import render_model_card
from classify.corpus import Corpus, read_corpus
from classify.evaluate import evaluate
from classify.features import ArticleVectorizer
from classify.model import FIELD_HEADS, MODELS_DIR, POINTER, Classifier

logger = logging.getLogger(__name__)

# A committed model above this size is refused: the repository and every install carry it.
MAX_MODEL_BYTES = 50 * 1024 * 1024
CARD_NAME = "MODEL_CARD.md"


class TrainError(RuntimeError):
    """Training could not produce a usable model; the message says why."""


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run (chosen on the dev split; see the model card)."""

    title_features: int = 2_500
    word_features: int = 10_000
    char_features: int = 20_000
    title_weight: float = 1.0
    C: float = 10.0
    class_weight: str | None = "balanced"
    # Folds for temperature scaling of the probabilities; a class needs this many
    # training examples to be learned at all.
    calibration_folds: int = 3
    max_iter: int = 2_000
    # Looser than sklearn's 1e-4: three times faster, same dev figures.
    tol: float = 1e-3


@dataclass
class TrainResult:
    version: str
    model_path: Path
    card_path: Path
    size_bytes: int
    seconds: float
    counts: dict
    dev_metrics: dict | None = None
    dropped_classes: dict = field(default_factory=dict)


def _head(config: TrainConfig) -> LogisticRegression:
    return LogisticRegression(
        C=config.C, max_iter=config.max_iter, tol=config.tol, class_weight=config.class_weight
    )


def fit_head(matrix, labels: list, config: TrainConfig):
    """A logistic regression with temperature-scaled probabilities (fitted on CV folds)."""
    if len(set(labels)) < 2:
        raise TrainError(f"hanya satu kelas di data latih ({labels[0]!r}); butuh minimal dua")
    smallest = min(Counter(labels).values())
    if smallest >= config.calibration_folds >= 2:
        model = CalibratedClassifierCV(
            _head(config), method="temperature", cv=config.calibration_folds, ensemble=False
        )
    else:
        model = _head(config)
    model.fit(matrix, np.asarray(labels))
    return model


def fit_classifier(
    records: list[dict], config: TrainConfig = TrainConfig()
) -> tuple[Classifier, dict]:
    """Fit vectorizer and heads; returns the classifier and the classes left out per head."""
    relevant_idx = [i for i, r in enumerate(records) if r["relevant"]]
    if len(relevant_idx) < 2 or len(relevant_idx) == len(records):
        raise TrainError("data latih harus berisi artikel relevan dan tidak relevan")
    vectorizer = ArticleVectorizer(
        title_features=config.title_features,
        word_features=config.word_features,
        char_features=config.char_features,
        title_weight=config.title_weight,
    )
    matrix = vectorizer.fit_transform(records)
    heads = {"relevant": fit_head(matrix, [bool(r["relevant"]) for r in records], config)}
    dropped: dict[str, list[str]] = {}
    for name in ("urusan", *FIELD_HEADS):
        labels = [
            records[i]["urusan"][0] if name == "urusan" else records[i][name] for i in relevant_idx
        ]
        counts = Counter(labels)
        # Too few examples to learn or to calibrate: the head does not offer that value.
        rare = sorted(k for k, n in counts.items() if n < config.calibration_folds)
        keep = [j for j, label in enumerate(labels) if label not in rare]
        if rare:
            dropped[name] = rare
            logger.info(
                "%s: kelas dengan < %d contoh tidak dilatih: %s",
                name,
                config.calibration_folds,
                ", ".join(rare),
            )
        rows = [relevant_idx[j] for j in keep]
        heads[name] = fit_head(matrix[rows], [labels[j] for j in keep], config)
    majority = {"relevant": Counter(bool(r["relevant"]) for r in records).most_common(1)[0][0]}
    for name in ("urusan", *FIELD_HEADS):
        majority[name] = Counter(
            records[i]["urusan"][0] if name == "urusan" else records[i][name] for i in relevant_idx
        ).most_common(1)[0][0]
    meta = {
        "majority": majority,
        "dropped_classes": dropped,
        "config": asdict(config),
        "features": {
            "title": len(vectorizer.title_.vocabulary_),
            "words": len(vectorizer.words_.vocabulary_),
            "chars": len(vectorizer.chars_.vocabulary_),
        },
    }
    return Classifier(vectorizer, heads, meta), dropped


def _digest(path: Path, config: TrainConfig, limit: int | None) -> str:
    sha = hashlib.sha256(path.read_bytes())
    sha.update(json.dumps(asdict(config), sort_keys=True).encode())
    sha.update(str(limit).encode())
    return sha.hexdigest()


def _counts(corpus: Corpus) -> dict:
    records = corpus.records
    relevant = [r for r in records if r["relevant"]]
    return {
        "file": corpus.path.name,
        "articles": len(records),
        "relevant": len(relevant),
        "skipped_lines": corpus.skipped,
        "full_text": sum(1 for r in records if r.get("truncated") is False),
        "excerpts": sum(1 for r in records if r.get("truncated") is True),
        "nilai": dict(Counter(r["nilai"] for r in relevant)),
        "sifat": dict(Counter(r["sifat"] for r in relevant)),
        "tindak_lanjut": dict(Counter(r["tindak_lanjut"] for r in relevant)),
        "urusan_primary": len({r["urusan"][0] for r in relevant}),
    }


def sample(records: list[dict], limit: int | None, *, seed: int = 13) -> list[dict]:
    """A fixed pseudo-random subset (files are often ordered by source)."""
    if limit is None or limit >= len(records):
        return records
    picked = list(records)
    random.Random(seed).shuffle(picked)
    return picked[:limit]


def train(
    train_path: str | Path,
    *,
    dev_path: str | Path | None = None,
    out_dir: str | Path = MODELS_DIR,
    config: TrainConfig = TrainConfig(),
    limit: int | None = None,
) -> TrainResult:
    """Train on ``train_path``, measure on ``dev_path``, publish into ``out_dir``."""
    started = time.perf_counter()
    train_path, out_dir = Path(train_path), Path(out_dir)
    corpus = read_corpus(train_path)
    records = sample(corpus.records, limit)
    classifier, dropped = fit_classifier(records, config)
    now = datetime.now(UTC)
    version = f"{now:%Y%m%d}-{_digest(train_path, config, limit)[:8]}"
    counts = {"train": _counts(Corpus(corpus.path, records, corpus.errors))}
    dev_metrics = None
    if dev_path is not None:
        dev = read_corpus(dev_path)
        counts["dev"] = _counts(dev)
        classifier.meta["version"] = version
        dev_metrics = evaluate(classifier, dev.records)
    classifier.meta.update(
        {
            "version": version,
            "created": now.isoformat(timespec="seconds"),
            "sklearn_version": sklearn.__version__,
            "python_version": platform.python_version(),
            "data": counts,
            "data_sha256": hashlib.sha256(train_path.read_bytes()).hexdigest(),
            "limit": limit,
            "dev_metrics": dev_metrics,
        }
    )
    model_path = out_dir / f"kliping-{version}.joblib"
    size = classifier.save(model_path)
    if size > MAX_MODEL_BYTES:
        model_path.unlink()
        raise TrainError(
            f"model {size / 1e6:.1f} MB melebihi batas {MAX_MODEL_BYTES / 1e6:.0f} MB; kecilkan jumlah fitur"
        )
    seconds = time.perf_counter() - started
    classifier.meta["train_seconds"] = round(seconds, 1)
    classifier.meta["size_bytes"] = size
    pointer = out_dir / POINTER
    tmp = pointer.with_name(POINTER + ".tmp")
    tmp.write_text(model_path.name + "\n", encoding="utf-8")
    tmp.replace(pointer)
    card_path = out_dir / CARD_NAME
    card_path.write_text(render_model_card(classifier.meta, model_path.name), encoding="utf-8")
    logger.info("model %s disimpan: %s (%.1f MB, %.0f s)", version, model_path, size / 1e6, seconds)
    return TrainResult(
        version=version,
        model_path=model_path,
        card_path=card_path,
        size_bytes=size,
        seconds=seconds,
        counts=counts,
        dev_metrics=dev_metrics,
        dropped_classes=dropped,
    )
