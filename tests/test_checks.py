"""Flags for doubtful cells: arithmetic, percentages, amounts, OCR confidence."""

import pytest

from digitize import checks
from digitize.model import Cell, Char, Table


def table_of(grid: list[list[str]], source: str = "text-layer", confidence: float = 1.0) -> Table:
    cells = [Cell(row=r, col=c, bbox=(c * 50.0, r * 20.0, c * 50.0 + 50, r * 20.0 + 20), text=text,
                  source=source, confidence=confidence)
             for r, row in enumerate(grid) for c, text in enumerate(row)]
    ncols = len(grid[0])
    return Table(cells=cells, nrows=len(grid), ncols=ncols, bbox=(0, 0, 50.0 * ncols, 20.0 * len(grid)),
                 pages=[1], col_x=[50.0 * c for c in range(ncols + 1)],
                 row_y=[20.0 * r for r in range(len(grid) + 1)])


def flags(table: Table) -> dict[tuple[int, int], list[str]]:
    checks.flag_tables([table])
    return {(c.row, c.col): c.flags for c in table.cells if c.flags}


BUDGET = [
    ["项目名称", "总计", "财政拨款", "其他资金"],
    ["合计", "1,250.50", "1,200.00", "50.50"],
    ["广州市司法局", "1,250.50", "1,200.00", "50.50"],
    ["法律援助经费", "1,000.00", "1,000.00", ""],
    ["普法工作专项经费", "250.50", "200.00", "50.50"],
]


def test_a_table_that_adds_up_gets_no_flag():
    assert flags(table_of(BUDGET)) == {}


def test_a_total_row_that_does_not_add_up_is_flagged():
    grid = [row[:] for row in BUDGET]
    grid[3][2] = "1,900.00"  # a misread item in the 财政拨款 column
    grid[3][1] = "1,900.00"
    assert flags(table_of(grid)) == {(1, 1): ["sum-mismatch"], (1, 2): ["sum-mismatch"]}


def test_a_total_column_that_does_not_add_up_is_flagged():
    grid = [row[:] for row in BUDGET]
    grid[4][2] = "208.00"  # 250.50 is no longer 208.00 + 50.50; the 合计 row is off too
    found = flags(table_of(grid))
    assert found[(4, 1)] == ["sum-mismatch"]
    assert found[(1, 2)] == ["sum-mismatch"]


def test_category_rows_are_summed_on_their_own_level():
    grid = [
        ["科目编码", "", "科目名称", "合计"],
        ["301", "", "工资福利支出", "300.00"],
        ["301", "01", "基本工资", "100.00"],
        ["301", "02", "津贴补贴", "200.00"],
        ["302", "", "商品和服务支出", "50.00"],
        ["302", "01", "办公费", "50.00"],
        ["合计", "", "", "350.00"],
    ]
    assert flags(table_of(grid)) == {}


def test_percentage_over_100_and_unparsable_amount_are_flagged():
    grid = [
        ["指标", "金额", "年度指标值"],
        ["法律援助", "1,000.00", "≥95%"],
        ["普法", "5.576.21", "120%"],
        ["调解", "3.00", "100%"],
    ]
    assert flags(table_of(grid)) == {(2, 1): ["amount-unparsed"], (2, 2): ["percent-over-100"]}


def test_low_ocr_confidence_is_flagged_only_for_ocr_cells():
    doubtful = table_of([["司法局", "1.00"], ["财政局", "2.00"]], source="ocr:rapidocr", confidence=0.3)
    assert set(flags(doubtful)) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    layer = table_of([["司法局", "1.00"], ["财政局", "2.00"]], confidence=0.3)
    assert flags(layer) == {}


def test_a_doubtful_cell_read_differently_by_the_other_engine_is_flagged():
    import numpy as np
    import pymupdf
    from test_ocr import needs_tesseract

    from digitize import ocr
    from digitize.raster import PageImage

    if needs_tesseract.args[0]:
        pytest.skip(needs_tesseract.kwargs["reason"])
    with pymupdf.open() as doc:
        page = doc.new_page(width=200, height=40)
        page.insert_text((20, 26), "司法社工", fontname="china-s", fontsize=14)
        page.insert_text((120, 26), "4,972.33", fontname="helv", fontsize=14)
        pix = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY, alpha=False)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    table = table_of([["可法任工", "4,972.33"]], source="ocr:rapidocr", confidence=0.5)
    table.cells[0].bbox, table.cells[1].bbox = (10, 2, 100, 38), (110, 2, 200, 38)
    checks.compare_engines([table], PageImage(grey, 300), ocr.get_engine("tesseract"))
    misread, right = table.cells
    assert misread.second_reading and "engines-disagree" in misread.flags
    assert right.second_reading == "4,972.33" and "engines-disagree" not in right.flags


