"""Printing a sheet's HTML parts to one PDF, in parallel.

WeasyPrint lays out a document in one thread; a 50-clipping sheet (about 90 pages)
took 6–8 s that way, against the desk's 3 s target. Clippings start on their own page
and never share one, so the sheet is cut into parts (the cover, then runs of
clippings), each part is printed by a worker process, and the PDFs are joined with
pikepdf. The only thing a part cannot know is its place in the whole document, so the
parts are printed without "Halaman X dari Y" and the numbers are laid over the joined
pages afterwards from a one-line-per-page document using the same ``@page`` rules.

WeasyPrint and the fonts are loaded once, before the workers are forked, so each
worker starts ready; :class:`Background` lets a publisher print the whole sheet in a
child process while it loads the signing code itself.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clippings.files import atomic_path

logger = logging.getLogger(__name__)

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is pt (1/72 in)
SIGNATURE_SPACE_CLASS = "signature-space"

_font_config = None
_warm = False


@dataclass(frozen=True)
class PartResult:
    pdf: bytes
    pages: int
    signature_box: tuple[float, float, float, float] | None  # PDF points, last page


@dataclass(frozen=True)
class RenderedPdf:
    path: Path
    pages: int
    # Where the signer's signature space sits on the last page (x1, y1, x2, y2 in pt,
    # origin bottom-left), for a visible signature box; None when there is none.
    signature_box: tuple[float, float, float, float] | None


def _weasyprint():
    """The ``weasyprint`` module, imported without the slow search for its C libraries.

    WeasyPrint asks cffi for each of its six libraries under several names; on Linux
    every name but the soname (``libpango-1.0.so.0``...) fails and cffi then calls
    ``ctypes.util.find_library``, which runs ``ldconfig``, ``gcc`` and ``ld`` per name
    (Kozea/WeasyPrint#1125): about 0.25 s of CPU, and up to 0.6 s on a busy machine,
    on every cold start. The sonames are in WeasyPrint's lists and load directly, so
    the search is switched off for the duration of the import. Elsewhere, or if that
    import fails, the import runs untouched.
    """
    with _IMPORT_LOCK:  # two threads must not both swap the search function
        if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
            import ctypes.util

            search = ctypes.util.find_library
            ctypes.util.find_library = _no_library_search
            try:
                # WeasyPrint prints installation advice when a name fails; silence it
                # here, the plain import below speaks if the libraries are really missing.
                with contextlib.redirect_stdout(io.StringIO()):
                    import weasyprint  # noqa: F401
            except OSError as exc:
                logger.debug("impor WeasyPrint tanpa pencarian pustaka gagal (%s); diulang", exc)
            finally:
                ctypes.util.find_library = search
    import weasyprint

    return weasyprint


_IMPORT_LOCK = threading.Lock()


def _no_library_search(name: str) -> None:
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher

    # Only inline and local resources: a sheet never reaches the network.
    return URLFetcher(allowed_protocols={"data", "file"})


def _fonts():
    global _font_config
    if _font_config is None:
        _weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def render_part(html: str, base: str) -> PartResult:
    """Print one HTML document; also report where its last signature space is."""
    HTML = _weasyprint().HTML  # noqa: N806 - the class, under its usual name

    document = HTML(string=html, base_url=base, url_fetcher=_fetcher()).render(font_config=_fonts())
    box = _signature_box(document.pages[-1]) if document.pages else None
    return PartResult(document.write_pdf(), len(document.pages), box)


def _signature_box(page) -> tuple[float, float, float, float] | None:
    found = None
    for box in page._page_box.descendants():  # noqa: SLF001 - WeasyPrint has no public box API
        element = getattr(box, "element", None)
        if element is None or box.element_tag != "div":
            continue
        if SIGNATURE_SPACE_CLASS in (element.get("class") or "").split():
            found = box  # the last one on the page is the signer block closing it
    if found is None:
        return None
    x = found.border_box_x() * PX_TO_PT
    top = found.border_box_y() * PX_TO_PT
    width = found.border_width() * PX_TO_PT
    height = found.border_height() * PX_TO_PT
    page_height = page.height * PX_TO_PT
    return (x, page_height - top - height, x + width, page_height - top)


def warm_up() -> None:
    """Load WeasyPrint, its lazily imported PDF and image code, and the fonts once in
    this process, before workers are forked.

    A fresh worker otherwise spends up to a second importing modules, compiling the C
    declarations of the font subsetter and scanning fonts before its first page; forked
    from a warmed parent it starts ready.
    """
    global _warm
    if _warm:
        return
    # Importing creates objects that all live on, so the collector's passes during
    # the import (about 0.08 s of the 0.6 s) find nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        HTML = _weasyprint().HTML  # noqa: N806
        HTML(string=_WARM_UP_HTML, url_fetcher=_fetcher()).write_pdf(font_config=_fonts())
        _warm = True
    finally:
        if collecting:
            gc.enable()


# One pixel PNG, a table and the fonts the sheet uses: enough to load every code path.
_WARM_UP_HTML = (
    '<p style="font-family: DejaVu Sans">Kliping <b>tebal</b> <i>miring</i></p>'
    '<p style="font-family: DejaVu Serif; text-align: justify">Kliping <b>tebal</b></p>'
    '<p style="font-family: DejaVu Sans Mono">https://contoh.test/</p>'
    '<table style="table-layout: fixed"><tr><th>Instansi</th><td>Dinas</td></tr></table>'
    '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4'
    '2mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==">'
)


# Page numbers: one tall page with a right-aligned line per sheet page, drawn once;
# each sheet page shows its own line through a clipped window.
NUMBER_LINE_MM = 4.0
NUMBER_WIDTH_MM = 60.0
MM = 72 / 25.4


WORKERS_SETTING = "KLIPING_SHEET_WORKERS"


class Background:
    """A call running in a forked child process while the caller does something else.

    Used to print a sheet while the publishing process loads the signing code: both
    are single-threaded slow starts (WeasyPrint and its fonts, pyHanko), so on two
    cores they take the time of the longer one instead of their sum. The call is a
    closure (a forked child needs nothing pickled but the answer). With ``fork=False``,
    where a child cannot be forked, or when it dies without an answer, :meth:`result`
    makes the call in this process instead: the same outcome, only slower.
    """

    def __init__(self, call: Callable[[], Any], *, fork: bool = True) -> None:
        self._call = call
        self._process = None
        self._answers = None
        if not fork:
            return
        sender = None
        try:
            context = multiprocessing.get_context("fork")
            self._answers, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_answer, args=(sender, call), name="kliping-cetak")
            self._process.start()
        except (OSError, ValueError, AssertionError) as exc:
            # ValueError: no fork on this platform; AssertionError: a daemon process
            # may not have children.
            logger.warning("proses pencetak terpisah tidak dapat dibuat (%s); dicetak di proses ini", exc)
            self._process = None
        finally:
            if sender is not None:
                sender.close()  # the child holds its own copy

    def result(self) -> Any:
        """The call's return value, or its exception raised here."""
        if self._process is None:
            return self._call()
        try:
            status, value = self._answers.recv()
        except EOFError:
            self._process.join()
            logger.warning("proses pencetak berhenti tanpa hasil (kode keluar %s); dicetak di proses ini",
                           self._process.exitcode)
            self._process = None
            return self._call()
        self._process.join()
        self._process = None
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        """Wait for the child; closing the pipe first stops it if nobody reads its answer."""
        if self._answers is not None:
            self._answers.close()
        if self._process is not None:
            self._process.join()
            self._process = None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _answer(sender, call: Callable[[], Any]) -> None:
    """In the child: make the call and send back ("ok", value) or ("error", exception)."""
    try:
        answer = ("ok", call())
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
        where = "".join(traceback.format_exception(exc))
        if _survives_pickling(exc):
            exc.add_note(f"(di proses pencetak)\n{where}")
        else:  # e.g. an exception class whose __init__ takes other arguments
            exc = RuntimeError(f"{type(exc).__name__}: {exc}\n(di proses pencetak)\n{where}")
        answer = ("error", exc)
    try:
        sender.send(answer)
    except OSError:
        pass  # the caller stopped waiting


def _survives_pickling(value: object) -> bool:
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:  # noqa: BLE001 - any failure means it cannot travel as it is
        return False
    return True


def default_workers() -> int:
    """Processes that print a sheet: ``KLIPING_SHEET_WORKERS``, else one per core.

    A web server that prints sheets while answering requests may want fewer.
    """
    raw = os.environ.get(WORKERS_SETTING, "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            logger.warning("%s=%r bukan bilangan bulat; dipakai jumlah inti prosesor", WORKERS_SETTING, raw)
    return os.cpu_count() or 1


def _render_in_pool(parts: Sequence[str], base: str, workers: int,
                    weights: Sequence[float]) -> list[PartResult]:
    from concurrent.futures.process import BrokenProcessPool

    warm_up()
    # Workers take the next part as they finish one; heaviest first, so the last ones
    # taken are small and the workers finish together.
    order = sorted(range(len(parts)), key=lambda n: -weights[n])
    # The objects loaded so far (WeasyPrint, fonts, templates) live as long as the
    # workers: frozen, the workers' garbage collections skip them instead of walking
    # them again and again (and leave their memory pages shared with this process).
    gc.freeze()
    try:
        # fork: workers inherit the warmed-up fonts instead of importing everything again.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            done = dict(zip(order, pool.map(_render_part_in_worker, [parts[n] for n in order],
                                            [base] * len(parts)), strict=True))
    except (BrokenProcessPool, OSError, AssertionError) as exc:
        # No child processes here (a daemon process, a sandbox, a worker killed for
        # memory): print in this process, slower but the same PDF.
        logger.warning("pencetakan paralel tidak dapat dipakai (%s); dicetak berurutan", exc)
        return [render_part(part, base) for part in parts]
    finally:
        gc.unfreeze()
    return [done[n] for n in range(len(parts))]


