"""Glyph shapes in rendered line images: marks the recogniser skips or confuses."""

import cv2
import numpy as np
import pymupdf
import pytest

from digitize import checks, glyphs, ocr

DPI = 300
SIZE = 12.0  # font size, points
LEFT = 10.0  # points


def px(em: float) -> float:
    """An x position given in character widths from the line's start, in pixels."""
    return (LEFT + em * SIZE) * DPI / 72


def set_line(*glyph_places: tuple[str, float], drawn=None) -> np.ndarray:
    """Glyphs set at chosen places ((text, x in character widths) pairs) in 12 pt Chinese
    type, plus strokes `drawn` as (((x, y), ...), width): points in character widths from the
    baseline, width in points. The grey line image at 300 dpi."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=200, height=30)
        for text, x in glyph_places:
            page.insert_text((LEFT + x * SIZE, 22), text, fontname="china-s", fontsize=SIZE)
        for points, width in drawn or []:
            page.draw_polyline([(LEFT + x * SIZE, 22 - y * SIZE) for x, y in points], width=width)
        pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()


@pytest.mark.parametrize(("places", "read_at", "form"), [
    ([("的", 0), ('"', 1.05), ("第", 1.5)], 1.05, '"'),  # a straight quote takes half a character
    ([("的", 0), ("“", 1.6), ("第", 2.0)], 1.6, "“"),  # a curly one a whole character, at its side
    ([("的", 0), ("”", 1.0), ("第", 2.0)], 1.0, "”"),
    ([("的", 0), ("”", 1.0), ("第", 1.33)], 1.0, None),  # set narrow, as proportional fonts do
    ([("的", 0), ("“", 1.0)], 1.0, None),  # at the line's end
])
def test_straight_and_curly_quotes_are_told_by_the_slot_they_take(places, read_at, form):
    line = glyphs.LineInk.of(set_line(*places))
    assert glyphs.quote_form(line, px(read_at), px(read_at + 0.4)) == form


# ≥ as 楷体 draws it: a bold bar leans against the lower arm, and the recogniser reads a >.
ARMS = ([(1.1, 0.55), (1.5, 0.35), (1.1, 0.15)], 0.9)
LEANING_BAR = ([(1.07, 0.06), (1.47, 0.26)], 1.4)


def mirrored(stroke):
    points, width = stroke
    return [(2.6 - x, y) for x, y in points], width


@pytest.mark.parametrize(("sign", "drawn", "read"), [
    (">", [ARMS, LEANING_BAR], "≥"),
    (">", [ARMS], ">"),
    ("<", [mirrored(ARMS), mirrored(LEANING_BAR)], "≤"),
])
def test_a_comparison_sign_with_a_leaning_bar_is_read_with_its_bar(sign, drawn, read):
    line = glyphs.LineInk.of(set_line(("值", 0), ("100", 1.6), drawn=drawn))
    assert glyphs.comparison_sign(line, sign, px(1.05), px(1.55)) == read


def test_a_typeset_greater_than_sign_stays_as_read():
    line = glyphs.LineInk.of(set_line(("值", 0), (">", 1.0), ("95%", 1.6)))
    assert glyphs.comparison_sign(line, ">", px(1.0), px(1.55)) == ">"


@pytest.mark.parametrize(("mark", "found"), [("、", True), ("，", False), ("", False)])
def test_an_enumeration_comma_skipped_after_a_figure_is_found_in_the_gap(mark, found):
    line = glyphs.LineInk.of(set_line(("2", 0), (mark, 0.55), ("满", 1.55)))
    extent = glyphs.skipped_mark(line, px(0.55), px(1.55))
    assert (extent is not None) == found
    if found:
        assert extent[0] == "、" and px(0.55) <= extent[1] < extent[2] <= px(1.55)


@pytest.mark.parametrize(("text", "stop"), [("21。", True), ("12·", False)])
def test_a_middle_dot_that_is_a_ring_is_a_full_stop(text, stop):
    line = glyphs.LineInk.of(set_line((text, 0)))
    assert glyphs.is_full_stop(line, px(1.3), px(2.3)) == stop


@pytest.mark.parametrize(("text", "stop"), [("创建率100%。", True), ("创建率100%", False), ("第4/4", False),
                                            ("不低于85%，", False), ("考核评估", False)])
def test_a_full_stop_ending_a_line_is_found_by_its_ring(text, stop):
    grey = set_line((text, 0))
    found = glyphs.final_stop(grey)
    assert (found is not None) == stop
    if stop:
        ink_x = np.flatnonzero((grey < ocr.INK_GREY).any(axis=0))
        assert found[1] == pytest.approx(ink_x[-1] + 1, abs=2) and found[1] - found[0] < 0.6 * SIZE * DPI / 72


def test_a_line_gets_its_skipped_comma_and_loses_a_guessed_mark():
    grey = set_line(("第", 0), ("2", 1.0), ("、", 1.55), ("满", 2.55), ("意", 3.55), ("一", 6.0))
    pieces = [("第", px(0), px(1), 1.0), ("2", px(1), px(1.5), 1.0), ("满", px(2.55), px(3.55), 1.0),
              ("意", px(3.55), px(4.55), 1.0), ("，", px(5.0), px(5.6), 0.39), ("一", px(6.0), px(7.0), 1.0)]
    judged = ocr._judged_by_shape(grey, pieces, 0.0)
    assert "".join(text for text, *_ in judged) == "第2、满意一"


def test_thousands_read_with_a_point_get_their_comma():
    assert ocr.fix_marks("5.576.21") == "5,576.21"
    assert ocr.fix_marks("1.234.567.89") == "1,234,567.89"
    assert ocr.fix_marks("3.14") == "3.14" and ocr.fix_marks("2021.10.12") == "2021.10.12"


@pytest.mark.parametrize(("mark", "form"), [("；", "；"), ("：", "：")])
def test_a_semicolon_is_told_from_a_colon_by_its_tail(mark, form):
    line = glyphs.LineInk.of(set_line(("宣传", 0), (mark, 2.0), ("对全", 3.0)))
    assert glyphs.colon_form(line, px(2.0), px(3.0)) == form


@pytest.mark.parametrize(("mark", "form"), [("，", "，"), ("、", "、")])
def test_a_comma_is_told_from_an_enumeration_comma_by_its_slant(mark, form):
    line = glyphs.LineInk.of(set_line(("服务", 0), (mark, 2.0), ("年度", 3.0)))
    assert glyphs.comma_form(line, px(2.0), px(3.0)) == form


def test_a_full_stop_skipped_after_a_bracket_is_found_in_the_gap():
    line = glyphs.LineInk.of(set_line(("件）", 0), ("。", 2.0), ("4", 3.0)))
    found = glyphs.skipped_mark(line, px(2.0), px(3.0))
    assert found is not None and found[0] == "。"


def test_unsure_marks_are_judged_by_shape_and_a_guess_over_blank_paper_is_dropped():
    grey = set_line(("宣传", 0), ("；", 2.0), ("对全", 3.0), ("、", 5.0), ("经费", 6.0))
    pieces = [("宣", px(0), px(1), 1.0), ("传", px(1), px(2), 1.0), ("：", px(2), px(3), 0.6),
              ("对", px(3), px(4), 1.0), ("全", px(4), px(5), 1.0), ("，", px(5), px(6), 0.6),
              ("经", px(6), px(7), 1.0), ("费", px(7), px(8), 1.0), ("0", px(8.2), px(8.5), 0.35),
              ("4", px(8.5), px(8.8), 0.35)]
    judged = ocr._judged_by_shape(grey, pieces, 0.0)
    assert "".join(text for text, *_ in judged) == "宣传；对全、经费"


def test_a_sliver_of_the_next_cell_read_as_a_character_is_dropped():
    width = 10.0
    line = [("本", 0.0, 5.0, 0.98)] + [(ch, 15.0 + i * width, 15.0 + (i + 1) * width, 1.0)
                                       for i, ch in enumerate("产出指标")]
    assert "".join(text for text, *_ in ocr._without_slivers(line)) == "产出指标"
    assert ocr._without_slivers(line[1:]) == line[1:]


def pieces_at(*readings: tuple[str, float, float]) -> list:
    """The recogniser's pieces of a `set_line` line: (text, from, to) in character widths."""
    return [(text, px(start), px(end), 0.5) for text, start, end in readings]


