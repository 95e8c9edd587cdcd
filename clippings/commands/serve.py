"""``kliping serve``: the web app (verification page, desk sign-in, print clips) under waitress."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlparse

import click

from clippings.commands.options import db_option
from clippings.db import default_db_path
from clippings.sheet import BASE_URL_SETTING, base_url

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Alamat yang didengarkan; 0.0.0.0 agar dapat dibuka dari komputer lain.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True,
              help="Port HTTP.")
@click.option("--trust-root", "trust_roots", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sertifikat akar (PEM/DER) penandatangan yang dipercaya; bawaan: $KLIPING_TRUST_ROOTS, "
                   "atau CA demo di direktori certs/ di samping basis data.")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Jumlah permintaan yang dilayani bersamaan.")
def serve(db_path: Path | None, host: str, port: int, trust_roots: tuple[Path, ...],
          threads: int) -> None:
    """Jalankan aplikasi web: halaman verifikasi /verifikasi/NOMOR yang dituju kode QR
    di setiap halaman lembar kliping.

    Server produksi waitress melayani aplikasi. Kode QR menunjuk ke $KLIPING_BASE_URL
    (mis. https://kliping.pemalangkab.go.id); alamat itu harus sampai ke server ini,
    biasanya lewat reverse proxy dengan HTTPS. Kunci rahasia formulir dari
    $KLIPING_SECRET_KEY (bila kosong dibuat baru setiap kali server dijalankan);
    batas unggah dari $KLIPING_MAX_UPLOAD_MB (bawaan 25). Di balik HTTPS: $KLIPING_HTTPS=1
    (cookie hanya lewat HTTPS) dan $KLIPING_PROXY_COUNT=1 (alamat klien dari reverse proxy).
    Batas percobaan per alamat: $KLIPING_LOGIN_LIMIT (bawaan "10 per minute" untuk masuk
    yang gagal) dan $KLIPING_VERIFY_LIMIT (bawaan "20 per minute" untuk pemeriksaan PDF).

    Contoh: kliping serve --db var/demo/kliping.db --port 5000
    """
    # Imported here so the rest of the CLI starts without loading Flask.
    import waitress

    from clippings.web import SECRET_KEY_SETTING, WebConfigError, create_app

    config: dict = {"DATABASE": str(db_path or default_db_path())}
    if trust_roots:
        config["TRUST_ROOTS"] = [str(p) for p in trust_roots]
    try:
        app = create_app(config)
    except WebConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if logging.getLogger().level >= logging.WARNING:
        # pyHanko logs each failed check of an uploaded file with a traceback; the page
        # already tells the visitor what is wrong.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    qr_base = base_url()
    roots = (", ".join(str(p) for p in app.config["TRUST_ROOTS"])
             or "TIDAK ADA (tanda tangan unggahan tidak dapat dipastikan)")
    click.echo(f"Basis data: {app.config['DATABASE']}")
    click.echo(f"Sertifikat akar terpercaya: {roots}")
    click.echo(f"Kode QR lembar menunjuk ke {qr_base}/verifikasi/NOMOR (${BASE_URL_SETTING})")
    qr = urlparse(qr_base)
    if qr.hostname in LOCAL_HOSTS and (qr.port or 80) != port:
        click.echo(f"Peringatan: ${BASE_URL_SETTING} menunjuk ke port {qr.port or 80}, server ini di "
                   f"port {port}; kode QR lembar tidak akan sampai ke sini.", err=True)
    if not os.environ.get(SECRET_KEY_SETTING):
        click.echo(f"Peringatan: ${SECRET_KEY_SETTING} tidak diisi; kunci sesi dibuat baru setiap "
                   "server dijalankan, sehingga petugas harus masuk lagi setelah server dimulai ulang.",
                   err=True)
    click.echo(f"Melayani di http://{host}:{port}/verifikasi/NOMOR dan /kliping/cetak untuk meja "
               "kliping (Ctrl+C untuk berhenti)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="kliping")


commands = [serve]
