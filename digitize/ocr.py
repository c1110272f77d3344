"""OCR engines behind one small interface: a page image in, characters with boxes out.

The page is read once and each character keeps its own box, so the grid builder
assigns text to cells exactly as it does for a text layer (measured against OCR of
each cell crop: the same accuracy at a fraction of the engine calls).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache
from typing import Protocol

import cv2
import numpy as np

from . import glyphs, lexicon, pageglyphs
from .errors import MissingDependencyError
from .lexicon import is_han
from .model import Char
from .raster import binarized
from .textjoin import SEGMENT_MARKS

# Detection boxes are padded around the glyphs; this is the glyph share of a box's height.
GLYPH_SHARE = 0.9
# Marks OCR reads into table text that print never has there: the remains of a vertical
# rule (丨, |) are dropped, the "dot" stroke 丶 is the enumeration comma 、, a degree sign
# is a full stop, as is a middle dot after Chinese text ("100%·2、" but "12·4"). Full-width
# digits, Latin letters and % are read as their plain forms, which amounts are written in.
RULE_DEBRIS = str.maketrans({"丨": None, "|": None, "｜": None})
MISREAD_MARKS = str.maketrans(
    {"丶": "、", "°": "。", "％": "%"}
    | {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
STOP_AS_DOT = re.compile(r"(?<=[\u3400-\u9fff%）)])·")
# A point straight after a full-width mark ("。.5、", "：.100%") is a speck the mark's wide box
# took in: Chinese text sets no point there. It is read as rule debris, and dropped.
SPECK_AFTER_MARK = re.compile(r"(?<=[，。、：；])[.·]")
# A worn % after a figure reads as a round letter ("100o", "95α"); no unit is written so.
PERCENT_AS_LETTER = re.compile(r"(?<=\d)[oOα](?![0-9A-Za-z])")
# Worn to its upper ring, it reads as a degree sign, which is then no 。 where a 。 or a
# round letter follows it ("100°。", "95°a"); that letter, after a %, is the 。 worn.
PERCENT_AS_DEGREE = re.compile(r"(?<=\d)°(?=[。.oOαa])")
STOP_AS_LETTER = re.compile(r"(?<=%)[oOαa](?![0-9A-Za-z])")
# Worn further, it reads as P after a share of at most three digits ("90P"); "1080P" is a resolution.
PERCENT_AS_P = re.compile(r"(?<![\d.A-Za-z])(\d{1,3})P(?![0-9A-Za-z])")
# At low resolution 工 falls apart into a letter and a dot ("I.作", or "1.作" after Chinese
# text), or reads as a lone letter; no word of Latin letters is one letter before Chinese text.
WORK_AS_LETTER = re.compile(r"(?<![0-9A-Za-z])[IlL][.·:]?(?=[\u3400-\u9fff])"
                            r"|(?<=[\u3400-\u9fff])1[.·:](?=[\u3400-\u9fff])")
# 于 worn to its strokes reads as F ("不少F65件"); no word is that one letter in Chinese text.
YU_AS_LETTER = re.compile(r"(?<=[\u3400-\u9fff])F(?=[0-9\u3400-\u9fff])")
# A point followed by three digits and another point separates thousands: "5.576.21" is 5,576.21.
THOUSANDS_AS_POINT = re.compile(r"(?<=\d)\.(?=\d{3}\.\d)")
# Lines read with less confidence than this are specks, seal remnants or rule debris; so
# are lines of one character read less surely than the second.
MIN_LINE_SCORE = 0.5
MIN_GLYPH_SCORE = 0.8
# A line of this many Han characters or more, set straight (its box at least WORDY_SPREAD
# line heights wide per character), is print, however worn: specks and rule debris read as
# marks, digits and letters, or one or two characters, and a seal's ring of characters stands
# in a square box. It is kept down to a lower score.
WORDY_LINE = 3
WORDY_SPREAD = 0.5
MIN_WORDY_SCORE = 0.3
# Detected boxes much lower than the page's typical line are specks.
MIN_LINE_HEIGHT = 0.5
# Text detection runs on a copy at this resolution (dots per inch of the printed page);
# recognition reads full-resolution crops.
DET_DPI = 150
# Lines the first detection missed are looked for again at up to this resolution (more costs
# memory, not accuracy).
MISSED_DPI = 300
# Ink left outside the detected lines is looked at only where it holds a piece this many line
# heights tall or wide: a binarized page's specks smear into blobs that hold no text.
GLYPH_PIECE = 0.3
# Pixels darker than this are print; a page without any is blank.
INK_GREY = 160
# Page orientation is judged from text lines detected at this coarser resolution, and
# from the direction classifier's vote over this many of the longest lines.
ORIENT_DPI = 75
ORIENT_LINES = 20
# A line whose recognised characters stop this many line heights short of its ink has
# lost a final mark (a 、，or ：that the crop's edge cut close); the line's last
# TAIL_HEIGHTS heights are read again with a white margin.
LOST_TAIL = 0.3
TAIL_HEIGHTS = 2.5
TAIL_MARKS = "、，,：:；;。"
# A gap this many character widths between two recognised characters may hold a mark the
# recogniser skipped (a 、 after a figure).
INNER_GAP = 0.8
ONE_GAP = 1.6  # character widths: a gap a skipped 一 leaves is narrower; two cells' texts stand farther apart
# A mark judged by its shape (glyphs.py) is read this surely; one its shape leaves open,
# chosen by how Chinese text is punctuated, this surely (below LOW_CONFIDENCE in checks.py,
# so its cell is flagged).
SHAPE_CONFIDENCE = 0.8
USAGE_CONFIDENCE = 0.6
BINARIZED_BLUR = 0.5  # points: the spread of the smoothing of a black-and-white scan's line crops
SHAPE_JUDGED = {*glyphs.BARRED, *glyphs.QUOTES, "·"}
# What the recogniser reads the stroke of a 一 as where a black-and-white scan broke it up.
ONE_READINGS = frozenset("-－—_~·.。'\"‘’“”")
# A gap between two read characters inked in this share of its columns holds a character.
SKIPPED_INK = 0.6
# Look-alike marks read less surely than this are judged by their shape.
COLONS = "：；:;"
# A label ("年度指标值") runs at most LABEL_LENGTH characters from the mark before it.
LABEL_LENGTH = 5
COMMAS = "，、,"
SURE_MARK = 0.9
# A Han character read in a box this much narrower than the line's typical one, set apart
# at the line's start or end, is a sliver of a neighbouring cell's character that the
# detection box took in across the rule between them.
SLIVER_WIDTH = 0.7
# At low resolution the left stroke of 区, 国 or 门 stands apart and reads as an opening
# square bracket, which budget tables do not print without its closing one; the rest of 区
# then reads as one of REST_OF_QU's marks.
OPEN_BRACKETS = "[【［"
CLOSE_BRACKETS = "]】］"
REST_OF_QU = frozenset("×xX<《≤αK")
LEFT_STROKED = "区国门"
# A character the recogniser reads less surely than this is chosen again, from its likeliest
# readings down to LEAST_LIKELY, with the word prior (lexicon.py) counted at LEXICON_WEIGHT.
SURE_READING = 0.97
ALTERNATIVES = 20
LEAST_LIKELY = 0.001
LEXICON_WEIGHT = 1.0
# How much a character whose sure copies on the page look most like an unsure glyph
# (pageglyphs.py) gains, per unit of correlation it leads the next character by.
GLYPH_WEIGHT = 30.0


class OcrEngine(Protocol):
    name: str

    def read(self, grey: np.ndarray, scale: float) -> list[Char]:
        """Characters of a grey page image, boxes in page points (`scale` points per pixel)."""
        ...


def get_engine(name: str) -> OcrEngine:
    """The named engine, loaded once per process."""
    if name == "rapidocr":
        return _rapidocr()
    if name == "tesseract":
        return _tesseract()
    raise ValueError(f"unknown OCR engine {name!r}")


def other_engine(name: str) -> OcrEngine | None:
    """The engine that gives a second opinion on what `name` read, or None where it is not
    installed (the second opinion is then left out)."""
    try:
        return get_engine("tesseract" if name == "rapidocr" else "rapidocr")
    except MissingDependencyError:
        return None


@cache
def _rapidocr() -> RapidOcrEngine:
    return RapidOcrEngine()


@cache
def _tesseract() -> TesseractEngine:
    return TesseractEngine()


def upright_turns(grey: np.ndarray, dpi: float) -> int:
    """Quarter turns (counter-clockwise, as numpy.rot90 counts them) that set a page upright.

    Judged with RapidOCR's line detector and text direction classifier whichever engine
    reads the page: Tesseract's orientation detection was slower and misread pages
    turned by 270 degrees.
    """
    return _rapidocr().upright_turns(grey, dpi)


def fix_marks(text: str) -> str:
    """Undo the engines' usual misreadings of punctuation; keeps the text's length (what is to
    be dropped becomes rule debris)."""
    text = STOP_AS_LETTER.sub("。", PERCENT_AS_DEGREE.sub("%", text))
    text = SPECK_AFTER_MARK.sub("丨", text.translate(MISREAD_MARKS))
    text = PERCENT_AS_P.sub(r"\1%", PERCENT_AS_LETTER.sub("%", text))
    text = WORK_AS_LETTER.sub(lambda found: "工".ljust(len(found.group()), "丨"), text)
    text = YU_AS_LETTER.sub("于", text)
    return THOUSANDS_AS_POINT.sub(",", STOP_AS_DOT.sub("。", text))


# A run of recognised text on one line: (text, x0, x1, confidence), x in pixels.
Piece = tuple[str, float, float, float]


def line_chars(pieces: list[Piece], y0: float, y1: float, scale: float) -> list[Char]:
    """The characters of one text line, each piece's width shared evenly by its characters.

    Engines put spaces inside numbers ("9 5 %") and between Han characters; a space is
    kept only between two Latin letters, where it separates words.
    """
    glyphs: list[list] = []  # [char, x0, x1, confidence]
    for text, x0, x1, conf in pieces:
        step = (x1 - x0) / max(1, len(text))
        glyphs += [[ch, x0 + i * step, x0 + (i + 1) * step, conf] for i, ch in enumerate(text)]
    for glyph, ch in zip(glyphs, fix_marks("".join(g[0] for g in glyphs)), strict=True):
        glyph[0] = ch.translate(RULE_DEBRIS)
    glyphs = [g for g in glyphs if g[0]]
    glyph_h = (y1 - y0) * GLYPH_SHARE
    cy = (y0 + y1) / 2
    out = []
    for i, (ch, x0, x1, conf) in enumerate(glyphs):
        if ch.isspace():
            before = out[-1].text if out else ""
            after = next((g[0] for g in glyphs[i + 1:] if not g[0].isspace()), "")
            if not (_latin_letter(before) and _latin_letter(after)) or before == " ":
                continue
            ch = " "
        bbox = (x0 * scale, (cy - glyph_h / 2) * scale, x1 * scale, (cy + glyph_h / 2) * scale)
        out.append(Char(ch, bbox, glyph_h * scale, float(conf)))
    return out


def _latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


class RapidOcrEngine:
    """PP-OCRv4 detection and recognition (ONNX models shipped in the rapidocr wheel)."""

    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        # One thread: a batch runs one process per core, which scales better than threads.
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise MissingDependencyError(f"RapidOCR is not installed ({exc})") from exc
        self.engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads)
        # We scale the page ourselves; the detector is only to round sides up to its stride.
        self.engine.text_det.limit_type = "min"
        self.engine.text_det.limit_side_len = 32
        # One line per call: batches are padded to their widest line, which costs more than it saves.
        self.engine.text_rec.rec_batch_num = 1
        lexicon.pair_scores()  # a missing word list should stop the batch before the first page
        self.engine.text_rec.postprocess_op = LexiconDecode(self.engine.text_rec.postprocess_op)

    def read(self, grey: np.ndarray, scale: float) -> list[Char]:
        if not (grey < INK_GREY).any():
            return []  # a blank page
        bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
        boxes = self._detect(bgr, min(1.0, DET_DPI * scale / 72))
        if len(boxes) == 0:
            return []
        boxes = np.concatenate([boxes, self._detect_missed(bgr, boxes, min(1.0, MISSED_DPI * scale / 72))])
        heights = boxes[:, :, 1].max(axis=1) - boxes[:, :, 1].min(axis=1)
        boxes = self.engine.sorted_boxes(boxes[heights >= MIN_LINE_HEIGHT * np.median(heights)])
        crops = self.engine.get_crop_img_list(bgr, boxes)
        # The recogniser learnt grey print: it reads the stepped edges of a black-and-white
        # scan better once they are smoothed. The glyph checks below look at the crops as scanned.
        black_and_white = binarized(grey)
        if black_and_white:
            seen = [cv2.GaussianBlur(crop, (0, 0), BINARIZED_BLUR / scale) for crop in crops]
        else:
            seen = crops
        results = self._recognise(seen, black_and_white)
        lines = [self._line_chars(text, float(score), word_info, box, crop, scale, black_and_white)
                 for box, crop, (text, score, word_info) in zip(boxes, crops, results, strict=True)]
        return _without_overlaps(lines)

    def _recognise(self, crops: list[np.ndarray], black_and_white: bool) -> list[tuple[str, float, list]]:
        """The reading of each line crop, with word boxes, as text_rec gives it; the page's
        lines are all run through the recogniser before any is decoded, so that each is
        decoded knowing what the page's other lines read surely: their words, and on a
        black-and-white scan their glyphs. (Grey print the recogniser reads well; there the
        coarse pictures of pageglyphs confuse look-alikes such as 宪 and 完 more than they settle.)"""
        rec, decode = self.engine.text_rec, self.engine.text_rec.postprocess_op
        least_ratio = rec.rec_image_shape[2] / rec.rec_image_shape[1]
        ratios = [crop.shape[1] / crop.shape[0] for crop in crops]
        inputs = [rec.resize_norm_img(crop, max(ratio, least_ratio))
                  for crop, ratio in zip(crops, ratios, strict=True)]
        preds = [rec.session(image[None].astype(np.float32))[0] for image in inputs]
        page = lexicon.page_scores([run for line in preds for run in decode.sure_runs(line[0])])
        closest: list[dict[int, tuple[int, float]]] = [{} for _ in crops]
        if black_and_white:
            closest = pageglyphs.closest_glyphs(
                [pageglyphs.line_of(crop, line[0], image.shape[1:], decode.decoder.character, SURE_READING)
                 for crop, line, image in zip(crops, preds, inputs, strict=True)])
        return [decode(line, True, page, look_alikes, wh_ratio_list=[ratio],
                       max_wh_ratio=max(ratio, least_ratio))[0]
                for line, ratio, look_alikes in zip(preds, ratios, closest, strict=True)]

    def upright_turns(self, grey: np.ndarray, dpi: float) -> int:
        """Text lines standing on end mean a page turned by a quarter; once the lines lie
        flat, the direction classifier's majority says whether they are upside down."""
        bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
        factor = min(1.0, ORIENT_DPI / dpi)
        boxes = self._detect(bgr, factor)
        turns = 0
        if _standing(boxes):
            turns = 1
            bgr = np.ascontiguousarray(np.rot90(bgr, 1))
            boxes = self._detect(bgr, factor)
        if len(boxes) == 0:
            return turns
        widths = boxes[:, :, 0].max(axis=1) - boxes[:, :, 0].min(axis=1)
        longest = boxes[np.argsort(-widths)[:ORIENT_LINES]]
        _, votes, _ = self.engine.text_cls(self.engine.get_crop_img_list(bgr, longest))
        upside_down = sum(label == "180" for label, _score in votes)
        return (turns + 2) % 4 if upside_down > len(votes) / 2 else turns

    def _detect(self, bgr: np.ndarray, factor: float, offset: tuple[int, int] = (0, 0)) -> np.ndarray:
        """Text line boxes (n, 4, 2) in the pixels of `bgr`, detected on a copy scaled by `factor`."""
        small = bgr if factor >= 1 else cv2.resize(bgr, None, fx=factor, fy=factor,
                                                   interpolation=cv2.INTER_AREA)
        boxes, _ = self.engine.text_det(small)
        if boxes is None or len(boxes) == 0:
            return np.zeros((0, 4, 2), np.float32)
        return np.asarray(boxes, np.float32) / factor + np.asarray(offset, np.float32)

    def _detect_missed(self, bgr: np.ndarray, boxes: np.ndarray, factor: float) -> np.ndarray:
        """Lines the scaled-down detection missed (it drops some in dense paragraphs): ink
        outside every box is detected again, at full resolution up to MISSED_DPI."""
        grey = bgr[:, :, 0]
        _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        ink[grey >= INK_GREY] = 0  # Otsu splits the paper's own noise where there is little print
        line_h = float(np.median(boxes[:, :, 1].max(axis=1) - boxes[:, :, 1].min(axis=1)))
        # A box's rim may leave bits of its glyphs outside; those are not missed lines.
        covered = np.zeros_like(ink)
        cv2.fillPoly(covered, [b.astype(np.int32) for b in boxes], 255)
        covered = cv2.dilate(covered, np.ones((max(1, int(line_h * 0.4)),) * 2, np.uint8))
        ink[covered > 0] = 0
        # Smear leftover glyphs into line-sized blobs; specks stay small and are skipped.
        blobs = cv2.dilate(ink, np.ones((max(1, int(line_h * 0.3)), max(1, int(line_h))), np.uint8))
        count, _, stats, _ = cv2.connectedComponentsWithStats(blobs)
        found = [np.zeros((0, 4, 2), np.float32)]
        for x, y, w, h, _area in stats[1:]:
            if h < 0.6 * line_h or w < 1.2 * line_h:  # a lone glyph smears to 1.5 line heights
                continue
            if not _holds_glyph(ink[y:y + h, x:x + w], line_h):
                continue  # specks of the paper, smeared together
            pad = int(line_h / 2)
            x0, y0 = max(0, x - pad), max(0, y - pad)
            for box in self._detect(bgr[y0:y + h + pad, x0:x + w + pad], factor, (x0, y0)):
                bx0, by0 = box.min(axis=0).astype(int)
                bx1, by1 = box.max(axis=0).astype(int)
                if (covered[by0:by1, bx0:bx1] > 0).mean() < 0.3:
                    found.append(box[None])
                    covered[by0:by1, bx0:bx1] = 255  # neighbouring blobs' crops may hold it too
        return np.concatenate(found)

    def _line_chars(self, text: str, score: float, word_info, box: np.ndarray, crop: np.ndarray,
                    scale: float, black_and_white: bool) -> list[Char]:
        x0, y0 = float(box[:, 0].min()), float(box[:, 1].min())
        x1, y1 = float(box[:, 0].max()), float(box[:, 1].max())
        if not text.strip() or score < _least_score(text, (x1 - x0) / max(y1 - y0, 1.0)):
            return []
        recognised = [(text, score, word_info)]
        _, _, boxes, contents, confidences = self.engine.cal_rec_boxes([crop], [box], recognised)[0]
        if len(boxes) != len(contents) or "".join(contents) != text:
            # no per-character positions: share the line evenly
            return line_chars([(text, x0, x1, score)], y0, y1, scale)
        if len(confidences) != len(contents):
            confidences = [score] * len(contents)
        pieces = [(content, min(p[0] for p in b), max(p[0] for p in b), conf)
                  for b, content, conf in zip(boxes, contents, confidences, strict=True)]
        pieces = _with_ones(crop[:, :, 0], _with_left_strokes(_without_slivers(pieces)), x0)
        pieces = _judged_by_shape(crop[:, :, 0], pieces, x0, black_and_white)
        pieces = self._with_skipped_characters(crop, pieces, x0)
        return line_chars(pieces + self._lost_mark(crop, text, pieces[-1][2] - x0, x0), y0, y1, scale)

    def _with_skipped_characters(self, crop: np.ndarray, pieces: list[Piece], x0: float) -> list[Piece]:
        """The line's pieces with the Han characters the recogniser skipped put back: a gap
        of most of a character's width or more between two read characters, inked across
        most of it, is read again with its neighbours, which must read as before."""
        width = _han_width(pieces, 3)
        if width is None:
            return pieces
        inked = (crop[:, :, 0] < INK_GREY).any(axis=0)
        out = pieces[:1]
        for before, after in itertools.pairwise(pieces):
            gap_x0, gap_x1 = int(before[2] - x0), int(after[1] - x0)
            count = max(1, round((gap_x1 - gap_x0) / width))
            if gap_x1 - gap_x0 >= INNER_GAP * width and inked[gap_x0:gap_x1].mean() >= SKIPPED_INK:
                read, score = self._read_padded(crop[:, max(0, int(before[1] - x0)):int(after[2] - x0) + 1])
                skipped = f"{re.escape(before[0])}([\u3400-\u9fff]{{{count}}}){re.escape(after[0])}"
                found = re.search(skipped, read)
                if found:
                    step = (after[1] - before[2]) / count
                    out += [(ch, before[2] + i * step, before[2] + (i + 1) * step, score)
                            for i, ch in enumerate(found.group(1))]
            out.append(after)
        return out

    def _lost_mark(self, crop: np.ndarray, text: str, read_x1: float, x0: float) -> list[Piece]:
        """The mark at the end of a line the recogniser left out, as a piece, if any."""
        h = crop.shape[0]
        ink = np.flatnonzero((crop[:, :, 0] < INK_GREY).any(axis=0))
        if not ink.size:
            return []
        if text[-1].isalnum() or text[-1] == "%":
            stop = glyphs.final_stop(crop[:, :, 0])
            if stop is not None:
                return [("。", x0 + stop[0], x0 + stop[1], SHAPE_CONFIDENCE)]
        if ink[-1] - read_x1 < LOST_TAIL * h:
            return []
        read, score = self._read_padded(crop[:, max(0, crop.shape[1] - int(TAIL_HEIGHTS * h)):])
        if len(read) < 2 or read[-1] not in TAIL_MARKS or read[-2] != text[-1]:
            return []
        return [(read[-1], x0 + read_x1, x0 + float(ink[-1]) + 1, score)]

    def _read_padded(self, image: np.ndarray) -> tuple[str, float]:
        """The recogniser's reading of part of a line, given a white margin: at a crop's
        edge it leaves marks out."""
        h = image.shape[0]
        image = cv2.copyMakeBorder(image, 0, 0, h // 3, h * 2 // 3, cv2.BORDER_CONSTANT, value=(255,) * 3)
        [(read, score)], _ = self.engine.text_rec([image], False)
        return read, float(score)


class LexiconDecode:
    """RapidOCR's CTC decoding, with the unsure characters of each line chosen again among
    their likely readings by the word prior and by the pairs read surely elsewhere on the page."""

    def __init__(self, decoder) -> None:
        self.decoder = decoder  # rapidocr's CTCLabelDecode

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, page: dict[str, float] | None = None,
                 look_alikes: dict[int, tuple[int, float]] | None = None, **kwargs) -> list:
        """The lines' readings as CTCLabelDecode gives them; `page` is the lexicon.page_scores
        of the page the lines are on, `look_alikes` what pageglyphs.closest_glyphs found for a line."""
        index = np.stack([self.reread(line, page, look_alikes) for line in preds])
        prob = np.take_along_axis(preds, index[:, :, None], axis=2)[:, :, 0]
        text = self.decoder.decode(index, prob, return_word_box, is_remove_duplicate=True)
        if return_word_box:  # as CTCLabelDecode does: positions in the line's share of the batch width
            for rec, ratio in zip(text, kwargs["wh_ratio_list"], strict=True):
                rec[2][0] = rec[2][0] * (ratio / kwargs["max_wh_ratio"])
        return text

    def sure_runs(self, preds: np.ndarray) -> list[str]:
        """The characters of one line (preds: steps x classes) read surely, in runs split
        wherever a character is unsure."""
        runs = [""]
        index = preds.argmax(axis=1)
        for start, end in pageglyphs.character_steps(index):
            if preds[start:end, index[start]].max() >= SURE_READING:
                runs[-1] += self.decoder.character[index[start]]
            elif runs[-1]:
                runs.append("")
        return runs

    def reread(self, preds: np.ndarray, page: dict[str, float] | None = None,
               look_alikes: dict[int, tuple[int, float]] | None = None) -> np.ndarray:
        """The best class per time step of one line (preds: steps x classes), with each run of
        steps that reads an unsure character set to the reading the word prior and the page's
        look-alike glyphs (`look_alikes`, by the run's first step) favour."""
        index = preds.argmax(axis=1)
        runs = pageglyphs.character_steps(index)
        choices = []
        for start, end in runs:
            read = index[start]
            probs = preds[start + int(preds[start:end, read].argmax())]
            likely = [read]
            if probs[read] < SURE_READING:
                likely += [i for i in np.argsort(-probs)[:ALTERNATIVES]
                           if i not in (0, read) and probs[i] >= LEAST_LIKELY]
            closest, lead = (look_alikes or {}).get(start, (None, 0.0))
            if closest is not None and closest not in likely:
                likely.append(closest)
            gain = {closest: GLYPH_WEIGHT * lead}
            choices.append([(self.decoder.character[i],
                             float(np.log(max(probs[i], LEAST_LIKELY))) + gain.get(i, 0.0), int(i))
                            for i in likely])
        if all(len(c) == 1 for c in choices):
            return index

        def may_follow(i: int, before: str, ch: str) -> bool:
            # Two runs with no blank between them read as one character when they agree.
            return ch != before or runs[i - 1][1] < runs[i][0]

        picked = lexicon.best_reading([[(ch, logp) for ch, logp, _ in c] for c in choices],
                                      LEXICON_WEIGHT, may_follow, page)
        for (start, end), c, j in zip(runs, choices, picked, strict=True):
            index[start:end] = c[j][2]
        return index