def test_a_one_broken_into_dashes_is_read_as_one():
    grey = set_line(("一", 0), ("般", 1))
    grey[:, round(px(0.2)):round(px(0.8)):12] = 255  # binarization breaks the stroke up
    grey[:, round(px(0.2)) + 1:round(px(0.8)):12] = 255
    read = pieces_at(("-", 0, 0.45), ("-", 0.45, 1), ("般", 1, 2))
    assert [text for text, *_ in ocr._with_ones(grey, read, 0)] == ["一", "般"]


def test_the_rest_of_a_one_read_as_a_dash_after_it_is_dropped():
    grey = set_line(("一", 0), ("法", 1))
    grey[:, round(px(0.55)):round(px(0.6))] = 255  # the stroke broke in two
    read = pieces_at(("一", 0, 0.5), ("-", 0.55, 0.95), ("法", 1, 2))
    judged = ocr._with_ones(grey, read, 0)
    assert [(text, start) for text, start, *_ in judged] == [("一", px(0)), ("法", px(1))]
    # A dash of its own after a 一 stays.
    read = pieces_at(("一", 0, 1), ("-", 1, 1.5), ("法", 1.5, 2.5))
    assert ocr._with_ones(set_line(("一", 0), ("-", 1), ("法", 1.5)), read, 0) == read


