"""Table grids from ruling lines and characters (the same for a text layer and for OCR)."""

from dataclasses import replace

from digitize import tables
from digitize.model import Char, Page, Segment

COLS = [50.0, 150.0, 250.0, 350.0]
ROWS = [100.0, 130.0, 160.0, 190.0, 220.0]


def chars_at(text: str, x: float, y: float) -> list[Char]:
    return [Char(ch, (x + 10 * i, y, x + 10 * (i + 1), y + 10)) for i, ch in enumerate(text)]


def grid_chars(texts: list[list[str]], pad: float = 5) -> list[Char]:
    """The characters of `texts` laid out in the COLS x ROWS grid, left-aligned in each cell."""
    return [ch for r, row in enumerate(texts) for c, text in enumerate(row)
            for ch in chars_at(text, COLS[c] + pad, ROWS[r] + 10)]


def test_a_gap_in_a_worn_rule_beside_a_tall_merged_cell_does_not_swallow_the_ruled_cells():
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in (ROWS[0], ROWS[1], ROWS[-1])]
    segments += [Segment(COLS[1], y, COLS[-1], y) for y in ROWS[2:4]]  # the tall cell has no row rules
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (COLS[0], COLS[2], COLS[3])]
    # The rule right of the tall cell is worn away in the middle row.
    segments += [Segment(COLS[1], ROWS[0], COLS[1], 163.0), Segment(COLS[1], 187.0, COLS[1], ROWS[-1])]
    texts = [["项目", "名称", "值"], ["甲", "一", "1"], ["", "二", "2"], ["", "三", "3"]]
    chars = grid_chars(texts)
    page = Page(1, 600, 800, chars=chars, segments=segments)
    (table,) = tables.find_tables(page)
    assert table.grid() == texts
    assert table.cell_at(3, 0).rowspan == 3 and table.cell_at(3, 0).colspan == 1


def test_a_gutter_between_two_cells_read_as_one_ocr_line_is_no_run_of_text():
    # OCR read "化解" (end of one cell's line) and "度" (start of the next cell's) as one line,
    # whose box is taller than its glyphs; the 8 pt gap at x = 520 is a gutter.
    line = [Char("化", (496.6, 437.3, 506.6, 455.0), 17.7), Char("解", (507.1, 437.3, 517.2, 455.0), 17.7),
            Char("度", (525.6, 437.3, 535.7, 455.0), 17.7)]
    assert not tables.text_spans(line, 520, 363, 536)
    word = [Char("化", (496.6, 437.3, 506.6, 455.0), 17.7), Char("解", (507.1, 437.3, 517.2, 455.0), 17.7)]
    assert tables.text_spans(word, 506.8, 363, 536)  # glyphs of one word do run across


def test_a_closing_mark_or_an_unsure_glyph_at_a_gutter_is_no_run_of_text():
    # The box of a full-width ）reaches past the gutter at x = 325; its ink lies in the box's left half.
    line = [Char("台", (309.6, 346.8, 317.3, 358.8), 12.1), Char("）", (317.3, 346.8, 326.9, 358.8), 12.1),
            Char("的", (332.4, 346.8, 340.8, 358.8), 12.1)]
    assert not tables.text_spans(line, 325, 317, 437)
    assert tables.text_spans(line, 319.5, 317, 437)
    # A comma the recogniser guessed at in the gap between two cells' texts.
    guess = [Char("司", (203.8, 82.7, 211.9, 93.9), 11.2), Char("，", (216.2, 82.7, 224.4, 93.9), 11.2, 0.39),
             Char("一", (228.5, 82.7, 236.9, 93.9), 11.2)]
    assert not tables.text_spans(guess, 218, 81, 110)
    assert tables.text_spans([replace(c, confidence=1.0) for c in guess], 218, 81, 110)


