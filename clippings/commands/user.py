"""``kliping user``: desk accounts for the web app."""

from __future__ import annotations

import os
from pathlib import Path

import click

from clippings.commands.options import db_option
from clippings.db import open_db
from clippings.users import ROLES, UserError, create_user, list_users, set_password, user_exists

PASSWORD_SETTING = "KLIPING_PASSWORD"


def _password() -> str:
    """From the environment (scripts) or typed twice, never from an argument, which
    would stay in the shell history and the process list."""
    if os.environ.get(PASSWORD_SETTING):
        return os.environ[PASSWORD_SETTING]
    return click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")


@click.group()
def user() -> None:
    """Akun petugas untuk aplikasi web (masuk di /masuk)."""


@user.command("add")
@click.argument("username")
@click.option("--name", default=None, help="Nama lengkap petugas.")
@click.option("--role", required=True,
              help="Peran: " + "; ".join(f"{key} = {text}" for key, text in ROLES.items()) + ".")
@click.option("--region", required=True,
              help="Id wilayah (mis. kabupaten-pemalang) atau path ke berkas YAML wilayah.")
@click.option("--opd", default=None, help="Kunci kantor di berkas wilayah (wajib untuk kepala-opd).")
@db_option
def add(username: str, name: str | None, role: str, region: str, opd: str | None,
        db_path: Path | None) -> None:
    """Buat akun petugas. Kata sandi (minimal 10 karakter) dari $KLIPING_PASSWORD,
    atau diketik dua kali tanpa ditampilkan.

    Contoh: kliping user add rina --name "Rina Lestari" --role meja --region kabupaten-pemalang
    """
    db = open_db(db_path)
    if user_exists(db, username):  # before asking for a password that would be thrown away
        raise click.ClickException(f"nama pengguna {username.strip().lower()!r} sudah dipakai")
    try:
        row = create_user(db, username, password=_password(), role=role, region=region,
                          name=name, opd=opd)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Akun {row['username']} dibuat: peran {row['role']}, wilayah {row['region']}"
               + (f", OPD {row['opd']}" if row["opd"] else "") + ".")


@user.command("list")
@db_option
def list_command(db_path: Path | None) -> None:
    """Daftar akun petugas (tanpa kata sandi).

    Contoh: kliping user list --db var/demo/kliping.db
    """
    rows = list_users(open_db(db_path))
    if not rows:
        click.echo("Belum ada akun. Buat dengan: kliping user add NAMA --role meja --region WILAYAH")
        return
    click.echo(f"{'Pengguna':<16} {'Peran':<11} {'Wilayah':<22} {'OPD':<12} Nama")
    for row in rows:
        click.echo(f"{row['username']:<16} {row['role']:<11} {row['region'] or '-':<22} "
                   f"{row['opd'] or '-':<12} {row['name'] or '-'}")


@user.command("passwd")
@click.argument("username")
@db_option
def passwd(username: str, db_path: Path | None) -> None:
    """Ganti kata sandi akun; sesi yang masuk dengan kata sandi lama berakhir.

    Contoh: kliping user passwd rina
    """
    db = open_db(db_path)
    if not user_exists(db, username):
        raise click.ClickException(f"nama pengguna {username!r} tidak ada")
    try:
        set_password(db, username, _password())
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Kata sandi akun {username} diganti.")


commands = [user]
