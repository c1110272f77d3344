"""Ruling lines of a page image, found by OpenCV morphology.

The result is the same Segment list the text-layer path reads from vector
drawings, in page points, so one grid builder serves digital and scanned pages.
"""

from __future__ import annotations

import cv2
import numpy as np

from .model import Char, Segment
from .raster import PageImage, binarized, seal_rings
from .tables import merge_segments

# Lengths in points, converted to pixels at the image's dpi.
MIN_RULE_H = 20.0  # shorter horizontal runs may be strokes of neighbouring characters
MIN_RULE_V = 12.0  # a one-line row is about this tall
MAX_THICKNESS = 3.5  # thicker bars are shading or bold text, not rules
DASH_THICKNESS = 2.5  # a piece of a broken rule is no thicker than this (a bracket is thicker)
# A rule at least this long stands on its own; a shorter one must end on a crossing rule,
# as the rules closing a merged cell do. Strokes of neighbouring characters that happen to
# line up are short and end in the open.
LONE_RULE = 60.0
SHORT_RULE_INK = 0.8  # share of a short rule's length that is ink; the rest bridged gaps
# Strokes of characters lined up row under row are told from a rule by the paper beside the
# rules they cross (CLEAR_OF_RULE points from the crossing), at this share of at least
# CROSSINGS_TO_JUDGE crossings.
CLEAR_OF_RULE = (0.9, 1.6)
CLEAR_SHARE = 0.75
CROSSINGS_TO_JUDGE = 3
# A short rule inside a character's box, short of this share of the box from its edges, is a
# stroke of the character.
STROKE_RIM = 0.1
TOUCH = 1.5
# Collinear pieces this far apart are one rule with a gap (worn print, dash-dot patterns);
# a rule left out to merge cells leaves out a whole cell side, which is longer.
GAP = 20.0
ALIGN = 1.5  # a rule's end lies this close to a crossing rule it reaches
BRIDGE = 10.0  # gaps this long in a broken or dash-dotted rule are closed
# Ink blobs no taller (for vertical rules) or wider (for horizontal ones) than this are
# characters, titles included, or specks, unless they are thin dashes of a broken rule.
GLYPH = 22.0
# A pixel this much darker than its surroundings may belong to a rule: faint grey rules
# on white count, the flat grey shading of a header row does not, rules across it do.
RULE_CONTRAST = 40
# A rule printed faint or thin comes out of binarization as a trail of dots and dashes with
# gaps up to DOT_GAP. Such a trail, clear of any character OCR read, is a rule when it
# runs at least LONE_RULE with this share of its length inked and this many pieces.
DOT_GAP = 40.0
DOT_COVER = 0.12
DOT_PIECES = 8
WORN_COVER = 0.5  # or fewer pieces, mostly ink: a solid rule worn through in places
DOT_BAND = 1.5  # a trail's pieces lie this close to its line
# Half a trail's ink lies this close to its centre line; the pieces the curve of a seal or
# stamp leaves after its colour is dropped stray further.
DOT_STRAIGHT = 0.3
TEXT_RIM = 0.1  # a glyph's strokes reach this share of its box beyond the box OCR gives
DOT_INK = 160  # pixels of a trail are at least this dark (grey level)
# A rule shorter than a seal's width with at least this share of its length on the seal (its
# ring widened by RING_BAND points) is a piece of it: an arc of the ring that runs nearly
# straight, a stroke of its star or lettering. Unless it is ink all along (SOLID_RULE): a
# black-and-white scan leaves a seal dithered, and the rules under it solid.
SEAL_SHARE = 0.5
RING_BAND = 6.0
SOLID_RULE = 0.9
SHORT_ROW_RULE = 2 * LONE_RULE  # a shorter row rule through a text line runs from rule to rule
DOT_END = 1.5  # pieces this long are dashes, shorter ones may be specks of the paper
DASH_READINGS = set("1lIijJ|!！:：;；.,，·、'‘’-—_~")
READING_RIM = 0.2  # a rule through a box short of this share from its sides runs through its glyph
DASH_DOUBT = 0.9  # OCR is less sure than this of what it reads into a rule's dashes


