"""How good a model is on labeled articles, in the figures the project tracks.

- ``relevant``: F1 of the *relevant* class over all articles (after the empty/short-text
  rule, as the desk would see it).
- ``urusan``: accuracy of the primary urusan; ``nilai``, ``sifat``, ``tindak_lanjut``:
  macro-F1. These four are measured on the articles labeled relevant, with each head's
  own choice (not gated by the relevance head), so a relevance mistake is counted once,
  under ``relevant``, and the figures compare with the ones in issue 10 and SOURCE.md.

Each figure sits next to the majority-class baseline: the most frequent value in the
model's training data (or in the evaluated records, for a model that did not store it).
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from classify.model import FIELD_HEADS, RELEVANCE_THRESHOLD, Classifier

PRIMARY = {
    "relevant": "f1",
    "urusan": "accuracy",
    "nilai": "macro_f1",
    "sifat": "macro_f1",
    "tindak_lanjut": "macro_f1",
}


def gold(record: dict, head: str) -> object:
    return record["urusan"][0] if head == "urusan" else record[head]


def evaluate(classifier: Classifier, records: list[dict]) -> dict:
    """Metrics, per-class precision/recall/F1 and confusion matrices for labeled records."""
    if not records:
        raise ValueError("tidak ada artikel berlabel untuk dievaluasi")
    raw = classifier.predict_raw(records)
    majority = dict(classifier.meta.get("majority") or {})
    result: dict = {
        "model_version": classifier.version,
        "articles": len(records),
        "relevant_articles": sum(1 for r in records if r["relevant"]),
    }

    relevance = raw.heads["relevant"]
    p_true = relevance.proba[:, relevance.classes.index(True)]
    predicted = [
        bool(p >= RELEVANCE_THRESHOLD) and short is None
        for p, short in zip(p_true, raw.skipped, strict=True)
    ]
    truth = [bool(r["relevant"]) for r in records]
    base = majority.get("relevant", Counter(truth).most_common(1)[0][0])
    result["relevant"] = {
        "f1": _round(f1_score(truth, predicted, pos_label=True, zero_division=0)),
        "baseline_f1": _round(
            f1_score(truth, [base] * len(truth), pos_label=True, zero_division=0)
        ),
        "baseline_value": base,
        **_tables(truth, predicted, [True, False]),
    }

    relevant_idx = [i for i, r in enumerate(records) if r["relevant"]]
    for head in ("urusan", *FIELD_HEADS):
        if not relevant_idx:
            result[head] = {PRIMARY[head]: None, "note": "tidak ada artikel relevan"}
            continue
        chosen = raw.heads[head].chosen()
        y_true = [gold(records[i], head) for i in relevant_idx]
        y_pred = [chosen[i] for i in relevant_idx]
        base = majority.get(head, Counter(y_true).most_common(1)[0][0])
        y_base = [base] * len(y_true)
        labels = sorted(set(y_true) | set(y_pred), key=lambda v: (-y_true.count(v), v))
        if head == "urusan":
            figures = {
                "accuracy": _round(accuracy_score(y_true, y_pred)),
                "baseline_accuracy": _round(accuracy_score(y_true, y_base)),
                "macro_f1": _round(
                    f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
                ),
                # The predicted primary key is one of the annotator's keys (primary or not).
                "in_gold_list": _round(
                    np.mean([chosen[i] in records[i]["urusan"] for i in relevant_idx])
                ),
            }
        else:
            figures = {
                "macro_f1": _round(
                    f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
                ),
                "baseline_macro_f1": _round(
                    f1_score(y_true, y_base, labels=labels, average="macro", zero_division=0)
                ),
                "accuracy": _round(accuracy_score(y_true, y_pred)),
            }
        result[head] = {**figures, "baseline_value": base, **_tables(y_true, y_pred, labels)}
    return result


def _tables(y_true: list, y_pred: list, labels: list) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_class = {
        str(label): {
            "precision": _round(p),
            "recall": _round(r),
            "f1": _round(f),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    with warnings.catch_warnings():
        # Labels are passed explicitly; a file with one class is still a valid matrix.
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {
        "per_class": per_class,
        "confusion": {"labels": [str(v) for v in labels], "matrix": matrix.tolist()},
    }


def _round(value: float) -> float:
    return round(float(value), 4)


def summary(metrics: dict) -> dict[str, dict[str, float | None]]:
    """Per head: the tracked figure and its majority baseline (for tables and cards)."""
    out = {}
    for head, key in PRIMARY.items():
        figures = metrics.get(head) or {}
        out[head] = {"value": figures.get(key), "baseline": figures.get(f"baseline_{key}")}
    return out


def format_report(metrics: dict) -> str:
    """A plain-text report in Indonesian for ``kliping evaluate`` and ``kliping train``."""
    names = {
        "relevant": "Relevansi (F1)",
        "urusan": "Urusan utama (akurasi)",
        "nilai": "Nilai (macro-F1)",
        "sifat": "Sifat (macro-F1)",
        "tindak_lanjut": "Tindak lanjut (macro-F1)",
    }
    lines = [
        f"Model {metrics['model_version']}: {metrics['articles']} artikel, {metrics['relevant_articles']} relevan",
        f"{'':28}{'model':>8}{'mayoritas':>11}",
    ]
    for head, figures in summary(metrics).items():
        value = "-" if figures["value"] is None else f"{figures['value']:.3f}"
        base = "-" if figures["baseline"] is None else f"{figures['baseline']:.3f}"
        lines.append(f"{names[head]:28}{value:>8}{base:>11}")
    for head in ("relevant", *FIELD_HEADS):
        block = metrics.get(head) or {}
        if "per_class" not in block:
            continue
        lines.append("")
        lines.append(f"{names[head]}: per kelas (presisi / recall / F1 / jumlah)")
        for label, row in block["per_class"].items():
            lines.append(
                f"  {label:18}{row['precision']:7.3f}{row['recall']:7.3f}{row['f1']:7.3f}{row['support']:6d}"
            )
        labels = block["confusion"]["labels"]
        width = max(len(v) for v in labels) + 2
        lines.append("  matriks kebingungan (baris = label benar, kolom = tebakan model)")
        lines.append("  " + " " * width + "".join(f"{v[: width - 1]:>{width}}" for v in labels))
        for label, row in zip(labels, block["confusion"]["matrix"], strict=True):
            lines.append("  " + f"{label:{width}}" + "".join(f"{n:>{width}}" for n in row))
    return "\n".join(lines)
