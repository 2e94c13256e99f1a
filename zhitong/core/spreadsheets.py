"""Printable .xlsx ledgers: every workbook the project hands out is written through here, so
that it reads whole when opened in Excel, WPS or LibreOffice and when printed.

What a sheet gets:
- long cells wrap, and every row is given a height that shows all its wrapped lines.
  Excel grows a wrapped row by itself when the file leaves the height unset, but
  LibreOffice does not for a generated file (EPPlus #674, PHPExcel #588; XlsxWriter's author:
  "you shouldn't rely on this and you should explicitly set the height of the row",
  XlsxWriter #259), so the height is computed here from the text: the lines each paragraph
  takes in the column's width, a CJK character counting as two Latin ones; a record taller
  than the 409 pt a row may be spans several rows, its cells merged down them;
- column widths in Excel's character units, chosen by each ledger for its columns;
- A4, landscape by default, scaled to the page width, the header rows repeated on every
  page and frozen on screen, narrow margins, centred, "第 N 页，共 M 页" in the footer;
- text written as text: a value that starts with "=" (an enterprise's own words) never
  becomes a formula, nor a link.

Usage:

    book = Book()
    sheet = book.sheet("附件3", COLUMNS, title="…（2026年11月）", subtitle="单位名称：…")
    sheet.rows(rows)
    content = book.close()
"""

from __future__ import annotations

import io
import math
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate

FONT = "宋体"
FONT_SIZE = 11
TITLE_SIZE = 16
# Excel's column width unit is the width of "0" in the workbook's default font, XlsxWriter's
# Calibri 11 (LibreOffice: the metric-compatible Carlito): 7 px at 96 dpi, plus 5 px of
# cell margins per column.
UNIT_PX = 7.0
CELL_MARGIN_PX = 5.0
# One line of text, in ems: LibreOffice on Linux draws 宋体 with a Noto CJK face whose ascent
# plus descent is 1.448 em; SimSun in WPS and Excel is about 1.15 em, where the rows simply get
# a little air.
LINE_EM = 1.45
ROW_PADDING_PT = 5.0
MAX_ROW_PT = 409.0  # the file format's limit
# A narrow (Latin, digit) glyph in the CJK fonts the documents use, in ems (SimSun's
# half-width forms; proportional faces keep most glyphs under it).
NARROW_EM = 0.5
# Wrapping in the application differs from ours in small ways (kerning, punctuation that may
# not start a line); measuring against a slightly narrower line keeps the estimate on the
# safe side (a little white space rather than a hidden line).
SAFETY = 0.98

# Punctuation that may not start a line (it stays with the character before it) and that may
# not end one (it goes with the character after it): 禁则, as the applications apply it.
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%")
_NO_LINE_END = set("（《「『【〔〈“‘([{")

PAPER_A4 = 9


@dataclass(frozen=True)
class Column:
    """One column of a ledger: its header, its width in Excel character units (a CJK
    character takes two), and how its cells are set."""

    header: str
    width: float
    center: bool = False  # short values (序号, 是/否, dates): centred
    text: bool = False  # a column typed in by people (import templates): Excel keeps it as text
    required: bool = False  # import templates: the header in red


def char_px(ch: str, font_pt: float = FONT_SIZE) -> float:
    """The width of one character in pixels at 96 dpi: full-width (CJK ideographs, full-width
    forms, and the "ambiguous" quotes and dashes that CJK fonts draw full-width) take one
    em, others about half of one."""
    em = font_pt * 96 / 72
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return em
    return em * NARROW_EM


# The per-character caches below hold what a ledger's characters need (a few thousand CJK
# characters, Latin, punctuation); text that cycles through more distinct characters than
# this (a hostile submission, exported) empties a cache instead of growing it in a
# long-lived worker: Unicode has ~300,000 assigned characters.
CHAR_CACHE_MAX = 20_000


class _CharCache(dict):
    """Each character's value computed once by `compute` and then looked up (the row heights
    read every character of a ledger); emptied when full."""

    def __init__(self, compute: Callable):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        if len(self) >= CHAR_CACHE_MAX:
            self.clear()
        value = self[key] = self.compute(key)
        return value


# Each character's width in pixels, per font size.
_WIDTHS: dict[float, _CharCache] = {}


def _widths(font_pt: float) -> _CharCache:
    w = _WIDTHS.get(font_pt)
    if w is None:
        w = _WIDTHS[font_pt] = _CharCache(partial(char_px, font_pt=font_pt))
    return w


