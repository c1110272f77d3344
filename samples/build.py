"""Build the sample PDFs, their expected CSVs and the manifest from `samples/src/*.json`.

    python samples/build.py            write samples/<name>.pdf, samples/<name>.scan-<kind>.pdf,
                                       samples/expected/*.csv, samples/manifest.json
    python samples/build.py --out DIR  write the same files under DIR
    python samples/build.py --check    rebuild into a temporary folder, exit 1 if anything differs

The source format is described in samples/README.md.  Every text line is placed by this script, so the
expected CSV is known exactly: a cell's text is its source text with the forced line breaks removed.
The scanned variants (SCANS) are image-only PDFs made from the digital ones by rendering each page and
degrading the image; they share the digital sample's expected CSVs.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import io
import json
import math
import re
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pymupdf

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
THRESHOLDS = {"min_exact": 1.0, "max_cer": 0.0, "shape": True}
FIXED_DATE = "D:20240101000000+00'00'"
FONT = "cjk"  # resource name of the embedded (then subset) CJK font
ASCENT, DESCENT = 1.043, -0.266  # of PyMuPDF's "china-s" (Droid Sans Fallback), in font size units
CLOSERS = set("，。、；：？！）》」』”’,.;:?!)%")
TOKEN = re.compile(r"[0-9A-Za-z.,%/+\-]+|.", re.S)  # Latin/digit runs stay together when wrapping


@cache
def font() -> pymupdf.Font:
    return pymupdf.Font("china-s")


def text_width(text: str, size: float) -> float:
    return font().text_length(text, fontsize=size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break `text` into lines no wider than `width`; a "\\n" in the text forces a break."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur: list[str] = []  # the tokens of the line being filled
        for tok in TOKEN.findall(para):
            if text_width("".join(cur) + tok, size) <= width:
                cur.append(tok)
                continue
            if tok in CLOSERS and len(cur) > 1:
                tok = cur.pop() + tok  # no closing punctuation at the start of a line
            if cur:
                lines.append("".join(cur))
                cur = []
            for ch in tok if text_width(tok, size) > width else [tok]:
                if cur and text_width("".join(cur) + ch, size) > width:
                    lines.append("".join(cur))
                    cur = []
                cur.append(ch)
        lines.append("".join(cur))
    return [] if lines == [""] else lines


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    align: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Row:
    cells: list[Cell]
    break_before: bool = False
    split_after: int | None = None


def parse_grid(rows: list, ncols: int, aligns: list[str]) -> list[Row]:
    """Place the cells of `rows` (HTML-style: a row lists only the cells that start in it)."""
    taken: set[tuple[int, int]] = set()
    out: list[Row] = []
    for r, src in enumerate(rows):
        opts = src if isinstance(src, dict) else {"cells": src}
        row = Row([], opts.get("break_before", False), opts.get("split_after"))
        c = 0
        for item in opts["cells"]:
            spec = {"text": item} if isinstance(item, str) else item
            while (r, c) in taken:
                c += 1
            rs, cs = spec.get("rowspan", 1), spec.get("colspan", 1)
            if c + cs > ncols or r + rs > len(rows):
                raise ValueError(f"row {r}: cell {spec['text']!r} runs outside the table")
            if re.search(r"[^\S\n]", spec["text"]):
                raise ValueError(f"row {r}: cell {spec['text']!r} contains a space")
            slots = {(r + i, c + j) for i in range(rs) for j in range(cs)}
            if slots & taken:
                raise ValueError(f"row {r}: cell {spec['text']!r} overlaps another cell")
            taken |= slots
            row.cells.append(Cell(spec["text"], r, c, rs, cs, spec.get("align", aligns[c])))
            c += cs
        out.append(row)
    missing = {(r, c) for r in range(len(rows)) for c in range(ncols)} - taken
    if missing:
        raise ValueError(f"slots not covered by any cell: {sorted(missing)}")
    return out


def title_lines(t: dict) -> list[str]:
    title = t.get("title", [])
    return [title] if isinstance(title, str) else title


def grid_texts(rows: list[Row], ncols: int) -> list[list[str]]:
    out = [["" for _ in range(ncols)] for _ in rows]
    for row in rows:
        for cell in row.cells:
            out[cell.row][cell.col] = cell.text.replace("\n", "")
    return out


def groups(rows: list[Row]) -> list[list[int]]:
    """Runs of rows tied together by row spans; each run is kept on one page."""
    out: list[list[int]] = []
    end = 0
    for r, row in enumerate(rows):
        if r >= end:
            out.append([])
        out[-1].append(r)
        end = max([end, r + 1] + [c.row + c.rowspan for c in row.cells])
    return out


class Builder:
    """Lays out the tables of one sample page by page."""

    def __init__(self, spec: dict) -> None:
        page = spec.get("page", {})
        w, h = pymupdf.paper_size(page.get("size", "a4"))
        self.width, self.height = (h, w) if page.get("orientation") == "landscape" else (w, h)
        self.margin = page.get("margins", [36, 36, 36, 48])  # left, top, right, bottom
        self.size = spec.get("font_size", 9.0)
        self.lead = self.size * spec.get("line_spacing", 1.3)
        self.pad = spec.get("padding", 4.0)
        self.stroke = spec.get("line_width", 0.6)
        self.page_no = spec.get("first_page_number", 1)
        self.numbering = spec.get("page_numbers", True)
        self.doc = pymupdf.open()
        self.page: pymupdf.Page | None = None
        self.segments: list[tuple[float, float, float, float]] = []
        self.y = 0.0
        self.frame_top = 0.0
        self.top_of_body = -1.0  # where the body starts on a page freshly begun inside the table
        self.splits = 0

    @property
    def bottom(self) -> float:
        return self.height - self.margin[3]

    def new_page(self) -> None:
        self.end_page()
        self.page = self.doc.new_page(width=self.width, height=self.height)
        self.page.insert_font(fontname=FONT, fontbuffer=font().buffer)
        self.y = self.margin[1]

    def end_page(self) -> None:
        if self.page is None:
            return
        shape = self.page.new_shape()
        for seg in dict.fromkeys(self.segments):
            shape.draw_line(seg[:2], seg[2:])
        shape.finish(width=self.stroke, color=(0, 0, 0), closePath=False)
        shape.commit()
        self.segments = []
        if self.numbering:
            label = f"- {self.page_no} -"
            x = (self.width - text_width(label, self.size)) / 2
            self.text(label, x, self.height - self.margin[3] / 2)
        self.page_no += 1
        self.page = None

    def text(self, line: str, x: float, baseline: float, size: float | None = None) -> None:
        assert self.page is not None
        self.page.insert_text((x, baseline), line, fontname=FONT, fontsize=size or self.size)

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.segments.append((round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)))

    def baseline(self, top: float) -> float:
        """Baseline of a text line whose line box starts at `top`."""
        return top + (self.lead - (ASCENT - DESCENT) * self.size) / 2 + ASCENT * self.size

    def cell_line(self, cell: Cell, line: str, x0: float, x1: float, top: float) -> None:
        w = text_width(line, self.size)
        if cell.align == "center":
            x = (x0 + x1 - w) / 2
        elif cell.align == "right":
            x = x1 - self.pad - w
        else:
            x = x0 + self.pad
        self.text(line, x, self.baseline(top))

    def box(self, x0: float, y0: float, x1: float, y1: float, ruling: str) -> None:
        self.line(x0, y0, x1, y0)
        self.line(x0, y1, x1, y1)
        if ruling == "full":
            self.line(x0, y0, x0, y1)
            self.line(x1, y0, x1, y1)

    def heights(self, rows: list[Row]) -> list[float]:
        """Row heights in points: the tallest single-row cell, grown where a spanning cell needs more."""
        h = [self.lead + 2 * self.pad for _ in rows]
        spanned = []
        for row in rows:
            for cell in row.cells:
                need = len(cell.lines) * self.lead + 2 * self.pad
                if cell.rowspan == 1:
                    h[cell.row] = max(h[cell.row], need)
                else:
                    spanned.append((cell.rowspan, cell.row, need))
        for rs, r, need in sorted(spanned):
            have = sum(h[r : r + rs])
            h[r + rs - 1] += max(0.0, need - have)
        return h

    def draw_block(self, rows: list[Row], first: int, h: list[float], xs: list[float], t: dict) -> None:
        """Draw whole rows (all their cells, spans included) at the cursor; `first` is the first's index."""
        tops = [self.y]
        for v in h:
            tops.append(tops[-1] + v)
        for row in rows:
            for cell in row.cells:
                x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
                y0, y1 = tops[cell.row - first], tops[cell.row - first + cell.rowspan]
                self.box(x0, y0, x1, y1, t["ruling"])
                room = y1 - y0 - 2 * self.pad - len(cell.lines) * self.lead
                top = y0 + self.pad + (room / 2 if t["valign"] == "middle" else 0)
                for i, line in enumerate(cell.lines):
                    self.cell_line(cell, line, x0, x1, top + i * self.lead)
        self.y = tops[-1]

    def draw_part(self, row: Row, xs: list[float], t: dict, a: int, b: int) -> None:
        """Draw text lines a..b-1 of a row whose cells all span one row (a row part at a page break)."""
        n = max(len(c.lines) for c in row.cells)
        y1 = self.y + (b - a) * self.lead + 2 * self.pad
        for cell in row.cells:
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            self.box(x0, self.y, x1, y1, t["ruling"])
            offset = (n - len(cell.lines)) // 2 if t["valign"] == "middle" else 0  # whole lines
            for i, line in enumerate(cell.lines):
                if a <= i + offset < b:
                    self.cell_line(cell, line, x0, x1, self.y + self.pad + (i + offset - a) * self.lead)
        self.y = y1

    def heading(self, t: dict, xs: list[float]) -> None:
        for line in title_lines(t):
            size = t.get("title_size", 16.0)
            self.text(line, (self.width - text_width(line, size)) / 2, self.y + size * 1.1, size)
            self.y += size * 1.6
        for note in t.get("notes", []):
            base = self.baseline(self.y)
            if "left" in note:
                self.text(note["left"], xs[0], base)
            if "center" in note:
                self.text(note["center"], (self.width - text_width(note["center"], self.size)) / 2, base)
            if "right" in note:
                self.text(note["right"], xs[-1] - text_width(note["right"], self.size), base)
            self.y += self.lead + 2

    def frame_open(self) -> None:
        self.frame_top = self.y

    def frame_close(self, xs: list[float], t: dict) -> None:
        """The outer frame's sides on this page (a fully ruled table has them already)."""
        if t["ruling"] == "partial" and self.y > self.frame_top:
            self.line(xs[0], self.frame_top, xs[0], self.y)
            self.line(xs[-1], self.frame_top, xs[-1], self.y)

    def table(self, t: dict) -> list[list[str]]:
        t = {"ruling": "full", "valign": "middle", "repeat_header": False, **t}
        widths = t["widths"]
        ncols = len(widths)
        x = (self.width - sum(widths)) / 2
        if x < min(self.margin[0], self.margin[2]) - 0.01:
            raise ValueError("the columns are wider than the page")
        xs = [x]
        for w in widths:
            xs.append(xs[-1] + w)
        aligns = t.get("align", ["center"] * ncols)
        header = parse_grid(t.get("header", []), ncols, ["center"] * ncols)
        body = parse_grid(t["body"], ncols, aligns)
        for row in header + body:
            for cell in row.cells:
                inner = xs[cell.col + cell.colspan] - xs[cell.col] - 2 * self.pad
                cell.lines = wrap(cell.text, inner, self.size)
        hh, bh = self.heights(header), self.heights(body)

        def draw_header() -> None:
            if header:
                self.draw_block(header, 0, hh, xs, t)

        def page_break() -> None:
            self.frame_close(xs, t)
            self.new_page()
            self.frame_open()
            if t["repeat_header"]:
                draw_header()

        title_h = 1.6 * t.get("title_size", 16.0) * len(title_lines(t))
        need = title_h + len(t.get("notes", [])) * (self.lead + 2) + sum(hh) + self.lead + 2 * self.pad
        if self.page is None or self.y + t.get("space_before", 18.0) + need > self.bottom:
            self.new_page()
        elif self.y > self.margin[1]:
            self.y += t.get("space_before", 18.0)
        self.heading(t, xs)
        self.frame_open()
        draw_header()
        self.top_of_body = -1.0
        for grp in groups(body):
            rows = [body[r] for r in grp]
            h = sum(bh[r] for r in grp)
            if rows[0].break_before:
                page_break()
            plain = len(rows) == 1 and all(c.rowspan == 1 for c in rows[0].cells)
            if not plain:
                if self.y + h > self.bottom:
                    page_break()
                if self.y + h > self.bottom:
                    raise ValueError(f"rows {grp} do not fit on a page")
                self.draw_block(rows, grp[0], [bh[r] for r in grp], xs, t)
                continue
            row = rows[0]
            n = max(len(c.lines) for c in row.cells) or 1
            a, forced = 0, row.split_after
            while True:
                fit = math.floor((self.bottom - self.y - 2 * self.pad) / self.lead + 1e-6)
                if forced is not None:
                    fit, forced = min(fit, forced), None
                if a == 0 and fit >= n:
                    self.draw_block(rows, grp[0], [bh[grp[0]]], xs, t)
                    break
                if a > 0 and fit >= n - a:
                    self.draw_part(row, xs, t, a, n)
                    break
                if fit < 1 and self.y <= self.top_of_body:
                    raise ValueError(f"row {grp[0]} does not fit on a page")
                if fit >= 1:
                    self.draw_part(row, xs, t, a, a + fit)
                    a += fit
                    self.splits += 1
                page_break()
                self.top_of_body = self.y
        self.frame_close(xs, t)
        return grid_texts(header, ncols) + grid_texts(body, ncols)

    def finish(self, title: str) -> bytes:
        self.end_page()
        self.doc.subset_fonts()
        return save(self.doc, title)