def test_an_unsure_glyph_in_the_gutter_between_two_columns_does_not_close_it():
    # No column rules, and texts that nearly fill their columns: in one row the recogniser
    # guessed a glyph into the gap between two cells.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    texts = [["广州市从化区司法局", "金额", "说明"], ["甲乙丙丁戊己庚辛壬", "1", "乙"],
             ["子丑寅卯辰巳午未申", "2", "丁"], ["一二三四五六七八九", "3", "己"]]
    chars = grid_chars(texts, pad=2)
    guess = Char("广", (143, ROWS[1] + 10, 151, ROWS[1] + 20), confidence=0.42)
    (table,) = tables.find_tables(Page(1, 600, 800, chars=[*chars, guess], segments=segments))
    assert table.ncols == 3
    assert [row[1:] for row in table.grid()] == [row[1:] for row in texts]
    (table,) = tables.find_tables(Page(1, 600, 800, chars=[*chars, replace(guess, confidence=0.9)],
                                       segments=segments))
    assert table.ncols == 2  # a glyph read surely does close it


def test_unsure_glyphs_of_a_heading_alone_in_its_column_make_no_gutter():
    # The heading "财政专户拨款" is the only text of its column; the recogniser was unsure of two
    # of its glyphs, which leaves gaps that no other row's text closes.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    texts = [["项目", "财政专户拨款", "说明"], ["甲", "", "一"], ["乙", "", "二"], ["丙", "", "三"]]
    chars = grid_chars(texts)
    chars = [replace(c, confidence=0.4) if c.text in "政户" else c for c in chars]
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars, segments=segments))
    assert table.grid() == texts


def test_a_column_rule_a_scan_lost_comes_from_the_gap_between_the_cells_texts():
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (COLS[0], COLS[1], COLS[3])]  # no rule at 250
    texts = [["项目", "名称", "值"], ["甲", "一二三四五", "1"], ["乙", "六七八", "2"], ["丙", "九", "3"]]
    chars = grid_chars(texts)
    scan = Page(1, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert table.grid() == texts
    # Texts a little less than a glyph apart part there too: cells are padded on both sides.
    tight = [c for c in chars if not (COLS[1] < c.cx < COLS[2] and ROWS[1] < c.cy < ROWS[2])]
    tight += chars_at("一二三四五六七八九", 157, ROWS[1] + 10)
    (table,) = tables.find_tables(replace(scan, chars=tight))
    assert table.grid()[1] == ["甲", "一二三四五六七八九", "1"]
    # A text layer's rules are exact: a boundary without a rule is a merged cell.
    (table,) = tables.find_tables(replace(scan, source="text-layer"))
    assert table.ncols == 2
    # Letter-spaced text in one cell is no lost rule: the gap parts two texts in one row only.
    spaced = [c for c in chars if c.text not in "值123"] + [Char("序", (203, 140, 213, 150)),
                                                            Char("号", (280, 140, 290, 150))]
    (table,) = tables.find_tables(replace(scan, chars=spaced))
    assert table.ncols == 2


def test_a_row_rule_a_scan_lost_in_one_column_comes_from_the_gap_between_the_cells_texts():
    # The rule under row 1 is gone in the last column, where both rows hold text; the gap
    # between them is wider than between the wrapped lines of a cell.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS if y != ROWS[2]]
    segments.append(Segment(COLS[0], ROWS[2], COLS[2], ROWS[2]))
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in COLS]
    texts = [["项目", "名称", "指标"], ["甲", "一", "产出指标"], ["乙", "二", "效益指标"],
             ["丙", "三", "满意度"]]
    scan = Page(1, 600, 800, chars=grid_chars(texts), segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert table.grid() == texts
    # A text layer's rules are exact: a boundary without a rule is a merged cell.
    (table,) = tables.find_tables(replace(scan, source="text-layer"))
    assert table.cell_at(1, 2).rowspan == 2
    # Wrapped lines of one cell running over the boundary at their usual pitch are a merged cell.
    wrapped = [c for c in scan.chars if c.cx < COLS[2]]
    wrapped += chars_at("一二三四五六", COLS[2] + 5, ROWS[2] - 11)
    wrapped += chars_at("七八九", COLS[2] + 5, ROWS[2] + 1)
    (table,) = tables.find_tables(replace(scan, chars=wrapped))
    assert table.cell_at(1, 2).rowspan == 2 and table.cell_at(1, 2).text == "一二三四五六七八九"


def test_a_column_rule_a_continuation_page_lost_is_the_previous_pages():
    # The rule at x = 250 is gone on this page. Its first row continues the previous page's last
    # row in the last column alone; the last row holds a merged cell's text across x = 250.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS[:4]]
    segments += [Segment(x, ROWS[0], x, ROWS[3]) for x in (COLS[0], COLS[1], COLS[3])]
    texts = [["", "", "全年不少于"], ["甲", "一二三四", "效益指标"], ["丙", "", ""]]
    chars = grid_chars(texts) + chars_at("合计合计", COLS[2] - 15, ROWS[2] + 10)
    page = Page(2, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(page, column_hint=COLS)
    assert table.col_x == COLS
    assert table.grid() == [["", "", "全年不少于"], ["甲", "一二三四", "效益指标"], ["丙", "合计合计", ""]]
    assert table.cell_at(2, 1).colspan == 2
    # Without the previous page, the gap between two cells' texts in one row makes no column.
    (table,) = tables.find_tables(page)
    assert table.ncols == 2


def test_a_column_of_the_previous_page_is_kept_where_one_ocr_line_runs_across_it():
    # Row rules only: columns come from the previous page. In one of the three rows, OCR read
    # the ends of two cells' lines as one line, so a glyph sits across the boundary at x = 150.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS[:4]]
    texts = [[word * 9 for word in words] for words in ("甲乙丙", "丁戊己", "庚辛壬")]
    chars = grid_chars(texts, pad=3)
    chars.append(Char("司", (145, ROWS[1] + 10, 155, ROWS[1] + 20)))
    page = Page(2, 600, 800, chars=chars, segments=segments)
    (table,) = tables.find_tables(page, column_hint=COLS)
    assert table.col_x == COLS


def test_pieces_of_one_slanted_rule_a_few_points_apart_make_one_column_boundary():
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (COLS[0], COLS[2], COLS[3])]
    # The rule at x = 150, left over from a scan's skew, comes in pieces 3.5 pt apart.
    segments += [Segment(148.0, ROWS[0], 148.0, 160.0), Segment(151.5, 160.0, 151.5, ROWS[-1])]
    texts = [["项目", "名称", "值"], ["甲", "一", "1"], ["乙", "二", "2"], ["丙", "三", "3"]]
    chars = grid_chars(texts)
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars, segments=segments))
    assert table.ncols == 3 and table.grid() == texts