_WIDE = _CharCache(lambda ch: unicodedata.east_asian_width(ch) in ("W", "F", "A"))


def display_width(text: str) -> int:
    """The width of `text` in half-width columns (a CJK character counts two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 1
        for c in text
    )


# Character classes for _tokens, each character's computed once.
_OPEN, _CLOSE_WIDE, _CLOSE_NARROW, _SPACE, _WIDE_CH, _NARROW_CH = range(6)


def _char_class(ch: str) -> int:
    if ch in _NO_LINE_END:
        return _OPEN
    if ch in _NO_LINE_START:
        return _CLOSE_WIDE if _WIDE[ch] else _CLOSE_NARROW
    if ch.isspace():
        return _SPACE
    return _WIDE_CH if _WIDE[ch] else _NARROW_CH


_CLASS = _CharCache(_char_class)


def _tokens(paragraph: str) -> list[str]:
    """The pieces a line may break between: each CJK character alone, a run of Latin
    letters and digits whole (a word, a phone number), a space alone; punctuation that
    may not start a line joins the piece before it, and punctuation that may not end one
    joins the piece after it."""
    tokens: list[str] = []
    pending_open = ""
    # The last piece ends with a narrow character a Latin word goes on from (not a space,
    # not punctuation that may not start a line).
    joinable = False
    classes = _CLASS
    for ch in paragraph:
        k = classes[ch]
        if k == _OPEN:
            pending_open += ch
            continue
        if (k == _CLOSE_WIDE or k == _CLOSE_NARROW) and tokens and not pending_open:
            tokens[-1] += ch
            joinable = False
            continue
        piece = pending_open + ch if pending_open else ch
        pending_open = ""
        if (k == _NARROW_CH or k == _CLOSE_NARROW) and joinable:
            tokens[-1] += piece  # one Latin word
        else:
            tokens.append(piece)
        joinable = k == _NARROW_CH
    if pending_open:
        tokens.append(pending_open)
    return tokens


def _paragraph_lines(paragraph: str, usable_px: float, font_pt: float) -> int:
    px = _widths(font_pt)
    # A paragraph narrower than the line (with a margin for the order the widths are added
    # in below) takes one line, whatever its pieces.
    if sum(map(px.__getitem__, paragraph)) < usable_px - 1e-6:
        return 1
    lines, x = 1, 0.0
    for token in _tokens(paragraph):
        w = px[token] if len(token) == 1 else sum(map(px.__getitem__, token))
        if token.isspace():
            x += w  # a space at the end of a line hangs in the margin
            continue
        if x + w <= usable_px:
            x += w
            continue
        if x > 0:
            lines, x = lines + 1, 0.0
        if w <= usable_px:
            x = w
            continue
        for c in token:  # a piece wider than the line breaks anywhere
            cw = px[c]
            if x + cw > usable_px and x > 0:
                lines, x = lines + 1, 0.0
            x += cw
    return lines


# The fast count (_fast_lines) measures in half-ems: a narrow character takes 1, a full-width
# one 2, a combining mark 0 (char_px's three widths, exactly, while NARROW_EM is 0.5). Each
# character is translated (str.translate, in C) to one code that carries both its class for
# line breaking (_char_class) and its width: chr(_CODE0 + 3 * class + half-ems).
_CODE0 = 0x41
_HALF_EMS = bytes((i - _CODE0) % 3 if _CODE0 <= i < _CODE0 + 18 else 0 for i in range(256))


def _code(klass: int, half_ems: int) -> str:
    return chr(_CODE0 + 3 * klass + half_ems)


def _codes(*klasses: int) -> frozenset[str]:
    return frozenset(_code(k, w) for k in klasses for w in range(3))


_C_OPEN = _codes(_OPEN)
_C_CLOSE = _codes(_CLOSE_WIDE, _CLOSE_NARROW)
_C_SPACE = _codes(_SPACE)
_C_NARROW = _codes(_NARROW_CH)
_C_JOINS_WORD = _codes(_NARROW_CH, _CLOSE_NARROW)


def _char_code(cp: int) -> str:
    ch = chr(cp)
    return _code(_CLASS[ch], int(char_px(ch, 1.5)))  # at 1.5 pt an em is 2 px


# Code point -> its code, for str.translate (computed once per character).
_CODES = _CharCache(_char_code)


def _starts_piece(codes: str, i: int, n: int) -> bool:
    """Whether a piece of _tokens starts at position i (0 < i < n) of a paragraph: a line
    may break before it. The same rules as _tokens, read from the neighbouring codes: an
    opening mark stays with what follows it, a closing mark with what precedes it, and a
    Latin word (after its opening marks) goes on from a narrow character."""
    before = codes[i - 1]
    if before in _C_OPEN or codes[i] in _C_CLOSE:
        return False
    if before in _C_NARROW:
        j = i
        while j < n and codes[j] in _C_OPEN:
            j += 1
        if j < n and codes[j] in _C_JOINS_WORD:
            return False
    return True


def _fast_lines(paragraph: str, half_ems: int) -> int | None:
    """_paragraph_lines for a line `half_ems` wide, jumping from line to line over the
    running widths (bisect) instead of walking every piece: the line ends at the piece
    holding the first character that ends past it (spaces there hang in the margin, and the
    next line starts at the next piece that is not a space). None when a piece is wider than
    the line (the exact walk breaks it character by character)."""
    n = len(paragraph)
    codes = paragraph.translate(_CODES)
    cum = list(accumulate(codes.encode("ascii").translate(_HALF_EMS), initial=0))
    total = cum[n]
    lines, start = 1, 0
    while total - cum[start] > half_ems:
        base = cum[start]
        t = bisect_right(cum, base + half_ems) - 1  # the first character past the line
        while t > start and not _starts_piece(codes, t, n):
            t -= 1
        if cum[t] == base:
            return None  # nothing before the piece on this line: the piece is wider than it
        # A space alone hangs in the margin, and the spaces after it too.
        while codes[t] in _C_SPACE and (t + 1 == n or _starts_piece(codes, t + 1, n)):
            t += 1
            if t == n:
                return lines
        lines, start = lines + 1, t
    return lines


def _usable_px(width: float) -> float:
    """The width lines fill in a cell `width` Excel character units wide (less its padding)."""
    return max(1.0, (width * UNIT_PX + CELL_MARGIN_PX - 3) * SAFETY)


def _line_measure(width: float, font_pt: float) -> tuple[float, int]:
    """A cell's usable width in pixels and in half-ems (0: the fast count cannot decide it:
    a sum of half-ems falls within rounding of the line's edge, where only the exact walk's
    float sums decide as they always did)."""
    key = (width, font_pt)
    measure = _MEASURES.get(key)
    if measure is None:
        usable = _usable_px(width)
        ratio = usable / (font_pt * 96 / 72 * 0.5)
        fast = NARROW_EM == 0.5 and ratio >= 2 and abs(ratio - round(ratio)) > 1e-6
        if len(_MEASURES) >= _CACHE_MAX:
            _MEASURES.clear()
        measure = _MEASURES[key] = (usable, int(ratio) if fast else 0)
    return measure


_MEASURES: dict[tuple[float, float], tuple[float, int]] = {}
# Counts of recent paragraphs in a cell's width: a ledger repeats its unit names, labels and
# leaders on row after row. Emptied when full.
_COUNTS: dict[tuple[str, float, float], int] = {}
_CACHE_MAX = 4096


def line_count(text, width: float, font_pt: float = FONT_SIZE) -> int:
    """How many lines `text` takes in a wrapped cell `width` Excel character units wide:
    each paragraph (a line break in the text) takes the lines its words fill."""
    if text is None or text == "":
        return 1
    usable, half_ems = _line_measure(width, font_pt)
    lines = 0
    for p in str(text).split("\n"):
        if not half_ems:
            lines += _paragraph_lines(p, usable, font_pt)
        elif len(p) * 2 <= half_ems:
            lines += 1  # no character is wider than two half-ems
        else:
            key = (p, width, font_pt)
            k = _COUNTS.get(key)
            if k is None:
                k = _fast_lines(p, half_ems)
                if k is None:
                    k = _paragraph_lines(p, usable, font_pt)
                if len(_COUNTS) >= _CACHE_MAX:
                    _COUNTS.clear()
                _COUNTS[key] = k
            lines += k
    return lines


def row_height(texts: Iterable[tuple[object, float]], font_pt: float = FONT_SIZE) -> float:
    """The height in points that shows every (text, column width) of a row whole."""
    lines = max((line_count(t, w, font_pt) for t, w in texts), default=1)
    return min(MAX_ROW_PT, round(lines * font_pt * LINE_EM + ROW_PADDING_PT, 1))


class Book:
    """An .xlsx workbook whose sheets are printable ledgers: in memory (`close()` gives its
    bytes), or, given a `target` (a path or a binary file), written to it in XlsxWriter's
    constant_memory mode: each row is written out when the next one starts, so a ledger of
    any length holds one row at a time (the rows must come in order, as Sheet writes them)."""

    def __init__(self, target=None):
        import xlsxwriter

        # Text stays text: no formulas or links made out of what people typed.
        options = {"strings_to_formulas": False, "strings_to_urls": False}
        if target is None:
            self._buf = io.BytesIO()
            self.wb = xlsxwriter.Workbook(self._buf, {"in_memory": True, **options})
        else:
            self._buf = None
            self.wb = xlsxwriter.Workbook(target, {"constant_memory": True, **options})
        self._formats: dict[tuple, object] = {}
        self._sheets: list[Sheet] = []

    def format(self, **props):
        """A cell format in the ledgers' font, shared by every cell that asks for the same."""
        props = {"font_name": FONT, "font_size": FONT_SIZE, **props}
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def sheet(
        self,
        name: str,
        columns: Sequence[Column],
        *,
        title: str = "",
        subtitle: str = "",
        landscape: bool = True,
        empty_text: str | None = "（无）",
        groups: Sequence[tuple[str, int]] = (),
    ) -> Sheet:
        sheet = Sheet(
            self,
            name,
            columns,
            title=title,
            subtitle=subtitle,
            landscape=landscape,
            empty_text=empty_text,
            groups=groups,
        )
        self._sheets.append(sheet)
        return sheet

    def close(self) -> bytes | None:
        """Finish the workbook: its bytes when in memory, None when written to a target."""
        for sheet in self._sheets:
            sheet.finish()
        self.wb.close()
        return self._buf.getvalue() if self._buf is not None else None


