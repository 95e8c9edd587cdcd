"""Signing a sheet PDF: only with a usable certificate, atomically, and verifiably."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from clippings.signing import (
    DEMO_MARK,
    SigningError,
    issue_demo_signer,
    make_demo_certs,
    new_demo_ca,
    p12_trust_roots,
    sign_pdf,
    verify_pdf,
)

SIGNER = "Drs. Agus Prasetyo, M.M."


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory, plain_pdf, certs) -> Path:
    out = tmp_path_factory.mktemp("signed") / "lembar-ttd.pdf"
    sign_pdf(plain_pdf, out, p12_path=certs.p12, password=certs.password,
             signer_name=SIGNER, reason="Pengesahan kliping", location="Kota Contoh")
    return out


def flipped(path: Path, position: int, tmp_path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    out = tmp_path / "diubah.pdf"
    out.write_bytes(bytes(data))
    return out


def test_demo_certs_are_marked_and_reused(tmp_path):
    first = make_demo_certs(tmp_path, signer_name=SIGNER)
    assert first.created
    ca = x509.load_pem_x509_certificate(first.ca_cert.read_bytes())
    assert DEMO_MARK in ca.subject.rfc4514_string()
    p12_bytes = first.p12.read_bytes()
    again = make_demo_certs(tmp_path, signer_name="Nama Lain")
    assert not again.created
    assert again.p12.read_bytes() == p12_bytes  # earlier signatures keep verifying
    assert first.p12.stat().st_mode & 0o077 == 0  # the key file is private
    assert [c.subject for c in p12_trust_roots(first.p12, first.password)] == [ca.subject]


def test_signed_pdf_verifies_with_signer_time_and_place(signed_pdf, certs):
    result = verify_pdf(signed_pdf, trust_roots=[certs.ca_cert])
    assert result.valid and result.intact and result.trusted, result.problems
    assert result.problems == []
    assert result.signer == SIGNER
    assert result.demo
    assert (result.reason, result.location) == ("Pengesahan kliping", "Kota Contoh")
    assert abs(datetime.now(UTC) - result.signed_at) < timedelta(minutes=10)
    assert result.signature_count == 1


def test_one_changed_byte_in_the_document_fails(signed_pdf, certs, tmp_path):
    data = signed_pdf.read_bytes()
    position = data.index(b"stream") + 20  # inside the first content stream, under the signature
    result = verify_pdf(flipped(signed_pdf, position, tmp_path), trust_roots=[certs.ca_cert])
    assert not result.valid and not result.intact
    assert result.problems


def test_one_changed_byte_in_signature_padding_fails(signed_pdf, certs, tmp_path):
    data = signed_pdf.read_bytes()
    contents_end = data.index(b">", data.index(b"/Contents <"))
    result = verify_pdf(flipped(signed_pdf, contents_end - 3, tmp_path), trust_roots=[certs.ca_cert])
    assert not result.valid and not result.intact
    assert any("tidak ditandatangani" in p for p in result.problems)


def test_appended_bytes_are_reported(signed_pdf, certs, tmp_path):
    out = tmp_path / "tambah.pdf"
    out.write_bytes(signed_pdf.read_bytes() + b"\n%tambahan setelah ditandatangani\n")
    result = verify_pdf(out, trust_roots=[certs.ca_cert])
    assert not result.valid
    assert result.problems


def test_unknown_ca_is_untrusted_but_intact(signed_pdf, tmp_path):
    _, other_ca = new_demo_ca(common_name="CA Lain")
    result = verify_pdf(signed_pdf, trust_roots=[other_ca])
    assert result.intact and not result.trusted and not result.valid
    assert any("tidak dipercaya" in p for p in result.problems)


def test_unsigned_pdf_is_not_valid(plain_pdf, certs):
    result = verify_pdf(plain_pdf, trust_roots=[certs.ca_cert])
    assert not result.valid
    assert result.problems == ["berkas tidak berisi tanda tangan digital"]


def test_wrong_password_is_clear_and_writes_nothing(plain_pdf, certs, tmp_path):
    out = tmp_path / "hasil.pdf"
    with pytest.raises(SigningError, match="kata sandi PKCS#12 salah"):
        sign_pdf(plain_pdf, out, p12_path=certs.p12, password="salah",
                 signer_name=SIGNER, reason="uji", location="Kota Contoh")
    assert list(tmp_path.iterdir()) == []


def test_missing_p12_is_named(plain_pdf, tmp_path):
    with pytest.raises(SigningError, match="tidak ditemukan: .*tidak-ada.p12"):
        sign_pdf(plain_pdf, tmp_path / "hasil.pdf", p12_path=tmp_path / "tidak-ada.p12",
                 password="x", signer_name=SIGNER, reason="uji", location="Kota Contoh")


@pytest.fixture(scope="module")
def ca():
    return new_demo_ca(common_name="CA Uji")


def test_expired_certificate_is_refused(plain_pdf, ca, tmp_path):
    ca_key, ca_cert = ca
    now = datetime.now(UTC)
    p12 = issue_demo_signer(
        tmp_path / "lama.p12", ca_key=ca_key, ca_cert=ca_cert, common_name=SIGNER, password="sandi",
        not_before=now - timedelta(days=800), not_after=now - timedelta(days=30),
    )
    out = tmp_path / "hasil.pdf"
    with pytest.raises(SigningError, match="kedaluwarsa sejak"):
        sign_pdf(plain_pdf, out, p12_path=p12, password="sandi",
                 signer_name=SIGNER, reason="uji", location="Kota Contoh")
    assert not out.exists()


def test_tls_certificate_is_refused(plain_pdf, ca, tmp_path):
    ca_key, ca_cert = ca
    p12 = issue_demo_signer(
        tmp_path / "tls.p12", ca_key=ca_key, ca_cert=ca_cert, common_name="kliping.contoh.test",
        password="sandi", purpose="tls",
    )
    out = tmp_path / "hasil.pdf"
    with pytest.raises(SigningError, match="server TLS, bukan untuk menandatangani dokumen"):
        sign_pdf(plain_pdf, out, p12_path=p12, password="sandi",
                 signer_name=SIGNER, reason="uji", location="Kota Contoh")
    assert not out.exists()


def test_failed_signing_keeps_an_existing_output(plain_pdf, certs, tmp_path):
    out = tmp_path / "hasil.pdf"
    out.write_bytes(b"berkas lama")
    with pytest.raises(SigningError):
        sign_pdf(plain_pdf, out, p12_path=certs.p12, password="salah",
                 signer_name=SIGNER, reason="uji", location="Kota Contoh")
    assert out.read_bytes() == b"berkas lama"
    assert [p.name for p in tmp_path.iterdir()] == ["hasil.pdf"]


def test_not_a_pdf_is_refused_without_output(certs, tmp_path):
    bogus = tmp_path / "bukan.pdf"
    bogus.write_text("ini bukan PDF", encoding="utf-8")
    with pytest.raises(SigningError, match="tidak dapat ditandatangani"):
        sign_pdf(bogus, tmp_path / "hasil.pdf", p12_path=certs.p12, password=certs.password,
                 signer_name=SIGNER, reason="uji", location="Kota Contoh")
    assert not (tmp_path / "hasil.pdf").exists()


def test_visible_signature_box_shows_signer_and_stays_valid(plain_pdf, certs, tmp_path):
    import pikepdf

    from clippings.signing import SIGNATURE_FIELD

    out = tmp_path / "terlihat.pdf"
    box = (300.0, 200.0, 512.6, 256.7)
    sign_pdf(plain_pdf, out, p12_path=certs.p12, password=certs.password, signer_name=SIGNER,
             reason="Pengesahan kliping", location="Kota Contoh", visible_box=box)
    result = verify_pdf(out, trust_roots=[certs.ca_cert])
    assert result.valid and result.signer == SIGNER, result.problems
    with pikepdf.open(out) as pdf:
        [widget] = [a for a in pdf.pages[-1].obj.get("/Annots", []) if a.get("/T") == SIGNATURE_FIELD]
        assert [round(float(v)) for v in widget.Rect] == [round(v) for v in box]
        drawn = [bytes(operands[0]).decode("latin-1")
                 for operands, operator in pikepdf.parse_content_stream(widget.AP.N)
                 if str(operator) == "Tj"]
    assert drawn[0] == "Ditandatangani secara elektronik oleh"
    assert drawn[1] == SIGNER
    assert drawn[2].startswith(datetime.now(UTC).strftime("%d-%m-%Y"))
