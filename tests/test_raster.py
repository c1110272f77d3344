"""Page image clean-up and ruling-line detection on drawn pages (no OCR)."""

import cv2
import numpy as np
import pymupdf
import pytest

from digitize import lines, pipeline, raster, tables
from digitize.model import Char, Page, Segment

DPI = 200
PT = 72 / DPI  # points per pixel
SIZE = (900, 1400)  # page image, pixels (height, width)
ROWS = [200, 290, 380, 470, 560, 650]  # y of the horizontal rules, pixels
COLS = [150, 420, 690, 960, 1230]  # x of the vertical rules
SEAL_RED = (205, 40, 50)  # RGB


def ruled_table(thickness=2, text=True):
    """A white page with a 5 x 4 ruled table, a number in every cell."""
    img = np.full(SIZE, 255, np.uint8)
    for y in ROWS:
        cv2.line(img, (COLS[0], y), (COLS[-1], y), 0, thickness)
    for x in COLS:
        cv2.line(img, (x, ROWS[0]), (x, ROWS[-1]), 0, thickness)
    if text:
        img = np.minimum(img, numbers())
    return img


def numbers():
    """The cell texts of `ruled_table` alone."""
    img = np.full(SIZE, 255, np.uint8)
    for r in range(len(ROWS) - 1):
        for c in range(len(COLS) - 1):
            cv2.putText(img, f"{100 + 7 * r + 13 * c}.50", (COLS[c] + 20, ROWS[r] + 60),
                        cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    return img


def rules_of(grey, dpi=DPI):
    segments, _ = lines.find_rules(raster.PageImage(grey, dpi))
    h = sorted((s for s in segments if s.horizontal), key=lambda s: s.y0)
    v = sorted((s for s in segments if not s.horizontal), key=lambda s: s.x0)
    return h, v


def level_rules(grey):
    """Drawn rules that run level: a 9 px band around the rule's row holds ink nearly all along it."""
    inside = grey[:, COLS[0] + 10:COLS[-1] - 10] < 128
    return [y for y in ROWS if inside[y - 4:y + 5].any(axis=0).mean() > 0.98]


def paper_far_from_ink(img, margin=9):
    return cv2.dilate((img < 255).astype(np.uint8), np.ones((margin, margin), np.uint8)) == 0


# ---------------------------------------------------------------- skew


@pytest.mark.parametrize("angle", [2.0, -3.5])
def test_estimate_skew_finds_the_angle_that_levels_the_page(angle):
    page = ruled_table()
    assert level_rules(page) == ROWS
    skewed = raster.rotate(page, angle)
    assert level_rules(skewed) == []
    found = raster.estimate_skew(skewed)
    # raster.rotate by the estimate undoes the skew, so the estimate is minus the rotation applied.
    assert abs(found + angle) <= 0.2
    assert level_rules(raster.rotate(skewed, found)) == ROWS


def test_estimate_skew_of_a_level_page_is_zero():
    assert abs(raster.estimate_skew(ruled_table())) <= 0.1


def test_clean_deskews_so_rules_are_found_level():
    skewed = raster.rotate(ruled_table(), 2.0)
    cleaned = raster.clean(raster.PageImage(skewed, DPI))
    assert abs(cleaned.skew + 2.0) <= 0.2
    h, v = rules_of(cleaned.grey, cleaned.dpi)  # in points, whatever the clean-up's upscaling
    assert len(h) == len(ROWS) and len(v) == len(COLS)
    for s in h:
        assert s.x1 - s.x0 == pytest.approx((COLS[-1] - COLS[0]) * PT, abs=4)
    for s in v:
        assert s.y1 - s.y0 == pytest.approx((ROWS[-1] - ROWS[0]) * PT, abs=4)


# ---------------------------------------------------------------- colour and background


def test_drop_colour_turns_a_seal_into_paper_and_keeps_the_black_print_under_it():
    page = ruled_table()
    rgb = cv2.cvtColor(page, cv2.COLOR_GRAY2RGB)
    centre, radius = (COLS[2], ROWS[2]), 150
    ink = np.full_like(rgb, 255)
    cv2.circle(ink, centre, radius, SEAL_RED, -1, cv2.LINE_AA)
    ink = cv2.GaussianBlur(ink, (0, 0), 1.5)  # a soft, pale rim as stamps have
    sealed = (rgb.astype(np.float32) * ink / 255).astype(np.uint8)  # the seal darkens, black stays

    disk = np.zeros(SIZE, np.uint8)
    cv2.circle(disk, centre, radius + 5, 255, -1)
    seal_paper = (disk > 0) & paper_far_from_ink(page)
    rules_under = (disk > 0) & (page == 0)
    assert rules_under.sum() > 1000

    plain = cv2.cvtColor(sealed, cv2.COLOR_RGB2GRAY)
    assert plain[seal_paper].mean() < 120  # without dropping, the seal is as dark as faint print
    grey = raster.drop_colour(sealed)
    assert grey[seal_paper].min() >= 200
    assert grey[rules_under].max() <= 40
    assert (grey[disk == 0] == plain[disk == 0]).all()  # uncoloured pixels are left as they are
    # What is left of the seal no longer hides or adds rules.
    h, v = rules_of(grey)
    assert (len(h), len(v)) == (len(ROWS), len(COLS))


def test_drop_colour_leaves_no_ghost_of_a_dull_stamp_and_keeps_grey_print_on_yellowed_paper():
    paper, dull_red, grey_ink = (235, 228, 210), (180, 150, 155), (165, 160, 148)  # RGB
    rgb = np.full((200, 300, 3), paper, np.uint8)
    cv2.circle(rgb, (150, 100), 80, dull_red, 6)  # a stamp's ink darkens what it lets through
    cv2.putText(rgb, "SCAN", (95, 115), cv2.FONT_HERSHEY_SIMPLEX, 1.2, dull_red, 3)
    cv2.line(rgb, (10, 40), (290, 40), grey_ink, 2)  # a faint rule
    cv2.line(rgb, (10, 160), (290, 160), (30, 30, 30), 2)  # a black one across the stamp
    stamp = (rgb == dull_red).all(axis=2)
    grey = raster.drop_colour(rgb)
    assert cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[stamp].max() < 170  # as dark as faint print
    assert grey[stamp].min() >= 200
    assert grey[40, 20:280].max() < 175 and grey[160, 20:280].max() < 60


@pytest.mark.parametrize("half_width, ink", [(4, 0.8), (1.5, 0.6)])  # a thin ring, too
def test_a_seal_left_black_by_a_black_and_white_scan_is_found_by_its_ring(half_width, ink):
    img = ruled_table()
    centre, radius = (COLS[2] + 40, ROWS[1] + 45), 144  # 52 pt, as an official seal's
    yy, xx = np.mgrid[:SIZE[0], :SIZE[1]]
    ring = np.abs(np.hypot(xx - centre[0], yy - centre[1]) - radius) <= half_width
    img[ring & (np.random.default_rng(3).random(SIZE) < ink)] = 0  # dithered, as binarization leaves it
    (found,) = raster.seal_rings(img, DPI)
    assert found == pytest.approx((centre[0] * PT, centre[1] * PT, radius * PT), abs=2)
    assert raster.seal_rings(ruled_table(), DPI) == []  # figures and rules make no ring


def test_pieces_of_a_black_seal_make_no_rules_and_the_rules_it_covers_stay():
    img = ruled_table()
    centre, radius = (COLS[2] + 40, ROWS[1] + 45), 144
    yy, xx = np.mgrid[:SIZE[0], :SIZE[1]]
    ring = np.abs(np.hypot(xx - centre[0], yy - centre[1]) - radius) <= 4
    # A stroke of the seal's lettering inside the ring, from one row rule to the next.
    lettering = cv2.line(np.zeros(SIZE, np.uint8), (COLS[2] - 70, ROWS[1]), (COLS[2] - 70, ROWS[2]), 1, 2)
    dither = np.random.default_rng(3).random(SIZE)  # binarization leaves a red seal speckled
    img[ring & (dither < 0.8) | (lettering > 0) & (dither < 0.45)] = 0
    # A short rule under the seal, closing a cell, is printed solid.
    cv2.line(img, (COLS[2] + 70, ROWS[2]), (COLS[2] + 70, ROWS[3]), 0, 2)
    h, v = rules_of(img)
    assert [s.x0 / PT for s in v] == pytest.approx(sorted([*COLS, COLS[2] + 70]), abs=2)
    assert [s.y0 / PT for s in h] == pytest.approx(ROWS, abs=2)


def test_a_black_and_white_page_is_told_from_a_grey_scan():
    img = ruled_table()
    assert raster.binarized(img)
    assert not raster.binarized(cv2.GaussianBlur(img, (0, 0), 3))  # soft grey print


def test_flatten_background_makes_unevenly_lit_paper_uniform():
    page = ruled_table()
    h, w = SIZE
    yy, xx = np.mgrid[0:h, 0:w]
    light = 1 - 0.4 * (yy / h / 2 + xx / w / 2)  # darker towards the bottom right
    light *= 1 - 0.15 * np.exp(-((xx - 300) ** 2 + (yy - 700) ** 2) / (2 * 200.0**2))  # a shadow
    lit = (page * light).astype(np.uint8)
    paper = paper_far_from_ink(page)
    assert lit[paper].std() > 15

    flat = raster.flatten_background(lit)
    assert flat[paper].std() < 3
    assert flat[paper].min() >= 235
    assert np.percentile(flat[page == 0], 99) <= 40  # the print stays dark


# ---------------------------------------------------------------- ruling lines


@pytest.mark.parametrize("thickness", [1, 2, 3])
def test_find_rules_finds_the_drawn_rules_in_points(thickness):
    h, v = rules_of(ruled_table(thickness))
    assert len(h) == len(ROWS) and len(v) == len(COLS)
    for s, y in zip(h, ROWS, strict=True):
        assert s.y0 == s.y1
        assert s.y0 == pytest.approx(y * PT, abs=2)
        assert s.x0 == pytest.approx(COLS[0] * PT, abs=2) and s.x1 == pytest.approx(COLS[-1] * PT, abs=2)
    for s, x in zip(v, COLS, strict=True):
        assert s.x0 == s.x1
        assert s.x0 == pytest.approx(x * PT, abs=2)
        assert s.y0 == pytest.approx(ROWS[0] * PT, abs=2) and s.y1 == pytest.approx(ROWS[-1] * PT, abs=2)


def test_find_rules_mask_covers_the_rules_and_erasing_keeps_the_text():
    page = ruled_table()
    _, mask = lines.find_rules(raster.PageImage(page, DPI))
    drawn = np.zeros(SIZE, np.uint8)
    for y in ROWS:
        drawn[y - 1:y + 2, COLS[0]:COLS[-1]] = 1
    assert (mask[drawn > 0] > 0).mean() > 0.95
    erased = lines.erase_rules(page, mask)
    assert (erased[drawn > 0] == 255).all()
    text = numbers() < 128
    assert text.sum() > 1000 and (erased[text] < 128).mean() > 0.98


def test_broken_rule_comes_back_as_one_segment():
    page = ruled_table()
    y = ROWS[2]
    for x in (230, 330, 520, 800, 1100):  # gaps of 6 px (2 pt), as worn print leaves
        page[y - 3:y + 4, x:x + 6] = 255
    h, _ = rules_of(page)
    at_y = [s for s in h if abs(s.y0 - y * PT) <= 2]
    assert len(at_y) == 1
    assert at_y[0].x0 == pytest.approx(COLS[0] * PT, abs=2)
    assert at_y[0].x1 == pytest.approx(COLS[-1] * PT, abs=2)


def test_text_strokes_are_not_rules():
    page = ruled_table(text=False)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(page, "1111", (COLS[1] + 20, ROWS[1] + 65), font, 1.5, 0, 3)  # 1s taller than 12 pt
    cv2.putText(page, "- - - - - -", (COLS[2] + 20, ROWS[2] + 50), font, 1.0, 0, 2)
    cv2.putText(page, "--", (COLS[3] + 20, ROWS[3] + 50), font, 1.0, 0, 2)
    cv2.putText(page, "IIIIIIII", (COLS[0] + 20, ROWS[4] + 60), font, 1.0, 0, 2)
    cv2.line(page, (COLS[0] + 40, ROWS[0] + 45), (COLS[0] + 100, ROWS[0] + 45), 0, 2)  # "——", 22 pt
    h, v = rules_of(page)
    assert [round(s.y0 / PT) for s in h] == pytest.approx(ROWS, abs=3)
    assert [round(s.x0 / PT) for s in v] == pytest.approx(COLS, abs=3)


def test_left_out_rules_make_merged_cells():
    page = ruled_table(text=False)
    # No rule between columns 1 and 2 of row 1, none between rows 2 and 3 in column 3.
    page[ROWS[1] + 2:ROWS[2] - 1, COLS[2] - 3:COLS[2] + 4] = 255
    page[ROWS[3] - 3:ROWS[3] + 4, COLS[3] + 2:COLS[4] - 1] = 255
    h, v = rules_of(page)
    segments = h + v
    inner = [s for s in v if abs(s.x0 - COLS[2] * PT) <= 2]
    assert inner and not any(s.y0 < (ROWS[1] + ROWS[2]) / 2 * PT < s.y1 for s in inner)

    found = tables.find_tables(Page(1, SIZE[1] * PT, SIZE[0] * PT, chars=[], segments=segments))
    assert len(found) == 1
    table = found[0]
    assert (table.nrows, table.ncols) == (len(ROWS) - 1, len(COLS) - 1)
    merged = {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells if c.rowspan > 1 or c.colspan > 1}
    assert merged == {(1, 1, 1, 2), (2, 3, 2, 1)}
    assert len(table.cells) == table.nrows * table.ncols - 2


@pytest.mark.parametrize("binarized", [False, True])
def test_broken_rule_on_a_skewed_scan_comes_back_as_one_segment(binarized):
    page = ruled_table()
    y = ROWS[2]
    for x in range(COLS[0] + 20, COLS[-1] - 20, 60):  # a 2 pt gap every 22 pt, as on a worn copy
        page[y - 4:y + 5, x:x + 6] = 255
    page = raster.rotate(page, 2.0)
    if binarized:
        page = np.where(page < 150, 0, 255).astype(np.uint8)
    cleaned = raster.clean(raster.PageImage(page, DPI))
    h, _ = rules_of(cleaned.grey, cleaned.dpi)
    at_y = [(s.x0, s.x1) for s in h if abs(s.y0 - y * PT) <= 3]
    assert at_y == [(pytest.approx(COLS[0] * PT, abs=3), pytest.approx(COLS[-1] * PT, abs=3))]


def merged_header_table(row_height):
    """A table whose top-right cell spans three columns over a sub-header row, both `row_height` px tall."""
    img = np.full(SIZE, 255, np.uint8)
    ys = [ROWS[0], ROWS[0] + row_height, ROWS[0] + 2 * row_height, 500, 600]
    cv2.line(img, (COLS[0], ys[0]), (COLS[-1], ys[0]), 0, 2)
    cv2.line(img, (COLS[1], ys[1]), (COLS[-1], ys[1]), 0, 2)  # under the merged cell only
    for y in ys[2:]:
        cv2.line(img, (COLS[0], y), (COLS[-1], y), 0, 2)
    for x in (COLS[0], COLS[1], COLS[-1]):
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    for x in COLS[2:-1]:  # the sub-header's column rules start below the merged cell
        cv2.line(img, (x, ys[1]), (x, ys[-1]), 0, 2)
    return img, ys


@pytest.mark.parametrize("row_height", [90, 50])  # 32 pt, and 18 pt: a one-line row
def test_merged_header_cell_over_sub_header_columns(row_height):
    img, ys = merged_header_table(row_height)
    h, v = rules_of(img)
    sub_header = [s for s in v if any(abs(s.x0 - x * PT) <= 3 for x in COLS[2:-1])]
    assert len(sub_header) == 2
    assert all(s.y0 == pytest.approx(ys[1] * PT, abs=2) for s in sub_header), sub_header
    (table,) = tables.find_tables(Page(1, SIZE[1] * PT, SIZE[0] * PT, chars=[], segments=h + v))
    assert (table.nrows, table.ncols) == (4, 4)
    merged = {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells if c.rowspan > 1 or c.colspan > 1}
    assert merged == {(0, 0, 2, 1), (0, 1, 1, 3)}


def test_short_side_rule_at_a_worn_corner_is_kept():
    """A one-row table cut by a page break: its side rules are short and the bottom rule
    stops short of them at the worn corners."""
    img = np.full(SIZE, 255, np.uint8)
    top, bottom = 200, 270  # 25 pt: shorter than a rule that may stand on its own
    cv2.line(img, (COLS[0] + 30, bottom), (COLS[-1] - 30, bottom), 0, 4)  # 11 pt short at each end
    for x in COLS:
        cv2.line(img, (x, top), (x, bottom), 0, 4 if x in (COLS[0], COLS[-1]) else 2)
    h, v = rules_of(img)
    assert [round(s.x0 / PT) for s in v] == pytest.approx(COLS, abs=3)
    (table,) = tables.find_tables(Page(1, SIZE[1] * PT, SIZE[0] * PT, chars=[], segments=h + v))
    assert table.col_x == pytest.approx([x * PT for x in COLS], abs=1.5)


def test_side_rule_worn_into_pieces_still_frames_its_table():
    """A page of a long table: no top or bottom rule, the first column one merged cell (no
    row rule reaches the left side rule), and that side rule broken by a 30 pt gap."""
    img = np.full(SIZE, 255, np.uint8)
    top, bottom = 60, 860
    for y in range(160, 860, 100):
        cv2.line(img, (COLS[1], y), (COLS[-1], y), 0, 2)
    for x in COLS[1:]:
        cv2.line(img, (x, top), (x, bottom), 0, 2)
    cv2.line(img, (COLS[0], top), (COLS[0], 400), 0, 2)
    cv2.line(img, (COLS[0], 483), (COLS[0], bottom), 0, 2)
    h, v = rules_of(img)
    (table,) = tables.find_tables(Page(1, SIZE[1] * PT, SIZE[0] * PT, chars=[], segments=h + v))
    assert table.col_x == pytest.approx([x * PT for x in COLS], abs=1.5)
    assert table.cells[0].rowspan == table.nrows  # the first column is one merged cell


def test_short_rule_through_a_character_is_a_stroke():
    rule = Segment(100, 50, 100, 70)  # 20 pt: short enough to be a stroke bridged onto a rule
    long_rule = Segment(100, 50, 100, 150)
    char = Char("部", (94, 55, 106, 67))
    beside = Char("部", (103, 55, 115, 67))  # the rule passes at its edge, as a cell padding allows
    assert lines.drop_strokes([rule, long_rule], [char]) == [long_rule]
    assert lines.drop_strokes([rule], [beside]) == [rule]


def test_top_strokes_of_characters_side_by_side_are_not_a_row_rule():
    strokes = Segment(121, 657, 146, 657)  # the top strokes of "行行", 3 pt below the box top
    chars = [Char("行", (125.5, 654, 135.1, 667)), Char("行", (135.1, 654, 144.7, 667))]
    above = [Char("务", (126, 640, 135, 653))]
    between = Segment(121, 654.5, 146, 654.5)  # between two lines of text, at the box rims: a rule
    assert lines.drop_strokes([strokes], chars) == []
    assert lines.drop_strokes([between], above + chars) == [between]


def test_a_short_row_rule_stopping_inside_a_cell_at_the_height_of_text_adds_no_row():
    """A stroke of a seal, or the dashes of a binarized number, lined up from a column rule
    into the cell beside it, at the height of the text of that row; a short rule from column
    rule to column rule is a row rule, and so is one worn short between the lines of text."""
    img = ruled_table(text=False)
    middle = (ROWS[1] + ROWS[2]) // 2
    cv2.line(img, (COLS[1], middle), (COLS[1] + 120, middle), 0, 2)  # 43 pt, stopping mid-cell
    cv2.line(img, (COLS[2], middle), (COLS[3], middle), 0, 2)  # 97 pt, rule to rule
    image = raster.PageImage(img, DPI)
    segments, _ = lines.find_rules(image)
    assert sum(abs(s.y0 - middle * PT) < 2 for s in segments if s.horizontal) == 2
    # The row's text in the first column, a line 12 pt tall centred on the stroke.
    text = [Char(ch, ((COLS[0] + 20) * PT + 12 * i, middle * PT - 6, (COLS[0] + 20) * PT + 12 * (i + 1),
                      middle * PT + 6)) for i, ch in enumerate("项目经费")]
    finished = lines.finish_rules(segments, image, text)
    rows = sorted({round(s.y0 / PT) for s in finished if s.horizontal})
    assert rows == pytest.approx(sorted([*ROWS, middle]), abs=3)
    (short,) = [s for s in finished if abs(s.y0 - middle * PT) < 2]
    assert (short.x0 / PT, short.x1 / PT) == pytest.approx((COLS[2], COLS[3]), abs=5)
    worn = [s for s in lines.finish_rules(segments, image, []) if abs(s.y0 - middle * PT) < 2]
    assert len(worn) == 2


# ---------------------------------------------------------------- dotted rules


def dotted_line(img, y, x0, x1, rng, dash=(2, 9), gap=(4, 30), grey=0):
    """A rule as binarization leaves a faint one: dashes and dots with gaps, at one height."""
    x = x0
    while x < x1:
        length = int(rng.integers(*dash))
        img[y - 1:y + 1, x:min(x1, x + length)] = grey
        x += length + int(rng.integers(*gap))


def test_dotted_rules_are_found_and_text_or_pale_curves_are_not():
    rng = np.random.default_rng(7)
    img = np.full(SIZE, 255, np.uint8)
    dotted_line(img, 300, 150, 1230, rng)
    dotted_line(img.T, 200, 150, 800, rng)  # a vertical trail: the transposed view writes through
    dotted_line(img, 600, 300, 900, rng, grey=200)  # what a seal leaves once its colour is dropped
    dotted_line(img, 450, 300, 900, rng)  # the bottoms of glyphs in a line of text
    text = [Char("法", (x * PT, 425 * PT, (x + 30) * PT, 452 * PT)) for x in range(300, 900, 30)]
    found = lines.dotted_rules(raster.PageImage(img, DPI), text, [])
    assert [(s.horizontal, round(s.y0 / PT if s.horizontal else s.x0 / PT)) for s in found] == [
        (True, 300), (False, 200)]
    h, v = found
    assert h.x0 / PT == pytest.approx(150, abs=15) and h.x1 / PT == pytest.approx(1230, abs=15)
    assert v.y0 / PT == pytest.approx(150, abs=15) and v.y1 / PT == pytest.approx(800, abs=15)


def test_faint_dashes_continue_a_rule_found_on_their_line_only():
    rng = np.random.default_rng(5)
    img = np.full(SIZE, 255, np.uint8)
    # A grey scan: the rule was found from x = 600 on (and erased); towards the left it is
    # printed so faintly that only pale dashes are left.
    dotted_line(img, 300, 150, 600, rng, dash=(10, 30), gap=(10, 40), grey=175)
    dotted_line(img, 500, 150, 600, rng, dash=(10, 30), gap=(10, 40), grey=175)
    known = Segment(600 * PT, 300 * PT, 1230 * PT, 300 * PT)
    found = lines.dotted_rules(raster.PageImage(img, DPI), [], [known])
    assert [(round(s.y0 / PT), round(s.x0 / PT)) for s in found if s.horizontal] == [(300, 150)]


def test_a_speck_in_a_merged_cell_does_not_join_the_rules_either_side_of_it():
    # Row rules found either side of a merged cell, at one height, 200 px apart.
    known = [Segment(150 * PT, 300 * PT, 600 * PT, 300 * PT),
             Segment(800 * PT, 300 * PT, 1230 * PT, 300 * PT)]
    img = np.full(SIZE, 255, np.uint8)
    img[299:301, 700:706] = 0  # a speck of the paper on their line

    def joined(image: np.ndarray) -> bool:
        found = lines.dotted_rules(raster.PageImage(image, DPI), [], known)
        return any(s.horizontal and s.x0 <= 600 * PT and s.x1 >= 800 * PT for s in found)

    assert not joined(img)
    # Dashes all along the gap are the rule worn there.
    dotted_line(img, 300, 600, 800, np.random.default_rng(2))
    assert joined(img)


def test_dashes_read_as_text_beside_a_cell_do_not_hide_the_rule():
    rng = np.random.default_rng(3)
    img = np.full(SIZE, 255, np.uint8)
    dotted_line(img.T, 200, 150, 800, rng, dash=(20, 40), gap=(20, 60))
    # OCR read a dash of the rule as a doubtful "1" at the start of a cell's line.
    debris = [Char("1", (195 * PT, y * PT, 205 * PT, (y + 30) * PT), confidence=0.5) for y in (300, 500)]
    words = [Char("法", (210 * PT, y * PT, 240 * PT, (y + 30) * PT)) for y in (300, 500)]
    (rule,) = lines.dotted_rules(raster.PageImage(img, DPI), debris + words, [])
    assert rule.x0 / PT == pytest.approx(200, abs=2)


def test_a_rule_read_as_text_is_dropped_and_text_beside_it_kept():
    rule = Segment(100, 50, 100, 150)
    read_as_one = Char("1", (96, 60, 104, 72), confidence=0.6)
    real_one = Char("1", (99, 60, 109, 72))  # the rule runs through its rim: tight cell padding
    word = Char("局", (94, 80, 106, 92))  # Han characters are never what a rule reads as
    assert lines.drop_rule_readings([read_as_one, real_one, word], [rule]) == [real_one, word]
    # a dashed rule reads as a "j" or a full-width "！" too
    assert lines.drop_rule_readings([Char("j", (97, 100, 103, 112), confidence=0.54),
                                     Char("！", (97, 120, 103, 132), confidence=0.89)], [rule]) == []


def test_a_short_rule_must_be_mostly_ink():
    """Between two row rules, a solid short rule closes a cell; a column of a stamp's
    lettering strokes, bridged into a line by morphology, does not."""
    img = np.full(SIZE, 255, np.uint8)
    for y in (200, 290):
        cv2.line(img, (150, y), (1230, y), 0, 2)
    for x in (150, 1230):
        cv2.line(img, (x, 200), (x, 290), 0, 2)
    cv2.line(img, (500, 200), (500, 290), 0, 2)
    for y in range(201, 290, 16):  # strokes 6 px long with 10 px gaps
        cv2.line(img, (800, y), (800, min(289, y + 6)), 0, 2)
    h, v = rules_of(img)
    assert [s.x0 / PT for s in v] == pytest.approx([150, 500, 1230], abs=1.5)


def test_digits_lined_up_down_a_column_are_no_rule(tmp_path):
    # The 1s of "301" in rows one below another line up into what looks like a broken
    # vertical rule; a rule through them would split the column and take the 1s away.
    rows = [["类", "款", "科目名称"]] + [["301", f"{k:02d}", "工资福利支出"] for k in (1, 2, 7, 8, 9, 10, 12)]
    cols, top, height = [60, 120, 160, 280], 60, 14.6
    with pymupdf.open() as doc:
        page = doc.new_page(width=340, height=200)
        for r in range(len(rows) + 1):
            page.draw_line((cols[0], top + r * height), (cols[-1], top + r * height), width=0.6)
        for x in cols:
            page.draw_line((x, top), (x, top + len(rows) * height), width=0.6)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                width = pymupdf.get_text_length(text, fontname="china-s", fontsize=9)
                x = (cols[c] + cols[c + 1] - width) / 2
                page.insert_text((x, top + r * height + 10.5), text, fontname="china-s", fontsize=9)
        path = tmp_path / "table.png"
        page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY).save(path)
    (table,) = pipeline.extract(path).pages[0].tables
    assert table.grid() == rows


def test_a_short_column_rule_joined_to_a_piece_of_row_rule_is_found():
    # A one-line row at the foot of a table: the row rule under it broke, and the piece
    # between the breaks holds the short column rule, worn short of the row rule above.
    img = np.full(SIZE, 255, np.uint8)
    top, bottom = 400, 460  # a 22 pt row at 200 dpi
    cv2.line(img, (COLS[0], top), (COLS[-1], top), 0, 2)
    for x0, x1 in ((COLS[0], 480), (500, 800), (820, COLS[-1])):  # the bottom rule, broken twice
        cv2.line(img, (x0, bottom), (x1, bottom), 0, 2)
    for x in (COLS[0], COLS[-1]):
        cv2.line(img, (x, 100), (x, bottom), 0, 2)
    cv2.line(img, (600, top + 12), (600, bottom), 0, 2)  # the short column rule
    segments, _ = lines.find_rules(raster.PageImage(img, DPI))
    columns = [s for s in segments if not s.horizontal and abs(s.x0 - 600 * PT) < 2]
    assert columns and columns[0].y1 == pytest.approx(bottom * PT, abs=2)