def _render_part_in_worker(html: str, base: str) -> PartResult:
    """:func:`render_part` without garbage collection until the part is printed.

    Layout makes few reference cycles (the peak memory of a part is the same), but
    the collector would walk the young boxes many times per page. A worker is a
    process of its own, so switching the collector off there touches nobody else.
    """
    gc.disable()
    try:
        return render_part(html, base)
    finally:
        gc.enable()


def render_parts(
    parts: Sequence[str],
    out_path: str | Path,
    *,
    base: str,
    furniture_html: str | None = None,
    numbers_html=None,
    numbers_place: tuple[float, float] = (18.0, 26.0),
    workers: int | None = None,
    weights: Sequence[float] | None = None,
) -> RenderedPdf:
    """Print ``parts`` in worker processes and join them into ``out_path`` (atomically).

    ``furniture_html`` is printed once and its page laid over every page (footer,
    watermark). ``numbers_html(total)`` returns the page-number document (see
    ``templates/sheet.pages.html.j2``): line *i* of its single page says "Halaman i
    dari total". Each line is laid over page *i* with its top-right corner
    ``numbers_place`` = (mm from the right edge, mm from the bottom edge).
    ``weights`` estimate how long each part takes to lay out (any unit; by default
    the length of its HTML) and decide the order the workers take them in.
    """
    import pikepdf

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    weights = list(weights) if weights is not None else [len(part) for part in parts]
    if len(weights) != len(parts):
        raise ValueError(f"{len(weights)} weights for {len(parts)} parts")
    documents = list(parts)
    if furniture_html is not None:
        # Printed with the parts: one short page, taken last.
        documents.append(furniture_html)
        weights.append(0)
    workers = max(1, min(workers or default_workers(), len(parts)))
    if workers == 1:
        printed = [render_part(document, base) for document in documents]
    else:
        printed = _render_in_pool(documents, base, workers, weights)
    results = printed[: len(parts)]
    total = sum(r.pages for r in results)
    merged = pikepdf.open(io.BytesIO(results[0].pdf))
    for result in results[1:]:
        merged.pages.extend(pikepdf.open(io.BytesIO(result.pdf)).pages)
    if furniture_html is not None:
        _lay_furniture(merged, printed[-1])
    if numbers_html is not None:
        _lay_page_numbers(merged, render_part(numbers_html(total), base), numbers_place)
    with atomic_path(out_path) as tmp:
        merged.save(tmp)
    return RenderedPdf(out_path, total, results[-1].signature_box)


