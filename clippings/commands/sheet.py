"""``kliping sheet``, ``kliping review`` and ``kliping certs``: the desk's daily sheet from
pick to signature, verification, and demo certificates."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click

from classify.labels import NILAI, SIFAT, TINDAK_LANJUT
from clippings.commands.options import (
    PASSWORD_ENV,
    db_option,
    p12_password,
    region_option,
    signing_trust_root_option,
    tsa_option,
)
from clippings.db import DEFAULT_HOME, default_db_path, open_db
from clippings.formatting import hari_tanggal, waktu
from clippings.regions import Region, RegionError, load_region
from clippings.review import (
    GROUP_BY,
    ReviewError,
    candidates,
    edit_item,
    pick,
    regions_with_pick,
    set_labels,
)
from clippings.sheet import (
    SheetError,
    find_sheet_by_sha256,
    latest_signed_sheet,
    publish_sheet,
    sign_sheet,
)
from clippings.signing import (
    DEMO_MARK,
    SigningError,
    default_trust_roots,
    make_demo_certs,
    timestamp_text,
    verify_pdf,
)

DEFAULT_CERTS_DIR = DEFAULT_HOME / "certs"
DEFAULT_SHEETS_DIR = DEFAULT_HOME / "sheets"


def _yes(flag: bool) -> str:
    return "ya" if flag else "tidak"


@click.group()
def sheet() -> None:
    """Lembar kliping harian: terbitkan (tandatangani) dan periksa."""


@sheet.command("publish")
@db_option
@region_option()
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal lembar, YYYY-MM-DD (bawaan: hari ini).")
@click.option("--window-days", type=click.IntRange(min=0), default=1, show_default=True,
              help="Berita yang terbit sampai sekian hari sebelum tanggal lembar ikut dimuat.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_SHEETS_DIR, show_default=True, help="Direktori arsip lembar.")
@click.option("--p12", "p12_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Berkas PKCS#12 penandatangan; kata sandi dari ${PASSWORD_ENV} atau ditanyakan. "
                   "Tanpa opsi ini dipakai sertifikat demo di folder certs/ di samping basis data.")
@signing_trust_root_option
@click.option("--draft", is_flag=True,
              help="Buat draf tanpa tanda tangan (bertanda air DRAF) untuk diperiksa; "
                   "tandatangani kemudian dengan: kliping sheet sign NOMOR.")
@click.option("--by", "actor", default=None, help="Nama petugas yang menerbitkan (dicatat di log audit).")
@tsa_option
def publish(db_path: Path | None, region: Region, day, window_days: int, out_dir: Path,
            p12_path: Path | None, trust_roots: tuple[Path, ...], draft: bool,
            actor: str | None, tsa_url: str | None) -> None:
    """Susun, cetak (HTML + PDF), tandatangani, dan arsipkan lembar kliping harian.

    Bila meja sudah memilih kliping hari itu (kliping review pick), lembar memuat pilihan
    itu; bila belum, semua kliping relevan pada periode. Lembar yang sudah
    ditandatangani tidak pernah ditimpa: bila isinya berubah dibuat versi baru; bila
    tidak berubah, lembar yang ada dipakai lagi.

    Contoh: kliping sheet publish --region kota-yogyakarta --date 2024-10-04 --draft
    """
    the_day: date = day.date() if day else date.today()
    password = None
    if not draft:
        p12_path, password, trust_roots = _signing_key(region, p12_path, trust_roots, db_path)
    db = open_db(db_path)
    before = latest_signed_sheet(db, region.id, the_day)
    try:
        row = publish_sheet(
            db, region, the_day, out_dir=out_dir, p12_path=p12_path, password=password,
            window_days=window_days, trust_roots=list(trust_roots) or None, draft=draft,
            actor=actor, tsa_url=tsa_url,
        )
    except (SigningError, SheetError) as exc:
        raise click.ClickException(str(exc)) from None
    items = db["sheet_items"].count_where("sheet_id = ?", [row["id"]])
    if before is not None and before["id"] == row["id"]:
        click.echo(f"Tidak ada perubahan sejak versi {row['version']}; lembar yang sudah ditandatangani dipakai.")
    state = f"ditandatangani {row['signer']}" if row["status"] == "signed" else (
        f"DRAF, belum ditandatangani (tandatangani: kliping sheet sign {row['id']} --region {region.id})")
    click.echo(
        f"Lembar no. {row['id']} {region.name} {hari_tanggal(the_day)} versi {row['version']}: "
        f"{items} kliping, {state}"
    )
    click.echo(f"PDF:  {row['pdf_path']}")
    click.echo(f"HTML: {row['html_path']}")


def _signing_key(region: Region, p12_path: Path | None, trust_roots: tuple[Path, ...],
                 db_path: Path | None):
    """The PKCS#12, its password (env or prompt, never stored) and the trust roots.

    Without ``--p12`` the demo key beside the database (``<home>/certs``, where ``kliping
    demo`` keeps it and where ``sheet verify`` and the web app look for its CA).
    """
    if p12_path is None:
        certs_dir = Path(db_path or default_db_path()).parent / "certs"
        certs = make_demo_certs(certs_dir, signer_name=region.signer.name[:64])
        click.echo(f"Peringatan: memakai sertifikat {DEMO_MARK} ({certs.p12}).", err=True)
        return certs.p12, certs.password, trust_roots or (certs.ca_cert,)
    return p12_path, p12_password(), trust_roots


@sheet.command("sign")
@click.argument("sheet_id", type=int)
@db_option
@region_option()
@click.option("--p12", "p12_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Berkas PKCS#12 penandatangan; kata sandi dari ${PASSWORD_ENV} atau ditanyakan. "
                   "Tanpa opsi ini dipakai sertifikat demo di folder certs/ di samping basis data.")
@signing_trust_root_option
@click.option("--by", "actor", default=None, help="Nama yang dicatat di log audit (bawaan: penandatangan).")
@tsa_option
def sign(sheet_id: int, db_path: Path | None, region: Region, p12_path: Path | None,
         trust_roots: tuple[Path, ...], actor: str | None, tsa_url: str | None) -> None:
    """Tandatangani draf lembar NOMOR: dicetak ulang tanpa tanda air, ditandatangani,
    diperiksa, baru kemudian dicatat sebagai sah.

    Contoh: KLIPING_P12_PASSWORD=... kliping sheet sign 12 --region kota-yogyakarta --p12 kepala.p12

    Dengan cap waktu tepercaya: tambahkan --tsa https://alamat-tsa/ dan --trust-root untuk
    akar CA penandatangan maupun akar CA server cap waktu.
    """
    p12_path, password, trust_roots = _signing_key(region, p12_path, trust_roots, db_path)
    db = open_db(db_path)
    try:
        row = sign_sheet(db, region, sheet_id, p12_path=p12_path, password=password,
                         trust_roots=list(trust_roots) or None, actor=actor, tsa_url=tsa_url)
    except (SigningError, SheetError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Lembar no. {row['id']} versi {row['version']} ditandatangani {row['signer']} "
               f"pada {waktu(row['signed_at'], region.timezone)}")
    click.echo(f"PDF:  {row['pdf_path']}")


@sheet.command("verify")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--trust-root", "trust_roots", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sertifikat akar (PEM/DER) terpercaya, termasuk akar CA server cap waktu; "
                   "bawaan: $KLIPING_TRUST_ROOTS, atau CA demo di folder certs/ di samping basis data.")
def verify(pdf: Path, db_path: Path | None, trust_roots: tuple[Path, ...]) -> None:
    """Periksa tanda tangan sebuah lembar PDF dan cocokkan dengan arsip.

    Contoh: kliping sheet verify var/sheets/kota-yogyakarta/2024-10-04/v1/kliping-kota-yogyakarta-2024-10-04-v1.pdf
    """
    if logging.getLogger().level >= logging.WARNING:
        # pyHanko logs each failed check with a traceback; the summary below says it better.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    db_file = db_path or default_db_path()
    trust_roots = trust_roots or default_trust_roots(db_file)
    try:
        result = verify_pdf(pdf, trust_roots=trust_roots)
    except SigningError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Berkas: {pdf}")
    click.echo(f"Tanda tangan sah: {_yes(result.valid)}")
    click.echo(f"Dokumen utuh (tidak diubah): {_yes(result.intact)}")
    click.echo(f"Penandatangan: {result.signer or '-'}{' (' + DEMO_MARK + ')' if result.demo else ''}")
    archived = find_sheet_by_sha256(open_db(db_file), result.sha256) if db_file.exists() else None
    zone = _timezone(archived)
    click.echo(f"Waktu tanda tangan: {waktu(result.signed_at, zone) or '-'}")
    click.echo(timestamp_text(result.timestamp, zone))
    if result.reason or result.location:
        click.echo(f"Alasan/lokasi: {result.reason or '-'} / {result.location or '-'}")
    click.echo(f"SHA-256: {result.sha256}")
    if not db_file.exists():
        click.echo(f"Arsip: basis data {db_file} tidak ditemukan, tidak dicocokkan")
    elif archived:
        click.echo(
            f"Arsip: cocok dengan lembar no. {archived['id']} ({archived['region']}, "
            f"{archived['date']}, versi {archived['version']}, status {archived['status']})"
        )
    else:
        click.echo("Arsip: tidak cocok dengan arsip (tidak ada lembar dengan SHA-256 ini)")
    for problem in result.problems:
        click.echo(f"Masalah: {problem}")
    if not result.valid:
        raise click.ClickException("tanda tangan tidak sah")


@click.group()
def certs() -> None:
    """Sertifikat penandatangan."""


@certs.command("demo")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_CERTS_DIR, show_default=True, help="Direktori sertifikat demo.")
@click.option("--name", "signer_name", default="Penandatangan Demo", show_default=True,
              help="Nama penandatangan pada sertifikat demo.")
def demo(directory: Path, signer_name: str) -> None:
    """Buat CA dan sertifikat penandatangan DEMO untuk mencoba (sekali; dipakai ulang).

    Jangan dipakai untuk lembar resmi: sertifikat ini bertanda "DEMO — bukan sertifikat resmi".

    Contoh: kliping certs demo --dir var/certs
    """
    try:
        made = make_demo_certs(directory, signer_name=signer_name)
    except SigningError as exc:
        raise click.ClickException(str(exc)) from None
    state = "dibuat" if made.created else "sudah ada, dipakai ulang"
    click.echo(f"Sertifikat {DEMO_MARK}: {state}")
    click.echo(f"CA (akar terpercaya): {made.ca_cert}")
    click.echo(f"PKCS#12 penandatangan: {made.p12} (kata sandi: {made.password})")


# --------------------------------------------------------------------------- review

_DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def review() -> None:
    """Keputusan meja: pilih, urutkan, kelompokkan dan sunting kliping lembar harian."""


def _cell(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


@review.command("list")
@db_option
@region_option()
@click.option("--date", "day", type=_DAY, default=None, help="Tanggal lembar, YYYY-MM-DD (bawaan: hari ini).")
@click.option("--window-days", type=click.IntRange(min=0), default=1, show_default=True,
              help="Berita yang terbit sampai sekian hari sebelum tanggal ikut ditampilkan.")
def review_list(db_path: Path | None, region: Region, day, window_days: int) -> None:
    """Daftar calon kliping dengan label model, skor dan alasan; yang paling ragu di atas.

    Kolom Yakin: keyakinan model pada keputusannya yang paling lemah (0,50–1,00).
    Tanda * = sudah dipilih untuk lembar; (meja) = label dari meja.

    Contoh: kliping review list --region kota-yogyakarta --date 2024-10-04
    """
    the_day: date = day.date() if day else date.today()
    rows = candidates(open_db(db_path), region, the_day, window_days=window_days)
    if not rows:
        click.echo(f"Tidak ada berita {region.name} pada periode sampai {hari_tanggal(the_day)}.")
        return
    click.echo(f"{'ID':>5}  {_cell('Judul', 44)} {_cell('Media', 14)} {_cell('Rel', 5)} "
               f"{_cell('Nilai', 8)} {_cell('Sifat', 8)} {_cell('Tindak', 15)} {_cell('Instansi', 18)} "
               f"{'Yakin':>5}  Alasan")
    for c in rows:
        relevant = "-" if c.relevant is None else _yes(c.relevant)
        sure = f"{c.certainty:.2f}" if c.certainty is not None else "-"
        mark = "*" if c.picked else " "
        origin = " (meja)" if c.origin == "desk" else ""
        click.echo(
            f"{c.article_id:>4}{mark}  {_cell(c.title, 44)} {_cell(c.publisher or '-', 14)} "
            f"{_cell(relevant, 5)} {_cell(c.nilai or '-', 8)} {_cell(c.sifat or '-', 8)} "
            f"{_cell(c.tindak_lanjut or '-', 15)} {_cell(','.join(c.instansi) or '-', 18)} "
            f"{sure:>5}  {'; '.join(c.reasons) or '-'}{origin}"
        )


@review.command("set")
@click.argument("article_id", type=int)
@db_option
@region_option()
@click.option("--nilai", type=click.Choice(NILAI), default=None)
@click.option("--sifat", type=click.Choice(SIFAT), default=None)
@click.option("--tindak-lanjut", "tindak_lanjut",
              type=click.Choice(TINDAK_LANJUT), default=None)
@click.option("--instansi", default=None, help="Kunci instansi tujuan dipisah koma, yang utama dulu (mis. dlh,dpupkp).")
@click.option("--relevant/--not-relevant", "relevant", default=None, help="Relevan untuk wilayah ini atau tidak.")
@click.option("--by", "actor", required=True, help="Nama petugas meja (dicatat).")
def review_set(article_id: int, db_path: Path | None, region: Region, nilai, sifat, tindak_lanjut,
               instansi: str | None, relevant: bool | None, actor: str) -> None:
    """Tetapkan label meja untuk ARTICLE_ID (label model tetap tersimpan).

    Contoh: kliping review set 42 --region kota-yogyakarta --nilai negatif --instansi dlh --by Rina
    """
    keys = [k.strip() for k in instansi.split(",") if k.strip()] if instansi is not None else None
    db = open_db(db_path)
    try:
        label_id = set_labels(db, region, article_id, by=actor, relevant=relevant, nilai=nilai,
                              sifat=sifat, tindak_lanjut=tindak_lanjut, instansi=keys)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from None
    row = db["labels"].get(label_id)
    click.echo(
        f"Label meja no. {label_id} untuk artikel {article_id}: relevan {_yes(bool(row['relevant']))}, "
        f"{row['nilai']}, {row['sifat']}, {row['tindak_lanjut']}, instansi {row['instansi']} (oleh {actor})"
    )


@review.command("pick")
@click.argument("article_ids", type=int, nargs=-1, required=True)
@db_option
@region_option()
@click.option("--date", "day", type=_DAY, required=True, help="Tanggal lembar, YYYY-MM-DD.")
@click.option("--group-by", type=click.Choice(GROUP_BY), default=None,
              help="Kelompokkan kliping menurut nilai berita atau instansi tujuan.")
@click.option("--by", "actor", required=True, help="Nama petugas meja (dicatat).")
def review_pick(article_ids: tuple[int, ...], db_path: Path | None, region: Region, day,
                group_by: str | None, actor: str) -> None:
    """Pilih kliping lembar harian, dalam urutan yang diberikan (menggantikan pilihan sebelumnya).

    Contoh: kliping review pick 42 17 8 --region kota-yogyakarta --date 2024-10-04 --group-by nilai --by Rina
    """
    the_day: date = day.date()
    try:
        selection_id = pick(open_db(db_path), region, the_day, article_ids, by=actor, group_by=group_by)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from None
    grouping = f", dikelompokkan menurut {group_by}" if group_by else ""
    click.echo(f"Pilihan no. {selection_id} untuk {region.name} {hari_tanggal(the_day)}: "
               f"{len(article_ids)} kliping{grouping}")


@review.command("edit")
@click.argument("article_id", type=int)
@db_option
@click.option("--date", "day", type=_DAY, required=True, help="Tanggal lembar, YYYY-MM-DD.")
@click.option("--region", "region_id", default=None,
              help="Id wilayah; hanya perlu bila artikel dipilih untuk lebih dari satu wilayah.")
@click.option("--rubric", default=None, help="Rubrik yang dicetak (kosong: kembali ke aslinya).")
@click.option("--headline", default=None, help="Judul yang dicetak (kosong: kembali ke aslinya).")
@click.option("--caption", default=None, help="Keterangan foto (kosong: kembali ke aslinya).")
@click.option("--note", default=None, help="Catatan meja, dicetak di bawah tabel (kosong: hapus).")
@click.option("--by", "actor", required=True, help="Nama petugas meja (dicatat).")
def review_edit(article_id: int, db_path: Path | None, day, region_id: str | None, rubric, headline,
                caption, note, actor: str) -> None:
    """Sunting rubrik, judul, keterangan foto atau catatan kliping ARTICLE_ID di lembar tanggal itu.

    Artikel aslinya tidak diubah; suntingan hanya berlaku di lembar.

    Contoh: kliping review edit 42 --date 2024-10-04 --note "Sudah dikonfirmasi DLH" --by Rina
    """
    the_day: date = day.date()
    db = open_db(db_path)
    if region_id is None:
        regions = regions_with_pick(db, the_day, article_id)
        if len(regions) != 1:
            where = ", ".join(regions) if regions else "tidak ada pilihan meja"
            raise click.ClickException(
                f"artikel {article_id} pada {the_day.isoformat()}: {where}; sebutkan --region"
                if regions else f"artikel {article_id} belum dipilih untuk lembar {the_day.isoformat()} "
                                "mana pun; pilih dulu dengan: kliping review pick")
        region_id = regions[0]
    try:
        row = edit_item(db, region_id, the_day, article_id, by=actor, rubric=rubric,
                        headline=headline, caption=caption, note=note)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from None
    shown = ", ".join(f"{k}={row[k]!r}" for k in ("rubric", "headline", "caption", "note") if row[k])
    click.echo(f"Kliping {article_id} di lembar {region_id} {the_day.isoformat()} disunting: {shown or 'kembali ke aslinya'}")


def _timezone(archived: dict | None) -> str | None:
    """The archived sheet's region zone: the signing time is shown as the signer saw it."""
    if archived is None:
        return None
    try:
        return load_region(archived["region"]).timezone
    except RegionError:
        return None


commands = [sheet, review, certs]
