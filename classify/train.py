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
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from classify.card import render_model_card
from classify.corpus import Corpus, read_corpus
from classify.cues import cue_names
from classify.evaluate import PRIMARY, evaluate
from classify.features import ArticleVectorizer
from classify.heads import NEGATIVE, ByNilai
from classify.model import (
    FIELD_HEADS,
    MODELS_DIR,
    POINTER,
    Classifier,
    ModelError,
    load_classifier,
)
from classify.offices import office_names

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
    char_features: int = 10_000
    char_range: tuple[int, int] = (3, 5)
    # Character n-grams of the title and this many leading body characters (None: all).
    char_body_chars: int | None = 1_000
    title_weight: float = 1.0
    # Weight of the cue-word counts (classify/cues.py; None: no cue block). 0.3 was best of
    # 0.3 / 0.5 / 1.0 by 5-fold CV inside train (nilai 0.697 -> 0.722).
    cue_weight: float | None = 0.3
    # Heads learned separately on negative and other stories and mixed by P(negatif)
    # (classify/heads.py); 5-fold CV inside train: sifat 0.684 -> 0.705.
    by_nilai: tuple[str, ...] = ("sifat",)
    # Weight of the office-name counts per urusan (classify/offices.py; None: no block),
    # seen by the urusan head only. 5-fold CV inside train: urusan 0.792 -> 0.825 at 0.2
    # (0.815 at 0.1 and 0.3, 0.791 at 0.5).
    office_weight: float | None = 0.2
    C: float = 10.0
    # Tindak lanjut alone prefers stronger regularisation: 5-fold CV inside train gave
    # macro-F1 0.722 / 0.724 / 0.722 / 0.714 for C = 1 / 2 / 3 / 10 (dev 0.653 / 0.651 /
    # 0.670 / 0.641); the other heads do not change with C (model card).
    tindak_lanjut_C: float = 3.0
    class_weight: str | None = "balanced"
    # The urusan head (some 30 classes) is a linear SVM: 3-fold CV on train gave primary
    # urusan accuracy 0.786 against 0.773 for the logistic regression (dev 0.80–0.81 against
    # 0.79), and it fits three times faster. C chosen among 0.1/0.3/0.5 by that CV.
    urusan_learner: str = "linear_svc"
    urusan_C: float = 0.3
    # liblinear's stopping for the SVM: tolerance 1e-2 instead of 1e-4 and at most 10
    # passes give the same dev accuracy and 5-fold CV accuracy inside train (0.814 / 0.792)
    # in a third less time; on 10,000 articles the same dev predictions as a converged fit.
    urusan_tol: float = 1e-2
    urusan_max_iter: int = 10
    # Folds for temperature scaling of the probabilities. With ensemble=False the folds
    # only fit the temperature: the head itself is fitted on all the data, so the labels
    # do not depend on this; 2 instead of 3 folds saves a fifth of the training time.
    calibration_folds: int = 2
    # The temperature (one number per head) is fitted on at most this many examples (all
    # of every rare class, a stratified sample of the rest); the head itself on all of
    # them. Below it nothing changes; above it, calibration costs no more, which keeps
    # training on 10,000 articles under a minute (issue 10).
    calibration_max: int = 2_000
    # A class needs this many training examples to be learned at all (and calibrated).
    min_examples: int = 3
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
    # Whether models/current now names this model; if not, the file was removed.
    promoted: bool = True
    previous_version: str | None = None
    previous_metrics: dict | None = None
    extra_records: int = 0


def _head(config: TrainConfig, name: str | None = None):
    if name == "urusan" and config.urusan_learner == "linear_svc":
        return LinearSVC(
            C=config.urusan_C,
            class_weight=config.class_weight,
            tol=config.urusan_tol,
            max_iter=config.urusan_max_iter,
        )
    if name == "urusan" and config.urusan_learner != "logistic":
        raise TrainError(f"urusan_learner {config.urusan_learner!r} tidak dikenal")
    return LogisticRegression(
        C=config.tindak_lanjut_C if name == "tindak_lanjut" else config.C,
        max_iter=config.max_iter,
        tol=config.tol,
        class_weight=config.class_weight,
    )


def fit_head(matrix, labels: list, config: TrainConfig, name: str | None = None):
    """A linear model with temperature-scaled probabilities (fitted on CV folds)."""
    if len(set(labels)) < 2:
        raise TrainError(f"hanya satu kelas di data latih ({labels[0]!r}); butuh minimal dua")
    y = np.asarray(labels)
    with warnings.catch_warnings():
        # The SVM stops after urusan_max_iter passes on purpose (see TrainConfig).
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module="sklearn.svm")
        model = _fit_head(matrix, y, config, name)
    _to_float32(model)
    return model


