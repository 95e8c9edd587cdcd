"""Counts of cue words that move nilai, sifat and tindak lanjut: disaster, legal case,
complaint, accusation, achievement and plain-announcement vocabulary.

The TF-IDF blocks already hold these words one by one, but with 1,200 relevant training
articles most of them are rare: "longsor", "jebol" and "tanah bergerak" each occur a few
times, while "a disaster word in the headline" occurs hundreds of times. A count per
group lets the heads learn the group once. Counted separately in the title, the lead
(first 1,000 characters) and the whole body, plus complaint or accusation words inside
quotation marks (who is quoted complaining). The lists are the project's own, written
for this feature (issue 10); 5-fold cross-validation inside the training split chose
whether and how strongly they enter (see the model card).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

CUE_PREFIX = "isyarat:"
LEAD_CHARS = 1_000
# Per group: stems (matching inside a word, so "banjir" counts in "kebanjiran"; prefixes
# that drop a first consonant need their own stem: "ngeluh" for "mengeluhkan", "nuding"
# for "menuding"), whole words, and two-word phrases.
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "bencana": {
        "stems": (
            "banjir", "longsor", "kebakaran", "terbakar", "gempa", "erupsi", "tsunami",
            "kekeringan", "abrasi", "mengungsi", "pengungsi", "tewas", "hanyut", "tenggelam",
            "ambruk", "jebol", "roboh", "genangan", "tergenang",
        ),
        "words": (),
        "phrases": (
            "puting beliung", "angin kencang", "tanah bergerak", "korban jiwa",
            "meninggal dunia",
        ),
    },
    "hukum": {
        "stems": (
            "korupsi", "tersangka", "terdakwa", "kejari", "kejati", "kejaksaan", "penyidik",
            "ditahan", "ditangkap", "gratifikasi", "suap", "pungli", "penyelewengan",
            "penggelapan", "tipikor", "vonis", "dakwaan", "digeledah", "penggeledahan",
            "diperiksa", "markup",
        ),
        "words": ("ott", "kpk"),
        "phrases": ("tangkap tangan", "dilaporkan ke", "kerugian negara", "mark up"),
    },
    "keluhan": {
        "stems": (
            "keluh", "ngeluh", "protes", "kecewa", "kesal", "resah", "demonstra", "menuntut", "tuntutan",
            "mendesak", "didesak", "kritik", "sorot", "nyorot", "viral", "mangkrak", "terbengkalai",
            "berlubang", "antre", "pungutan", "menolak", "penolakan",
        ),
        "words": ("demo",),
        "phrases": ("unjuk rasa", "aksi massa", "rusak parah", "tak kunjung", "belum juga"),
    },
    "tuduhan": {
        "stems": (
            "tuding", "nuding", "tuduh", "nuduh", "bantah", "hoaks", "klarifikasi", "diduga", "dugaan", "fitnah",
            "arogan", "janggal", "dipertanyakan", "mempertanyakan", "somasi", "melapor",
        ),
        "words": ("hoax",),
        "phrases": ("hak jawab", "tidak transparan", "tak transparan"),
    },
    "positif": {
        "stems": (
            "prestasi", "penghargaan", "meraih", "juara", "apresiasi", "sukses", "berhasil",
            "meresmikan", "diresmikan", "peluncuran", "meluncurkan", "launching",
            "menyerahkan", "menyalurkan", "terbaik", "inovasi", "predikat", "adipura",
            "capaian", "peringkat",
        ),
        "words": ("raih", "wtp"),
        "phrases": (),
    },
    "pengumuman": {
        "stems": (
            "jadwal", "agenda", "sosialisasi", "rapat", "pendaftaran", "dibuka", "pengumuman",
            "imbauan", "mengimbau", "pelaksanaan", "rencana", "persiapan",
        ),
        "words": (),
        "phrases": ("akan digelar",),
    },
}
_WORD = re.compile(r"\w+")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{10,400})[\"“”]")
_QUOTED = ("keluhan", "tuduhan")
_PLACES = ("judul", "awal", "teks")
_PHRASES = {
    phrase: group for group, spec in GROUPS.items() for phrase in spec["phrases"]
}


class _GroupOf(dict):
    """word -> cue group (or None), filled on first sight of a word: news reuses its
    words, so nearly every lookup is one dictionary access in C."""

    limit = 300_000

    def __missing__(self, word: str) -> str | None:
        group = next(
            (
                name
                for name, spec in GROUPS.items()
                if word in spec["words"] or any(stem in word for stem in spec["stems"])
            ),
            None,
        )
        if len(self) >= self.limit:
            self.clear()
        self[word] = group
        return group


_GROUP_OF = _GroupOf()


def cue_names() -> list[str]:
    """Column names, in the order of :func:`cue_matrix`."""
    names = [f"{CUE_PREFIX}{group}@{place}" for group in GROUPS for place in _PLACES]
    return [*names, f"{CUE_PREFIX}keluhan_dikutip"]


def _counts(text: str) -> Counter:
    """Cue words and phrases per group in ``text``.

    Every step runs in C (``findall``, ``map`` over a cached function, ``Counter``,
    ``str.count``): the cues are computed for every article the desk sees.
    """
    text = text.lower()
    found = Counter(map(_GROUP_OF.__getitem__, _WORD.findall(text)))
    found.pop(None, None)
    for phrase, group in _PHRASES.items():
        found[group] += text.count(phrase)
    return found


def cue_row(title: str, body: str) -> list[float]:
    """One article's cue features (log-damped counts, so one long story does not dominate)."""
    in_title = _counts(title)
    in_lead = _counts(body[:LEAD_CHARS])
    in_body = in_lead + _counts(body[LEAD_CHARS:])
    row: list[float] = []
    for group in GROUPS:
        row += [min(in_title[group], 3), np.log1p(in_lead[group]), np.log1p(in_body[group])]
    quoted = 0
    for quote in _QUOTE.findall(body):
        found = _counts(quote)
        quoted += sum(found[g] for g in _QUOTED)
    row.append(np.log1p(quoted))
    return row


def cue_matrix(titles: Sequence[str], bodies: Sequence[str], weight: float) -> sp.csr_matrix:
    rows = [cue_row(t, b) for t, b in zip(titles, bodies, strict=True)]
    matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), len(cue_names()))
    return sp.csr_matrix(matrix * np.float32(weight))
