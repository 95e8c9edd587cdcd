"""Desk accounts made with ``kliping user``: what the administrator types and what is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.db import open_db
from clippings.users import UserError, authenticate, create_user, set_password

REGION = str(Path(__file__).resolve().parent / "regions" / "kota-contoh.yaml")
PASSWORD = "kopi-tubruk-pagi"


@pytest.fixture(autouse=True)
def no_password_in_env(monkeypatch):
    monkeypatch.delenv("KLIPING_PASSWORD", raising=False)


def run(db_path, *args, password: str | None = None, input: str | None = None):
    env = {"KLIPING_PASSWORD": password} if password else {}
    return CliRunner().invoke(cli, ["user", *args, "--db", str(db_path)], env=env, input=input)


def test_add_then_list_shows_the_account_and_stores_only_a_hash(db_path):
    result = run(db_path, "add", "Rina", "--name", "Rina Lestari", "--role", "meja", "--region", REGION,
                 password=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Akun rina dibuat: peran meja, wilayah kota-contoh." in result.output

    listing = run(db_path, "list")
    assert listing.exit_code == 0, listing.output
    assert listing.output.splitlines()[1].split() == ["rina", "meja", "kota-contoh", "-", "Rina", "Lestari"]
    assert PASSWORD not in listing.output

    row = next(open_db(db_path)["users"].rows)
    assert PASSWORD not in row["password_hash"]
    assert row["password_hash"].startswith("scrypt:")
    assert authenticate(open_db(db_path), "rina", PASSWORD)["username"] == "rina"
    audit = list(open_db(db_path)["audit_log"].rows_where("action = 'user.add'"))
    assert [a["object_id"] for a in audit] == ["rina"]
    assert PASSWORD not in json.dumps(audit)


def test_password_typed_twice_when_not_in_the_environment(db_path):
    result = run(db_path, "add", "sari", "--role", "admin", "--region", REGION,
                 input=f"{PASSWORD}\nketik-salah-sekali\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden while typed
    assert authenticate(open_db(db_path), "sari", PASSWORD) is not None


def test_duplicate_username_is_refused_and_the_first_account_kept(db_path):
    assert run(db_path, "add", "rina", "--role", "meja", "--region", REGION, password=PASSWORD).exit_code == 0
    again = run(db_path, "add", "RINA", "--role", "admin", "--region", REGION, password="sandi-lain-sekali")
    assert again.exit_code == 1
    assert "nama pengguna 'rina' sudah dipakai" in again.output
    rows = list(open_db(db_path)["users"].rows)
    assert [(r["username"], r["role"]) for r in rows] == [("rina", "meja")]
    assert authenticate(open_db(db_path), "rina", PASSWORD) is not None


@pytest.mark.parametrize("args,message", [
    (["--role", "redaktur", "--region", REGION], "peran 'redaktur' tidak dikenal; pilih salah satu: meja, kepala-opd, arsip, admin"),
    (["--role", "meja", "--region", "kota-tidak-ada"], "wilayah 'kota-tidak-ada' tidak ada di"),
    (["--role", "kepala-opd", "--region", REGION], "peran kepala-opd memerlukan --opd"),
    (["--role", "kepala-opd", "--region", REGION, "--opd", "dinsos"], "OPD 'dinsos' tidak ada di wilayah kota-contoh"),
])
def test_bad_role_region_or_office_is_named_and_nothing_stored(db_path, args, message):
    result = run(db_path, "add", "budi", *args, password=PASSWORD)
    assert result.exit_code == 1
    assert message in result.output
    assert open_db(db_path)["users"].count == 0


def test_short_password_and_bad_username_are_refused(db_path):
    short = run(db_path, "add", "budi", "--role", "meja", "--region", REGION, password="pendek")
    assert "kata sandi terlalu pendek: minimal 10 karakter" in short.output
    spaced = run(db_path, "add", "budi santoso", "--role", "meja", "--region", REGION, password=PASSWORD)
    assert "nama pengguna 'budi santoso' tidak sah" in spaced.output
    assert open_db(db_path)["users"].count == 0


def test_passwd_replaces_the_password(db_path):
    run(db_path, "add", "rina", "--role", "meja", "--region", REGION, password=PASSWORD)
    result = run(db_path, "passwd", "rina", input="teh-manis-sore\nteh-manis-sore\n")
    assert result.exit_code == 0, result.output
    assert "Kata sandi akun rina diganti." in result.output
    db = open_db(db_path)
    assert authenticate(db, "rina", "teh-manis-sore") is not None
    assert authenticate(db, "rina", PASSWORD) is None
    assert [a["action"] for a in db["audit_log"].rows_where("object_type = 'user'")] == ["user.add", "user.passwd"]


def test_passwd_for_an_unknown_account_fails_before_asking(db_path):
    result = run(db_path, "passwd", "hantu")
    assert result.exit_code == 1
    assert "nama pengguna 'hantu' tidak ada" in result.output
    assert "Kata sandi" not in result.output
    with pytest.raises(UserError, match="tidak ada"):
        set_password(open_db(db_path), "hantu", PASSWORD)


def test_authenticate_gives_none_for_wrong_password_or_unknown_name(db_path):
    db = open_db(db_path)
    create_user(db, "rina", password=PASSWORD, role="meja", region=REGION)
    assert authenticate(db, "rina", "salah-sandi-nya") is None
    assert authenticate(db, "tidak-ada", PASSWORD) is None
    assert authenticate(db, " Rina ", PASSWORD)["username"] == "rina"