def _fit_head(matrix, y: np.ndarray, config: TrainConfig, name: str | None):
    smallest = min(Counter(y.tolist()).values())
    if smallest >= config.calibration_folds >= 2:
        model = CalibratedClassifierCV(
            _head(config, name), method="temperature", cv=config.calibration_folds, ensemble=False
        )
        sample = _calibration_sample(y, config)
        if sample is None:
            model.fit(matrix, y)
        else:
            model.fit(matrix[sample], y[sample])
            # Same temperature, applied to the head fitted on every example.
            model.calibrated_classifiers_[0].estimator = _head(config, name).fit(matrix, y)
    else:
        # Too few examples to calibrate: a logistic regression gives probabilities
        # directly, where an uncalibrated SVM gives none.
        model = _head(config)
        model.fit(matrix, y)
    return model


def _calibration_sample(y: np.ndarray, config: TrainConfig) -> np.ndarray | None:
    """Rows to fit the temperature on, or None for all (see ``calibration_max``)."""
    if len(y) <= config.calibration_max:
        return None
    rng = np.random.default_rng(13)
    share = config.calibration_max / len(y)
    rows = []
    for value in np.unique(y):
        members = np.flatnonzero(y == value)
        keep = max(config.calibration_folds, round(len(members) * share))
        rows.append(rng.choice(members, size=min(keep, len(members)), replace=False))
    return np.sort(np.concatenate(rows))


def _to_float32(model) -> None:
    """Store coefficients in single precision: half the model file, same predictions.

    The features are float32 already, so float64 weights only add digits that never
    change a chosen label (checked on the dev split: identical figures).
    """
    inner = [c.estimator for c in getattr(model, "calibrated_classifiers_", [])] or [model]
    for estimator in inner:
        estimator.coef_ = estimator.coef_.astype(np.float32)
        estimator.intercept_ = estimator.intercept_.astype(np.float32)


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
        char_range=config.char_range,
        char_body_chars=config.char_body_chars,
        title_weight=config.title_weight,
        cue_weight=config.cue_weight,
        office_weight=config.office_weight,
    )
    matrix = vectorizer.fit_transform(records)
    # The cue counts are about tone; for relevance and urusan (topic) they only add noise
    # (urusan CV accuracy 0.792 -> 0.784 with them). The office counts are about topic,
    # for urusan only. A head sees the blocks it does not use as zeros and learns zero
    # weights for them.
    words_only = _only(matrix, vectorizer, cues=False, offices=False)
    for_urusan = _only(matrix, vectorizer, cues=False, offices=True)
    for_fields = _only(matrix, vectorizer, cues=True, offices=False)
    heads = {"relevant": fit_head(words_only, [bool(r["relevant"]) for r in records], config)}
    dropped: dict[str, list[str]] = {}
    for name in ("urusan", *FIELD_HEADS):
        # A desk correction may carry no urusan key: it still teaches the other heads.
        head_idx = [i for i in relevant_idx if name != "urusan" or records[i]["urusan"]]
        labels = [
            records[i]["urusan"][0] if name == "urusan" else records[i][name] for i in head_idx
        ]
        counts = Counter(labels)
        # Too few examples to learn or to calibrate: the head does not offer that value.
        rare = sorted(
            k for k, n in counts.items() if n < max(config.min_examples, config.calibration_folds)
        )
        keep = [j for j, label in enumerate(labels) if label not in rare]
        if rare:
            dropped[name] = rare
            logger.info(
                "%s: kelas dengan < %d contoh tidak dilatih: %s",
                name,
                max(config.min_examples, config.calibration_folds),
                ", ".join(rare),
            )
        rows = [head_idx[j] for j in keep]
        kept = [labels[j] for j in keep]
        features = for_urusan if name == "urusan" else for_fields
        by_nilai = (
            _by_nilai(features, rows, kept, records, config) if name in config.by_nilai else None
        )
        heads[name] = by_nilai or fit_head(features[rows], kept, config, name)
    majority = {"relevant": Counter(bool(r["relevant"]) for r in records).most_common(1)[0][0]}
    for name in ("urusan", *FIELD_HEADS):
        majority[name] = Counter(
            records[i]["urusan"][0] if name == "urusan" else records[i][name]
            for i in relevant_idx
            if name != "urusan" or records[i]["urusan"]
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


def _only(matrix, vectorizer: ArticleVectorizer, *, cues: bool, offices: bool):
    """``matrix`` with the cue-count and office-count columns (the last ones, if the model
    has them: cues, then offices) set to zero where not wanted."""
    n_cues = len(cue_names()) if getattr(vectorizer, "cue_weight", None) else 0
    n_offices = len(office_names()) if getattr(vectorizer, "office_weight", None) else 0
    mask = np.ones(matrix.shape[1], dtype=matrix.dtype)
    end = matrix.shape[1]
    if n_offices and not offices:
        mask[end - n_offices : end] = 0
    if n_cues and not cues:
        mask[end - n_offices - n_cues : end - n_offices] = 0
    if mask.all():
        return matrix
    out = matrix @ sp.diags(mask)
    out.eliminate_zeros()
    return out.tocsr()


def _by_nilai(matrix, rows: list[int], labels: list, records: list[dict], config: TrainConfig):
    """The head as two branches (negative stories, the rest), or None when a branch has too
    few examples of a second class to learn from (a small desk-correction set)."""
    smallest = max(config.min_examples, config.calibration_folds)
    branches = []
    for negative in (True, False):
        part = [
            (row, label)
            for row, label in zip(rows, labels, strict=True)
            if (records[row]["nilai"] == NEGATIVE) is negative
        ]
        counts = Counter(label for _, label in part)
        part = [(row, label) for row, label in part if counts[label] >= smallest]
        if len({label for _, label in part}) < 2:
            return None
        branches.append(
            fit_head(matrix[[row for row, _ in part]], [label for _, label in part], config)
        )
    return ByNilai(*branches)


def _digest(path: Path, config: TrainConfig, limit: int | None, extra: list[dict]) -> str:
    sha = hashlib.sha256(path.read_bytes())
    sha.update(json.dumps(asdict(config), sort_keys=True).encode())
    sha.update(str(limit).encode())
    if extra:
        sha.update(json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str).encode())
    return sha.hexdigest()