def _least_score(text: str, aspect: float) -> float:
    """The least score at which a line reading `text` in a box `aspect` times as wide as high
    is kept."""
    if len(text.strip()) == 1:
        return MIN_GLYPH_SCORE
    han = sum(map(is_han, text))
    return MIN_WORDY_SCORE if han >= WORDY_LINE and aspect >= WORDY_SPREAD * han else MIN_LINE_SCORE


def _han_width(pieces: list[Piece], least: int = 1) -> float | None:
    """The median width of the line's Han characters; None with fewer than `least` of them."""
    widths = [end - start for text, start, end, _ in pieces if is_han(text)]
    return float(np.median(widths)) if len(widths) >= least else None


def _without_slivers(pieces: list[Piece]) -> list[Piece]:
    """The line's pieces less a Han character at either end in a box too narrow for one,
    a gap apart from the rest of the line."""
    width = _han_width(pieces, 3)
    if width is None:
        return pieces

    def sliver(text: str, start: float, end: float, gap: float) -> bool:
        return is_han(text) and end - start < SLIVER_WIDTH * width and gap >= INNER_GAP * width

    first, second, last, before_last = pieces[0], pieces[1], pieces[-1], pieces[-2]
    if sliver(*first[:3], second[1] - first[2]):
        pieces = pieces[1:]
    if sliver(*last[:3], last[1] - before_last[2]):
        pieces = pieces[:-1]
    return pieces


