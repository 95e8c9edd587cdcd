"""Local governments as described by ``regions/*.yaml``.

Office names change with every reorganisation (SOTK), so a region is data a desk edits,
not code. Loading validates the whole file and names the file, key and problem, because
the person fixing it is a desk clerk with a text editor.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from classify.labels import URUSAN

REGIONS_DIR = Path(__file__).resolve().parent.parent / "regions"


class RegionError(ValueError):
    """A region file that cannot be used, with the place of each problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signer(_Strict):
    title: str = Field(min_length=1, description='e.g. "Kepala"')
    name: str = Field(min_length=1, description="name with degrees, as printed")
    nip: str = ""
    place: str = Field(min_length=1, description='place written before the date, e.g. "Yogyakarta"')
    office: str = ""
    # RFC 3161 timestamp authority (e.g. the one issued with BSrE certificates): signatures
    # then carry a trusted time (PAdES B-T). KLIPING_TSA_URL and --tsa take precedence.
    tsa_url: str = ""

    @field_validator("tsa_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if value and (not value.startswith(("http://", "https://")) or any(c.isspace() for c in value)):
            raise ValueError(f"alamat server cap waktu harus diawali http:// atau https:// tanpa spasi: {value!r}")
        return value


class Office(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=3)
    aliases: list[str] = []
    urusan: list[str] = []
    head_title: str = ""

    @field_validator("urusan")
    @classmethod
    def _known_urusan(cls, value: list[str]) -> list[str]:
        unknown = [u for u in value if u not in URUSAN]
        if unknown:
            raise ValueError(
                f"urusan tidak dikenal: {', '.join(unknown)} (lihat LABELS.md untuk daftar kunci)"
            )
        return value


class Official(_Strict):
    name: str = Field(min_length=3)
    title: str = Field(min_length=3)
    office: str = Field(min_length=1, description="key of an office in this file")


OVERRIDE_KEYS = {"title", "body", "date", "remove"}


class Source(_Strict):
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    kind: Literal["online", "portal", "cetak"] = "online"
    feeds: list[str] = []
    sitemaps: list[str] = []
    wp_json: str = ""
    listing_pages: list[str] = []
    language: str = "id"
    # CSS selectors for a site trafilatura reads wrongly: title, body, date, remove.
    overrides: dict[str, str | list[str]] = {}

    @field_validator("overrides")
    @classmethod
    def _known_selectors(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        from cssselect import GenericTranslator, SelectorError

        unknown = sorted(set(value) - OVERRIDE_KEYS)
        if unknown:
            raise ValueError(
                f"kunci overrides tidak dikenal: {', '.join(unknown)}"
                f" (yang dikenal: {', '.join(sorted(OVERRIDE_KEYS))})"
            )
        for key, selectors in value.items():
            for selector in [selectors] if isinstance(selectors, str) else selectors:
                try:
                    GenericTranslator().css_to_xpath(selector)
                except SelectorError as exc:
                    raise ValueError(
                        f"overrides.{key}: {selector!r} bukan selektor CSS yang sah ({exc})"
                    ) from None
        return value


class Region(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=3, description='"Kota Yogyakarta"')
    government: str = Field(min_length=3, description='"Pemerintah Kota Yogyakarta"')
    short_names: list[str] = []
    area_kind: Literal["kecamatan", "kemantren", "distrik"] = "kecamatan"
    areas: list[str] = []
    signer: Signer
    offices: list[Office] = Field(min_length=1)
    officials: list[Official] = []
    sources: list[Source] = []
    # Times (signatures, corrections) are stored in UTC and shown in the region's own zone:
    # Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).
    timezone: str = "Asia/Jakarta"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"zona waktu tidak dikenal: {value} (mis. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)"
            ) from None
        return value

    @model_validator(mode="after")
    def _references(self) -> Region:
        keys = [o.key for o in self.offices]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"kunci kantor ganda: {', '.join(dupes)}")
        for official in self.officials:
            if official.office not in keys:
                raise ValueError(
                    f"pejabat {official.name!r} merujuk kantor {official.office!r} yang tidak ada di offices"
                )
        return self

    @cached_property
    def offices_by_key(self) -> dict[str, Office]:
        return {o.key: o for o in self.offices}

    def offices_for_urusan(self, urusan: str) -> list[Office]:
        """The offices that receive clippings about one government function, in file order."""
        return [o for o in self.offices if urusan in o.urusan]

    def names(self) -> list[str]:
        """Every way the press names this government or its territory."""
        return [self.name, self.government, *self.short_names, *self.areas]


def _format_error(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: berkas wilayah tidak valid"]
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(akar)"
        lines.append(f"  - {where}: {item['msg']}")
    return "\n".join(lines)


def load_region_file(path: str | Path) -> Region:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegionError(f"{path}: berkas wilayah tidak ditemukan") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        raise RegionError(f"{path}:{where} YAML rusak: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise RegionError(f"{path}: isi berkas harus berupa pemetaan (key: value), bukan {type(raw).__name__}")
    try:
        region = Region.model_validate(raw)
    except ValidationError as exc:
        raise RegionError(_format_error(path, exc)) from None
    if region.id != path.stem:
        raise RegionError(f"{path}: id {region.id!r} harus sama dengan nama berkas {path.stem!r}")
    return region


def available_regions(directory: Path = REGIONS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_region(region_id: str, directory: Path = REGIONS_DIR) -> Region:
    """Load a region by id (``kota-yogyakarta``) or by a path to its YAML file."""
    candidate = Path(region_id)
    if candidate.suffix in {".yaml", ".yml"}:
        return load_region_file(candidate)
    path = directory / f"{region_id}.yaml"
    if not path.exists():
        known = ", ".join(available_regions(directory)) or "(tidak ada)"
        raise RegionError(f"wilayah {region_id!r} tidak ada di {directory}; yang tersedia: {known}")
    return load_region_file(path)
