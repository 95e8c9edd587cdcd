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
