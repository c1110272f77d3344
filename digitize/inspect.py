"""`digitize inspect`: a page drawn with what was found on it, to look at instead of numbers.

Each table's outline is blue, each cell's box is coloured by its confidence (green sure, orange
doubtful, red low), and flagged cells are crossed out in magenta.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from . import output, source
from .checks import LOW_CONFIDENCE, SECOND_OPINION_BELOW
from .errors import DigitizeError
from .pipeline import Options, extract

INSPECT_DPI = 110
SURE, DOUBTFUL, LOW = (40, 160, 40), (0, 150, 255), (30, 30, 220)  # BGR
TABLE, FLAG = (200, 90, 0), (200, 0, 200)


def inspect_page(path: Path, number: int, out_png: Path, options: Options | None = None) -> int:
    """Draw page `number` of `path` with its tables and cells into out_png; returns the number of
    cells drawn. Raises DigitizeError when the page cannot be read."""
    options = options or Options()
    doc = extract(path, options, only_page=number)
    if not doc.pages:
        raise DigitizeError(f"no page {number}", path)
    page = doc.pages[0]
    if page.error:
        raise DigitizeError(page.error, path, number)
    image = source.page_image(path, page, INSPECT_DPI, options.password)
    canvas = cv2.cvtColor(image.grey, cv2.COLOR_GRAY2BGR)
    px = image.dpi / 72.0

    def box(bbox: tuple[float, float, float, float]) -> tuple[tuple[int, int], tuple[int, int]]:
        return (round(bbox[0] * px), round(bbox[1] * px)), (round(bbox[2] * px), round(bbox[3] * px))

    drawn = 0
    for table in doc.tables:
        boxes = []
        for cell in table.cells:
            parts = [cell.bbox] if cell.page == number else []
            parts += [bbox for p, bbox in cell.continued if p == number]
            for bbox in parts:
                a, b = box(bbox)
                boxes.append((a, b))
                sure = cell.confidence >= SECOND_OPINION_BELOW
                colour = SURE if sure else DOUBTFUL if cell.confidence >= LOW_CONFIDENCE else LOW
                cv2.rectangle(canvas, (a[0] + 2, a[1] + 2), (b[0] - 2, b[1] - 2), colour, 2)
                if cell.flags:
                    cv2.line(canvas, a, b, FLAG, 2)
                    cv2.line(canvas, (a[0], b[1]), (b[0], a[1]), FLAG, 2)
        if boxes:  # the part of the table on this page
            top_left = (min(a[0] for a, _ in boxes), min(a[1] for a, _ in boxes))
            bottom_right = (max(b[0] for _, b in boxes), max(b[1] for _, b in boxes))
            cv2.rectangle(canvas, top_left, bottom_right, TABLE, 3)
            drawn += len(boxes)
    ok, png = cv2.imencode(".png", np.ascontiguousarray(canvas))
    if not ok:
        raise DigitizeError("cannot encode the picture", out_png)
    output.write_atomic(out_png, png.tobytes())
    return drawn
