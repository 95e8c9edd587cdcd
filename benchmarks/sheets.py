"""Benchmark: publish (render + sign + verify + archive) a 50-clipping daily sheet.

Run with ``make bench`` or ``.venv/bin/python benchmarks/sheets.py [--clippings N]``. After the
figure it prints the bound two cores cannot beat (``--skip-floor`` to leave it out).
The target is 3 s on the project's reference machine (2 cores); the script prints the
time and the ratio to the target. It builds its own temporary database
with generated Indonesian text, so it needs no crawl and no network.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from clippings.db import open_db  # noqa: E402
from clippings.regions import load_region  # noqa: E402
from clippings.sheet import publish_sheet  # noqa: E402
from clippings.signing import make_demo_certs  # noqa: E402

TARGET_SECONDS = 3.0
DAY = date(2024, 10, 4)

SUBJECTS = ["Warga Kelurahan Suryatmajan", "Pedagang Pasar Beringharjo", "Dinas Lingkungan Hidup",
            "Pemerintah Kota", "Komunitas pesepeda", "Pengurus RW 05", "Petugas kebersihan",
            "Kepala sekolah dasar negeri", "Anggota DPRD", "Pengelola parkir"]
VERBS = ["mengeluhkan", "menyambut baik", "mempertanyakan", "melaporkan", "membahas",
         "meminta kejelasan soal", "mendukung rencana", "menyoroti"]
OBJECTS = ["tumpukan sampah di depo", "jalan berlubang di ruas utama", "pelebaran trotoar",
           "antrean layanan kependudukan", "harga beras di pasar tradisional",
           "penataan pedagang kaki lima", "jadwal pengangkutan sampah", "banjir di permukiman",
           "program beasiswa pelajar", "perbaikan saluran air"]
TAILS = ["sejak awal pekan ini.", "dalam rapat bersama warga, Rabu (2/10/2024).",
         "karena belum ada tindak lanjut dari instansi terkait.",
         "dan berharap pemerintah segera turun tangan.",
         "sebagaimana disampaikan kepada wartawan di kantornya.",
         "meski anggaran perbaikan sudah disiapkan tahun ini."]
NILAI = ["negatif", "positif", "netral"]
SIFAT = ["biasa", "penting", "segera"]
TINDAK = ["diketahui", "ditindaklanjuti", "klarifikasi"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"


def build_db(path: Path, region, count: int, rng: random.Random):
    db = open_db(path)
    offices = [o.key for o in region.offices]
    for n in range(count):
        paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 7))]
        body = "\n".join(paragraphs)
        url = f"https://berita-contoh.test/{n:03d}/{rng.randrange(10**6)}"
        article_id = db["articles"].insert({
            "url": url, "canonical_url": url,
            "title": f"{sentence(rng)[:-1].capitalize()} ({n + 1})",
            "body": body, "published": DAY.isoformat(), "publisher": "Harian Contoh",
            "rubric": rng.choice(["Kota", "Ekonomi", "Pendidikan", ""]),
            "caption": sentence(rng) if n % 3 == 0 else "",
            "content_hash": hashlib.sha256(body.encode() + url.encode()).hexdigest(),
            "fetched_at": f"{DAY.isoformat()}T06:00:00+00:00",
        }).last_pk
        db["labels"].insert({
            "article_id": article_id, "region": region.id, "origin": "model", "relevant": 1,
            "urusan": json.dumps([]), "instansi": json.dumps(rng.sample(offices, rng.randint(1, 3))),
            "nilai": rng.choice(NILAI), "sifat": rng.choice(SIFAT), "tindak_lanjut": rng.choice(TINDAK),
            "created_at": f"{DAY.isoformat()}T07:00:00+00:00",
        })
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clippings", type=int, default=50)
    parser.add_argument("--region", default="kota-yogyakarta")
    parser.add_argument("--workers", type=int, default=None,
                        help="print processes (sets KLIPING_SHEET_WORKERS; default: one per core)")
    parser.add_argument("--skip-floor", action="store_true",
                        help="do not measure the parts the time cannot go below")
    args = parser.parse_args()
    if args.workers:
        os.environ["KLIPING_SHEET_WORKERS"] = str(args.workers)
    region = load_region(args.region)
    with tempfile.TemporaryDirectory(prefix="kliping-bench-") as tmp:
        tmp_path = Path(tmp)
        db = build_db(tmp_path / "bench.db", region, args.clippings, random.Random(42))
        certs = make_demo_certs(tmp_path / "certs", signer_name=region.signer.name[:64])
        load = os.getloadavg()
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        row = publish_sheet(db, region, DAY, out_dir=tmp_path / "sheets", p12_path=certs.p12,
                            password=certs.password)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        pdf = Path(row["pdf_path"])
        pages = _page_count(pdf)
        floor = None if args.skip_floor else _floor(db, region, tmp_path)
    print(f"sheet publish ({args.clippings} clippings, {pages} pages, signed and verified, "
          f"{os.environ.get('KLIPING_SHEET_WORKERS') or os.cpu_count()} print workers): "
          f"{elapsed:.2f} s; target {TARGET_SECONDS:.1f} s; ratio {elapsed / TARGET_SECONDS:.2f}")
    # CPU time (this process and its render workers) tells the work done apart from
    # waiting for cores that other processes hold; load average says how busy they were.
    print(f"cpu {cpu:.2f} s on {os.cpu_count()} cores; load average before the run {load[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")
    if floor:
        start, signing_load, printing = floor
        print(f"parts it cannot go below: loading WeasyPrint and fonts {start:.2f} s before printing can "
              f"start, loading pyHanko {signing_load:.2f} s (alongside), printing the {pages} pages "
              f"{printing:.2f} s CPU in one process; two cores need at least "
              f"{start + printing / 2:.2f} s plus signing")
    return 0


def _floor(db, region, tmp_path: Path) -> tuple[float, float, float]:
    """CPU seconds of WeasyPrint's start, pyHanko's import and printing the sheet in one
    process: what two cores cannot share out, and what they can at best halve."""
    import subprocess

    from clippings.sheet import compose_sheet, render_sheet_pdf
    from clippings.sheet_render import warm_up

    cpu = time.process_time()
    warm_up()  # this process has not loaded WeasyPrint: publishing printed in a child
    start = time.process_time() - cpu
    signing_load = float(subprocess.run(
        [sys.executable, "-c", "import time; from clippings.signing import preload_signing; "
         "t = time.process_time(); preload_signing(); print(time.process_time() - t)"],
        capture_output=True, text=True, check=True, cwd=REPO).stdout)
    sheet = compose_sheet(db, region, DAY)
    gc.disable()  # as in the print workers
    try:
        cpu = time.process_time()
        render_sheet_pdf(sheet, tmp_path / "one-process.pdf", workers=1)
        return start, signing_load, time.process_time() - cpu
    finally:
        gc.enable()


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _page_count(pdf: Path) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(pdf, "rb") as handle:
        return int(PdfFileReader(handle, strict=False).root["/Pages"]["/Count"])


if __name__ == "__main__":
    raise SystemExit(main())