def _lay_furniture(merged, furniture: PartResult) -> None:
    """Draw the one furniture page over every page, as one shared form."""
    import pikepdf

    if furniture.pages != 1:
        raise RuntimeError(f"the footer layer printed {furniture.pages} pages instead of one")
    source = pikepdf.open(io.BytesIO(furniture.pdf))
    form = merged.copy_foreign(source.pages[0].as_form_xobject())
    for target in merged.pages:
        name = target.add_resource(form, pikepdf.Name.XObject, prefix="Kaki")
        target.contents_add(pikepdf.Stream(merged, b"q\n"), prepend=True)
        target.contents_add(pikepdf.Stream(merged, f"Q q {name} Do Q\n".encode()))


def _lay_page_numbers(merged, numbers: PartResult, place: tuple[float, float]) -> None:
    """Give page *i* the *i*-th line of the number page, as its own small form.

    WeasyPrint draws the lines of the number page as one text object with a text
    matrix and a show-text operator per line; each form keeps the graphics state
    around the text and only its own line, so a text extractor (or a screen reader)
    finds exactly one "Halaman i dari N" per page.
    """
    import pikepdf

    source = pikepdf.open(io.BytesIO(numbers.pdf))
    page = source.pages[0]
    operations = pikepdf.parse_content_stream(page)
    places = [n for n, op in enumerate(operations) if str(op.operator) == "Tm"]
    shows = [n for n, op in enumerate(operations) if str(op.operator) in ("TJ", "Tj")]
    total = len(merged.pages)
    if len(places) != total or len(shows) != total or places[-1] > shows[-1]:
        raise RuntimeError(
            f"page-number document has {len(shows)} text lines for {total} pages; "
            "has templates/sheet.pages.html.j2 changed?")
    head, tail = operations[: places[0]], operations[shows[-1] + 1 :]
    # Text state set between the lines (font, size, colour) applies to all of them.
    state = [op for n, op in enumerate(operations[places[0] : shows[-1]], start=places[0])
             if n not in places and n not in shows]
    sheet_height = float(page.mediabox[3])
    line, width = NUMBER_LINE_MM * MM, NUMBER_WIDTH_MM * MM
    for index, target in enumerate(merged.pages):
        content = pikepdf.unparse_content_stream(
            [*head, *state, operations[places[index]], operations[shows[index]], *tail])
        form = pikepdf.Stream(source, content)
        form.Type = pikepdf.Name.XObject
        form.Subtype = pikepdf.Name.Form
        form.BBox = page.mediabox
        form.Resources = page.Resources
        name = target.add_resource(merged.copy_foreign(form), pikepdf.Name.XObject, prefix="Nomor")
        box = [float(v) for v in target.mediabox]
        right = box[2] - place[0] * MM
        top = box[1] + place[1] * MM
        line_top = sheet_height - index * line  # top of line index+1, from the page bottom
        target.contents_add(pikepdf.Stream(merged, b"q\n"), prepend=True)
        target.contents_add(pikepdf.Stream(merged, (
            f"Q q 1 0 0 1 {right - width:.3f} {top - line_top:.3f} cm {name} Do Q\n").encode()))
