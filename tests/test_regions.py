"""Region files are edited by desk staff: a mistake must be reported with file, key and problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from clippings.cli import cli
from clippings.regions import RegionError, available_regions, load_region, load_region_file

MINIMAL = """\
id: {id}
name: Kabupaten Contoh
government: Pemerintah Kabupaten Contoh
signer:
  title: Kepala
  name: Budi Santoso, S.Kom.
  nip: "19700101 199501 1 001"
  place: Contoh
offices:
  - key: dinkes
    name: Dinas Kesehatan
    aliases: [Dinkes]
    urusan: [kesehatan]
"""


def write(tmp_path: Path, text: str, name: str = "kabupaten-contoh") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("region_id", ["kota-yogyakarta", "kabupaten-pemalang"])
def test_shipped_regions_load_with_signer_and_offices(region_id):
    region = load_region(region_id)
    assert region.signer.title == "Kepala"
    assert region.offices_for_urusan("kominfo"), "every region needs an office for kominfo"
    assert region.offices_for_urusan("kesehatan")
    # Every urusan that the model can predict should reach some office of the region,
    # otherwise a clipping would have nobody to send it to.
    keys = {u for office in region.offices for u in office.urusan}
    assert {"pekerjaan_umum", "bencana", "kepala_daerah", "dprd", "air_minum"} <= keys


def test_available_regions_lists_shipped_files():
    assert {"kota-yogyakarta", "kabupaten-pemalang"} <= set(available_regions())


def test_minimal_region_loads(tmp_path):
    region = load_region_file(write(tmp_path, MINIMAL.format(id="kabupaten-contoh")))
    assert region.offices_by_key["dinkes"].name == "Dinas Kesehatan"


def test_unknown_urusan_names_file_and_key(tmp_path):
    path = write(tmp_path, MINIMAL.format(id="kabupaten-contoh").replace("[kesehatan]", "[kesehatann]"))
    with pytest.raises(RegionError) as err:
        load_region_file(path)
    message = str(err.value)
    assert str(path) in message
    assert "offices.0.urusan" in message
    assert "kesehatann" in message


def test_region_time_zone_defaults_to_wib_and_is_checked(tmp_path):
    text = MINIMAL.format(id="kabupaten-contoh")
    assert load_region_file(write(tmp_path, text)).timezone == "Asia/Jakarta"
    wita = load_region_file(write(tmp_path, text + "timezone: Asia/Makassar\n"))
    assert wita.timezone == "Asia/Makassar"
    with pytest.raises(RegionError, match="timezone: .*zona waktu tidak dikenal: Asia/Bandung"):
        load_region_file(write(tmp_path, text + "timezone: Asia/Bandung\n"))


def test_missing_signer_block_is_named(tmp_path):
    text = MINIMAL.format(id="kabupaten-contoh")
    text = text.split("signer:")[0] + "offices:" + text.split("offices:")[1]
    with pytest.raises(RegionError, match=r"signer: Field required"):
        load_region_file(write(tmp_path, text))


def test_broken_yaml_reports_line(tmp_path):
    path = write(tmp_path, MINIMAL.format(id="kabupaten-contoh") + "  - key: [unclosed\n")
    with pytest.raises(RegionError, match=r"baris \d+"):
        load_region_file(path)


def test_id_must_match_file_name(tmp_path):
    with pytest.raises(RegionError, match="nama berkas"):
        load_region_file(write(tmp_path, MINIMAL.format(id="kabupaten-lain")))


def test_official_must_point_to_an_office(tmp_path):
    text = MINIMAL.format(id="kabupaten-contoh") + (
        "officials:\n  - {name: Siti Aminah, title: Bupati Contoh, office: bupati}\n"
    )
    with pytest.raises(RegionError, match="bupati"):
        load_region_file(write(tmp_path, text))


def test_typo_in_key_is_rejected(tmp_path):
    text = MINIMAL.format(id="kabupaten-contoh").replace("government:", "goverment:")
    with pytest.raises(RegionError, match="goverment"):
        load_region_file(write(tmp_path, text))


def test_region_check_command_reports_bad_file(tmp_path):
    bad = write(tmp_path, MINIMAL.format(id="kabupaten-contoh").replace("[kesehatan]", "[x]"))
    result = CliRunner().invoke(cli, ["region", "check", str(bad), "kota-yogyakarta"])
    assert result.exit_code == 1
    assert "kota-yogyakarta: OK" in result.output
    assert "offices.0.urusan" in result.output
