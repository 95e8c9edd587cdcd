"""The audit log: who changed what and when, one row per change.

Callers write the row inside the transaction of the change it records, so a change and
its audit row land together or not at all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database


def utc_now() -> str:
    """The stored form of a moment: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def record(
    db: Database,
    actor: str | None,
    action: str,
    object_type: str,
    object_id: Any,
    detail: dict[str, Any],
    *,
    at: str | None = None,
) -> None:
    db["audit_log"].insert(
        {
            "at": at or utc_now(),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "detail": json.dumps(detail, ensure_ascii=False, default=str),
        }
    )
