"""Flag the cells a person should look at.

A cell is flagged when OCR read it with low confidence, when the glossary corrected it (see
correct.py), when OCR'd text looks wrong in a way print never is (an enumeration number without
its 、, brackets or quotes that do not pair up) or is one character off a glossary term, when
its number fails to parse in a column of amounts, when a percentage is over 100 %, or when the
arithmetic of the table does not add up: a 合计/小计/总计 row against the sum of its items, and
a 总计 (or 合计) column against the sum of the source columns beside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal, InvalidOperation

import cv2
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .correct import BARE_ITEM_NUMBER
from .model import Cell, Table
from .ocr import INK_GREY, OcrEngine
from .raster import PageImage
from .textjoin import cell_text, squashed, tidy_ocr_text

LOW_CONFIDENCE = 0.7  # cells with a character read less surely than this are flagged
# OCR reads ≥ and ≤ as > and < with middling confidence, and targets are written with all four.
SIGN_CONFIDENCE = 0.8
SIGNS = set("<>≤≥")
DOUBLED_HAN = re.compile(r"([\u4e00-\u9fff])\1")
# A last sentence ends as the others do; OCR drops a final 。 after a figure, or adds a speck.
SENTENCE_ENDS = ("。", "）", ")", "”", "】", "」", "；", ";")
SECOND_OPINION_BELOW = 0.9  # cells read less surely than this are read again by the other engine
CROP_MARGIN = 1.0  # points of the cell's box left off its crop, where the rules were
# A cell OCR read nothing in holds print it missed when a blob of ink this many points tall
# or wide is left in it once the rules are erased, RULE_BAND points clear of its sides (where
# pieces of a broken rule stay); smaller ones are specks of the paper.
PRINT_BLOB = 2.5
RULE_BAND = 3.0
# Such a cell is read again on its own (a lone 0 escapes the page's text detection); what is
# read at least this surely is kept, less sure readings (the lettering of a seal) are not.
SURE_REREAD = 0.9
AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
NUMBERISH = re.compile(r"^[-+]?[\d,.，。·\s]+$")
EMPTY_AMOUNT = {"", "-", "—", "–", "/", "*", "0", "——"}
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
TOTAL_ROW = re.compile(r"^(?:合计|小计|总计|共计)")
TOTAL_COLUMN = re.compile(r"^(?:总计|合计)")
PAIRS = ("()", "《》", "“”")
RUN_IN_AMOUNT = re.compile(r"[\u4e00-\u9fff）)]\d[\d,]*\.\d+")
AMOUNT_COLUMN_SHARE = 0.6  # a column is one of amounts when this share of its filled body cells are
# A cell one character off a glossary term at least this long (and at most NEAR_TERM_MAX) is flagged.
NEAR_TERM_LENGTH = 4
NEAR_TERM_MAX = 40
# Columns of classification codes (301, 30101) hold numbers that are not amounts.
CODE_HEADER = re.compile(r"编码|代码|编号|序号|^[类款项]$")


def flag_tables(tables: list[Table], terms: set[str] | frozenset[str] = frozenset()) -> int:
    """Add flags to the doubtful cells of each table; returns how many cells are flagged.
    `terms` (the glossary) lets run-together headings and near misses of a term be recognised."""
    plain_terms = {squashed(t) for t in terms}
    long_terms = [t for t in plain_terms if len(t) >= NEAR_TERM_LENGTH]
    for table in tables:
        check_layout(table, terms)
        for cell in table.cells:
            if cell.source.startswith("ocr") and (cell.confidence < LOW_CONFIDENCE or any(
                    ch.text in SIGNS and ch.confidence < SIGN_CONFIDENCE for ch in cell.chars)):
                _flag(cell, "low-confidence")
            if cell.source.startswith("ocr") and suspicious(cell.text):
                _flag(cell, "suspicious-text")
            if cell.source.startswith("ocr") and near_term(cell.text, plain_terms, long_terms):
                _flag(cell, "near-term")
            if any(float(p) > 100 for p in PERCENT.findall(cell.text)):
                _flag(cell, "percent-over-100")
        check_amounts(table)
    return sum(bool(c.flags) for t in tables for c in t.cells)


def check_layout(table: Table, terms: set[str] | frozenset[str]) -> None:
    """Flag OCR'd cells that hold what looks like the text of two cells, merged across a column
    boundary or next to an empty cell: a rule between them was not found. Two glossary terms
    run together ("二级指标三级指标"), or words with an amount run in ("其他资金28.24")."""
    slots = None
    for cell in table.cells:
        if not cell.source.startswith("ocr") or not cell.text:
            continue
        text = re.sub(r"\s+", "", cell.text)
        if not RUN_IN_AMOUNT.search(text) and not _terms_run_together(text, terms):
            continue
        slots = slots or table.slots()
        left = slots[cell.row][cell.col - 1] if cell.col > 0 else None
        after = cell.col + cell.colspan
        right = slots[cell.row][after] if after < table.ncols else None
        empty = [n for n in (left, right) if n is not None and not n.text.strip()]
        if empty or cell.colspan > 1:
            for c in (cell, *empty):
                _flag(c, "layout")


def _terms_run_together(text: str, terms: set[str] | frozenset[str]) -> bool:
    """Is the text two or more glossary terms one after the other, and nothing else?"""
    ends = {0: 0}  # position -> terms read up to there
    for start in range(len(text)):
        if start not in ends:
            continue
        for end in range(start + 2, len(text) + 1):
            if text[start:end] in terms:
                ends[end] = max(ends.get(end, 0), ends[start] + 1)
    return ends.get(len(text), 0) >= 2


def near_term(text: str, terms: set[str], long_terms: list[str]) -> bool:
    """Is the whole text one character off a glossary term (`long_terms`, NFKC and without
    spaces, as `terms`)? A heading or label that lost, gained or changed a character."""
    text = squashed(text)
    if not text or text in terms or len(text) > NEAR_TERM_MAX:
        return False
    return process.extractOne(text, long_terms, scorer=Levenshtein.distance, score_cutoff=1) is not None


def suspicious(text: str) -> bool:
    """Does OCR'd text look wrong in a way print seldom does? Brackets or quotes that do not
    pair up, an item number without its 、, a character read twice over the seam of two
    detected lines, a last sentence that does not end as the ones before it."""
    plain = unicodedata.normalize("NFKC", text)
    unpaired = any(plain.count(a) != plain.count(b) for a, b in PAIRS)
    text = text.strip()
    unfinished = "。" in text[:-1] and not text.endswith(SENTENCE_ENDS)
    return unpaired or unfinished or bool(BARE_ITEM_NUMBER.search(plain) or DOUBLED_HAN.search(text))


def compare_engines(tables: list[Table], image: PageImage, engine: OcrEngine) -> None:
    """Read each doubtful OCR'd cell of a page again with another engine; flag it where the two
    disagree on anything but spacing and punctuation."""
    for table in tables:
        for cell in table.cells:
            if not cell.source.startswith("ocr") or cell.confidence >= SECOND_OPINION_BELOW or not cell.text:
                continue
            x0, y0, x1, y1 = _cell_box(cell, image, CROP_MARGIN)
            crop = image.grey[y0:y1, x0:x1]
            if crop.size == 0:
                continue
            second = engine.read(_padded(crop, image), image.scale)
            cell.second_reading = cell_text(second, infer_spaces=False)
            if _letters(cell.second_reading) != _letters(cell.text):
                _flag(cell, "engines-disagree")


def read_unread_ink(tables: list[Table], image: PageImage, engine: OcrEngine) -> None:
    """Read again, on its own, each OCR'd cell left empty whose part of the page (`image`,
    rules erased) holds print; flag those that still read as nothing sure: text too faint or
    broken to read, or a seal over the cell."""
    for table in tables:
        for cell in table.cells:
            if not cell.source.startswith("ocr") or cell.text:
                continue
            x0, y0, x1, y1 = _cell_box(cell, image, RULE_BAND)
            crop = image.grey[y0:y1, x0:x1]
            if not _has_print(crop, image):
                continue
            chars = engine.read(_padded(crop, image), image.scale)
            text = tidy_ocr_text(cell_text(chars, False))
            confidence = min((ch.confidence for ch in chars), default=0.0)
            if not text or confidence < SURE_REREAD:
                _flag(cell, "unread-ink")
                continue
            # The crop's characters, placed on the page.
            pad = _padding(image)
            dx, dy = (x0 - pad) * image.scale, (y0 - pad) * image.scale
            cell.chars = [replace(ch, bbox=tuple(np.add(ch.bbox, (dx, dy, dx, dy)).tolist())) for ch in chars]
            cell.text, cell.confidence = text, confidence


def _padding(image: PageImage) -> int:
    """Pixels of blank paper put around a cell's crop: engines read text best with some."""
    return round(4 * CROP_MARGIN / image.scale)


