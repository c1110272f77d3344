"""Join tables that continue over page breaks into logical tables.

A table at the top of a page continues the last table of the previous page when
nothing but page furniture lies between them and its column boundaries fall on the
previous table's. A header repeated on the continuation page is dropped, and a row
cut by the page break (one half missing the columns that rows normally fill) is
joined back into one row.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from .model import Cell, Page, Table, text_grid
from .tables import text_of
from .textjoin import ended_ocr_text, group_lines, join_lines, squashed

# Page numbers and continuation marks. A page number OCR misread on a worn page ("第1质",
# "糖2氨") still is a short number with at most one character either side.
PAGE_FURNITURE = re.compile(
    r"^\s*(?:[-—–~\s]*\d+[-—–~\s]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+|page\s*\d+.*|续表.*|\(?续\)?"
    r"|\S?\s*\d{1,3}\s*\S?)\s*$",
    re.IGNORECASE,
)
SPECKS = re.compile(r"[.·,，。、'`‘’]")
AMOUNT = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")
COLUMN_TOL = 0.03  # share of the table width within which column boundaries match
MAX_HEADER_ROWS = 3
HEADING_SIMILARITY = 0.8
# A header row read across, or its lines atop a first row, is known by less: both pages'
# headers may be misread (the lines must also leave the row going on below them).
HEADER_ACROSS_SIMILARITY = 0.65
MAX_HEADER_LINES = 3  # lines of one header cell


def stitch(pages: list[Page]) -> list[Table]:
    logical: list[Table] = []
    last_page_of: dict[int, int] = {}  # id(logical table) -> page its last part is on
    for page in pages:
        for i, table in enumerate(page.tables):
            prev = logical[-1] if logical else None
            if (
                i == 0
                and prev is not None
                and last_page_of[id(prev)] == page.number - 1
                and continues(prev, table)
            ):
                append_part(prev, table)
            else:
                logical.append(replace(table, cells=list(table.cells), pages=list(table.pages)))
                prev = logical[-1]
            last_page_of[id(logical[-1])] = page.number
    for table in logical:  # now that cut rows are whole
        for cell in table.cells:
            if cell.source != "text-layer":
                cell.text = ended_ocr_text(cell.text)
    return logical


def is_furniture(text: str) -> bool:
    # Specks of the paper read as dots or commas do not make a page number text.
    return all(PAGE_FURNITURE.match(SPECKS.sub("", line)) for line in text.splitlines() if line.strip())


def continues(prev: Table, nxt: Table) -> bool:
    """Does `nxt` (first table of its page) continue `prev` (last table of the page before)?"""
    if not is_furniture(prev.text_below):
        return False
    above = nxt.text_above.strip()
    if above and not is_furniture(above) and squashed(above) != squashed(prev.text_above):
        return False
    return column_map(prev, nxt) is not None


def column_map(prev: Table, nxt: Table) -> tuple[list[float], list[int]] | None:
    """The column boundaries of prev joined with those only nxt has, and where each of
    nxt's boundaries falls among them; None when the two tables do not share their outer
    edges. Either page may leave out rules that its rows do not need, so each may have
    boundaries the other lacks."""
    tol = COLUMN_TOL * (prev.col_x[-1] - prev.col_x[0])
    if abs(prev.col_x[0] - nxt.col_x[0]) > tol or abs(prev.col_x[-1] - nxt.col_x[-1]) > tol:
        return None
    joined = sorted(prev.col_x + [x for x in nxt.col_x[1:-1] if min(abs(x - p) for p in prev.col_x) > tol])
    cmap = [min(range(len(joined)), key=lambda k: abs(joined[k] - x)) for x in nxt.col_x]
    return (joined, cmap) if all(a < b for a, b in zip(cmap, cmap[1:], strict=False)) else None


def insert_column(table: Table, x: float) -> None:
    """Split the table's columns at x: cells crossing x widen by one, cells right of it move."""
    k = next(i for i, b in enumerate(table.col_x) if b > x)  # new boundary index
    for cell in table.cells:
        if cell.col >= k:
            cell.col += 1
        elif cell.col + cell.colspan >= k:
            cell.colspan += 1
    table.col_x.insert(k, x)
    table.ncols += 1


def append_part(logical: Table, part: Table) -> None:
    columns = column_map(logical, part)
    if columns is None:
        raise ValueError("append_part needs tables whose columns line up")
    joined, cmap = columns
    # Rows are compared on the columns both pages rule, so that a column one page splits
    # and the other does not cannot make a row look cut.
    shared = [k for k, x in enumerate(joined) if x in logical.col_x and k in cmap]
    group_of = [bisect.bisect_right(shared, k) - 1 for k in range(len(joined) - 1)]
    for x in joined:
        if x not in logical.col_x:
            insert_column(logical, x)
    cells = [replace(c, col=cmap[c.col], colspan=cmap[c.col + c.colspan] - cmap[c.col]) for c in part.cells]
    grid = text_grid(cells, part.nrows, logical.ncols)
    skip = repeated_header_rows(logical.grid(), grid)
    if not skip and header_lines_taken_out(logical.grid()[0], cells):
        grid = text_grid(cells, part.nrows, logical.ncols)
    if skip >= part.nrows:
        return
    # An empty first row is the bottom edge of a row cut by the break: nothing to add.
    split = not any(grid[skip]) or is_split_row(logical, grid, skip, group_of, cells)
    offset = logical.nrows - skip - (1 if split else 0)
    for cell in cells:
        if cell.row + cell.rowspan <= skip:
            continue
        if cell.row < skip:  # a header cell reaching into the body: keep its body part
            cell = replace(cell, rowspan=cell.rowspan - (skip - cell.row), row=skip)
        if split and cell.row == skip:
            top = logical.cell_at(logical.nrows - 1, cell.col)
            if top is not None and top.col == cell.col:
                top.text = join_lines([top.text, cell.text])
                top.chars = top.chars + cell.chars
                top.confidence = min(top.confidence, cell.confidence)
                top.rowspan += cell.rowspan - 1
                top.continued.append((cell.page, cell.bbox))
                continue
        logical.cells.append(replace(cell, row=cell.row + offset))
    logical.nrows = offset + part.nrows
    logical.pages.append(part.pages[0])
    logical.cells.sort(key=lambda c: (c.row, c.col))


