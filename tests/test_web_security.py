"""The web app on the open internet: per-address limits on sign-in guesses and PDF checks,
secure cookies behind HTTPS, and X-Forwarded-For trusted only from a configured proxy.

Each test builds its own app: the limiter's counters belong to one app, so a test starts
with a clean count whatever ran before it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import html as lxml_html

from clippings.db import open_db
from clippings.users import create_user
from clippings.web import WebConfigError, create_app
from clippings.web.errors import wait_text

HERE = Path(__file__).resolve().parent
REGIONS = HERE / "regions"
PASSWORD = "wedang-jahe-sore"
SETTINGS = ("KLIPING_LOGIN_LIMIT", "KLIPING_VERIFY_LIMIT", "KLIPING_HTTPS", "KLIPING_PROXY_COUNT",
            "KLIPING_RATELIMIT_STORAGE_URI")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A desk account and one draft sheet waiting for its signature."""
    home = tmp_path_factory.mktemp("jaga")
    db = open_db(home / "kliping.db")
    create_user(db, "sari", password=PASSWORD, role="meja", region="kota-contoh", name="Sari",
                regions_dir=REGIONS)
    sheet_id = db["sheets"].insert({"region": "kota-contoh", "date": "2025-03-12", "version": 1,
                                    "status": "draft", "created_at": "2025-03-12T08:00:00+00:00"}).last_pk
    db.conn.close()
    return {"db": home / "kliping.db", "sheet": sheet_id}


def make_app(home, **config):
    return create_app({"DATABASE": str(home["db"]), "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "REGIONS_DIR": str(REGIONS), "TRUST_ROOTS": [], "SECRET_KEY": "kunci-uji",
                       **config})


def login(client, password: str = "salah-terus", **kwargs):
    return client.post("/masuk", data={"nama_pengguna": "sari", "kata_sandi": password}, **kwargs)


def text(response) -> str:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    for style in doc.xpath("//style"):
        style.drop_tree()
    return " ".join(" ".join(doc.itertext()).split())


def test_eleventh_refused_login_in_a_minute_gets_an_indonesian_429(home):
    client = make_app(home).test_client()
    assert [login(client).status_code for _ in range(10)] == [401] * 10
    blocked = login(client, PASSWORD)  # even the right password waits: guessing must stop
    assert blocked.status_code == 429
    page = text(blocked)
    assert "Terlalu banyak percobaan dari alamat Anda" in page
    wait = int(blocked.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert f"coba lagi dalam {'1 menit' if wait == 60 else f'{wait} detik'}." in page
    assert client.get("/masuk").status_code == 200  # the page itself stays open

    elsewhere = login(client.application.test_client(), PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 303  # another address is not locked out


@pytest.mark.parametrize("seconds, said", [
    (59, "59 detik"), (60, "1 menit"), (61, "2 menit"), (3600, "1 jam"), (3601, "2 jam"),
])
def test_the_wait_is_said_in_indonesian_and_never_shorter_than_it_is(seconds, said):
    assert wait_text(seconds) == said


def test_successful_logins_do_not_use_up_the_limit(home):
    # One office behind one address: fifteen staff signing in at eight is not an attack.
    client = make_app(home).test_client()
    assert [login(client, PASSWORD).status_code for _ in range(15)] == [303] * 15
    assert login(client).status_code == 401


def test_each_app_counts_on_its_own(home):
    first, second = make_app(home).test_client(), make_app(home).test_client()
    for _ in range(10):
        login(first)
    assert login(second).status_code == 401
    assert login(first).status_code == 429


def test_verification_upload_is_limited_and_the_page_is_not(home):
    client = make_app(home).test_client()
    path = f"/verifikasi/{home['sheet']}"

    def upload():
        return client.post(path, content_type="multipart/form-data",
                           data={"berkas": (io.BytesIO(b"bukan pdf"), "foto.jpg")})

    first = upload()
    assert first.status_code == 200 and "Berkas bukan PDF" in text(first)
    assert [upload().status_code for _ in range(19)] == [200] * 19
    blocked = upload()
    assert blocked.status_code == 429
    assert "coba lagi dalam" in text(blocked)
    assert [client.get(path).status_code for _ in range(30)] == [200] * 30


def test_limits_come_from_the_environment(home, monkeypatch):
    monkeypatch.setenv("KLIPING_LOGIN_LIMIT", "2 per minute")
    monkeypatch.setenv("KLIPING_VERIFY_LIMIT", "1/hour")
    app = make_app(home)
    client = app.test_client()
    assert [login(client).status_code for _ in range(3)] == [401, 401, 429]
    path = f"/verifikasi/{home['sheet']}"
    assert client.post(path, data={}).status_code == 400  # no file: counted all the same
    blocked = client.post(path, data={})
    assert blocked.status_code == 429
    assert "coba lagi dalam 1 jam" in text(blocked)


@pytest.mark.parametrize("name, value, message", [
    ("KLIPING_LOGIN_LIMIT", "sepuluh kali", "batas KLIPING_LOGIN_LIMIT tidak terbaca: 'sepuluh kali'"),
    ("KLIPING_VERIFY_LIMIT", "20 per minggu", "batas KLIPING_VERIFY_LIMIT tidak terbaca"),
    ("KLIPING_HTTPS", "mungkin", "KLIPING_HTTPS harus 1 (aktif) atau 0 (tidak), bukan 'mungkin'"),
    ("KLIPING_PROXY_COUNT", "satu", "KLIPING_PROXY_COUNT harus berupa bilangan bulat"),
    ("KLIPING_PROXY_COUNT", "-1", "KLIPING_PROXY_COUNT harus 0 atau lebih"),
])
def test_bad_setting_stops_the_app_with_its_name(home, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(WebConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make_app(home)


def session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_https_setting_marks_the_session_cookie_secure(home, monkeypatch):
    plain = login(make_app(home).test_client(), PASSWORD)
    assert plain.status_code == 303
    assert "HttpOnly" in session_cookie(plain) and "Secure" not in session_cookie(plain)

    monkeypatch.setenv("KLIPING_HTTPS", "1")
    app = make_app(home)
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    secure = login(app.test_client(), PASSWORD, base_url="https://kliping.contoh.test")
    assert secure.status_code == 303
    cookie = session_cookie(secure)
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forwarded_address_counts_only_behind_a_configured_proxy(home, monkeypatch):
    # No proxy configured: X-Forwarded-For is the client's own words and changes nothing.
    client = make_app(home).test_client()
    for n in range(10):
        assert login(client, headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code == 401
    assert login(client, headers={"X-Forwarded-For": "10.0.0.99"}).status_code == 429

    # Behind one proxy, every client it forwards has its own count.
    monkeypatch.setenv("KLIPING_PROXY_COUNT", "1")
    client = make_app(home).test_client()
    for _ in range(10):
        assert login(client, headers={"X-Forwarded-For": "10.0.0.9"}).status_code == 401
    assert login(client, headers={"X-Forwarded-For": "10.0.0.9"}).status_code == 429
    assert login(client, headers={"X-Forwarded-For": "10.0.0.10"}).status_code == 401
    # A client cannot forge its way out: the proxy appends the address it saw last.
    assert login(client, headers={"X-Forwarded-For": "10.0.0.77, 10.0.0.9"}).status_code == 429
