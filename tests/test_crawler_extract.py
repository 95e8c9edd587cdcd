"""Article extraction from WordPress-like Indonesian news pages written for these tests.

Each page carries the noise real local sites put around an article: menus, "Mode Gelap",
tickers, "Baca Juga" boxes inside the text, share buttons, comment forms, "Baca Lainnya"
lists with other stories' dates.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest

from crawler.extract import Rejected, extract_article, extract_body, try_extract_article

PAGES = Path(__file__).parent / "pages"

# Phrases of page furniture that must never reach an article body.
NOISE = [
    "Mode Gelap",
    "Tinggalkan Balasan",
    "Alamat email Anda tidak akan dipublikasikan",
    "Ruas yang wajib ditandai",
    "Kirim Komentar",
    "Baca Juga",
    "Baca juga",
    "Baca Lainnya",
    "Berita Terkait",
    "Terpopuler",
    "Trending",
    "Bagikan",
    "Pedoman Media Siber",
    "Perbesar",
    "badge-check",
    "Halaman:",
    "Silakan masuk untuk menulis komentar",
]
# Short menu and button words, which may occur inside real sentences: never a whole line.
NOISE_LINES = {
    "Menu",
    "Beranda",
    "Facebook",
    "WhatsApp",
    "Twitter",
    "Telegram",
    "X",
    "Ekonomi",
    "Kota",
    "Wisata",
    "Berita",
}

FIXTURES = {
    "wp_berita_aduan_jalan.html": {
        "url": "https://kabarpesisir.example/berita/pemkab-buka-layanan-aduan-jalan-rusak/?utm_source=rss",
        "reference": date(2025, 10, 28),
        "canonical_url": "https://kabarpesisir.example/berita/pemkab-buka-layanan-aduan-jalan-rusak",
        "title": "Pemkab Pemalang Buka Layanan Aduan Jalan Rusak Lewat WhatsApp",
        "published": date(2025, 10, 27),
        "published_text": "Senin, 27 Oktober 2025 - 10:00 WIB",
        "authors": ["Dimas Prasetyo"],
        "rubric": "Berita",
        "caption": "Warga melintasi ruas jalan berlubang di Kecamatan Bantarbolang, Minggu (26/10). Foto: Dimas Prasetyo",
        "first": "Kabar Pesisir – Pemerintah Kabupaten Pemalang membuka layanan pengaduan jalan rusak",
        "last": "Dim***",
        "paragraphs": 7,
        "phrases": ["214 laporan dari empat belas kecamatan", "ujarnya di kantor dinas setempat"],
        "absent": [
            "Anggaran Perbaikan Jalan Kabupaten Naik",
            "Pasar Ikan Comal",
            "Tiga Partai Bahas Koalisi",
            "jalan rusak, pelayanan publik",
        ],
    },
    "portal_jogja_sampah.html": {
        "url": "https://wartagudeg.example/kota/2025/10/depo-sampah-ditutup-sementara-warga-diminta-pilah-dari-rumah",
        "reference": date(2025, 10, 28),
        "canonical_url": "https://wartagudeg.example/kota/2025/10/depo-sampah-ditutup-sementara-warga-diminta-pilah-dari-rumah",
        "title": "Depo Sampah Ditutup Sementara, Warga Diminta Pilah dari Rumah",
        "published": date(2025, 10, 24),
        "published_text": "Jumat, 24 Oktober 2025 | 08:15 WIB",
        "authors": ["Rini Astuti", "Bayu Nugroho"],
        "rubric": "Kota",
        "caption": "Petugas kebersihan merapikan tumpukan sampah di sebuah depo di Kemantren Mergangsan, Kamis (23/10). (Warta Gudeg/Bayu Nugroho)",
        "first": "YOGYAKARTA — Pemerintah Kota Yogyakarta menutup sementara tiga depo sampah",
        "last": "Evaluasi akan dilakukan setiap minggu bersama pengelola bank sampah dan lurah setempat.",
        "paragraphs": 5,
        "phrases": ["lubang biopori atau ember tumpuk"],
        "absent": [
            "Bank Sampah Kampung Tumbuh",
            "Gerobak Sampah Listrik",
            "Malioboro",
            "Salin tautan",
            "#sampah",
        ],
    },
    "wp_dateline_pasar.html": {
        # No date anywhere but the dateline "(13/7)": the year comes from the crawl day.
        "url": "https://kabarpesisir.example/ekonomi/harga-cabai/",
        "reference": date(2025, 7, 20),
        "canonical_url": "https://kabarpesisir.example/ekonomi/harga-cabai",
        "title": "Harga Cabai di Pasar Randudongkal Turun Jelang Panen",
        "published": date(2025, 7, 13),
        "published_text": "Kamis (13/7)",
        "authors": [],
        "rubric": "Ekonomi",
        "caption": "",
        "first": "PEMALANG, Kamis (13/7) – Harga cabai rawit di Pasar Randudongkal turun",
        "last": "ketika panen raya tiba.",
        "paragraphs": 4,
        "phrases": ["dua puluh empat ribu rupiah per kilogram"],
        # The related list's "10/07/2025" must not become the date, nor its title the text.
        "absent": ["Harga Beras Medium Naik Tipis"],
    },
    "wp_bersambung_1.html": {
        "url": "https://kabarpesisir.example/berita/festival-layang-layang-widuri/",
        "reference": date(2025, 10, 28),
        "canonical_url": "https://kabarpesisir.example/berita/festival-layang-layang-widuri",
        "title": "Festival Layang-Layang Pantai Widuri Diikuti Peserta dari Lima Provinsi",
        "published": date(2025, 10, 28),
        "published_text": "Selasa, 28 Oktober 2025 - 08:00 WIB",
        "authors": [],
        "rubric": "Wisata",
        "caption": "",
        "first": "Langit Pantai Widuri dipenuhi ratusan layang-layang",
        "last": "festival selalu dijadwalkan pada akhir musim kemarau.",
        "paragraphs": 3,
        "phrases": ["186 layang-layang"],
        "absent": ["Berita sebelumnya", "Berita berikutnya", "Pasar Ikan Comal"],
    },
}


def _extract(name: str, spec: dict):
    return extract_article((PAGES / name).read_bytes(), spec["url"], reference=spec["reference"])


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fields(name):
    spec = FIXTURES[name]
    article = _extract(name, spec)
    assert article is not None
    assert article.title == spec["title"]
    assert article.published == spec["published"]
    assert article.published_text == spec["published_text"]
    assert article.canonical_url == spec["canonical_url"]
    assert article.authors == spec["authors"]
    assert article.rubric == spec["rubric"]
    assert article.caption == spec["caption"]
    assert article.language == "id"
    assert article.url == spec["url"]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_body_is_the_article_and_nothing_else(name):
    spec = FIXTURES[name]
    article = _extract(name, spec)
    paragraphs = article.body.split("\n")
    assert paragraphs[0].startswith(spec["first"])
    assert paragraphs[-1].endswith(spec["last"])
    assert len(paragraphs) == spec["paragraphs"]
    for phrase in spec["phrases"]:
        assert phrase in article.body
    for phrase in NOISE + spec["absent"]:
        assert phrase not in article.body, phrase
    assert not NOISE_LINES & set(paragraphs)
    # The headline and the caption live in their own fields only.
    assert spec["title"] not in article.body
    if spec["caption"]:
        assert spec["caption"] not in article.body


def test_page_in_the_style_of_the_seed_site():
    """The seed dump's site: no machine date, the date only inside the first paragraph,
    a caption that repeats the headline, later-dated "Baca Lainnya" items."""
    truth = json.loads((PAGES / "suarapemalang_like.json").read_text(encoding="utf-8"))
    article = extract_article(
        (PAGES / "suarapemalang_like.html").read_bytes(), truth["url"], reference=date(2025, 10, 28)
    )
    assert article is not None
    assert article.title == truth["title"]
    assert article.published == date.fromisoformat(truth["date"])
    assert article.body.split("\n") == truth["body"]
    for phrase in truth["noise"]:
        assert phrase not in article.body, phrase
    assert article.caption == truth["title"]  # without the "Perbesar" button label
    assert article.authors == ["Redaksi"]


def test_a_later_reference_does_not_move_a_full_date():
    spec = FIXTURES["wp_berita_aduan_jalan.html"]
    article = extract_article(
        (PAGES / "wp_berita_aduan_jalan.html").read_bytes(), spec["url"], reference=date(2026, 3, 1)
    )
    assert article.published == date(2025, 10, 27)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("27/10/2025 10:00", date(2025, 10, 27)),
        ("Senin 27 Oktober 2025", date(2025, 10, 27)),
        ("2 jam yang lalu", date(2025, 10, 28)),
        ("kemarin", date(2025, 10, 27)),
        # In the future: no date rather than a wrong one (and not a "Baca Lainnya" date).
        ("19 Februari 2026 - 10:00 WIB", None),
    ],
)
def test_date_line_variants(printed, expected):
    html = (PAGES / "wp_berita_aduan_jalan.html").read_text(encoding="utf-8")
    html = html.replace("Senin, 27 Oktober 2025 - 10:00 WIB", printed)
    article = extract_article(
        html, "https://kabarpesisir.example/berita/x/", reference=date(2025, 10, 28)
    )
    assert article is not None
    assert article.published == expected


def test_continuation_page_body():
    body = extract_body(
        (PAGES / "wp_bersambung_2.html").read_bytes(),
        "https://kabarpesisir.example/berita/festival-layang-layang-widuri/2/",
    )
    assert body.split("\n") == [
        "Pada hari kedua, pengunjung dapat mencoba menerbangkan layang-layang bersama pelatih dari komunitas setempat. Anak-anak sekolah dasar mendapat bahan gratis untuk membuat layang-layang sendiri.",
        "Pedagang di sekitar pantai mengaku omzet mereka naik dua kali lipat selama festival. Dinas Pariwisata berharap acara ini menjadi agenda wisata tetap yang menarik wisatawan dari luar daerah.",
    ]


STATIC_PAGE = b"""<!DOCTYPE html><html lang="id"><head><title>Redaksi</title>
<meta property="og:type" content="website"></head><body class="page">
<nav class="main-navigation"><a href="/">Beranda</a></nav>
<main><h1 class="entry-title">Redaksi</h1><div class="entry-content">
<p>Kabar Pesisir adalah media daring yang meliput peristiwa di wilayah pesisir utara Jawa Tengah sejak tahun 2019.</p>
<p>Pemimpin Redaksi: Andi Saputra. Redaktur Pelaksana: Wulan Sari. Reporter: Dimas Prasetyo, Rini Astuti, Bayu Nugroho.</p>
<p>Alamat redaksi: Jalan Pemuda Nomor 10, Pemalang. Surel: redaksi@kabarpesisir.example. Telepon kantor tersedia pada jam kerja.</p>
</div></main></body></html>"""


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ((PAGES / "wp_kategori_ekonomi.html").read_bytes(), "listing_page"),
        (STATIC_PAGE, "not_news"),
        (
            b"<html><body><h1>Halaman tidak ditemukan</h1><p>Maaf, halaman yang Anda cari tidak ada.</p></body></html>",
            "too_short",
        ),
        (b"", "empty_page"),
        (b"   \n", "empty_page"),
    ],
)
def test_non_articles_are_rejected_with_a_reason(html, reason, caplog):
    with pytest.raises(Rejected) as info:
        try_extract_article(html, "https://kabarpesisir.example/x/", reference=date(2025, 10, 28))
    assert info.value.reason == reason
    with caplog.at_level(logging.INFO, logger="crawler.extract"):
        assert (
            extract_article(html, "https://kabarpesisir.example/x/", reference=date(2025, 10, 28))
            is None
        )
    assert f"https://kabarpesisir.example/x/: {reason}" in caplog.text
