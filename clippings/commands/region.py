"""``kliping region``: list and check the region files a desk edits."""

from __future__ import annotations

import click

from clippings.regions import RegionError, available_regions, load_region


@click.group()
def region() -> None:
    """Daftar dan periksa berkas wilayah (regions/*.yaml)."""


@region.command("list")
def list_regions() -> None:
    """Tampilkan wilayah yang tersedia.

    Contoh: kliping region list
    """
    for region_id in available_regions():
        click.echo(region_id)


@region.command("check")
@click.argument("region_ids", nargs=-1)
def check(region_ids: tuple[str, ...]) -> None:
    """Validasi berkas wilayah; tanpa argumen, semua wilayah.

    Contoh: kliping region check kabupaten-pemalang regions/kota-yogyakarta.yaml
    """
    failed = 0
    for region_id in region_ids or available_regions():
        try:
            loaded = load_region(region_id)
        except RegionError as exc:
            failed += 1
            click.echo(str(exc), err=True)
            continue
        warnings = []
        if not loaded.signer.nip:
            warnings.append("NIP penandatangan kosong")
        if not loaded.sources:
            warnings.append("belum ada sumber berita")
        note = f" (peringatan: {'; '.join(warnings)})" if warnings else ""
        click.echo(f"{loaded.id}: OK, {len(loaded.offices)} kantor, {len(loaded.sources)} sumber{note}")
    if failed:
        raise click.ClickException(f"{failed} berkas wilayah tidak valid")


commands = [region]