def find_rules(image: PageImage) -> tuple[list[Segment], np.ndarray]:
    """Horizontal and vertical rules in page points, and the rule pixels as a mask."""
    px = image.dpi / 72.0
    dark = _contrast_mask(image.grey, px)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    # Horizontal rules first; their pixels are then kept out of the vertical search so that
    # bridging gaps cannot join a character's stroke to the rule above or below it.
    h_mask = _rule_mask(_candidates(labels, stats, True, px), True, px)
    v_dark = _candidates(labels, stats, False, px) | _between_row_rules(dark, h_mask, px)
    v_mask = _rule_mask(v_dark & ~h_mask, False, px)
    pieces = _segments(h_mask, True, px, image.scale) + _segments(v_mask, False, px, image.scale)
    h, v = merge_segments(pieces, gap=GAP)
    segments = _anchored(h, v, dark, px)
    h = [s for s in segments if s.horizontal]
    v = [s for s in segments if not s.horizontal]
    h, v = ([s for s in rules if not _strokes_lined_up(s, across, dark, px)]
            for rules, across in ((h, v), (v, h)))
    rings = seal_rings(image.grey, image.dpi)
    segments = [s for s in _snap_ends(h, v) if not _on_seal(s, rings) or _inked(s, dark, px) >= SOLID_RULE]
    return segments, _pixels_of(segments, h_mask | v_mask, image.scale)


def _on_seal(s: Segment, rings: list[tuple[float, float, float]]) -> bool:
    """Is `s` a piece of a seal (see SEAL_SHARE)?"""
    start, end, line = _along(s)
    along = np.linspace(start, end, max(2, round(end - start)))
    xs, ys = (along, np.full_like(along, line)) if s.horizontal else (np.full_like(along, line), along)
    return any(end - start < 2 * r and (np.hypot(xs - x, ys - y) <= r + RING_BAND).mean() >= SEAL_SHARE
               for x, y, r in rings)


def finish_rules(segments: list[Segment], image: PageImage, chars: list[Char]) -> list[Segment]:
    """The rules found before OCR, less strokes of the characters OCR read, plus the dotted
    rules that only show once the text is known."""
    segments = drop_strokes(segments, chars)
    h, v = merge_segments(segments + dotted_rules(image, chars, segments), gap=GAP)
    # A short row rule that stops in the middle of a cell, at the height of a text line beside
    # it, is the dashes a binarized number breaks into or a stroke of a seal; it would add a
    # row. A rule worn short runs between the lines of text.
    h = [s for s in h if s.x1 - s.x0 >= SHORT_ROW_RULE or _between_rules(s, v) or not _through_text(s, chars)]
    return _snap_ends(h, v)


def _through_text(s: Segment, chars: list[Char]) -> bool:
    """Does the horizontal `s` run through the middle of a text line near it?"""
    near = [c for c in chars if s.x0 - SHORT_ROW_RULE < c.bbox[2] and c.bbox[0] < s.x1 + SHORT_ROW_RULE]
    return any(c.bbox[1] + rim < s.y0 < c.bbox[3] - rim
               for c in near for rim in [(c.bbox[3] - c.bbox[1]) * READING_RIM])


def _between_rules(s: Segment, across: list[Segment]) -> bool:
    """Do both ends of `s` reach (to within GAP) a rule across it?"""
    start, end, line = _along(s)
    stops = [at for a_start, a_end, at in map(_along, across) if a_start - GAP <= line <= a_end + GAP]
    return any(abs(at - start) <= GAP for at in stops) and any(abs(at - end) <= GAP for at in stops)


