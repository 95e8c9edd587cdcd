"""Benchmark: crawl + extract + store throughput on a generated local news site.

Run with ``make bench`` or ``.venv/bin/python benchmarks/crawl.py [--pages 2000]``.

Generates a site of ``--pages`` article pages (three page layouts: a WordPress theme, a
portal without <article> markup, a bare CMS page; Indonesian text built from the word
lists below, seeded so every run serves the same bytes), lists them in a sitemap index,
serves it on 127.0.0.1 and runs one ``run_crawl`` over it into a fresh database. The
figure is articles stored per second of ``run_crawl`` wall time (child interpreter start
included), printed next to single-process bare ``trafilatura.extract`` over the same
page bytes, as a ratio. Target: ratio >= 1.6, which needs both cores (extraction runs in
a process pool: ``KLIPING_EXTRACT_WORKERS``, ``--workers 0`` extracts on the reactor
thread as the first crawler did).

The machine is shared, so load from other processes shows in both figures; the ratio is
steadier than either, and CPU seconds a page (crawl process and extraction workers
against bare trafilatura) steadier still: the script prints them too, with the ratio two
idle cores would allow at most (``cores x bare CPU / crawl CPU`` a page). The site is
served with keep-alive (HTTP/1.1), as news sites are. Last (``--skip-floor`` to leave it
out), a Scrapy spider that only receives the same pages gives Scrapy's own CPU a page and
the ratio two cores would allow with extraction costing exactly what bare trafilatura does. The script fails (exit 1) when the crawl stores a different number
of articles than the site has, and with ``--strict`` also when the target is missed.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from babel.dates import format_date

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402

from clippings.db import open_db  # noqa: E402
from crawler.run import run_crawl  # noqa: E402

TARGET_RATIO = 1.6
REFERENCE = date(2025, 10, 28)
URLS_PER_SITEMAP = 500

PLACES = [
    "Kecamatan Taman",
    "Desa Widuri",
    "Kelurahan Mulyoharjo",
    "Kecamatan Comal",
    "Desa Sirau",
    "Kecamatan Petarukan",
    "Kelurahan Bojongbata",
    "Desa Asemdoyong",
    "Kecamatan Randudongkal",
    "Kelurahan Kebondalem",
    "Desa Nyamplungsari",
    "Kecamatan Moga",
    "Desa Jebed",
    "Kecamatan Ulujami",
    "Desa Ketapang",
]
ACTORS = [
    "Bupati",
    "Wakil Bupati",
    "Sekretaris Daerah",
    "Kepala Dinas Pekerjaan Umum",
    "Camat",
    "Kepala desa",
    "Ketua DPRD",
    "Kepala Dinas Kesehatan",
    "Kapolres",
    "Kepala Dinas Pendidikan",
    "Lurah",
    "Ketua karang taruna",
    "Kepala puskesmas",
    "Kepala BPBD",
    "Ketua kelompok tani",
    "Pengurus koperasi",
]
VERBS = [
    "meninjau",
    "meresmikan",
    "membahas",
    "menyoroti",
    "mengevaluasi",
    "mendukung",
    "menolak",
    "mempercepat",
    "menunda",
    "mengusulkan",
    "memantau",
    "menyerahkan",
    "meminta perbaikan",
    "menjanjikan",
    "mempertanyakan",
]
THINGS = [
    "perbaikan jalan kabupaten",
    "pembangunan jembatan desa",
    "penyaluran bantuan beras",
    "vaksinasi anak sekolah",
    "penanganan banjir rob",
    "penataan pasar tradisional",
    "pengangkutan sampah",
    "layanan kependudukan keliling",
    "irigasi sawah",
    "harga pupuk bersubsidi",
    "program beasiswa pelajar",
    "renovasi gedung sekolah",
    "pengendalian inflasi daerah",
    "pembinaan usaha mikro",
    "penerangan jalan umum",
    "air bersih di permukiman",
    "perizinan usaha",
    "pelatihan kerja pemuda",
]
WHEN = [
    "pada Senin pagi",
    "sejak awal pekan",
    "dalam rapat koordinasi",
    "di pendopo kabupaten",
    "saat kunjungan kerja",
    "bersama warga setempat",
    "menjelang musim hujan",
    "dalam musyawarah desa",
    "di hadapan wartawan",
    "usai apel pagi",
]
QUOTES = [
    "Kami ingin pekerjaan ini selesai sebelum akhir tahun",
    "Warga sudah lama menunggu",
    "Anggarannya sudah kami siapkan",
    "Kami akan terus memantau di lapangan",
    "Masukan warga akan kami tindak lanjuti",
    "Koordinasi dengan provinsi terus berjalan",
    "Tidak boleh ada pungutan di luar ketentuan",
    "Targetnya tuntas bulan depan",
]
NUMBERS = ["dua", "tiga", "lima", "tujuh", "sepuluh", "belasan", "puluhan", "ratusan"]
UNITS = ["kilometer", "keluarga", "titik", "paket", "hektare", "unit", "sekolah", "pedagang"]
RUBRICS = ["Daerah", "Pemerintahan", "Ekonomi", "Pendidikan", "Kesehatan", "Peristiwa"]
AUTHORS = [
    "Rina Kusuma",
    "Agus Salim",
    "Dewi Lestari",
    "Bambang Priyono",
    "Siti Aminah",
    "Yoga Pratama",
]


def sentence(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return (
            f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(THINGS)} di "
            f"{rng.choice(PLACES)} {rng.choice(WHEN)}."
        )
    if kind == 1:
        return (
            f"Menurut {rng.choice(ACTORS).lower()}, sebanyak {rng.choice(NUMBERS)} "
            f"{rng.choice(UNITS)} terdampak {rng.choice(THINGS)}."
        )
    if kind == 2:
        return f'"{rng.choice(QUOTES)}," kata {rng.choice(ACTORS).lower()} {rng.choice(WHEN)}.'
    return (
        f"Warga {rng.choice(PLACES)} berharap {rng.choice(THINGS)} tidak lagi tertunda, "
        f"sementara {rng.choice(ACTORS).lower()} {rng.choice(VERBS)} usulan mereka."
    )


def long_date(day: date) -> str:
    return format_date(day, "EEEE, d MMMM y", locale="id")


def make_article(n: int, rng: random.Random) -> dict:
    day = REFERENCE - timedelta(days=rng.randrange(0, 20))
    title = f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(THINGS)} di {rng.choice(PLACES)}"
    paragraphs = [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(5, 11))
    ]
    return {
        "n": n,
        "slug": f"{day:%Y/%m}/berita-{n:05d}",
        "title": title,
        "day": day,
        "paragraphs": paragraphs,
        "rubric": rng.choice(RUBRICS),
        "author": rng.choice(AUTHORS),
        "caption": f"{rng.choice(ACTORS)} saat {rng.choice(VERBS)} {rng.choice(THINGS)}. (Foto: Dok)",
        "layout": n % 3,
    }


def theme(base: str) -> dict[str, str]:
    """What every page of the site repeats around the story, at a real theme's size.

    Indonesian local news pages weigh 50-150 kB, most of it stylesheet, scripts, menus and
    widgets; extraction time grows with it, so the site carries a theme's worth too.
    """
    rng = random.Random(7)
    css = "\n".join(
        f".{rng.choice(['td', 'jeg', 'elementor', 'wp-block', 'mh'])}-{n}{{margin:{n % 9}px;"
        f"padding:{n % 7}px {n % 5}px;color:#{n * 2654435761 % 0xFFFFFF:06x};font-size:{12 + n % 8}px}}"
        for n in range(260)
    )
    script = "\n".join(
        f"window.kb_{n}=function(e){{var t=document.querySelectorAll('.w-{n}');"
        f"for(var i=0;i<t.length;i++){{t[i].classList.toggle('aktif',e>{n})}}}};"
        for n in range(120)
    )
    menu = "".join(
        f'<li class="menu-item"><a href="{base}/kategori/{r.lower()}/">{r}</a><ul class="sub-menu">'
        + "".join(
            f'<li><a href="{base}/kategori/{r.lower()}/{pl.split()[-1].lower()}/">{pl}</a></li>'
            for pl in PLACES
        )
        + "</ul></li>"
        for r in RUBRICS
    )
    tags = " ".join(
        f'<a class="tag-cloud-link" href="{base}/tag/{t.split()[0].lower()}-{n}/">{t}</a>'
        for n, t in enumerate(THINGS + PLACES + ACTORS)
    )
    footer = " | ".join(
        f'<a href="{base}/halaman/{n}/">{w}</a>'
        for n, w in enumerate(
            [
                "Redaksi",
                "Pedoman Media Siber",
                "Kontak",
                "Iklan",
                "Karier",
                "Kebijakan Privasi",
                "Tentang Kami",
                "Disclaimer",
                "Indeks Berita",
                "Sitemap",
            ]
        )
    )
    return {"css": css, "script": script, "menu": menu, "tags": tags, "footer": footer}


def _others(articles: list[dict], n: int) -> list[dict]:
    return [articles[(n * 7 + k * 13) % len(articles)] for k in range(1, 6)]


def render(article: dict, articles: list[dict], base: str, chrome: dict[str, str]) -> bytes:
    url = f"{base}/{article['slug']}/"
    others = _others(articles, article["n"])
    recent = "".join(
        f'<li><a href="{base}/{o["slug"]}/">{escape(o["title"])}</a></li>'
        for o in _others(articles, article["n"] + 1) + _others(articles, article["n"] + 2)
    )
    title, day = escape(article["title"]), article["day"]
    body = [f"<p>{escape(p)}</p>" for p in article["paragraphs"]]
    related = "".join(
        f'<li><a href="{base}/{o["slug"]}/">{escape(o["title"])}</a> '
        f'<span class="date">{long_date(o["day"])}</span></li>'
        for o in others
    )
    head = (
        f'<meta charset="utf-8"><title>{title} - Kabar Bench</title>'
        f'<meta property="og:title" content="{title}"><meta property="og:type" content="article">'
        f'<link rel="canonical" href="{url}"><style>{chrome["css"]}</style>'
        f"<script>{chrome['script']}</script>"
    )
    nav = f'<nav class="main-menu"><ul>{chrome["menu"]}</ul></nav>'
    widgets = (
        f'<section class="widget"><h2>Berita Terbaru</h2><ul>{recent}</ul></section>'
        f'<section class="widget"><h2>Tag</h2><div class="tagcloud">{chrome["tags"]}</div></section>'
    )
    if article["layout"] == 0:  # WordPress theme
        body.insert(
            2,
            f'<p><strong>Baca Juga: <a href="{base}/{others[0]["slug"]}/">'
            f"{escape(others[0]['title'])}</a></strong></p>",
        )
        page = f"""<!DOCTYPE html><html lang="id-ID"><head>{head}
