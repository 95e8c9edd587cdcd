"""`make demo` is the first thing a new user runs: the whole path must work offline and be
repeatable without piling up duplicates."""

from __future__ import annotations

import re
import socket
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.db import open_db
from clippings.demo import site_articles
from clippings.signing import verify_pdf

DAY = date(2025, 10, 28)
COUNTED = ("articles", "labels", "sheets", "sheet_items", "sources")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_demo(home: Path, port: int):
    result = CliRunner().invoke(
        cli, ["demo", "--home", str(home), "--date", DAY.isoformat(), "--port", str(port)]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _counts(home: Path) -> dict[str, int]:
    db = open_db(home / "kliping.db")
    return {table: db[table].count for table in COUNTED}


@pytest.mark.slow
def test_demo_runs_end_to_end_and_twice_adds_nothing(tmp_path):
    home = tmp_path / "demo"
    port = _free_port()
    output = _run_demo(home, port)

    pdf = Path(re.search(r"PDF bertanda tangan\): (.+\.pdf)", output).group(1))
    html = Path(re.search(r"\(HTML\): (.+\.html)", output).group(1))
    assert pdf.exists() and html.exists()
    assert f"Basis data: {home / 'kliping.db'}" in output
    assert re.search(r"Halaman verifikasi \(kode QR\): .*kliping serve --db .*/verifikasi/\d+", output), output
    summary = re.search(r"Ringkasan: (\d+) halaman diambil, (\d+) artikel baru \((\d+) tersimpan\), (\d+) relevan", output)
    assert summary, output
    articles = site_articles(DAY, f"http://127.0.0.1:{port}")
    assert int(summary.group(2)) == len(articles)
    # The model's relevance for the region is within one article of the site's intended labels.
    intended = sum(1 for a in articles if a["relevant_to_region"])
    assert abs(int(summary.group(4)) - intended) <= 1

    result = verify_pdf(pdf, trust_roots=[home / "certs" / "demo-ca.pem"])
    assert result.valid and result.intact, result.problems
    assert result.demo
    # The check the demo prints works as printed: no --trust-root beside its database.
    hint = re.search(r"Periksa berkas PDF: kliping (sheet verify \S+\.pdf --db \S+)", output)
    assert hint, output
    check = CliRunner().invoke(cli, hint.group(1).split())
    assert check.exit_code == 0, check.output
    assert "Tanda tangan sah: ya" in check.output and "cocok dengan lembar no. 1" in check.output

    # The sheet is in the memo layout, in Indonesian.
    text = html.read_text(encoding="utf-8")
    for phrase in ("Instansi", "Nilai Berita", "Sifat", "Tindak Lanjut", "Pemalang, 28 Oktober 2025",
                   "Kepala", "Joko Ngatmo", "Untuk Ditindaklanjuti"):
        assert phrase in text, phrase

    before = _counts(home)
    second = _run_demo(home, port)
    assert "0 artikel baru" in second
    assert _counts(home) == before
