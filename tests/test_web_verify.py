"""The public verification page behind the QR code: what a citizen holding a sheet sees."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from clippings.cli import cli
from clippings.db import open_db
from clippings.regions import load_region
from clippings.sheet import publish_sheet, verification_url
from clippings.signing import make_demo_certs
from clippings.web import WebConfigError, create_app

HERE = Path(__file__).resolve().parent
REGIONS = HERE / "regions"
DAY = date(2025, 3, 12)
SIGNER = "Dra. Sri Wahyuningsih, M.Si."

STORIES = [
    ("Pasar Induk Kota Contoh Kembali Buka Setelah Renovasi",
     "Pedagang pasar induk kembali berjualan setelah renovasi atap selesai.\n"
     "Dinas terkait meminta pedagang menjaga kebersihan los.", "positif", "diskominfo"),
    ("Saluran Air Tersumbat Sampah, Jalan Protokol Tergenang",
     "Genangan setinggi mata kaki muncul di jalan protokol setelah hujan sore.\n"
     "Warga menduga saluran air tersumbat sampah plastik.", "negatif", "dpupr"),
]


def _label(db, article_id: int, origin: str, nilai: str, office: str) -> None:
    db["labels"].insert({
        "article_id": article_id, "region": "kota-contoh", "origin": origin, "relevant": 1,
        "urusan": json.dumps([]), "instansi": json.dumps([office]), "nilai": nilai,
        "sifat": "penting", "tindak_lanjut": "ditindaklanjuti",
        "created_at": "2025-03-12T07:00:00+00:00",
    })


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """One day of Kota Contoh: v1 signed, v2 signed as its correction, v3 a waiting draft."""
    home = tmp_path_factory.mktemp("arsip")
    certs = make_demo_certs(home / "certs", signer_name=SIGNER)  # where create_app looks by default
    db = open_db(home / "kliping.db")
    region = load_region(str(REGIONS / "kota-contoh.yaml"))
    ids = []
    for n, (title, body, nilai, office) in enumerate(STORIES):
        ids.append(db["articles"].insert({
            "url": f"https://warta-contoh.test/{n}", "canonical_url": f"https://warta-contoh.test/{n}",
            "title": title, "body": body, "published": DAY.isoformat(), "publisher": "Warta Contoh",
            "content_hash": hashlib.sha256(body.encode()).hexdigest(),
            "fetched_at": "2025-03-12T06:00:00+00:00",
        }).last_pk)
        _label(db, ids[-1], "model", nilai, office)

    def publish(**kwargs):
        return publish_sheet(db, region, DAY, out_dir=home / "lembar", p12_path=certs.p12,
                             password=certs.password, base="https://kliping.contoh.test", **kwargs)

    first = publish()
    _label(db, ids[1], "desk", "netral", "dpupr")  # the desk corrects a label: version 2
    second = publish()
    _label(db, ids[0], "desk", "netral", "diskominfo")
    draft = publish(draft=True)
    db.conn.close()
    assert (first["status"], second["previous_id"], draft["status"]) == ("signed", first["id"], "draft")
    return {"home": home, "db": home / "kliping.db", "v1": first, "v2": second, "draft": draft}


@pytest.fixture
def client(archive):
    app = create_app({"DATABASE": str(archive["db"]), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "REGIONS_DIR": str(REGIONS)})
    return app.test_client()


def text(response) -> str:
    """The words a visitor reads, without markup or styles."""
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    for style in doc.xpath("//style"):
        style.drop_tree()
    return " ".join(" ".join(doc.itertext()).split())


def upload(client, sheet_id: int, data: bytes, name: str = "lembar.pdf", **extra):
    return client.post(f"/verifikasi/{sheet_id}", content_type="multipart/form-data",
                       data={"berkas": (io.BytesIO(data), name), **extra})


def flip_byte_in_content(data: bytes) -> bytes:
    altered = bytearray(data)
    altered[data.index(b"stream") + 20] ^= 0x01  # inside the first content stream, under the signature
    return bytes(altered)


def test_signed_sheet_page_shows_signer_hash_and_serves_the_archived_pdf(client, archive):
    v2 = archive["v2"]
    # The address in the sheet's QR code is this page.
    qr_path = urlparse(verification_url(v2["id"], base="https://kliping.contoh.test")).path
    response = client.get(qr_path)
    assert response.status_code == 200
    page = text(response)
    assert "Lembar resmi, versi terbaru" in page
    assert "Wilayah Kota Contoh" in page
    assert "Tanggal lembar Rabu, 12 Maret 2025" in page
    assert f"Penandatangan {SIGNER}" in page
    assert "Jumlah kliping 2" in page
    signed = datetime.fromisoformat(v2["signed_at"]).astimezone(ZoneInfo("Asia/Jakarta"))
    assert f"Waktu tanda tangan {signed:%d} " in page and f"{signed:%H.%M} (UTC+07:00)" in page  # WIB
    assert f"SHA-256 PDF arsip {v2['sha256']}" in page
    assert "DEMO — bukan sertifikat resmi" in page  # a demo signature is never shown as official
    assert f'href="/verifikasi/{v2["id"]}/pdf"' in response.get_data(as_text=True)

    pdf = client.get(f"/verifikasi/{v2['id']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == v2["sha256"]


def test_uploading_the_archived_pdf_says_valid_and_same_and_keeps_nothing(client, archive, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = sorted((archive["home"] / "lembar").rglob("*"))
    v2 = archive["v2"]
    response = upload(client, v2["id"], Path(v2["pdf_path"]).read_bytes())
    assert response.status_code == 200
    page = text(response)
    assert "Hasil pemeriksaan: Sah dan sama dengan arsip" in page
    assert f"Penandatangan pada berkas {SIGNER}" in page
    assert list(tmp_path.iterdir()) == []  # the upload's temporary copy is gone
    after = sorted((archive["home"] / "lembar").rglob("*"))
    assert after == before  # nothing written to the archive


def test_one_byte_altered_copy_is_not_valid(client, archive):
    v2 = archive["v2"]
    page = text(upload(client, v2["id"], flip_byte_in_content(Path(v2["pdf_path"]).read_bytes())))
    assert "Hasil pemeriksaan: Tanda tangan tidak sah" in page
    assert "dokumen telah diubah" in page
    assert f"Nama penandatangan tercantum (tidak terbukti) {SIGNER}" in page
    assert "Sah dan sama dengan arsip" not in page


def test_older_version_upload_is_signed_but_different_from_this_sheet(client, archive):
    v1, v2 = archive["v1"], archive["v2"]
    response = upload(client, v2["id"], Path(v1["pdf_path"]).read_bytes())
    page = text(response)
    assert "Hasil pemeriksaan: Tanda tangan sah, tetapi berbeda dengan arsip lembar ini" in page
    assert f"Berkas ini adalah versi 1 (lembar no. {v1['id']})" in page
    assert f'href="/verifikasi/{v1["id"]}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("data,name,reason", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "foto-lembar.png", "tidak diawali tanda PDF"),
    (b"Ini catatan biasa, bukan lembar kliping.\n", "catatan.pdf", "tidak diawali tanda PDF"),
    (b"", "kosong.pdf", "berkas kosong"),
])
def test_non_pdf_upload_gets_a_clear_message(client, archive, data, name, reason):
    response = upload(client, archive["v2"]["id"], data, name)
    assert response.status_code == 200
    page = text(response)
    assert "Hasil pemeriksaan: Berkas bukan PDF" in page
    assert reason in page


def test_post_without_a_file_asks_for_one(client, archive):
    response = client.post(f"/verifikasi/{archive['v2']['id']}", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Pilih berkas PDF yang akan diperiksa." in text(response)


def test_draft_is_marked_as_not_official_and_its_pdf_is_not_served(client, archive):
    draft, v2 = archive["draft"], archive["v2"]
    response = client.get(f"/verifikasi/{draft['id']}")
    assert response.status_code == 200
    page = text(response)
    assert "DRAF — bukan lembar resmi" in page
    assert "tidak berlaku sebagai lembar kliping resmi" in page
    assert "Status Draf, belum ditandatangani" in page
    assert "Lembar resmi, versi terbaru" not in page
    assert "Unduh PDF arsip" not in page
    # The official sheet of that day is one tap away.
    assert f'href="/verifikasi/{v2["id"]}"' in response.get_data(as_text=True)
    assert client.get(f"/verifikasi/{draft['id']}/pdf").status_code == 404


def test_corrected_sheet_links_to_the_newest_version_and_back(client, archive):
    v1, v2 = archive["v1"], archive["v2"]
    old = client.get(f"/verifikasi/{v1['id']}")
    page = text(old)
    assert "Lembar ini telah dikoreksi" in page
    assert f"versi 2 (lembar no. {v2['id']})" in page
    assert "Lembar resmi, versi terbaru" not in page
    assert f'href="/verifikasi/{v2["id"]}"' in old.get_data(as_text=True)

    new = client.get(f"/verifikasi/{v2['id']}")
    assert "telah dikoreksi" not in text(new)
    assert f"Menggantikan versi 1 (lembar no. {v1['id']})" in text(new)
    assert f'href="/verifikasi/{v1["id"]}"' in new.get_data(as_text=True)


def test_unknown_sheet_gets_an_indonesian_404(client):
    response = client.get("/verifikasi/999")
    assert response.status_code == 404
    assert "Lembar kliping no. 999 tidak ada di arsip" in text(response)
    for path in ("/verifikasi/bukan-nomor", "/verifikasi/99999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in text(response)


def test_post_without_csrf_token_is_rejected_and_with_it_accepted(archive):
    app = create_app({"DATABASE": str(archive["db"]), "REGIONS_DIR": str(REGIONS)})
    assert app.config["WTF_CSRF_ENABLED"] is not False
    client = app.test_client()
    v2 = archive["v2"]
    pdf = Path(v2["pdf_path"]).read_bytes()
    rejected = upload(client, v2["id"], pdf)
    assert rejected.status_code == 400
    assert "token keamanan tidak cocok" in text(rejected)

    form = client.get(f"/verifikasi/{v2['id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    accepted = upload(client, v2["id"], pdf, csrf_token=token)
    assert accepted.status_code == 200
    assert "Sah dan sama dengan arsip" in text(accepted)


def test_upload_over_the_size_limit_is_refused(archive):
    app = create_app({"DATABASE": str(archive["db"]), "WTF_CSRF_ENABLED": False,
                      "MAX_CONTENT_LENGTH": 64 * 1024})
    big = Path(archive["v2"]["pdf_path"]).read_bytes() + b"\n%" + b"0" * 100_000
    response = upload(app.test_client(), archive["v2"]["id"], big)
    assert response.status_code == 413
    assert "Ukuran berkas melebihi batas unggah 0.0625 MB" in text(response)


def test_tampered_archive_file_is_flagged_and_not_served(client, archive):
    v2 = archive["v2"]
    path = Path(v2["pdf_path"])
    original = path.read_bytes()
    try:
        path.write_bytes(flip_byte_in_content(original))
        page = text(client.get(f"/verifikasi/{v2['id']}"))
        assert "Pemeriksaan berkas arsip menemukan masalah" in page
        assert "tidak sama dengan yang tercatat saat ditandatangani" in page
        assert "Unduh PDF arsip" not in page
        assert client.get(f"/verifikasi/{v2['id']}/pdf").status_code == 500
    finally:
        path.write_bytes(original)
    assert client.get(f"/verifikasi/{v2['id']}/pdf").status_code == 200


def test_missing_database_or_trust_root_stops_the_app(tmp_path, archive):
    with pytest.raises(WebConfigError, match="basis data tidak ditemukan"):
        create_app({"DATABASE": str(tmp_path / "tidak-ada.db")})
    with pytest.raises(WebConfigError, match="sertifikat akar tidak ditemukan"):
        create_app({"DATABASE": str(archive["db"]), "TRUST_ROOTS": [str(tmp_path / "ca.pem")]})


def test_serve_runs_the_app_under_waitress(archive, monkeypatch):
    import waitress

    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: served.update(app=app, **kwargs))
    monkeypatch.setenv("KLIPING_BASE_URL", "http://localhost:5000")
    result = CliRunner().invoke(cli, ["serve", "--db", str(archive["db"]), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert "http://localhost:5000/verifikasi/NOMOR" in result.output
    assert "kode QR lembar tidak akan sampai ke sini" in result.output  # QR port 5000 ≠ 8123
    response = served["app"].test_client().get(f"/verifikasi/{archive['v2']['id']}")
    assert response.status_code == 200 and SIGNER in text(response)

    missing = CliRunner().invoke(cli, ["serve", "--db", str(archive["home"] / "lain.db")])
    assert missing.exit_code != 0
    assert "basis data tidak ditemukan" in missing.output