<meta property="og:site_name" content="Kabar Bench"><meta property="article:published_time" content="{day.isoformat()}T08:00:00+07:00">
<meta property="article:section" content="{article["rubric"]}"></head>
<body class="post-template-default single single-post"><a class="skip-link" href="#content">Langsung ke konten</a>
<header class="site-header"><div class="site-title">Kabar Bench</div>{nav}
<div class="breaking-news-ticker">Terkini: {escape(others[1]["title"])}</div></header>
<div id="content" class="site-content"><main id="main"><article class="post type-post">
<header class="entry-header"><span class="cat-links"><a rel="category tag" href="{base}/kategori/x/">{article["rubric"]}</a></span>
<h1 class="entry-title">{title}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{day.isoformat()}T08:00:00+07:00">{long_date(day)}</time></span>
<span class="byline">Oleh <a rel="author" href="{base}/author/x/">{article["author"]}</a></span></div></header>
<figure class="wp-block-image"><img src="{base}/img/{article["n"]}.jpg" alt=""><figcaption>{escape(article["caption"])}</figcaption></figure>
<div class="entry-content">{"".join(body)}</div>
<footer class="entry-footer"><span class="tags-links">Tag: <a href="#">{article["rubric"]}</a></span>
<div class="sharedaddy sd-sharing"><h3>Bagikan:</h3><a href="#">Facebook</a> <a href="#">WhatsApp</a></div></footer>
</article><div class="related-posts"><h3>Berita Terkait</h3><ul>{related}</ul></div>
<div id="comments" class="comments-area"><div id="respond"><h3>Tinggalkan Balasan</h3>
<form><p>Alamat email Anda tidak akan dipublikasikan.</p><textarea></textarea><button>Kirim Komentar</button></form></div></div></main>
<aside class="widget-area sidebar"><section class="widget"><h2>Terpopuler</h2><ul>{related}</ul></section>{widgets}</aside></div>
<footer class="site-footer"><p>{chrome["footer"]}</p></footer></body></html>"""
    elif article["layout"] == 1:  # portal without <article>
        page = f"""<!DOCTYPE html><html lang="id"><head>{head}