def test_ocr_text_with_a_lost_enumeration_mark_or_unpaired_brackets_is_flagged():
    grid = [["年度指标值：95%。2产出指标", "（括号未闭合", "提供3个，80平方米以上",
             "1、产出指标：《人民调解法》"]]
    assert flags(table_of(grid, source="ocr:rapidocr")) == {(0, 0): ["suspicious-text"],
                                                            (0, 1): ["suspicious-text"]}
    assert flags(table_of(grid)) == {}  # a text layer says what the document says


def test_ocr_text_read_twice_over_a_seam_or_missing_its_last_stop_is_flagged():
    grid = [["提升社区矫矫正工作", "年度指标值：95%。2、年度指标值：100%", "深入推进全面依法治国。",
             "年度指标值：95%。2、产出指标：100%。"]]
    assert flags(table_of(grid, source="ocr:rapidocr")) == {(0, 0): ["suspicious-text"],
                                                            (0, 1): ["suspicious-text"]}


def test_a_comparison_sign_read_with_middling_confidence_is_flagged():
    table = table_of([["年度指标值：>4", "年度指标值：>90%"]], source="ocr:rapidocr")
    for cell, sign_confidence in zip(table.cells, (0.75, 0.95), strict=True):
        cell.chars = [Char(ch, (0, 0, 10, 10), 10, sign_confidence if ch == ">" else 0.99)
                      for ch in cell.text]
    assert flags(table) == {(0, 0): ["low-confidence"]}


def test_two_headings_run_together_beside_an_empty_cell_are_flagged_as_layout():
    terms = {"二级指标", "三级指标", "一级指标"}
    table = table_of([["一级指标", "二级指标三级指标", ""], ["产出指标", "数量指标", "服务人数"]],
                     source="ocr:rapidocr")
    checks.flag_tables([table], terms)
    flagged = {(c.row, c.col): c.flags for c in table.cells if c.flags}
    assert flagged == {(0, 1): ["layout"], (0, 2): ["layout"]}


def test_an_ocr_cell_one_character_off_a_glossary_term_is_flagged():
    terms = {"财政专户拨款", "金额合计", "化解矛盾纠纷,促进社会和谐稳定", "合计"}
    grid = [["财政专户拨", "金额合计*", "化解矛盾纠纷，促进社会和谐稳定", "财政专户拨款", "合", "财政拨款"]]
    table = table_of(grid, source="ocr:rapidocr")
    checks.flag_tables([table], terms)
    assert {(c.row, c.col): c.flags for c in table.cells if c.flags} == {(0, 0): ["near-term"],
                                                                         (0, 1): ["near-term"]}
    text_layer = table_of(grid)
    checks.flag_tables([text_layer], terms)
    assert not any(c.flags for c in text_layer.cells)


def test_an_empty_ocr_cell_holding_print_is_read_again_or_flagged():
    import numpy as np
    import pymupdf

    from digitize import ocr
    from digitize.raster import PageImage

    # Four cells side by side: a lone figure (which escapes a page's text detection), specks
    # of the paper, a rule's pieces at the cell's side, and a smudge of ink that reads as nothing.
    with pymupdf.open() as doc:
        page = doc.new_page(width=200, height=20)
        page.insert_text((20, 14), "0", fontname="helv", fontsize=9)
        for x in (60, 75, 88):
            page.draw_rect((x, 9, x + 0.5, 9.5), color=None, fill=0)
        page.draw_line((100.8, 1), (100.8, 19), width=0.6, dashes="[2 2] 0")
        pix = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY, alpha=False)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    grey = np.where(grey < 128, 0, 255).astype(np.uint8)  # a black-and-white scan
    smudge = grey[round(5 * 300 / 72):round(15 * 300 / 72), round(165 * 300 / 72):round(180 * 300 / 72)]
    smudge[np.random.default_rng(1).random(smudge.shape) < 0.3] = 0
    table = table_of([["", "", "", ""]], source="ocr:rapidocr")
    checks.read_unread_ink([table], PageImage(grey, 300), ocr.get_engine("rapidocr"))
    assert [cell.text for cell in table.cells] == ["0", "", "", ""]
    assert [cell.flags for cell in table.cells] == [[], [], [], ["unread-ink"]]
    assert 18 < table.cells[0].chars[0].cx < 26  # placed on the page, not in the crop
    text_layer = table_of([[""]])
    checks.read_unread_ink([text_layer], PageImage(grey, 300), ocr.get_engine("rapidocr"))
    assert text_layer.cells[0].flags == []
