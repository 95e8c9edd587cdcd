"""Trusted timestamps (PAdES B-T): signing asks an RFC 3161 server, verification reports it.

The timestamp authority is a real HTTP server on localhost whose answers pyHanko's
DummyTimeStamper signs with a TSA certificate made here, under its own CA.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import html as lxml_html
from pyhanko.sign.timestamps import DummyTimeStamper

from clippings.cli import cli
from clippings.db import open_db
from clippings.formatting import waktu
from clippings.regions import RegionError, load_region_file
from clippings.signing import (
    NO_TIMESTAMP,
    SigningError,
    new_demo_ca,
    sign_pdf,
    verify_pdf,
)
from clippings.tsa import Tsa, TsaError, resolve_tsa
from clippings.web import create_app

HERE = Path(__file__).resolve().parent
REGION_FILE = HERE / "regions" / "kota-contoh.yaml"
SIGNER = "Dra. Sri Wahyuningsih, M.Si."
TSA_NAME = "Server Cap Waktu Uji Kota Contoh"


# --------------------------------------------------------------------------- a local TSA


def tsa_certificate(ca_key, ca_cert) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    """A TSA certificate as RFC 3161 2.3 wants it: only timeStamping, marked critical."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, TSA_NAME)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            asn1_keys.PrivateKeyInfo.load(der_key))


class LocalTsa:
    """An RFC 3161 server over HTTP; ``mode`` makes it answer, stall, or fail in a chosen way."""

    def __init__(self, stamper: DummyTimeStamper):
        self.stamper = stamper
        self.mode = "ok"
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                owner.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if owner.mode == "error":
                    self._answer(500, "text/plain", b"galat internal")
                    return
                if owner.mode == "slow":
                    time.sleep(1.0)
                if owner.mode == "html":
                    self._answer(200, "text/html", b"<html>masuk dulu</html>")
                    return
                if owner.mode == "garbage":
                    self._answer(200, "application/timestamp-reply", b"bukan token cap waktu")
                    return
                if owner.mode == "rejection":
                    # TimeStampResp ::= SEQUENCE { status PKIStatusInfo } without a token
                    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": ["kuota habis"],
                                                "fail_info": {"bad_request"}})
                    refusal = status.dump()
                    self._answer(200, "application/timestamp-reply", b"\x30" + bytes([len(refusal)]) + refusal)
                    return
                reply = owner.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
                self._answer(200, "application/timestamp-reply", reply.dump())

            def _answer(self, status: int, content_type: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def tsa_root(tmp_path_factory):
    """The TSA's own CA (not the signer's): verifiers must be given this root too."""
    key, cert = new_demo_ca(common_name="CA Cap Waktu Uji")
    path = tmp_path_factory.mktemp("tsa") / "tsa-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


@pytest.fixture(scope="module")
def tsa_server(tsa_root):
    ca_key, ca_cert, _ = tsa_root
    cert, key = tsa_certificate(ca_key, ca_cert)
    ca_asn1 = asn1_x509.Certificate.load(ca_cert.public_bytes(serialization.Encoding.DER))
    server = LocalTsa(DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=[ca_asn1]))
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def tsa(tsa_server):
    tsa_server.mode = "ok"
    yield tsa_server
    tsa_server.mode = "ok"


