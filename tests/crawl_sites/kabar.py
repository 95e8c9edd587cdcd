"""Stories of "Kabar Comal", a fixture news site for the WordPress API, listing and
override tests: slugs that look like story URLs, text long enough to be an article."""

from __future__ import annotations

from tests.crawl_sites import Page, article_html

CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "INFO",
    "KLIPING_EXTRACT_WORKERS": 0,
}

# slug -> (title, paragraphs)
STORIES: dict[str, tuple[str, list[str]]] = {
    "banjir-rob-genangi-pesisir-comal": (
        "Banjir Rob Genangi Permukiman Pesisir Comal",
        [
            "COMAL - Banjir rob kembali menggenangi permukiman warga di pesisir Kecamatan Comal sejak Senin pagi dengan ketinggian air mencapai tiga puluh sentimeter.",
            "Warga berharap pemerintah kabupaten segera membangun tanggul laut yang sudah direncanakan sejak dua tahun lalu agar rumah mereka tidak terendam setiap bulan.",
        ],
    ),
    "posyandu-lansia-dibuka-di-balai-desa": (
        "Posyandu Lansia Dibuka di Balai Desa Sidorejo",
        [
            "PEMALANG - Dinas Kesehatan membuka posyandu khusus lansia di balai desa Sidorejo yang melayani pemeriksaan tekanan darah dan gula darah setiap Kamis.",
            "Kader posyandu mengatakan sebanyak delapan puluh warga lanjut usia datang pada hari pertama, dan sebagian besar belum pernah memeriksakan kesehatannya.",
        ],
    ),
    "jalan-desa-rusak-dikeluhkan-petani": (
        "Jalan Desa Rusak Dikeluhkan Petani Bantarbolang",
        [
            "BANTARBOLANG - Petani di Kecamatan Bantarbolang mengeluhkan jalan desa yang rusak parah sehingga hasil panen sulit diangkut ke pasar kecamatan.",
            "Kepala desa menyatakan usulan perbaikan jalan sudah diajukan dalam musyawarah perencanaan pembangunan dan menunggu anggaran dari pemerintah kabupaten.",
        ],
    ),
    "festival-kuliner-alun-alun-ramai-pengunjung": (
        "Festival Kuliner di Alun-alun Ramai Pengunjung",
        [
            "PEMALANG - Festival kuliner yang digelar di alun-alun kota selama tiga hari menarik ribuan pengunjung dari berbagai kecamatan pada akhir pekan.",
            "Panitia mencatat lebih dari seratus pelaku usaha kecil ikut berjualan, dan sebagian besar mengaku omzetnya naik dua kali lipat dibanding hari biasa.",
        ],
    ),
    "sekolah-terdampak-angin-kencang-diperbaiki": (
        "Sekolah Terdampak Angin Kencang Segera Diperbaiki",
        [
            "PEMALANG - Atap dua ruang kelas sebuah sekolah dasar di Kecamatan Ulujami rusak diterjang angin kencang, sehingga murid sementara belajar di musala.",
            "Dinas Pendidikan menjanjikan perbaikan selesai dalam dua pekan dan meminta sekolah mendata buku serta perlengkapan yang basah terkena hujan.",
        ],
    ),
    "pelatihan-membatik-untuk-ibu-rumah-tangga": (
        "Pelatihan Membatik untuk Ibu Rumah Tangga Digelar",
        [
            "PEMALANG - Sebanyak empat puluh ibu rumah tangga mengikuti pelatihan membatik tulis yang diselenggarakan dinas perindustrian di gedung serbaguna.",
            "Peserta belajar membuat motif khas pesisir selama lima hari, dan hasil karya terbaik akan dipamerkan pada pameran produk lokal bulan depan.",
        ],
    ),
}


def story_path(slug: str, day: str) -> str:
    """``/2025/10/27/<slug>/`` for ``day`` "2025-10-27"."""
    return f"/{day.replace('-', '/')}/{slug}/"


def story_page(slug: str, published: str) -> Page:
    title, paragraphs = STORIES[slug]
    return Page(article_html(title, paragraphs, published=published).encode())
