"""Signing and verifying sheet PDFs (PAdES with pyHanko).

The signed PDF is the record: anyone holding the file must be able to tell whether it is
the one the head of office signed. Hence the strictness here: a signature is only made
with a certificate that is valid today and meant for signing documents, the output
appears atomically (never a half-written or unsigned file under the final name), and
verification reports every problem in words a desk clerk can act on.

Demo certificates exist so the product can be tried without a real key; their subject
says so ("DEMO — bukan sertifikat resmi") and verification flags them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from clippings.files import atomic_path, write_atomic
from clippings.formatting import tanggal, waktu

if TYPE_CHECKING:
    from clippings.tsa import Tsa

logger = logging.getLogger(__name__)

DEMO_MARK = "DEMO — bukan sertifikat resmi"
DEMO_PASSWORD = "kliping-demo"
DEMO_CA_FILE = "demo-ca.pem"
# Trusted root certificates (PEM/DER paths separated by os.pathsep) for every verifier.
TRUST_ROOTS_SETTING = "KLIPING_TRUST_ROOTS"


def default_trust_roots(db_path: Path) -> list[Path]:
    """``KLIPING_TRUST_ROOTS``, else the demo CA beside the database (``<home>/certs``,
    where ``kliping demo`` and ``kliping certs demo`` put it).

    A real deployment names the signer's (and its TSA's) CA; the demo CA only makes the
    demo's sheets checkable, and every signature it vouches for is shown as a demo one.
    """
    configured = os.environ.get(TRUST_ROOTS_SETTING)
    if configured:
        return [Path(p) for p in configured.split(os.pathsep) if p]
    candidate = Path(db_path).parent / "certs" / DEMO_CA_FILE
    return [candidate] if candidate.exists() else []
DEMO_P12_FILE = "demo-penandatangan.p12"
SIGNATURE_FIELD = "TandaTanganKliping"

# Extended key usages that mean "may sign documents". A certificate without the
# extension may be used for anything (RFC 5280 4.2.1.12).
_DOCUMENT_SIGNING_EKUS = {
    ObjectIdentifier("1.3.6.1.5.5.7.3.36"),  # id-kp-documentSigning (RFC 9336)
    ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
    ObjectIdentifier("1.2.840.113583.1.1.5"),  # Adobe Authentic Documents Trust
    ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),  # Microsoft Document Signing
}
_EKU_WORDS = {
    ExtendedKeyUsageOID.SERVER_AUTH: "server TLS",
    ExtendedKeyUsageOID.CLIENT_AUTH: "autentikasi klien",
    ExtendedKeyUsageOID.CODE_SIGNING: "penandatanganan kode",
    ExtendedKeyUsageOID.TIME_STAMPING: "cap waktu",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSP",
}


class SigningError(Exception):
    """Signing could not be done; the message says why, in Indonesian."""


@dataclass(frozen=True)
class DemoCerts:
    """Where the demo CA and signer live, and the password of the signer's PKCS#12."""

    directory: Path
    ca_cert: Path
    p12: Path
    password: str
    created: bool


NO_TIMESTAMP = "tanpa cap waktu tepercaya (waktu dari komputer penandatangan)"


@dataclass(frozen=True)
class TrustedTime:
    """The RFC 3161 timestamp on a signature: when, by whom, and whether it can be believed."""

    at: datetime
    tsa: str  # the name on the TSA's certificate
    trusted: bool  # token intact, signed by a time-stamping certificate under a trust root


def timestamp_text(timestamp: TrustedTime | None, timezone: str | None = None) -> str:
    """The sentence a verifier reads about a signature's time source."""
    if timestamp is None:
        return f"Cap waktu: {NO_TIMESTAMP}"
    when = waktu(timestamp.at, timezone)
    if timestamp.trusted:
        return f"Cap waktu tepercaya: {when} dari {timestamp.tsa}"
    return f"Cap waktu: {when} dari {timestamp.tsa}, TIDAK dapat dipastikan (lihat masalah)"


