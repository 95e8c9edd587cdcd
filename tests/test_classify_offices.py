"""Office-name counts per urusan (classify/offices.py): what the urusan head learns from
"Dinkes", "Kepala Dinas Pendidikan", "Satpol PP" … wherever the region."""

from __future__ import annotations

import numpy as np
import pytest

from classify.features import ArticleVectorizer
from classify.model import load_classifier
from classify.offices import KEYS, LEAD_CHARS, TERMS, office_matrix, office_names
from classify.train import TrainConfig, fit_classifier


def _row(title: str, body: str) -> dict[str, float]:
    values = office_matrix([title], [body], 1.0).toarray()[0].astype(float)
    return {name: value for name, value in zip(office_names(), values, strict=True) if value}


def test_offices_are_counted_by_urusan_and_by_place_in_the_article():
    row = _row(
        "Dinkes Gelar Vaksinasi di Puskesmas",
        "Kepala Dinas Kesehatan meninjau RSUD. " + "Lain-lain. " * (LEAD_CHARS // 10)
        + "Satpol PP menertibkan PKL di depan pasar.",
    )
    assert row["kantor:judul:kesehatan"] == pytest.approx(np.log1p(2))  # Dinkes, Puskesmas
    assert row["kantor:awal:kesehatan"] == pytest.approx(np.log1p(2))  # Dinas Kesehatan, RSUD
    assert row["kantor:isi:kesehatan"] == pytest.approx(np.log1p(2))  # the body includes the lead
    # Far down the body only: not in the lead.
    assert "kantor:awal:satpol_pp" not in row and row["kantor:isi:satpol_pp"] == pytest.approx(np.log1p(2))
    assert "kantor:isi:perdagangan" in row  # "pasar"


def test_whole_words_only_and_the_longest_term_wins():
    # "pasaran" is not "pasar"; "Wakil Bupati" counts once (not also as "bupati");
    # "e-KTP" is one word with its hyphen; "Sekolah-sekolah" is not "sekolah".
    row = _row("", "Harga pasaran naik. Wakil Bupati membagikan e-KTP. Sekolah-sekolah libur.")
    assert "kantor:isi:perdagangan" not in row
    assert row["kantor:isi:kepala_daerah"] == pytest.approx(np.log1p(1))
    assert row["kantor:isi:kependudukan"] == pytest.approx(np.log1p(1))
    assert "kantor:isi:pendidikan" not in row
    assert _row("", "") == {}


def test_vocabulary_uses_the_urusan_keys_of_labels_md():
    from classify.labels import URUSAN

    assert set(KEYS) <= set(URUSAN)
    assert all(term == term.lower().strip() for terms in TERMS.values() for term in terms)


def test_only_the_urusan_head_weighs_the_office_counts():
    articles = [
        ("Dinkes buka layanan vaksinasi", "kesehatan", "Dinas Kesehatan dan puskesmas melayani warga."),
        ("Satpol PP tertibkan PKL", "satpol_pp", "Satpol PP menertibkan pedagang kaki lima di alun-alun."),
        ("BPBD siaga banjir", "bencana", "BPBD menyiapkan perahu karet menghadapi banjir."),
    ]
    records = []
    for k in range(6):
        for title, key, body in articles:
            records.append(
                {"title": f"{title} {k}", "text": f"{body} Hari ke-{k} kegiatan berlanjut.",
                 "relevant": True, "urusan": [key], "nilai": ["positif", "netral"][k % 2],
                 "sifat": ["biasa", "penting"][k % 2], "tindak_lanjut": ["diketahui", "ditindaklanjuti"][k % 2]}
            )
        records.append({"title": f"Skor liga {k}", "text": "Tim tamu menang dua gol tanpa balas di stadion.",
                        "relevant": False, "urusan": [], "nilai": "netral", "sifat": "biasa",
                        "tindak_lanjut": "diketahui"})
    classifier, _ = fit_classifier(records, TrainConfig(office_weight=0.2))
    n = len(office_names())
    assert list(classifier.feature_names[-n:]) == office_names()

    def office_coef(head):
        inner = head.calibrated_classifiers_[0].estimator if hasattr(head, "calibrated_classifiers_") else head
        return np.abs(inner.coef_[:, -n:]).max()

    assert office_coef(classifier.heads["urusan"]) > 0
    for name in ("relevant", "nilai", "tindak_lanjut"):
        assert office_coef(classifier.heads[name]) == 0


def test_models_saved_without_the_office_block_still_transform():
    vectorizer = load_classifier().vectorizer
    del vectorizer.office_weight  # as pickled before classify/offices.py existed
    assert vectorizer.transform([{"title": "Dinkes", "text": "Puskesmas buka."}]).shape[1] == len(
        vectorizer.get_feature_names_out()
    )


def test_committed_model_has_the_office_block():
    vectorizer = load_classifier().vectorizer
    assert vectorizer.office_weight == TrainConfig().office_weight
    assert ArticleVectorizer().office_weight is None
