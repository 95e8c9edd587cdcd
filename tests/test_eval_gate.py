"""Eval gate: the committed model must not fall below the pinned dev-split figures.

A retrained model, a change of features or of text cleaning, or a library upgrade that
makes the desk's suggestions worse fails here instead of shipping. The floors and the
SHA-256 of the dev file live in ``tests/eval_baseline.json``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from classify.corpus import read_corpus
from classify.evaluate import PRIMARY, evaluate
from classify.model import load_classifier, resolve_model_path
from tests.conftest import shared_path

BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dev_metrics() -> dict:
    dev = shared_path("data/gov-news-id/dev.jsonl")
    digest = hashlib.sha256(dev.read_bytes()).hexdigest()
    assert digest == BASELINE["dev_sha256"], (
        f"{dev} changed (SHA-256 {digest}); the floors in tests/eval_baseline.json were "
        "measured on another dev file: re-measure and update them"
    )
    return evaluate(load_classifier(), read_corpus(dev).records)


@pytest.mark.parametrize("head", list(PRIMARY))
def test_committed_model_meets_its_floor_on_dev(dev_metrics, head):
    figure = dev_metrics[head][PRIMARY[head]]
    floor = BASELINE["floors"][head]
    assert figure >= floor, f"{head} {PRIMARY[head]} {figure:.3f} < floor {floor:.3f} on dev"


def test_floors_cover_every_tracked_figure():
    assert set(BASELINE["floors"]) == set(PRIMARY)
    for head, floor in BASELINE["floors"].items():
        assert 0 < floor <= BASELINE["measured"][head]


def test_committed_model_file_is_small():
    # The repository's pre-commit check refuses files over 5 MB.
    path = resolve_model_path()
    assert path.stat().st_size < BASELINE["max_model_bytes"]
