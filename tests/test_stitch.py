"""Tables continued over a page break, built from ruled pages."""

from digitize import stitch, tables
from digitize.model import Char, Page, Segment

TOP, ROW = 100.0, 30.0


def ruled_page(number: int, col_x: list[float], texts: list[list[str]], source: str = "text-layer") -> Page:
    """A page holding one ruled table with `texts` in its cells, one character per 10 pt, as
    read from `source`."""
    rows = [TOP + ROW * r for r in range(len(texts) + 1)]
    segments = [Segment(col_x[0], y, col_x[-1], y) for y in rows]
    segments += [Segment(x, rows[0], x, rows[-1]) for x in col_x]
    chars = []
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            for i, ch in enumerate(text):
                x = col_x[c] + 5 + 10 * i
                chars.append(Char(ch, (x, rows[r] + 10, x + 10, rows[r] + 20)))
    page = Page(number, 600, 800, chars=chars, segments=segments, source=source)
    page.tables = tables.find_tables(page)
    return page


def test_continuation_with_other_column_rules_joins_on_the_union_of_both():
    """Each page leaves out a column rule that its own rows do not need."""
    first = ruled_page(1, [50, 150, 250, 450], [["甲", "乙", "丙"], ["一", "二", "三"]])
    second = ruled_page(2, [50, 250, 350, 450], [["四", "五", "六"]])
    (table,) = stitch.stitch([first, second])
    assert table.col_x == [50, 150, 250, 350, 450]
    assert table.pages == [1, 2]
    assert table.grid() == [["甲", "乙", "丙", ""], ["一", "二", "三", ""], ["四", "", "五", "六"]]


def test_table_with_other_outer_edges_starts_a_new_table():
    first = ruled_page(1, [50, 150, 250, 450], [["甲", "乙", "丙"]])
    second = ruled_page(2, [50, 150, 250, 350], [["四", "五", "六"]])
    assert len(stitch.stitch([first, second])) == 2


def test_a_header_repeated_with_an_ocr_slip_is_still_dropped():
    first = ruled_page(1, [50, 150, 250, 450], [["项目名称", "绩效指标", "金额"], ["甲", "乙", "丙"]])
    second = ruled_page(2, [50, 150, 250, 450], [["项目名称", "一绩效指标", "金额"], ["丁", "戊", "己"]])
    (table,) = stitch.stitch([first, second])
    assert table.grid() == [["项目名称", "绩效指标", "金额"], ["甲", "乙", "丙"], ["丁", "戊", "己"]]
    # Both pages' headers misread, in most cells: the row read across is still much the same.
    first = ruled_page(1, [50, 150, 250, 450], [["项目名称", "镜效目标", "总址"], ["甲", "乙", "丙"]])
    second = ruled_page(2, [50, 150, 250, 450], [["项目名称", "绩效1标", "总计"], ["丁", "戊", "己"]])
    assert len(stitch.stitch([first, second])[0].grid()) == 3


def test_page_numbers_with_specks_read_as_dots_are_page_furniture():
    assert stitch.is_furniture("1 /.3") and stitch.is_furniture("第1质")
    assert stitch.is_furniture("- 2 -\n第 3 页，共 4 页")
    assert not stitch.is_furniture("注：单位为万元")


def test_a_repeated_header_whose_heading_one_page_cut_in_two_is_still_dropped():
    # On the first page a worn rule cut "功能分类科目编码" into two cells; the text read across
    # the row is the same on both pages.
    first = ruled_page(1, [50, 150, 250, 450], [["功能分类", "科目编码", "合计"], ["甲", "乙", "丙"]])
    second = ruled_page(2, [50, 150, 250, 450], [["功能分类科目编码", "", "合计"], ["丁", "戊", "己"]])
    (table,) = stitch.stitch([first, second])
    assert [row[2] for row in table.grid()] == ["合计", "丙", "己"]
    data = ruled_page(2, [50, 150, 250, 450], [["功能", "科目", "合计"], ["丁", "戊", "己"]])
    assert len(stitch.stitch([first, data])[0].grid()) == 4  # another row is kept