def save(doc: pymupdf.Document, title: str) -> bytes:
    """The PDF's bytes, the same on every run: fixed metadata and no document id."""
    doc.set_metadata(
        {
            "title": title,
            "creator": "samples/build.py",
            "producer": f"PyMuPDF {pymupdf.VersionBind}",
            "creationDate": FIXED_DATE,
            "modDate": FIXED_DATE,
        }
    )
    return doc.tobytes(garbage=4, deflate=True, clean=True, no_new_id=True)


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def build_sample(spec: dict) -> tuple[bytes, list[list[list[str]]], int]:
    """The PDF bytes, the logical tables, and how many rows were cut by a page break."""
    b = Builder(spec)
    tables = [b.table(t) for t in spec["tables"]]
    return b.finish("".join(title_lines(spec["tables"][0]))), tables, b.splits


@dataclass(frozen=True)
class Scan:
    """A scanned variant of a digital sample: its pages rendered and degraded (0 or None: step skipped)."""

    sample: str  # the digital sample; the variant is named <sample>.scan-<kind>
    kind: str
    seed: int
    dpi: int
    seal: tuple[float, float] | None = None  # a red seal centred here (share of the ruling's extent)
    broken_rules: float = 0.0  # gaps per 100 pt of ruling line
    faint_rules: int = 0  # ruling lightened to this grey level
    skew: float = 0.0  # degrees, counter-clockwise
    gradient: float = 0.0  # the paper darkens by this share of white towards the bottom-right corner
    blur: float = 0.0  # gaussian sigma, pixels
    noise: float = 0.0  # gaussian sigma, grey levels
    threshold: int = 0  # binarize: darker than this is black
    salt_pepper: float = 0.0  # share of pixels turned black or white
    jpeg: int = 0  # JPEG quality; 0: lossless PNG
    # What regression demands of the OCR'd variant: the shape always; a floor on exact cells
    # and a ceiling on character errors a little outside what the current pipeline reaches.
    min_exact: float = 0.9
    max_cer: float = 0.01

    @property
    def thresholds(self) -> dict:
        return {"min_exact": self.min_exact, "max_cer": self.max_cer, "shape": True}

    @property
    def name(self) -> str:
        return f"{self.sample}.scan-{self.kind}"

    @property
    def features(self) -> list[str]:
        steps = {
            "seal": self.seal,
            "broken-rules": self.broken_rules,
            "faint-rules": self.faint_rules,
            "skew": self.skew,
            "uneven-background": self.gradient,
            "blur": self.blur,
            "noise": self.noise,
            "binarized": self.threshold,
            "salt-and-pepper": self.salt_pepper,
        }
        colour = "colour" if self.seal else "grey"
        encoding = "jpeg" if self.jpeg else "png"
        return ["scan", f"{self.dpi}dpi", colour] + [k for k, v in steps.items() if v] + [encoding]