def test_rows_of_a_frame_whose_inner_rules_wore_away_come_from_text_gaps():
    # Binarization left the frame and one stretch of a row rule; the row and column
    # boundaries elsewhere show only as gaps in the text.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in (ROWS[0], ROWS[-1])]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (COLS[0], COLS[-1])]
    segments.append(Segment(260.0, ROWS[2], 330.0, ROWS[2]))
    texts = [["项目名称", "金额", "绩效目标"], ["甲", "1.00", "一"], ["乙", "2.00", "二"],
             ["丙", "3.00", "三"]]
    chars = grid_chars(texts)
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr"))
    assert table.grid() == texts


def test_a_page_whose_side_rules_alone_are_left_still_holds_its_table():
    # A middle page of a long table on a black-and-white scan: the row and column rules wore
    # away, and the top rule stops 20 pt short of the side rules, which start 20 pt below it.
    segments = [Segment(COLS[0] + 20, ROWS[0] - 20, COLS[-1] - 20, ROWS[0] - 20)]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (COLS[0], COLS[-1])]
    texts = [["甲", "1.00", "一"], ["乙", "2.00", "二"], ["丙", "3.00", "三"], ["丁", "4.00", "四"]]
    chars = grid_chars(texts)
    page = Page(2, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(page)
    assert table.grid() == texts
    # The previous page had a boundary at x = 208, which this page's texts in the third column
    # cross (they start at 205); the gutter beside it is that boundary.
    shifted = [replace(c, bbox=(c.bbox[0] - 50, c.bbox[1], c.bbox[2] - 50, c.bbox[3]))
               if c.bbox[0] >= COLS[2] else c for c in chars]
    hint = [COLS[0], 140.0, 208.0, COLS[-1]]
    (table,) = tables.find_tables(replace(page, chars=shifted), column_hint=hint)
    assert table.col_x == hint
    # Where the texts keep clear of every boundary of the previous page, a gutter near none of
    # them is space inside one of its columns.
    (table,) = tables.find_tables(replace(page, chars=shifted), column_hint=[COLS[0], 140.0, COLS[-1]])
    assert table.col_x == [COLS[0], 140.0, COLS[-1]]


def test_row_rules_overshooting_the_frame_make_no_column():
    # On a scan the row rules run 5 pt past the right-hand frame rule.
    segments = [Segment(COLS[0], y, COLS[-1] + 5, y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in COLS]
    texts = [["项目", "名称", "值"]] + [["甲", "一", str(r)] for r in range(1, len(ROWS) - 1)]
    chars = grid_chars(texts)
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars, segments=segments))
    assert table.grid() == texts