def closed_port_url() -> str:
    """A local address nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def sign(plain_pdf: Path, out: Path, certs, tsa_url: str | None = None, timeout: float = 5.0) -> None:
    sign_pdf(plain_pdf, out, p12_path=certs.p12, password=certs.password, signer_name=SIGNER,
             reason="Pengesahan kliping", location="Contoh",
             tsa=Tsa(tsa_url, timeout) if tsa_url else None)


# --------------------------------------------------------------------------- signing


def test_signature_with_tsa_carries_a_trusted_timestamp(plain_pdf, certs, tsa, tsa_root, tmp_path):
    out = tmp_path / "lembar-ttd.pdf"
    before = tsa.requests
    sign(plain_pdf, out, certs, tsa.url)
    assert tsa.requests > before  # the server was really asked

    result = verify_pdf(out, trust_roots=[certs.ca_cert, tsa_root[2]])
    assert result.valid and result.intact and result.trusted, result.problems
    assert result.problems == []
    assert result.timestamp is not None and result.timestamp.trusted
    assert result.timestamp.tsa == TSA_NAME
    assert abs(datetime.now(UTC) - result.timestamp.at) < timedelta(seconds=30)
    assert result.signer == SIGNER


def test_timestamp_from_an_untrusted_tsa_is_reported_not_believed(plain_pdf, certs, tsa, tmp_path):
    out = tmp_path / "lembar-ttd.pdf"
    sign(plain_pdf, out, certs, tsa.url)
    result = verify_pdf(out, trust_roots=[certs.ca_cert])  # the TSA's root is missing
    assert result.timestamp is not None and not result.timestamp.trusted
    assert not result.valid
    assert any("cap waktu dari " + TSA_NAME in p and "akar" in p for p in result.problems), result.problems


def test_without_tsa_the_signature_stays_b_b(plain_pdf, certs, tsa, tsa_root, tmp_path, monkeypatch):
    monkeypatch.delenv("KLIPING_TSA_URL", raising=False)
    out = tmp_path / "lembar-ttd.pdf"
    before = tsa.requests
    sign(plain_pdf, out, certs)
    assert tsa.requests == before
    result = verify_pdf(out, trust_roots=[certs.ca_cert, tsa_root[2]])
    assert result.valid, result.problems
    assert result.timestamp is None


@pytest.mark.parametrize("mode,expected", [
    ("error", "menjawab dengan galat HTTP 500"),
    ("html", "bukan cap waktu RFC 3161 (Content-Type text/html)"),
    ("garbage", "memberi jawaban yang tidak sah (bukan token cap waktu RFC 3161)"),
    ("rejection", "menolak permintaan cap waktu (status rejection: kuota habis; bad_request)"),
])
def test_tsa_failure_names_the_server_and_leaves_no_signed_file(plain_pdf, certs, tsa, tmp_path,
                                                               mode, expected):
    tsa.mode = mode
    out = tmp_path / "lembar-ttd.pdf"
    with pytest.raises(TsaError) as failure:
        sign(plain_pdf, out, certs, tsa.url)
    message = str(failure.value)
    assert message.startswith(f"Server cap waktu {tsa.url} ") and expected in message, message
    assert list(tmp_path.iterdir()) == []  # neither the output nor a temporary file


def test_refused_connection_and_timeout_are_told_apart(plain_pdf, certs, tsa, tmp_path):
    url = closed_port_url()
    with pytest.raises(TsaError, match=rf"Server cap waktu {url} tidak dapat dihubungi: koneksi ditolak"):
        sign(plain_pdf, tmp_path / "a.pdf", certs, url)
    tsa.mode = "slow"
    with pytest.raises(TsaError, match=r"tidak dapat dihubungi: tidak menjawab dalam 0.3 detik"):
        sign(plain_pdf, tmp_path / "b.pdf", certs, tsa.url, timeout=0.3)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- configuration


def test_tsa_comes_from_option_then_env_then_region(monkeypatch, tmp_path):
    monkeypatch.delenv("KLIPING_TSA_URL", raising=False)
    monkeypatch.delenv("KLIPING_TSA_TIMEOUT", raising=False)
    assert resolve_tsa("") is None
    assert resolve_tsa("https://tsa.wilayah.test") == Tsa("https://tsa.wilayah.test", 15.0)
    monkeypatch.setenv("KLIPING_TSA_URL", "https://tsa.env.test")
    monkeypatch.setenv("KLIPING_TSA_TIMEOUT", "4")
    assert resolve_tsa("https://tsa.wilayah.test") == Tsa("https://tsa.env.test", 4.0)
    assert resolve_tsa("https://tsa.wilayah.test", explicit="http://tsa.opsi.test").url == "http://tsa.opsi.test"
    # While the TSA is down the head can still sign, knowingly without a timestamp.
    assert resolve_tsa("https://tsa.wilayah.test", explicit="none") is None
    monkeypatch.setenv("KLIPING_TSA_TIMEOUT", "lama")
    with pytest.raises(SigningError, match="KLIPING_TSA_TIMEOUT harus berupa jumlah detik"):
        resolve_tsa(None)
    with pytest.raises(SigningError, match="harus diawali http:// atau https://"):
        resolve_tsa(None, explicit="tsa.opsi.test")

    region = REGION_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "kota-contoh.yaml"
    bad.write_text(region.replace("  place: Contoh\n", "  place: Contoh\n  tsa_url: ftp://tsa.test\n"),
                   encoding="utf-8")
    with pytest.raises(RegionError, match="signer.tsa_url: .*http:// atau https://"):
        load_region_file(bad)
    good = tmp_path / "good" / "kota-contoh.yaml"
    good.parent.mkdir()
    good.write_text(region.replace("  place: Contoh\n", "  place: Contoh\n  tsa_url: https://tsa.test/\n"),
                    encoding="utf-8")
    assert load_region_file(good).signer.tsa_url == "https://tsa.test/"


# --------------------------------------------------------------------------- the desk's commands


@pytest.fixture(scope="module")
def archive(tmp_path_factory, certs, tsa_server, tsa_root):
    """A draft the head tries to sign while the TSA fails in three ways, then signs with it."""
    home = tmp_path_factory.mktemp("arsip")
    db_path = home / "kliping.db"
    open_db(db_path).conn.close()
    runner = CliRunner()
    common = ["--db", str(db_path), "--region", str(REGION_FILE)]
    key = ["--p12", str(certs.p12), "--trust-root", str(certs.ca_cert)]
    tsa_ca = ["--trust-root", str(tsa_root[2])]
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("KLIPING_TSA_URL", raising=False)
        patch.setenv("KLIPING_P12_PASSWORD", certs.password)
        draft = runner.invoke(cli, ["sheet", "publish", *common, "--date", "2024-10-04",
                                    "--out", str(home / "lembar"), "--draft"])
        assert draft.exit_code == 0, draft.output
        found["refused_url"] = closed_port_url()
        found["refused"] = runner.invoke(cli, ["sheet", "sign", "1", *common, *key, *tsa_ca,
                                               "--tsa", found["refused_url"]])
        tsa_server.mode = "error"
        found["http_500"] = runner.invoke(cli, ["sheet", "sign", "1", *common, *key, *tsa_ca,
                                                "--tsa", tsa_server.url])
        tsa_server.mode = "ok"
        # The TSA answers, but its root is not among the trust roots: the new signature
        # does not verify, so it is not recorded.
        found["root_missing"] = runner.invoke(cli, ["sheet", "sign", "1", *common, *key,
                                                    "--tsa", tsa_server.url])
        db = open_db(db_path)
        found["after_failures"] = dict(db["sheets"].get(1))
        found["files_after_failures"] = sorted(p.name for p in (home / "lembar").rglob("*"))
        patch.setenv("KLIPING_TSA_URL", tsa_server.url)  # the deployment's setting, no option
        found["signed"] = runner.invoke(cli, ["sheet", "sign", "1", *common, *key, *tsa_ca])
        assert found["signed"].exit_code == 0, found["signed"].output
        found["row"] = dict(db["sheets"].get(1))
        db.conn.close()
    found["db_path"] = db_path
    found["pdf"] = Path(found["row"]["pdf_path"])
    found["roots"] = [certs.ca_cert, tsa_root[2]]
    found["timestamp"] = verify_pdf(found["pdf"], trust_roots=found["roots"]).timestamp
    return found


def test_tsa_failure_leaves_the_draft_unsigned_with_a_clear_message(archive, tsa_server):
    refused, http_500, root_missing = archive["refused"], archive["http_500"], archive["root_missing"]
    assert refused.exit_code != 0
    assert f"Server cap waktu {archive['refused_url']} tidak dapat dihubungi: koneksi ditolak" in refused.output
    assert http_500.exit_code != 0
    assert f"Server cap waktu {tsa_server.url} menjawab dengan galat HTTP 500" in http_500.output
    assert root_missing.exit_code != 0
    assert "tidak sah: cap waktu dari " + TSA_NAME in root_missing.output
    row = archive["after_failures"]
    assert (row["status"], row["sha256"], row["signed_at"]) == ("draft", None, None)
    # only the draft's files: no signed PDF, no staging directory, no temporary file
    assert archive["files_after_failures"] == [
        "2024-10-04", "kliping-kota-contoh-2024-10-04-v1-DRAF.html",
        "kliping-kota-contoh-2024-10-04-v1-DRAF.pdf", "kota-contoh", "v1",
    ]
    assert archive["row"]["status"] == "signed"


def test_cli_verify_shows_the_trusted_time_in_the_region_zone(archive, certs, monkeypatch):
    # verify finds the archived sheet's region by id among the installed regions
    monkeypatch.setattr("clippings.commands.sheet.load_region", lambda _id: load_region_file(REGION_FILE))
    stamped = archive["timestamp"]
    assert stamped.trusted and abs(datetime.now(UTC) - stamped.at) < timedelta(minutes=2)
    runner = CliRunner()
    roots = [arg for root in archive["roots"] for arg in ("--trust-root", str(root))]
    check = runner.invoke(cli, ["sheet", "verify", str(archive["pdf"]), "--db", str(archive["db_path"]), *roots])
    assert check.exit_code == 0, check.output
    when = waktu(stamped.at, "Asia/Jakarta")
    assert "(UTC+07:00)" in when
    assert f"Cap waktu tepercaya: {when} dari {TSA_NAME}\n" in check.output

    # The same file checked without the TSA's root: the time is shown, and not believed.
    doubt = runner.invoke(cli, ["sheet", "verify", str(archive["pdf"]), "--db", str(archive["db_path"]),
                                "--trust-root", str(certs.ca_cert)])
    assert doubt.exit_code != 0
    assert f"Cap waktu: {when} dari {TSA_NAME}, TIDAK dapat dipastikan" in doubt.output
    assert f"Masalah: cap waktu dari {TSA_NAME} tidak dapat dipastikan" in doubt.output


def test_cli_verify_of_a_signature_without_tsa_says_so(plain_pdf, certs, tmp_path):
    out = tmp_path / "lembar-ttd.pdf"
    sign(plain_pdf, out, certs)
    result = CliRunner().invoke(cli, ["sheet", "verify", str(out), "--db", str(tmp_path / "tidak.db"),
                                      "--trust-root", str(certs.ca_cert)])
    assert result.exit_code == 0, result.output
    assert f"Cap waktu: {NO_TIMESTAMP}\n" in result.output


def test_web_page_and_upload_show_the_trusted_time(archive, plain_pdf, certs, tmp_path):
    app = create_app({"DATABASE": str(archive["db_path"]), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "REGIONS_DIR": str(HERE / "regions"), "TRUST_ROOTS": archive["roots"]})
    client = app.test_client()
    expected = f"Cap waktu tepercaya: {waktu(archive['timestamp'].at, 'Asia/Jakarta')} dari {TSA_NAME}"
    page = client.get("/verifikasi/1")
    assert page.status_code == 200
    assert expected in words(page)

    sent = client.post("/verifikasi/1", content_type="multipart/form-data",
                       data={"berkas": (io.BytesIO(archive["pdf"].read_bytes()), "lembar.pdf")})
    result = words(sent).split("Hasil pemeriksaan:")[1]
    assert result.startswith(" Sah dan sama dengan arsip") and expected in result

    plain = tmp_path / "tanpa-cap-waktu.pdf"
    sign(plain_pdf, plain, certs)
    sent = client.post("/verifikasi/1", content_type="multipart/form-data",
                       data={"berkas": (io.BytesIO(plain.read_bytes()), "lembar.pdf")})
    assert f"Cap waktu: {NO_TIMESTAMP}" in words(sent).split("Hasil pemeriksaan:")[1]


def words(response) -> str:
    """The text a visitor reads, whitespace collapsed."""
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    for style in doc.xpath("//style"):
        style.drop_tree()
    return " ".join(" ".join(doc.itertext()).split())


def test_morning_run_signs_with_the_tsa_and_trusts_its_root(certs, tsa, tsa_root, tmp_path,
                                                            monkeypatch):
    """`kliping run` (the unattended morning job) takes --tsa and the TSA's --trust-root."""
    monkeypatch.delenv("KLIPING_TSA_URL", raising=False)
    monkeypatch.setenv("KLIPING_P12_PASSWORD", certs.password)
    home = tmp_path / "pagi"
    args = ["run", "--region", str(REGION_FILE), "--home", str(home), "--date", "2024-10-04",
            "--p12", str(certs.p12), "--trust-root", str(certs.ca_cert)]
    refused = CliRunner().invoke(cli, [*args, "--trust-root", str(tsa_root[2]),
                                       "--tsa", closed_port_url()])
    assert refused.exit_code != 0
    assert "tidak dapat dihubungi" in refused.output and "lembar tidak ditandatangani" in refused.output
    assert not list((home / "sheets").rglob("*.pdf"))

    signed = CliRunner().invoke(cli, [*args, "--trust-root", str(tsa_root[2]), "--tsa", tsa.url])
    assert signed.exit_code == 0, signed.output
    (pdf,) = (home / "sheets").rglob("*.pdf")
    stamp = verify_pdf(pdf, trust_roots=[certs.ca_cert, tsa_root[2]]).timestamp
    assert stamp is not None and stamp.trusted and stamp.tsa == TSA_NAME
