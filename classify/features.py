"""Turns articles into the sparse feature matrix every label head shares.

Three TF-IDF blocks (and, when the model was trained with them, a block of cue-word counts,
:mod:`classify.cues`, and one of office-name counts per urusan, :mod:`classify.offices`): title words, body words (1–2-grams) and character n-grams
(``char_wb`` 3–5) of the title and the lead of the body (first 1,000 characters). The
title has its own block so that a word in the headline counts apart from the same word deep in the body; the character block catches
affixed and misspelled forms ("dibangun", "pembangunan", glued words left by scrapers)
that the word blocks miss. Character n-grams are most of the cost of a prediction;
limited to the lead they run about three times faster with the same dev figures
(measured in issue 10, see the model card). Vocabularies are capped so the saved model
stays small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from classify.cues import cue_matrix, cue_names
from classify.offices import office_matrix, office_names
from classify.text import clean_text

TITLE_PREFIX = "judul:"
BODY_PREFIX = "teks:"
CHAR_PREFIX = "huruf:"


def tfidf_transform(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    """``vectorizer.transform(texts)``, the same matrix, about a third faster.

    scikit-learn looks up every n-gram occurrence in the vocabulary one by one, raising
    and catching an exception for each unknown one; counting first (``Counter`` runs in C)
    looks up each distinct n-gram once, for the whole batch in one ``map`` (10 % less than
    a Python loop over the terms). Prediction speed is most of what this buys (issue 10:
    500 articles/s per core). Only for the settings the model uses (sublinear tf, idf, l2
    norm); anything else goes to scikit-learn.
    """
    if vectorizer.binary or not (
        vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"
    ):
        return vectorizer.transform(texts)
    analyze = vectorizer.build_analyzer()
    terms: list[str] = []
    counts: list[int] = []
    lengths = np.zeros(len(texts), dtype=np.int64)
    for row, text in enumerate(texts):
        distinct = Counter(analyze(text))
        terms += distinct
        counts += distinct.values()
        lengths[row] = len(distinct)
    # Every distinct term of the batch looked up at once, in C (map over dict.get).
    columns = np.fromiter(
        map(vectorizer.vocabulary_.get, terms, repeat(-1)), dtype=np.int64, count=len(terms)
    )
    known = columns >= 0
    rows = np.repeat(np.arange(len(texts)), lengths)[known]
    matrix = sp.csr_matrix(
        (np.asarray(counts, dtype=vectorizer.dtype)[known], (rows, columns[known])),
        shape=(len(texts), len(vectorizer.vocabulary_)),
    )
    matrix.sort_indices()
    matrix.data = np.log(matrix.data) + 1  # sublinear tf, as TfidfTransformer
    matrix = matrix @ sp.diags(vectorizer.idf_.astype(vectorizer.dtype))
    return normalize(matrix, norm="l2", copy=False).astype(vectorizer.dtype, copy=False)


class CountingVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` that counts a document's terms with ``Counter`` when fitting.

    scikit-learn's vocabulary count does a dictionary update per term *occurrence* in
    Python; ``Counter`` counts in C, leaving one lookup per *distinct* term. Training
    time is mostly this count (issue 10: 10,000 articles in 60 s). Same vocabulary and
    matrix as the parent class (tested).
    """

    def _count_vocab(self, raw_documents, fixed_vocab):
        if fixed_vocab:
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary: dict[str, int] = {}
        add = vocabulary.setdefault
        analyze = self.build_analyzer()
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            counts = Counter(analyze(doc))
            indices += [add(term, len(vocabulary)) for term in counts]
            values += counts.values()
            indptr.append(len(indices))
        if not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        matrix = sp.csr_matrix(
            (
                np.asarray(values, dtype=self.dtype),
                np.asarray(indices, dtype=np.int64 if indptr[-1] > 2**31 - 1 else np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(indptr) - 1, len(vocabulary)),
        )
        matrix.sort_indices()
        return vocabulary, matrix


# Character n-grams per distinct word, shared by every CharWordVectorizer with the same
# n-gram range. News reuses a few thousand words; bounded so a long-running server that
# sees odd text (numbers, URLs) does not grow without limit.
_WORD_NGRAMS: dict[tuple[int, int], dict[str, list[str]]] = {}
_WORD_NGRAMS_MAX = 300_000


class CharWordVectorizer(CountingVectorizer):
    """``char_wb`` n-grams, cutting each distinct word into n-grams once.

    ``char_wb`` n-grams never cross a word boundary, so a text's n-grams are the
    concatenation of its words' n-grams; scikit-learn recomputes them for every
    occurrence in pure Python. Same matrix as ``TfidfVectorizer`` (tested).
    """

    def _char_wb_ngrams(self, text_document: str) -> list[str]:
        cache = _WORD_NGRAMS.setdefault(tuple(self.ngram_range), {})
        if len(cache) > _WORD_NGRAMS_MAX:
            cache.clear()
        ngrams: list[str] = []
        cut = super()._char_wb_ngrams
        for word in text_document.split():
            grams = cache.get(word)
            if grams is None:
                grams = cache[word] = cut(word)
            ngrams += grams
        return ngrams


def article_parts(records: Sequence[dict]) -> tuple[list[str], list[str]]:
    titles = [clean_text(r.get("title"), max_chars=500) for r in records]
    bodies = [clean_text(r.get("text")) for r in records]
    return titles, bodies


class ArticleVectorizer(TransformerMixin, BaseEstimator):
    """Title words + body words + characters of both, as one CSR matrix.

    ``title_weight`` scales the title block against the others (1.0 was best of
    0.5/1/2 on the dev split when the skeleton model was built).
    """

    def __init__(
        self,
        *,
        title_features: int = 2_500,
        word_features: int = 10_000,
        char_features: int = 10_000,
        char_range: tuple[int, int] = (3, 5),
        char_body_chars: int | None = 1_000,
        title_weight: float = 1.0,
        min_df: int = 2,
        cue_weight: float | None = None,
        office_weight: float | None = None,
    ) -> None:
        self.title_features = title_features
        self.word_features = word_features
        self.char_features = char_features
        self.char_range = char_range
        self.char_body_chars = char_body_chars
        self.title_weight = title_weight
        self.min_df = min_df
        self.cue_weight = cue_weight
        self.office_weight = office_weight

    def _blocks(self, n_docs: int) -> tuple[TfidfVectorizer, TfidfVectorizer, TfidfVectorizer]:
        # A term must occur in min_df documents, but tiny training sets (tests, a new
        # region's first corrections) would otherwise have an empty vocabulary.
        min_df = self.min_df if n_docs >= 10 * self.min_df else 1
        title = CountingVectorizer(
            ngram_range=(1, 2),
            sublinear_tf=True,
            max_features=self.title_features,
            dtype=np.float32,
        )
        words = CountingVectorizer(
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.word_features,
            dtype=np.float32,
        )
        chars = CharWordVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.char_range),
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.char_features,
            dtype=np.float32,
        )
        return title, words, chars

    def _char_texts(self, titles: list[str], bodies: list[str]) -> list[str]:
        cut = getattr(self, "char_body_chars", None)
        return [f"{t}\n{b[:cut] if cut else b}" for t, b in zip(titles, bodies, strict=True)]

    def fit(self, records: Sequence[dict], y=None) -> ArticleVectorizer:
        self.fit_transform(records)
        return self

    def fit_transform(self, records: Sequence[dict], y=None) -> sp.csr_matrix:
        # One pass over the text: the character block is most of the cost.
        titles, bodies = article_parts(records)
        self.title_, self.words_, self.chars_ = self._blocks(len(records))
        title = self.title_.fit_transform(titles)
        words = self.words_.fit_transform(bodies)
        chars = self.chars_.fit_transform(self._char_texts(titles, bodies))
        for block in (self.title_, self.words_, self.chars_):
            # The pruned-term set is only for introspection and would dominate the file.
            if hasattr(block, "stop_words_"):
                block.stop_words_ = None
        if self.title_weight != 1.0:
            title = title * self.title_weight
        return sp.hstack([title, words, chars, *self._cues(titles, bodies)], format="csr")

    def _cues(self, titles: list[str], bodies: list[str]) -> list[sp.csr_matrix]:
        """The cue-word block (:mod:`classify.cues`) and the office-name block
        (:mod:`classify.offices`), each for models trained with it."""
        weight = getattr(self, "cue_weight", None)  # models saved before it have none
        blocks = [cue_matrix(titles, bodies, weight)] if weight else []
        office = getattr(self, "office_weight", None)
        if office:
            blocks.append(office_matrix(titles, bodies, office))
        return blocks

    def transform(self, records: Sequence[dict]) -> sp.csr_matrix:
        titles, bodies = article_parts(records)
        return self.transform_parts(titles, bodies)

    def transform_parts(self, titles: list[str], bodies: list[str]) -> sp.csr_matrix:
        title = tfidf_transform(self.title_, titles)
        if self.title_weight != 1.0:
            title = title * self.title_weight
        words = tfidf_transform(self.words_, bodies)
        chars = tfidf_transform(self.chars_, self._char_texts(titles, bodies))
        return sp.hstack([title, words, chars, *self._cues(titles, bodies)], format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        names = [TITLE_PREFIX + n for n in self.title_.get_feature_names_out()]
        names += [BODY_PREFIX + n for n in self.words_.get_feature_names_out()]
        names += [CHAR_PREFIX + n for n in self.chars_.get_feature_names_out()]
        if getattr(self, "cue_weight", None):
            names += cue_names()
        if getattr(self, "office_weight", None):
            names += office_names()
        return np.asarray(names, dtype=object)
