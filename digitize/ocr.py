"""OCR engines behind one small interface: a page image in, characters with boxes out.

The page is read once and each character keeps its own box, so the grid builder
assigns text to cells exactly as it does for a text layer (measured against OCR of
each cell crop: the same accuracy at a fraction of the engine calls).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

import numpy as np

from .errors import MissingDependencyError
from .model import Char

# Detection boxes are padded around the glyphs; this is the glyph share of a box's height.
GLYPH_SHARE = 0.8
# Marks OCR reads into table text that print never has there: the remains of a vertical
# rule (丨, |) are dropped, the "dot" stroke 丶 is the enumeration comma 、.
OCR_MARKS = str.maketrans({"丨": None, "|": None, "｜": None, "丶": "、"})
# Text detection runs on a copy scaled to this longest side; recognition reads full-resolution crops.
DET_SIDE = 2000


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


@cache
def _rapidocr() -> RapidOcrEngine:
    return RapidOcrEngine()


@cache
def _tesseract() -> TesseractEngine:
    return TesseractEngine()


def split_box(text: str, box: tuple[float, float, float, float], confidence: float,
              scale: float) -> list[Char]:
    """Characters of a run of text in a pixel box, sharing its width evenly."""
    if not text.strip():
        return []
    x0, y0, x1, y1 = (float(v) for v in box)
    glyph_h = (y1 - y0) * GLYPH_SHARE
    cy = (y0 + y1) / 2
    step = (x1 - x0) / len(text)
    out = []
    for i, ch in enumerate(text):
        ch = ch.translate(OCR_MARKS)
        if not ch.strip():
            continue
        bbox = ((x0 + i * step) * scale, (cy - glyph_h / 2) * scale,
                (x0 + (i + 1) * step) * scale, (cy + glyph_h / 2) * scale)
        out.append(Char(ch, bbox, glyph_h * scale, float(confidence)))
    return out


class RapidOcrEngine:
    """PP-OCRv4 detection and recognition (ONNX models shipped in the rapidocr wheel)."""

    name = "rapidocr"

    def __init__(self, threads: int = -1) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise MissingDependencyError(f"RapidOCR is not installed ({exc})") from exc
        self.engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads)
        self.engine.text_det.limit_type = "max"
        self.engine.text_det.limit_side_len = DET_SIDE
        # One line per call: batches are padded to their widest line, which costs more than it saves.
        self.engine.text_rec.rec_batch_num = 1

    def read(self, grey: np.ndarray, scale: float) -> list[Char]:
        import cv2

        bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
        boxes, _ = self.engine.text_det(bgr)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = self.engine.sorted_boxes(boxes)
        crops = self.engine.get_crop_img_list(bgr, boxes)
        results, _ = self.engine.text_rec(crops, True)
        chars: list[Char] = []
        for box, crop, (text, score, word_info) in zip(boxes, crops, results, strict=True):
            chars += self._line_chars(text, float(score), word_info, box, crop, scale)
        return chars

    def _line_chars(self, text: str, score: float, word_info, box: np.ndarray, crop: np.ndarray,
                    scale: float) -> list[Char]:
        x0, y0 = box[:, 0].min(), box[:, 1].min()
        x1, y1 = box[:, 0].max(), box[:, 1].max()
        if not text.strip():
            return []
        _, _, pieces, contents, confidences = self.engine.cal_rec_boxes([crop], [box], [(text, score, word_info)])[0]
        if len(pieces) != len(contents):  # no per-character positions: share the line evenly
            return split_box(text, (x0, y0, x1, y1), score, scale)
        if len(confidences) != len(contents):
            confidences = [score] * len(contents)
        chars = []
        for piece, content, conf in zip(pieces, contents, confidences, strict=True):
            px = [p[0] for p in piece]
            chars += split_box(content, (min(px), y0, max(px), y1), float(conf), scale)
        return chars


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
        chars: list[Char] = []
        for text, conf, left, top, width, height in zip(
                data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"],
                strict=True):
            if not text.strip() or float(conf) < 0:
                continue
            # Tesseract boxes hug the glyphs; undo the padding split_box expects.
            pad = height * (1 / GLYPH_SHARE - 1) / 2
            box = (left, top - pad, left + width, top + height + pad)
            chars += split_box(text, box, float(conf) / 100.0, scale)
        return chars
