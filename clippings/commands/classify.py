"""``kliping train``, ``kliping classify`` and ``kliping evaluate``: the classifier's commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from classify.corpus import CorpusError, read_corpus
from classify.evaluate import evaluate as evaluate_model
from classify.evaluate import format_report
from classify.model import Classifier, ModelError, load_classifier
from classify.train import TrainError, overall
from classify.train import train as train_model
from clippings.commands.options import db_option, region_option
from clippings.db import open_db
from clippings.labeling import desk_records, label_articles, label_jsonl
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
@region_option(required=False)
@db_option
@click.option(
    "--force",
    is_flag=True,
    help="Jadikan model baru sebagai models/current walaupun lebih buruk pada data dev.",
)
def train(
    data_dir: Path,
    out_dir: Path,
    limit: int | None,
    region: Region | None,
    db_path: Path | None,
    force: bool,
) -> None:
    """Latih model klasifikasi dari korpus berlabel dan cetak hasilnya pada data dev.

    Model baru disimpan sebagai models/kliping-<versi>.joblib dan MODEL_CARD.md ditulis
    ulang. models/current hanya dipindah ke model baru bila model baru tidak lebih buruk
    pada data dev (rata-rata lima angka) daripada model yang sekarang; kedua hasil dicetak.
    Dengan --region, koreksi desk wilayah itu (dari basis data) ikut menjadi data latih.

    \b
    Contoh:
      kliping train --data ../shared/data/gov-news-id --out models/
      kliping train --region kota-yogyakarta --db var/kliping.db
    """
    train_path = data_dir / "train.jsonl"
    dev_path = data_dir / "dev.jsonl"
    if not train_path.is_file():
        raise click.ClickException(f"{train_path}: data latih tidak ditemukan")
    extra: list[dict] = []
    if region is not None:
        extra = desk_records(open_db(db_path), region.id)
        click.echo(f"{region.id}: {len(extra)} koreksi desk ikut dilatih")
    elif db_path is not None:
        raise click.ClickException("--db hanya dipakai bersama --region")
    try:
        result = train_model(
            train_path,
            dev_path=dev_path if dev_path.is_file() else None,
            out_dir=out_dir,
            limit=limit,
            extra_records=extra,
            extra_name=f"koreksi desk {region.id}" if region is not None else None,
            force=force,
        )
    except (TrainError, CorpusError) as exc:
        raise click.ClickException(str(exc)) from None
    if result.previous_metrics is not None and result.dev_metrics is not None:
        click.echo(
            f"Dev, rata-rata lima angka: model baru {result.version} {overall(result.dev_metrics):.4f}, "
            f"model sekarang {result.previous_version} {overall(result.previous_metrics):.4f}"
        )
        click.echo("Model sekarang:")
        click.echo(format_report(result.previous_metrics))
        click.echo("Model baru:")
    if result.dev_metrics:
        click.echo(format_report(result.dev_metrics))
    else:
        click.echo(f"{dev_path} tidak ada: model tidak diukur.")
    if not result.promoted:
        click.echo(
            f"Model {result.version} TIDAK dipromosikan: lebih buruk pada data dev daripada "
            f"{result.previous_version}; models/current tetap. Pakai --force untuk tetap memakainya."
        )
        return
    click.echo(
        f"Model {result.version} disimpan di {result.model_path} "
        f"({result.size_bytes / 1e6:.1f} MB, {result.seconds:.0f} detik) dan dipakai (models/current); "
        f"kartu model: {result.card_path}"
    )


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

    \b
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
            f"{counts['articles']} artikel dilabeli, {counts['relevant']} relevan, "
            f"{counts['needs_review']} perlu diperiksa (uncertain){skipped}; hasil: {jsonl_out}"
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
        f"{counts['relevant']} relevan ({per_nilai}), {counts['not_relevant']} tidak relevan, "
        f"{counts['needs_review']} perlu diperiksa"
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
@region_option(required=False)
@db_option
@click.option(
    "--recent",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Dengan --region: jumlah koreksi desk terbaru yang diukur.",
)
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON.")
def evaluate(
    data_path: Path,
    model_path: Path | None,
    region: Region | None,
    db_path: Path | None,
    recent: int,
    as_json: bool,
) -> None:
    """Ukur model pada artikel berlabel: F1, akurasi, per kelas dan matriks kebingungan.

    Dengan --region, model juga diukur pada koreksi desk terbaru wilayah itu.

    \b
    Contoh:
      kliping evaluate --data artikel-berlabel.jsonl --json
      kliping evaluate --region kota-yogyakarta --db var/kliping.db
    """
    classifier = _load(model_path)
    corpus = _read(data_path, labeled=True)
    metrics = evaluate_model(classifier, corpus.records)
    metrics["data"] = str(data_path)
    metrics["skipped_lines"] = corpus.skipped
    desk_metrics = None
    desk_count = 0
    if region is not None:
        corrections = desk_records(open_db(db_path), region.id, limit=recent)
        desk_count = len(corrections)
        if corrections:
            desk_metrics = evaluate_model(classifier, corrections)
            desk_metrics["data"] = f"koreksi desk {region.id} ({desk_count} terbaru)"
    elif db_path is not None:
        raise click.ClickException("--db hanya dipakai bersama --region")
    if as_json:
        out = metrics if region is None else {**metrics, "desk": desk_metrics}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(format_report(metrics))
    if region is not None:
        click.echo("")
        if desk_metrics is None:
            click.echo(f"{region.id}: belum ada koreksi desk untuk diukur.")
        else:
            click.echo(f"Koreksi desk {region.id}: {desk_count} artikel terbaru")
            click.echo(format_report(desk_metrics))


commands = [train, classify, evaluate]
