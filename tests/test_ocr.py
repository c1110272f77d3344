"""OCR engines on rendered Chinese text, and image files through the command line."""

import json
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from digitize import ocr, raster
from digitize.cli import main
from digitize.errors import ExitCode
from digitize.scoring import load_csv
from digitize.textjoin import cell_text

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DPI = 300
SIZE = 12.0  # font size, points
TITLE = "项目支出绩效目标表"
TARGET = "年度指标值：100%"
AT_LEAST = "年度指标值：≥95%。"


def tesseract_languages() -> set[str]:
    if shutil.which("tesseract") is None:
        return set()
    run = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return set((run.stdout + run.stderr).split())  # older versions list them on stderr


needs_tesseract = pytest.mark.skipif(
    not {"chi_sim", "eng"} <= tesseract_languages(), reason="tesseract with chi_sim and eng is not installed")


def render_line(text):
    """`text` set in 12 pt Chinese type, rendered at 300 dpi: the grey image and the text's box in points."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=300, height=60)
        page.insert_text((20, 36), text, fontname="china-s", fontsize=SIZE)
        (area,) = page.search_for(text)
        pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    return grey, area


def read(engine, text):
    grey, area = render_line(text)
    return ocr.get_engine(engine).read(grey, 72 / DPI), area


# ---------------------------------------------------------------- RapidOCR


def test_rapidocr_reads_a_chinese_line_with_a_box_and_confidence_per_character():
    chars, area = read("rapidocr", TITLE)
    assert "".join(c.text for c in chars) == TITLE
    for i, ch in enumerate(chars):
        x0, y0, x1, y1 = ch.bbox
        assert area.x0 - 1.5 <= x0 < x1 <= area.x1 + 1.5, ch
        assert area.y0 - 1.5 <= y0 < y1 <= area.y1 + 1.5, ch
        # Han characters are one em wide, so the i-th lies in the i-th em of the line.
        assert area.x0 + i * SIZE <= ch.cx <= area.x0 + (i + 1) * SIZE, ch
        assert 0.0 < ch.confidence <= 1.0, ch
    assert cell_text(chars, infer_spaces=False) == TITLE


def test_rapidocr_reads_digits_and_full_width_punctuation():
    chars, _ = read("rapidocr", TARGET)
    assert cell_text(chars, infer_spaces=False) == TARGET
    assert all(0.0 < ch.confidence <= 1.0 for ch in chars)


def test_rapidocr_puts_no_spaces_inside_numbers():
    chars, _ = read("rapidocr", AT_LEAST)
    assert "".join(c.text for c in chars) == AT_LEAST
    assert cell_text(chars, infer_spaces=False) == AT_LEAST


# ---------------------------------------------------------------- Tesseract


def test_rapidocr_reads_again_a_mark_the_line_crop_cut_close():
    # A detector box ending right at a line's last mark: the recogniser tends to leave it out.
    text = "审结。8、"
    grey, area = render_line(text)
    chars = ocr.get_engine("rapidocr").read(grey, 72 / DPI)
    assert "".join(c.text for c in chars) == text
    px = DPI / 72
    ink_x = np.flatnonzero((grey < ocr.INK_GREY).any(axis=0))
    x0, x1 = int(area.x0 * px) - 10, int(ink_x[-1]) + 1
    line = grey[int(area.y0 * px) - 5:int(area.y1 * px) + 5, x0:x1]
    crop = np.ascontiguousarray(np.repeat(line[:, :, None], 3, axis=2))
    eight = next(c for c in chars if c.text == "8")
    engine = ocr.get_engine("rapidocr")
    (mark, start, end, confidence), = engine._lost_mark(crop, text[:-1], eight.bbox[2] * px - x0, x0)
    assert mark == "、" and eight.bbox[2] * px <= start < end <= x1 + 1 and 0 < confidence <= 1
    # A line read to its end, or whose last reading the tail does not repeat, gets nothing.
    assert engine._lost_mark(crop, text, x1 - x0, x0) == []
    assert engine._lost_mark(crop, "审结。9", eight.bbox[2] * px - x0, x0) == []


def test_a_line_detected_twice_is_read_once():
    chars, _ = read("rapidocr", TITLE)
    twice = ocr._without_overlaps([chars, list(chars)])
    assert "".join(c.text for c in twice) == TITLE
    shifted = [replace(c, bbox=(c.bbox[0], c.bbox[1] + 30, c.bbox[2], c.bbox[3] + 30)) for c in chars]
    assert len(ocr._without_overlaps([chars, shifted])) == 2 * len(chars)  # a line below stays


@needs_tesseract
def test_tesseract_han_text_gets_no_spaces():
    chars, area = read("tesseract", TITLE)
    assert len(chars) == len(TITLE)
    assert all(0.0 < ch.confidence <= 1.0 for ch in chars)
    assert all(area.x0 - 3 <= ch.bbox[0] and ch.bbox[2] <= area.x1 + 3 for ch in chars)
    assert cell_text(chars, infer_spaces=False) == TITLE


@needs_tesseract
def test_tesseract_puts_no_spaces_inside_numbers():
    chars, _ = read("tesseract", TARGET)
    # Tesseract reads the full-width colon as ':'; that is the same character once normalized.
    text = cell_text(chars, infer_spaces=False)
    assert unicodedata.normalize("NFKC", text) == unicodedata.normalize("NFKC", TARGET)


# ---------------------------------------------------------------- punctuation


def test_fix_marks_restores_chinese_stops_and_keeps_decimal_points():
    assert ocr.fix_marks("100%·2、年度°") == "100%。2、年度。"
    assert ocr.fix_marks("12·4") == "12·4"
    assert ocr.fix_marks("丶") == "、"


def test_fix_marks_reads_a_round_letter_after_a_figure_as_percent():
    assert ocr.fix_marks("年度指标值：100o。") == "年度指标值：100%。"
    assert ocr.fix_marks("满意率95α以上") == "满意率95%以上"
    assert ocr.fix_marks("系统填报率100P。") == "系统填报率100%。"  # worn further
    # Worn to its upper ring: a degree sign, no 。 where a 。, or a round letter, follows it.
    assert ocr.fix_marks("年度指标值：100°。2、") == "年度指标值：100%。2、"
    assert ocr.fix_marks("覆盖率95°a") == "覆盖率95%。"
    assert ocr.fix_marks("≥8°2、") == "≥8。2、"
    for text in ("1O0", "5TB", "2o2", "No.3", "100ok", "1080P高清", "A10P"):
        assert ocr.fix_marks(text) == text


def test_a_worn_line_of_words_is_kept_where_debris_and_a_seal_ring_are_not():
    line_score = ocr.MIN_LINE_SCORE
    assert ocr._least_score("财政拨款", 4.0) < line_score  # four characters set in a row
    assert ocr._least_score("州市友", 1.0) == line_score  # a seal's characters in a square box
    assert ocr._least_score("(H).x)", 5.0) == line_score  # marks and letters
    assert ocr._least_score("人孩", 2.0) == line_score
    assert ocr._least_score("1", 0.5) > line_score


def test_work_fallen_apart_into_a_letter_and_a_dot_and_a_worn_yu_are_read_as_such():
    def text(read: str) -> str:
        return "".join(ch.text for ch in ocr.line_chars([(read, 0, 10 * len(read), 0.9)], 0, 12, 1.0))

    assert text("法律服务I.作经费") == "法律服务工作经费"
    assert text("I.作日志") == "工作日志"
    assert text("5个1.作日内") == "5个工作日内"
    assert text("纪检L作") == "纪检工作"
    assert text("法制I:作") == "法制工作"
    assert text("案件数不少F65件") == "案件数不少于65件"  # 于 worn down to an F
    for kept in ("提供1次讲座", "1.面向市直", "4.5万元", "LED灯", "2021.12", "PDF文件"):  # figures, words
        assert text(kept) == kept


def test_a_point_straight_after_a_full_width_mark_is_dropped():
    def text(read: str) -> str:
        return "".join(ch.text for ch in ocr.line_chars([(read, 0, 10 * len(read), 0.9)], 0, 12, 1.0))

    assert text("1次。.5、产出指标：.100%") == "1次。5、产出指标：100%"
    assert text("4、·效益") == "4、效益"
    assert text("合格率.5.5%") == "合格率.5.5%"  # not after a mark: left as read


# ---------------------------------------------------------------- image files


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_image_file_of_a_table_page_converts(tmp_path, capsys, suffix):
    image = tmp_path / f"page.{suffix}"
    with pymupdf.open(SAMPLES / "s03_partial_rules.pdf") as doc:
        pix = doc[0].get_pixmap(dpi=200, colorspace=pymupdf.csRGB, alpha=False)
    if suffix == "jpg":
        pix.save(image, jpg_quality=85)
    else:
        pix.save(image)
    assert raster.image_dpi(image) == 200  # the file's own resolution is used, not the assumed one

    out = tmp_path / "out"
    assert main(["convert", str(image), "-o", str(out)]) == ExitCode.OK
    assert "error" not in capsys.readouterr().err
    expected = load_csv(SAMPLES / "expected" / "s03_partial_rules.csv")
    got = load_csv(out / "page.csv")
    assert (len(got), len(got[0])) == (len(expected), len(expected[0]))
    same = sum(a == b for want, have in zip(expected, got, strict=True)
               for a, b in zip(want, have, strict=True))
    assert 5 * same >= 4 * len(expected) * len(expected[0]), got  # 80 % or more
    side = json.loads((out / "page.json").read_text(encoding="utf-8"))
    assert side["pages"] == [1]
    assert {c["source"] for c in side["cells"]} == {"ocr:rapidocr"}


def sample_page_grey(name, dpi):
    with pymupdf.open(SAMPLES / name) as doc:
        pix = doc[0].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_upright_turns_undoes_a_quarter_half_or_three_quarter_turn(turns):
    page = sample_page_grey("s01_wrapped_full.pdf", 150)
    turned = np.ascontiguousarray(np.rot90(page, turns))
    assert (turns + ocr.upright_turns(turned, 150)) % 4 == 0


def test_page_image_turned_on_its_side_converts_upright(tmp_path):
    image = tmp_path / "turned.png"
    grey = sample_page_grey("s03_partial_rules.pdf", 200)
    turned = np.ascontiguousarray(np.rot90(grey, 3))
    pix = pymupdf.Pixmap(pymupdf.csGRAY, turned.shape[1], turned.shape[0], turned.tobytes(), False)
    pix.set_dpi(200, 200)
    pix.save(image)

    out = tmp_path / "out"
    assert main(["convert", str(image), "-o", str(out)]) == ExitCode.OK
    expected = load_csv(SAMPLES / "expected" / "s03_partial_rules.csv")
    got = load_csv(out / "turned.csv")
    assert (len(got), len(got[0])) == (len(expected), len(expected[0]))
    same = sum(a == b for want, have in zip(expected, got, strict=True)
               for a, b in zip(want, have, strict=True))
    assert 5 * same >= 4 * len(expected) * len(expected[0]), got


def test_corrupt_image_file_is_bad_input(tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    assert main(["convert", str(broken), "-o", str(tmp_path / "out")]) == ExitCode.BAD_INPUT
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(broken) in errors[0]
    assert not list((tmp_path / "out").glob("*.csv"))


def test_a_lone_glyph_the_first_detection_missed_is_looked_for_again():
    with pymupdf.open() as doc:
        page = doc.new_page(width=300, height=60)
        page.insert_text((20, 26), TITLE, fontname="china-s", fontsize=SIZE)
        page.insert_text((250, 50), "4", fontname="china-s", fontsize=SIZE)
        pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    bgr = np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    engine = ocr.get_engine("rapidocr")
    title = engine._detect(bgr[:50 * DPI // 72], 1.0)  # the title line only
    (found,) = engine._detect_missed(bgr, title, 1.0)
    px = DPI / 72
    assert found[:, 0].min() <= 250 * px < found[:, 0].max()
    assert found[:, 1].min() <= 45 * px < found[:, 1].max()


def test_leftover_ink_is_looked_at_again_only_where_it_holds_a_glyph():
    grey, area = render_line("法律")
    line_h = (area.y1 - area.y0) * DPI / 72
    ink = np.where(grey < ocr.INK_GREY, 255, 0).astype(np.uint8)
    assert ocr._holds_glyph(ink, line_h)
    # The speckle of a black-and-white scan's paper: dots of a pixel or two.
    rng = np.random.default_rng(0)
    specks = np.zeros_like(ink)
    ys, xs = rng.integers(0, ink.shape[0] - 2, 400), rng.integers(0, ink.shape[1] - 2, 400)
    for y, x in zip(ys, xs, strict=True):
        specks[y:y + 2, x:x + 2] = 255
    assert not ocr._holds_glyph(specks, line_h)


def test_a_line_of_one_character_read_unsurely_is_debris():
    engine = ocr.get_engine("rapidocr")
    for text, kept in (("4", False), ("数）", True)):  # the wrapped end of a cell's text is kept
        grey, area = render_line(text)
        y0, y1, x0, x1 = (int(v * DPI / 72) for v in (area.y0, area.y1, area.x0, area.x1))
        crop = np.ascontiguousarray(np.repeat(grey[y0 - 5:y1 + 5, x0 - 5:x1 + 5, None], 3, axis=2))
        h, w = crop.shape[:2]
        box = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        [(read, _, word_info)], _ = engine.engine.text_rec([crop], True)
        assert read.strip() == text
        assert (engine._line_chars(read, 0.7, word_info, box, crop, 1.0, False) != []) == kept


def test_a_character_the_recogniser_skipped_is_read_again_from_its_gap():
    pitch = SIZE * DPI / 72

    def line_with_gap(ink_in_gap):
        """法律顾问全覆盖，每个村 set one character at a time, 盖 left out or not; the crop
        and the pieces a recogniser that skipped 盖 would give."""
        text = "法律顾问全覆盖，每个村"
        with pymupdf.open() as doc:
            page = doc.new_page(width=200, height=30)
            for i, ch in enumerate(text):
                if ch != "盖" or ink_in_gap:
                    page.insert_text((10 + i * SIZE, 22), ch, fontname="china-s", fontsize=SIZE)
            pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
        grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
        crop = np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
        x0 = 10 * DPI / 72
        pieces = [(ch, x0 + i * pitch, x0 + (i + 1) * pitch, 1.0) for i, ch in enumerate(text) if ch != "盖"]
        return crop, pieces

    engine = ocr.get_engine("rapidocr")
    crop, pieces = line_with_gap(True)
    mended = engine._with_skipped_characters(crop, pieces, 0.0)
    assert "".join(piece[0] for piece in mended) == "法律顾问全覆盖，每个村"
    assert mended[6][1] == pytest.approx(10 * DPI / 72 + 6 * pitch, abs=1)
    crop, pieces = line_with_gap(False)  # blank paper in the gap: nothing to read
    assert engine._with_skipped_characters(crop, pieces, 0.0) == pieces


def test_an_opening_bracket_nothing_closes_is_the_left_stroke_of_the_character_after_it():
    # At low resolution the left stroke of 区, 国 or 门 stands apart and reads as "[", and the
    # rest of 区 as "<" or "×".
    def mended(text):
        pieces = [(ch, 10.0 * i, 10.0 * (i + 1), 0.9) for i, ch in enumerate(text)]
        return ocr._with_left_strokes(pieces)

    assert "".join(p[0] for p in mended("村（社[<）")) == "村（社区）"
    assert mended("全[×各")[1] == ("区", 10.0, 30.0, 0.9)  # the character takes both boxes
    assert "".join(p[0] for p in mended("[区政府")) == "区政府"
    assert "".join(p[0] for p in mended("出[国人员")) == "出国人员"
    assert "".join(p[0] for p in mended("在册社1≤矫正")) == "在册社区矫正"  # its stroke read as 1
    assert "".join(p[0] for p in mended("提供1次")) == "提供1次"
    # Nothing of the rest read: the character whose stroke it is makes a word with the one before.
    assert "".join(p[0] for p in mended("村（社[）")) == "村（社区）"
    assert "".join(p[0] for p in mended("主管部[")) == "主管部门"
    for text in ("见[附件]", "[2021]", "【1】号", "的[", "2021["):  # closed, or no word to make
        assert "".join(p[0] for p in mended(text)) == text