def _with_left_strokes(pieces: list[Piece]) -> list[Piece]:
    """The line's pieces with each opening bracket that no closing one follows put back into
    the character it is the left stroke of: the Han character read next to it, or 区 where
    what follows is one of REST_OF_QU, as it is where a "1" after a Han character is that stroke.
    Where nothing of the rest was read, it is the one of LEFT_STROKED that makes a word with the
    Han character before it, if one does ("社[）" is 社区)."""
    words = lexicon.pair_scores()
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        text, start, end, confidence = pieces[i]
        after = pieces[i + 1] if i + 1 < len(pieces) else None
        unclosed = text in OPEN_BRACKETS and not any(p[0] in CLOSE_BRACKETS for p in pieces[i + 1:])
        stroke = unclosed or (text == "1" and bool(out) and is_han(out[-1][0]))
        if after is not None and unclosed and is_han(after[0]):
            out.append((after[0], start, after[2], after[3]))
            i += 2
        elif after is not None and stroke and after[0] in REST_OF_QU:
            out.append(("区", start, after[2], min(confidence, after[3])))
            i += 2
        elif unclosed and out and any(out[-1][0] + ch in words for ch in LEFT_STROKED):
            whole = max(LEFT_STROKED, key=lambda ch: words.get(out[-1][0] + ch, 0.0))
            out.append((whole, start, end, min(confidence, USAGE_CONFIDENCE)))
            i += 1
        else:
            out.append(pieces[i])
            i += 1
    return out