@dataclass
class VerifyResult:
    """What a verifier needs to know about one signed PDF."""

    path: Path
    sha256: str
    valid: bool = False  # intact, cryptographically sound and from a trusted signer
    intact: bool = False  # the bytes signed are the bytes in the file, nothing appended
    trusted: bool = False
    signer: str | None = None
    signed_at: datetime | None = None
    reason: str | None = None
    location: str | None = None
    demo: bool = False
    timestamp: TrustedTime | None = None  # absent: B-B, the time is the signer's own clock
    signature_count: int = 0
    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- certificates


def _name(common_name: str, organization: str, unit: str | None = None) -> x509.Name:
    for label, value in (("nama", common_name), ("organisasi", organization), ("unit", unit)):
        if value is not None and not 1 <= len(value) <= 64:
            raise SigningError(f"{label} pada sertifikat harus 1–64 karakter: {value!r}")
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"))
    return x509.Name(attributes)


def new_demo_ca(
    *, common_name: str = "Kliping CA Demo", valid_days: int = 3650
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed CA for demos and tests; never for a real deployment."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(common_name, DEMO_MARK)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_demo_signer(
    p12_path: str | Path,
    *,
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    common_name: str,
    password: str,
    unit: str | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    purpose: str = "document",
) -> Path:
    """Write a PKCS#12 with a signer key and certificate issued by a demo CA.

    ``purpose="tls"`` issues a TLS server certificate instead; with ``not_before`` and
    ``not_after`` this lets tests present the wrong-purpose and expired certificates a
    desk may really be handed.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    not_before = not_before or now - timedelta(minutes=5)
    not_after = not_after or now + timedelta(days=5 * 365)
    if purpose == "document":
        usage = x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False,
        )
        eku = x509.ExtendedKeyUsage([ObjectIdentifier("1.3.6.1.5.5.7.3.36")])
    elif purpose == "tls":
        usage = x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=True, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False,
        )
        eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
    else:
        raise ValueError(f"unknown purpose {purpose!r}")
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, DEMO_MARK, unit))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(eku, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
    p12_path = Path(p12_path)
    write_atomic(p12_path, data, mode=0o600)
    return p12_path


def make_demo_certs(
    directory: str | Path,
    *,
    signer_name: str = "Penandatangan Demo",
    unit: str | None = None,
    password: str = DEMO_PASSWORD,
) -> DemoCerts:
    """Create the demo CA and signer once; later calls reuse the files.

    Reuse matters because every sheet signed so far verifies only against the CA that
    was current when it was signed.
    """
    directory = Path(directory)
    ca_path = directory / DEMO_CA_FILE
    p12_path = directory / DEMO_P12_FILE
    if ca_path.exists() and p12_path.exists():
        return DemoCerts(directory, ca_path, p12_path, password, created=False)
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = new_demo_ca()
    issue_demo_signer(
        p12_path, ca_key=ca_key, ca_cert=ca_cert, common_name=signer_name,
        password=password, unit=unit,
    )
    write_atomic(ca_path, ca_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    logger.info("sertifikat demo dibuat di %s (%s)", directory, DEMO_MARK)
    return DemoCerts(directory, ca_path, p12_path, password, created=True)


# --------------------------------------------------------------------------- signing


def load_p12(p12_path: str | Path, password: str):
    """Open a PKCS#12 and return ``(key, certificate, extra certificates)``."""
    p12_path = Path(p12_path)
    try:
        data = p12_path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"berkas PKCS#12 tidak ditemukan: {p12_path}") from None
    except OSError as exc:
        raise SigningError(f"berkas PKCS#12 tidak dapat dibaca: {p12_path} ({exc.strerror})") from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise SigningError(
            f"kata sandi PKCS#12 salah, atau berkas bukan PKCS#12 yang sah: {p12_path}"
        ) from None
    if key is None or cert is None:
        raise SigningError(f"berkas PKCS#12 tidak berisi kunci privat dan sertifikat: {p12_path}")
    return key, cert, list(extra)