SCANS = [
    Scan("s01_wrapped_full", "skew", 101, 200, skew=1.2, gradient=0.12, blur=0.8, noise=6, jpeg=60,
         min_exact=0.85, max_cer=0.01),
    Scan("s02_merged_header", "seal", 102, 250, seal=(0.3, 0.4), skew=-0.8, blur=0.6, noise=3, jpeg=60,
         min_exact=0.8, max_cer=0.02),
    Scan("s03_partial_rules", "binary", 103, 150, broken_rules=4, skew=2.0, threshold=150, salt_pepper=0.002,
         min_exact=0.4, max_cer=0.15),
    Scan("s04_pages_repeat_header", "pages", 104, 200, skew=-1.5, blur=0.6, noise=4, jpeg=45,
         min_exact=0.8, max_cer=0.01),
    Scan("s06_form_two_tables", "faint", 106, 300, faint_rules=180, blur=0.8, jpeg=70,
         min_exact=0.95, max_cer=0.005),
    # Every rule worn away: the table is the block of text set in columns.
    Scan("s01_wrapped_full", "worn", 107, 200, faint_rules=255, blur=0.6, noise=3, jpeg=70,
         min_exact=0.8, max_cer=0.01),
]
SEAL_DIAMETER = 113.0  # points (4 cm)
SEAL_RED = (50, 40, 205)  # BGR


