"""Shared fixtures. Third-party data is read from ../shared/data, never copied here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def shared_path(relative: str) -> Path:
    """Path inside ../shared; skips outside CI and fails under CI=true when it is missing."""
    path = SHARED / relative
    if not path.exists():
        message = f"missing shared data: {path} (expected ../shared beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kliping.db"


# The signer of the example region (regions/kota-yogyakarta.yaml).
SIGNER = "Dra. Sri Wahyuningsih, M.Si."


@pytest.fixture(scope="module")
def certs(tmp_path_factory, request):
    """A demo CA and PKCS#12 for the test module's ``SIGNER`` (else the example region's)."""
    from clippings.signing import make_demo_certs

    signer = getattr(request.module, "SIGNER", SIGNER)
    return make_demo_certs(tmp_path_factory.mktemp("certs"), signer_name=signer)


@pytest.fixture(scope="module")
def plain_pdf(tmp_path_factory) -> Path:
    """A one-page PDF that is not a sheet: what signing and verifying work on alone."""
    from weasyprint import HTML

    path = tmp_path_factory.mktemp("pdf") / "lembar.pdf"
    HTML(string="<h1>Kliping Berita Harian</h1><p>Isi lembar uji yang akan ditandatangani.</p>").write_pdf(path)
    return path
