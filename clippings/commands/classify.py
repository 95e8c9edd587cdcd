"""``kliping train``, ``kliping classify`` and ``kliping evaluate``: the classifier's commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from classify.corpus import CorpusError, read_corpus
from classify.evaluate import evaluate as evaluate_model
from classify.evaluate import format_report
from classify.model import Classifier, ModelError, load_classifier
from classify.train import TrainError
from classify.train import train as train_model
from clippings.commands.options import db_option, region_option
from clippings.db import open_db
from clippings.labeling import label_articles, label_jsonl
from clippings.regions import Region

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "gov-news-id"


def model_option(func):
    return click.option(
        "--model",
        "model_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Berkas model atau folder model (bawaan: $KLIPING_MODELS atau models/, lewat models/current).",
    )(func)


def _load(model_path: Path | None) -> Classifier:
    try:
        return load_classifier(model_path)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None


def _read(path: Path, *, labeled: bool):
    try:
        corpus = read_corpus(path, labeled=labeled)
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    for error in corpus.errors:
        click.echo(f"dilewati: {error}", err=True)
    return corpus


@click.command("train")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder korpus berlabel berisi train.jsonl (dan dev.jsonl untuk pengukuran).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO / "models",
    show_default=True,
    help="Folder tujuan model, models/current dan MODEL_CARD.md.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=20),
    default=None,
    help="Latih pada sampel acak N artikel saja (uji cepat).",
)
def train(data_dir: Path, out_dir: Path, limit: int | None) -> None:
    """Latih model klasifikasi dari korpus berlabel dan cetak hasilnya pada data dev.

    Model baru disimpan sebagai models/kliping-<versi>.joblib, models/current menunjuk
    ke berkas itu, dan MODEL_CARD.md ditulis ulang dari hasil pelatihan.

    Contoh: kliping train --data ../shared/data/gov-news-id --out models/
    """
    train_path = data_dir / "train.jsonl"
    dev_path = data_dir / "dev.jsonl"
    if not train_path.is_file():
        raise click.ClickException(f"{train_path}: data latih tidak ditemukan")
    try:
        result = train_model(
            train_path,
            dev_path=dev_path if dev_path.is_file() else None,
            out_dir=out_dir,
            limit=limit,
        )
    except (TrainError, CorpusError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Model {result.version} disimpan di {result.model_path} "
        f"({result.size_bytes / 1e6:.1f} MB, {result.seconds:.0f} detik); kartu model: {result.card_path}"
    )
    if result.dev_metrics:
        click.echo(format_report(result.dev_metrics))
    else:
        click.echo(f"{dev_path} tidak ada: model tidak diukur.")


@click.command("classify")
@region_option(required=False)
@db_option
@model_option
@click.option(
    "--all",
    "relabel",
    is_flag=True,
    help="Labeli ulang semua artikel, bukan hanya yang belum berlabel.",
)
@click.option(
    "--jsonl",
    "jsonl_in",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Labeli berkas JSONL (id, title, text per baris) tanpa basis data.",
)
@click.option(
    "--out",
    "jsonl_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Berkas JSONL hasil (wajib bersama --jsonl).",
)
def classify(
    region: Region | None,
    db_path: Path | None,
    model_path: Path | None,
    relabel: bool,
    jsonl_in: Path | None,
    jsonl_out: Path | None,
) -> None:
    """Labeli artikel: relevansi, urusan, instansi, nilai, sifat, tindak lanjut.

    Tanpa --jsonl: melabeli artikel tersimpan untuk satu wilayah (label model disimpan
    terpisah dari keputusan desk). Dengan --jsonl: melabeli berkas JSONL tanpa basis data;
    tanpa --region, "relevan" berarti menyangkut pemerintah daerah mana pun.

    Contoh:
      kliping classify --region kabupaten-pemalang
      kliping classify --jsonl artikel.jsonl --out hasil.jsonl
    """
    classifier = _load(model_path)
    if jsonl_in is not None:
        if jsonl_out is None:
            raise click.ClickException("--out wajib diisi bersama --jsonl")
        try:
            counts = label_jsonl(jsonl_in, jsonl_out, classifier, region=region)
        except CorpusError as exc:
            raise click.ClickException(str(exc)) from None
        for error in counts["errors"]:
            click.echo(f"dilewati: {error}", err=True)
        skipped = f", {len(counts['errors'])} baris dilewati" if counts["errors"] else ""
        click.echo(
            f"{counts['articles']} artikel dilabeli, {counts['relevant']} relevan{skipped}; hasil: {jsonl_out}"
        )
        return
    if jsonl_out is not None:
        raise click.ClickException("--out hanya dipakai bersama --jsonl")
    if region is None:
        raise click.ClickException("--region wajib diisi untuk melabeli artikel di basis data")
    db = open_db(db_path)
    counts = label_articles(db, region, classifier, only_unlabeled=not relabel)
    per_nilai = ", ".join(f"{k} {v}" for k, v in counts["nilai"].items())
    click.echo(
        f"{region.id}: {counts['articles']} artikel diproses, {counts['labeled']} label ditulis, "
        f"{counts['relevant']} relevan ({per_nilai}), {counts['not_relevant']} tidak relevan"
        + (f", {counts['errors']} gagal" if counts["errors"] else "")
        + f" [model {counts['model_version']}]"
    )


@click.command("evaluate")
@click.option(
    "--data",
    "data_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DATA / "dev.jsonl",
    show_default=True,
    help="Berkas JSONL berlabel (format LABELS.md).",
)
@model_option
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON.")
def evaluate(data_path: Path, model_path: Path | None, as_json: bool) -> None:
    """Ukur model pada artikel berlabel: F1, akurasi, per kelas dan matriks kebingungan.

    Contoh: kliping evaluate --data artikel-berlabel.jsonl --json
    """
    classifier = _load(model_path)
    corpus = _read(data_path, labeled=True)
    metrics = evaluate_model(classifier, corpus.records)
    metrics["data"] = str(data_path)
    metrics["skipped_lines"] = corpus.skipped
    if as_json:
        click.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(metrics))


commands = [train, classify, evaluate]
