"""A news page laid out so the default extraction gets it wrong: the headline is not in
<h1> (the logo is), the text is a run of bare <div> lines beside a longer reader-letters
block, an advert sits inside the text, and the date is only in a widget."""

from __future__ import annotations

TITLE = "Warga Ampelgading Gotong Royong Bersihkan Saluran Irigasi"
LINES = [
    "AMPELGADING - Ratusan warga dari empat desa di Kecamatan Ampelgading bergotong royong membersihkan saluran irigasi yang tersumbat sampah dan lumpur sejak musim hujan lalu.",
    "Camat Ampelgading mengatakan kegiatan ini digelar karena air tidak lagi sampai ke sawah di ujung saluran, sehingga sebagian petani terpaksa menunda masa tanam.",
    "Dinas Pekerjaan Umum meminjamkan dua alat berat untuk mengangkat lumpur di bagian saluran yang paling dangkal, sementara warga membersihkan sampah di pintu air.",
]
ADVERT = "Pasang iklan Anda di sini, hubungi bagian pemasaran kami sekarang juga."
LETTERS = [
    "Surat pembaca: Saya ingin menyampaikan keluhan tentang lampu penerangan jalan di depan rumah saya yang sudah mati selama tiga bulan dan belum juga diperbaiki oleh petugas.",
    "Surat pembaca: Kami warga perumahan di pinggir kota berharap angkutan umum kembali beroperasi pada malam hari karena banyak pekerja pabrik pulang larut.",
    "Surat pembaca: Terima kasih kepada petugas kebersihan yang setiap pagi menyapu pasar, namun tempat sampah di sisi timur pasar perlu ditambah agar tidak meluber.",
    "Surat pembaca: Mohon perhatian dinas terkait tentang jembatan kecil di desa kami yang pagarnya sudah patah dan membahayakan anak-anak yang berangkat sekolah.",
]


def page(*, text_class: str = "isi-berita") -> str:
    lines = "".join(f'<div class="baris">{line}</div>' for line in LINES[:2])
    lines += f'<div class="iklan-sisip">{ADVERT}</div>'
    lines += "".join(f'<div class="baris">{line}</div>' for line in LINES[2:])
    letters = "".join(f"<p>{text}</p>" for text in LETTERS)
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Kabar Comal | Portal Berita Pemalang</title></head>
<body><div class="kepala"><h1 class="logo">Kabar Comal</h1>
<div class="menu"><a href="/">Beranda</a> <a href="/kategori/daerah/">Daerah</a></div></div>
<div class="kolom-kiri"><div class="judul-berita">{TITLE}</div>
<div class="{text_class}">{lines}</div></div>
<div class="kolom-kanan"><div class="widget-info">Diterbitkan <span class="tgl-terbit">Senin, 27 Oktober 2025</span></div>
<div class="surat-pembaca">{letters}</div></div>
<div class="kaki">Kabar Comal 2025</div></body></html>"""