def _with_ones(grey: np.ndarray, pieces: list[Piece], x0: float) -> list[Piece]:
    """The line's pieces with each run of dashes and dots beside a Han character (and beside
    no figure or letter) read as 一 where its ink is the one flat stroke of a 一 (一般, 统一),
    and dropped after a 一 whose stroke it is the rest of ("一-法律")."""
    judged: list[Piece] = []
    line = None
    position = 0
    for is_mark, group in itertools.groupby(pieces, lambda piece: piece[0] in ONE_READINGS):
        run = list(group)
        before = pieces[position - 1][0] if position else ""
        position += len(run)
        after = pieces[position][0] if position < len(pieces) else ""
        if is_mark and (is_han(before) or is_han(after)) and not re.search("[0-9A-Za-z]", before + after):
            line = line or glyphs.LineInk.of(grey)
            start, end = run[0][1], run[-1][2]
            if before == "一" and glyphs.is_one(line, judged[-1][1] - x0, end - x0):
                # the rest of a 一 whose stroke broke in two
                judged[-1] = ("一", judged[-1][1], end, judged[-1][3])
                continue
            if glyphs.is_one(line, start - x0, end - x0):
                run = [("一", start, end, SHAPE_CONFIDENCE)]
        judged += run
    return judged


def _judged_by_shape(grey: np.ndarray, pieces: list[Piece], x0: float,
                     black_and_white: bool = False) -> list[Piece]:
    """The line's pieces judged again by their shape in the crop: comparison signs, quotes,
    middle dots and unsure colons and commas; a 、 or 。 the recogniser skipped between two
    pieces, or a 一 between two Han characters, put back; an unsure piece with no ink under
    it (a guess at the gap between two cells' texts) dropped; a dot ("." or "·") between Han
    characters, on a scan mostly what is left of a Chinese mark, read as the mark its shape
    says, by default the commonest, ，; one before the number of a list's next item
    ("记录.2、") as the 。 that ends the item before; a 。 inside a sentence that hangs down
    like a ， (a worn comma loses its tail's taper) as ，, and so on a `black_and_white` scan
    a 、 that stands like a worn ，.
    On a `black_and_white` scan, whose thresholding wipes out faint dots, a blank a character
    wide before the number of a list's next item is that 。."""
    width = _han_width(pieces)
    gap = INNER_GAP * width if width is not None else np.inf

    def between_han(i: int) -> bool:
        return 0 < i < len(pieces) - 1 and is_han(pieces[i - 1][0]) and is_han(pieces[i + 1][0])

    def ends_text(i: int) -> bool:
        return is_han(pieces[i][0]) or pieces[i][0] == "%"

    def inside_sentence(i: int) -> bool:
        return 0 < i < len(pieces) - 1 and ends_text(i - 1) and is_han(pieces[i + 1][0])

    def item_number(i: int) -> bool:
        """Is piece i the number of a list's item ("2、")?"""
        return i < len(pieces) - 1 and pieces[i][0].isdigit() and pieces[i + 1][0] in "、."

    def before_item(i: int) -> bool:
        """Is piece i between a Han character (or %) and the number of a list's next item?"""
        return 0 < i and ends_text(i - 1) and item_number(i + 1)

    def doubtful(i: int) -> bool:
        text, start, _, confidence = pieces[i]
        return (text in SHAPE_JUDGED or confidence < MIN_LINE_SCORE
                or (text in COLONS + COMMAS and confidence < SURE_MARK)
                or (text in ".·" and (between_han(i) or before_item(i)))
                or (text == "。" and inside_sentence(i))
                or (text == "、" and black_and_white and inside_sentence(i))
                or (i > 0 and start - pieces[i - 1][2] >= gap))

    if not any(doubtful(i) for i in range(len(pieces))):
        return pieces
    line = glyphs.LineInk.of(grey)
    judged = []
    for i, (text, start, end, confidence) in enumerate(pieces):
        if i and start - pieces[i - 1][2] >= gap:
            skipped = glyphs.skipped_mark(line, pieces[i - 1][2] - x0, start - x0)
            if skipped:
                mark, mark_x0, mark_x1 = skipped
                judged.append((mark, x0 + mark_x0, x0 + mark_x1, SHAPE_CONFIDENCE))
            elif (is_han(pieces[i - 1][0]) and is_han(text) and "一" not in (pieces[i - 1][0], text)
                  and start - pieces[i - 1][2] <= ONE_GAP * width
                  and glyphs.is_one(line, pieces[i - 1][2] - x0, start - x0, glyphs.ONE_INKED)):
                judged.append(("一", pieces[i - 1][2], start, SHAPE_CONFIDENCE))
            elif black_and_white and ends_text(i - 1) and item_number(i):
                judged.append(("。", pieces[i - 1][2], start, USAGE_CONFIDENCE))
        if text in ".·" and before_item(i):
            # A sentence ends before the next item's number; its 。 often leaves a faint dot.
            judged.append(("。", start, end, min(confidence, USAGE_CONFIDENCE)))
            continue
        if confidence < MIN_LINE_SCORE and not line.blobs_near(start - x0, end - x0):
            continue
        shape = None
        if text == "、" and black_and_white and inside_sentence(i):
            shape = "，" if glyphs.is_worn_comma(line, start - x0, end - x0) else None
        elif text in COLONS and confidence < SURE_MARK:
            shape = glyphs.colon_form(line, start - x0, end - x0)
            if shape != "：" and _after_label(pieces, i):
                judged.append(("：", start, end, min(confidence, USAGE_CONFIDENCE)))
                continue
        elif text in COMMAS and confidence < SURE_MARK:
            shape = glyphs.comma_form(line, start - x0, end - x0)
            if (shape or text) == "、" and _before_label(pieces, i):
                judged.append(("，", start, end, min(confidence, USAGE_CONFIDENCE)))
                continue
        elif text in glyphs.BARRED:
            shape = glyphs.comparison_sign(line, text, start - x0, end - x0)
            shape = None if shape == text else shape  # a plain sign may still have lost its bar
        elif text in glyphs.QUOTES:
            shape = glyphs.quote_form(line, start - x0, end - x0)
        elif text in ".·" and between_han(i):
            shape = ("。" if glyphs.is_full_stop(line, start - x0, end - x0)
                     else glyphs.comma_form(line, start - x0, end - x0))
            if not shape:
                judged.append(("，", start, end, min(confidence, USAGE_CONFIDENCE)))
                continue
        elif text == "·" and glyphs.is_full_stop(line, start - x0, end - x0):
            shape = "。"
        elif text == "。" and inside_sentence(i) and glyphs.comma_form(line, start - x0, end - x0) == "，":
            shape = "，"
        if shape and unicodedata.normalize("NFKC", shape) == unicodedata.normalize("NFKC", text):
            shape = text  # confirmed; a half-width reading keeps its width
        # A shape says which mark a piece is, not that it is one: what the recogniser barely
        # saw may be the remnant of a rule (its dashes stand like a ， or stack like a ；).
        sure = max(confidence, SHAPE_CONFIDENCE) if confidence >= MIN_LINE_SCORE else confidence
        judged.append((shape, start, end, sure) if shape else
                      (text, start, end, confidence))
    return judged


