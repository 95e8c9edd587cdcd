"""Finds a region's offices, officials and places in article text.

Built from plain data (the region file's offices, officials and names, passed as dicts by
the caller) into an ``EntityRuler`` over spaCy's ``blank("id")`` tokenizer: office names,
abbreviations and head titles match case-insensitively ("Dinkes", "DPUPR", "Satpol PP"),
officials by name (with or without degrees). Place names are matched beside the ruler.

Not every mention says the story is about *this* region: "Dinkes" or "Kecamatan" occur in
every kabupaten's news, and a bare area name can be an ordinary word ("Taman" is both a
kecamatan of Pemalang and "park"). So mentions come in two strengths:

- strong: the region's own names ("Pemalang", "Pemkab Pemalang"), an area named as an
  area ("Kecamatan Taman"), an official's name;
- weak: an office name or abbreviation, an area name on its own.

:meth:`Gazetteer.mentions` says the story names the region when there is a strong mention,
or a weak one while no *other* kabupaten/kota/provinsi is named ("Kabupaten Brebes",
"Pemkot Tegal"). An office mention qualified by another region ("Dinkes Brebes") is
not this region's office. Titles of persons ("Bupati ...") are not used to spot other
regions: "Bupati Anom Widiyantoro" names a person, not a place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import EntityRuler

OFFICE_LABEL = "OPD"
OFFICIAL_LABEL = "PEJABAT"
AREA_WORDS = ("kecamatan", "kec", "kemantren", "distrik", "camat", "kapanewon")
# Words after which the press names a kabupaten/kota/provinsi: "Bupati Brebes", "Kota Tegal".
_QUALIFIER = r"(?:Kabupaten|Kab\.|Kota|Pemkab|Pemkot|Pemprov|Provinsi|Prov\.|DPRD|DPRK|Polres|Polresta|Kejari|Setda)"
_REGION_NAME = re.compile(
    _QUALIFIER + r"\s+(?:(?:Kabupaten|Kota|Kab\.|Provinsi)\s+)?([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
)
# Capitalised words that follow a qualifier without being a place.
_NOT_PLACES = {
    "kabupaten",
    "kota",
    "provinsi",
    "pemerintah",
    "daerah",
    "dinas",
    "badan",
    "setempat",
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "sabtu",
    "minggu",
    "madya",
    "administrasi",
    "ketua",
    "wakil",
    "anggota",
    "komisi",
    "fraksi",
    "nomor",
    "no",
}
_DEGREES = re.compile(r"^(?:(?:H|Hj|Dr|dr|Drs|Dra|Ir|Prof|KH|R|Rr|drg|Apt)\.?\s+)+")


@lru_cache(maxsize=1)
def tokenizer_pipeline() -> Language:
    """The Indonesian tokenizer, built once per process (its 16,000 special cases take seconds)."""
    return spacy.blank("id")


class GazetteerMatch(NamedTuple):
    """An office of the region found in text (an official counts for their office)."""

    office_key: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class RegionMentions:
    """Everything in one text that ties it to (or away from) the region."""

    offices: list[GazetteerMatch] = field(default_factory=list)
    officials: list[GazetteerMatch] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    bare_areas: list[str] = field(default_factory=list)
    other_regions: list[str] = field(default_factory=list)
    foreign_offices: list[GazetteerMatch] = field(default_factory=list)

    @property
    def strong(self) -> list[str]:
        return [*self.places, *(m.text for m in self.officials)]

    @property
    def weak(self) -> list[str]:
        return [*(m.text for m in self.offices), *self.bare_areas]

    @property
    def names_region(self) -> bool:
        return bool(self.strong) or (bool(self.weak) and not self.other_regions)

    def evidence(self) -> list[str]:
        """The mentions that decided :attr:`names_region`, distinct, in a readable order."""
        chosen = self.strong if self.strong else (self.weak if self.names_region else [])
        distinct: dict[str, str] = {}
        for mention in chosen:  # "PEMALANG" in a dateline and "Pemalang" are one mention
            distinct.setdefault(mention.casefold(), mention)
        return list(distinct.values())

    def office_keys(self) -> list[str]:
        """Offices of the region named in the text, most mentioned first."""
        matches = sorted([*self.offices, *self.officials], key=lambda m: m.start)
        counts = Counter(m.office_key for m in matches)
        first = {}
        for m in matches:
            first.setdefault(m.office_key, m.start)
        return sorted(counts, key=lambda k: (-counts[k], first[k]))


def _official_names(name: str) -> list[str]:
    """ "Dr. H. Budi Santoso, M.Si." → the full form and "Budi Santoso"."""
    plain = _DEGREES.sub("", name.split(",")[0].strip()).strip()
    return list(dict.fromkeys(n for n in (name.strip(), plain) if len(n) >= 3))


def _case_variants(name: str) -> list[str]:
    return list(dict.fromkeys((name, name.upper(), name.title())))


class Gazetteer:
    """Matcher for one region's offices, officials and places."""

    def __init__(
        self,
        offices: Iterable[Mapping],
        officials: Iterable[Mapping] = (),
        *,
        places: Iterable[str] = (),
        areas: Iterable[str] = (),
    ) -> None:
        self.nlp = tokenizer_pipeline()
        self.ruler = ruler = EntityRuler(
            self.nlp, name="kliping_gazetteer", phrase_matcher_attr="LOWER"
        )
        patterns = []
        self.office_names: dict[str, str] = {}
        for office in offices:
            key = office["key"]
            self.office_names[key] = office["name"]
            names = [office["name"], *office.get("aliases", [])]
            if office.get("head_title"):
                names.append(office["head_title"])
            for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
                patterns.append({"label": OFFICE_LABEL, "pattern": name, "id": key})
        for official in officials:
            for name in _official_names(official["name"]):
                patterns.append(
                    {"label": OFFICIAL_LABEL, "pattern": name, "id": official["office"]}
                )
            if official.get("title"):
                patterns.append(
                    {"label": OFFICE_LABEL, "pattern": official["title"], "id": official["office"]}
                )
        ruler.add_patterns(patterns)

        vocab = self.nlp.vocab
        self._places = PhraseMatcher(vocab, attr="LOWER")
        place_list = [p for p in dict.fromkeys(places) if p and p.strip()]
        self._places.add("PLACE", [self.nlp.make_doc(p) for p in place_list])
        area_list = [a for a in dict.fromkeys(areas) if a and a.strip()]
        self._bare_areas = PhraseMatcher(vocab, attr="ORTH")
        self._bare_areas.add(
            "AREA", [self.nlp.make_doc(v) for a in area_list for v in _case_variants(a)]
        )
        self._named_areas = Matcher(vocab)
        for area in area_list:
            tokens = [{"LOWER": t.lower_} for t in self.nlp.make_doc(area)]
            self._named_areas.add(
                "AREA",
                [[{"LOWER": {"IN": list(AREA_WORDS)}}, {"IS_PUNCT": True, "OP": "?"}, *tokens]],
            )
        self._own_words = {
            t.lower_
            for name in (*place_list, *area_list)
            for t in self.nlp.make_doc(name)
            if t.lower_ not in _NOT_PLACES and t.is_alpha
        }

    @classmethod
    def from_region_data(cls, region: Mapping) -> Gazetteer:
        """From a region file's data (``Region.model_dump()``): offices, officials, names, areas."""
        places = [
            region.get("name", ""),
            region.get("government", ""),
            *region.get("short_names", []),
        ]
        return cls(
            region.get("offices", []),
            region.get("officials", []),
            places=places,
            areas=region.get("areas", []),
        )

    def _doc(self, text: str):
        return self.ruler(self.nlp.make_doc(text or ""))

    def find(self, text: str) -> list[GazetteerMatch]:
        """Offices and officials named in ``text``, in order: ``(office_key, text, start, end)``."""
        doc = self._doc(text)
        return [GazetteerMatch(e.ent_id_, e.text, e.start_char, e.end_char) for e in doc.ents]

    def mentions(self, text: str) -> RegionMentions:
        text = text or ""
        doc = self._doc(text)
        others = self._other_regions(text)
        other_words = {name.split()[0].lower() for name in others}
        offices, officials, foreign = [], [], []
        for ent in doc.ents:
            match = GazetteerMatch(ent.ent_id_, ent.text, ent.start_char, ent.end_char)
            if ent.label_ == OFFICIAL_LABEL:
                officials.append(match)
            elif self._qualifier_after(doc, ent.end) in other_words:
                foreign.append(match)
            else:
                offices.append(match)
        places = [doc[s:e].text for _, s, e in self._places(doc)]
        # A region without areas has an empty matcher, which spaCy warns about on every call.
        named_spans = [(s, e) for _, s, e in self._named_areas(doc)] if len(self._named_areas) else []
        named = [doc[s:e].text for s, e in named_spans]
        bare = [
            doc[s:e].text
            for _, s, e in self._bare_areas(doc)
            if not any(ns <= s and e <= ne for ns, ne in named_spans)
            # "Taman kota itu ..." starts a sentence with an ordinary word.
            and not (s == 0 or doc[s - 1].text in {".", "!", "?", "\n"} or doc[s - 1].is_space)
        ]
        return RegionMentions(
            offices=offices,
            officials=officials,
            places=[*places, *named],
            bare_areas=bare,
            other_regions=others,
            foreign_offices=foreign,
        )

    def _other_regions(self, text: str) -> list[str]:
        """Other kabupaten/kota/provinsi named after a qualifier, one entry per first word.

        Headlines capitalise every word ("Pemkab Tegal Gelar Festival"), so of the forms
        seen for one place the shortest is kept ("Tegal"); two-word names ("Jawa Tengah")
        stay whole when that is the only form.
        """
        by_first: dict[str, str] = {}
        for m in _REGION_NAME.finditer(text):
            words = [w for w in m.group(1).split() if w.lower() not in _NOT_PLACES]
            if not words or words[0].lower() in self._own_words:
                continue
            name, first = " ".join(words), words[0].lower()
            if first not in by_first or len(name) < len(by_first[first]):
                by_first[first] = name
        return list(by_first.values())

    @staticmethod
    def _qualifier_after(doc, end: int) -> str:
        """The place word right after a span, skipping "Kabupaten"/"Kota"/"Provinsi"."""
        i = end
        while i < len(doc) and doc[i].lower_ in {
            "kabupaten",
            "kab",
            ".",
            "kota",
            "provinsi",
            "prov",
        }:
            i += 1
        return doc[i].lower_ if i < len(doc) else ""