def render(page: pymupdf.Page, dpi: int, colour: bool = False) -> np.ndarray:
    """The page as a grey (or BGR) image."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB if colour else pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)
    return np.ascontiguousarray(img[:, :, ::-1]) if colour else img[:, :, 0].copy()


Segment = tuple[float, float, float, float]  # x0, y0, x1, y1


def rules(page: pymupdf.Page) -> list[Segment]:
    """The page's ruling lines, in points."""
    items = [item for d in page.get_drawings() for item in d["items"]]
    return [(i[1].x, i[1].y, i[2].x, i[2].y) for i in items if i[0] == "l"]


def px(x: float, y: float, scale: float) -> tuple[int, int]:
    """A point's pixel position."""
    return round(x * scale), round(y * scale)


def break_rules(
    img: np.ndarray, segs: list[Segment], rate: float, scale: float, rng: np.random.Generator
) -> None:
    """Paint short white gaps at random places along the ruling lines, `rate` gaps per 100 pt on average."""
    for x0, y0, x1, y1 in segs:
        for t in rng.random(rng.poisson(math.hypot(x1 - x0, y1 - y0) * rate / 100)):
            x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            half = rng.uniform(1.0, 3.0)  # half the gap's length, points
            dx, dy = (half, 1.5) if abs(x1 - x0) > abs(y1 - y0) else (1.5, half)
            cv2.rectangle(img, px(x - dx, y - dy, scale), px(x + dx, y + dy, scale), 255, -1)


