"""Trusted timestamps (RFC 3161) for sheet signatures: which TSA, and what went wrong.

A signature's own time comes from the signer's clock, which a court or auditor need not
believe. A timestamp authority (TSA) countersigns the signature with its time, making the
signature PAdES B-T. Deployments that get a TSA with their certificates (BSrE) name it in
the region file, in ``KLIPING_TSA_URL`` or with ``--tsa``; without one, sheets stay B-B.

A failed timestamp request must stop the signature, with a message naming the server
and the problem, because a desk clerk has to tell the TSA's operator what happened.
pyHanko reports every failure as the same ``TimestampRequestError``; the cause behind it
is translated here.
"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass

from clippings.signing import SigningError

TSA_URL_SETTING = "KLIPING_TSA_URL"
TSA_TIMEOUT_SETTING = "KLIPING_TSA_TIMEOUT"
DEFAULT_TSA_TIMEOUT = 15.0
# ``--tsa none``: no timestamp this time, whatever is configured.
NO_TSA = "none"


class TsaError(SigningError):
    """The timestamp authority could not give a timestamp; nothing was signed."""


@dataclass(frozen=True)
class Tsa:
    """A timestamp authority and how long to wait for its answer (seconds)."""

    url: str
    timeout: float = DEFAULT_TSA_TIMEOUT


def resolve_tsa(configured: str | None = None, *, explicit: str | None = None) -> Tsa | None:
    """The TSA to use: ``explicit`` (``--tsa``), else ``KLIPING_TSA_URL``, else the region's.

    ``None`` means sign without a trusted timestamp (PAdES B-B), as before TSAs existed here.
    ``explicit="none"`` asks for that although a TSA is configured: while the TSA is down,
    the head can still sign the day's sheet on time, knowingly without its timestamp.
    """
    if (explicit or "").strip().lower() == NO_TSA:
        return None
    url = (explicit or os.environ.get(TSA_URL_SETTING) or configured or "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise SigningError(f"alamat server cap waktu harus diawali http:// atau https://: {url!r}")
    raw = os.environ.get(TSA_TIMEOUT_SETTING, "").strip()
    try:
        timeout = float(raw) if raw else DEFAULT_TSA_TIMEOUT
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 600:
        raise SigningError(f"{TSA_TIMEOUT_SETTING} harus berupa jumlah detik antara 0 dan 600: {raw!r}")
    return Tsa(url, timeout)


def timestamper(tsa: Tsa):
    """A pyHanko timestamper for ``tsa`` whose failures are :class:`TsaError` in Indonesian."""
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.timestamps.common_utils import handle_tsp_response

    def failed(problem: str) -> TsaError:
        return TsaError(f"Server cap waktu {tsa.url} {problem}; lembar tidak ditandatangani")

    class _Timestamper(HTTPTimeStamper):
        async def async_timestamp(self, message_digest, md_algorithm):
            # pyHanko's own version, with a refusal read before the token is looked for
            try:
                nonce, request = self.request_cms(message_digest, md_algorithm)
                response = await self.async_request_tsa_response(request)
                refused = refusal(response.dump())
                if refused is None:
                    return handle_tsp_response(response, nonce)
            except Exception as exc:
                raise failed(describe_failure(exc, tsa.timeout)) from exc
            raise failed(refused)

    return _Timestamper(tsa.url, timeout=tsa.timeout)


def refusal(response: bytes) -> str | None:
    """What a TSA that refused says about why; ``None`` if it did not refuse.

    A refusal carries no token (RFC 3161 2.4.2), which asn1crypto's TimeStampResp cannot
    parse, so the status is read on its own.
    """
    from asn1crypto import core, tsp

    try:
        status = tsp.PKIStatusInfo.load(core.Sequence.load(response)[0].dump())
        state = status["status"].native
        texts = status["status_string"].native or []
        fails = sorted(status["fail_info"].native or [])
    except (ValueError, TypeError, KeyError, IndexError):
        return None  # not even a status: left to pyHanko, which reports a bad answer
    if state in ("granted", "granted_with_mods"):
        return None
    why = "; ".join([*texts, *fails]) or "tanpa keterangan"
    return f"menolak permintaan cap waktu (status {state}: {why})"


def describe_failure(exc: BaseException, timeout: float) -> str:
    """Say in Indonesian what a failed timestamp request ran into, after the server's name."""
    import aiohttp
    from pyhanko.sign.timestamps import TimestampRequestError

    cause = exc.__cause__ if isinstance(exc, TimestampRequestError) and exc.__cause__ else exc
    if isinstance(cause, aiohttp.ContentTypeError):
        kind = cause.headers.get("Content-Type", "tanpa jenis") if cause.headers else "tanpa jenis"
        return f"memberi jawaban yang bukan cap waktu RFC 3161 (Content-Type {kind})"
    if isinstance(cause, aiohttp.ClientResponseError):
        return f"menjawab dengan galat HTTP {cause.status} ({cause.message})"
    if isinstance(cause, TimeoutError):
        return f"tidak dapat dihubungi: tidak menjawab dalam {timeout:g} detik"
    if isinstance(cause, aiohttp.InvalidURL):
        return f"tidak dapat dihubungi: alamatnya tidak sah ({cause})"
    if isinstance(cause, aiohttp.ClientConnectorError):
        return f"tidak dapat dihubungi: {_os_reason(cause.os_error)}"
    if isinstance(cause, OSError | aiohttp.ClientError):
        return f"tidak dapat dihubungi: {_os_reason(cause)}"
    if isinstance(exc, TimestampRequestError):
        # Raised by pyHanko itself: the answer does not fit the request (e.g. another nonce).
        return f"memberi jawaban yang tidak cocok dengan permintaan: {exc}"
    return f"memberi jawaban yang tidak sah (bukan token cap waktu RFC 3161): {exc!r}"


def _os_reason(error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return "nama server tidak ditemukan (DNS)"
    if isinstance(error, ConnectionRefusedError) or getattr(error, "errno", None) == errno.ECONNREFUSED:
        return "koneksi ditolak (server tidak berjalan atau port salah)"
    if isinstance(error, ConnectionResetError):
        return "koneksi diputus oleh server"
    return str(error) or type(error).__name__
