"""Labeled files come from many hands: a bad line is reported where it is and skipped."""

from __future__ import annotations

import json

import pytest

from classify.corpus import CorpusError, read_corpus, write_jsonl

GOOD = {
    "id": "a-1",
    "title": "Jembatan Desa Sukamaju Ambrol",
    "text": "Jembatan penghubung dua dusun ambrol diterjang banjir, warga memutar jauh.",
    "relevant": True,
    "urusan": ["pekerjaan_umum", "bencana"],
    "nilai": "negatif",
    "sifat": "segera",
    "tindak_lanjut": "ditindaklanjuti",
}
OTHER = {
    **GOOD,
    "id": "a-2",
    "relevant": False,
    "urusan": [],
    "nilai": "netral",
    "sifat": "biasa",
    "tindak_lanjut": "diketahui",
}


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_lines_are_skipped_with_file_and_line(tmp_path):
    path = _write(
        tmp_path / "campur.jsonl",
        [
            json.dumps(GOOD),
            '{"id": "rusak", "title": ',  # line 2: broken JSON
            json.dumps({**GOOD, "id": "a-3", "nilai": "buruk"}),  # line 3: unknown value
            json.dumps({**GOOD, "id": "a-4", "urusan": ["jalan_tol"]}),  # line 4: unknown urusan
            "",
            json.dumps(GOOD),  # line 6: duplicate id
            json.dumps(OTHER),
        ],
    )
    corpus = read_corpus(path)
    assert [r["id"] for r in corpus.records] == ["a-1", "a-2"]
    assert corpus.skipped == 4
    messages = [str(e) for e in corpus.errors]
    assert messages[0].startswith(f"{path}:2: JSON rusak")
    assert (
        messages[1].startswith(f"{path}:3:")
        and "'buruk'" in messages[1]
        and "negatif" in messages[1]
    )
    assert messages[2].startswith(f"{path}:4:") and "jalan_tol" in messages[2]
    assert messages[3] == f"{path}:6: id ganda: 'a-1'"


def test_unlabeled_records_need_only_id_title_text(tmp_path):
    path = _write(
        tmp_path / "baru.jsonl",
        [
            json.dumps({"id": 7, "title": "Pasar Baru Dibuka", "text": None}),
            json.dumps({"title": "tanpa id", "text": "isi"}),
            json.dumps(["bukan", "objek"]),
        ],
    )
    corpus = read_corpus(path, labeled=False)
    assert corpus.records == [{"id": "7", "title": "Pasar Baru Dibuka", "text": ""}]
    assert "'id'" in str(corpus.errors[0]) and str(corpus.errors[0]).startswith(f"{path}:2:")
    assert "objek JSON" in str(corpus.errors[1])


def test_labeled_read_rejects_missing_labels(tmp_path):
    path = _write(
        tmp_path / "x.jsonl", [json.dumps({"id": "1", "title": "a", "text": "b"}), json.dumps(GOOD)]
    )
    corpus = read_corpus(path)
    assert len(corpus) == 1
    assert "relevant" in str(corpus.errors[0])


def test_unreadable_files_raise(tmp_path):
    with pytest.raises(CorpusError, match="tidak ditemukan"):
        read_corpus(tmp_path / "tidak-ada.jsonl")
    with pytest.raises(CorpusError, match="tidak ada baris yang sah"):
        read_corpus(_write(tmp_path / "semua-rusak.jsonl", ["{", "}"]))


def test_write_jsonl_keeps_indonesian_text_readable(tmp_path):
    out = tmp_path / "hasil" / "out.jsonl"
    assert write_jsonl([GOOD, OTHER], out) == 2
    assert "Jembatan Desa Sukamaju Ambrol" in out.read_text(encoding="utf-8")
    assert [r["id"] for r in read_corpus(out).records] == ["a-1", "a-2"]
