"""Option bundles shared by commands, so ``--db`` and ``--region`` mean the same everywhere."""

from __future__ import annotations

import os
from pathlib import Path

import click

from clippings.db import default_db_path
from clippings.regions import Region, RegionError, load_region


def db_option(func):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Berkas basis data SQLite (bawaan: $KLIPING_DB atau {default_db_path()}).",
    )(func)


def _load_region(ctx: click.Context, param: click.Parameter, value: str | None) -> Region | None:
    if value is None:
        return None
    try:
        return load_region(value)
    except RegionError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def region_option(required: bool = True):
    def decorator(func):
        return click.option(
            "--region",
            "region",
            required=required,
            callback=_load_region,
            help="Id wilayah (mis. kota-yogyakarta) atau path ke berkas YAML wilayah.",
        )(func)

    return decorator


def tsa_option(func):
    """``--tsa URL``: the timestamp authority that makes a signature PAdES B-T."""
    from clippings.tsa import TSA_TIMEOUT_SETTING, TSA_URL_SETTING

    return click.option(
        "--tsa", "tsa_url", default=None, metavar="URL",
        help=f"Server cap waktu RFC 3161 (TSA) yang menjamin waktu tanda tangan (PAdES B-T); bawaan: "
             f"${TSA_URL_SETTING}, lalu signer.tsa_url di berkas wilayah; tanpa keduanya tanpa cap "
             f"waktu. Batas tunggu ${TSA_TIMEOUT_SETTING} detik (bawaan 15). '--tsa none': tanda "
             f"tangan tanpa cap waktu walau TSA disetel (mis. saat server TSA mati).",
    )(func)


PASSWORD_ENV = "KLIPING_P12_PASSWORD"


def p12_password() -> str:
    """The signer's PKCS#12 password: ``KLIPING_P12_PASSWORD`` (unattended runs), else asked
    with the input hidden. Never an option, so it stays out of shell history and ``ps``."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = click.prompt("Kata sandi PKCS#12", hide_input=True)
    return password


def signing_trust_root_option(func):
    """``--trust-root`` of the commands that sign: roots the new signature must verify under."""
    return click.option(
        "--trust-root", "trust_roots", multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Sertifikat akar (PEM/DER) untuk memeriksa tanda tangan dan cap waktunya; "
             "bawaan: CA di dalam PKCS#12.",
    )(func)
