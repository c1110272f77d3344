"""Unsure glyphs compared with the glyphs the page read surely, on rendered Chinese type."""

import numpy as np
import pymupdf

from digitize import ocr, pageglyphs

DPI = 300
SIZE = 12.0  # points; Chinese type sets each character one size wide
PITCH = SIZE * DPI / 72  # pixels
LEFT = 10.0  # points of paper before the first character


def render(text: str) -> np.ndarray:
    """One line of `text` at 300 dpi, as the BGR crop the recogniser is given."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=2 * LEFT + SIZE * len(text), height=SIZE * 1.6)
        page.insert_text((LEFT, SIZE * 1.2), text, fontname="china-s", fontsize=SIZE)
        pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csRGB, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()


def centre(i: int) -> float:
    return (LEFT + SIZE * (i + 0.5)) * DPI / 72


def classes() -> list[str]:
    return ocr.get_engine("rapidocr").engine.text_rec.postprocess_op.decoder.character


def test_each_reading_peaks_within_its_glyph():
    engine = ocr.get_engine("rapidocr").engine.text_rec
    text = "年度指标值：满意度指标"
    crop = render(text)
    image = engine.resize_norm_img(crop, crop.shape[1] / crop.shape[0])
    preds = engine.session(image[None].astype(np.float32))[0][0]
    line = pageglyphs.line_of(crop, preds, image.shape[1:], classes(), ocr.SURE_READING)
    assert "".join(classes()[r.label] for r in line.readings) == text
    for i, reading in enumerate(line.readings):
        assert abs(line.centre(reading) - centre(i)) < PITCH / 2, text[i]
    assert line.pitch() is not None and abs(line.pitch() - PITCH) < PITCH / 4


def test_an_unsure_worn_glyph_is_closest_to_the_sure_copies_of_its_character():
    texts = ["年度指标值：满意度指标", "产出指标：服务对象满意率", "年度指标值：效益指标",
             "接听热线及时率年度指标值", "法律服务需求满足率指标值"]
    steps = 6  # time steps per character
    step_px = PITCH / steps
    labels = classes()

    def line(text: str, unsure: dict[int, str]) -> pageglyphs.Line:
        crop = render(text)
        readings = [pageglyphs.Reading(start=i * steps, peak=i * steps + steps // 2,
                                       label=labels.index(unsure.get(i, ch)), han=True, sure=i not in unsure)
                    for i, ch in enumerate(text)]
        ink = 1 - crop[:, :, 0].astype(np.float32) / 255
        return pageglyphs.Line(ink, step_px, readings)

    worn = line("提供法治讲座指标值", {4: "座", 7: "怀"})
    # The 标 at 7 worn away: white streaks across its strokes, as thresholding leaves them.
    x0 = round(centre(7) - PITCH / 2)
    worn.ink[:, x0:x0 + round(PITCH)][::5] = 0
    worn.ink[:, x0:x0 + round(PITCH):4] = 0
    lines = [line(text, {}) for text in texts] + [worn]
    found = pageglyphs.closest_glyphs(lines)
    assert all(not f for f in found[:-1])  # sure readings are not compared
    label, lead = found[-1][7 * steps]
    assert labels[label] == "标" and lead > 0
    # 讲座 is read unsurely, and 座 has no sure copy on the page: the closest is another character.
    assert labels[found[-1][4 * steps][0]] != "座"


def test_a_page_with_few_sure_characters_compares_nothing():
    crop = render("指标值")
    labels = classes()
    readings = [pageglyphs.Reading(i * 6, i * 6 + 3, labels.index(ch), han=True, sure=i != 1)
                for i, ch in enumerate("指怀值")]
    ink = 1 - crop[:, :, 0].astype(np.float32) / 255
    assert pageglyphs.closest_glyphs([pageglyphs.Line(ink, PITCH / 6, readings)]) == [{}]
