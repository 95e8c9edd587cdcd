"""Generic names of Indonesian local-government offices, officials and their services,
mapped to the ``urusan`` keys of LABELS.md, as features of the urusan head.

The press names the office a story is about ("Dinas Kesehatan", "Dinkes", "Kepala Dinas
Pendidikan", "Satpol PP", "BPBD", "Puskesmas", "Polres" …) whatever the region, so a
count per urusan of these names carries over between regions where a region's own
directory (:mod:`classify.gazetteer`, built from the region file) cannot. The TF-IDF
blocks hold the same words one by one; grouped per urusan, the head learns the group
once, and where the name stands (title, lead, body) and which urusan is named first says
which office the story is mainly about.

The vocabulary is the project's own, written for this feature (issue 10). Terms are
lowercase and match whole words (a phrase matches its words in order). Abbreviations
that mean different offices in different regions ("DKP": food security or fisheries)
are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import compress

import numpy as np
import scipy.sparse as sp

OFFICE_PREFIX = "kantor:"
LEAD_CHARS = 1_000

TERMS: dict[str, tuple[str, ...]] = {
    "kepala_daerah": (
        "bupati", "wakil bupati", "wabup", "wali kota", "walikota", "wakil wali kota",
        "wawali", "gubernur", "wakil gubernur", "wagub", "penjabat bupati",
        "penjabat wali kota", "pj bupati", "pj wali kota", "pj walikota", "pj gubernur",
        "kepala daerah",
    ),
    "sekretariat": (
        "sekda", "sekretaris daerah", "setda", "bagian hukum", "bagian protokol",
        "prokopim", "bagian umum", "bagian tata pemerintahan", "bagian kesra",
        "bagian perekonomian", "asisten pemerintahan",
    ),
    "dprd": (
        "dprd", "dprk", "anggota dewan", "ketua dewan", "wakil ketua dewan", "fraksi",
        "pansus", "paripurna", "banggar", "bapemperda", "legislator", "legislatif",
        "raperda", "reses", "badan kehormatan",
    ),
    "pendidikan": (
        "dinas pendidikan", "disdik", "disdikbud", "disdikpora", "dindik", "dikbud",
        "sekolah", "kepala sekolah", "sd", "sdn", "smp", "smpn", "sma", "sman", "smk",
        "smkn", "madrasah", "paud", "tk", "guru", "siswa", "murid", "ppdb", "spmb",
        "pelajar", "dewan pendidikan",
    ),
    "kesehatan": (
        "dinas kesehatan", "dinkes", "puskesmas", "pustu", "rsud", "rumah sakit",
        "posyandu", "bpjs kesehatan", "nakes", "tenaga kesehatan", "dokter", "bidan",
        "perawat", "pasien", "imunisasi", "dbd", "demam berdarah", "tbc", "labkesda",
    ),
    "pekerjaan_umum": (
        "dinas pupr", "dpupr", "dputr", "dpu", "dpupkp", "dinas pu", "pupr",
        "pekerjaan umum", "bina marga", "sumber daya air", "psda", "bbws",
        "balai besar wilayah sungai", "jalan rusak", "jalan berlubang", "jembatan",
        "irigasi", "drainase", "saluran", "talud", "gorong-gorong", "betonisasi",
        "pengaspalan", "tanggul",
    ),
    "perumahan": (
        "disperkim", "dinas perumahan", "perkim", "dpkp", "dinas perkim", "rtlh",
        "rumah tidak layak huni", "bedah rumah", "penerangan jalan umum", "pju",
        "lampu jalan", "taman kota", "permukiman kumuh", "kawasan kumuh", "rusunawa",
    ),
    "satpol_pp": (
        "satpol pp", "satpol", "satuan polisi pamong praja", "pamong praja", "linmas",
        "pkl", "pedagang kaki lima", "penertiban", "ditertibkan", "tibum", "trantibum",
        "penegakan perda", "miras", "minuman keras", "gepeng",
    ),
    "bencana": (
        "bpbd", "badan penanggulangan bencana", "damkar", "pemadam kebakaran",
        "dinas pemadam", "basarnas", "tim sar", "sar gabungan", "tagana", "banjir",
        "longsor", "tanah longsor", "gempa", "puting beliung", "kebakaran", "pengungsi",
        "tanggap darurat", "bencana",
    ),
    "sosial": (
        "dinas sosial", "dinsos", "bansos", "bantuan sosial", "pkh",
        "program keluarga harapan", "bpnt", "blt", "dtks", "dtsen", "odgj", "panti",
        "pmks", "gelandangan", "pengemis", "warga miskin", "kemiskinan", "disabilitas",
        "lansia",
    ),
    "tenaga_kerja": (
        "disnaker", "disnakertrans", "dinas tenaga kerja", "dinas ketenagakerjaan",
        "disnakerin", "ump", "umk", "upah minimum", "pekerja migran", "bp2mi", "bp3mi",
        "bpjs ketenagakerjaan", "phk", "transmigrasi", "pencari kerja", "job fair",
        "bursa kerja", "balai latihan kerja", "blk", "buruh", "pengangguran",
    ),
    "perempuan_anak": (
        "dp3a", "dp3ap2kb", "dp3appkb", "dppppa", "pemberdayaan perempuan",
        "perlindungan anak", "kpai", "kpad", "uptd ppa", "p2tp2a", "kekerasan seksual",
        "kekerasan terhadap anak", "kekerasan terhadap perempuan", "kdrt",
        "kota layak anak", "kabupaten layak anak", "pernikahan dini", "perkawinan anak",
    ),
    "pangan": (
        "dinas ketahanan pangan", "ketahanan pangan", "dinas pangan", "bulog", "bapanas",
        "harga beras", "operasi pasar", "sembako", "cadangan pangan",
        "gerakan pangan murah", "pangan murah", "stok beras", "harga cabai",
        "minyak goreng", "spha",
    ),
    "pertanahan": (
        "bpn", "atr", "kantor pertanahan", "pertanahan", "sertifikat tanah", "ptsl",
        "sengketa tanah", "sengketa lahan", "pengadaan tanah", "ganti rugi lahan",
        "pembebasan lahan", "tanah kas desa", "redistribusi tanah", "mafia tanah",
    ),
    "lingkungan_hidup": (
        "dlh", "dlhk", "dinas lingkungan hidup", "lingkungan hidup", "sampah", "tpa",
        "tps", "tpst", "tps3r", "bank sampah", "pencemaran", "limbah", "amdal", "rth",
        "ruang terbuka hijau", "adipura", "polusi", "tercemar",
    ),
    "kependudukan": (
        "disdukcapil", "dukcapil", "dispendukcapil", "dinas kependudukan", "ktp",
        "e-ktp", "ktp-el", "ktp elektronik", "kartu keluarga", "akta kelahiran",
        "akta kematian", "ikd", "identitas kependudukan digital", "adminduk",
        "administrasi kependudukan", "kartu identitas anak", "perekaman",
    ),
    "desa": (
        "dpmd", "dispermades", "dpmpd", "dispermasdes", "dinas pemberdayaan masyarakat",
        "dana desa", "kepala desa", "kades", "pemdes", "pemerintah desa",
        "perangkat desa", "bumdes", "bumdesa", "alokasi dana desa", "pilkades",
        "apbdes", "musdes", "balai desa", "kantor desa", "bpd", "sekdes",
        "koperasi desa merah putih", "kopdes",
    ),
    "keluarga_berencana": (
        "bkkbn", "dppkb", "dinas pengendalian penduduk", "keluarga berencana", "stunting",
        "tpps", "akseptor", "kontrasepsi", "kb", "tim pendamping keluarga", "baduta",
        "bapak asuh anak stunting", "genting",
    ),
    "perhubungan": (
        "dishub", "dinas perhubungan", "terminal", "angkot", "angkutan umum", "parkir",
        "juru parkir", "jukir", "lalu lintas", "rambu", "uji kir", "bus", "apill",
        "traffic light", "lampu merah", "kemacetan", "macet", "trans jogja",
        "pelabuhan", "bandara",
    ),
    "kominfo": (
        "diskominfo", "kominfo", "diskominfotik", "diskominfosandi", "diskominfostandi",
        "dinas komunikasi", "ppid", "statistik", "bps", "persandian", "smart city",
        "command center", "hoaks", "hoax", "wifi", "internet", "keterbukaan informasi",
        "komisi informasi", "aplikasi", "website", "siaran pers", "media sosial",
    ),
    "koperasi_umkm": (
        "dinas koperasi", "diskop", "diskopukm", "dinkop", "dinkopukm", "diskumdag",
        "umkm", "ukm", "koperasi", "usaha mikro", "plut", "pelaku usaha", "bazar",
    ),
    "penanaman_modal": (
        "dpmptsp", "dpmpptsp", "dpmtsp", "dinas penanaman modal", "penanaman modal",
        "investasi", "investor", "mpp", "mal pelayanan publik", "perizinan",
        "izin usaha", "pbg", "imb", "oss", "nib", "kawasan ekonomi khusus",
    ),
    "pemuda_olahraga": (
        "dispora", "dinas pemuda", "kemenpora", "koni", "npci", "porprov", "popda",
        "porda", "stadion", "gor", "atlet", "olahraga", "knpi", "karang taruna",
        "turnamen", "sepak bola",
    ),
    "kebudayaan": (
        "dinas kebudayaan", "disbud", "kundha kabudayan", "cagar budaya", "kebudayaan",
        "budaya", "kesenian", "seniman", "festival", "tradisi", "museum", "keraton",
        "adat", "sendratari", "wayang",
    ),
    "perpustakaan_arsip": (
        "dinas perpustakaan", "dispusip", "dispusipda", "dpk", "perpustakaan",
        "perpusda", "arsip", "kearsipan", "literasi", "taman baca", "gemar membaca",
        "pojok baca",
    ),
    "perikanan": (
        "dinas perikanan", "diskanlut", "dislautkan", "nelayan", "tpi",
        "tempat pelelangan ikan", "perikanan", "budidaya ikan", "tambak", "benih ikan",
        "kelautan",
    ),
    "pariwisata": (
        "dinas pariwisata", "dispar", "disparbud", "disporapar", "dinporapar",
        "pariwisata", "wisata", "wisatawan", "destinasi", "objek wisata", "desa wisata",
        "pokdarwis", "homestay", "kunjungan wisata",
    ),
    "pertanian": (
        "dinas pertanian", "distan", "dispertan", "dispertanpangan", "dinpertan",
        "dispertanak", "dinas peternakan", "petani", "pupuk", "pupuk bersubsidi",
        "gapoktan", "poktan", "panen", "sawah", "penyuluh pertanian", "alsintan",
        "peternak", "ternak", "pmk", "antraks", "hewan kurban", "perkebunan", "hama",
    ),
    "perdagangan": (
        "disdag", "dinas perdagangan", "disperindag", "dindag", "disperindagkop",
        "pasar", "pedagang", "pasar tradisional", "pasar rakyat", "revitalisasi pasar",
        "metrologi", "tera ulang", "retribusi pasar", "minimarket", "toko modern",
        "kios",
    ),
    "perindustrian": (
        "dinas perindustrian", "disperin", "perindustrian", "industri", "ikm",
        "sentra industri", "kawasan industri", "pabrik",
    ),
    "keuangan": (
        "bpkad", "bpkpd", "bapenda", "bppkad", "bpkd", "bppd", "badan keuangan",
        "badan pendapatan", "apbd", "apbk", "apbd perubahan", "pad",
        "pendapatan asli daerah", "pajak daerah", "pbb", "pbb-p2", "retribusi", "bumd",
        "bank daerah", "anggaran", "silpa", "defisit", "kua-ppas", "lkpd", "wtp",
        "dana transfer", "dau", "dak", "tkd",
    ),
    "kepegawaian": (
        "bkpsdm", "bkppd", "badan kepegawaian", "asn", "pns", "pppk", "cpns",
        "honorer", "tenaga honorer", "aparatur sipil negara", "mutasi", "rotasi",
        "pelantikan", "jabatan pimpinan tinggi", "seleksi terbuka", "tpp",
        "netralitas asn", "pegawai",
    ),
    "perencanaan": (
        "bappeda", "bapperida", "bappelitbangda", "bappedalitbang", "musrenbang",
        "rpjmd", "rkpd", "rpjpd", "perencanaan pembangunan", "brida", "litbang",
        "rencana pembangunan",
    ),
    "inspektorat": (
        "inspektorat", "inspektur", "apip", "audit", "pengawasan internal",
        "zona integritas", "wbk", "wbbm", "sakip", "mcp", "survei penilaian integritas",
        "lhkpn", "reformasi birokrasi", "maladministrasi", "ombudsman",
    ),
    "kewilayahan": (
        "camat", "kecamatan", "lurah", "kelurahan", "kemantren", "mantri pamong praja",
        "kapanewon", "panewu", "distrik", "kantor kecamatan", "ketua rt", "ketua rw",
        "rt", "rw",
    ),
    "air_minum": (
        "pdam", "perumda air minum", "perumda tirta", "tirta", "air bersih", "air minum",
        "spam", "sambungan rumah", "pelanggan pdam", "krisis air", "distribusi air",
        "pipa",
    ),
    "kepolisian": (
        "polres", "polresta", "polrestabes", "polsek", "polda", "kapolres", "kapolresta",
        "kapolsek", "kapolda", "polisi", "kepolisian", "tni", "kodim", "koramil",
        "dandim", "danramil", "babinsa", "bhabinkamtibmas", "satlantas", "satreskrim",
        "forkopimda", "kamtibmas", "brimob",
    ),
}

KEYS: tuple[str, ...] = tuple(TERMS)
# Per urusan: log(1 + count) in the title, the lead and the whole body. A further column
# for the urusan named first did not help (5-fold CV inside train, model card).
PARTS = ("judul", "awal", "isi")


_TOKEN = re.compile(r"[\w-]+")


@lru_cache(maxsize=1)
def _matcher() -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """Per first word, the terms that start with it (longest first) and their urusan column.

    One dictionary lookup per word of the text: a regular expression alternating five
    hundred terms ran at about 1,000 articles/s, too slow beside the 500 articles/s the
    whole classifier must reach (issue 10).
    """
    column: dict[str, int] = {}
    for j, key in enumerate(KEYS):
        for term in TERMS[key]:
            column.setdefault(term, j)  # a term listed twice counts for its first urusan
    starts: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for term, j in column.items():
        words = tuple(term.split())
        starts.setdefault(words[0], []).append((words, j))
    for entries in starts.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return starts


def _columns(text: str) -> list[int]:
    """Urusan columns of the terms in ``text``, in order; a longer term wins over its start."""
    starts = _matcher()
    tokens = _TOKEN.findall(text.lower())
    found: list[int] = []
    end = 0  # tokens before this belong to a term already counted
    # Only the positions of words that start a term are visited in Python.
    for i in compress(range(len(tokens)), map(starts.get, tokens)):
        if i < end:
            continue
        for words, j in starts[tokens[i]]:
            if len(words) == 1 or tuple(tokens[i : i + len(words)]) == words:
                found.append(j)
                end = i + len(words)
                break
    return found


def office_names() -> list[str]:
    return [f"{OFFICE_PREFIX}{part}:{key}" for part in PARTS for key in KEYS]


def office_matrix(titles: Sequence[str], bodies: Sequence[str], weight: float) -> sp.csr_matrix:
    """(n_docs, 3 · n_urusan) features, scaled by ``weight`` against the TF-IDF blocks."""
    n = len(KEYS)
    out = np.zeros((len(titles), len(PARTS) * n), dtype=np.float32)
    for i, (title, body) in enumerate(zip(titles, bodies, strict=True)):
        in_lead = _columns(body[:LEAD_CHARS])
        rest = _columns(body[LEAD_CHARS:]) if len(body) > LEAD_CHARS else []
        for part, found in enumerate((_columns(title), in_lead, in_lead + rest)):
            for j in found:
                out[i, part * n + j] += 1
    return sp.csr_matrix(np.log1p(out) * weight)
