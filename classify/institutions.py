"""Names of public institutions as written in an article, without knowing the region.

``instansi_text`` of the LABELS.md record lists them ("Dinas PUPR Kabupaten Batang",
"Pemkab Pemalang", "BPBD"). When no region file is at hand (``kliping classify --jsonl``
without ``--region``) they are found by shape: a head word that opens the name of a
public body (Dinas, Badan, Pemkab, DPRD, RSUD, Puskesmas, BPBD …) followed by the
capitalised words of its name. A region's own offices are found by
:class:`classify.gazetteer.Gazetteer` instead.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.matcher import Matcher

from classify.gazetteer import tokenizer_pipeline

HEAD_WORDS = (
    # bodies
    "dinas",
    "badan",
    "kantor",
    "balai",
    "sekretariat",
    "inspektorat",
    "direktorat",
    "kementerian",
    "pemerintah",
    "pemkab",
    "pemkot",
    "pemprov",
    "pemda",
    "pemko",
    "pemdes",
    "dprd",
    "dprk",
    "dpr",
    "komisi",
    "kecamatan",
    "kelurahan",
    "kapanewon",
    "kemantren",
    "setda",
    "uptd",
    "upt",
    "rsud",
    "puskesmas",
    "pdam",
    "perumda",
    "bumd",
    "satpol",
    "satuan",
    "bpbd",
    "bappeda",
    "bapenda",
    "bkd",
    "bkpsdm",
    "bpkad",
    "bpkpd",
    "dpmptsp",
    "dinkes",
    "disdik",
    "disdikbud",
    "disdikpora",
    "dishub",
    "dinsos",
    "disnaker",
    "disdukcapil",
    "dukcapil",
    "diskominfo",
    "dlh",
    "dpupr",
    "dputr",
    "dpu",
    "disperkim",
    "disparbud",
    "dispar",
    "disperindag",
    "diskoperindag",
    "dispermades",
    "dpmd",
    "damkar",
    "kemendagri",
    "kemenkes",
    "kemendikbud",
    "kpk",
    "kpu",
    "bawaslu",
    "ombudsman",
    "bpk",
    "bpkp",
    "bpjs",
    "bulog",
    "bkkbn",
    "samsat",
    "polres",
    "polresta",
    "polrestabes",
    "polsek",
    "polda",
    "kejaksaan",
    "kejari",
    "kejati",
    "pengadilan",
    "kodim",
    "koramil",
    "forkopimda",
    "satgas",
    "satlantas",
    "linmas",
    "tagana",
    # office holders, named as the annotators wrote them ("Bupati Pemalang")
    "bupati",
    "wabup",
    "gubernur",
    "wali",
    "walikota",
    "camat",
    "lurah",
    "sekda",
    "menteri",
)
MAX_NAME_TOKENS = 6


_HEADS = set(HEAD_WORDS)


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    matcher = Matcher(tokenizer_pipeline().vocab)
    pattern = [
        {"LOWER": {"IN": list(HEAD_WORDS)}},
        {"TEXT": {"REGEX": r"^(?:[A-Z][\w.'-]*|dan|&)$"}, "OP": f"{{0,{MAX_NAME_TOKENS}}}"},
    ]
    matcher.add("INSTANSI", [pattern], greedy="LONGEST")
    return matcher


def _split(span) -> list:
    """ "Dinas Kesehatan dan Dinas Sosial" is two names; "Dinas Pemuda dan Olahraga" is one."""
    parts, start = [], 0
    for i, token in enumerate(span):
        if token.lower_ in {"dan", "&"} and i + 1 < len(span) and span[i + 1].lower_ in _HEADS:
            parts.append(span[start:i])
            start = i + 1
    parts.append(span[start:])
    return parts


def find_institutions(text: str) -> list[str]:
    """Distinct institution names in order of first mention."""
    doc = tokenizer_pipeline().make_doc(text or "")
    names = []
    for _, start, end in sorted(_matcher()(doc), key=lambda m: m[1]):
        for span in _split(doc[start:end]):
            while len(span) > 1 and span[-1].lower_ in {"dan", "&"}:
                span = span[:-1]
            if len(span) == 0 or (len(span) == 1 and span[0].is_lower):
                continue  # "dinas" alone in running text is no name
            names.append(span.text)
    return list(dict.fromkeys(names))
