"""Build corrections/confusables.tsv, a table of visually confusable Chinese characters (形近字).

    python corrections/confusables.py [SOURCE_DIR]

OCR misreads a character as one of similar shape (贝/员, 冉/再, 可/司). The table lists such pairs so
that a misread term can be matched to its glossary form. It is made offline and reproducibly:

  * candidates are the 3755 GB2312 level-1 characters plus every Han character in the source texts
    (SOURCE_DIR, by default shared/seeds next to the checkout);
  * each glyph is drawn with the CJK font built into PyMuPDF ("china-s", Droid Sans Fallback), its ink
    box scaled to fill the cell and centred; the shape is described by four maps of stroke direction
    (gradient orientation), blurred and reduced to 12x12, and glyphs are compared by cosine similarity;
  * a pair is kept when its cosine exceeds the mean of both characters' nearest-neighbour cosines by
    THRESHOLD. Dense glyphs look alike to any pixel measure; this local scaling (CSLS) discounts them,
    so that 己/已, 贝/见, 冉/再 and 日/曰 are kept while unrelated dense pairs are not;
  * a few confusions seen in OCR output of these tables are added by hand (source "observed").

Output lines are `a<TAB>b<TAB>similarity<TAB>source` with a < b by code point, sorted; similarity is
the glyph cosine. The same font and sources give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import cv2
import numpy as np
import pymupdf

from digitize.output import write_atomic

HERE = Path(__file__).resolve().parent
OUT_PATH = HERE / "confusables.tsv"
DEFAULT_SOURCES = HERE.parent.parent / "shared" / "seeds"

FONT = "china-s"
CELL = 48  # pixels per glyph cell (72 dpi, so 1 pt = 1 px)
FONT_SIZE = 40
BOX = 40  # the ink box is scaled to this size ...
MAX_STRETCH = 1.5  # ... but by no more than this per axis (一 stays a line)
ORIENTATIONS = 4
GRID = 12
PRE_BLUR = 0.8
BLUR = 1.5
NEIGHBOURS = 10  # nearest neighbours whose mean cosine sets a character's local level
THRESHOLD = 0.045  # cosine above the local level for a pair to be kept

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Confusions seen in OCR output of these tables: "刑满释放人贝冉犯非率" for 刑满释放人员再犯罪率,
# "可法任工" for 司法社工.
OBSERVED = [("贝", "员"), ("冉", "再"), ("非", "罪"), ("可", "司"), ("任", "社")]

Pair = tuple[str, str, float, str]


def gb2312_level1() -> list[str]:
    """The GB2312 level-1 characters (rows 0xB0..0xD7), in code order."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def source_chars(source_dir: Path) -> set[str]:
    chars: set[str] = set()
    for path in sorted(source_dir.glob("*.txt")):
        chars.update(HAN.findall(path.read_text(encoding="utf-8")))
    return chars


def render(chars: list[str], font: pymupdf.Font) -> np.ndarray:
    """Ink images (0..255, float32), one CELL x CELL cell per character."""
    cols = 64
    rows = -(-len(chars) // cols)
    doc = pymupdf.open()
    page = doc.new_page(width=cols * CELL, height=rows * CELL)
    writer = pymupdf.TextWriter(page.rect)
    margin = (CELL - FONT_SIZE) / 2
    for i, ch in enumerate(chars):
        row, col = divmod(i, cols)
        writer.append(
            (col * CELL + margin, row * CELL + margin + 0.88 * FONT_SIZE), ch, font=font, fontsize=FONT_SIZE
        )
    writer.write_text(page)
    pix = page.get_pixmap(colorspace=pymupdf.csGRAY, alpha=False)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
    ink = 255.0 - grey[: rows * CELL, : cols * CELL].astype(np.float32)
    cells = ink.reshape(rows, CELL, cols, CELL).transpose(0, 2, 1, 3).reshape(-1, CELL, CELL)
    border = np.concatenate(
        [cells[:, [0, -1], :].reshape(len(cells), -1), cells[:, :, [0, -1]].reshape(len(cells), -1)], 1
    )
    if border.max() > 32:
        raise RuntimeError("a glyph runs out of its cell; change FONT_SIZE or CELL")
    return cells[: len(chars)]


def normalise(cell: np.ndarray) -> np.ndarray:
    """Scale the ink box to BOX pixels (stretch at most MAX_STRETCH) and centre it in the cell."""
    ys, xs = np.nonzero(cell > 32)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    sx = min(BOX / (x1 - x0), MAX_STRETCH)
    sy = min(BOX / (y1 - y0), MAX_STRETCH)
    c = CELL / 2
    m = np.float32([[sx, 0, c - sx * (x0 + x1) / 2], [0, sy, c - sy * (y0 + y1) / 2]])
    return cv2.warpAffine(cell, m, (CELL, CELL), flags=cv2.INTER_LINEAR)


def features(cell: np.ndarray) -> np.ndarray:
    """Stroke-direction maps: gradient magnitude split softly into ORIENTATIONS bins, each GRID x GRID."""
    img = cv2.GaussianBlur(normalise(cell), (0, 0), PRE_BLUR)
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1)
    mag = np.hypot(gx, gy)
    angle = np.mod(np.arctan2(gy, gx), np.pi)
    step = np.pi / ORIENTATIONS
    maps = []
    for k in range(ORIENTATIONS):
        dist = np.abs(np.mod(angle - k * step + np.pi / 2, np.pi) - np.pi / 2)
        channel = cv2.GaussianBlur(mag * np.maximum(0.0, 1.0 - dist / step), (0, 0), BLUR)
        maps.append(cv2.resize(channel, (GRID, GRID), interpolation=cv2.INTER_AREA).ravel())
    vec = np.concatenate(maps).astype(np.float64)
    return vec / np.linalg.norm(vec)