def faint_rules(img: np.ndarray, segs: list[Segment], level: int, scale: float) -> None:
    """Lighten the ruling lines to grey `level`."""
    mask = np.zeros(img.shape[:2], np.uint8)
    for x0, y0, x1, y1 in segs:
        cv2.line(mask, px(x0, y0, scale), px(x1, y1, scale), 255, round(1.6 * scale))
    img[mask > 0] = np.maximum(img[mask > 0], level)


def add_seal(img: np.ndarray, x: float, y: float, radius: float, rng: np.random.Generator) -> np.ndarray:
    """Stamp a red seal (a ring, a star, and strokes along the ring standing for its text) centred at
    pixel (x, y) on the BGR image."""

    def at(r: float, degrees: float) -> tuple[int, int]:  # r in radii, degrees clockwise from 3 o'clock
        a = math.radians(degrees)
        return round(x + r * radius * math.cos(a)), round(y + r * radius * math.sin(a))

    layer = np.full_like(img, 255)
    pen = round(radius / 18)
    cv2.circle(layer, at(0, 0), round(radius), SEAL_RED, round(radius / 12), cv2.LINE_AA)
    tilt = rng.uniform(-15, 15)
    star = [at(0.32 if k % 2 == 0 else 0.13, tilt - 90 + 36 * k) for k in range(10)]
    cv2.fillPoly(layer, [np.array(star, np.int32)], SEAL_RED, cv2.LINE_AA)
    for k in range(14):  # over the top, from lower left to lower right
        a = tilt + 150 + 17.2 * k
        r = round(radius * rng.uniform(0.66, 0.8))
        cv2.ellipse(layer, at(0, 0), (r, r), 0, a, a + rng.uniform(3, 8), SEAL_RED, pen, cv2.LINE_AA)
        cv2.line(layer, at(0.64, a + 4), at(0.82, a + 4), SEAL_RED, pen, cv2.LINE_AA)
    return (img.astype(np.float32) * layer / 255).astype(np.uint8)  # the ink darkens, the print stays dark


