"""Labeled and unlabeled article files in the ``LABELS.md`` record format (JSONL).

Files come from annotators, other desks and users checking the model on their own
articles, so one bad line must not lose the rest: it is reported with file and line,
counted and skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from classify.labels import NILAI, SIFAT, TINDAK_LANJUT, URUSAN

logger = logging.getLogger(__name__)

LABEL_FIELDS = ("relevant", "urusan", "nilai", "sifat", "tindak_lanjut")
# What LABELS.md fixes for articles that are not relevant.
NOT_RELEVANT = {"urusan": [], "nilai": "netral", "sifat": "biasa", "tindak_lanjut": "diketahui"}


class CorpusError(ValueError):
    """A corpus file that cannot be read at all (missing, unreadable, no valid line)."""


@dataclass(frozen=True)
class LineError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Corpus:
    """The valid records of a file, plus what was skipped and why."""

    path: Path
    records: list[dict] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.errors)

    def __len__(self) -> int:
        return len(self.records)


def validate_record(raw: object, *, labeled: bool) -> dict:
    """Return the record with normalised types, or raise ``ValueError`` naming the field."""
    if not isinstance(raw, dict):
        raise ValueError(f"baris harus berupa objek JSON, bukan {type(raw).__name__}")
    record = dict(raw)
    if record.get("id") in (None, ""):
        raise ValueError("kolom 'id' kosong atau tidak ada")
    if not isinstance(record["id"], str | int):
        raise ValueError(f"kolom 'id' harus teks atau angka, bukan {type(record['id']).__name__}")
    record["id"] = str(record["id"])
    for name in ("title", "text"):
        value = record.get(name)
        if value is None:
            record[name] = ""
        elif not isinstance(value, str):
            raise ValueError(f"kolom {name!r} harus teks, bukan {type(value).__name__}")
    if "text" not in raw and "title" not in raw:
        raise ValueError("kolom 'text' dan 'title' tidak ada")
    if labeled:
        _validate_labels(record)
    return record


def _validate_labels(record: dict) -> None:
    missing = [name for name in LABEL_FIELDS if name not in record]
    if missing:
        raise ValueError(f"kolom label tidak ada: {', '.join(missing)}")
    if not isinstance(record["relevant"], bool):
        raise ValueError(f"kolom 'relevant' harus true/false, bukan {record['relevant']!r}")
    urusan = record["urusan"]
    if not isinstance(urusan, list) or not all(isinstance(u, str) for u in urusan):
        raise ValueError("kolom 'urusan' harus daftar kunci urusan")
    unknown = [u for u in urusan if u not in URUSAN]
    if unknown:
        raise ValueError(f"urusan tidak dikenal: {', '.join(unknown)}")
    if record["relevant"] and not urusan:
        raise ValueError("artikel relevan harus punya minimal satu urusan")
    for name, allowed in (("nilai", NILAI), ("sifat", SIFAT), ("tindak_lanjut", TINDAK_LANJUT)):
        if record[name] not in allowed:
            raise ValueError(
                f"kolom {name!r} bernilai {record[name]!r}; yang sah: {', '.join(allowed)}"
            )


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except FileNotFoundError:
        raise CorpusError(f"{path}: berkas tidak ditemukan") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: bukan teks UTF-8 ({exc.reason})") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: ini folder, bukan berkas JSONL") from None


def read_corpus(path: str | Path, *, labeled: bool = True) -> Corpus:
    """Read a JSONL file; ``labeled=False`` asks only for ``id``, ``title`` and ``text``."""
    path = Path(path)
    corpus = Corpus(path=path)
    seen: set[str] = set()
    for number, line in iter_lines(path):
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            corpus.errors.append(
                LineError(path, number, f"JSON rusak: {exc.msg} (kolom {exc.colno})")
            )
            continue
        try:
            record = validate_record(raw, labeled=labeled)
        except ValueError as exc:
            corpus.errors.append(LineError(path, number, str(exc)))
            continue
        if record["id"] in seen:
            corpus.errors.append(LineError(path, number, f"id ganda: {record['id']!r}"))
            continue
        seen.add(record["id"])
        corpus.records.append(record)
    for error in corpus.errors:
        logger.info("dilewati %s", error)
    if corpus.errors and not corpus.records:
        raise CorpusError(
            f"{path}: tidak ada baris yang sah ({corpus.skipped} baris rusak; pertama: {corpus.errors[0]})"
        )
    return corpus


def write_jsonl(records: Iterable[dict], path: str | Path) -> int:
    """Write records one per line (UTF-8, not ASCII-escaped); returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count