<meta property="og:site_name" content="Kabar Bench"><script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{title}","datePublished":"{day.isoformat()}T10:00:00+07:00","author":{{"@type":"Person","name":"{article["author"]}"}},"articleSection":"{article["rubric"]}"}}</script>
</head><body><div class="header">{nav}<div class="ads">ADVERTISEMENT</div></div>
<div class="container"><div class="col-main"><div class="breadcrumb"><a href="{base}/">Beranda</a> / <a href="#">{article["rubric"]}</a></div>
<h1 class="title">{title}</h1><div class="date">{long_date(day)} - 10:00 WIB</div>
<div class="author">Penulis: {article["author"]}</div>
<div class="photo"><img src="{base}/img/{article["n"]}.jpg"><div class="wp-caption-text">{escape(article["caption"])}</div></div>
<div class="detail-text">{"".join(body)}<div class="baca-juga">Baca juga: <a href="{base}/{others[2]["slug"]}/">{escape(others[2]["title"])}</a></div></div>
<div class="share-box">Bagikan: <a href="#">Twitter</a> <a href="#">Salin Tautan</a></div></div>
<div class="col-side"><div class="box-populer"><h3>Terpopuler</h3><ul>{related}</ul></div>{widgets}</div></div>
<div class="footer">{chrome["footer"]} Copyright 2025 Kabar Bench. Semua hak dilindungi.</div></body></html>"""
    else:  # bare CMS page: dateline in the text, date line under the headline
        body[0] = f"<p>PEMALANG - {escape(article['paragraphs'][0])}</p>"
        page = f"""<html><head>{head}</head><body>