def test_a_one_the_recogniser_skipped_between_two_characters_is_put_back():
    grey = set_line(("进", 0), ("一", 1), ("步", 2))
    read = [("进", px(0), px(0.95), 0.99), ("步", px(2.05), px(3), 0.99)]
    def judged(line: np.ndarray, pieces: list) -> str:
        return "".join(text for text, *_ in ocr._judged_by_shape(line, pieces, 0.0))

    assert judged(grey, read) == "进一步"
    # A gap of blank paper, or one beside a 一 read already, holds none.
    assert judged(set_line(("进", 0), ("步", 2)), read) == "进步"
    read_one = [("一", px(0), px(0.3), 0.99), ("步", px(2.05), px(3), 0.99)]
    assert judged(set_line(("一", 1), ("步", 2)), read_one) == "一步"
    # Nor do two specks of the paper level with each other a character's width apart.
    specks = set_line(("进", 0), ("步", 2))
    for x in (px(1.1), px(1.7)):
        cv2.rectangle(specks, (round(x), 60), (round(x) + 3, 63), 0, -1)
    assert judged(specks, read) == "进步"


@pytest.mark.parametrize(("places", "readings"), [
    ([("法", 0), ("-", 1), ("律", 1.5)], [("法", 0, 1), ("-", 1, 1.5), ("律", 1.5, 2.5)]),  # a hyphen
    ([("说", 0), ("—", 1), ("—", 2), ("明", 3)],  # a Chinese dash takes two characters' width
     [("说", 0, 1), ("—", 1, 2), ("—", 2, 3), ("明", 3, 4)]),
    ([("第", 0), ("一", 1), ("2", 2)], [("第", 0, 1), ("-", 1, 2), ("2", 2, 2.5)]),  # beside a figure
])
def test_dashes_that_are_no_one_stay_as_read(places, readings):
    read = pieces_at(*readings)
    assert ocr._with_ones(set_line(*places), read, 0) == read


@pytest.mark.parametrize("dot", [".", "·"])
def test_a_dot_between_han_characters_is_read_as_a_comma(dot):
    grey = set_line(("台", 0), ("以", 1.5))
    cv2.circle(grey, (round(px(1.2)), 89), 3, 0, -1)  # a round dot: no tail or slant to go by
    read = pieces_at(("台", 0, 1), (dot, 1, 1.5), ("以", 1.5, 2.5))
    _, (mark, *_, confidence), _ = ocr._judged_by_shape(grey, read, 0)
    assert mark == "，" and confidence < checks.LOW_CONFIDENCE  # chosen by usage alone: flagged