def dotted_rules(image: PageImage, chars: list[Char], known: list[Segment]) -> list[Segment]:
    """Rules that binarization broke into trails of dots and dashes too sparse for the
    morphology of find_rules: pieces outside the characters' boxes, lined up, together
    with the `known` rules (erased from `image`) that are stretches of the same trail."""
    px = image.dpi / 72.0
    faint = _contrast_mask(image.grey, px)
    dark = faint.copy()
    dark[image.grey >= DOT_INK] = 0  # a seal whose colour was dropped leaves pale curves
    if binarized(image.grey):
        faint = dark  # its greys are only the soft edges of black blobs, which they would join
    text = np.zeros(dark.shape, bool)
    for c in _text_chars(chars):
        x0, y0, x1, y1 = c.bbox
        rim_x, rim_y = (x1 - x0) * TEXT_RIM, (y1 - y0) * TEXT_RIM
        x0, y0, x1, y1 = (round(v * px) for v in (x0 - rim_x, y0 - rim_y, x1 + rim_x, y1 + rim_y))
        text[max(0, y0):y1, max(0, x0):x1] = True
    dark_blobs = _blobs_clear_of(dark, text)
    faint_blobs = dark_blobs if faint is dark else _blobs_clear_of(faint, text)
    found = []
    for horizontal in (True, False):
        rules = [(s.y0, s.x0, s.x1) if horizontal else (s.x0, s.y0, s.y1)
                 for s in known if s.horizontal == horizontal]
        lines = np.asarray([r[0] for r in rules], float) * px
        # Along the line of a rule already found, a faint print's dashes count in full.
        dark_pieces, faint_pieces = (_thin_pieces(*b, horizontal, px) for b in (dark_blobs, faint_blobs))
        on_rule = [np.abs(p[:, 0, None] - lines[None, :]).min(axis=1, initial=np.inf) <= DOT_BAND * px
                   for p in (dark_pieces, faint_pieces)]
        found_rules = np.asarray(rules, float).reshape(-1, 3) * px
        pieces = np.concatenate([dark_pieces[~on_rule[0]], faint_pieces[on_rule[1]], found_rules])
        is_rule = np.arange(len(pieces)) >= len(pieces) - len(found_rules)
        for line, a, b in _trails(pieces, is_rule, dark.shape[0 if horizontal else 1], px):
            line, a, b = line * image.scale, a * image.scale, b * image.scale
            found.append(Segment(a, line, b, line) if horizontal else Segment(line, a, line, b))
    return found


