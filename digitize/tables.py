"""Find ruled tables on a page and fill their cells from the text layer.

The grid is the finest grid of the drawn rules. Where a table has no interior
column rules, columns come from text gutters shared by the rows; where it has no
interior row rules, rows come from vertical gaps between text lines. A drawn
rule missing between two slots of a ruled row (or column) makes a merged cell.
A scanned page whose rules all wore away holds the block of text it sets in
columns as its table.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from itertools import groupby

from .lexicon import is_han
from .model import BBox, Cell, Char, Page, Segment, Table
from .textjoin import NO_LINE_START, cell_text, group_lines, line_text, tidy_ocr_text

TOL = 2.5  # points: rules this close are the same rule
DRIFT = 4.0  # points: boundaries this close are one; the pieces of a scanned rule drift apart
JOIN_GAP = 3.0  # collinear pieces this close form one rule (dashed or split strokes)
MIN_TABLE_SIDE = 20.0
SLIVER = 8.0  # points: an empty column or row this narrow at a table's edge is a rule's overshoot
SIDE_WEAR = 30.0  # points a side rule standing alone may fall short of the top or bottom rule
ROW_RULE_SHARE = 0.8  # a loose horizontal rule spanning this share of a table's width is one of its rows
HINT_REACH = 0.03  # share of the table's width: a text gutter this close to a hinted boundary is it
SURE_GLYPH = 0.5  # OCR confidence below which a glyph is no evidence of text crossing a boundary
SURE_STROKE = 0.9  # the same for a glyph of one upright stroke, which is what a rule's remnant reads as
TIGHT = 0.25  # glyph sizes: an unsure glyph this close to its neighbours is set in running text
GUTTER_REACH = 3.0  # glyph sizes: texts this close to a gutter on both sides are parted by it
CELLS_APART = 0.7  # glyph sizes: two cells' texts on one line are this far apart at least
CROSSED_SHARE = 0.25  # of the rows with text beside a gutter, the most that may run across it
# Glyph sizes: a strip free of text across a table this tall parts two rows, or one
# ROW_PADDING taller than the usual gap between lines where lines sit closer than that.
ROW_GAP = 0.6
ROW_PADDING = 0.4
# A gap between a cell's lines this many times the usual gap between wrapped lines, in two
# cells side by side at one height, is a row rule a scan wore away.
WORN_ROW_GAP = 1.75
LINES_APART = 0.45  # glyph sizes: wrapped lines of a cell sit closer; texts of two cells farther
CENTRED = 0.5  # glyph sizes: a line's middle this close to its column's is set in the middle
# A scanned page whose rules all wore away: a text line of at least BLOCK_RUNS runs of text
# (parted by RUN_GAP glyph sizes) opens a table set in columns, which runs down to a gap
# of BLOCK_GAP glyph sizes between lines and holds at least BLOCK_LINES lines. It stands
# for the tables found from rules where they cover less than RULED_SHARE of its area.
BLOCK_RUNS = 3
RUN_GAP = 2.0
BLOCK_GAP = 3.0
BLOCK_LINES = 4
RULED_SHARE = 0.5
CLOSING_MARKS = set(NO_LINE_START + "》”")
RULE_LOOKALIKES = set("|!！'‘’“”")  # what OCR reads into a piece of a vertical rule
ONE_STROKE = set("1lI")
RULE_JUNCTION = "T"  # what OCR reads into a column rule's top meeting a row rule
RULE_DOTS = set(":：;；")  # what OCR reads into a dotted column rule
OPENING_MARKS = set("（【「『《“")


@dataclass
class Region:
    h: list[Segment] = field(default_factory=list)
    v: list[Segment] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        segs = self.h + self.v
        return (min(s.x0 for s in segs), min(s.y0 for s in segs),
                max(s.x1 for s in segs), max(s.y1 for s in segs))


def find_tables(page: Page, column_hint: list[float] | None = None) -> list[Table]:
    """Tables on the page, top to bottom. `column_hint`: the column boundaries of the
    previous page's last table, which a continuation without column rules may share
    even where its own text leaves a column empty."""
    h, v = merge_segments(page.segments)
    tables = []
    for region in find_regions(h, v):
        table = build_table(region, page.chars, page.number, column_hint, page.source)
        if table is not None:
            tables.append(table)
    block = text_block(page.chars) if page.source != "text-layer" else None
    if block is not None and _share_held(block, tables) < RULED_SHARE:
        # The scan wore the rules away: the text block set in columns is the table.
        table = build_table(block, page.chars, page.number, column_hint, page.source)
        if table is not None and table.ncols >= BLOCK_RUNS:
            tables = [t for t in tables if not _overlap(t.bbox, table.bbox)] + [table]
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    attach_surrounding_text(tables, page)
    return tables


# ---------------------------------------------------------------- ruling


def text_block(page_chars: list[Char]) -> Region | None:
    """The frame of the text a table sets in columns, for a scanned page whose rules wore
    away: from the first text line of at least BLOCK_RUNS runs (a header) down to a gap
    between lines of BLOCK_GAP glyph sizes (before a page number or a note)."""
    chars = [c for c in page_chars if c.text.strip()]
    if not chars:
        return None
    size = _median_size(chars)
    lines = group_lines(chars)

    def runs(line: list[Char]) -> int:
        return 1 + sum(b.bbox[0] - a.bbox[2] > RUN_GAP * size for a, b in zip(line, line[1:], strict=False))

    start = next((i for i, line in enumerate(lines) if runs(line) >= BLOCK_RUNS), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(lines) and _gap(lines[end], lines[end + 1]) <= BLOCK_GAP * size:
        end += 1
    if end - start + 1 < BLOCK_LINES:
        return None
    block = [c for line in lines[start:end + 1] for c in line]
    x0, y0 = min(c.bbox[0] for c in block) - TOL, min(c.bbox[1] for c in block) - TOL
    x1, y1 = max(c.bbox[2] for c in block) + TOL, max(c.bbox[3] for c in block) + TOL
    return Region(h=[Segment(x0, y0, x1, y0), Segment(x0, y1, x1, y1)],
                  v=[Segment(x0, y0, x0, y1), Segment(x1, y0, x1, y1)])


def _share_held(block: Region, tables: list[Table]) -> float:
    """The share of the block's area that the tables found from rules cover."""
    x0, y0, x1, y1 = block.bbox
    held = sum(max(0.0, min(x1, tx1) - max(x0, tx0)) * max(0.0, min(y1, ty1) - max(y0, ty0))
               for tx0, ty0, tx1, ty1 in (t.bbox for t in tables))
    return held / ((x1 - x0) * (y1 - y0))


