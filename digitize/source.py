"""Open an input file and read each page: its text layer and vector ruling, or,
where it has no text layer, its image for OCR."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pymupdf

from . import raster
from .errors import BadInputError
from .model import Char, Page, Segment

# Drawn rectangles thinner than this (points) are ruling lines, not boxes.
THIN = 2.0
# Strokes lighter than this grey level are not visible rules (white-out, guides).
MAX_RULE_GREY = 0.85


def read_pages(path: Path, password: str | None = None, dpi: float = 300,
               force_ocr: bool = False) -> Iterator[Page]:
    """The pages of a PDF or image file, one at a time; raise BadInputError when the
    file is unusable. Pages without a text layer (or all, with `force_ocr`) carry
    their image rendered at `dpi`."""
    if path.suffix.lower() in raster.IMAGE_SUFFIXES:
        yield read_image(path)
        return
    pdf = open_pdf(path, password)
    with pdf:
        for index in range(pdf.page_count):
            yield read_page(pdf, index, dpi, force_ocr)


def page_image(path: Path, page: Page, dpi: float, password: str | None = None) -> raster.PageImage:
    """A page of a PDF or image file as an image in the frame its cell boxes are in: a page
    read by OCR is set straight (skew and quarter turns) as it was for OCR."""
    if path.suffix.lower() in raster.IMAGE_SUFFIXES:
        image = raster.load_image(path)
    else:
        with open_pdf(path, password) as pdf:
            image = raster.render_pdf_page(pdf[page.number - 1], dpi)
    if page.source.startswith("ocr"):
        grey = raster.rotate(image.grey, page.skew) if page.skew else image.grey
        image = raster.PageImage(np.ascontiguousarray(np.rot90(grey, page.turns)), image.dpi)
    return image


def read_image(path: Path) -> Page:
    try:
        image = raster.load_image(path)
    except ValueError as exc:
        raise BadInputError(str(exc), path) from exc
    height, width = image.grey.shape
    return Page(number=1, width=width * image.scale, height=height * image.scale, chars=[], segments=[],
                image=image)


def open_pdf(path: Path, password: str | None = None) -> pymupdf.Document:
    try:
        pdf = pymupdf.open(path, filetype="pdf")  # by name: a PNG called .pdf is no PDF
    except Exception as exc:  # PyMuPDF raises several types for damaged files
        raise BadInputError(f"cannot open as PDF ({exc})", path) from exc
    problem = None
    if pdf.needs_pass and not password:
        problem = "PDF is encrypted; give its password with --password"
    elif pdf.needs_pass and not pdf.authenticate(password):
        problem = "wrong password for encrypted PDF"
    elif pdf.page_count == 0:
        problem = "PDF has no pages"
    if problem:
        pdf.close()
        raise BadInputError(problem, path)
    return pdf


def read_page(pdf: pymupdf.Document, index: int, dpi: float, force_ocr: bool) -> Page:
    result = Page(number=index + 1, width=0.0, height=0.0, chars=[], segments=[])
    try:
        page = pdf[index]
        result.width, result.height = page.rect.width, page.rect.height
        if not force_ocr:
            result.chars = read_chars(page)
            result.segments = read_segments(page)
        if not result.chars:
            result.segments = []
            result.image = raster.render_pdf_page(page, dpi)
            # MuPDF keeps decoded page images for reuse, up to 256 MB; a page is rendered once.
            pymupdf.TOOLS.store_shrink(100)
    except Exception as exc:  # a damaged content stream spoils only its own page
        result.error = f"cannot read page ({exc})"
    return result


def read_chars(page: pymupdf.Page) -> list[Char]:
    chars = []
    raw = page.get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
    for block in raw["blocks"]:
        for line in block.get("lines", []):
            if line["dir"][0] < 0.9:  # rotated text (watermarks, stamps) is not table content
                continue
            for span in line["spans"]:
                for ch in span["chars"]:
                    x0, y0, x1, y1 = ch["bbox"]
                    # Glyph boxes follow font ascent/descent; centre them on the baseline band.
                    oy = ch["origin"][1]
                    size = span["size"]
                    chars.append(Char(ch["c"], (x0, oy - 0.8 * size, x1, oy + 0.2 * size), size))
    return chars


def read_segments(page: pymupdf.Page) -> list[Segment]:
    """Horizontal and vertical ruling from the page's vector drawings."""
    segments = []
    for drawing in page.get_drawings():
        stroke = drawing.get("color")
        fill = drawing.get("fill")
        stroked = drawing["type"] in ("s", "fs") and _dark(stroke)
        filled = drawing["type"] in ("f", "fs") and _dark(fill)
        for item in drawing["items"]:
            kind = item[0]
            if kind == "l" and stroked:
                segments += _axis_aligned(item[1], item[2])
            elif kind in ("re", "qu"):
                r = item[1].rect if kind == "qu" else item[1]
                if (stroked or filled) and min(r.width, r.height) <= THIN:
                    # A thin box is a drawn line (common in Office exports).
                    if r.width >= r.height:
                        segments.append(Segment(r.x0, (r.y0 + r.y1) / 2, r.x1, (r.y0 + r.y1) / 2))
                    else:
                        segments.append(Segment((r.x0 + r.x1) / 2, r.y0, (r.x0 + r.x1) / 2, r.y1))
                elif stroked:
                    corners = [r.tl, r.tr, r.br, r.bl, r.tl]
                    for a, b in zip(corners, corners[1:], strict=False):
                        segments += _axis_aligned(a, b)
    return segments


def _dark(color: tuple | None) -> bool:
    if not color:
        return False
    if len(color) == 4:  # CMYK
        c, m, y, k = color
        grey = (3 - c - m - y) / 3 * (1 - k)
    else:
        grey = sum(color) / len(color)
    return grey <= MAX_RULE_GREY


def _axis_aligned(a: pymupdf.Point, b: pymupdf.Point) -> list[Segment]:
    if abs(a.y - b.y) <= 1.0 and abs(a.x - b.x) > 1.0:
        y = (a.y + b.y) / 2
        return [Segment(min(a.x, b.x), y, max(a.x, b.x), y)]
    if abs(a.x - b.x) <= 1.0 and abs(a.y - b.y) > 1.0:
        x = (a.x + b.x) / 2
        return [Segment(x, min(a.y, b.y), x, max(a.y, b.y))]
    return []
