"""A label head learned separately for negative stories and for the rest.

In the labeled data sifat follows nilai closely: ``segera`` occurs only on negative
stories and ``biasa`` almost only on the others; what separates ``penting`` from the
other value is different in each group (safety, disaster, legal case for negative
stories; regional importance for positive or neutral ones). So sifat is learned as two
heads, one on the negative stories and one on the rest, and mixed with the nilai head's
probability of *negatif*:

    P(sifat) = P(negatif) · P(sifat | negatif story) + (1 − P(negatif)) · P(sifat | other)

5-fold cross-validation inside train preferred it to one head over all stories (issue 10,
see the model card); the same construction for tindak lanjut was not better and is not
used.
"""

from __future__ import annotations

import numpy as np

NEGATIVE = "negatif"


class ByNilai:
    """Two fitted probabilistic classifiers mixed by P(negatif) of the nilai head."""

    def __init__(self, negative, other) -> None:
        self.negative = negative
        self.other = other
        self.classes_ = np.asarray(
            sorted({_plain(c) for c in (*negative.classes_, *other.classes_)}), dtype=object
        )

    def predict_proba(self, matrix, p_negative: np.ndarray) -> np.ndarray:
        index = {c: j for j, c in enumerate(self.classes_)}
        proba = np.zeros((matrix.shape[0], len(self.classes_)))
        for branch, weight in ((self.negative, p_negative), (self.other, 1.0 - p_negative)):
            part = branch.predict_proba(matrix)
            for j, value in enumerate(branch.classes_):
                proba[:, index[_plain(value)]] += weight * part[:, j]
        return proba

    def branch(self, p_negative: float, chosen: object):
        """The branch that explains ``chosen`` for an article: the likelier one that has it."""
        first, second = (
            (self.negative, self.other) if p_negative >= 0.5 else (self.other, self.negative)
        )
        return first if chosen in {_plain(c) for c in first.classes_} else second


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value