def test_a_header_with_no_rule_under_it_is_taken_out_of_the_first_row_it_opens():
    # The second page prints the header with no rule under it: the header's lines open the
    # cells of its first row, whose text in one column goes on from the previous page.
    col_x = [50, 150, 350, 450]
    header = ["项目名称", "绩效目标", "金额"]
    rows = [TOP, TOP + 2 * ROW, TOP + 3 * ROW]  # no rule between the header and the row
    segments = [Segment(col_x[0], y, col_x[-1], y) for y in rows]
    segments += [Segment(x, rows[0], x, rows[-1]) for x in col_x]

    def stitched(first_row: list[str]) -> list[list[str]]:
        # The header as read, with an OCR slip.
        lines = [(c, TOP + 10, text) for c, text in enumerate(["项目名称", "缋效目标", "金额"])]
        lines += [(c, TOP + 30, text) for c, text in enumerate(first_row)]
        lines += [(c, rows[1] + 10, text) for c, text in enumerate(["依法治市", "推进落实", "199"])]
        chars = [Char(ch, (col_x[c] + 5 + 10 * i, y, col_x[c] + 15 + 10 * i, y + 10))
                 for c, y, text in lines for i, ch in enumerate(text)]
        second = Page(2, 600, 800, chars=chars, segments=segments)
        second.tables = tables.find_tables(second)
        first = ruled_page(1, col_x, [header, ["普法经费", "开展法治宣传", "600"]])
        (table,) = stitch.stitch([first, second])
        return table.grid()

    assert stitched(["", "活动不少于四场", ""]) == [header, ["普法经费", "开展法治宣传活动不少于四场", "600"],
                                                   ["依法治市", "推进落实", "199"]]
    # A row of its own may go on below the header's lines, in every cell.
    assert stitched(["司法鉴定", "鉴定人培训", "15"]) == [header, ["普法经费", "开展法治宣传", "600"],
                                                          ["司法鉴定", "鉴定人培训", "15"],
                                                          ["依法治市", "推进落实", "199"]]


def test_a_merged_cell_running_on_over_the_page_break_does_not_make_the_next_row_a_cut_one():
    # The first column holds one merged cell down both pages, its text on the first page only.
    def page(number: int, texts: list[list[str]], header: bool) -> Page:
        col_x = [50, 150, 250, 350]
        rows = [TOP + ROW * r for r in range(len(texts) + 1)]
        full = {rows[0], rows[-1]} | ({rows[1]} if header else set())
        segments = [Segment(col_x[0] if y in full else col_x[1], y, col_x[-1], y) for y in rows]
        segments += [Segment(x, rows[0], x, rows[-1]) for x in col_x]
        chars = [Char(ch, (col_x[c] + 5 + 10 * i, rows[r] + 10, col_x[c] + 15 + 10 * i, rows[r] + 20))
                 for r, row in enumerate(texts) for c, text in enumerate(row) for i, ch in enumerate(text)]
        result = Page(number, 600, 800, chars=chars, segments=segments)
        result.tables = tables.find_tables(result)
        return result

    first = [["项目", "名称", "说明"], ["类", "一", "甲"], ["", "二", "乙"], ["", "三", "丙"],
             ["", "四", "丁"]]
    second = [["", "五", "戊"], ["", "六", "己"]]
    (table,) = stitch.stitch([page(1, first, True), page(2, second, False)])
    assert table.grid() == first + second


def test_a_cut_row_whose_rest_lies_in_a_cell_widened_over_empty_slots_joins_its_first_half():
    # The rest of the last row's second cell opens the next page, where the cell beside it is
    # empty and has no rule between them: the two slots read as one cell there.
    first = ruled_page(1, [50, 150, 250, 350], [["项目", "名称", "说明"], ["甲", "一二三", "丙"]])
    col_x, rows = [50, 150, 250, 350], [TOP, TOP + ROW, TOP + 2 * ROW]
    segments = [Segment(col_x[0], y, col_x[-1], y) for y in rows]
    segments += [Segment(x, rows[0], x, rows[-1]) for x in (col_x[0], col_x[1], col_x[3])]
    segments.append(Segment(col_x[2], rows[1], col_x[2], rows[2]))
    chars = [Char(ch, (155 + 10 * i, TOP + 10, 165 + 10 * i, TOP + 20)) for i, ch in enumerate("四五")]
    chars += [Char(ch, (x + 5, TOP + ROW + 10, x + 15, TOP + ROW + 20))
              for ch, x in zip("乙六丁", col_x, strict=False)]
    second = Page(2, 600, 800, chars=chars, segments=segments)
    second.tables = tables.find_tables(second)
    (table,) = stitch.stitch([first, second])
    assert table.grid() == [["项目", "名称", "说明"], ["甲", "一二三四五", "丙"], ["乙", "六", "丁"]]


def test_an_ocr_cell_ends_on_a_full_stop_once_its_cut_row_is_whole():
    # The second column's last row is cut after a comma; the third column's cell ends on a
    # comma the scan made of its full stop.
    header = ["项目", "名称", "说明"]
    first = ruled_page(1, [50, 200, 350, 500], [header, ["甲", "一二三，", "丙丁，子丑，"]], "ocr:rapidocr")
    second = ruled_page(2, [50, 200, 350, 500], [["", "四五，", ""], ["乙", "六", "戊"]], "ocr:rapidocr")
    (table,) = stitch.stitch([first, second])
    assert table.grid() == [header, ["甲", "一二三，四五。", "丙丁，子丑。"], ["乙", "六", "戊"]]
