"""Join tables that continue over page breaks into logical tables.

A table at the top of a page continues the last table of the previous page when
nothing but page furniture lies between them and its column boundaries fall on the
previous table's. A header repeated on the continuation page is dropped, and a row
cut by the page break (one half missing the columns that rows normally fill) is
joined back into one row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from .model import Page, Table, text_grid
from .textjoin import join_lines

PAGE_FURNITURE = re.compile(
    r"^\s*(?:[-—–~\s]*\d+[-—–~\s]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+|page\s*\d+.*|续表.*|\(?续\)?)\s*$",
    re.IGNORECASE,
)
AMOUNT = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")
COLUMN_TOL = 0.03  # share of the table width within which column boundaries match
MAX_HEADER_ROWS = 3


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
    return logical


def is_furniture(text: str) -> bool:
    return all(PAGE_FURNITURE.match(line) for line in text.splitlines() if line.strip())


def continues(prev: Table, nxt: Table) -> bool:
    """Does `nxt` (first table of its page) continue `prev` (last table of the page before)?"""
    if not is_furniture(prev.text_below):
        return False
    above = nxt.text_above.strip()
    if above and not is_furniture(above) and _squash(above) != _squash(prev.text_above):
        return False
    return column_map(prev, nxt) is not None


def column_map(prev: Table, nxt: Table) -> list[int] | None:
    """Where each of nxt's column boundaries falls among prev's, or None when the two do
    not share their outer edges or one table's boundaries are not a subset of the other's
    (a page may leave out rules that its rows do not need)."""
    tol = COLUMN_TOL * (prev.col_x[-1] - prev.col_x[0])

    def matches(xs: list[float], ys: list[float]) -> list[int] | None:
        out = []
        for x in xs:
            j = min(range(len(ys)), key=lambda k: abs(ys[k] - x))
            if abs(ys[j] - x) > tol or (out and j <= out[-1]):
                return None
            out.append(j)
        return out if out[0] == 0 and out[-1] == len(ys) - 1 else None

    if matches(nxt.col_x, prev.col_x) is None and matches(prev.col_x, nxt.col_x) is None:
        return None
    for x in nxt.col_x:
        if min(abs(x - p) for p in prev.col_x) > tol:
            insert_column(prev, x)
    return matches(nxt.col_x, prev.col_x)


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
    cmap = column_map(logical, part)
    if cmap is None:
        raise ValueError("append_part needs tables whose columns line up")
    cells = [replace(c, col=cmap[c.col], colspan=cmap[c.col + c.colspan] - cmap[c.col]) for c in part.cells]
    grid = text_grid(cells, part.nrows, logical.ncols)
    skip = repeated_header_rows(logical.grid(), grid)
    if skip >= part.nrows:
        return
    # An empty first row is the bottom edge of a row cut by the break: nothing to add.
    split = not any(grid[skip]) or is_split_row(logical, grid, skip)
    offset = logical.nrows - skip - (1 if split else 0)
    for cell in cells:
        if cell.row + cell.rowspan <= skip:
            continue
        if cell.row < skip:  # a header cell reaching into the body: keep its body part
            cell = replace(cell, rowspan=cell.rowspan - (skip - cell.row), row=skip)
        if split and cell.row == skip:
            top = logical.cell_at(logical.nrows - 1, cell.col)
            if top is not None and (top.col, top.colspan) == (cell.col, cell.colspan):
                top.text = join_lines([top.text, cell.text])
                top.rowspan += cell.rowspan - 1
                top.continued.append((cell.page, cell.bbox))
                continue
        logical.cells.append(replace(cell, row=cell.row + offset))
    logical.nrows = offset + part.nrows
    logical.pages.append(part.pages[0])
    logical.cells.sort(key=lambda c: (c.row, c.col))


def repeated_header_rows(head: list[list[str]], grid: list[list[str]]) -> int:
    """How many leading rows of `grid` repeat the leading rows of `head`."""
    best = 0
    for k in range(1, min(MAX_HEADER_ROWS, len(head), len(grid)) + 1):
        if [[_squash(t) for t in row] for row in head[:k]] == [[_squash(t) for t in row] for row in grid[:k]]:
            best = k
        else:
            break
    return best


def is_split_row(logical: Table, grid: list[list[str]], first: int) -> bool:
    """Is grid row `first` the rest of the logical table's last row, cut by the page break?

    It is when one half lacks a column that rows normally fill (a slot covered by a
    merged cell with text counts as filled) while the other half has it, and the second
    half repeats no amount where the first half already has text: amounts do not wrap.
    """
    last = logical.nrows - 1
    covered = [[False] * logical.ncols for _ in range(logical.nrows)]
    for cell in logical.cells:  # one pass over the cells: long tables grow page by page
        if cell.text:
            for r in range(cell.row, cell.row + cell.rowspan):
                covered[r][cell.col:cell.col + cell.colspan] = [True] * cell.colspan
    top = {c for c in range(logical.ncols) if covered[last][c]}
    rest = {c for c in range(logical.ncols) if grid[first][c]}
    if not top or not rest or top == rest:
        return False
    others = covered[:last] + [[bool(t) for t in row] for row in grid[first + 1:]]
    filled = {c for c in range(logical.ncols) if sum(row[c] for row in others) >= 0.8 * len(others)}
    lacks_key = bool(filled & (top - rest)) or bool(filled & (rest - top))
    return lacks_key and not any(AMOUNT.match(grid[first][c]) for c in rest & top)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