def _padded(crop: np.ndarray, image: PageImage) -> np.ndarray:
    pad = _padding(image)
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _cell_box(cell: Cell, image: PageImage, margin: float) -> tuple[int, int, int, int]:
    """The cell's box in image pixels, less `margin` points at its sides where the rules were."""
    px = 1 / image.scale
    x0, y0, x1, y1 = (round(v * px) for v in cell.bbox)
    m = round(margin * px)
    return max(0, x0 + m), max(0, y0 + m), max(0, x1 - m), max(0, y1 - m)


def _has_print(crop: np.ndarray, image: PageImage) -> bool:
    if crop.size == 0:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats((crop < INK_GREY).astype(np.uint8), connectivity=8)
    sizes = stats[1:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]].max(axis=1) * image.scale
    return bool((sizes >= PRINT_BLOB).any())


def _letters(text: str) -> str:
    """The text without spacing and punctuation, which engines render differently."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _flag(cell: Cell, reason: str) -> None:
    if reason not in cell.flags:
        cell.flags.append(reason)


def parse_amount(text: str) -> Decimal | None:
    text = text.strip()
    if not AMOUNT.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def check_amounts(table: Table) -> None:
    """Amounts that do not parse, and totals that do not add up."""
    grid = table.slots()
    cells = {(c.row, c.col): c for c in table.cells}
    amount_columns = []
    for col in range(table.ncols):
        texts = [(r, cells[(r, col)].text.strip()) for r in range(table.nrows) if (r, col) in cells]
        parsed = [(r, t) for r, t in texts if parse_amount(t) is not None]
        # The header rows above the first amount do not count.
        filled = [(r, t) for r, t in texts if t not in EMPTY_AMOUNT and parsed and r >= parsed[0][0]]
        if len(parsed) >= 2 and len(parsed) >= AMOUNT_COLUMN_SHARE * len(filled) and not _codes(texts):
            amount_columns.append(col)
            for r, t in filled:
                if parse_amount(t) is None and NUMBERISH.match(t):
                    _flag(cells[(r, col)], "amount-unparsed")

    def value(r: int, c: int) -> Decimal | None:
        cell = cells.get((r, c))
        if cell is None:
            return None
        return Decimal(0) if cell.text.strip() in EMPTY_AMOUNT else parse_amount(cell.text)

    _check_total_rows(table, grid, amount_columns, value)
    _check_total_columns(table, cells, amount_columns, value)


def _codes(texts: list[tuple[int, str]]) -> bool:
    """Is this a column of codes: headed as one, or digits of one length, or with leading zeros?"""
    first = next((i for i, (_, t) in enumerate(texts) if parse_amount(t) is not None), len(texts))
    if any(CODE_HEADER.search(t) for _, t in texts[:first]):
        return True
    values = [t for _, t in texts[first:] if t not in EMPTY_AMOUNT]
    if not values or not all(t.isdigit() for t in values):
        return False
    same_width = len({len(t) for t in values}) == 1 and len(values[0]) >= 3
    return same_width or any(t.startswith("0") for t in values)


def _row_key(grid: list[list[Cell | None]], r: int) -> str:
    return next((c.text.strip() for c in grid[r] if c is not None and c.text.strip()), "")


def _check_total_rows(table: Table, grid, amount_columns: list[int], value) -> None:
    """A total row must equal the sum of some set of its item rows: all of them, those below
    it or those above it (up to the neighbouring total rows), or one level of a hierarchy
    (rows that fill the same text columns, as category rows fill a code that item rows
    extend); the first row of a run may be a group heading that repeats the total, so each run
    is also summed without it."""
    def starts(r: int, c: int) -> bool:
        return grid[r][c] is not None and grid[r][c].row == r

    body = [r for r in range(table.nrows)
            if any(value(r, c) is not None and starts(r, c) for c in amount_columns)]
    totals = [r for r in body if TOTAL_ROW.match(_row_key(grid, r))]
    items = [r for r in body if r not in totals]
    text_columns = [c for c in range(table.ncols) if c not in amount_columns]
    levels: dict[tuple, list[int]] = {}
    for r in items:
        filled = tuple(starts(r, c) and bool(grid[r][c].text.strip()) for c in text_columns)
        levels.setdefault(filled, []).append(r)
    for t in totals:
        above = [r for r in items if r < t and not any(r < s < t for s in totals)]
        below = [r for r in items if r > t and not any(t < s < r for s in totals)]
        for col in amount_columns:
            total = value(t, col)
            if total is None or not starts(t, col):
                continue
            sums = []
            for rows in (items, above, below, *levels.values()):
                values = [v for v in (value(r, col) for r in rows) if v is not None]
                if values:
                    sums += [sum(values), sum(values[1:])]
            if sums and all(abs(s - total) > _tolerance(total) for s in sums):
                _flag(grid[t][col], "sum-mismatch")


def _check_total_columns(table: Table, cells: dict, amount_columns: list[int], value) -> None:
    """A column headed 总计/合计 must equal the sum of the amount columns right of it."""
    for col in amount_columns:
        header = next((cells[(r, col)].text.strip() for r in range(table.nrows) if (r, col) in cells
                       and parse_amount(cells[(r, col)].text) is None and cells[(r, col)].text.strip()), "")
        if not TOTAL_COLUMN.match(header):
            continue
        sources = []
        for c in range(col + 1, table.ncols):
            if c not in amount_columns:
                break
            sources.append(c)
        if not sources:
            continue
        for r in range(table.nrows):
            total = value(r, col)
            parts = [value(r, c) for c in sources]
            if (r, col) in cells and parse_amount(cells[(r, col)].text) is not None and None not in parts:
                if abs(sum(parts) - total) > _tolerance(total):
                    _flag(cells[(r, col)], "sum-mismatch")


def _tolerance(total: Decimal) -> Decimal:
    """Rounding of the items may leave the last digit of a sum off by a few units."""
    exponent = total.as_tuple().exponent
    unit = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return unit * 3