def skew(img: np.ndarray, angle: float) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def shade(img: np.ndarray, amount: float) -> np.ndarray:
    """Darken the paper gradually from the top-left to the bottom-right corner."""
    h, w = img.shape[:2]
    ramp = 1 - amount * (np.linspace(0, 0.5, h)[:, None] + np.linspace(0, 0.5, w)[None, :])
    return (img * (ramp if img.ndim == 2 else ramp[:, :, None])).astype(np.uint8)


def add_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    grain = rng.normal(0, sigma, img.shape[:2])
    return np.clip(img + (grain if img.ndim == 2 else grain[:, :, None]), 0, 255).astype(np.uint8)


def salt_pepper(img: np.ndarray, share: float, rng: np.random.Generator) -> None:
    draw = rng.random(img.shape[:2])
    img[draw < share / 2] = 0
    img[draw > 1 - share / 2] = 255


def scan_image(page: pymupdf.Page, scan: Scan, rng: np.random.Generator) -> bytes:
    """One page of `scan`: rendered, degraded step by step, encoded as JPEG or PNG."""
    scale = scan.dpi / 72
    img = render(page, scan.dpi, colour=scan.seal is not None)
    segs = rules(page)
    if scan.broken_rules:
        break_rules(img, segs, scan.broken_rules, scale, rng)
    if scan.faint_rules:
        faint_rules(img, segs, scan.faint_rules, scale)
    if scan.seal:
        xs, ys = np.array(segs)[:, [0, 2]], np.array(segs)[:, [1, 3]]
        x = xs.min() + scan.seal[0] * (xs.max() - xs.min())
        y = ys.min() + scan.seal[1] * (ys.max() - ys.min())
        img = add_seal(img, x * scale, y * scale, SEAL_DIAMETER / 2 * scale, rng)
    if scan.skew:
        img = skew(img, scan.skew)
    if scan.gradient:
        img = shade(img, scan.gradient)
    if scan.blur:
        img = cv2.GaussianBlur(img, (0, 0), scan.blur)
    if scan.noise:
        img = add_noise(img, scan.noise, rng)
    if scan.threshold:
        img = np.where(img < scan.threshold, 0, 255).astype(np.uint8)
    if scan.salt_pepper:
        salt_pepper(img, scan.salt_pepper, rng)
    if scan.jpeg:
        params = [cv2.IMWRITE_JPEG_QUALITY, scan.jpeg, cv2.IMWRITE_JPEG_OPTIMIZE, 1]
        ok, data = cv2.imencode(".jpg", img, params)
    else:
        ok, data = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert ok
    return data.tobytes()


