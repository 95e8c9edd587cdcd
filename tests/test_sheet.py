"""The daily sheet: the right clippings, in the memo layout, signed, archived once."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.db import open_db
from clippings.regions import load_region
from clippings.sheet import (
    UNASSIGNED_OFFICE,
    compose_sheet,
    find_sheet_by_sha256,
    publish_sheet,
    qr_data_uri,
    render_html,
    render_pdf,
    template_environment,
)
from clippings.signing import SigningError, verify_pdf

HERE = Path(__file__).resolve().parent
REGION_FILE = HERE / "regions" / "kota-contoh.yaml"
DAY = date(2024, 10, 4)

LONG_HEADLINE = (
    "Warga Tiga Kelurahan Mengeluhkan Jalan Berlubang yang Belum Diperbaiki Sejak Musim "
    "Hujan Tahun Lalu Meski Sudah Dilaporkan Berkali-kali ke Dinas Pekerjaan Umum"
)

ARTICLES = [
    # (key, fields, label)
    (
        "jalan",
        {
            "title": LONG_HEADLINE,
            "rubric": "Kota",
            "caption": "JALAN RUSAK - Seorang pengendara motor melintas pelan di ruas jalan yang "
            "berlubang di dekat pasar kelurahan, Rabu pagi.",
            "body": "Sejumlah warga mengeluhkan kondisi jalan yang rusak di tiga kelurahan.\n"
            "Menurut warga, lubang di jalan itu sudah ada sejak musim hujan tahun lalu.\n"
            "Kepala Dinas Pekerjaan Umum berjanji perbaikan dimulai pekan depan.",
            "published": "2024-10-03",
            "publisher": "Harian Contoh",
            "url": "https://harian-contoh.test/kota/jalan-berlubang",
        },
        {"nilai": "negatif", "sifat": "penting", "tindak_lanjut": "ditindaklanjuti",
         "instansi": ["dpupr", "dlh"], "urusan": ["pekerjaan_umum"]},
    ),
    (
        "ppid",
        {
            "title": "Pemkot Contoh Latih Petugas PPID Kelola Akun Media Sosial",
            "rubric": "Pelatihan",
            "caption": "",
            "body": "Pemerintah Kota Contoh menggelar pelatihan bagi petugas PPID.\n"
            "Peserta belajar menjawab pertanyaan warga melalui media sosial resmi.",
            "published": "2024-10-04",
            "publisher": "Warta Contoh",
            "url": "https://warta-contoh.test/ppid",
        },
        {"nilai": "positif", "sifat": "biasa", "tindak_lanjut": "diketahui",
         "instansi": ["diskominfo"], "urusan": ["kominfo"]},
    ),
    (
        "banjir",
        {
            "title": "Banjir Setinggi Lutut Rendam Permukiman di Tepi Sungai",
            "rubric": "",
            "caption": "",
            "body": "Hujan deras semalam membuat sungai meluap dan merendam rumah warga.\n"
            "Petugas BPBD membantu mengungsikan lansia dan anak-anak.",
            "published": "2024-10-04",
            "publisher": "Harian Contoh",
            "url": "https://harian-contoh.test/banjir",
        },
        # Urusan only: the office comes from the region's directory.
        {"nilai": "negatif", "sifat": "segera", "tindak_lanjut": "ditindaklanjuti",
         "instansi": [], "urusan": ["bencana"]},
    ),
    (
        "lama",
        {
            "title": "Berita Pekan Lalu yang Tidak Termasuk Periode",
            "body": "Teks lama.",
            "published": "2024-09-25",
            "publisher": "Harian Contoh",
            "url": "https://harian-contoh.test/lama",
        },
        {"nilai": "netral", "sifat": "biasa", "tindak_lanjut": "diketahui",
         "instansi": ["diskominfo"], "urusan": ["kominfo"]},
    ),
    (
        "sepakbola",
        {
            "title": "Klub Sepak Bola Luar Daerah Menang Tipis",
            "body": "Hasil pertandingan liga nasional.",
            "published": "2024-10-04",
            "publisher": "Warta Contoh",
            "url": "https://warta-contoh.test/bola",
        },
        {"relevant": 0, "nilai": "netral", "sifat": "biasa", "tindak_lanjut": "diketahui",
         "instansi": [], "urusan": []},
    ),
]


@pytest.fixture
def region():
    return load_region(str(REGION_FILE))


def add_article(db, key: str, fields: dict, label: dict, *, region_id: str = "kota-contoh") -> int:
    row = {
        "url": fields["url"],
        "canonical_url": fields["url"],
        "title": fields["title"],
        "body": fields["body"],
        "published": fields.get("published"),
        "publisher": fields.get("publisher"),
        "rubric": fields.get("rubric"),
        "caption": fields.get("caption"),
        "content_hash": hashlib.sha256(fields["body"].encode()).hexdigest() + key,
        "fetched_at": "2024-10-04T06:00:00+00:00",
    }
    article_id = db["articles"].insert(row).last_pk
    add_label(db, article_id, "model", label, region_id=region_id)
    return article_id


def add_label(db, article_id: int, origin: str, label: dict, *, region_id: str = "kota-contoh") -> int:
    return db["labels"].insert(
        {
            "article_id": article_id,
            "region": region_id,
            "origin": origin,
            "relevant": label.get("relevant", 1),
            "urusan": json.dumps(label["urusan"]),
            "instansi": json.dumps(label["instansi"]),
            "nilai": label["nilai"],
            "sifat": label["sifat"],
            "tindak_lanjut": label["tindak_lanjut"],
            "created_by": "uji" if origin == "desk" else None,
            "created_at": "2024-10-04T07:00:00+00:00",
        }
    ).last_pk


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    ids = {key: add_article(database, key, fields, label) for key, fields, label in ARTICLES}
    database.ids = ids  # type: ignore[attr-defined]
    return database


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def words_past_right_margin(path: Path, margin_pt: float) -> list[str]:
    """Words whose box ends inside the right page margin, i.e. text that overflowed."""
    import re

    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    return [
        word for x_max, word in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', bbox)
        if float(x_max) > width - margin_pt
    ]


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


# --------------------------------------------------------------------------- compose


def test_compose_picks_relevant_clippings_in_window_ordered_by_urgency(db, region):
    sheet = compose_sheet(db, region, DAY)
    titles = [item.title for item in sheet.items]
    # segera before penting before biasa; old and irrelevant articles left out
    assert titles == [
        "Banjir Setinggi Lutut Rendam Permukiman di Tepi Sungai",
        LONG_HEADLINE,
        "Pemkot Contoh Latih Petugas PPID Kelola Akun Media Sosial",
    ]
    flood, road, _ = sheet.items
    assert [o.name for o in flood.offices] == ["Badan Penanggulangan Bencana Daerah"]
    assert [o.name for o in road.offices] == [
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "Dinas Lingkungan Hidup",
    ]
    assert road.paragraphs[1].startswith("Menurut warga")
    assert road.published == date(2024, 10, 3)


def test_window_zero_keeps_only_the_day(db, region):
    sheet = compose_sheet(db, region, DAY, window_days=0)
    assert LONG_HEADLINE not in [item.title for item in sheet.items]
    assert len(sheet.items) == 2


def test_desk_label_wins_over_model(db, region):
    add_label(db, db.ids["ppid"], "desk",
              {"nilai": "netral", "sifat": "penting", "tindak_lanjut": "klarifikasi",
               "instansi": ["diskominfo"], "urusan": ["kominfo"]})
    add_label(db, db.ids["banjir"], "desk",
              {"relevant": 0, "nilai": "netral", "sifat": "biasa", "tindak_lanjut": "diketahui",
               "instansi": [], "urusan": []})
    sheet = compose_sheet(db, region, DAY)
    ppid = next(i for i in sheet.items if i.article_id == db.ids["ppid"])
    assert (ppid.label_origin, ppid.sifat, ppid.tindak_lanjut) == ("desk", "penting", "klarifikasi")
    assert db.ids["banjir"] not in [i.article_id for i in sheet.items]


def test_unknown_office_key_prints_key_and_logs(db, region, caplog):
    add_label(db, db.ids["ppid"], "desk",
              {"nilai": "positif", "sifat": "biasa", "tindak_lanjut": "diketahui",
               "instansi": ["kantor_hilang"], "urusan": []})
    add_label(db, db.ids["jalan"], "desk",
              {"nilai": "negatif", "sifat": "penting", "tindak_lanjut": "ditindaklanjuti",
               "instansi": [], "urusan": ["pertanian"]})
    sheet = compose_sheet(db, region, DAY)
    by_id = {i.article_id: i for i in sheet.items}
    assert [o.name for o in by_id[db.ids["ppid"]].offices] == ["kantor_hilang"]
    assert [o.name for o in by_id[db.ids["jalan"]].offices] == [UNASSIGNED_OFFICE]
    assert "kantor_hilang" in caplog.text


# --------------------------------------------------------------------------- render


def test_html_has_memo_table_rows_and_signer_block(db, region):
    html = render_html(compose_sheet(db, region, DAY))
    assert "<th class=\"instansi\">Instansi</th><th>Nilai Berita</th><th>Sifat</th><th>Tindak Lanjut</th>" in html
    assert "1. Dinas Pekerjaan Umum dan Penataan Ruang" in html
    assert "2. Dinas Lingkungan Hidup" in html
    assert "1. Dinas Komunikasi, Informatika dan Statistik" in html
    for word in ("Negatif", "Penting", "Untuk Ditindaklanjuti", "Positif", "Biasa",
                 "Untuk Diketahui", "Segera"):
        assert f"<td>{word}</td>" in html
    assert "Contoh, 04 Oktober 2024" in html
    assert '<p class="signer-title">Kepala</p>' in html
    assert "Dra. Sri Wahyuningsih, M.Si." in html
    assert "NIP. 19710315 199803 2 004" in html
    assert "Harian Contoh, Kamis, 03 Oktober 2024" in html  # source line
    assert "JALAN RUSAK - Seorang pengendara" in html  # caption
    assert "PELATIHAN" in html  # rubric
    assert "DRAF" in html  # not yet numbered or signed


def test_html_escapes_article_text(db, region):
    db["articles"].update(db.ids["ppid"], {"title": "Judul <script>alert(1)</script> & lain"})
    html = render_html(compose_sheet(db, region, DAY))
    assert "<script>" not in html
    assert "Judul &lt;script&gt;alert(1)&lt;/script&gt; &amp; lain" in html


def test_empty_sheet_says_there_are_no_clippings(db_path, region):
    html = render_html(compose_sheet(open_db(db_path), region, DAY))
    assert "Tidak ada kliping" in html
    assert "NIP. 19710315 199803 2 004" in html
    assert 'class="clipping' not in html


def test_region_template_overrides_kop_only(tmp_path, db, region):
    root = tmp_path / "templates"
    shutil.copytree(HERE.parent / "templates", root, ignore=shutil.ignore_patterns("regions"))
    override = root / "regions" / region.id
    override.mkdir(parents=True)
    (override / "sheet.html.j2").write_text(
        '{% extends "default:sheet.html.j2" %}'
        '{% block kop %}<header class="kop">KOP KHUSUS KOTA CONTOH</header>{% endblock %}',
        encoding="utf-8",
    )
    template_environment.cache_clear()
    html = render_html(compose_sheet(db, region, DAY), templates_root=root)
    assert "KOP KHUSUS KOTA CONTOH" in html
    assert "PEMERINTAH KOTA CONTOH" not in html
    assert "NIP. 19710315 199803 2 004" in html  # the rest is the stock sheet


def test_pdf_has_one_page_per_clipping_with_headline_and_signer(tmp_path, db, region):
    db["articles"].update(db.ids["ppid"], {
        # Tracking tokens make URLs with no place to break.
        "canonical_url": "https://warta-contoh.test/ppid?utm=" + "a1B2c3D4" * 20 + "selesai",
        "caption": "PELATIHAN PPID - " + "Para petugas menyimak materi tentang layanan informasi. " * 8,
    })
    sheet = compose_sheet(db, region, DAY)
    pdf = render_pdf(render_html(sheet), tmp_path / "lembar.pdf")
    text = pdftotext(pdf)
    flat = " ".join(text.split())
    assert "Banjir Setinggi Lutut Rendam Permukiman di Tepi Sungai" in flat
    # The long headline wraps (possibly at its hyphen) and is printed whole.
    assert "".join(LONG_HEADLINE.split()) in "".join(text.split())
    assert "Contoh, 04 Oktober 2024" in flat
    assert "Dra. Sri Wahyuningsih, M.Si." in flat
    assert "NIP. 19710315 199803 2 004" in flat
    assert page_count(pdf) == 1 + len(sheet.items)
    # Each clipping page carries its own table and signer block.
    pages = text.split("\f")
    for page in pages[1:4]:
        assert "Instansi" in page and "Tindak Lanjut" in page and "NIP." in page
    # Long headlines, captions and URLs wrap inside the 18 mm right margin.
    assert words_past_right_margin(pdf, margin_pt=18 / 25.4 * 72 - 1) == []
    assert "selesai" in "".join(text.split())


# --------------------------------------------------------------------------- publish


def publish(db, region, tmp_path, certs, **kwargs):
    return publish_sheet(
        db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
        password=certs.password, base="https://kliping.contoh.test", **kwargs,
    )


def test_publish_signs_archives_and_verifies(tmp_path, db, region, certs):
    row = publish(db, region, tmp_path, certs)
    pdf = Path(row["pdf_path"])
    assert row["status"] == "signed" and row["version"] == 1 and row["previous_id"] is None
    assert pdf.parent == tmp_path / "lembar" / "kota-contoh" / "2024-10-04" / "v1"
    assert [p.name for p in sorted(pdf.parent.iterdir())] == [
        "kliping-kota-contoh-2024-10-04-v1.html", "kliping-kota-contoh-2024-10-04-v1.pdf",
    ]
    assert row["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    items = list(db["sheet_items"].rows_where("sheet_id = ?", [row["id"]], order_by="position"))
    assert [i["article_id"] for i in items] == [db.ids["banjir"], db.ids["jalan"], db.ids["ppid"]]
    html = Path(row["html_path"]).read_text(encoding="utf-8")
    assert f"https://kliping.contoh.test/verifikasi/{row['id']}" in html
    # The QR code on every page points to this sheet's verification page.
    assert qr_data_uri(f"https://kliping.contoh.test/verifikasi/{row['id']}") in html

    result = verify_pdf(pdf, trust_roots=[certs.ca_cert])
    assert result.valid and result.intact and result.trusted, result.problems
    assert result.signer == "Dra. Sri Wahyuningsih, M.Si."
    assert result.demo
    assert find_sheet_by_sha256(db, result.sha256)["id"] == row["id"]


def test_publish_twice_unchanged_keeps_one_row_then_versions_on_change(tmp_path, db, region, certs):
    first = publish(db, region, tmp_path, certs)
    first_bytes = Path(first["pdf_path"]).read_bytes()
    again = publish(db, region, tmp_path, certs)
    assert again["id"] == first["id"]
    assert db["sheets"].count == 1 and db["sheet_items"].count == 3

    add_label(db, db.ids["ppid"], "desk",
              {"nilai": "positif", "sifat": "penting", "tindak_lanjut": "diketahui",
               "instansi": ["diskominfo"], "urusan": ["kominfo"]})
    second = publish(db, region, tmp_path, certs)
    assert (second["version"], second["previous_id"]) == (2, first["id"])
    assert Path(first["pdf_path"]).read_bytes() == first_bytes  # never overwritten
    assert db["sheets"].count == 2


def test_article_on_earlier_signed_sheet_is_not_repeated(tmp_path, db, region, certs):
    publish_sheet(db, region, date(2024, 10, 3), out_dir=tmp_path / "lembar",
                  p12_path=certs.p12, password=certs.password)
    later = compose_sheet(db, region, DAY)
    assert db.ids["jalan"] not in [i.article_id for i in later.items]


def test_wrong_password_is_clear_and_leaves_nothing(tmp_path, db, region, certs):
    with pytest.raises(SigningError, match="kata sandi PKCS#12 salah"):
        publish_sheet(db, region, DAY, out_dir=tmp_path / "lembar", p12_path=certs.p12,
                      password="bukan-sandinya")
    assert db["sheets"].count == 0
    assert not list((tmp_path).rglob("*.pdf"))


def test_failed_signature_rolls_back_row_and_files(tmp_path, db, region, certs, monkeypatch):
    import clippings.sheet as sheet_module

    def broken_sign(*args, **kwargs):
        raise SigningError("kunci tidak dapat dipakai")

    monkeypatch.setattr(sheet_module, "sign_pdf", broken_sign)
    with pytest.raises(SigningError):
        publish(db, region, tmp_path, certs)
    assert db["sheets"].count == 0 and db["sheet_items"].count == 0
    day_dir = tmp_path / "lembar" / "kota-contoh" / "2024-10-04"
    assert list(day_dir.iterdir()) == []  # no version directory, no staging leftovers


def test_concurrent_publisher_taking_the_slot_makes_us_redo_as_next_version(
    tmp_path, db_path, db, region, certs, monkeypatch
):
    import clippings.sheet as sheet_module

    real_produce = sheet_module._produce
    calls = []

    def produce_while_someone_else_publishes(sheet, *args, **kwargs):
        calls.append((sheet.sheet_id, sheet.version))
        signer = real_produce(sheet, *args, **kwargs)
        if len(calls) == 1:
            other = open_db(db_path)
            other["sheets"].insert({"region": "kota-contoh", "date": "2024-10-04", "version": 1,
                                    "status": "signed", "sha256": "0" * 64})
            other.close()
        return signer

    monkeypatch.setattr(sheet_module, "_produce", produce_while_someone_else_publishes)
    row = publish(db, region, tmp_path, certs)
    assert calls == [(1, 1), (2, 2)]
    assert (row["id"], row["version"], row["previous_id"]) == (2, 2, 1)
    html = Path(row["html_path"]).read_text(encoding="utf-8")
    assert "/verifikasi/2" in html and "versi 2" in html
    day_dir = tmp_path / "lembar" / "kota-contoh" / "2024-10-04"
    assert [p.name for p in day_dir.iterdir()] == ["v2"]


def test_unknown_files_in_version_directory_are_set_aside_not_deleted(tmp_path, db, region, certs):
    stray = tmp_path / "lembar" / "kota-contoh" / "2024-10-04" / "v1"
    stray.mkdir(parents=True)
    (stray / "catatan.txt").write_text("berkas lama", encoding="utf-8")
    row = publish(db, region, tmp_path, certs)
    assert Path(row["pdf_path"]).parent == stray
    kept = list(stray.parent.glob("v1.yatim-*/catatan.txt"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "berkas lama"


# --------------------------------------------------------------------------- CLI


def test_cli_publish_and_verify(tmp_path, db_path, db, certs, monkeypatch):
    monkeypatch.setenv("KLIPING_P12_PASSWORD", certs.password)
    runner = CliRunner()
    out = tmp_path / "keluar"
    result = runner.invoke(cli, [
        "sheet", "publish", "--db", str(db_path), "--region", str(REGION_FILE),
        "--date", "2024-10-04", "--out", str(out), "--p12", str(certs.p12),
    ])
    assert result.exit_code == 0, result.output
    assert "versi 1" in result.output and "3 kliping" in result.output
    pdf = next(out.rglob("*.pdf"))
    again = runner.invoke(cli, [
        "sheet", "publish", "--db", str(db_path), "--region", str(REGION_FILE),
        "--date", "2024-10-04", "--out", str(out), "--p12", str(certs.p12),
    ])
    assert again.exit_code == 0, again.output
    assert "Tidak ada perubahan sejak versi 1" in again.output

    result = runner.invoke(cli, [
        "sheet", "verify", str(pdf), "--db", str(db_path), "--trust-root", str(certs.ca_cert),
    ])
    assert result.exit_code == 0, result.output
    assert "Tanda tangan sah: ya" in result.output
    assert "Dra. Sri Wahyuningsih, M.Si." in result.output
    assert "cocok dengan lembar no. 1" in result.output

    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x20
    altered = tmp_path / "diubah.pdf"
    altered.write_bytes(bytes(data))
    result = runner.invoke(cli, [
        "sheet", "verify", str(altered), "--db", str(db_path), "--trust-root", str(certs.ca_cert),
    ])
    assert result.exit_code != 0
    assert "Tanda tangan sah: tidak" in result.output
    assert "tidak cocok dengan arsip" in result.output


def test_cli_certs_demo_creates_once(tmp_path):
    runner = CliRunner()
    first = runner.invoke(cli, ["certs", "demo", "--dir", str(tmp_path / "c")])
    assert first.exit_code == 0, first.output
    assert "DEMO" in first.output
    p12 = tmp_path / "c" / "demo-penandatangan.p12"
    before = p12.read_bytes()
    second = runner.invoke(cli, ["certs", "demo", "--dir", str(tmp_path / "c")])
    assert second.exit_code == 0 and "sudah ada" in second.output
    assert p12.read_bytes() == before
