"""Why a linear head chose a label: the words and phrases that pushed it there.

A desk clerk checks a suggestion faster when she sees "banjir, tanggul jebol, warga
mengungsi" next to *segera*. For a linear model the push of one feature towards a class
is its coefficient times its TF-IDF value in this article; the largest positive pushes
are the reasons. Character n-grams also push, but "anjir" explains nothing to a person,
so only word and phrase features are shown, and a phrase made only of function words
("di", "dan juga") or numbers is skipped: true to the model, but no help to a reader.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from spacy.lang.id.stop_words import STOP_WORDS

from classify.features import BODY_PREFIX, TITLE_PREFIX


def _informative(phrase: str) -> bool:
    return any(
        len(token) > 2 and token not in STOP_WORDS and not token.isdigit()
        for token in phrase.split()
    )


def informative_mask(feature_names: np.ndarray, n_word_features: int) -> np.ndarray:
    """For each word feature, whether a reader learns anything from it (see module doc)."""
    return np.fromiter(
        (
            _informative(str(name).removeprefix(TITLE_PREFIX).removeprefix(BODY_PREFIX))
            for name in feature_names[:n_word_features]
        ),
        dtype=bool,
        count=n_word_features,
    )


def linear_part(estimator) -> object:
    """The fitted linear model inside a (possibly calibrated) head."""
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:
        return calibrated[0].estimator
    return estimator


def class_weights(estimator, chosen: object) -> np.ndarray:
    """Coefficient row that raises the score of ``chosen``.

    A calibrated head's inner model was fitted on label-encoded targets, in the order of
    the outer ``classes_``; so the position in the outer classes picks the row.
    """
    classes = [c.item() if isinstance(c, np.generic) else c for c in estimator.classes_]
    position = classes.index(chosen)
    coef = linear_part(estimator).coef_
    if coef.shape[0] == 1:  # binary: one row, for the second class
        return coef[0] if position == 1 else -coef[0]
    return coef[position]


def top_phrases(
    matrix: sp.csr_matrix,
    rows: np.ndarray,
    weights: np.ndarray,
    weight_of: np.ndarray,
    feature_names: np.ndarray,
    n_word_features: int,
    *,
    k: int = 5,
    informative: np.ndarray | None = None,
) -> list[list[str]]:
    """For each request ``r``: the ``k`` word features of document ``rows[r]`` that most
    support its class, whose coefficients (word features only) are
    ``weights[weight_of[r]]``.

    A batch of requests is one sparse computation and one sort; only reading off the
    few shown phrases is Python. ``informative`` is :func:`informative_mask` of the word
    features, computed once per model by the caller.
    """
    if len(rows) == 0:
        return []
    sub = matrix[rows]
    request = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
    indices, data = sub.indices, sub.data
    keep = indices < n_word_features
    if informative is not None:
        keep[keep] = informative[indices[keep]]
    request, indices = request[keep], indices[keep]
    pushes = weights[weight_of[request], indices] * data[keep]
    positive = pushes > 0
    request, indices, pushes = request[positive], indices[positive], pushes[positive]
    order = np.lexsort((-pushes, request))  # by request, strongest push first
    request, indices = request[order], indices[order]
    bounds = np.searchsorted(request, np.arange(len(rows) + 1)).tolist()
    columns = indices.tolist()
    out: list[list[str]] = []
    for r in range(len(rows)):
        phrases: list[str] = []
        for column in columns[bounds[r] : bounds[r + 1]]:
            name = str(feature_names[column])
            phrase = name.removeprefix(TITLE_PREFIX).removeprefix(BODY_PREFIX)
            if phrase not in phrases and _informative(phrase):
                phrases.append(phrase)
                if len(phrases) == k:
                    break
        out.append(phrases)
    return out
