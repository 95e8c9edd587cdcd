"""Charts of a digest, drawn with matplotlib and embedded as PNG data URIs.

The object API (``Figure`` with the Agg canvas) is used rather than ``pyplot``: no
global figure state and no GUI backend, so charts can be drawn from the CLI, the web app
or a worker thread alike. PNG rather than SVG keeps WeasyPrint's PDF small and fast.
"""

from __future__ import annotations

import base64
import io
from datetime import date

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from clippings.formatting import label

__all__ = ["bar_chart", "daily_chart", "digest_charts"]

NILAI_COLOURS = {"positif": "#2e7d32", "negatif": "#c62828", "netral": "#757575"}
BAR_COLOUR = "#37474f"
MAX_BARS = 12  # more names than this do not fit a half page; the rest become "Lainnya"
OTHERS = "Lainnya"
DPI = 200
FONT = "DejaVu Sans"


def digest_charts(digest) -> dict[str, str]:
    """The digest's charts by name (``nilai``, ``instansi``, ``media``, ``harian``)."""
    charts = {
        "nilai": bar_chart(
            {label(k): v for k, v in digest.by_nilai.items()},
            colours=[NILAI_COLOURS.get(k, BAR_COLOUR) for k in digest.by_nilai],
            title="Jumlah berita menurut nilai",
            width=3.6,
        ),
        "instansi": bar_chart(digest.by_office, horizontal=True, title="Jumlah berita menurut instansi"),
        "media": bar_chart(digest.by_media, horizontal=True, title="Jumlah berita menurut media"),
    }
    if digest.days > 1:
        charts["harian"] = daily_chart(digest.by_day, title="Jumlah berita per hari")
    return charts


def bar_chart(
    counts: dict[str, int],
    *,
    title: str,
    horizontal: bool = False,
    colours: list[str] | None = None,
    width: float = 6.4,
) -> str:
    """Bars with their counts written on them; ``width`` in inches as printed, so the
    text keeps its size whatever the chart's width on the page."""
    counts = _top(counts)
    names, values = list(counts), list(counts.values())
    height = 0.9 + 0.32 * len(names) if horizontal else 2.4
    figure = Figure(figsize=(width, max(height, 1.6)), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    colour = colours if colours and len(colours) == len(names) else BAR_COLOUR
    if horizontal:
        bars = axes.barh([_wrap(n) for n in names][::-1], values[::-1],
                         color=colour[::-1] if isinstance(colour, list) else colour)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max(values + [1]) * 1.15)
    else:
        bars = axes.bar(names, values, color=colour, width=0.6)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max(values + [1]) * 1.2)
    axes.bar_label(bars, padding=2, fontsize=8, family=FONT)
    _style(axes, title)
    return _data_uri(figure)


def daily_chart(by_day: dict[date, int], *, title: str) -> str:
    days, values = list(by_day), list(by_day.values())
    figure = Figure(figsize=(6.4, 2.2), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.plot(days, values, marker="o", markersize=3, linewidth=1.4, color=BAR_COLOUR)
    axes.set_ylim(0, max(values + [1]) * 1.2)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(days) // 10)
    axes.set_xticks(days[::step], [d.strftime("%d/%m") for d in days[::step]])
    _style(axes, title)
    return _data_uri(figure)


def _top(counts: dict[str, int]) -> dict[str, int]:
    if len(counts) <= MAX_BARS:
        return dict(counts)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = dict(ordered[: MAX_BARS - 1])
    kept[OTHERS] = sum(v for _, v in ordered[MAX_BARS - 1:])
    return kept


def _wrap(name: str, width: int = 46) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _style(axes, title: str) -> None:
    axes.set_title(title, fontsize=9, family=FONT, loc="left")
    axes.tick_params(labelsize=7.5)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    for text in axes.get_xticklabels() + axes.get_yticklabels():
        text.set_family(FONT)


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
