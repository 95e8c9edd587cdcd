"""The gazetteer finds a region's offices, officials and places in running text."""

from __future__ import annotations

import pytest

from classify.gazetteer import Gazetteer
from clippings.regions import Region

# A made-up kabupaten; names of people are invented.
REGION = {
    "id": "kabupaten-sukamaju",
    "name": "Kabupaten Sukamaju",
    "government": "Pemerintah Kabupaten Sukamaju",
    "short_names": ["Pemkab Sukamaju", "Sukamaju"],
    "areas": ["Cibiru", "Taman", "Karangsari"],
    "signer": {"title": "Kepala", "name": "Rina Marlina", "place": "Sukamaju"},
    "offices": [
        {
            "key": "dinkes",
            "name": "Dinas Kesehatan",
            "aliases": ["Dinkes"],
            "urusan": ["kesehatan"],
            "head_title": "Kepala Dinas Kesehatan",
        },
        {
            "key": "dpupr",
            "name": "Dinas Pekerjaan Umum dan Penataan Ruang",
            "aliases": ["DPUPR", "Dinas PUPR"],
            "urusan": ["pekerjaan_umum"],
        },
        {
            "key": "satpolpp",
            "name": "Satuan Polisi Pamong Praja",
            "aliases": ["Satpol PP"],
            "urusan": ["satpol_pp"],
        },
        {
            "key": "bpbd",
            "name": "Badan Penanggulangan Bencana Daerah",
            "aliases": ["BPBD"],
            "urusan": ["bencana"],
        },
        {
            "key": "disdukcapil",
            "name": "Dinas Kependudukan dan Pencatatan Sipil",
            "aliases": ["Disdukcapil"],
            "urusan": ["kependudukan"],
        },
        {"key": "bupati", "name": "Bupati Sukamaju", "urusan": ["kepala_daerah"]},
    ],
    "officials": [
        {"name": "H. Darmawan Saputra, S.E., M.M.", "title": "Bupati Sukamaju", "office": "bupati"},
        {"name": "dr. Siti Rahayu, M.Kes.", "title": "Kepala Dinas Kesehatan", "office": "dinkes"},
    ],
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    region = Region.model_validate(REGION)
    return Gazetteer.from_region_data(region.model_dump())


def test_finds_offices_abbreviations_and_officials(gazetteer):
    text = (
        "Petugas SATPOL PP bersama BPBD dan dinkes membersihkan sisa banjir. Menurut Siti Rahayu, "
        "warga yang kehilangan KTP diminta datang ke Disdukcapil, sedangkan Dinas Pekerjaan Umum "
        "dan Penataan Ruang (DPUPR) memperbaiki tanggul."
    )
    found = gazetteer.find(text)
    assert [(m.office_key, m.text) for m in found] == [
        ("satpolpp", "SATPOL PP"),
        ("bpbd", "BPBD"),
        ("dinkes", "dinkes"),
        ("dinkes", "Siti Rahayu"),
        ("disdukcapil", "Disdukcapil"),
        ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
        ("dpupr", "DPUPR"),
    ]
    for _key, matched, start, end in found:
        assert text[start:end] == matched


def test_official_with_degrees_and_head_title(gazetteer):
    found = gazetteer.find(
        "Kepala Dinas Kesehatan dr. Siti Rahayu, M.Kes. hadir bersama H. Darmawan Saputra."
    )
    assert [(m.office_key, m.text) for m in found] == [
        ("dinkes", "Kepala Dinas Kesehatan"),
        ("dinkes", "dr. Siti Rahayu, M.Kes."),
        ("bupati", "Darmawan Saputra"),  # degrees dropped: the name alone still matches
    ]


def test_story_naming_the_region_or_its_people(gazetteer):
    mentions = gazetteer.mentions(
        "Bupati Darmawan Saputra meninjau jalan rusak di Kecamatan Taman bersama DPUPR dan Dinkes Sukamaju."
    )
    assert mentions.names_region
    assert "Kecamatan Taman" in mentions.places and "Sukamaju" in mentions.places
    assert mentions.office_keys()[0] in {"bupati", "dpupr"}
    assert set(mentions.office_keys()) == {"bupati", "dpupr", "dinkes"}
    assert mentions.other_regions == []


def test_story_about_another_region_does_not_name_this_one(gazetteer):
    mentions = gazetteer.mentions(
        "Dinas Kesehatan Kabupaten Brebes bersama BPBD Brebes melakukan pengasapan setelah kasus DBD naik."
    )
    assert not mentions.names_region
    assert mentions.other_regions == ["Brebes"]
    assert [m.office_key for m in mentions.foreign_offices] == ["dinkes", "bpbd"]
    assert mentions.office_keys() == []


def test_generic_office_word_counts_only_without_another_region(gazetteer):
    assert gazetteer.mentions(
        "Dinkes mengimbau warga menguras bak mandi seminggu sekali."
    ).names_region
    assert not gazetteer.mentions(
        "Dinkes Pemkot Tegal mengimbau warga menguras bak mandi."
    ).names_region


def test_area_that_is_an_ordinary_word(gazetteer):
    # "Taman" is an area of this region and the word for "park".
    assert not gazetteer.mentions(
        "Taman kota itu ramai. Warga Kota Bandung berolahraga."
    ).names_region
    weak = gazetteer.mentions("Warga Taman mengeluhkan lampu jalan yang padam.")
    assert weak.bare_areas == ["Taman"] and weak.names_region