def test_a_note_under_the_bottom_rule_is_no_row_where_one_side_rule_overshoots_into_it():
    # On a worn scan the left side rule picked up the strokes of the note "注：不含保密项目"
    # under the table and runs 25 pt past the bottom rule; the right side rule ends at it.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in (ROWS[0], ROWS[-1])]
    segments += [Segment(COLS[0], ROWS[0], COLS[0], ROWS[-1] + 25),
                 Segment(COLS[-1], ROWS[0], COLS[-1], ROWS[-1])]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in COLS[1:-1]]
    texts = [["项目", "名称", "值"]] + [["甲", "一", str(r)] for r in range(1, len(ROWS) - 1)]
    note = chars_at("注：不含保密项目", COLS[0] + 2, ROWS[-1] + 8)
    page = Page(3, 600, 800, chars=grid_chars(texts) + note, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(page)
    assert table.grid() == texts
    assert "不含保密项目" in table.text_below


def test_a_scanned_page_whose_rules_all_wore_away_holds_the_text_block_set_in_columns():
    # Columns at x = 50, 150, 250, 450, 650; lines 1 pt apart in a cell, 5.5 pt between rows
    # (less than a table of single-line rows needs). Above it a title, below a page number.
    col = [55, 155, 255, 455]
    target = "通过开展本项目推动全区普法依法治理"  # 17 glyphs: ends at 425
    measure = "1、产出指标：全年。"
    rows = [["主管部门", "项目名称", "绩效目标", "绩效指标"],
            [["司法局"], ["普法经费"], [target] * 6, [measure] * 6],
            [["司法局"], ["法律援助"], [target] * 3, [measure] * 3]]
    chars = chars_at("项目支出绩效目标表", 250, 40)
    y = 100.0
    for row in rows:
        cells = [[text] if isinstance(text, str) else text for text in row]
        for c, lines in enumerate(cells):
            for k, text in enumerate(lines):
                chars += chars_at(text, col[c], y + 11 * k)
        y += 11 * max(len(lines) for lines in cells) + 4.5
    # OCR read one line of the long cells across the gap between them, glyphs 3 pt apart.
    across = [c for c in chars if not (127 < c.cy < 138 and c.bbox[0] >= 255)]
    across += chars_at(target + "理", 260, 127.5) + chars_at(measure, 443, 127.5)
    chars = across + chars_at("第1页", 330, 400)
    page = Page(1, 700, 500, chars=chars, segments=[], source="ocr:rapidocr")
    (table,) = tables.find_tables(page)
    second = target + target + "理" + target * 4
    assert table.grid() == [rows[0], ["司法局", "普法经费", second, measure * 6],
                            ["司法局", "法律援助", target * 3, measure * 3]]
    assert "项目支出绩效目标表" in table.text_above and "第1页" in table.text_below
    # A text layer's table is its rules: none here.
    assert tables.find_tables(replace(page, source="text-layer")) == []


def test_a_row_rule_a_scan_wore_away_across_the_table_comes_from_the_gap_between_the_rows():
    # Between the rules at 130 and 190 lie two rows whose rule is gone in every column: their
    # lines stand a cell's padding apart, much wider than the wrapped lines of a cell.
    rows = [100.0, 130.0, 190.0, 230.0]
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in rows]
    segments += [Segment(x, rows[0], x, rows[-1]) for x in COLS]
    chars = (chars_at("项目", 55, 110) + chars_at("指标名称的全", 155, 103) + chars_at("称", 155, 115)
             + chars_at("值", 255, 110) + chars_at("甲", 55, 134) + chars_at("数量", 155, 134)
             + chars_at("3个", 255, 134) + chars_at("质量", 155, 163) + chars_at("优", 255, 163)
             + chars_at("乙", 55, 200) + chars_at("时效", 155, 194) + chars_at("指标", 155, 206)
             + chars_at("及时", 255, 194) + chars_at("完成", 255, 206))
    scan = Page(1, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert table.grid() == [["项目", "指标名称的全称", "值"], ["甲", "数量", "3个"], ["", "质量", "优"],
                            ["乙", "时效指标", "及时完成"]]
    assert table.cell_at(1, 0).rowspan == 2  # the first column's cell runs on over the lost rule
    # One cell's paragraphs set apart are no rows: no cell beside it parts there.
    one_cell = [c for c in chars if not (COLS[2] < c.cx and 130 < c.cy < 190)] + chars_at("3个", 255, 147)
    (table,) = tables.find_tables(replace(scan, chars=one_cell))
    assert table.nrows == 3
    # A text layer's rules are exact.
    (table,) = tables.find_tables(replace(scan, source="text-layer"))
    assert table.nrows == 3


def test_a_merged_cell_does_not_swallow_the_text_of_the_next_cell_across_a_worn_rule():
    # The first column's tall cell spans rows 1 and 2; the rule closing it under row 2 is worn
    # away in that column, where row 3 holds a cell of its own.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in (ROWS[0], ROWS[1], ROWS[-1])]
    segments += [Segment(COLS[1], y, COLS[-1], y) for y in ROWS[2:4]]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in COLS]
    texts = [["项目", "名称", "值"], ["年度任务", "一", "1"], ["", "二", "2"], ["总体目标", "三", "3"]]
    scan = Page(1, 600, 800, chars=grid_chars(texts), segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert table.grid() == texts


def test_cells_apart_are_judged_by_the_width_of_their_glyphs_not_the_height_of_the_line_boxes():
    # OCR's line boxes are taller than the glyphs are wide: two cells' texts 8 pt apart, with the
    # rule between them lost in one row, are apart though the gap is well under a box's height.
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in COLS]
    segments = [s for s in segments if not (s.x0 == COLS[2] and not s.horizontal)]
    segments += [Segment(COLS[2], y0, COLS[2], y1) for y0, y1 in ((ROWS[0], ROWS[1]), (ROWS[2], ROWS[-1]))]
    texts = [["项目", "名称", "值"], ["甲", "", ""], ["乙", "六七八", "2"], ["丙", "九", "3"]]
    tall = [Char(ch, (x, ROWS[1] + 8, x + 9, ROWS[1] + 22), 14.0)
            for ch, x in zip("一二三四五六七八九正文", [*range(157, 238, 10), 254, 264], strict=True)]
    scan = Page(1, 600, 800, chars=grid_chars(texts) + tall, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert table.grid()[1] == ["甲", "一二三四五六七八九", "正文"]


def test_quote_marks_read_into_the_worn_rules_either_side_of_a_cell_do_not_join_it_to_its_neighbours():
    # Two column rules are worn away in row 1, where OCR read their remnants as “ and ”.
    cols = [*COLS, 450.0]
    segments = [Segment(cols[0], y, cols[-1], y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (cols[0], cols[3], cols[4])]
    segments += [Segment(x, y0, x, y1) for x in cols[1:3]
                 for y0, y1 in ((ROWS[0], ROWS[1]), (ROWS[2], ROWS[-1]))]
    texts = [["项目", "名称", "值", "说明"], ["", "", "", "甲"], ["乙", "六七八", "2", "乙"],
             ["丙", "九", "3", "丙"]]
    line = chars_at("成本指标", 106, ROWS[1] + 10) + chars_at("社工服务费", 156, ROWS[1] + 10)
    line += chars_at("10.5", 256, ROWS[1] + 10)
    line += [Char("“", (147, ROWS[1] + 10, 153, ROWS[1] + 20)),
             Char("”", (246, ROWS[1] + 10, 252, ROWS[1] + 20))]
    scan = Page(1, 600, 800, chars=grid_chars(texts) + line, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert [text.strip("“”") for text in table.grid()[1]] == ["成本指标", "社工服务费", "10.5", "甲"]
    # One quote mark on a boundary is part of the text that runs across it.
    quoted = [c for c in scan.chars if c.text != "”"]
    (table,) = tables.find_tables(replace(scan, chars=quoted))
    assert table.grid()[1][0].startswith("成本指标“社工")


def test_glyphs_set_close_run_across_a_boundary_just_inside_one_of_their_boxes():
    line = [Char("管", (151.4, 591.0, 162.0, 602.3), 11.2), Char("理", (162.0, 591.0, 172.3, 602.3), 11.2)]
    assert tables.text_spans(line, 162.6, 585, 649)
    assert tables.text_spans(line, 161.5, 585, 649)


WIDE = [*COLS, 450.0]


def wide_grid(worn: tuple[float, float], texts: list[list[str]], heading_row: int = 1,
              unruled: float | None = None) -> tuple[list[Segment], list[Char]]:
    """Rules of a grid of WIDE columns whose rule at WIDE[2] wore away between the rows `worn`
    and whose row rule at `unruled` stands only beside columns 1 and 2; the characters of
    `texts` and of the heading 时效 set in the middle of column 2 (at 300) in `heading_row`."""
    segments = [Segment(WIDE[0], y, WIDE[-1], y) for y in ROWS if y != unruled]
    if unruled is not None:
        segments += [Segment(WIDE[0], unruled, WIDE[1], unruled), Segment(WIDE[3], unruled, WIDE[4], unruled)]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in WIDE if x != WIDE[2]]
    segments += [Segment(WIDE[2], y0, WIDE[2], y1) for y0, y1 in ((ROWS[0], worn[0]), (worn[1], ROWS[-1]))]
    return segments, grid_chars(texts) + chars_at("时效", 290, ROWS[heading_row] + 10)


def test_a_text_set_in_the_middle_of_its_own_column_keeps_to_it_where_the_rule_beside_it_wore_away():
    texts = [["项目", "一级", "二级", "说明"], ["", "", "", "宪法宣传"], ["乙", "丙", "丁", "戊"],
             ["己", "庚", "辛", "壬"]]
    segments, chars = wide_grid((ROWS[1], ROWS[2]), texts)
    scan = Page(1, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr")
    (table,) = tables.find_tables(scan)
    assert table.grid()[1] == ["", "", "时效", "宪法宣传"]
    # With neither text nor a rule beyond it, it may be a heading set over three columns.
    lone = [c for c in chars if not (c.cx > WIDE[3] and ROWS[1] < c.cy < ROWS[2])]
    open_row = [s for s in segments if s.x0 != WIDE[3]]
    open_row += [Segment(WIDE[3], y0, WIDE[3], y1) for y0, y1 in ((ROWS[0], ROWS[1]), (ROWS[2], ROWS[-1]))]
    (table,) = tables.find_tables(replace(scan, chars=lone, segments=open_row))
    assert table.grid()[1] == ["", "时效", "", ""]


def test_a_side_rule_left_as_a_stroke_is_no_text_however_surely_read():
    # The table's left side wore away in the heading row down to a stroke OCR read as a "1".
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in COLS[1:]]
    segments.append(Segment(COLS[0], ROWS[1], COLS[0], ROWS[-1]))
    texts = [["主管部门", "名称", "值"], ["甲", "一", "1"], ["乙", "二", "2"], ["丙", "三", "3"]]
    stroke = Char("1", (COLS[0] - 4, ROWS[0] + 10, COLS[0] + 4, ROWS[0] + 20), confidence=0.94)
    chars = grid_chars(texts, pad=15) + [stroke]
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr"))
    assert table.grid() == texts
    # Inside the table, a figure set apart is text.
    figure = replace(stroke, bbox=(COLS[1] - 8, ROWS[1] + 10, COLS[1] - 2, ROWS[1] + 20))
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars[:-1] + [figure], segments=segments,
                                       source="ocr:rapidocr"))
    assert table.grid()[1][0] == "甲1"