@pytest.mark.parametrize(("places", "read", "judged"), [
    ([("台", 0), ("。", 1), ("以", 2)], [("台", 0, 1), (".", 1, 1.6), ("以", 2, 3)], "。"),  # a ring
    ([("1", 0), (".", 0.5), ("5", 0.8)], [("1", 0, 0.5), (".", 0.5, 0.8), ("5", 0.8, 1.3)], "."),
])
def test_a_full_stop_read_by_its_shape_or_beside_figures(places, read, judged):
    assert ocr._judged_by_shape(set_line(*places), pieces_at(*read), 0)[1][0] == judged


def test_a_dot_read_where_no_ink_is_left_before_the_number_of_the_next_item_is_a_full_stop():
    # Binarization left nothing of the 。 ending "记录" before "2、": the recogniser still read a dot.
    grey = set_line(("记录", 0), ("2", 3), ("、", 3.5), ("产", 4.5))
    read = [(text, start, end, 0.45) for text, start, end, _ in pieces_at(
        ("记", 0, 1), ("录", 1, 2), (".", 2.2, 2.6), ("2", 3, 3.5), ("、", 3.5, 4.5), ("产", 4.5, 5.5))]
    judged = ocr._judged_by_shape(grey, read, 0)
    assert "".join(text for text, *_ in judged) == "记录。2、产"
    assert judged[2][3] < checks.LOW_CONFIDENCE  # chosen by usage alone: flagged
    # After a figure it is no full stop.
    figures = [read[0], ("1", *read[1][1:]), *read[2:]]
    assert "。" not in "".join(text for text, *_ in ocr._judged_by_shape(grey, figures, 0))


def test_a_blank_before_the_number_of_the_next_item_on_a_black_and_white_scan_is_a_full_stop():
    # Thresholding wiped out the 。 ending "记录" before "2、", and the recogniser read nothing there.
    grey = set_line(("记录", 0), ("2", 3), ("、", 3.5), ("产", 4.5))
    read = pieces_at(("记", 0, 1), ("录", 1, 2), ("2", 3, 3.5), ("、", 3.5, 4.5), ("产", 4.5, 5.5))
    judged = ocr._judged_by_shape(grey, read, 0, black_and_white=True)
    assert "".join(text for text, *_ in judged) == "记录。2、产"
    assert judged[2][3] < checks.LOW_CONFIDENCE  # chosen by usage alone: flagged
    # On a grey scan a faint dot survives, so a blank there is only a blank (two cells' texts
    # read as one line); nor is a blank before a figure that opens no item a full stop.
    assert "。" not in "".join(text for text, *_ in ocr._judged_by_shape(grey, read, 0))
    figure = [*read[:2], ("2", px(3), px(3.5), 0.5), ("0", px(3.5), px(4), 0.5)]
    judged = ocr._judged_by_shape(grey, figure, 0, black_and_white=True)
    assert "。" not in "".join(text for text, *_ in judged)


def test_an_unsure_semicolon_after_a_label_is_a_colon():
    # Binarization gave the lower dot of a ： a tail: it reads as ； after "，年度指标值".
    grey = set_line(("，", 0), ("年度指标值", 1), ("；", 6), ("每月", 7))
    read = pieces_at(("，", 0, 1), *((ch, 1 + k, 2 + k) for k, ch in enumerate("年度指标值")), ("；", 6, 7),
                     ("每", 7, 8), ("月", 8, 9))
    judged = ocr._judged_by_shape(grey, read, 0)
    assert judged[6][0] == "：" and judged[6][3] < checks.LOW_CONFIDENCE
    # After a clause it stays a ；.
    clause = pieces_at(("，", 0, 1), *((ch, 1 + k, 2 + k) for k, ch in enumerate("加强工作督导")),
                       ("；", 7, 8))
    assert ocr._judged_by_shape(set_line(("，", 0), ("加强工作督导", 1), ("；", 7)), clause, 0)[7][0] == "；"