def repeated_header_rows(head: list[list[str]], grid: list[list[str]]) -> int:
    """How many leading rows of `grid` repeat the leading rows of `head` (each cell the same
    but for a character or two in five that OCR read differently on the two pages). On a worn
    scan a merged heading may be cut in two on one page, so a row whose text is the same read
    across is the same too; the first row, where it is much the same."""
    best = 0
    for k in range(1, min(MAX_HEADER_ROWS, len(head), len(grid)) + 1):
        r = k - 1
        # Rows below the first may be data rows, of which the next page's are much alike.
        across = HEADER_ACROSS_SIMILARITY if r == 0 else HEADING_SIMILARITY
        if (all(_same_heading(a, b) for a, b in zip(head[r], grid[r], strict=True))
                or _same_heading("".join(head[r]), "".join(grid[r]), across)):
            best = k
        else:
            break
    return best


def header_lines_taken_out(header: list[str], cells: list[Cell]) -> bool:
    """Take the header row out of the top of the first row's cells, where a page repeats the
    header with no rule under it and the header's lines open the cells of its first row;
    returns whether it did. The top lines of each cell that come closest to the header's
    text over its columns must read as the header row does, across the row."""
    first = [c for c in cells if c.row == 0 and c.chars]
    lines = [group_lines(c.chars) for c in first]
    tops = []  # how many of each cell's lines the header takes
    for cell, cell_lines in zip(first, lines, strict=True):
        want = squashed("".join(header[cell.col:cell.col + cell.colspan]))
        texts = ["".join(ch.text for ch in line) for line in cell_lines]
        tops.append(min(range(min(len(texts), MAX_HEADER_LINES) + 1),
                        key=lambda n: Levenshtein.distance(squashed("".join(texts[:n])), want)))
    taken = list(zip(lines, tops, strict=True))
    read = squashed("".join(ch.text for cell_lines, n in taken for line in cell_lines[:n] for ch in line))
    going_on = sum(len(cell_lines) > n for cell_lines, n in taken)
    similarity = Levenshtein.normalized_similarity(squashed("".join(header)), read)
    if not going_on or similarity < HEADER_ACROSS_SIMILARITY:
        return False
    for cell, (cell_lines, n) in zip(first, taken, strict=True):
        cell.chars = [ch for line in cell_lines[n:] for ch in line]
        cell.text = text_of(cell.chars, cell.source)
    return True


def _same_heading(a: str, b: str, least: float = HEADING_SIMILARITY) -> bool:
    a, b = squashed(a), squashed(b)
    return a == b or (bool(a) and bool(b) and Levenshtein.normalized_similarity(a, b) >= least)


def is_split_row(logical: Table, grid: list[list[str]], first: int, group_of: list[int],
                 cells: list[Cell]) -> bool:
    """Is grid row `first` (of the part whose `cells` these are) the rest of the logical
    table's last row, cut by the page break?

    It is when one half lacks a column that rows normally fill (a slot covered by a
    merged cell with text counts as filled, and on the new page one spanning rows, whose
    text the page before holds) while the other half has it, and the second half repeats
    no amount where the first half already has text: amounts do not wrap. Columns are
    taken in groups, `group_of[column]`, the columns both halves rule.
    """
    last = logical.nrows - 1
    covered = [[False] * logical.ncols for _ in range(logical.nrows)]
    for cell in logical.cells:  # one pass over the cells: long tables grow page by page
        if cell.text:
            for r in range(cell.row, cell.row + cell.rowspan):
                covered[r][cell.col:cell.col + cell.colspan] = [True] * cell.colspan

    def groups(row: list) -> set[int]:
        return {group_of[c] for c, filled in enumerate(row) if filled}

    top = groups(covered[last])
    spanning = {c for cell in cells if cell.rowspan > 1 and cell.row <= first < cell.row + cell.rowspan
                for c in range(cell.col, cell.col + cell.colspan)}
    rest = groups([bool(text) or c in spanning for c, text in enumerate(grid[first])])
    if not top or not rest or top == rest:
        return False
    others = [groups(row) for row in covered[:last] + grid[first + 1:]]
    filled = {g for g in set(group_of) if sum(g in row for row in others) >= 0.8 * len(others)}
    lacks_key = bool(filled & (top - rest)) or bool(filled & (rest - top))
    return lacks_key and not any(AMOUNT.match(text) for c, text in enumerate(grid[first])
                                 if group_of[c] in rest & top)
