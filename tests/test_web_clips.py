"""The desk's print clips in the web app: sign in, upload a cutting, correct its OCR text.

CSRF protection stays on, as in production: every form post carries the token read
from the page, like a browser does.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytesseract
import pytest
from cuttings import HEADLINE, full_text, save_cutting, word_recall
from lxml import html as lxml_html

from clippings.db import open_db
from clippings.users import create_user, set_password
from clippings.web import create_app

HERE = Path(__file__).resolve().parent
REGIONS = HERE / "regions"
PASSWORD = "kopi-tubruk-pagi"
FORM = {"media": "Harian Contoh", "tanggal": "2024-10-04", "halaman": "5", "rubrik": "Kota"}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("meja")
    db = open_db(home / "kliping.db")
    for username, role, opd in [("rina", "meja", None), ("budi", "kepala-opd", "dpupr")]:
        create_user(db, username, password=PASSWORD, role=role, region="kota-contoh", opd=opd,
                    name=username.title(), regions_dir=REGIONS)
    db.conn.close()
    return home


@pytest.fixture(scope="module")
def app(home):
    return create_app({"DATABASE": str(home / "kliping.db"), "TESTING": True, "REGIONS_DIR": str(REGIONS),
                       "TRUST_ROOTS": [], "SECRET_KEY": "kunci-uji"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def scan_bytes(tmp_path_factory) -> bytes:
    return save_cutting(tmp_path_factory.mktemp("pindaian") / "potongan.png").read_bytes()


def db_of(home):
    return open_db(home / "kliping.db")


def text(response) -> str:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    for style in doc.xpath("//style"):
        style.drop_tree()
    return " ".join(" ".join(doc.itertext()).split())


def csrf_token(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    return lxml_html.fromstring(page.get_data(as_text=True)).xpath("//input[@name='csrf_token']/@value")[0]


def login(client, username: str = "rina", password: str = PASSWORD, path: str = "/masuk"):
    return client.post(path, data={"csrf_token": csrf_token(client, "/masuk"),
                                   "nama_pengguna": username, "kata_sandi": password})


def upload(client, data: bytes, name: str = "potongan.png", *, token: bool = True, **fields):
    form = {**FORM, **fields, "pindaian": (io.BytesIO(data), name)}
    if token:
        form["csrf_token"] = csrf_token(client, "/kliping/cetak")
    return client.post("/kliping/cetak", data=form, content_type="multipart/form-data")


def counts(home) -> tuple[int, int, int]:
    db = db_of(home)
    scans = home / "scans"
    files = len([p for p in scans.rglob("*") if p.is_file()]) if scans.exists() else 0
    return db["articles"].count, db["audit_log"].count, files


@pytest.fixture(scope="module")
def uploaded(app, home, scan_bytes):
    """One cutting uploaded by the desk, read by OCR and labeled by the model."""
    client = app.test_client()
    assert login(client).status_code == 303
    response = upload(client, scan_bytes)
    assert response.status_code == 303, text(response)
    article_id = int(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])
    return {"id": article_id, "row": db_of(home)["articles"].get(article_id), "response": response}


def test_desk_pages_redirect_to_login(client):
    for path in ("/kliping/cetak", "/kliping/cetak/1", "/kliping/cetak/1/pindaian"):
        response = client.get(path)
        assert response.status_code == 302, path
        location = urlsplit(response.headers["Location"])
        assert location.path == "/masuk"
        assert location.query == "next=" + path.replace("/", "%2F")
    assert "Silakan masuk terlebih dahulu." in text(client.get("/masuk"))


def test_wrong_password_or_unknown_name_get_the_same_refusal(client):
    for username, password in [("rina", "bukan-sandinya"), ("tidak-ada", PASSWORD)]:
        response = login(client, username, password)
        assert response.status_code == 401
        page = text(response)
        assert "Nama pengguna atau kata sandi salah." in page
        assert "tidak ada" not in page
    assert client.get("/kliping/cetak").status_code == 302  # still signed out


def test_login_sets_an_httponly_cookie_and_follows_only_local_next(client):
    response = login(client, path="/masuk?next=https://contoh-jahat.test/curi")
    assert response.status_code == 303
    assert response.headers["Location"] == "/kliping/cetak"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert client.get("/kliping/cetak").status_code == 200

    other = login(client.application.test_client(), path="/masuk?next=/kliping/cetak/7")
    assert other.headers["Location"] == "/kliping/cetak/7"


def test_logout_is_a_post_with_token_and_ends_the_session(client):
    login(client)
    token = csrf_token(client, "/kliping/cetak")
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 400  # no token: refused
    assert client.get("/kliping/cetak").status_code == 200
    response = client.post("/keluar", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/kliping/cetak").status_code == 302


def test_head_of_office_cannot_upload(client, home, scan_bytes):
    login(client, "budi")
    page = client.get("/kliping/cetak")
    assert page.status_code == 403
    assert "Halaman ini hanya untuk petugas meja kliping atau administrator" in text(page)
    before = counts(home)
    # A valid token of budi's session, from the sign-out form on the refusal page.
    token = lxml_html.fromstring(page.get_data(as_text=True)).xpath("//input[@name='csrf_token']/@value")[0]
    response = client.post("/kliping/cetak", content_type="multipart/form-data",
                           data={**FORM, "csrf_token": token, "pindaian": (io.BytesIO(scan_bytes), "a.png")})
    assert response.status_code == 403
    assert counts(home) == before


def test_upload_stores_the_ocr_text_labels_it_and_shows_it_beside_the_scan(client, uploaded, home, scan_bytes):
    row = uploaded["row"]
    assert row["kind"] == "cetak"
    assert (row["publisher"], row["published"], row["print_page"], row["rubric"]) == \
        ("Harian Contoh", "2024-10-04", "5", "Kota")
    assert row["title"] == HEADLINE
    assert word_recall(full_text(), f"{row['title']}\n{row['body']}") >= 0.95
    # Archived where `kliping clip add` archives: scans/ beside the database.
    assert Path(row["scan_path"]).parent.parent == (home / "scans").resolve()
    db = db_of(home)
    audit = list(db["audit_log"].rows_where("object_id = ? AND action = 'clip.add'", [str(row["id"])]))
    assert [a["actor"] for a in audit] == ["rina"]
    labels = list(db["labels"].rows_where("article_id = ?", [row["id"]]))
    assert [(lb["region"], lb["origin"]) for lb in labels] == [("kota-contoh", "model")]

    login(client)
    page = client.get(uploaded["response"].headers["Location"])
    assert page.status_code == 200
    words = text(page)
    assert f"Kliping cetak no. {row['id']}: {HEADLINE}" in words
    assert "Keyakinan OCR rendah" not in words
    assert "Label model" in words and "Belum dilabeli" not in words
    doc = lxml_html.fromstring(page.get_data(as_text=True))
    assert doc.xpath("//textarea[@name='teks']")[0].text_content().strip() == row["body"]
    image = doc.xpath("//img/@src")[0]
    scan = client.get(image)
    assert scan.status_code == 200 and scan.mimetype == "image/png"
    assert scan.data == scan_bytes
    assert "no-store" in scan.headers["Cache-Control"]
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/kliping/cetak")})
    assert client.get(image).status_code == 302  # the scan is not public


def test_correction_is_saved_and_the_ocr_text_kept_in_the_audit_log(client, uploaded, home):
    login(client)
    path = f"/kliping/cetak/{uploaded['id']}"
    corrected = "Sejumlah warga Kelurahan Sukamaju mengeluhkan jalan berlubang.\r\n\r\nKetua RW, Suparjo, meminta perbaikan."
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "judul": HEADLINE,
                                       "teks": corrected})
    assert response.status_code == 303
    row = db_of(home)["articles"].get(uploaded["id"])
    assert row["body"] == ("Sejumlah warga Kelurahan Sukamaju mengeluhkan jalan berlubang.\n"
                           "Ketua RW, Suparjo, meminta perbaikan.")
    audit = list(db_of(home)["audit_log"].rows_where(
        "object_id = ? AND action = 'clip.correct'", [str(uploaded["id"])]))
    assert [a["actor"] for a in audit] == ["rina"]
    assert json.loads(audit[0]["detail"])["previous_body"] == uploaded["row"]["body"]
    page = text(client.get(path))
    assert "Koreksi teks disimpan" in page
    assert "Koreksi teks 1 kali, terakhir oleh rina" in page
    assert re.search(r"terakhir oleh rina, \d{2} \w+ \d{4} \d{2}\.\d{2} \(UTC\+07:00\)", page), page

    empty = client.post(path, data={"csrf_token": csrf_token(client, path), "judul": HEADLINE, "teks": "  "})
    assert empty.status_code == 400
    assert "Teks tidak boleh kosong." in text(empty)
    assert db_of(home)["articles"].get(uploaded["id"])["body"] == row["body"]


def test_corrected_text_is_labeled_again(client, uploaded, home):
    login(client)
    path = f"/kliping/cetak/{uploaded['id']}"
    labels = "SELECT relevant FROM labels WHERE article_id = ? AND origin = 'model'"
    sports = "Klub sepak bola Eropa menang 3-1 dalam laga persahabatan di Madrid tadi malam."
    ocr = uploaded["row"]
    for title, body, relevant in [(ocr["title"], ocr["body"], 1), ("Klub Eropa menang", sports, 0)]:
        response = client.post(path, data={"csrf_token": csrf_token(client, path),
                                           "judul": title, "teks": body})
        assert response.status_code == 303
        assert [r[0] for r in db_of(home).execute(labels, [uploaded["id"]])] == [relevant]


def test_same_scan_again_links_to_the_stored_clip_and_adds_nothing(client, uploaded, home, scan_bytes):
    login(client)
    before = counts(home)
    response = upload(client, scan_bytes, "salinan-lain.png", media="Koran Lain")
    assert response.status_code == 200
    assert f"Berkas yang sama sudah ada sebagai artikel no. {uploaded['id']}" in text(response)
    assert f'href="/kliping/cetak/{uploaded["id"]}"' in response.get_data(as_text=True)
    assert counts(home) == before


@pytest.mark.parametrize("data,name,status,message", [
    (b"Catatan rapat redaksi, bukan gambar.\n", "catatan.txt", 422,
     "catatan.txt: bukan berkas gambar yang dikenali (gunakan PNG, JPEG, TIFF atau PDF)"),
    ("half-png", "terpotong.png", 422, "terpotong.png: gambar rusak atau terpotong"),
    (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "epaper.pdf", 422, "epaper.pdf: PDF rusak"),
])
def test_unreadable_upload_is_explained_and_writes_nothing(client, home, scan_bytes, data, name, status, message):
    if data == "half-png":
        data = scan_bytes[: len(scan_bytes) // 2]
    login(client)
    before = counts(home)
    response = upload(client, data, name)
    assert response.status_code == status
    page = text(response)
    assert "Kliping tidak disimpan" in page and message in page
    assert "kliping-cetak-" not in page  # the temporary path is not shown
    assert counts(home) == before


def test_missing_publisher_and_bad_date_are_named_on_the_form(client, home, scan_bytes):
    login(client)
    before = counts(home)
    response = upload(client, scan_bytes, media="  ", tanggal="04/10/2024")
    assert response.status_code == 400
    page = text(response)
    assert "Nama media (penerbit) wajib diisi." in page
    assert "Tanggal terbit harus berformat TTTT-BB-HH, mis. 2025-10-27." in page
    assert counts(home) == before


def test_missing_tesseract_is_explained_and_writes_nothing(client, home, monkeypatch):
    login(client)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/tidak/ada/tesseract")
    before = counts(home)
    fresh = save_cutting(home / "lain.png", headline="Pasar Malam Dibuka Lagi", paragraphs=("Teks pendek.",))
    response = upload(client, fresh.read_bytes(), "lain.png")
    assert response.status_code == 422
    assert "program Tesseract OCR tidak ditemukan" in text(response)
    assert counts(home) == before


def test_upload_form_refuses_a_post_without_csrf_token(client, home, scan_bytes):
    login(client)
    before = counts(home)
    response = upload(client, scan_bytes, "baru.png", token=False)
    assert response.status_code == 400
    assert "Formulir tidak sah" in text(response)
    assert counts(home) == before


def test_upload_over_the_size_limit_is_refused(home, scan_bytes):
    small = create_app({"DATABASE": str(home / "kliping.db"), "TESTING": True, "REGIONS_DIR": str(REGIONS),
                        "TRUST_ROOTS": [], "MAX_CONTENT_LENGTH": 20_000})
    client = small.test_client()
    login(client)
    before = counts(home)
    response = upload(client, scan_bytes)
    assert response.status_code == 413
    assert "Ukuran berkas melebihi batas unggah" in text(response)
    assert counts(home) == before


def test_low_confidence_clip_shows_a_warning_and_a_missing_scan_a_message(client, home):
    db = db_of(home)
    article_id = db["articles"].insert({
        "canonical_url": "cetak://harian-contoh/2024-10-05/2/abcdef012345", "title": "Judul Samar",
        "body": "Teks buram.", "published": "2024-10-05", "publisher": "Harian Contoh",
        "content_hash": "ab" * 32, "kind": "cetak", "ocr_confidence": 41.5,
        "scan_path": str(home / "scans" / "hilang.png"), "fetched_at": "2024-10-05T01:00:00+00:00",
    }).last_pk
    login(client)
    page = text(client.get(f"/kliping/cetak/{article_id}"))
    assert "Keyakinan OCR rendah" in page
    assert "Keyakinan OCR 41,5%" in page
    assert "Belum dilabeli untuk wilayah kota-contoh." in page
    missing = client.get(f"/kliping/cetak/{article_id}/pindaian")
    assert missing.status_code == 404
    assert "Berkas pindaian artikel no." in text(missing)
    assert client.get("/kliping/cetak/999999").status_code == 404


def test_changing_the_password_ends_open_sessions(client, home):
    login(client)
    assert client.get("/kliping/cetak").status_code == 200
    db = db_of(home)
    set_password(db, "rina", "sandi-baru-rina")
    try:
        assert client.get("/kliping/cetak").status_code == 302
    finally:
        set_password(db, "rina", PASSWORD)