def _median_size(chars: list[Char]) -> float:
    return sorted(c.size for c in chars)[len(chars) // 2]


def _gap(above: list[Char], below: list[Char]) -> float:
    """The height of the gap between two runs of text lines."""
    return min(c.bbox[1] for c in below) - max(c.bbox[3] for c in above)


def _overlap(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] - TOL and b[0] < a[2] - TOL and a[1] < b[3] - TOL and b[1] < a[3] - TOL


def merge_segments(segments: list[Segment], gap: float = JOIN_GAP) -> tuple[list[Segment], list[Segment]]:
    """Join collinear pieces that overlap or lie less than `gap` apart into whole rules."""
    h = [s for s in segments if s.horizontal]
    v = [Segment(s.y0, s.x0, s.y1, s.x1) for s in segments if not s.horizontal]  # transposed
    merged_v = [Segment(s.y0, s.x0, s.y1, s.x1) for s in _merge_horizontal(v, gap)]
    return _merge_horizontal(h, gap), merged_v


def _merge_horizontal(segs: list[Segment], gap: float) -> list[Segment]:
    # Rules at one height first (a sort on rounded heights can split them), then along x.
    rows: list[list[Segment]] = []
    for seg in sorted(segs, key=lambda s: s.y0):
        if rows and seg.y0 - rows[-1][0].y0 <= TOL / 2:
            rows[-1].append(seg)
        else:
            rows.append([seg])
    out: list[Segment] = []
    for row in rows:
        y = row[0].y0
        merged: list[Segment] = []
        for seg in sorted(row, key=lambda s: s.x0):
            if merged and seg.x0 <= merged[-1].x1 + gap:
                merged[-1] = Segment(merged[-1].x0, y, max(merged[-1].x1, seg.x1), y)
            else:
                merged.append(Segment(seg.x0, y, seg.x1, y))
        out += merged
    return [s for s in out if s.x1 - s.x0 > TOL]


def _crosses(h: Segment, v: Segment) -> bool:
    return h.x0 - TOL <= v.x0 <= h.x1 + TOL and v.y0 - TOL <= h.y0 <= v.y1 + TOL


def find_regions(h: list[Segment], v: list[Segment]) -> list[Region]:
    """Group rules that touch into table regions."""
    segs = h + v
    parent = list(range(len(segs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, hs in enumerate(h):
        for j, vs in enumerate(v):
            if _crosses(hs, vs):
                parent[root(i)] = root(len(h) + j)
    groups: dict[int, Region] = {}
    for i, s in enumerate(segs):
        region = groups.setdefault(root(i), Region())
        (region.h if i < len(h) else region.v).append(s)
    regions = join_overlapping(join_frame_pieces(list(groups.values())))
    out = []
    for region in regions:
        x0, y0, x1, y1 = region.bbox
        # A table cut by page breaks may keep only one horizontal rule between its side rules.
        ruled = len(region.h) >= 2 or (region.h and len(region.v) >= 2)
        if x1 - x0 >= MIN_TABLE_SIDE and y1 - y0 >= MIN_TABLE_SIDE / 2 and ruled:
            out.append(region)
    return out


def join_overlapping(regions: list[Region]) -> list[Region]:
    """One region for ruled pieces whose boxes overlap: the parts of a table whose worn rules
    no longer cross (separate tables do not overlap)."""
    out: list[Region] = []
    for region in sorted(regions, key=lambda r: r.bbox[1]):
        host = next((o for o in out if _overlap(o.bbox, region.bbox)), None)
        if host is None:
            out.append(region)
        else:
            host.h += region.h
            host.v += region.v
    return out


def join_frame_pieces(regions: list[Region]) -> list[Region]:
    """Attach rules that touch no crossing rule to the table they frame.

    A table cut by a page break often lacks its top or bottom border, so its side
    rules stand alone; they span the table's height (on a scan, in worn pieces at one x).
    Likewise a table ruled only by rows, with no frame, is a stack of equally long
    horizontal rules.
    """
    tables = [r for r in regions if r.h and r.v]
    pending = _side_rules([r for r in regions if not r.h]) + [r for r in regions if r.h and not r.v]
    while True:  # a side rule joined widens the table, which may bring the next one in reach
        left = [piece for piece in pending if not _join_frame_piece(piece, tables)]
        if len(left) < len(pending):
            pending = left
            continue
        # Two side rules along each other, with no crossing rule left between them (a page
        # of a long table whose row rules a scan wore away), frame a table of their own.
        frame = _side_pair([piece for piece in pending if not piece.h])
        if frame is None:
            break
        tables.append(Region(v=frame[0].v + frame[1].v))
        pending = [piece for piece in pending if piece not in frame]
    for piece in pending:
        px0, _, px1, _ = piece.bbox
        same_width = next((t for t in tables if not t.v and abs(t.bbox[0] - px0) <= TOL
                           and abs(t.bbox[2] - px1) <= TOL), None) if not piece.v else None
        if same_width is not None:
            same_width.h += piece.h
        else:
            tables.append(piece)
    return tables


def _join_frame_piece(piece: Region, tables: list[Region]) -> bool:
    px0, py0, px1, py1 = piece.bbox
    for table in tables:
        tx0, ty0, tx1, ty1 = table.bbox
        # A side rule along the table, or a row rule across it whose ends do not reach
        # the frame (worn scans).
        along = min(py1, ty1) - max(py0, ty0) >= ROW_RULE_SHARE * max(ty1 - ty0, py1 - py0)
        if piece.v and along and tx0 - (tx1 - tx0) / 2 <= px0 <= tx1 + (tx1 - tx0) / 2:
            table.v += piece.v
            return True
        across = min(px1, tx1) - max(px0, tx0) >= ROW_RULE_SHARE * (tx1 - tx0)
        # Side rules alone may have worn short of the top or bottom rule.
        reach = TOL if table.h else SIDE_WEAR
        if piece.h and across and ty0 - reach <= py0 <= ty1 + reach:
            table.h += piece.h
            return True
    return False


def _side_pair(sides: list[Region]) -> tuple[Region, Region] | None:
    """The two side rules furthest apart that run along each other, if any."""
    pairs = [(a, b) for i, a in enumerate(sides) for b in sides[i + 1:]
             if abs(a.bbox[0] - b.bbox[0]) >= MIN_TABLE_SIDE
             and min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
             >= ROW_RULE_SHARE * max(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])]
    return max(pairs, key=lambda p: abs(p[0].bbox[0] - p[1].bbox[0]), default=None)


def _side_rules(loose: list[Region]) -> list[Region]:
    """Loose vertical rules, the pieces at one x together (a worn rule breaks into several)."""
    at_x: dict[float, Region] = {}
    for piece in loose:
        if not piece.h:
            x = next((k for k in at_x if abs(k - piece.v[0].x0) <= TOL), piece.v[0].x0)
            at_x.setdefault(x, Region()).v.extend(piece.v)
    return list(at_x.values())


def cluster(values: list[float], tol: float = DRIFT) -> list[float]:
    """Sorted representatives of values that lie within `tol` of their neighbours."""
    out: list[list[float]] = []
    for x in sorted(values):
        if out and x - out[-1][-1] <= tol:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(g) / len(g) for g in out]


def covered(segs: list[Segment], at: float, lo: float, hi: float, vertical: bool) -> float:
    """Share of [lo, hi] along the line `at` that drawn rules cover."""
    total = 0.0
    for s in segs:
        pos, a, b = (s.x0, s.y0, s.y1) if vertical else (s.y0, s.x0, s.x1)
        if abs(pos - at) <= DRIFT:
            total += max(0.0, min(b, hi) - max(a, lo))
    return total / (hi - lo) if hi > lo else 0.0


# ---------------------------------------------------------------- grid


def build_table(region: Region, page_chars: list[Char], page_number: int,
                column_hint: list[float] | None = None, source: str = "text-layer") -> Table | None:
    x0, y0, x1, y1 = region.bbox
    if source != "text-layer":
        y0, y1 = _edges_rules_share(region)
    chars = [c for c in page_chars if x0 <= c.cx <= x1 and y0 <= c.cy <= y1 and c.text.strip()]
    inner_v = [s for s in region.v if x0 + TOL < s.x0 < x1 - TOL]
    inner_h = [s for s in region.h if y0 + TOL < s.y0 < y1 - TOL]
    col_x = cluster([x0, x1] + [s.x0 for s in inner_v])
    row_y = cluster([y0, y1] + [s.y0 for s in region.h])
    unruled_hints: list[float] = []  # boundaries of the previous page kept where this page lost the rule
    if not inner_v or source != "text-layer":
        # Column boundaries from text: where there are no column rules, or where a scan may
        # have lost one (binarization wipes out faint rules).
        # The previous page's boundaries, where this page continues its table: same edges,
        # and no column rule the previous page lacked.
        prior = []
        if (column_hint and abs(column_hint[0] - x0) <= TOL and abs(column_hint[-1] - x1) <= TOL
                and all(_near(x, column_hint) for x in col_x)):
            prior = column_hint[1:-1]
        hints = [x for x in prior if _free_at(chars, row_y, x)]
        # A gutter holding a ruled or hinted boundary is that boundary, and one beside a
        # boundary of the previous page is that one; one between column rules is a lost rule
        # only where it parts two cells' texts in more than one row.
        gutters = [_snapped((a + b) / 2, prior, HINT_REACH * (x1 - x0)) for a, b in text_gutters(chars, row_y)
                   if not any(a <= x <= b for x in col_x + hints)]
        if prior and len(hints) == len(prior):
            # The texts keep clear of every boundary of the previous page: the page continues
            # its table, and another gutter is space inside one of its columns.
            gutters = [x for x in gutters if x in prior]
        if inner_v:
            gutters = [x for x in gutters if _rows_apart(chars, row_y, col_x, x) >= 2]
        col_x = cluster(col_x + hints + gutters)
        unruled_hints = [x for x in hints if not _near(x, [s.x0 for s in inner_v])]
    worn: list[Segment] = []
    if source != "text-layer" and inner_h and inner_v:
        worn = worn_row_rules(chars, row_y, col_x, region.v)
        row_y = cluster(row_y + [s.y0 for s in worn])
    row_rules = region.h + worn
    text_breaks: list[float] = []
    if not inner_h or not inner_v:
        # Without interior row rules, rows come from text gaps; without column rules, the row
        # rules found may be the remnants of worn ones, and text gaps between them count too.
        text_breaks = text_row_breaks(chars, row_y)
        row_y = cluster(row_y + text_breaks)
    col_x = _without_slivers(col_x, [(c.bbox[0], c.bbox[2]) for c in chars])
    row_y = _without_slivers(row_y, [(c.bbox[1], c.bbox[3]) for c in chars])
    nrows, ncols = len(row_y) - 1, len(col_x) - 1
    if nrows * ncols < 2:
        return None

    ruled_rows = [any(covered(inner_v, s.x0, row_y[r], row_y[r + 1], True) > 0.5 for s in inner_v)
                  for r in range(nrows)]

    # In a row without column rules, text running across a boundary joins the slots; a
    # row holding one such run and nothing else is one cell as wide as the table (a caption).
    spans_at = [[not ruled_rows[r] and text_spans(chars, x, row_y[r], row_y[r + 1]) for x in col_x[1:-1]]
                for r in range(nrows)]
    caption_rows = {r for r in range(nrows) if any(spans_at[r]) and _runs(spans_at[r], chars, col_x,
                                                                        row_y[r], row_y[r + 1]) == 1}

    def joined_right(r: int, c: int) -> bool:
        x, y0, y1 = col_x[c + 1], row_y[r], row_y[r + 1]
        if covered(region.v, x, y0, y1, True) > 0.5:
            return False
        # A scanned rule lost its piece between two cells' texts, or where the previous page had
        # it, or beside a cell's text set in the middle of its own column.
        if ruled_rows[r] and source != "text-layer" and (
                _apart(chars, col_x, c, y0, y1)
                or (_near(x, unruled_hints) and _cell_starts_at(chars, x, y0, y1))
                or _centred_alone(chars, region.v, col_x, c, y0, y1)):
            return False
        return ruled_rows[r] or r in caption_rows or spans_at[r][c]

    def ruled_below(r: int, c: int) -> bool:
        return r + 1 >= nrows or covered(row_rules, row_y[r + 1], col_x[c], col_x[c + 1], False) > 0.5

    def joined_down(r: int, c: int) -> bool:
        # Rows from text gaps never merge, nor do those of rules worn to remnants.
        if not inner_h or text_breaks or ruled_below(r, c):
            return False
        if source == "text-layer":
            return True
        # A scanned rule lost its piece between two cells' texts: judged over the slots the
        # rules left standing in the column would join, as a worn rule may have an empty slot
        # on either side of it.
        top = next(k for k in range(r, -1, -1) if k == 0 or ruled_below(k - 1, c))
        bottom = next(k for k in range(r + 1, nrows) if ruled_below(k, c))
        return not _lines_apart(chars, row_y[top], row_y[r + 1], row_y[bottom + 1], col_x[c], col_x[c + 1])

    spans = merge_slots(nrows, ncols, joined_right, joined_down)
    slot_chars: dict[tuple[int, int], list[Char]] = {}
    for ch in chars:
        r = _index(row_y, ch.cy)
        c = _index(col_x, ch.cx)
        if any(spans[r][k] != spans[r][k + 1] and _gap_guess(ch, col_x[k + 1], chars)
               for k in range(ncols - 1)):
            continue  # a guess at the gap between two cells' texts belongs to neither
        if _gap_guess(ch, x0, chars, True) or _gap_guess(ch, x1, chars, True):
            continue  # what is left of a side rule
        slot_chars.setdefault(spans[r][c], []).append(ch)

    bottom_right: dict[tuple[int, int], tuple[int, int]] = {}  # row-major, so the last slot wins
    for r in range(nrows):
        for c in range(ncols):
            bottom_right[spans[r][c]] = (r, c)
    cells = []
    for (r0, c0), (r1, c1) in bottom_right.items():
        inside = slot_chars.get((r0, c0), [])
        cells.append(Cell(
            row=r0, col=c0, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1,
            bbox=(col_x[c0], row_y[r0], col_x[c1 + 1], row_y[r1 + 1]),
            text=text_of(inside, source),
            page=page_number, source=source,
            confidence=min((ch.confidence for ch in inside), default=1.0), chars=inside,
        ))
    return Table(cells=cells, nrows=nrows, ncols=ncols, bbox=(x0, y0, x1, y1),
                 pages=[page_number], col_x=col_x, row_y=row_y)


def text_of(chars: list[Char], source: str) -> str:
    """A cell's text from its characters: a text layer's as they stand, OCR'd ones tidied."""
    return cell_text(chars) if source == "text-layer" else tidy_ocr_text(cell_text(chars, False))


def _edges_rules_share(region: Region) -> tuple[float, float]:
    """The top and bottom of a scanned table: the outer row rule where a side rule ends at it
    too, even if one other side rule runs on past it; alone, that one has picked up specks or
    the strokes of a note beyond the frame."""
    _, y0, _, y1 = region.bbox
    if not region.h:
        return y0, y1
    top, bottom = min(s.y0 for s in region.h), max(s.y0 for s in region.h)
    if (sum(s.y0 < top - SLIVER for s in region.v) == 1
            and any(abs(s.y0 - top) <= SLIVER for s in region.v)):
        y0 = top
    if (sum(s.y1 > bottom + SLIVER for s in region.v) == 1
            and any(abs(s.y1 - bottom) <= SLIVER for s in region.v)):
        y1 = bottom
    return y0, y1


def _without_slivers(bounds: list[float], spans: list[tuple[float, float]]) -> list[float]:
    """The boundaries less an empty sliver at either end: a rule of a scan that overshoots the
    frame by a few points is no column or row."""
    def empty(a: float, b: float) -> bool:
        return b - a < SLIVER and not any(a < (lo + hi) / 2 < b for lo, hi in spans)

    if len(bounds) > 2 and empty(bounds[-2], bounds[-1]):
        bounds = bounds[:-1]
    if len(bounds) > 2 and empty(bounds[0], bounds[1]):
        bounds = bounds[1:]
    return bounds


def merge_slots(nrows: int, ncols: int, joined_right, joined_down) -> list[list[tuple[int, int]]]:
    """Label every slot with the top-left slot of its (rectangular) merged cell. No cell
    takes in two slots side by side that a rule, or the texts where it wore away, part."""
    right = [[joined_right(r, c) for c in range(ncols - 1)] for r in range(nrows)]
    down = [[joined_down(r, c) for c in range(ncols)] for r in range(nrows - 1)]
    label = [[(r, c) for c in range(ncols)] for r in range(nrows)]
    changed = True
    while changed:
        changed = False
        for r in range(nrows):
            for c in range(ncols):
                if c + 1 < ncols and label[r][c] != label[r][c + 1] and right[r][c]:
                    changed |= _unite(label, label[r][c], label[r][c + 1], right, down)
                if r + 1 < nrows and label[r][c] != label[r + 1][c] and down[r][c]:
                    changed |= _unite(label, label[r][c], label[r + 1][c], right, down)
    return label


def _unite(label: list[list[tuple[int, int]]], a: tuple[int, int], b: tuple[int, int],
           right: list[list[bool]], down: list[list[bool]]) -> bool:
    """Merge the cells labelled a and b when together they form a rectangle with no parted
    slots inside. Two cells that do not (a gap in a worn rule beside a tall merged cell) stay
    apart: merging them would swallow the ruled cells around them."""
    slots = [(r, c) for r, row in enumerate(label) for c, lab in enumerate(row) if lab in (a, b)]
    r0, r1 = min(s[0] for s in slots), max(s[0] for s in slots)
    c0, c1 = min(s[1] for s in slots), max(s[1] for s in slots)
    if len(slots) != (r1 - r0 + 1) * (c1 - c0 + 1):
        return False
    parted = (not all(right[r][c] for r in range(r0, r1 + 1) for c in range(c0, c1))
              or not all(down[r][c] for r in range(r0, r1) for c in range(c0, c1 + 1)))
    if parted:
        return False
    for r, c in slots:
        label[r][c] = (r0, c0)
    return True


def _index(bounds: list[float], v: float) -> int:
    for i in range(len(bounds) - 1):
        if v < bounds[i + 1]:
            return i
    return len(bounds) - 2


# ---------------------------------------------------------------- text geometry


def free_strips(spans: list[tuple[float, float, int]], min_width: float,
                allowed: int = 0, reach: float = 0.0) -> list[tuple[float, float]]:
    """The strips between the first and last span that at most `allowed` groups cover
    and that are at least `min_width` wide. A span is (start, end, group). Where `reach` is
    given, at most CROSSED_SHARE of the groups with a span within reach may cover a strip:
    inside a column holding text in few rows, most of those that do hold text cross it."""
    if not spans:
        return []
    step = 0.5
    lo = min(a for a, _, _ in spans)
    n = int((max(b for _, b, _ in spans) - lo) / step) + 1
    hits: list[set[int]] = [set() for _ in range(n)]
    near: list[set[int]] = [set() for _ in range(n)]
    for a, b, group in spans:
        for i in range(int((a - lo) / step), min(n, int((b - lo) / step) + 1)):
            hits[i].add(group)
        if reach:
            for i in range(max(0, int((a - reach - lo) / step)), min(n, int((b + reach - lo) / step) + 1)):
                near[i].add(group)
    strips, start = [], None
    for i in range(n + 1):
        crossed = len(hits[i]) if i < n else allowed + 1
        free = crossed <= allowed and (not reach or crossed <= CROSSED_SHARE * len(near[i]))
        if free and start is None:
            start = i
        elif not free and start is not None:
            if (i - start) * step >= min_width:
                a, b = _least_crossed(hits, start, i)
                strips.append((lo + a * step, lo + b * step))
            start = None
    return strips


def _least_crossed(hits: list[set[int]], start: int, end: int) -> tuple[int, int]:
    """The widest run of positions between start and end that the fewest groups cover."""
    least = min(len(h) for h in hits[start:end])
    runs, i = [], start
    for is_least, run in groupby(range(start, end), key=lambda k: len(hits[k]) == least):
        n = len(list(run))
        if is_least:
            runs.append((i, i + n))
        i += n
    return max(runs, key=lambda r: r[1] - r[0])


def text_gutters(chars: list[Char], row_y: list[float]) -> list[tuple[float, float]]:
    """Column boundaries where nearly every row band (or text line, where there are no row
    rules) leaves a vertical strip free of text. A header spanning several columns may cross
    a gutter, so a tenth of the rows may, and a quarter of those with text beside it.

    An unsure glyph may be the recogniser's guess at the gap between two cells' texts. A strip
    that only unsure glyphs block is a gutter where it parts texts close by in more than one
    row; else they are unsure readings of one cell's text."""
    if not chars:
        return []
    size = _median_size(chars)
    if len(row_y) > 2:
        groups, count = [_index(row_y, c.cy) for c in chars], len(row_y) - 1
    else:  # no row rules: each text line stands for a row
        lines = group_lines(chars)
        chars = [c for line in lines for c in line]
        groups, count = [i for i, line in enumerate(lines) for _ in line], len(lines)
    width, allowed, reach = max(4.0, 0.5 * size), count // 10, GUTTER_REACH * size
    spans = [(c.bbox[0], c.bbox[2], g) for c, g in zip(chars, groups, strict=True)]
    gutters = free_strips(spans, width, allowed, reach)
    sure = [span for span, c in zip(spans, chars, strict=True) if c.confidence >= SURE_GLYPH]
    unblocked = [(a, b) for a, b in free_strips(sure, width, allowed, reach)
                 if not any(a < g1 and g0 < b for g0, g1 in gutters)]
    gutters += [(a, b) for a, b in unblocked
                if len({r for x0, x1, r in sure if a - reach <= x1 <= a}
                       & {r for x0, x1, r in sure if b <= x0 <= b + reach}) >= 2]
    return sorted(gutters)


def _runs(joins: list[bool], chars: list[Char], col_x: list[float], y0: float, y1: float) -> int:
    """How many separate runs of text a row holds, given which column boundaries text joins."""
    filled = [any(col_x[c] <= ch.cx < col_x[c + 1] and y0 < ch.cy < y1 for ch in chars)
              for c in range(len(col_x) - 1)]
    runs, open_run = 0, False
    for c, has_text in enumerate(filled):
        if has_text and not (open_run and c > 0 and joins[c - 1]):
            runs += 1
        open_run = has_text or (open_run and c < len(joins) and joins[c])
    return runs


def text_spans(chars: list[Char], x: float, y0: float, y1: float) -> bool:
    """Do the lines of text near x between y0 and y1 (within GUTTER_REACH glyphs) run across
    it, most of them? A line runs across where glyphs touch on both sides: the gap is under
    half a glyph's width (an OCR line box stretched over two cells' lines is taller than its
    glyphs). A glyph read unsurely may be the recogniser's guess at the gap between two cells'
    texts, and counts for nothing; so does one line of many, which OCR may have read across
    two cells' lines."""
    if not chars:
        return False
    reach = GUTTER_REACH * _median_size(chars)
    near = [c for c in chars if y0 < c.cy < y1 and c.bbox[0] - reach < x < c.bbox[2] + reach]
    lines = [line for line in map(_telling, group_lines(near)) if line]
    return 2 * sum(_runs_across(line, x) for line in lines) > len(lines)


def _telling(line: list[Char]) -> list[Char]:
    """The glyphs of a line that tell where its text runs: the sure ones, and unsure ones set
    in running text, close to the glyphs beside them with two or more glyphs on either side.
    A guess at the gap between two cells' texts stands apart, or beside a short text."""
    def close(a: Char, b: Char) -> bool:
        return b.bbox[0] - a.bbox[2] < TIGHT * min(a.size, b.size)

    return [c for i, c in enumerate(line) if c.confidence >= SURE_GLYPH
            or 2 <= i < len(line) - 2 and close(line[i - 1], c) and close(c, line[i + 1])]


def _runs_across(line: list[Char], x: float) -> bool:
    """Does a glyph of the line stand across x, or do two glyphs touch there?"""
    ink = [_ink_span(ch) for ch in line]
    if any(a0 < x - 1 < x + 1 < a1 for a0, a1 in ink):
        return True
    return any(a1 - 1 <= x <= b0 + 1 and b0 - a1 < 0.5 * min(a.size, a.bbox[2] - a.bbox[0])
               for a, (_, a1), (b0, _) in zip(line, ink, ink[1:], strict=False))


def _ink_span(ch: Char) -> tuple[float, float]:
    """Where a glyph's ink lies across: a full-width closing mark in the left half of its
    box, an opening one in the right half."""
    if ch.text in CLOSING_MARKS:
        return ch.bbox[0], ch.cx
    if ch.text in OPENING_MARKS:
        return ch.cx, ch.bbox[2]
    return ch.bbox[0], ch.bbox[2]


def _apart(chars: list[Char], col_x: list[float], c: int, y0: float, y1: float) -> bool:
    """Do columns c and c + 1 both hold text between y0 and y1, with a gap wider than a space
    wherever a line reaches across their boundary? Lines of a merged cell run on. Thin marks
    standing on two boundaries of one line (“ and ” on a cell's sides) are what OCR read into
    the remnants of the rules there."""
    x = col_x[c + 1]
    marks = [ch for ch in chars if y0 < ch.cy < y1 and ch.text in RULE_LOOKALIKES
             and any(ch.bbox[0] <= b <= ch.bbox[2] for b in col_x[1:-1])]
    remnants = [m for m in marks if any(abs(m.cy - n.cy) < 0.5 * m.size for n in marks if n is not m)]
    remnants += [ch for ch in chars if y0 < ch.cy < y1 and _gap_guess(ch, x, chars)]
    inside = [ch for ch in chars if y0 < ch.cy < y1 and col_x[c] <= ch.cx < col_x[c + 2]
              and not any(ch is m for m in remnants)]
    left = [ch for ch in inside if ch.cx < x]
    right = [ch for ch in inside if ch.cx >= x]
    if not left or not right or any(ch.bbox[0] < x - 1 < x + 1 < ch.bbox[2] for ch in inside):
        return False
    han = sorted(ch.bbox[2] - ch.bbox[0] for ch in inside if is_han(ch.text))
    width = han[len(han) // 2] if han else None  # OCR's line boxes make a glyph's size uneven
    return not any(abs(a.cy - b.cy) < 0.5 * a.size and b.bbox[0] - a.bbox[2] < CELLS_APART * (width or a.size)
                   for a in left for b in right)


def _gap_guess(ch: Char, x: float, chars: list[Char], side: bool = False) -> bool:
    """Is `ch` (one of `chars`) read unsurely over the boundary x: a mark, the recogniser's
    guess at the gap between two cells' texts that its line ran across, or one upright stroke
    standing apart from the glyphs beside it, its reading of what is left of the rule there?
    On the table's `side`, where no text stands, and as the T of a column rule's top, such a
    reading is the rule's however surely it was read; so is a colon read from the dots of a
    dotted rule, apart from the glyph before it (a colon follows its label close)."""
    if not ch.bbox[0] < x < ch.bbox[2]:
        return False
    if ch.text == RULE_JUNCTION:
        return True
    if ch.text in ONE_STROKE:
        return (side or ch.confidence < SURE_STROKE) and not _beside(ch, chars, before=True, after=True)
    if ch.text in RULE_DOTS and not _beside(ch, chars, before=True, after=False):
        return True
    return ch.confidence < SURE_GLYPH and not (ch.text.isalnum() or is_han(ch.text))


def _beside(ch: Char, chars: list[Char], before: bool, after: bool) -> bool:
    """Does a glyph of `chars` stand within half a glyph of `ch` on its line, before it or after it?"""
    return any(other is not ch and abs(other.cy - ch.cy) < 0.5 * ch.size
               and ((before and other.cx < ch.cx and ch.bbox[0] - other.bbox[2] < 0.5 * ch.size)
                    or (after and other.cx > ch.cx and other.bbox[0] - ch.bbox[2] < 0.5 * ch.size))
               for other in chars)


def _centred_alone(chars: list[Char], col_rules: list[Segment], col_x: list[float], c: int,
                   y0: float, y1: float) -> bool:
    """Does only one of columns c and c + 1 hold text between y0 and y1, each line of it inside
    that column and set in its middle, far nearer its middle than the middle of the two together
    (where a cell merged over both would set it)? Its column's other side must be closed, by a
    rule or by text: a heading set over three columns stands in the middle of the middle one."""
    band = [ch for ch in chars if y0 < ch.cy < y1]
    inside = [ch for ch in band if col_x[c] <= ch.cx < col_x[c + 2]]
    own = {c + (ch.cx >= col_x[c + 1]) for ch in inside}
    if len(own) != 1:
        return False
    k = own.pop()
    far = k + 1 if k > c else k - 1  # the column beyond k, away from the boundary
    if 0 <= far < len(col_x) - 1 and not (
            covered(col_rules, col_x[max(k, far)], y0, y1, True) > 0.5
            or any(col_x[far] <= ch.cx < col_x[far + 1] for ch in band)):
        return False
    middle, both = (col_x[k] + col_x[k + 1]) / 2, (col_x[c] + col_x[c + 2]) / 2
    for line in group_lines(inside):
        start, end = line[0].bbox[0], line[-1].bbox[2]
        centre, size = (start + end) / 2, line[0].size
        runs_on = any(abs(ch.cy - line[0].cy) < 0.5 * size and ch not in line
                      and -1 < max(ch.bbox[0] - end, start - ch.bbox[2]) < CELLS_APART * size for ch in band)
        if (runs_on or start < col_x[k] or end > col_x[k + 1] or abs(centre - middle) > CENTRED * size
                or 2 * abs(centre - middle) > abs(centre - both)):
            return False
    return True


def _lines_apart(chars: list[Char], top: float, y: float, bottom: float, x0: float, x1: float) -> bool:
    """Is there text between x0 and x1 both above y (up to `top`) and below it (down to
    `bottom`), with a gap wider than between wrapped lines? Lines of a merged cell run on at
    their usual pitch."""
    inside = [ch for ch in chars if x0 <= ch.cx < x1 and top < ch.cy < bottom]
    above = [ch for ch in inside if ch.cy < y]
    below = [ch for ch in inside if ch.cy >= y]
    if not above or not below:
        return False
    return _gap(above, below) >= LINES_APART * _median_size(inside)


def _cell_starts_at(chars: list[Char], x: float, y0: float, y1: float) -> bool:
    """Do the text lines between y0 and y1 that reach the boundary x all start right of it,
    as a left-aligned cell's lines do? A merged cell's text runs across it or stands apart."""
    lines = group_lines([ch for ch in chars if y0 < ch.cy < y1 and x - ch.size < ch.bbox[2]
                         and ch.bbox[0] < x + 2 * ch.size])
    return bool(lines) and all(min(ch.bbox[0] for ch in line) >= x - 1 for line in lines)


def _near(x: float, bounds: list[float]) -> bool:
    return any(abs(x - b) <= DRIFT for b in bounds)


def _snapped(x: float, bounds: list[float], reach: float) -> float:
    """x, or the boundary within reach of it."""
    return min((b for b in bounds if abs(b - x) <= reach), key=lambda b: abs(b - x), default=x)


def _rows_apart(chars: list[Char], row_y: list[float], col_x: list[float], x: float) -> int:
    """In how many row bands x parts two cells' texts, a glyph or more apart."""
    bounds = sorted([*col_x, x])
    c = bounds.index(x) - 1
    return sum(_apart(chars, bounds, c, row_y[r], row_y[r + 1]) for r in range(len(row_y) - 1))


def _free_at(chars: list[Char], row_y: list[float], x: float) -> bool:
    """Does text cross x in at most a third of the row bands? A boundary the previous page
    had is kept unless most rows run across it: an OCR line box may run over two cells."""
    bands = {_index(row_y, c.cy) for c in chars if c.bbox[0] < x < c.bbox[2]}
    return len(bands) <= (len(row_y) - 1) // 3


def worn_row_rules(chars: list[Char], row_y: list[float], col_x: list[float],
                   col_rules: list[Segment]) -> list[Segment]:
    """Row rules a scan wore away between ruled rows: where two cells side by side both leave
    a gap between their lines WORN_ROW_GAP times the usual one between wrapped lines, at one
    height. Returned as rules across the cells that show the gap."""
    nrows, ncols = len(row_y) - 1, len(col_x) - 1
    lines_in = {(r, c): group_lines([ch for ch in chars if col_x[c] <= ch.cx < col_x[c + 1]
                                     and row_y[r] <= ch.cy < row_y[r + 1]])
                for r in range(nrows) for c in range(ncols)}
    gaps = [_gap(a, b) for lines in lines_in.values() for a, b in zip(lines, lines[1:], strict=False)]
    if not gaps:
        return []
    least = max(WORN_ROW_GAP * statistics.median(gaps), ROW_PADDING * _median_size(chars))
    out = []
    for r in range(nrows):
        wide = sorted((max(ch.bbox[3] for ch in above), min(ch.bbox[1] for ch in below), c)
                      for c in range(ncols)
                      for above, below in zip(lines_in[r, c], lines_in[r, c][1:], strict=False)
                      if _gap(above, below) >= least)
        while wide:
            at_height = [g for g in wide if g[0] < wide[0][1] and wide[0][0] < g[1]]
            wide = [g for g in wide if g not in at_height]
            top, bottom = max(g[0] for g in at_height), min(g[1] for g in at_height)
            cols = sorted(g[2] for g in at_height)
            y0, y1 = row_y[r], row_y[r + 1]
            cells = 1 + sum(any(_parts(chars, col_rules, col_x, k, y0, y1) for k in range(a, b))
                            for a, b in zip(cols, cols[1:], strict=False))
            if cells >= 2 and top < bottom:
                out += [Segment(col_x[c], (top + bottom) / 2, col_x[c + 1], (top + bottom) / 2) for c in cols]
    return out


def _parts(chars: list[Char], col_rules: list[Segment], col_x: list[float], c: int,
           y0: float, y1: float) -> bool:
    """Does the boundary between columns c and c + 1 part two cells between y0 and y1: drawn,
    or with the texts on either side apart?"""
    return covered(col_rules, col_x[c + 1], y0, y1, True) > 0.5 or _apart(chars, col_x, c, y0, y1)


def text_row_breaks(chars: list[Char], rules: list[float]) -> list[float]:
    """Row boundaries where row rules are missing: strips free of text across all columns,
    clearly taller than the gap between wrapped lines, and without a rule in them."""
    if not chars:
        return []
    size = _median_size(chars)
    lines = group_lines(chars)
    gaps = sorted(_gap(a, b) for a, b in zip(lines, lines[1:], strict=False))
    usual = max(0.0, gaps[len(gaps) // 2]) if gaps else 0.0  # most lines are wrapped lines of a cell
    least = min(ROW_GAP * size, usual + ROW_PADDING * size)
    strips = free_strips([(c.bbox[1], c.bbox[3], i) for i, c in enumerate(chars)], least)
    return [(a + b) / 2 for a, b in strips if not any(a <= y <= b for y in rules)]


def attach_surrounding_text(tables: list[Table], page: Page) -> None:
    """Record the text lines above each table (and below the last) for stitching."""
    outside = [c for c in page.chars if c.text.strip()
               and not any(t.bbox[0] - TOL <= c.cx <= t.bbox[2] + TOL
                           and t.bbox[1] - TOL <= c.cy <= t.bbox[3] + TOL for t in tables)]
    lines = [(min(c.cy for c in line), line_text(line)) for line in group_lines(outside)]
    prev_bottom = 0.0
    for table in tables:
        table.text_above = "\n".join(text for y, text in lines if prev_bottom <= y < table.bbox[1])
        prev_bottom = table.bbox[3]
    if tables:
        tables[-1].text_below = "\n".join(text for y, text in lines if y > prev_bottom)