<div id="top"><a href="{base}/">Kabar Bench</a> | {" | ".join(RUBRICS)}</div>
<table width="100%"><tr><td valign="top" class="isi">
<h1>{title}</h1><p class="tanggal">{day.day:02d}/{day.month:02d}/{day.year} 09:15</p>
{"".join(body)}<p>({article["author"][:3].lower()})</p></td>
<td valign="top" width="250" class="kanan"><b>Berita Lainnya</b><ul>{related}</ul>{widgets}</td></tr></table>
<div id="bawah">{chrome["footer"]} Kabar Bench &copy; 2025</div></body></html>"""
    return page.encode("utf-8")


def build_site(count: int, base: str) -> dict[str, tuple[str, bytes]]:
    """Path -> (content type, bytes) for the whole site."""
    rng = random.Random(20251028)
    articles = [make_article(n, rng) for n in range(count)]
    routes: dict[str, tuple[str, bytes]] = {
        "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
    }
    html = "text/html; charset=utf-8"
    chrome = theme(base)
    for article in articles:
        routes[f"/{article['slug']}/"] = (html, render(article, articles, base, chrome))
    chunks = [articles[i : i + URLS_PER_SITEMAP] for i in range(0, count, URLS_PER_SITEMAP)]
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for number, chunk in enumerate(chunks, start=1):
        index.append(f"<sitemap><loc>{base}/post-sitemap{number}.xml</loc></sitemap>")
        urls = "".join(
            f"<url><loc>{base}/{a['slug']}/</loc><lastmod>{a['day'].isoformat()}</lastmod></url>"
            for a in chunk
        )
        routes[f"/post-sitemap{number}.xml"] = (
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{urls}</urlset>'
            ).encode(),
        )
    index.append("</sitemapindex>")
    routes["/sitemap_index.xml"] = ("application/xml", "".join(index).encode())
    return routes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, tuple[str, bytes]] = {}


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, as a news site's server does: a new TCP connection per page would be
    # paid by the crawl process and by this server, on the same two cores.
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        found = self.server.routes.get(self.path.split("?")[0])
        status, (ctype, body) = (200, found) if found else (404, ("text/plain", b"tidak ada"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def bare_rate(pages: list[bytes], urls: list[str]) -> tuple[float, float, float]:
    """Pages/s, wall seconds and CPU seconds of bare ``trafilatura.extract``."""
    started, cpu = time.perf_counter(), time.process_time()
    for html, url in zip(pages, urls, strict=True):
        trafilatura.extract(html, url=url)
    elapsed = time.perf_counter() - started
    return len(pages) / elapsed, elapsed, time.process_time() - cpu


def scrapy_floor(base: str, paths: list[str]) -> float:
    """CPU ms a page of Scrapy alone: a spider that only receives the same pages.

    Same concurrency, robots.txt obeyed, Scrapy's default components; no extraction, no
    storage. Measured on the reactor (main) thread, so the site's server threads in this
    process do not count. What any Scrapy crawl pays before extracting anything.
    """
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Receive(scrapy.Spider):
        name = "receive"
        received = 0

        async def start(self):
            for path in paths:
                yield scrapy.Request(base + path, callback=self.parse)

        def parse(self, response):
            Receive.received += response.status == 200
            return []

    process = CrawlerProcess({
        "LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "LOG_INSTALL_ROOT_HANDLER": False,
    })
    process.crawl(Receive)
    started = time.thread_time()
    process.start()
    if Receive.received != len(paths):
        raise RuntimeError(f"the receiving spider got {Receive.received} of {len(paths)} pages")
    return 1000 * (time.thread_time() - started) / len(paths)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pages", type=int, default=2000, help="article pages on the site (>= 2000 for the figure)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="KLIPING_EXTRACT_WORKERS for the crawl (default: the crawler's own default)",
    )
    parser.add_argument("--skip-bare", action="store_true", help="do not time bare trafilatura")
    parser.add_argument(
        "--skip-floor", action="store_true", help="do not time Scrapy alone on the same pages"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # On the handler too: Scrapy sets its own loggers to DEBUG when it starts in-process.
    logging.root.handlers[0].setLevel(logging.WARNING)
    for noisy in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    server = _Server(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.perf_counter()
    server.routes = build_site(args.pages, base)
    article_paths = [p for p in server.routes if p.endswith("/") and p.count("/") > 2]
    print(
        f"site: {len(article_paths)} article pages generated in {time.perf_counter() - started:.1f} s"
        f" ({sum(len(server.routes[p][1]) for p in article_paths) / len(article_paths) / 1024:.1f} kB/page)"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    settings = {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "LOG_LEVEL": "WARNING",
    }
    if args.workers is not None:
        settings["KLIPING_EXTRACT_WORKERS"] = args.workers
    source = {"name": "Kabar Bench", "url": base + "/", "sitemaps": [base + "/sitemap_index.xml"]}
    try:
        with tempfile.TemporaryDirectory(prefix="kliping-bench-") as tmp:
            db_path = Path(tmp) / "bench.db"
            started, server_cpu = time.perf_counter(), time.process_time()
            report = run_crawl(
                [source],
                db_path=db_path,
                raw_dir=Path(tmp) / "raw",
                settings=settings,
                reference=REFERENCE,
                region="bench",
            )
            wall = time.perf_counter() - started
            # This process only serves the site while the crawl runs in its own processes.
            server_cpu = time.process_time() - server_cpu
            db = open_db(db_path)
            stored = db["articles"].count
            db.close()
    finally:
        server.shutdown()
    scrapy_seconds = float(report["scrapy"].get("elapsed_time_seconds") or 0)
    crawl_rate = stored / wall
    print(
        f"crawl+extract+store: {stored} articles in {wall:.1f} s = {crawl_rate:.1f} pages/s"
        f" (Scrapy's own elapsed time {scrapy_seconds:.1f} s = {stored / max(scrapy_seconds, 1e-9):.1f} pages/s;"
        f" {report['requests']} requests, workers={args.workers if args.workers is not None else 'default'},"
        f" {os.cpu_count()} CPUs)"
    )
    cpu = report["scrapy"]
    crawl_cpu = float(cpu.get("kliping/cpu/crawl_process_seconds") or 0) + float(
        cpu.get("kliping/cpu/workers_seconds") or 0
    )
    print(
        f"CPU seconds: crawl process (reactor thread, store) {cpu.get('kliping/cpu/crawl_process_seconds')},"
        f" extraction workers {cpu.get('kliping/cpu/workers_seconds')}"
        f" = {1000 * crawl_cpu / max(stored, 1):.1f} ms a page; test site server {server_cpu:.1f}"
    )
    if stored != len(article_paths):
        print(
            f"FAIL  stored {stored} articles, the site has {len(article_paths)}; report: "
            f"errors {report['errors']}, dropped {report['dropped']}"
        )
        return 1
    if args.skip_bare:
        return 0
    pages = [server.routes[p][1] for p in article_paths]
    rate, elapsed, bare_cpu = bare_rate(pages, [base + p for p in article_paths])
    ratio = crawl_rate / rate
    print(
        f"bare trafilatura.extract, one process: {len(pages)} pages in {elapsed:.1f} s = {rate:.1f} pages/s"
        f" ({1000 * bare_cpu / len(pages):.1f} ms CPU a page)"
    )
    # Load from other jobs on a shared machine moves both wall-clock rates; CPU time per
    # page moves less. The crawl's CPU a page against bare's, on cores of its own:
    print(
        f"CPU a page, crawl/bare: {crawl_cpu / stored / (bare_cpu / len(pages)):.2f}"
        f" (ratio on {os.cpu_count()} idle cores at most"
        f" {(os.cpu_count() or 1) * (bare_cpu / len(pages)) / (crawl_cpu / stored):.2f})"
    )
    if not args.skip_floor:
        # With Scrapy fetching, even extraction that costs exactly what bare trafilatura
        # costs leaves two cores at most 2 x bare / (bare + Scrapy).
        again = _Server(("127.0.0.1", 0), _Handler)
        again.routes = server.routes
        threading.Thread(target=again.serve_forever, daemon=True).start()
        try:
            floor = scrapy_floor(f"http://127.0.0.1:{again.server_address[1]}", article_paths)
        finally:
            again.shutdown()
        bare_ms = 1000 * bare_cpu / len(pages)
        print(
            f"Scrapy alone (a spider that only receives the pages): {floor:.1f} ms CPU a page;"
            f" with bare-cost extraction two cores allow at most {2 * bare_ms / (bare_ms + floor):.2f}"
        )
    print(
        f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}  ratio crawl/bare {ratio:.2f} (target >= {TARGET_RATIO})"
    )
    return 1 if args.strict and ratio < TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