def build_scan(pdf: bytes, scan: Scan, title: str) -> bytes:
    """An image-only PDF of `pdf`'s pages as `scan` says, each page the digital page's size."""
    rng = np.random.default_rng(scan.seed)
    doc = pymupdf.open()
    for page in pymupdf.open("pdf", pdf):
        out = doc.new_page(width=page.rect.width, height=page.rect.height)
        out.insert_image(out.rect, stream=scan_image(page, scan, rng), keep_proportion=False)
    return save(doc, title)


def build(out: Path, src: Path = SRC) -> list[dict]:
    """Write every sample of `src` into `out`; return the manifest."""
    (out / "expected").mkdir(parents=True, exist_ok=True)
    manifest = []
    for path in sorted(src.glob("*.json")):
        name = path.stem
        spec = json.loads(path.read_text(encoding="utf-8"))
        pdf, tables, splits = build_sample(spec)
        features = spec.get("features", [])
        if ("row-split" in features) != (splits > 0):
            raise ValueError(f"{name}: {splits} rows cut by a page break, features say {features}")
        (out / f"{name}.pdf").write_bytes(pdf)
        stems = [name] if len(tables) == 1 else [f"{name}.t{i:02d}" for i in range(1, len(tables) + 1)]
        for stem, rows in zip(stems, tables, strict=True):
            (out / "expected" / f"{stem}.csv").write_bytes(csv_bytes(rows))
        expected = [f"expected/{s}.csv" for s in stems]
        manifest.append(
            {
                "name": name,
                "input": f"{name}.pdf",
                "expected": expected,
                "features": features,
                "thresholds": THRESHOLDS,
            }
        )
        title = "".join(title_lines(spec["tables"][0]))
        for scan in (s for s in SCANS if s.sample == name):
            (out / f"{scan.name}.pdf").write_bytes(build_scan(pdf, scan, title))
            manifest.append(
                {
                    "name": scan.name,
                    "input": f"{scan.name}.pdf",
                    "expected": expected,
                    "features": scan.features,
                    "thresholds": scan.thresholds,
                }
            )
    unknown = {s.sample for s in SCANS} - {e["name"] for e in manifest}
    if unknown:
        raise ValueError(f"scans of samples that do not exist: {sorted(unknown)}")
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    made = {e["input"] for e in manifest} | {f for e in manifest for f in e["expected"]} | {"manifest.json"}
    for stale in outputs(out, {e["name"] for e in manifest}) - made:
        (out / stale).unlink()  # e.g. the .t02.csv of a sample that now has one table
    return manifest


def outputs(root: Path, names: set[str]) -> set[str]:
    """The files under `root` that belong to the samples `names` (other files are left alone)."""
    found = {p.name for p in root.glob("*.pdf")} | {f"expected/{p.name}" for p in root.glob("expected/*.csv")}
    return {f for f in found if Path(f).name.split(".")[0] in names} | {"manifest.json"}


def check(committed: Path = HERE, src: Path = SRC) -> list[str]:
    """Rebuild into a temporary folder; return the files that differ from those in `committed`."""
    names = {p.stem for p in src.glob("*.json")}
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        build(fresh, src)
        return sorted(
            f
            for f in outputs(fresh, names) | outputs(committed, names)
            if not (fresh / f).is_file()
            or not (committed / f).is_file()
            or not filecmp.cmp(fresh / f, committed / f, shallow=False)
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: samples/)")
    ap.add_argument("--check", action="store_true", help="verify the committed files are up to date")
    args = ap.parse_args(argv)
    if args.check:
        diff = check()
        for name in diff:
            print(f"differs: samples/{name}", file=sys.stderr)
        if diff:
            print(f"run `python samples/build.py` (this is PyMuPDF {pymupdf.VersionBind})", file=sys.stderr)
        return 1 if diff else 0
    manifest = build(args.out)
    print(f"built {len(manifest)} samples into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
