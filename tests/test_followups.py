"""Follow-ups: a signed sheet sends each action/clarification item to its offices once,
with a due date by urgency, and each answer, closing and reopening is audited."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.db import open_db
from clippings.followups import (
    FollowUpError,
    answer_follow_up,
    assign_follow_ups,
    close_follow_up,
    list_follow_ups,
    reopen_follow_up,
)
from clippings.regions import load_region

REGION_FILE = Path(__file__).resolve().parent / "regions" / "kota-contoh.yaml"
DAY = date(2024, 10, 4)

# key: (title, label printed on the sheet)
ARTICLES = {
    "jalan": ("Warga Keluhkan Jalan Berlubang di Dekat Pasar Kelurahan",
              {"sifat": "penting", "tindak_lanjut": "klarifikasi", "instansi": ["dpupr", "dlh"],
               "urusan": ["pekerjaan_umum"]}),
    "banjir": ("Banjir Rendam Permukiman di Tepi Sungai",
               {"sifat": "segera", "tindak_lanjut": "ditindaklanjuti", "instansi": [],
                "urusan": ["bencana"]}),
    "ppid": ("Pemkot Contoh Latih Petugas PPID",
             {"sifat": "biasa", "tindak_lanjut": "diketahui", "instansi": ["diskominfo"],
              "urusan": ["kominfo"]}),
    "sampah": ("Tumpukan Sampah di Depo Belum Diangkut Sepekan",
               {"sifat": "biasa", "tindak_lanjut": "ditindaklanjuti", "instansi": ["dlh"],
                "urusan": ["lingkungan_hidup"]}),
    "pasar": ("Pedagang Pasar Pertanyakan Jadwal Relokasi",
              {"sifat": "penting", "tindak_lanjut": "klarifikasi", "instansi": ["diskominfo"],
               "urusan": ["kominfo"]}),
}


@pytest.fixture
def region():
    return load_region(str(REGION_FILE))


def add_article(db, key: str, *, origin: str = "model", **overrides) -> tuple[int, int]:
    """Insert an article and one label; return (article id, label id)."""
    title, label = ARTICLES[key]
    url = f"https://warta-contoh.test/{key}"
    rows = list(db["articles"].rows_where("canonical_url = ?", [url]))
    if rows:
        article_id = rows[0]["id"]
    else:
        article_id = db["articles"].insert({
            "url": url, "canonical_url": url, "title": title, "body": f"Isi berita {title}.",
            "published": DAY.isoformat(), "publisher": "Warta Contoh",
            "content_hash": hashlib.sha256(key.encode()).hexdigest(),
            "fetched_at": "2024-10-04T06:00:00+00:00",
        }).last_pk
    label = {**label, **overrides}
    label_id = db["labels"].insert({
        "article_id": article_id, "region": "kota-contoh", "origin": origin, "relevant": 1,
        "nilai": "negatif", "sifat": label["sifat"], "tindak_lanjut": label["tindak_lanjut"],
        "instansi": json.dumps(label["instansi"]), "urusan": json.dumps(label["urusan"]),
        "created_at": "2024-10-04T07:00:00+00:00",
    }).last_pk
    return article_id, label_id


def add_sheet(db, items: list[tuple[int, int]], *, version: int = 1, status: str = "signed",
              previous_id: int | None = None) -> int:
    sheet_id = db["sheets"].insert({
        "region": "kota-contoh", "date": DAY.isoformat(), "version": version,
        "previous_id": previous_id, "status": status, "created_at": "2024-10-04T08:00:00+00:00",
        "signed_at": "2024-10-04T08:30:00+00:00" if status == "signed" else None,
    }).last_pk
    db["sheet_items"].insert_all(
        {"sheet_id": sheet_id, "position": n, "article_id": a, "label_id": lab}
        for n, (a, lab) in enumerate(items, start=1)
    )
    return sheet_id


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    database.items = {k: add_article(database, k) for k in ("jalan", "banjir", "ppid", "sampah")}  # type: ignore[attr-defined]
    database.sheet_id = add_sheet(database, list(database.items.values()))  # type: ignore[attr-defined]
    return database


def follow_ups(db) -> set[tuple[str, str, str, str, str]]:
    """(article title, office, tindak lanjut, due, status) of every follow-up."""
    return set(db.execute(
        "SELECT a.title, f.opd, f.tindak_lanjut, f.due, f.status "
        "FROM follow_ups f JOIN articles a ON a.id = f.article_id").fetchall())


def audit(db, action: str) -> list[dict]:
    return [dict(r, detail=json.loads(r["detail"]))
            for r in db["audit_log"].rows_where("action = ?", [action], order_by="id")]


def title(key: str) -> str:
    return ARTICLES[key][0]


def test_assign_creates_one_follow_up_per_office_with_due_dates_by_urgency(db, region):
    assert assign_follow_ups(db, region, db.sheet_id, by="rina") == 4
    assert follow_ups(db) == {
        # two offices on the label: two follow-ups; penting: 3 days
        (title("jalan"), "dpupr", "klarifikasi", "2024-10-07", "terbuka"),
        (title("jalan"), "dlh", "klarifikasi", "2024-10-07", "terbuka"),
        # no instansi: the office serving the urusan in the region file; segera: 1 day
        (title("banjir"), "bpbd", "ditindaklanjuti", "2024-10-05", "terbuka"),
        (title("sampah"), "dlh", "ditindaklanjuti", "2024-10-11", "terbuka"),
        # ppid is "diketahui": for information only, nothing to answer
    }
    assert {r["sheet_id"] for r in db["follow_ups"].rows} == {db.sheet_id}
    [log] = audit(db, "followup.assign")
    assert log["actor"] == "rina" and log["object_id"] == str(db.sheet_id)
    assert log["detail"]["created"] == 4


def test_due_days_can_be_changed_and_bad_ones_are_refused(db, region):
    assert assign_follow_ups(db, region, db.sheet_id, by="rina", due_days={"segera": 0}) == 4
    assert (title("banjir"), "bpbd", "ditindaklanjuti", "2024-10-04", "terbuka") in follow_ups(db)
    with pytest.raises(FollowUpError, match="sifat 'kilat' tidak dikenal"):
        assign_follow_ups(db, region, db.sheet_id, by="rina", due_days={"kilat": 1})


def test_assign_is_idempotent_across_runs_and_sheet_versions(db, region):
    assert assign_follow_ups(db, region, db.sheet_id, by="rina") == 4
    assert assign_follow_ups(db, region, db.sheet_id, by="rina") == 0
    assert db["follow_ups"].count == 4
    # Version 2 of the day's sheet: same stories (re-labelled by the desk) plus one new.
    v2_items = [add_article(db, "jalan", origin="desk"), db.items["banjir"], add_article(db, "pasar")]
    v2 = add_sheet(db, v2_items, version=2, previous_id=db.sheet_id)
    assert assign_follow_ups(db, region, v2, by="rina") == 1
    assert db["follow_ups"].count == 5
    [new] = db["follow_ups"].rows_where("sheet_id = ?", [v2])
    assert new["opd"] == "diskominfo" and new["article_id"] == v2_items[2][0]
    # The replaced version cannot send anything any more.
    with pytest.raises(FollowUpError, match="sudah diganti"):
        assign_follow_ups(db, region, db.sheet_id, by="rina")
    assert [log["detail"]["created"] for log in audit(db, "followup.assign")] == [4, 0, 1]


def test_the_label_printed_on_the_sheet_decides(db, region):
    # The model says "diketahui", the desk's label on the sheet says "ditindaklanjuti".
    add_article(db, "pasar", tindak_lanjut="diketahui")
    desk = add_article(db, "pasar", origin="desk", tindak_lanjut="ditindaklanjuti")
    sheet_id = add_sheet(db, [desk], version=2, previous_id=db.sheet_id)
    assert assign_follow_ups(db, region, sheet_id, by="rina") == 1
    [row] = db["follow_ups"].rows_where("article_id = ?", [desk[0]])
    assert row["tindak_lanjut"] == "ditindaklanjuti"


def test_office_missing_from_the_region_file_is_skipped_and_logged(db, region, caplog):
    item = add_article(db, "pasar", instansi=["dinas_hantu", "diskominfo"])
    sheet_id = add_sheet(db, [item], version=2, previous_id=db.sheet_id)
    assert assign_follow_ups(db, region, sheet_id, by="rina") == 1
    assert "dinas_hantu" in caplog.text
    assert audit(db, "followup.assign")[-1]["detail"]["skipped"]["instansi_tak_dikenal"] == 1


def test_draft_unknown_and_foreign_sheets_are_refused_without_writing(db, region):
    draft = add_sheet(db, [db.items["banjir"]], version=2, status="draft")
    with pytest.raises(FollowUpError, match="masih berstatus draft.*ditandatangani"):
        assign_follow_ups(db, region, draft, by="rina")
    with pytest.raises(FollowUpError, match="lembar no. 999 tidak ada"):
        assign_follow_ups(db, region, 999, by="rina")
    db["sheets"].update(db.sheet_id, {"region": "kota-lain"})
    with pytest.raises(FollowUpError, match="milik wilayah kota-lain"):
        assign_follow_ups(db, region, db.sheet_id, by="rina")
    with pytest.raises(FollowUpError, match="--by"):
        assign_follow_ups(db, region, draft, by=" ")
    assert db["follow_ups"].count == 0
    assert audit(db, "followup.assign") == []


def _id(db, key: str, opd: str) -> int:
    [row] = db["follow_ups"].rows_where("article_id = ? AND opd = ?", [db.items[key][0], opd])
    return row["id"]


def test_answer_close_and_reopen(db, region):
    assign_follow_ups(db, region, db.sheet_id, by="rina")
    fid = _id(db, "jalan", "dpupr")

    with pytest.raises(FollowUpError, match="hanya tindak lanjut yang sudah dijawab"):
        close_follow_up(db, fid, by="rina")
    with pytest.raises(FollowUpError, match="jawaban .* kosong"):
        answer_follow_up(db, fid, answer="  \n", by="rina")

    answered = answer_follow_up(db, fid, answer=" Perbaikan dimulai 7 Oktober. ", by="budi")
    assert (answered.status, answered.answer, answered.answered_by) == (
        "dijawab", "Perbaikan dimulai 7 Oktober.", "budi")
    assert answered.answered_at
    with pytest.raises(FollowUpError, match="berstatus dijawab; hanya tindak lanjut yang terbuka"):
        answer_follow_up(db, fid, answer="lagi", by="budi")

    closed = close_follow_up(db, fid, by="rina", note="cukup")
    assert closed.status == "selesai"
    with pytest.raises(FollowUpError, match="berstatus selesai"):
        close_follow_up(db, fid, by="rina", force=True)

    reopened = reopen_follow_up(db, fid, by="rina", note="belum ada jadwal", due=date(2024, 10, 10))
    assert (reopened.status, reopened.answer, reopened.due) == ("terbuka", None, date(2024, 10, 10))
    with pytest.raises(FollowUpError, match="sudah terbuka"):
        reopen_follow_up(db, fid, by="rina")

    [log] = audit(db, "followup.reopen")
    assert log["detail"]["previous_answer"] == "Perbaikan dimulai 7 Oktober."
    assert log["detail"]["from"] == "selesai" and log["detail"]["note"] == "belum ada jadwal"
    assert [r["detail"]["to"] for r in audit(db, "followup.answer") + audit(db, "followup.close")] == [
        "dijawab", "selesai"]
    assert audit(db, "followup.close")[0]["detail"]["note"] == "cukup"


def test_force_closes_an_unanswered_follow_up_and_unknown_ids_are_refused(db, region):
    assign_follow_ups(db, region, db.sheet_id, by="rina")
    fid = _id(db, "banjir", "bpbd")
    assert close_follow_up(db, fid, by="rina", force=True, note="berita keliru").status == "selesai"
    assert audit(db, "followup.close")[0]["detail"]["forced"] is True
    for action in (lambda: answer_follow_up(db, 999, answer="x", by="rina"),
                   lambda: close_follow_up(db, 999, by="rina"),
                   lambda: reopen_follow_up(db, 999, by="rina")):
        with pytest.raises(FollowUpError, match="tindak lanjut no. 999 tidak ada"):
            action()
    assert db["audit_log"].count_where("object_id = '999'") == 0


def test_list_filters_and_overdue(db, region):
    assign_follow_ups(db, region, db.sheet_id, by="rina")
    rows = list_follow_ups(db, "kota-contoh")
    assert [r.due for r in rows] == sorted(r.due for r in rows)
    assert rows[0].opd == "bpbd"
    assert {r.title for r in list_follow_ups(db, "kota-contoh", opd="dlh")} == {
        title("jalan"), title("sampah")}
    assert list_follow_ups(db, "kota-lain") == []

    # 6 October: only the flood (due the 5th) is late.
    assert [r.opd for r in list_follow_ups(db, "kota-contoh", overdue_on=date(2024, 10, 6))] == ["bpbd"]
    # 8 October: the road (due the 7th) too; a closed one never is.
    close_follow_up(db, _id(db, "banjir", "bpbd"), by="rina", force=True)
    late = list_follow_ups(db, "kota-contoh", overdue_on=date(2024, 10, 8))
    assert sorted(r.opd for r in late) == ["dlh", "dpupr"]
    # An answered one is still late until the desk closes it.
    answer_follow_up(db, _id(db, "jalan", "dlh"), answer="Sudah dicek.", by="budi")
    assert len(list_follow_ups(db, "kota-contoh", overdue_on=date(2024, 10, 8))) == 2
    assert [r.opd for r in list_follow_ups(db, "kota-contoh", status="dijawab")] == ["dlh"]
    assert [r.opd for r in list_follow_ups(db, "kota-contoh", status="selesai")] == ["bpbd"]
    with pytest.raises(FollowUpError, match="status 'tutup' tidak dikenal"):
        list_follow_ups(db, "kota-contoh", status="tutup")


def test_cli_round_trip(db_path, db, tmp_path):
    runner = CliRunner()
    base = ["--db", str(db_path)]
    region = ["--region", str(REGION_FILE)]

    draft = add_sheet(db, [db.items["banjir"]], version=2, status="draft")
    result = runner.invoke(cli, ["followup", "assign", str(draft), *base, *region, "--by", "rina"])
    assert result.exit_code == 1 and "masih berstatus draft" in result.output

    result = runner.invoke(cli, ["followup", "assign", str(db.sheet_id), *base, *region, "--by", "rina"])
    assert result.exit_code == 0, result.output
    assert "4 tindak lanjut baru dibuat" in result.output

    result = runner.invoke(cli, ["followup", "list", *base, *region, "--opd", "bpbd"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["No", "Tenggat", "Instansi"]
    assert len(lines) == 2
    assert "05 Oktober 2024" in lines[1] and "Badan Penanggulangan Bencana" in lines[1]
    assert "Untuk Ditindaklanjuti" in lines[1] and "Terbuka (terlambat)" in lines[1]
    fid = int(lines[1].split()[0])

    answer_file = tmp_path / "jawaban.txt"
    answer_file.write_text("Warga sudah dievakuasi ke balai kelurahan.\n", encoding="utf-8")
    result = runner.invoke(cli, ["followup", "answer", str(fid), *base, "--file", str(answer_file),
                                 "--by", "budi"])
    assert result.exit_code == 0, result.output
    assert db["follow_ups"].get(fid)["answer"] == "Warga sudah dievakuasi ke balai kelurahan."

    result = runner.invoke(cli, ["followup", "answer", str(fid), *base, "--text", "x",
                                 "--file", str(answer_file), "--by", "budi"])
    assert result.exit_code == 2 and "tepat satu" in result.output

    result = runner.invoke(cli, ["followup", "close", str(fid), *base, "--by", "rina"])
    assert result.exit_code == 0 and "Selesai" in result.output
    result = runner.invoke(cli, ["followup", "close", str(fid), *base, "--by", "rina"])
    assert result.exit_code == 1 and "berstatus selesai" in result.output

    result = runner.invoke(cli, ["followup", "list", *base, *region, "--status", "selesai"])
    assert "Selesai" in result.output and "(terlambat)" not in result.output
    result = runner.invoke(cli, ["followup", "list", *base, *region, "--terlambat"])
    assert result.exit_code == 0 and len(result.output.splitlines()) == 1 + 3
    assert "Perlu Klarifikasi" in result.output

    result = runner.invoke(cli, ["followup", "list", *base, *region, "--opd", "dinas_hantu"])
    assert result.exit_code == 2 and "dinas_hantu" in result.output

    result = runner.invoke(cli, ["followup", "reopen", str(fid), *base, "--by", "rina",
                                 "--due", "2024-10-09"])
    assert result.exit_code == 0 and "Terbuka" in result.output
    assert db["follow_ups"].get(fid)["due"] == "2024-10-09"