def _blobs_clear_of(mask: np.ndarray, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stats and centres of the blobs of `mask` whose centre lies outside the text."""
    _, _, stats, centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
    clear = ~text[centres[1:, 1].astype(int), centres[1:, 0].astype(int)]
    return stats[1:][clear], centres[1:][clear]


def _thin_pieces(stats: np.ndarray, centres: np.ndarray, horizontal: bool, px: float) -> np.ndarray:
    """The blobs thin enough to be pieces of a rule, as rows (line, start, end) in pixels."""
    start, along, across = (0, 2, 3) if horizontal else (1, 3, 2)
    thin = stats[:, across] <= MAX_THICKNESS * px
    return np.column_stack([centres[thin, 1 if horizontal else 0],
                            stats[thin, start], stats[thin, start] + stats[thin, along]]).astype(float)


def _text_chars(chars: list[Char]) -> list[Char]:
    """The characters that are surely text: not what OCR makes of the dashes of a rule beside
    a cell's text, a doubtful "1", "l" or "：" at the start or end of its line."""
    lines: dict[tuple[float, float], list[Char]] = {}
    for c in chars:  # the characters of one OCR line share its top and bottom
        lines.setdefault((c.bbox[1], c.bbox[3]), []).append(c)
    out = []
    for line in lines.values():
        line.sort(key=lambda c: c.bbox[0])
        out += [c for i, c in enumerate(line)
                if 0 < i < len(line) - 1 or c.text not in DASH_READINGS or c.confidence >= DASH_DOUBT]
    return out


def _trails(pieces: np.ndarray, is_rule: np.ndarray, size: int,
            px: float) -> list[tuple[float, float, float]]:
    """(line, start, end) of the trails among pieces given as rows (line, start, end), in
    pixels, `is_rule` marking the rules already found: the lines inked most are taken first,
    each with the pieces within DOT_BAND."""
    line, start, end = pieces.T
    inked = np.bincount(np.clip(np.round(line).astype(int), 0, size), weights=end - start,
                        minlength=size + 1)
    band = round(DOT_BAND * px)
    inked = np.convolve(inked, np.ones(2 * band + 1), "same")
    unused = np.ones(len(line), bool)
    out = []
    for peak in np.argsort(-inked):
        if inked[peak] < LONE_RULE * DOT_COVER * px:
            break
        near = unused & (np.abs(line - peak) <= 2 * band)
        if not near.any():
            continue
        unused &= ~near
        # The smoothed peak may sit off the line by a stray piece; the ink says where it is.
        centre = _weighted_median(line[near], end[near] - start[near])
        on_line = near & (np.abs(line - centre) <= band)
        trail: list[int] = []
        for i in np.flatnonzero(on_line)[np.argsort(start[on_line])]:
            if trail and start[i] - end[trail].max() > DOT_GAP * px:
                out += _rule_of(line[trail], start[trail], end[trail], is_rule[trail], px)
                trail = []
            trail.append(i)
        out += _rule_of(line[trail], start[trail], end[trail], is_rule[trail], px)
    return out


def _rule_of(line: np.ndarray, start: np.ndarray, end: np.ndarray, is_rule: np.ndarray,
             px: float) -> list[tuple[float, float, float]]:
    """The trail of these pieces (in order along it) as (line, start, end) if it is long and
    inked enough. It starts and ends with a dash: specks of the paper beyond them are noise.
    Between and beyond the rules already found (`is_rule`), the trail must be inked enough
    on its own: a speck or two in a merged cell do not join the rules either side of it."""
    dashes = np.flatnonzero(end - start >= DOT_END * px)
    if not len(dashes):
        return []
    keep = slice(dashes[0], dashes[-1] + 1)
    line, start, end, is_rule = line[keep], start[keep], end[keep], is_rule[keep]
    a, b = start.min(), end.max()
    centre = _weighted_median(line, end - start)
    inked = (end - start).sum() / (b - a)
    beyond_rules = (b - a) - (end[is_rule] - start[is_rule]).sum()
    if (b - a < LONE_RULE * px or inked < DOT_COVER or (len(line) < DOT_PIECES and inked < WORN_COVER)
            or (is_rule.any() and beyond_rules > 0
                and (end[~is_rule] - start[~is_rule]).sum() < DOT_COVER * beyond_rules)
            or _weighted_median(np.abs(line - centre), end - start) > DOT_STRAIGHT * px):
        return []
    return [(centre, float(a), float(b))]


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def drop_rule_readings(chars: list[Char], segments: list[Segment]) -> list[Char]:
    """The characters less those OCR made of a rule: a "1", "I" or "：" with a rule through
    the middle of its box."""

    def on_rule(c: Char) -> bool:
        x0, y0, x1, y1 = c.bbox
        rim_x, rim_y = (x1 - x0) * READING_RIM, (y1 - y0) * READING_RIM
        return any(x0 + rim_x < s.x0 < x1 - rim_x and s.y0 <= c.cy <= s.y1 if not s.horizontal
                   else y0 + rim_y < s.y0 < y1 - rim_y and s.x0 <= c.cx <= s.x1 for s in segments)

    return [c for c in chars if c.text not in DASH_READINGS or not on_rule(c)]


def drop_strokes(segments: list[Segment], chars: list[Char]) -> list[Segment]:
    """The rules less any short one that runs through a character read from the image (not
    just along the rim of its box): that is a stroke of the character, such as the top
    strokes of "行行" side by side, bridged onto a rule nearby."""

    def through(s: Segment, c: Char) -> bool:
        x0, y0, x1, y1 = c.bbox
        rim_x, rim_y = (x1 - x0) * STROKE_RIM, (y1 - y0) * STROKE_RIM
        if s.horizontal:
            return x0 < s.x1 and s.x0 < x1 and y0 + rim_y < s.y0 < y1 - rim_y
        return y0 < s.y1 and s.y0 < y1 and x0 + rim_x < s.x0 < x1 - rim_x

    return [s for s in segments
            if max(s.x1 - s.x0, s.y1 - s.y0) >= LONE_RULE or not any(through(s, c) for c in chars)]


def _pixels_of(segments: list[Segment], mask: np.ndarray, scale: float) -> np.ndarray:
    """The part of `mask` along the kept rules (not along strokes that were turned down)."""
    out = np.zeros_like(mask)
    reach = round(MAX_THICKNESS / scale)  # pixels each side of the rule's centre line
    for s in segments:
        x0, y0 = max(0, round(s.x0 / scale) - reach), max(0, round(s.y0 / scale) - reach)
        x1, y1 = round(s.x1 / scale) + reach + 1, round(s.y1 / scale) + reach + 1
        out[y0:y1, x0:x1] = mask[y0:y1, x0:x1]
    return out


def _snap_ends(h: list[Segment], v: list[Segment]) -> list[Segment]:
    """Both sets of rules with their ends snapped to the rules across them."""
    for _ in range(2):  # a junction may have lost both rules' ends
        h = _snapped(h, v)
        v = _snapped(v, h)
    return h + v


def _snapped(segs: list[Segment], across: list[Segment]) -> list[Segment]:
    """Extend each rule's ends to the crossing rule it stops short of (by up to GAP).

    Rules of a drawn table end on other rules; on a scan a worn junction leaves a gap.
    """

    def extend(end: float, limits: list[float], step: int) -> float:
        if any(abs(y - end) <= 2 * ALIGN for y in limits):
            return end  # already ends on a crossing rule
        near = [y for y in limits if 0 < (y - end) * step <= GAP]
        return min(near, key=lambda y: abs(y - end)) if near else end

    out = []
    for s in segs:
        if s.horizontal:
            stops = [v.x0 for v in across if v.y0 - ALIGN <= s.y0 <= v.y1 + ALIGN]
            out.append(Segment(extend(s.x0, stops, -1), s.y0, extend(s.x1, stops, 1), s.y0))
        else:
            stops = [h.y0 for h in across if h.x0 - ALIGN <= s.x0 <= h.x1 + ALIGN]
            out.append(Segment(s.x0, extend(s.y0, stops, -1), s.x0, extend(s.y1, stops, 1)))
    return out


def _anchored(h: list[Segment], v: list[Segment], dark: np.ndarray, px: float) -> list[Segment]:
    """Long rules, and shorter ones that end on a kept rule across them and are mostly ink
    (not strokes of a stamp's lettering bridged into a line)."""

    def touches(a: Segment, b: Segment) -> bool:
        # Does an end of `a` lie on `b`, or on its line short of a worn end (see _snapped)?
        if a.horizontal:
            return (b.y0 - GAP <= a.y0 <= b.y1 + GAP
                    and min(abs(a.x0 - b.x0), abs(a.x1 - b.x0)) <= TOUCH)
        return (b.x0 - GAP <= a.x0 <= b.x1 + GAP
                and min(abs(a.y0 - b.y0), abs(a.y1 - b.y0)) <= TOUCH)

    kept = [s for s in h + v if max(s.x1 - s.x0, s.y1 - s.y0) >= LONE_RULE]
    pending = [s for s in h + v if s not in kept and _inked(s, dark, px) >= SHORT_RULE_INK]
    while True:
        found = [s for s in pending if any(k.horizontal != s.horizontal and touches(s, k) for k in kept)]
        if not found:
            return kept
        kept += found
        pending = [s for s in pending if s not in found]


def _strokes_lined_up(s: Segment, across: list[Segment], dark: np.ndarray, px: float) -> bool:
    """Is `s` the strokes of characters lined up row under row (the 1s of "301" down a column)
    rather than a rule? Text keeps clear of the rules across it, so beside most crossings
    such strokes leave paper, where a rule, even a worn one, has ink."""
    start, end, line = _along(s)
    crossings = [at for a_start, a_end, at in map(_along, across)
                 if a_start - ALIGN <= line <= a_end + ALIGN and start + 2 * ALIGN < at < end - 2 * ALIGN]
    if len(crossings) < CROSSINGS_TO_JUDGE:
        return False
    line = round(line * px)
    band = dark[line - 2:line + 3] if s.horizontal else dark[:, line - 2:line + 3].T
    inked = band.any(axis=0)
    near, far = round(CLEAR_OF_RULE[0] * px), round(CLEAR_OF_RULE[1] * px)
    clear = 0
    for at in crossings:
        at = round(at * px)
        beside = np.concatenate([inked[max(0, at - far):at - near], inked[at + near:at + far]])
        clear += beside.size > 0 and beside.mean() < 0.5
    return clear >= CLEAR_SHARE * len(crossings)


def _along(s: Segment) -> tuple[float, float, float]:
    """Where a rule starts and ends along its direction, and its line across."""
    return (s.x0, s.x1, s.y0) if s.horizontal else (s.y0, s.y1, s.x0)


def _inked(s: Segment, dark: np.ndarray, px: float) -> float:
    """Share of the rule's length with ink on its line (within a pixel or two)."""
    reach = 2
    if s.horizontal:
        y = round(s.y0 * px)
        along = dark[max(0, y - reach):y + reach + 1, round(s.x0 * px):round(s.x1 * px)].any(axis=0)
    else:
        x = round(s.x0 * px)
        along = dark[round(s.y0 * px):round(s.y1 * px), max(0, x - reach):x + reach + 1].any(axis=1)
    return float(along.mean()) if along.size else 0.0


def _contrast_mask(grey: np.ndarray, px: float) -> np.ndarray:
    # Closing wipes out lines and strokes thinner than its kernel, leaving the local paper or shading.
    size = max(5, round(2.5 * px)) | 1
    surroundings = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    return ((surroundings.astype(np.int16) - grey) > RULE_CONTRAST).astype(np.uint8) * 255


def _between_row_rules(dark: np.ndarray, h_mask: np.ndarray, px: float) -> np.ndarray:
    """Thin upright strokes running from a row rule down to the next (to within a bridged
    gap): the short column rule of a one-line row, which joins a piece of row rule into a
    blob too wide for a dash."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(dark & ~h_mask, connectivity=8)
    keep = np.zeros(len(stats), bool)
    reach = int(BRIDGE * px)
    upright = ((stats[:, cv2.CC_STAT_WIDTH] <= max(3.0, DASH_THICKNESS * px))
               & (stats[:, cv2.CC_STAT_HEIGHT] >= MIN_RULE_V * px))
    upright[0] = False  # background
    for i in np.flatnonzero(upright):
        x, y, w, h, _ = stats[i]
        above, below = h_mask[max(0, y - reach):y, x:x + w], h_mask[y + h:y + h + reach, x:x + w]
        keep[i] = above.any() and below.any()
    return _mask_of(labels, keep)


def _candidates(labels: np.ndarray, stats: np.ndarray, horizontal: bool, px: float) -> np.ndarray:
    """Ink blobs that can hold (part of) a rule: longer than a glyph, or thin dashes."""
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    length, thickness = (w, h) if horizontal else (h, w)
    dash = (thickness <= max(3.0, DASH_THICKNESS * px)) & (length >= 3 * thickness)
    keep = (length > GLYPH * px) | dash
    keep[0] = False  # background
    return _mask_of(labels, keep)


def _mask_of(labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """A mask of the labelled blobs kept (`keep` by label)."""
    return np.where(keep, 255, 0).astype(np.uint8)[labels]  # a lookup, not a page-sized where


def _rule_mask(dark: np.ndarray, horizontal: bool, px: float) -> np.ndarray:
    bridge = max(3, round(BRIDGE * px))
    length = max(15, round((MIN_RULE_H if horizontal else MIN_RULE_V) * px))
    along = (bridge, 1) if horizontal else (1, bridge)
    # A one-pixel step across the rule tolerates what skew correction leaves over.
    across = (1, 3) if horizontal else (3, 1)
    mask = cv2.dilate(dark, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    kernel = (length, 1) if horizontal else (1, length)
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))


def _segments(mask: np.ndarray, horizontal: bool, px: float, scale: float) -> list[Segment]:
    max_thickness = MAX_THICKNESS * px + 2  # +2: the dilation across the rule
    min_length = (MIN_RULE_H if horizontal else MIN_RULE_V) * px
    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    # A rule sits where its pixels are; its box also holds whatever touches it.
    for (x, y, w, h, area), (cx, cy) in zip(stats[1:], centroids[1:], strict=True):
        length = w if horizontal else h
        if area / length > max_thickness or length < min_length:
            continue
        if horizontal:
            out.append(Segment(x * scale, (cy + 0.5) * scale, (x + w) * scale, (cy + 0.5) * scale))
        else:
            out.append(Segment((cx + 0.5) * scale, y * scale, (cx + 0.5) * scale, (y + h) * scale))
    return out


def erase_rules(grey: np.ndarray, rule_mask: np.ndarray) -> np.ndarray:
    """The image with rule pixels painted as paper, so OCR does not read rules as 一 or 丨."""
    grown = cv2.dilate(rule_mask, np.ones((3, 3), np.uint8))
    out = grey.copy()
    out[grown > 0] = 255
    return out
