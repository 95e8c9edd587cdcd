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
    row: sp.csr_matrix | tuple[np.ndarray, np.ndarray],
    weights: np.ndarray,
    feature_names: np.ndarray,
    n_word_features: int,
    *,
    k: int = 5,
    informative: np.ndarray | None = None,
) -> list[str]:
    """The ``k`` word features of one document row that most support the chosen class.

    ``row`` is a one-row CSR matrix or its ``(indices, data)`` arrays (cheaper: slicing a
    CSR row costs more than the rest of this function). ``informative`` is
    :func:`informative_mask` of the word features, computed once per model by callers
    that explain many articles.
    """
    indices, data = (row.indices, row.data) if sp.issparse(row) else row
    keep = indices < n_word_features
    if informative is not None:
        keep[keep] = informative[indices[keep]]
    indices = indices[keep]
    if indices.size == 0:
        return []
    pushes = weights[indices] * data[keep]
    positive = np.flatnonzero(pushes > 0)
    # Only the strongest few can be shown; a few spares cover uninformative phrases.
    if positive.size > 4 * k:
        positive = positive[np.argpartition(-pushes[positive], 4 * k)[: 4 * k]]
    order = positive[np.argsort(-pushes[positive])]
    phrases: list[str] = []
    for position in order:
        if len(phrases) == k:
            break
        name = str(feature_names[indices[position]])
        phrase = name.removeprefix(TITLE_PREFIX).removeprefix(BODY_PREFIX)
        if phrase not in phrases and _informative(phrase):
            phrases.append(phrase)
    return phrases