def check_signing_certificate(cert: x509.Certificate, *, now: datetime | None = None) -> None:
    """Refuse certificates that would make a signature nobody should accept."""
    now = now or datetime.now(UTC)
    subject = cert.subject.rfc4514_string()
    if now < cert.not_valid_before_utc:
        raise SigningError(
            f"sertifikat penandatangan belum berlaku (mulai {tanggal(cert.not_valid_before_utc)}): {subject}"
        )
    if now > cert.not_valid_after_utc:
        raise SigningError(
            f"sertifikat penandatangan sudah kedaluwarsa sejak {tanggal(cert.not_valid_after_utc)}: {subject}"
        )
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        if basic.ca:
            raise SigningError(
                f"sertifikat ini sertifikat CA, bukan sertifikat penandatangan dokumen: {subject}"
            )
    except x509.ExtensionNotFound:
        pass
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            raise SigningError(
                f"sertifikat tidak boleh dipakai untuk tanda tangan digital (key usage): {subject}"
            )
    except x509.ExtensionNotFound:
        pass
    try:
        ekus = set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return
    if not ekus & _DOCUMENT_SIGNING_EKUS:
        meant_for = ", ".join(sorted(_EKU_WORDS.get(e, e.dotted_string) for e in ekus))
        raise SigningError(
            f"sertifikat ini untuk {meant_for}, bukan untuk menandatangani dokumen: {subject}"
        )


def preload_signing() -> None:
    """Import the parts of pyHanko that signing and verifying use.

    They take about half a second to import; a publisher calls this while the sheet
    is still printing in another process, so the signature costs only its own time.
    """
    import pyhanko.pdf_utils.incremental_writer  # noqa: F401
    import pyhanko.pdf_utils.reader  # noqa: F401
    import pyhanko.pdf_utils.text  # noqa: F401
    import pyhanko.sign.fields  # noqa: F401
    import pyhanko.sign.signers  # noqa: F401
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko.stamp  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401


def sign_pdf(
    pdf_in: str | Path,
    pdf_out: str | Path,
    *,
    p12_path: str | Path,
    password: str,
    signer_name: str,
    reason: str,
    location: str,
    visible_box: tuple[float, float, float, float] | None = None,
    page: int = -1,
    tsa: Tsa | None = None,
) -> None:
    """Sign ``pdf_in`` into ``pdf_out``; on any failure ``pdf_out`` is untouched.

    PAdES B-B, or B-T with ``tsa``: the timestamp authority then vouches for the time,
    and if it cannot (unreachable, HTTP error, bad answer) nothing is signed.

    ``visible_box`` (x1, y1, x2, y2 in PDF points on ``page``, by default the last)
    adds a visible signature box with the signer's name and the signing time, where
    a reader of the printout expects the wet signature.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign import fields, signers

    key, cert, _ = load_p12(p12_path, password)
    check_signing_certificate(cert)
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            Path(p12_path).read_bytes(), other_certs=[], passphrase=password.encode("utf-8")
        )
    except ValueError as exc:  # already opened above, so this is a key type pyHanko rejects
        raise SigningError(f"kunci dalam berkas PKCS#12 tidak didukung: {exc}") from None
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason,
        location=location,
    )
    stamper = None
    if tsa is not None:
        from clippings.tsa import timestamper

        stamper = timestamper(tsa)
    pdf_in, pdf_out = Path(pdf_in), Path(pdf_out)
    try:
        with atomic_path(pdf_out) as tmp, open(pdf_in, "rb") as source, open(tmp, "wb") as target:
            try:
                writer = IncrementalPdfFileWriter(source, strict=False)
                if visible_box is None:
                    signers.sign_pdf(writer, meta, signer=signer, timestamper=stamper,
                                     output=target)
                else:
                    pdf_signer = signers.PdfSigner(
                        meta, signer, timestamper=stamper, stamp_style=_stamp_style(),
                        new_field_spec=fields.SigFieldSpec(
                            sig_field_name=SIGNATURE_FIELD, on_page=page,
                            box=tuple(round(v) for v in visible_box),
                        ),
                    )
                    pdf_signer.sign_pdf(writer, output=target,
                                        appearance_text_params={"signer": signer_name})
            except (PdfReadError, ValueError) as exc:
                raise SigningError(f"berkas PDF tidak dapat ditandatangani: {pdf_in} ({exc})") from None
    except FileNotFoundError:
        raise SigningError(f"berkas PDF tidak ditemukan: {pdf_in}") from None
    logger.info("PDF ditandatangani: %s oleh %s%s", pdf_out, signer_name,
                f", cap waktu dari {tsa.url}" if tsa else "")


SIGNATURE_STAMP_TEXT = "Ditandatangani secara elektronik oleh\n%(signer)s\n%(ts)s"


def _stamp_style():
    """The visible box: signer and time with a thin border, so it reads as a stamp.

    pyHanko's built-in font (a PDF base font, Latin-1) is used: the signer's name is
    a Latin-script name, and an embedded font would need pyHanko's [opentype] extra.
    """
    from pyhanko import stamp
    from pyhanko.pdf_utils import text

    return stamp.TextStampStyle(
        stamp_text=SIGNATURE_STAMP_TEXT,
        text_box_style=text.TextBoxStyle(font_size=7),
        border_width=1,
        timestamp_format="%d-%m-%Y %H:%M:%S %Z",
    )


def p12_trust_roots(p12_path: str | Path, password: str) -> list[x509.Certificate]:
    """The self-signed certificates shipped inside a PKCS#12 (its CA chain's roots)."""
    _, _, extra = load_p12(p12_path, password)
    return [c for c in extra if c.issuer == c.subject]


