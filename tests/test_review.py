"""Desk decisions: picks, order, groups, edits and label overrides reach the sheet, the
crawled article and the model's label stay as they were, and every action is audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.db import open_db
from clippings.regions import load_region
from clippings.review import ReviewError, candidates, certainty, edit_item, pick, set_labels
from clippings.sheet import compose_sheet, render_html
from tests.test_sheet import ARTICLES, DAY, LONG_HEADLINE, REGION_FILE, add_article


@pytest.fixture
def region():
    return load_region(str(REGION_FILE))


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    database.ids = {key: add_article(database, key, f, label) for key, f, label in ARTICLES}  # type: ignore[attr-defined]
    return database


def audit(db, action: str) -> list[dict]:
    return [dict(r, detail=json.loads(r["detail"]))
            for r in db["audit_log"].rows_where("action = ?", [action], order_by="id")]


def test_migration_creates_desk_tables(db):
    assert {"desk_selections", "desk_items"} <= set(db.table_names())
    assert {"content_digest", "window_days"} <= set(db["sheets"].columns_dict)


def test_desk_label_is_a_new_row_and_the_model_row_stays(db, region):
    article = db.ids["ppid"]
    model_before = list(db["labels"].rows_where("article_id = ? AND origin = 'model'", [article]))
    label_id = set_labels(db, region, article, by="Rina", nilai="negatif", instansi=["dlh", "dpupr"])
    desk = db["labels"].get(label_id)
    assert (desk["origin"], desk["created_by"]) == ("desk", "Rina")
    assert desk["created_at"]
    # Not given: carried over from the model's decision.
    assert (desk["nilai"], desk["sifat"], desk["tindak_lanjut"]) == ("negatif", "biasa", "diketahui")
    assert json.loads(desk["instansi"]) == ["dlh", "dpupr"]
    assert list(db["labels"].rows_where("article_id = ? AND origin = 'model'", [article])) == model_before
    [entry] = audit(db, "label.set")
    assert entry["actor"] == "Rina" and entry["object_id"] == str(article)
    assert entry["detail"]["changed"]["nilai"] == "negatif"
    item = next(i for i in compose_sheet(db, region, DAY).items if i.article_id == article)
    assert [o.name for o in item.offices] == ["Dinas Lingkungan Hidup", "Dinas Pekerjaan Umum dan Penataan Ruang"]


def test_desk_can_mark_not_relevant(db, region):
    set_labels(db, region, db.ids["banjir"], by="Rina", relevant=False)
    assert db.ids["banjir"] not in [i.article_id for i in compose_sheet(db, region, DAY).items]


@pytest.mark.parametrize("kwargs, message", [
    ({"nilai": "buruk"}, "nilai 'buruk' tidak dikenal"),
    ({"instansi": ["dinas_khayalan"]}, "instansi dinas_khayalan tidak ada"),
    ({}, "tidak ada label yang diubah"),
])
def test_bad_label_values_are_refused_and_nothing_is_written(db, region, kwargs, message):
    labels_before = db["labels"].count
    with pytest.raises(ReviewError, match=message):
        set_labels(db, region, db.ids["ppid"], by="Rina", **kwargs)
    assert db["labels"].count == labels_before and db["audit_log"].count == 0


def test_unknown_article_and_missing_actor(db, region):
    with pytest.raises(ReviewError, match="artikel no. 999 tidak ada"):
        set_labels(db, region, 999, by="Rina", nilai="netral")
    with pytest.raises(ReviewError, match="--by"):
        pick(db, region, DAY, [db.ids["ppid"]], by=" ")


def test_certainty_reads_relevance_both_ways():
    assert certainty({"relevant": 0.03, "nilai": 0.9}) == pytest.approx(0.9)
    assert certainty({"relevant": 0.55, "nilai": 0.9}) == pytest.approx(0.55)
    assert certainty({}) is None


def test_candidates_put_the_doubtful_first(db, region):
    db["labels"].update(
        next(db["labels"].rows_where("article_id = ?", [db.ids["ppid"]]))["id"],
        {"scores": json.dumps({"relevant": 0.52, "nilai": 0.61}),
         "reasons": json.dumps({"relevant": ["kata 'PPID'"], "nilai": ["kata 'pelatihan'"]})})
    db["labels"].update(
        next(db["labels"].rows_where("article_id = ?", [db.ids["jalan"]]))["id"],
        {"scores": json.dumps({"relevant": 0.97, "nilai": 0.93})})
    set_labels(db, region, db.ids["banjir"], by="Rina", sifat="segera")
    rows = candidates(db, region, DAY)
    ids = [c.article_id for c in rows]
    # "lama" is outside the window; the desk-labelled flood story goes last.
    assert db.ids["lama"] not in ids
    assert ids.index(db.ids["ppid"]) < ids.index(db.ids["jalan"]) < ids.index(db.ids["banjir"])
    ppid = rows[ids.index(db.ids["ppid"])]
    assert ppid.certainty == pytest.approx(0.52)
    assert ppid.reasons == ("kata 'PPID'", "kata 'pelatihan'")
    assert rows[-1].origin == "desk"


def test_pick_orders_and_replaces_the_automatic_selection(db, region):
    ids = db.ids
    # The desk wants the football story (model: not relevant) and leaves out the flood.
    pick(db, region, DAY, [ids["sepakbola"], ids["ppid"], ids["jalan"]], by="Rina")
    sheet = compose_sheet(db, region, DAY)
    assert [i.article_id for i in sheet.items] == [ids["sepakbola"], ids["ppid"], ids["jalan"]]
    assert sheet.selection_id is not None
    auto = compose_sheet(db, region, DAY, automatic=True)
    assert ids["banjir"] in [i.article_id for i in auto.items]
    [entry] = audit(db, "selection.pick")
    assert entry["detail"]["articles"] == [ids["sepakbola"], ids["ppid"], ids["jalan"]]


def test_pick_refuses_duplicates_unknown_articles_and_groupings(db, region):
    with pytest.raises(ReviewError, match="lebih dari sekali: "):
        pick(db, region, DAY, [db.ids["ppid"], db.ids["ppid"]], by="Rina")
    with pytest.raises(ReviewError, match="tidak ada di basis data: 4040"):
        pick(db, region, DAY, [db.ids["ppid"], 4040], by="Rina")
    with pytest.raises(ReviewError, match="pengelompokan"):
        pick(db, region, DAY, [db.ids["ppid"]], by="Rina", group_by="media")
    assert db["desk_selections"].count == 0


def test_edits_print_on_the_sheet_but_the_article_stays_as_crawled(db, region):
    ids = db.ids
    pick(db, region, DAY, [ids["jalan"], ids["ppid"]], by="Rina")
    edit_item(db, region.id, DAY, ids["jalan"], by="Budi", headline="Jalan Berlubang di Tiga Kelurahan",
              rubric="Infrastruktur", caption="Foto: jalan rusak.", note="DPUPR sudah dihubungi.")
    html = render_html(compose_sheet(db, region, DAY))
    assert "Jalan Berlubang di Tiga Kelurahan" in html and LONG_HEADLINE not in html
    assert "INFRASTRUKTUR" in html and "Foto: jalan rusak." in html
    assert '<span class="note-label">Catatan:</span> DPUPR sudah dihubungi.' in html
    article = db["articles"].get(ids["jalan"])
    assert (article["title"], article["rubric"]) == (LONG_HEADLINE, "Kota")
    [entry] = audit(db, "selection.edit")
    assert entry["actor"] == "Budi"
    assert entry["detail"]["before"]["headline"] is None
    assert entry["detail"]["after"]["headline"] == "Jalan Berlubang di Tiga Kelurahan"
    # An empty value goes back to the crawled text; re-picking keeps edits of kept items.
    edit_item(db, region.id, DAY, ids["jalan"], by="Budi", headline="")
    pick(db, region, DAY, [ids["ppid"], ids["jalan"]], by="Rina")
    item = next(i for i in compose_sheet(db, region, DAY).items if i.article_id == ids["jalan"])
    assert item.title == LONG_HEADLINE and item.note == "DPUPR sudah dihubungi."


def test_edit_needs_the_article_on_the_pick(db, region):
    with pytest.raises(ReviewError, match="belum dipilih"):
        edit_item(db, region.id, DAY, db.ids["ppid"], by="Rina", note="x")


def test_group_by_nilai_prints_headings_on_cover_and_pages(db, region):
    ids = db.ids
    pick(db, region, DAY, [ids["ppid"], ids["jalan"], ids["banjir"]], by="Rina", group_by="nilai")
    sheet = compose_sheet(db, region, DAY)
    # Negative first; within a group the desk's order.
    assert [(i.article_id, i.group, i.group_start) for i in sheet.items] == [
        (ids["jalan"], "Negatif", True), (ids["banjir"], "Negatif", False), (ids["ppid"], "Positif", True),
    ]
    html = render_html(sheet)
    assert html.count('<tr class="group"><td colspan="6">Negatif</td></tr>') == 1
    assert html.count('<p class="group-heading">Positif</p>') == 1
    assert html.index("group-heading\">Negatif") < html.index("group-heading\">Positif")


def test_group_by_instansi_follows_the_region_office_order(db, region):
    ids = db.ids
    pick(db, region, DAY, [ids["banjir"], ids["ppid"], ids["jalan"]], by="Rina", group_by="instansi")
    groups = [i.group for i in compose_sheet(db, region, DAY).items]
    order = [o.name for o in region.offices]
    assert groups == sorted(groups, key=order.index)
    assert groups[0] == "Dinas Komunikasi, Informatika dan Statistik"


def test_cli_review_round_trip(db_path, db, region):
    runner = CliRunner()
    base = ["--db", str(db_path)]
    listed = runner.invoke(cli, ["review", "list", *base, "--region", str(REGION_FILE), "--date", "2024-10-04"])
    assert listed.exit_code == 0, listed.output
    assert "Banjir Setinggi Lutut" in listed.output and "Berita Pekan Lalu" not in listed.output
    ids = db.ids
    result = runner.invoke(cli, ["review", "set", str(ids["ppid"]), *base, "--region", str(REGION_FILE),
                                 "--nilai", "netral", "--instansi", "diskominfo,dlh", "--by", "Rina"])
    assert result.exit_code == 0, result.output
    assert "netral" in result.output
    bad = runner.invoke(cli, ["review", "set", str(ids["ppid"]), *base, "--region", str(REGION_FILE),
                              "--instansi", "entah", "--by", "Rina"])
    assert bad.exit_code != 0 and "instansi entah tidak ada" in bad.output
    result = runner.invoke(cli, ["review", "pick", str(ids["ppid"]), str(ids["banjir"]), *base,
                                 "--region", str(REGION_FILE), "--date", "2024-10-04",
                                 "--group-by", "nilai", "--by", "Rina"])
    assert result.exit_code == 0, result.output
    assert "2 kliping" in result.output
    result = runner.invoke(cli, ["review", "edit", str(ids["banjir"]), *base, "--date", "2024-10-04",
                                 "--note", "BPBD sudah di lokasi", "--by", "Budi"])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(cli, ["review", "edit", str(ids["jalan"]), *base, "--date", "2024-10-04",
                                  "--note", "x", "--by", "Budi"])
    assert missing.exit_code != 0 and "belum dipilih" in missing.output
    sheet = compose_sheet(db, region, date(2024, 10, 4))
    assert [i.article_id for i in sheet.items] == [ids["banjir"], ids["ppid"]]
    assert sheet.items[0].note == "BPBD sudah di lokasi"
    assert [r["action"] for r in db["audit_log"].rows_where(order_by="id")] == [
        "label.set", "selection.pick", "selection.edit"]


def test_desk_may_pick_an_article_the_model_has_not_labelled(db, region, caplog):
    article_id = db["articles"].insert({
        "url": "https://warta-contoh.test/baru", "canonical_url": "https://warta-contoh.test/baru",
        "title": "Berita Baru Belum Berlabel", "body": "Isi berita baru.", "published": "2024-10-04",
        "content_hash": "belum-berlabel",
    }).last_pk
    pick(db, region, DAY, [article_id], by="Rina")
    [item] = compose_sheet(db, region, DAY).items
    assert item.label_id is None and item.nilai == ""
    assert [o.name for o in item.offices] == ["Belum ditentukan"]
    assert "belum berlabel" in caplog.text
    assert "Berita Baru Belum Berlabel" in render_html(compose_sheet(db, region, DAY))