def _after_label(pieces: list[Piece], i: int) -> bool:
    """Does piece i follow a label, at most LABEL_LENGTH characters after the mark or item
    number before it in the line ("，年度指标值", "2、产出指标")? A ： follows a label; a ；
    ends a clause, most often a longer one."""
    k = _next_mark(pieces, i, -1)
    return k is not None and k < i - 1


def _before_label(pieces: list[Piece], i: int) -> bool:
    """Does a label and its ： follow piece i, after a Han character ("满足率、年度指标值：")?
    A 、 parts the items of a list, not a label from the clause before it."""
    k = _next_mark(pieces, i, 1)
    return i > 0 and is_han(pieces[i - 1][0]) and k is not None and k > i + 1 and pieces[k][0] in COLONS


def _next_mark(pieces: list[Piece], i: int, step: int) -> int | None:
    """The index of the first mark (SEGMENT_MARKS) from piece i on in the direction of
    `step`, within a label's length; None if there is none."""
    for k in range(i + step, i + step * (LABEL_LENGTH + 2), step):
        if not 0 <= k < len(pieces):
            return None
        if pieces[k][0] in SEGMENT_MARKS:
            return k
    return None


def _without_overlaps(lines: list[list[Char]]) -> list[Char]:
    """The characters of all lines, where detection boxes overlap read once: by the line
    with more characters. Crops of neighbouring blobs may detect a line twice."""
    kept = list(lines)
    taken: list[tuple[float, float, float, float]] = []
    for i in sorted(range(len(lines)), key=lambda i: -len(lines[i])):
        kept[i] = [c for c in lines[i]
                   if not any(x0 < c.cx < x1 and y0 < c.cy < y1 for x0, y0, x1, y1 in taken)]
        if kept[i]:
            taken.append((min(c.bbox[0] for c in kept[i]), kept[i][0].bbox[1],
                          max(c.bbox[2] for c in kept[i]), kept[i][0].bbox[3]))
    return [c for line in kept for c in line]