def test_an_unsure_enumeration_comma_before_a_label_is_a_comma():
    grey = set_line(("满足率", 0), ("、", 3), ("年度指标值", 4), ("：", 9))
    read = pieces_at(*((ch, k, k + 1) for k, ch in enumerate("满足率")), ("、", 3, 4),
                     *((ch, 4 + k, 5 + k) for k, ch in enumerate("年度指标值")), ("：", 9, 10))
    judged = ocr._judged_by_shape(grey, read, 0)
    assert judged[3][0] == "，" and judged[3][3] < checks.LOW_CONFIDENCE
    # Between the items of a list it stays a 、, and so does the mark after an item's number.
    items = set_line(("宪法", 0), ("、", 2), ("民法典", 3), ("，", 6))
    listed = pieces_at(*((ch, k, k + 1) for k, ch in enumerate("宪法、民法典，")))
    assert ocr._judged_by_shape(items, listed, 0)[2][0] == "、"
    numbered = set_line(("1", 0), ("、", 0.5), ("产出", 1.5), ("：", 3.5))
    read = pieces_at(("1", 0, 0.5), ("、", 0.5, 1.5), ("产", 1.5, 2.5), ("出", 2.5, 3.5), ("：", 3.5, 4.5))
    assert ocr._judged_by_shape(numbered, read, 0)[1][0] == "、"


def test_a_full_stop_read_inside_a_sentence_that_hangs_like_a_comma_is_a_comma():
    # A black-and-white scan wears a ， down to a blob the recogniser takes for 。; it still
    # hangs down, where a 。 sits round on the line.
    read = pieces_at(("工", 0, 1), ("作", 1, 2), ("。", 2, 3), ("促", 3, 4), ("进", 4, 5))
    comma = set_line(("工作", 0), ("，", 2), ("促进", 3))
    assert ocr._judged_by_shape(comma, read, 0)[2][0] == "，"
    stop = set_line(("工作", 0), ("。", 2), ("促进", 3))
    assert ocr._judged_by_shape(stop, read, 0)[2][0] == "。"


def test_a_shape_does_not_make_sure_a_mark_the_recogniser_barely_saw():
    # It may be no mark at all but the remnant of a rule: the table stage weighs it by the
    # recogniser's confidence.
    grey = set_line(("服务", 0), ("，", 2), ("年度", 3))

    def judged(confidence: float) -> float:
        read = [(text, start, end, confidence if text == "，" else 1.0) for text, start, end, _ in
                pieces_at(("服", 0, 1), ("务", 1, 2), ("，", 2, 3), ("年", 3, 4), ("度", 4, 5))]
        mark = ocr._judged_by_shape(grey, read, 0)[2]
        assert mark[0] == "，"
        return mark[3]

    assert judged(0.6) == ocr.SHAPE_CONFIDENCE
    assert judged(0.4) == 0.4


def test_an_enumeration_comma_that_stands_like_a_worn_comma_on_a_black_and_white_scan_is_a_comma():
    # Thresholding rounds a ，into a blob taller than wide that hardly leans.
    worn = set_line(("工作", 0), ("促进", 3))
    cv2.ellipse(worn, (round(px(2.3)), 86), (6, 10), 0, 0, 360, 0, -1)
    read = [(text, start, end, 0.95) for text, start, end, _ in  # read surely
            pieces_at(("工", 0, 1), ("作", 1, 2), ("、", 2, 3), ("促", 3, 4), ("进", 4, 5))]
    assert ocr._judged_by_shape(worn, read, 0, black_and_white=True)[2][0] == "，"
    assert ocr._judged_by_shape(worn, read, 0)[2][0] == "、"  # grey print keeps a comma's taper
    enumeration = set_line(("工作", 0), ("、", 2), ("促进", 3))
    assert ocr._judged_by_shape(enumeration, read, 0, black_and_white=True)[2][0] == "、"
