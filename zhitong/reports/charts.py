"""Chart images for the documents (the monthly briefing), drawn with matplotlib.

Why matplotlib: the pages draw with ECharts in the browser, but a Word document needs a
raster image made on the server, without a browser; matplotlib is the maintained standard for
that, draws CJK text with a given font file, and needs no display (the Agg canvas, no pyplot:
safe in a web worker).

The labels are Chinese, so the font must have CJK glyphs: Noto Sans CJK (installed by `make
browser`, the fonts-noto-cjk package). Without it — or without matplotlib — no chart is drawn
(`bar_png` returns None) and the document keeps its tables; it never shows boxes for
characters.
"""

from __future__ import annotations

import io
from pathlib import Path

# Where the Noto Sans CJK faces are on Debian/Ubuntu (fonts-noto-cjk) and elsewhere.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
COLOR = "#2f6db5"
LATE = "#c62828"


def cjk_font_path() -> str | None:
    """The Noto Sans CJK font file, or None when it is not installed."""
    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    try:
        from matplotlib import font_manager
    except ImportError:
        return None
    for f in font_manager.fontManager.ttflist:
        if "Noto Sans CJK" in f.name:
            return f.fname
    return None


def bar_png(
    labels: list[str],
    series: list[tuple[str, list[int]]],
    *,
    title: str = "",
    horizontal: bool = False,
    width_cm: float = 15.0,
) -> bytes | None:
    """A bar chart as PNG bytes: one group of bars per label, one bar per (name, values) of
    `series`; None when it cannot be drawn in Chinese (no matplotlib, no CJK font) or there
    is nothing to draw."""
    if not labels or not series:
        return None
    font = cjk_font_path()
    if font is None:
        return None
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
    except ImportError:
        return None
    prop = FontProperties(fname=font, size=9)
    n = len(labels)
    width_in = width_cm / 2.54
    height_in = max(2.4, 0.32 * n + 1.0) if horizontal else 3.2
    fig = Figure(figsize=(width_in, height_in), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    k = len(series)
    step = 0.8 / k
    colors = [COLOR, "#6aa84f", LATE, "#f2b705"]
    positions = list(range(n))
    for i, (name, values) in enumerate(series):
        offs = [p - 0.4 + step * (i + 0.5) for p in positions]
        if horizontal:
            bars = ax.barh(offs, values, height=step, color=colors[i % 4], label=name)
        else:
            bars = ax.bar(offs, values, width=step, color=colors[i % 4], label=name)
        for b, v in zip(bars, values, strict=False):
            if not v:
                continue
            if horizontal:
                ax.text(
                    b.get_width(), b.get_y() + b.get_height() / 2, f" {v}", va="center", fontproperties=prop
                )
            else:
                ax.text(
                    b.get_x() + b.get_width() / 2,
                    b.get_height(),
                    str(v),
                    ha="center",
                    va="bottom",
                    fontproperties=prop,
                )
    if horizontal:
        ax.set_yticks(positions)
        ax.set_yticklabels(labels, fontproperties=prop)
        ax.invert_yaxis()
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        ax.set_xticks(positions)
        ax.set_xticklabels(
            labels, fontproperties=prop, rotation=30 if n > 6 else 0, ha="right" if n > 6 else "center"
        )
        ax.yaxis.get_major_locator().set_params(integer=True)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        if not label.get_text():
            label.set_fontproperties(prop)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontproperties=FontProperties(fname=font, size=11))
    if k > 1:
        ax.legend(prop=prop, frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