def _holds_glyph(ink: np.ndarray, line_h: float) -> bool:
    """Does the ink mask hold a piece the size of a glyph or a good part of one?"""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    sides = stats[1:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]]
    return bool((sides.max(axis=1, initial=0) >= GLYPH_PIECE * line_h).any())


def _standing(boxes: np.ndarray) -> bool:
    """Are most long text line boxes taller than wide?"""
    w = boxes[:, :, 0].max(axis=1) - boxes[:, :, 0].min(axis=1)
    h = boxes[:, :, 1].max(axis=1) - boxes[:, :, 1].min(axis=1)
    lines = np.maximum(w, h) > 2.5 * np.minimum(w, h)  # a box of a few glyphs says nothing
    return int((lines & (h > w)).sum()) > int((lines & (w > h)).sum())


class TesseractEngine:
    """Tesseract LSTM with the chi_sim and eng models from the system packages."""

    name = "tesseract"
    languages = "chi_sim+eng"

    def __init__(self) -> None:
        import pytesseract

        try:
            installed = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise MissingDependencyError(
                "Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)") from exc
        missing = set(self.languages.split("+")) - installed
        if missing:
            raise MissingDependencyError(
                f"Tesseract lacks language data {', '.join(sorted(missing))} "
                "(apt-get install tesseract-ocr-chi-sim)")
        self.pytesseract = pytesseract

    def read(self, grey: np.ndarray, scale: float) -> list[Char]:
        data = self.pytesseract.image_to_data(
            grey, lang=self.languages, config="--psm 3", output_type=self.pytesseract.Output.DICT)
        lines: dict[tuple[int, int, int], list[int]] = {}
        for i, (text, conf) in enumerate(zip(data["text"], data["conf"], strict=True)):
            if text.strip() and float(conf) >= 0:
                key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
                lines.setdefault(key, []).append(i)
        chars: list[Char] = []
        for words in lines.values():
            pieces: list[Piece] = []
            for i in words:
                left, width = data["left"][i], data["width"][i]
                if pieces:  # the space between words; line_chars decides whether it stays
                    pieces.append((" ", pieces[-1][2], left, pieces[-1][3]))
                pieces.append((data["text"][i], left, left + width, float(data["conf"][i]) / 100.0))
            top = min(data["top"][i] for i in words)
            bottom = max(data["top"][i] + data["height"][i] for i in words)
            # Tesseract boxes hug the glyphs; pad them as a detector's boxes are.
            pad = (bottom - top) * (1 / GLYPH_SHARE - 1) / 2
            chars += line_chars(pieces, top - pad, bottom + pad, scale)
        return chars