def candidates(source_dir: Path) -> tuple[list[str], int]:
    """Candidate characters in code order, and how many of them come only from the sources."""
    level1 = set(gb2312_level1())
    extra = source_chars(source_dir) | {ch for pair in OBSERVED for ch in pair}
    return sorted(level1 | extra), len(extra - level1)


def build(source_dir: Path = DEFAULT_SOURCES) -> list[Pair]:
    """Confusable pairs (a, b, similarity, source), a < b, sorted."""
    font = pymupdf.Font(FONT)
    chars, _ = candidates(source_dir)
    chars = [ch for ch in chars if font.has_glyph(ord(ch))]
    cells = render(chars, font)
    inked = [i for i, cell in enumerate(cells) if cell.max() > 32]
    chars = [chars[i] for i in inked]
    vecs = np.stack([features(cells[i]) for i in inked])

    sim = vecs @ vecs.T
    np.fill_diagonal(sim, -1.0)
    level = np.sort(sim, axis=1)[:, -NEIGHBOURS:].mean(axis=1)
    local = sim - (level[:, None] + level[None, :]) / 2
    index = {ch: i for i, ch in enumerate(chars)}

    pairs: dict[tuple[str, str], Pair] = {}
    for i, j in zip(*np.nonzero(np.triu(local >= THRESHOLD, 1)), strict=True):
        a, b = chars[i], chars[j]
        pairs[a, b] = (a, b, round(float(sim[i, j]), 3), "glyph")
    for x, y in OBSERVED:
        a, b = sorted((x, y))
        score = round(float(sim[index[a], index[b]]), 3) if a in index and b in index else 0.0
        pairs[a, b] = (a, b, score, "observed")
    return sorted(pairs.values())


def header(source_dir: Path, pairs: list[Pair]) -> str:
    font = pymupdf.Font(FONT)
    digest = hashlib.sha256(font.buffer).hexdigest()[:16]
    chars, extra = candidates(source_dir)
    texts = len(list(source_dir.glob("*.txt")))
    observed = sum(1 for p in pairs if p[3] == "observed")
    lines = [
        "Visually confusable Chinese characters (形近字); made by corrections/confusables.py, "
        "rebuild with: python corrections/confusables.py",
        f'glyphs: PyMuPDF built-in font "{FONT}" = {font.name} (font sha256 {digest}...), '
        f"PyMuPDF {pymupdf.__version__}, MuPDF {pymupdf.VersionFitz}",
        f"candidates: {len(chars)} characters = GB2312 level 1 (3755) + {extra} more Han characters "
        f"from {texts} source texts (shared/seeds) and the observed list",
        f"shape: {FONT_SIZE}pt glyph, ink box scaled to {BOX}px (stretch <= {MAX_STRETCH}) and centred in a "
        f"{CELL}px cell; {ORIENTATIONS} gradient-orientation maps, blurred (sigma {BLUR}), "
        f"{GRID}x{GRID} each, L2-normalised",
        f"kept (glyph): cos(a,b) - (m(a) + m(b)) / 2 >= {THRESHOLD}, where m(x) is the mean cosine of x's "
        f"{NEIGHBOURS} nearest neighbours",
        "observed: confusions seen in OCR output of these tables, kept whatever their score",
        "columns: a, b (a < b by code point), similarity (cosine of the glyph features), source",
        f"pairs: {len(pairs)} ({len(pairs) - observed} glyph, {observed} observed)",
    ]
    return "".join(f"# {line}\n" for line in lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source_dir = Path(argv[0]) if argv else DEFAULT_SOURCES
    if not any(source_dir.glob("*.txt")):
        print(f"{source_dir}: no source texts (*.txt); using GB2312 level 1 only", file=sys.stderr)
    pairs = build(source_dir)
    body = "".join(f"{a}\t{b}\t{s:.3f}\t{src}\n" for a, b, s, src in pairs)
    write_atomic(OUT_PATH, (header(source_dir, pairs) + body).encode("utf-8"))
    print(f"confusables: {len(pairs)} pairs written to {OUT_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