def test_a_cell_does_not_take_in_slots_its_text_parts_where_a_column_rule_wore_away():
    # The rule at column 2's left wore away over rows 1 and 2, and no row rule parts those rows
    # in columns 1 and 2: column 1 holds an empty cell two rows tall, column 2 one with a
    # heading set in its middle. The empty row 2 alone would join the two columns.
    texts = [["项目", "一级", "二级", "说明"], ["乙", "", "", "宪法宣传"], ["丙", "", "", "法律援助"],
             ["己", "庚", "辛", "壬"]]
    segments, chars = wide_grid((ROWS[1], ROWS[3]), texts, unruled=ROWS[2])
    (table,) = tables.find_tables(Page(1, 600, 800, chars=chars, segments=segments, source="ocr:rapidocr"))
    assert [row[1:3] for row in table.grid()[1:3]] == [["", "时效"], ["", ""]]
    assert (table.cell_at(1, 2).rowspan, table.cell_at(1, 2).colspan) == (2, 1)


def test_an_unsure_glyph_set_close_in_running_text_still_runs_across_a_boundary():
    # A line of a paragraph merged over two columns; binarization left the glyph at x = 213
    # hard to read, but it sits at the pitch of its neighbours.
    line = [Char(ch, (x, 605.4, x + 8.4, 616.7), 11.2, confidence)
            for ch, x, confidence in [("评", 174.5, 1.0), ("价", 184.8, 1.0), ("的", 195.1, 1.0),
                                      ("重", 205.7, 0.33), ("要", 216.0, 0.82), ("依", 226.6, 1.0)]]
    assert tables.text_spans(line, 213, 585, 649)
    # Next to a short text it may be a guess at the gap between two cells.
    assert not tables.text_spans(line[:5], 213, 585, 649)


