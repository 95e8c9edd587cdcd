"""The committed model labels articles with scores and reasons, and odd input never crashes it."""

from __future__ import annotations

import pytest

from classify.explain import _informative, class_weights
from classify.features import article_parts, tfidf_transform
from classify.labels import NILAI, SIFAT, TINDAK_LANJUT, URUSAN
from classify.model import HEADS, UNCERTAIN_BELOW, ModelError, is_uncertain, load_classifier

ROAD = {
    "id": "jalan",
    "title": "Jalan Kabupaten di Kecamatan Cibiru Rusak Parah, Warga Tanam Pohon Pisang",
    "text": (
        "Warga Desa Mekarsari, Kecamatan Cibiru, Kabupaten Sukamaju, menanam pohon pisang di tengah "
        "jalan kabupaten yang rusak parah sebagai bentuk protes. Lubang besar sepanjang dua kilometer "
        "itu sudah setahun tidak diperbaiki dan beberapa pengendara sepeda motor terjatuh. "
        "Kepala Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Sukamaju mengatakan perbaikan jalan "
        "baru dianggarkan dalam APBD perubahan tahun depan. Warga mendesak pemerintah daerah segera "
        "menambal jalan sebelum musim hujan tiba."
    ),
}
FOOTBALL = {
    "id": "bola",
    "title": "Persib Tundukkan Persija 2-1 di Stadion Gelora Bandung Lautan Api",
    "text": (
        "Persib Bandung menang 2-1 atas Persija Jakarta dalam lanjutan Liga 1. Gol kemenangan dicetak "
        "pada menit ke-88 lewat sundulan kepala setelah memanfaatkan sepak pojok. Pelatih Persib memuji "
        "kerja keras para pemain yang tampil ngotot sejak awal laga. Dengan hasil ini Persib naik ke "
        "peringkat kedua klasemen sementara, sementara Persija tertahan di papan tengah."
    ),
}


@pytest.fixture(scope="module")
def classifier():
    return load_classifier()


def test_prediction_shape(classifier):
    road, football = classifier.predict([ROAD, FOOTBALL])
    for prediction in (road, football):
        assert set(prediction.scores) == set(HEADS)
        assert all(0.0 <= p <= 1.0 for p in prediction.scores.values())
        assert prediction.nilai in NILAI and prediction.sifat in SIFAT
        assert prediction.tindak_lanjut in TINDAK_LANJUT
        assert all(
            isinstance(r, list) and all(isinstance(w, str) for w in r)
            for r in prediction.reasons.values()
        )
    assert road.relevant is True
    assert road.urusan[0] == "pekerjaan_umum" and set(road.urusan) <= set(URUSAN)
    assert road.nilai == "negatif" and road.tindak_lanjut == "ditindaklanjuti"
    assert set(road.reasons) == set(HEADS)
    assert any("jalan" in phrase for phrase in road.reasons["urusan"])
    assert football.relevant is False
    assert (football.urusan, football.nilai, football.sifat, football.tindak_lanjut) == (
        [],
        "netral",
        "biasa",
        "diketahui",
    )
    assert football.reasons["relevant"]  # why it is not relevant


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"id": "1", "title": "Banjir Rob Landa Pesisir", "text": ""}, "teks kosong"),
        ({"id": "2", "title": None, "text": None}, "teks kosong"),
        ({"id": "3", "title": "Banjir", "text": "<p>Air naik lagi.</p>"}, "teks terlalu pendek"),
        ({"id": "4", "text": "   \n\t "}, "teks kosong"),
    ],
)
def test_empty_or_short_text_is_not_relevant(classifier, record, reason):
    (prediction,) = classifier.predict([record])
    assert prediction.relevant is False
    assert prediction.reasons["relevant"] == [reason]
    assert prediction.urusan == [] and prediction.nilai == "netral"


def test_html_and_huge_text_do_not_crash(classifier):
    html = {
        "id": "h",
        "title": "<b>Jalan</b> rusak",
        "text": "<div><script>var x=1;</script>" + ROAD["text"] + "</div>",
    }
    huge = {"id": "b", "title": ROAD["title"], "text": ROAD["text"] * 400}
    with_html, big = classifier.predict([html, huge])
    assert with_html.relevant and big.relevant
    assert not any(
        "script" in p or "var" in p.split() for r in with_html.reasons.values() for p in r
    )
    assert classifier.predict([]) == []


ENGLISH = {
    "id": "en",
    "title": "Regent Inaugurates Village Road After Residents Complain",
    "text": (
        "The regent of Sukamaju inaugurated a two kilometre village road on Monday after residents "
        "had complained for years about deep potholes. The road was built with the village fund and "
        "the regional budget, and the head of the public works office said the next section would be "
        "repaired before the rainy season. Motorcyclists who use the road every day welcomed the "
        "work but asked the government to add street lights, drainage and signs along the way, "
        "because several accidents happened there last year when the road was still damaged."
    ),
}


