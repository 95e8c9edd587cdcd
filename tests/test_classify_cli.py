"""`kliping classify --jsonl`, `kliping evaluate` and their errors, through click."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from clippings.commands.classify import classify, evaluate, train
from tests.test_classify_gazetteer import REGION
from tests.test_labeling import ARTICLES


def _input(tmp_path):
    lines = [
        json.dumps(
            {
                "id": f"b{i}",
                "title": a["title"],
                "text": a["body"],
                "url": f"https://berita.test/{i}",
            }
        )
        for i, a in enumerate(ARTICLES, start=1)
    ]
    lines.insert(2, '{"id": "rusak", "title": "tanpa penutup"')  # line 3
    lines.append(json.dumps({"id": "kosong", "title": "Hanya Judul", "text": ""}))
    path = tmp_path / "masuk.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_round_trip(tmp_path):
    source, out = _input(tmp_path), tmp_path / "keluar.jsonl"
    result = CliRunner().invoke(classify, ["--jsonl", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 artikel dilabeli, 2 relevan, " in result.stdout
    assert "perlu diperiksa (uncertain), 1 baris dilewati" in result.stdout
    assert f"{source}:3: JSON rusak" in result.stderr
    rows = _read(out)
    assert [r["id"] for r in rows] == ["b1", "b2", "b3", "kosong"]
    for row in rows:
        assert {
            "relevant",
            "urusan",
            "nilai",
            "sifat",
            "tindak_lanjut",
            "instansi_text",
            "scores",
            "reasons",
        } <= set(row)
        assert isinstance(row["relevant"], bool) and isinstance(row["urusan"], list)
    road, brebes, football, empty = rows
    assert road["url"] == "https://berita.test/1"  # input fields are kept
    assert road["relevant"] and road["urusan"][0] == "pekerjaan_umum"
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in road["instansi_text"]
    assert brebes["relevant"]  # without --region: any local government counts
    assert not football["relevant"] and football["urusan"] == []
    assert empty["reasons"]["relevant"] == ["teks kosong"]
    # Low-confidence predictions are flagged, and the summary counts them.
    assert all(isinstance(r["uncertain"], bool) for r in rows)
    assert not empty["uncertain"]  # an empty text is certainly not relevant
    flagged = sum(r["uncertain"] for r in rows)
    assert f"2 relevan, {flagged} perlu diperiksa" in result.stdout

    # The model agrees with itself: evaluating its own output gives perfect figures.
    result = CliRunner().invoke(evaluate, ["--data", str(out), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["relevant"]["f1"] == 1.0 and metrics["nilai"]["macro_f1"] == 1.0
    assert metrics["relevant"]["confusion"]["matrix"] == [[2, 0], [0, 2]]


def test_jsonl_with_region_judges_relevance_for_that_region(tmp_path):
    region_file = tmp_path / f"{REGION['id']}.yaml"
    region_file.write_text(yaml.safe_dump(REGION, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "keluar.jsonl"
    result = CliRunner().invoke(
        classify,
        ["--jsonl", str(_input(tmp_path)), "--out", str(out), "--region", str(region_file)],
    )
    assert result.exit_code == 0, result.output
    road, brebes, *_ = _read(out)
    assert (
        road["relevant"]
        and road["instansi"][0] == "dpupr"
        and road["region"] == "Kabupaten Sukamaju"
    )
    assert not brebes["relevant"] and "Brebes" in brebes["reasons"]["wilayah"][0]


def test_errors_are_clear(tmp_path):
    runner = CliRunner()
    result = runner.invoke(classify, ["--db", str(tmp_path / "k.db")])
    assert result.exit_code != 0 and "--region wajib" in result.output
    result = runner.invoke(classify, ["--jsonl", str(_input(tmp_path))])
    assert result.exit_code != 0 and "--out wajib" in result.output
    broken = tmp_path / "rusak.joblib"
    broken.write_bytes(b"\x00" * 64)
    result = runner.invoke(evaluate, ["--model", str(broken), "--data", str(_input(tmp_path))])
    assert result.exit_code != 0 and "kliping train" in result.output
    result = runner.invoke(train, ["--data", str(tmp_path)])
    assert result.exit_code != 0 and "train.jsonl" in result.output


def test_help_is_in_indonesian_with_an_example():
    for command in (train, classify, evaluate):
        result = CliRunner().invoke(command, ["--help"])
        assert result.exit_code == 0 and "Contoh" in result.output