def test_a_guess_read_over_a_worn_rule_between_two_cells_texts_does_not_join_them():
    # The rule between columns 1 and 2 is worn away in row 1, where OCR read one line across
    # both cells' texts, with its guess at the gap over the boundary: a mark it was unsure
    # of, or the rule's remnant read as a "1".
    segments = [Segment(COLS[0], y, COLS[-1], y) for y in ROWS]
    segments += [Segment(x, ROWS[0], x, ROWS[-1]) for x in (COLS[0], COLS[1], COLS[3])]
    segments += [Segment(COLS[2], y0, COLS[2], y1) for y0, y1 in ((ROWS[0], ROWS[1]), (ROWS[2], ROWS[-1]))]
    texts = [["项目", "名称", "值"], ["甲", "", ""], ["乙", "六七八", "2"], ["丙", "九", "3"]]
    line = chars_at("法律顾问工作", 180, ROWS[1] + 10) + chars_at("18000元", 258, ROWS[1] + 10)

    def row_read_with(guess: str, confidence: float, x0: float = 245.5, x1: float = 252.5) -> list[str]:
        gap = Char(guess, (x0, ROWS[1] + 10, x1, ROWS[1] + 20), confidence=confidence)
        scan = Page(1, 600, 800, chars=grid_chars(texts) + line + [gap], segments=segments,
                    source="ocr:rapidocr")
        (table,) = tables.find_tables(scan)
        return table.grid()[1]

    assert row_read_with("，", 0.4) == ["甲", "法律顾问工作", "18000元"]
    assert row_read_with("1", 0.63) == ["甲", "法律顾问工作", "18000元"]
    assert row_read_with("T", 0.99) == ["甲", "法律顾问工作", "18000元"]  # the rule's top, met by a row rule
    # A dotted rule read as a colon, apart from the text before it; a colon after its label is text.
    assert row_read_with(":", 0.98, 247.5, 252) == ["甲", "法律顾问工作", "18000元"]
    assert row_read_with("：", 0.98, 240.5, 252)[1:] == ["法律顾问工作：18000元", ""]
    # What OCR read surely there, or set close beside the glyphs either side, is text running
    # across the boundary: one merged cell.
    assert row_read_with("1", 0.99)[1:] == ["法律顾问工作118000元", ""]
    assert row_read_with("1", 0.63, 241, 256)[1:] == ["法律顾问工作118000元", ""]