def test_foreign_text_gets_no_labels_and_is_flagged(classifier):
    # The heads learned Indonesian only: an English story about a regent would otherwise get
    # labels of little meaning. It is set aside for a person, not silently dropped.
    english, road = classifier.predict([ENGLISH, ROAD])
    assert english.relevant is False
    assert english.reasons["relevant"] == ["bukan bahasa Indonesia"]
    assert english.urusan == [] and english.nilai == "netral"
    assert english.uncertain is True and is_uncertain(english.scores)
    assert road.relevant is True  # Indonesian text of the same length is judged as usual
    # A short English teaser is too short to judge: the usual rule applies.
    (teaser,) = classifier.predict([{"id": "t", "title": "Road", "text": "The road is open."}])
    assert teaser.reasons["relevant"] == ["teks terlalu pendek"]


def test_reasons_are_the_strongest_pushes_towards_the_chosen_value(classifier):
    # Explained in one batch: each article's reasons must still be its own strongest word
    # features for its own chosen value, whatever else is in the batch.
    batch = [FOOTBALL, ROAD, {**ROAD, "id": "jalan-2", "text": ROAD["text"] + " Banjir datang."}]
    predictions = classifier.predict(batch)
    matrix = classifier.vectorizer.transform(batch)
    names = [
        str(n).removeprefix("judul:").removeprefix("teks:")
        for n in classifier.feature_names[: classifier.n_word_features]
    ]
    for i, prediction in enumerate(predictions):
        heads = ["relevant"] + (["urusan", "nilai", "tindak_lanjut"] if prediction.relevant else [])
        for head in heads:
            chosen = prediction.urusan[0] if head == "urusan" else getattr(prediction, head)
            weights = class_weights(classifier.heads[head], chosen)
            row = matrix[i].toarray()[0][: classifier.n_word_features]
            push: dict[str, float] = {}
            for column in row.nonzero()[0]:
                value = float(row[column] * weights[column])
                push[names[column]] = max(push.get(names[column], value), value)
            shown = prediction.reasons[head]
            assert shown, (head, i)
            strengths = [push[p] for p in shown]
            assert strengths == sorted(strengths, reverse=True) and min(strengths) > 0
            hidden = [v for p, v in push.items() if p not in shown and _informative(p)]
            if len(shown) == 5:
                assert all(v <= min(strengths) + 1e-6 for v in hidden)


def test_corrupt_model_file_says_how_to_retrain(tmp_path):
    bad = tmp_path / "kliping-rusak.joblib"
    bad.write_bytes(b"bukan model sama sekali")
    with pytest.raises(ModelError, match="kliping train"):
        load_classifier(bad)
    (tmp_path / "current").write_text("kliping-rusak.joblib\n")
    with pytest.raises(ModelError, match="rusak"):
        load_classifier(tmp_path)


def test_missing_model_says_how_to_retrain(tmp_path):
    with pytest.raises(ModelError, match="kliping train"):
        load_classifier(tmp_path)  # folder without `current`
    (tmp_path / "current").write_text("kliping-hilang.joblib")
    with pytest.raises(ModelError, match="tidak ditemukan.*kliping train"):
        load_classifier(tmp_path)


def test_low_confidence_is_flagged_for_review(classifier):
    # The flag follows the per-head thresholds, on the probabilities the desk sees.
    assert not is_uncertain({"relevant": 0.95, "urusan": 0.8, "nilai": 0.9})
    assert is_uncertain({"relevant": 0.95, "urusan": 0.8, "nilai": 0.45})
    assert is_uncertain({"relevant": 0.6})
    assert is_uncertain({"relevant": 0.95, "urusan": UNCERTAIN_BELOW["urusan"] - 0.01})
    predictions = classifier.predict([ROAD, FOOTBALL, {**ROAD, "text": ""}])
    for prediction in predictions:
        assert prediction.uncertain == is_uncertain(prediction.scores)
        assert "uncertain" not in prediction.labels()  # not a LABELS.md field
    assert predictions[2].uncertain is False  # "teks kosong" is a sure answer


def test_fast_transform_gives_scikit_learns_matrix(classifier):
    # The counting shortcut must not change a single feature value the heads see.
    vectorizer = classifier.vectorizer
    titles, bodies = article_parts([ROAD, FOOTBALL, {"title": "", "text": "<p>x</p>"}])
    texts = vectorizer._char_texts(titles, bodies)
    for block, docs in ((vectorizer.title_, titles), (vectorizer.words_, bodies),
                        (vectorizer.chars_, texts)):
        fast, reference = tfidf_transform(block, docs), block.transform(docs)
        assert fast.shape == reference.shape and fast.dtype == reference.dtype
        assert abs(fast - reference).max() < 1e-6
