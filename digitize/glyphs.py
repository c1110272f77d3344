"""Single glyphs of a line crop judged by their shape, where the recogniser confuses
look-alikes or skips marks: a full stop or a 、 it left out, the ≥ of fonts whose bar leans
against the sign's lower arm (read as >), straight quotes told from curly ones, ； from ：
and ， from 、.

All work on the ink of one text line: its blobs (connected components) and the
typical height of its characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A full stop is a ring this size against the line's typical blob.
STOP_SIZE = (0.2, 0.55)
# A sign whose ink below its middle exceeds the ink above by this share of the whole has
# a bar under it: ≥ or ≤. Plain > and < measure within ±0.08, a leaning bar +0.15 or more.
BAR_SHARE = 0.12
BARRED = {">": "≥", "<": "≤"}
# Quotes: a straight " takes a half-width slot between its neighbours, a curly one a
# full-width slot with the marks at one side (slot widths in character heights). Below
# NARROW_SLOT the font sets quotes proportionally and the slot tells nothing.
QUOTES = frozenset("\"“”")
NARROW_SLOT = 0.55
FULL_SLOT = 1.05
MARK_SIZE = 0.5  # a quote mark is at most this high and wide, in character heights
# An enumeration comma 、 is one stroke this size (in character heights) falling from
# upper left to lower right: its pixels' x and y correlate at least this much.
COMMA_SIZE = (0.2, 0.45)
COMMA_SLANT = 0.3
# A ， hangs down from its head, straight or bending left: its pixels' x and y correlate
# less than this, and it stands taller than wide by this factor.
COMMA_UPRIGHT = 0.2
COMMA_STANDS = 1.15
# Thresholding at low resolution rounds a ， into a blob that leans like a 、: one standing
# this much taller than wide and leaning less than WORN_COMMA_SLANT is a ， (a 、 stands no
# taller than wide, or leans more).
WORN_COMMA_STANDS = 1.1
WORN_COMMA_SLANT = 0.35
# The lower mark of a ； is a comma, this much taller than the dot above it (as a ratio and
# in character heights); the two dots of a ： match within the lower ratio.
TAIL_RATIO = (1.15, 1.25)
TAIL_LENGTH = 0.05
# The one stroke of 一, whole or broken into dashes and specks by a black-and-white scan:
# flat pieces (at most ONE_FLAT character heights tall) level with the largest (within
# ONE_LEVEL), spanning ONE_SPAN of a character's width (two such spans are a Chinese dash),
# and no other ink but specks of at most SPECK pixels. Where the recogniser saw nothing there,
# the pieces ink ONE_INKED of the span at least: a row of the paper's specks is no stroke.
ONE_FLAT = 0.3
ONE_LEVEL = 0.15
ONE_SPAN = (0.6, 1.3)
ONE_INKED = 0.5
SPECK = 4


@dataclass
class LineInk:
    labels: np.ndarray  # component label of each pixel, 0 for paper
    stats: np.ndarray  # cv2 stats: x, y, width, height, area per label
    centroids: np.ndarray
    char_height: float  # typical height of a full character's blob

    @classmethod
    def of(cls, grey: np.ndarray) -> LineInk:
        _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        _, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
        heights = stats[1:, cv2.CC_STAT_HEIGHT]
        tall = heights[heights > 0.5 * heights.max()] if heights.size else heights
        return cls(labels, stats, centroids, float(np.median(tall)) if tall.size else 0.0)

    def blobs_near(self, x0: float, x1: float, slack: float = 0.0) -> list[int]:
        return [i for i in range(1, len(self.stats))
                if x0 - slack <= self.centroids[i][0] <= x1 + slack and self.stats[i][4] > 4]

    def has_hole(self, blob: int) -> bool:
        x, y, w, h, _ = self.stats[blob]
        mask = (self.labels[y:y + h, x:x + w] == blob).astype(np.uint8)
        _, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        return hierarchy is not None and bool((hierarchy[0][:, 3] >= 0).any())

    def alone_in_columns(self, blob: int, besides: list[int] = ()) -> bool:
        """No ink of other blobs (but `besides`) above or below `blob`, as there is over
        the dots of a 关 or the ring of a %."""
        x, _, w, _, _ = self.stats[blob]
        columns = self.labels[:, x:x + w]
        return not ((columns > 0) & (columns != blob) & ~np.isin(columns, besides)).any()


def final_stop(grey: np.ndarray) -> tuple[float, float] | None:
    """The x extent of a full stop ending a line crop, if its last blob is one: a small ring
    standing alone in its columns. The recogniser often leaves out a 。 after a figure."""
    line = LineInk.of(grey)
    stats = line.stats
    if len(stats) < 3:
        return None
    last = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_LEFT] + stats[1:, cv2.CC_STAT_WIDTH]))
    x, _, w, _, _ = stats[last]
    glyph = float(np.median(np.delete(stats[1:, cv2.CC_STAT_HEIGHT], last - 1)))
    if not line.alone_in_columns(last):
        return None  # the ring of a % or the counter of a digit has more ink above or below it
    return (float(x), float(x + w)) if _is_stop_ring(line, last, glyph) else None  # else a comma or a speck


def is_full_stop(line: LineInk, x0: float, x1: float) -> bool:
    """Whether the mark read at x0..x1 (as a middle dot) is a ring alone in its columns."""
    blobs = line.blobs_near(x0, x1)
    if not blobs:
        return False
    blob = max(blobs, key=lambda i: line.stats[i][4])
    return line.alone_in_columns(blob) and line.has_hole(blob)


def is_one(line: LineInk, x0: float, x1: float, least_inked: float = 0.0) -> bool:
    """Whether the ink at x0..x1 (read as dashes or dots, or unread) is the stroke of a 一,
    inking at least `least_inked` of its span."""
    em = line.char_height
    blobs = np.array([i for i in range(1, len(line.stats)) if x0 <= line.centroids[i][0] <= x1], int)
    if not blobs.size or not em:
        return False
    x, y, w, h, area = (line.stats[blobs, i] for i in range(5))
    middles = y + h / 2
    bar = (h <= ONE_FLAT * em) & (np.abs(middles - middles[area.argmax()]) <= ONE_LEVEL * em)
    if not (bar | (area <= SPECK)).all():
        return False
    start, end = x[bar].min(), (x + w)[bar].max()
    inked = np.zeros(end - start, bool)
    for bx, bw in zip(x[bar], w[bar], strict=True):
        inked[bx - start:bx - start + bw] = True
    return bool(ONE_SPAN[0] * em <= end - start <= ONE_SPAN[1] * em and inked.mean() >= least_inked)


def comparison_sign(line: LineInk, sign: str, x0: float, x1: float) -> str:
    """`sign` (> or <, read at x0..x1) as ≥ or ≤ when its blob is heavier below its middle:
    the bar of a 楷体 ≥ leans against the lower arm and merges with it."""
    blobs = line.blobs_near(x0, x1)
    if not blobs:
        return sign
    blob = max(blobs, key=lambda i: line.stats[i][4])
    x, y, w, h, _ = line.stats[blob]
    rows = (line.labels[y:y + h, x:x + w] == blob).sum(axis=1)
    above, below = rows[:h // 2].sum(), rows[(h + 1) // 2:].sum()
    return BARRED[sign] if below - above > BAR_SHARE * (above + below) else sign


def quote_form(line: LineInk, x0: float, x1: float) -> str | None:
    """The quote read at x0..x1 as ", “ or ” by the slot it takes between its neighbours;
    None where the blobs or the font leave it open."""
    em = line.char_height
    stats = line.stats
    marks = _lone_marks(line, x0, x1)
    if not 1 <= len(marks) <= 2:
        return None
    left = min(stats[i][0] for i in marks)
    right = max(stats[i][0] + stats[i][2] for i in marks)
    if right - left > MARK_SIZE * em:
        return None
    others = [i for i in range(1, len(stats)) if i not in marks and stats[i][4] > 4]
    before = [stats[i][0] + stats[i][2] for i in others if stats[i][0] + stats[i][2] <= left + 1]
    after = [stats[i][0] for i in others if stats[i][0] >= right - 1]
    if not before or not after:
        return None  # at a line's end the slot is open
    gap_before, gap_after = left - max(before), min(after) - right
    slot = (min(after) - max(before)) / em
    if slot >= FULL_SLOT:
        return "“" if gap_before > gap_after else "”"  # an opening mark sits against what follows
    return '"' if slot >= NARROW_SLOT else None


def skipped_mark(line: LineInk, x0: float, x1: float) -> tuple[str, float, float] | None:
    """A 、 or 。 alone in the gap x0..x1 between two read characters, with its x extent, if
    there is one: the recogniser skips a 、 after a figure in some fonts ("2、满意度") and a 。
    after a closing bracket."""
    em = line.char_height
    stats = line.stats
    inside = [i for i in range(1, len(stats))
              if x0 - 2 <= stats[i][0] and stats[i][0] + stats[i][2] <= x1 + 2 and stats[i][4] > 4]
    marks = [i for i in inside if max(stats[i][2], stats[i][3]) >= COMMA_SIZE[0] * em]
    if len(marks) != 1:
        return None
    mark = marks[0]
    x, _, w, h, _ = stats[mark]
    if max(w, h) > COMMA_SIZE[1] * em or not line.alone_in_columns(mark, inside):
        return None
    if _slant(line, mark) == "、":
        return "、", float(x), float(x + w)
    if _is_stop_ring(line, mark, em):
        return "。", float(x), float(x + w)
    return None


def _lean(line: LineInk, blob: int) -> float | None:
    """How much the blob's pixels fall from upper left to lower right (the correlation of
    their x and y); None for a blob too small or straight to tell."""
    x, y, w, h, _ = line.stats[blob]
    ys, xs = np.nonzero(line.labels[y:y + h, x:x + w] == blob)
    if len(xs) < 3 or xs.std() == 0 or ys.std() == 0:
        return None
    return float(np.corrcoef(xs, ys)[0, 1])


def _slant(line: LineInk, blob: int) -> str | None:
    """"、" for a stroke falling from upper left to lower right, "，" for one taller than
    wide that hangs straight down or bends to the lower left, else None."""
    slant = _lean(line, blob)
    if slant is None:
        return None
    if slant >= COMMA_SLANT:
        return "、"
    _, _, w, h, _ = line.stats[blob]
    return "，" if slant < COMMA_UPRIGHT and h >= COMMA_STANDS * w else None


def _is_stop_ring(line: LineInk, blob: int, glyph: float) -> bool:
    _, _, w, h, _ = line.stats[blob]
    return (STOP_SIZE[0] * glyph <= min(w, h) and max(w, h) <= STOP_SIZE[1] * glyph
            and 0.6 <= w / h <= 1.6 and line.has_hole(blob))


def _lone_marks(line: LineInk, x0: float, x1: float) -> list[int]:
    """Blobs read at x0..x1 small enough for marks, with no other ink above or below them."""
    em = line.char_height
    stats = line.stats
    small = [i for i in line.blobs_near(x0, x1, 0.25 * em)
             if stats[i][2] < MARK_SIZE * em and stats[i][3] < MARK_SIZE * em]
    return [i for i in small if line.alone_in_columns(i, small)]


def comma_form(line: LineInk, x0: float, x1: float) -> str | None:
    """The comma read at x0..x1 as ， or 、 by the slant of its stroke; None if unclear."""
    marks = _lone_marks(line, x0, x1)
    return _slant(line, marks[0]) if len(marks) == 1 else None


def is_worn_comma(line: LineInk, x0: float, x1: float) -> bool:
    """Is the mark read at x0..x1 (as 、) a ， that thresholding wore round?"""
    marks = _lone_marks(line, x0, x1)
    if len(marks) != 1:
        return False
    _, _, w, h, _ = line.stats[marks[0]]
    slant = _lean(line, marks[0])
    return slant is not None and h >= WORN_COMMA_STANDS * w and slant < WORN_COMMA_SLANT


def colon_form(line: LineInk, x0: float, x1: float) -> str | None:
    """The mark read at x0..x1 as ： or ； by its two stacked blobs: the lower one of a ；
    is a comma, taller than the dot above it. None if unclear."""
    marks = _lone_marks(line, x0, x1)
    if len(marks) != 2:
        return None
    stats = line.stats
    upper, lower = sorted(marks, key=lambda i: stats[i][1])
    if stats[lower][1] < stats[upper][1] + stats[upper][3]:
        return None  # side by side, not stacked
    top, tail = float(stats[upper][3]), float(stats[lower][3])
    if tail >= TAIL_RATIO[1] * top and tail - top >= TAIL_LENGTH * line.char_height:
        return "；"
    return "：" if tail <= TAIL_RATIO[0] * top else None
