"""The label scheme of ``LABELS.md``: the one vocabulary shared by training data, models,
the desk and the printed sheet."""

from __future__ import annotations

URUSAN: tuple[str, ...] = (
    "kepala_daerah", "sekretariat", "dprd", "pendidikan", "kesehatan", "pekerjaan_umum",
    "perumahan", "satpol_pp", "bencana", "sosial", "tenaga_kerja", "perempuan_anak",
    "pangan", "pertanahan", "lingkungan_hidup", "kependudukan", "desa",
    "keluarga_berencana", "perhubungan", "kominfo", "koperasi_umkm", "penanaman_modal",
    "pemuda_olahraga", "kebudayaan", "perpustakaan_arsip", "perikanan", "pariwisata",
    "pertanian", "perdagangan", "perindustrian", "keuangan", "kepegawaian", "perencanaan",
    "inspektorat", "kewilayahan", "air_minum", "kepolisian", "other",
)
NILAI: tuple[str, ...] = ("positif", "negatif", "netral")
SIFAT: tuple[str, ...] = ("biasa", "penting", "segera")
TINDAK_LANJUT: tuple[str, ...] = ("diketahui", "ditindaklanjuti", "klarifikasi")

# How each value is written on the memo sheet.
DISPLAY: dict[str, str] = {
    "positif": "Positif",
    "negatif": "Negatif",
    "netral": "Netral",
    "biasa": "Biasa",
    "penting": "Penting",
    "segera": "Segera",
    "diketahui": "Untuk Diketahui",
    "ditindaklanjuti": "Untuk Ditindaklanjuti",
    "klarifikasi": "Perlu Klarifikasi",
}
