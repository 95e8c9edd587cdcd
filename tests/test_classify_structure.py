"""The pieces added for issue 10's figures: faster vectorizers that give the same matrix,
cue-word counts, sifat mixed by the nilai head, and calibration on a sample of a big corpus."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from classify.cues import cue_names, cue_row
from classify.features import CharWordVectorizer, CountingVectorizer
from classify.heads import ByNilai
from classify.model import load_classifier
from classify.train import TrainConfig, _calibration_sample, fit_head

TEXTS = [
    "Banjir merendam tiga desa di Kecamatan Cibiru, warga mengungsi ke balai desa.",
    "Bupati meresmikan jembatan baru yang menghubungkan dua desa.  Warga menyambut gembira.",
    "Warga mengeluhkan antrean panjang di kantor Disdukcapil; blangko KTP habis lagi.",
    "Jadwal sosialisasi pajak daerah dibuka pekan depan di setiap kecamatan.",
    "Kejari menetapkan kepala desa sebagai tersangka korupsi dana desa.",
    "Dinas Kesehatan menggelar vaksinasi gratis di puskesmas, warga antre sejak pagi.",
]


@pytest.mark.parametrize(
    "fast, settings",
    [
        (CountingVectorizer, {"ngram_range": (1, 2), "min_df": 1, "max_features": 40}),
        (CharWordVectorizer, {"analyzer": "char_wb", "ngram_range": (3, 5), "min_df": 2}),
    ],
)
def test_fast_vectorizers_learn_scikit_learns_vocabulary_and_matrix(fast, settings):
    settings = {**settings, "sublinear_tf": True, "dtype": np.float32}
    reference = TfidfVectorizer(**settings)
    expected = reference.fit_transform(TEXTS)
    ours = fast(**settings)
    got = ours.fit_transform(TEXTS)
    assert ours.vocabulary_ == reference.vocabulary_
    np.testing.assert_allclose(ours.idf_, reference.idf_)
    assert got.shape == expected.shape and abs(got - expected).max() < 1e-6
    # Twice, so the per-word n-gram cache is used, and on unseen text.
    unseen = ["Warga kebanjiran lagi, jembatan desa putus."]
    assert abs(ours.transform(unseen) - reference.transform(unseen)).max() < 1e-6


def test_cue_counts_find_groups_in_title_lead_body_and_quotes():
    names = cue_names()
    row = dict(
        zip(
            names,
            cue_row(
                "Banjir Rendam Tiga Desa",
                'Warga mengeluhkan tanggul yang jebol. "Kami kecewa, sudah lapor tapi tak '
                'kunjung diperbaiki," kata seorang warga. ' + "Lain-lain. " * 120
                + "Bupati meresmikan posko pengungsi.",
            ),
            strict=True,
        )
    )
    assert len(names) == len(set(names))
    assert row["isyarat:bencana@judul"] == 1
    assert row["isyarat:bencana@awal"] > 0  # "jebol" in the lead
    assert row["isyarat:positif@awal"] == 0 and row["isyarat:positif@teks"] > 0  # far down
    assert row["isyarat:keluhan@teks"] >= np.log1p(3)  # mengeluhkan, kecewa, tak kunjung
    assert row["isyarat:keluhan_dikutip"] > 0
    assert row["isyarat:hukum@teks"] == 0


def test_committed_model_mixes_sifat_by_the_nilai_head():
    classifier = load_classifier()
    head = classifier.heads["sifat"]
    assert isinstance(head, ByNilai)
    # "segera" is only ever urgent bad news: the branch for other stories never offers it.
    assert "segera" in head.negative.classes_ and "segera" not in head.other.classes_
    records = [{"title": "Banjir Rendam Tiga Desa", "text": TEXTS[0] * 3}, {"text": TEXTS[1] * 3}]
    raw = classifier.predict_raw(records)
    p_negative = raw.heads["nilai"].p_negative()
    proba = raw.heads["sifat"].proba
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    segera = raw.heads["sifat"].classes.index("segera")
    negative_branch = head.negative.predict_proba(raw.matrix)
    expected = p_negative * negative_branch[:, list(head.negative.classes_).index("segera")]
    np.testing.assert_allclose(proba[:, segera], expected, atol=1e-6)


def test_big_corpus_calibrates_on_a_sample_but_fits_the_head_on_everything():
    config = TrainConfig(calibration_max=200, urusan_tol=1e-4, urusan_max_iter=1_000)
    rng = np.random.default_rng(0)
    y = np.array(["a"] * 500 + ["b"] * 300 + ["c"] * 5)
    sample = _calibration_sample(y, config)
    assert len(sample) <= 210 and set(y[sample]) == {"a", "b", "c"}
    assert (y[sample] == "c").sum() >= config.calibration_folds  # rare class kept whole
    assert _calibration_sample(y[:150], config) is None  # small corpus: all rows

    matrix = sp.csr_matrix(rng.random((len(y), 8)) + (y == "b")[:, None] * np.eye(8)[0])
    model = fit_head(matrix, list(y), config, "urusan")
    inner = model.calibrated_classifiers_[0].estimator
    direct = LinearSVC(C=config.urusan_C, class_weight=config.class_weight, tol=1e-4).fit(matrix, y)
    np.testing.assert_allclose(inner.coef_, direct.coef_.astype(np.float32), rtol=1e-3, atol=1e-4)
    assert model.predict_proba(matrix).shape == (len(y), 3)
