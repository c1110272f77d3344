"""The things that flow between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .raster import PageImage

# A box in PDF points, origin top-left, y down: (x0, y0, x1, y1).
BBox = tuple[float, float, float, float]


@dataclass
class Char:
    """One glyph from a text layer (or one OCR'd character run)."""

    text: str
    bbox: BBox
    size: float = 10.0
    confidence: float = 1.0  # OCR's confidence in this character; 1 for a text layer

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


@dataclass
class Segment:
    """A ruling line: horizontal when y0 == y1, vertical when x0 == x1."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass
class Cell:
    row: int
    col: int
    bbox: BBox
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    confidence: float = 1.0
    source: str = "text-layer"
    flags: list[str] = field(default_factory=list)
    # Glossary corrections made to the text: {"before", "after", "term", "score"} each.
    corrections: list[dict] = field(default_factory=list)
    second_reading: str | None = None  # the other OCR engine's reading of a doubtful cell
    page: int = 0  # 1-based page number of the cell's box
    # Where a row cut by a page break continues: (page, bbox) of each further part.
    continued: list[tuple[int, BBox]] = field(default_factory=list)
    chars: list[Char] = field(default_factory=list, repr=False)  # the characters read in the cell


def text_grid(cells: list[Cell], nrows: int, ncols: int) -> list[list[str]]:
    """Row-major texts; slots covered by a merged cell are empty strings."""
    out = [["" for _ in range(ncols)] for _ in range(nrows)]
    for c in cells:
        out[c.row][c.col] = c.text
    return out


@dataclass
class Table:
    """A table on one page, or a logical table stitched from several pages."""

    cells: list[Cell]
    nrows: int
    ncols: int
    bbox: BBox
    pages: list[int]
    col_x: list[float]  # column boundaries, ncols + 1 values
    row_y: list[float]  # row boundaries on the first page, nrows + 1 values
    text_above: str = ""  # text lines between the page top (or the previous table) and this table
    text_below: str = ""  # text lines after the page's last table

    def grid(self) -> list[list[str]]:
        return text_grid(self.cells, self.nrows, self.ncols)

    def slots(self) -> list[list[Cell | None]]:
        """The cell covering each slot, row-major (one pass over the cells, for long tables)."""
        out: list[list[Cell | None]] = [[None] * self.ncols for _ in range(self.nrows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                out[r][cell.col:cell.col + cell.colspan] = [cell] * cell.colspan
        return out

    def cell_at(self, row: int, col: int) -> Cell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    segments: list[Segment]
    tables: list[Table] = field(default_factory=list)
    error: str | None = None
    source: str = "text-layer"  # or "ocr:<engine>"
    image: PageImage | None = None  # the page image, while it waits for OCR
    # How the page image was set straight before OCR: degrees of skew undone, quarter turns.
    skew: float = 0.0
    turns: int = 0


@dataclass
class Document:
    path: Path
    pages: list[Page]
    tables: list[Table] = field(default_factory=list)  # logical tables, after stitching
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent per stage