def overall(metrics: dict) -> float:
    """One number to compare two models on the same split: the mean of the five figures."""
    return float(np.mean([metrics[h][PRIMARY[h]] or 0.0 for h in PRIMARY]))


def not_worse(new: dict, old: dict) -> bool:
    """Promotion rule: the mean of the five dev figures does not go down."""
    return overall(new) >= overall(old) - 1e-9


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
    extra_records: list[dict] | None = None,
    extra_name: str | None = None,
    force: bool = False,
) -> TrainResult:
    """Train on ``train_path`` (plus ``extra_records``, e.g. a region's desk corrections),
    measure on ``dev_path``, publish into ``out_dir``.

    When ``out_dir`` already has a current model and a dev split is given, the new model
    is promoted only if it is not worse on dev (:func:`not_worse`), unless ``force``:
    a desk's corrections must not silently make the suggestions worse for everyone.
    """
    started = time.perf_counter()
    train_path, out_dir = Path(train_path), Path(out_dir)
    corpus = read_corpus(train_path)
    extra = list(extra_records or [])
    records = sample(corpus.records, limit)
    classifier, dropped = fit_classifier(records + extra, config)
    now = datetime.now(UTC)
    version = f"{now:%Y%m%d}-{_digest(train_path, config, limit, extra)[:8]}"
    counts = {"train": _counts(Corpus(corpus.path, records, corpus.errors))}
    if extra:
        counts["extra"] = _counts(Corpus(Path(extra_name or "koreksi-desk"), extra, []))
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
    # Fitting and measuring time, stored in the file so a card regenerated later keeps it.
    classifier.meta["train_seconds"] = round(time.perf_counter() - started, 1)
    model_path = out_dir / f"kliping-{version}.joblib"
    size = classifier.save(model_path)
    if size > MAX_MODEL_BYTES:
        model_path.unlink()
        raise TrainError(
            f"model {size / 1e6:.1f} MB melebihi batas {MAX_MODEL_BYTES / 1e6:.0f} MB; kecilkan jumlah fitur"
        )
    seconds = time.perf_counter() - started
    previous, previous_metrics = _current(out_dir, dev_path)
    if previous is not None:
        previous.meta.setdefault("version", previous.version)
    if (
        not force
        and previous_metrics is not None
        and dev_metrics is not None
        and previous.version != version
        and not not_worse(dev_metrics, previous_metrics)
    ):
        model_path.unlink()
        logger.warning(
            "model %s tidak dipromosikan: rata-rata dev %.4f < %.4f (model %s)",
            version,
            overall(dev_metrics),
            overall(previous_metrics),
            previous.version,
        )
        return TrainResult(
            version=version,
            model_path=model_path,
            card_path=out_dir / CARD_NAME,
            size_bytes=size,
            seconds=seconds,
            counts=counts,
            dev_metrics=dev_metrics,
            dropped_classes=dropped,
            promoted=False,
            previous_version=previous.version,
            previous_metrics=previous_metrics,
            extra_records=len(extra),
        )
    pointer = out_dir / POINTER
    tmp = pointer.with_name(POINTER + ".tmp")
    tmp.write_text(model_path.name + "\n", encoding="utf-8")
    tmp.replace(pointer)
    card_path = out_dir / CARD_NAME
    card_path.write_text(render_model_card(classifier.meta, model_path.name, size), encoding="utf-8")
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
        previous_version=previous.version if previous is not None else None,
        previous_metrics=previous_metrics,
        extra_records=len(extra),
    )


def _current(out_dir: Path, dev_path: str | Path | None) -> tuple[Classifier | None, dict | None]:
    """The model ``out_dir/current`` names and its figures on ``dev_path``, if both exist."""
    if dev_path is None or not (out_dir / POINTER).is_file():
        return None, None
    try:
        previous = load_classifier(out_dir)
    except ModelError as exc:
        logger.warning("model lama tidak terbaca (%s); model baru dipromosikan", exc)
        return None, None
    return previous, evaluate(previous, read_corpus(dev_path).records)