# --------------------------------------------------------------------------- verifying


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_roots(trust_roots: Sequence[str | Path | x509.Certificate]):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    for root in trust_roots:
        if isinstance(root, x509.Certificate):
            der = root.public_bytes(serialization.Encoding.DER)
            roots.append(asn1_x509.Certificate.load(der))
            continue
        try:
            roots.extend(load_certs_from_pemder([str(root)]))
        except (OSError, ValueError) as exc:
            raise SigningError(f"sertifikat akar tidak dapat dibaca: {root} ({exc})") from None
    return roots


def verify_pdf(
    path: str | Path, *, trust_roots: Sequence[str | Path | x509.Certificate] = ()
) -> VerifyResult:
    """Check every signature of a PDF against ``trust_roots``; never raises on a bad file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    path = Path(path)
    result = VerifyResult(path=path, sha256=file_sha256(path))
    roots = _load_roots(trust_roots)
    if not roots:
        result.problems.append("tidak ada sertifikat akar (CA) terpercaya untuk memeriksa penandatangan")
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    usage = KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )
    try:
        with open(path, "rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            signatures = list(reader.embedded_signatures)
            result.signature_count = len(signatures)
            if not signatures:
                result.problems.append("berkas tidak berisi tanda tangan digital")
                return result
            # With several signatures the last one read wins signer/time: it released
            # the version in hand.
            verdicts = [
                _check_one(embedded, context, usage, result, SignatureCoverageLevel)
                for embedded in signatures
            ]
            result.intact = all(v[0] for v in verdicts)
            result.trusted = all(v[1] for v in verdicts)
            result.valid = all(v[2] for v in verdicts)
    except Exception as exc:  # a corrupted PDF can fail anywhere in the parser
        logger.info("verifikasi gagal untuk %s: %r", path, exc)
        result.problems.append(
            f"berkas rusak atau telah diubah sehingga tidak dapat dibaca sebagai PDF bertanda tangan ({exc})"
        )
        result.valid = result.intact = result.trusted = False
    return result


def _check_one(embedded, context, usage, result: VerifyResult, coverage_levels) -> tuple[bool, bool, bool]:
    from pyhanko.sign.validation import validate_pdf_signature

    sig = embedded.sig_object
    result.reason = str(sig.get("/Reason")) if "/Reason" in sig else result.reason
    result.location = str(sig.get("/Location")) if "/Location" in sig else result.location
    try:
        status = validate_pdf_signature(embedded, context, key_usage_settings=usage)
    except Exception as exc:
        result.problems.append(f"tanda tangan rusak dan tidak dapat diperiksa: {exc}")
        return False, False, False
    cert = status.signing_cert
    names = cert.subject.native
    result.signer = names.get("common_name") or cert.subject.human_friendly
    result.demo = result.demo or DEMO_MARK in cert.subject.human_friendly
    result.signed_at = status.signer_reported_dt
    result.timestamp = _trusted_time(status.timestamp_validity, result)
    whole_file = status.coverage == coverage_levels.ENTIRE_FILE
    clean_padding = _padding_is_clean(sig)
    intact = bool(status.intact and whole_file and clean_padding)
    if not status.intact:
        result.problems.append("isi dokumen tidak cocok dengan tanda tangan: dokumen telah diubah")
    elif not clean_padding:
        result.problems.append(
            "ruang tanda tangan berisi data tambahan yang tidak ditandatangani: berkas telah diubah"
        )
    elif not whole_file:
        result.problems.append("ada perubahan yang ditambahkan ke berkas setelah ditandatangani")
    if not status.valid:
        result.problems.append("tanda tangan kriptografis tidak sah")
    if status.revoked:
        result.problems.append("sertifikat penandatangan telah dicabut")
    elif status.trust_problem_indic is not None or (status.intact and not status.trusted):
        indication = status.trust_problem_indic
        why = f" ({indication.name})" if indication is not None else ""
        result.problems.append(
            f"sertifikat penandatangan tidak dipercaya{why}: {cert.subject.human_friendly}"
        )
    if status.docmdp_ok is False:
        result.problems.append("perubahan setelah tanda tangan melanggar izin dokumen")
    valid = bool(intact and status.bottom_line)
    return intact, bool(status.trusted), valid


def _trusted_time(ts_status, result: VerifyResult) -> TrustedTime | None:
    """The signature's timestamp token, with a problem noted when it cannot be relied on.

    The TSA's chain is checked against the same trust roots as the signer's, so the
    TSA's root must be among them; pyHanko then also requires the time-stamping usage.
    """
    if ts_status is None:
        return None
    cert = ts_status.signing_cert
    tsa = cert.subject.native.get("common_name") or cert.subject.human_friendly
    trusted = bool(ts_status.intact and ts_status.valid and ts_status.trusted)
    if not (ts_status.intact and ts_status.valid):
        result.problems.append(f"token cap waktu dari {tsa} rusak atau tidak cocok dengan tanda tangan")
    elif not ts_status.trusted:
        indication = ts_status.trust_problem_indic
        why = f" ({indication.name})" if indication is not None else ""
        result.problems.append(
            f"cap waktu dari {tsa} tidak dapat dipastikan{why}: sertifikat server cap waktu tidak "
            "berasal dari sertifikat akar terpercaya, atau tidak untuk cap waktu (tambahkan akar "
            "CA server cap waktu ke sertifikat akar terpercaya)"
        )
    return TrustedTime(at=ts_status.timestamp, tsa=tsa, trusted=trusted)


def _padding_is_clean(sig_object) -> bool:
    """Whether the bytes reserved after the CMS blob in ``/Contents`` are all zero.

    The signature's byte range excludes ``/Contents``, and DER parsers ignore what
    follows the blob, so a byte changed in that padding would otherwise pass as intact.
    """
    contents = bytes(sig_object.raw_get("/Contents"))
    length = _der_length(contents)
    return length is not None and not any(contents[length:])


def _der_length(data: bytes) -> int | None:
    """Total length (header included) of the DER element at the start of ``data``."""
    if len(data) < 2:
        return None
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(data) < 2 + count:
        return None
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")