class Sheet:
    """One ledger: an optional title and subtitle over the full width, the header row, then
    one row per record.

    `groups`: a row of group headers above the column headers, as (label, number of columns)
    from the left (seeds/000 附件1: 问题收集分解 over four columns …); a group of one column
    labelled as its column is one header cell over both rows (序号)."""

    def __init__(self, book: Book, name, columns, *, title, subtitle, landscape, empty_text, groups=()):
        self.book = book
        self.columns = list(columns)
        self.empty_text = empty_text
        self.ws = book.wb.add_worksheet(name)
        self.last_col = len(self.columns) - 1
        self.total_width = sum(c.width for c in self.columns)
        self.next_row = 0
        self.data_rows = 0
        for i, c in enumerate(self.columns):
            self.ws.set_column(i, i, c.width, book.format(num_format="@") if c.text else None)
        if title:
            f = book.format(bold=True, font_size=TITLE_SIZE, align="center", valign="vcenter", text_wrap=True)
            self.line(title, f, font_pt=TITLE_SIZE, min_pt=30)
        if subtitle:
            self.line(subtitle, book.format(valign="vcenter", text_wrap=True), min_pt=22)
        header_props = dict(
            bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color="#F2F2F2"
        )
        self.first_header_row = self.next_row
        merged_down: dict[int, tuple[str, object]] = {}
        if groups:
            r, col = self.next_row, 0
            for label, span in groups:
                f = book.format(**header_props)
                if span == 1 and label == self.columns[col].header:
                    # Merged down over both header rows: written row by row (a constant_memory
                    # sheet has left a row once the next is written), merged below.
                    self.ws.write_string(r, col, label, f)
                    merged_down[col] = (label, f)
                elif span > 1:
                    self.ws.merge_range(r, col, r, col + span - 1, label, f)
                else:
                    self.ws.write_string(r, col, label, f)
                col += span
            self.ws.set_row(r, 24.0)
            self.next_row += 1
        self.header_row = self.next_row
        for i, c in enumerate(self.columns):
            if i in merged_down:
                self.ws.write_blank(self.header_row, i, None, merged_down[i][1])
                continue
            f = book.format(**header_props, **({"font_color": "#C00000"} if c.required else {}))
            self.ws.write_string(self.header_row, i, c.header + ("*" if c.required else ""), f)
        self.ws.set_row(
            self.header_row,
            max(24.0, row_height((c.header + ("*" if c.required else ""), c.width) for c in self.columns)),
        )
        for col, (label, f) in merged_down.items():
            self._merge_written(self.header_row - 1, col, self.header_row, col, label, f)
        self.next_row += 1
        self._cell_formats: list | None = None
        self._page_setup(landscape)

    def _merge_written(self, first_row, first_col, last_row, last_col, value, fmt) -> None:
        """Merge a range over more than one row whose cells are already written (the value in
        its first cell, blanks in the format elsewhere), as merge_range leaves them.

        In memory, merge_range itself (it writes the same cells again). In constant_memory
        mode merge_range cannot be used once its first row is left (XlsxWriter refuses any
        write above the current row, and its blanks would leave the first row before its
        other cells are written), so the range is recorded as merge_range records it: in the
        worksheet's list of merged ranges (written at close) and its map of merged cells
        (overlap checks). These are XlsxWriter's own attributes (3.x); the Annex 1 golden
        test reads the merged ranges back from the file and fails if they are lost."""
        ws = self.ws
        if not ws.constant_memory:
            ws.merge_range(first_row, first_col, last_row, last_col, value, fmt)
            return
        from xlsxwriter.utility import xl_range

        cell_range = xl_range(first_row, first_col, last_row, last_col)
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (row, col) in ws.merged_cells:
                    raise ValueError(f"merge {cell_range} overlaps {ws.merged_cells[(row, col)]}")
                ws.merged_cells[(row, col)] = cell_range
        ws.merge.append([first_row, first_col, last_row, last_col])

    def _page_setup(self, landscape: bool) -> None:
        ws = self.ws
        ws.set_paper(PAPER_A4)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # the full width on one page, as many pages down as it takes
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.repeat_rows(self.first_header_row, self.header_row)
        ws.freeze_panes(self.header_row + 1, 0)
        ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})

    def line(self, text: str, fmt, *, font_pt: float = FONT_SIZE, min_pt: float = 0.0) -> None:
        """A line of text over the full width (a title, a subtitle, a note)."""
        r = self.next_row
        if self.last_col > 0:
            self.ws.merge_range(r, 0, r, self.last_col, text, fmt)
        else:
            self.ws.write_string(r, 0, text, fmt)
        self.ws.set_row(r, max(min_pt, row_height([(text, self.total_width)], font_pt)))
        self.next_row += 1

    def row(self, values: Sequence) -> None:
        """One record: strings as text, numbers as numbers, None as an empty cell.

        A record taller than a row may be (409 pt, some 25 lines) takes as many rows as it
        needs, each of its cells merged down them, so that the longest text still reads whole."""
        r = self.next_row
        values = [("是" if v else "否") if isinstance(v, bool) else v for v in values]
        pairs = list(zip(values, self.columns, strict=False))
        formats = self._cell_formats
        if formats is None:
            formats = self._cell_formats = [
                self.book.format(
                    border=1,
                    valign="top",
                    text_wrap=True,
                    **({"align": "center"} if column.center else {}),
                    **({"num_format": "@"} if column.text else {}),
                )
                for column in self.columns
            ]
        lines = max((line_count(v, c.width) for v, c in pairs), default=1)
        needed = lines * FONT_SIZE * LINE_EM + ROW_PADDING_PT
        span = max(1, math.ceil(needed / MAX_ROW_PT))
        ws = self.ws
        # Row by row (a constant_memory sheet has left a row once the next is written): the
        # record's cells in its first row, blanks below them, then the merges recorded.
        for k in range(span):
            ws.set_row(r + k, round(needed / span, 1))
            for i, (value, _column) in enumerate(pairs):
                f = formats[i]
                if k:
                    ws.write_blank(r + k, i, None, f)
                elif span > 1:
                    ws.write(r, i, "" if value is None else value, f)
                elif value is None or value == "":
                    ws.write_blank(r, i, None, f)
                elif isinstance(value, int | float):
                    ws.write_number(r, i, value, f)
                else:
                    ws.write_string(r, i, str(value), f)
        if span > 1:
            for i, (value, _column) in enumerate(pairs):
                self._merge_written(r, i, r + span - 1, i, "" if value is None else value, formats[i])
        self.next_row += span
        self.data_rows += 1

    def autofilter(self) -> None:
        """Filter buttons on the header row (over the rows written so far)."""
        self.ws.autofilter(self.header_row, 0, max(self.header_row, self.next_row - 1), self.last_col)

    def rows(self, rows: Iterable[Sequence]) -> None:
        for values in rows:
            self.row(values)

    def finish(self) -> None:
        if self.data_rows == 0 and self.empty_text:
            self.line(
                self.empty_text, self.book.format(border=1, align="center", valign="vcenter"), min_pt=24
            )


def ledger_xlsx(
    *,
    sheet: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    title: str = "",
    subtitle: str = "",
    landscape: bool = True,
) -> bytes:
    """A workbook of one ledger."""
    book = Book()
    book.sheet(sheet, columns, title=title, subtitle=subtitle, landscape=landscape).rows(rows)
    return book.close()
