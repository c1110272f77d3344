"""Page images for OCR: render or load them, then clean them up.

Clean-up happens before line detection and OCR: coloured seals and stamps are
dropped, the background is evened out, and skew is measured and undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pymupdf

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
# Image files with no resolution of their own are taken to be at this dpi.
ASSUMED_IMAGE_DPI = 300
# Pages with text smaller than this (pixels of x-height band) are upscaled for OCR.
MIN_TEXT_PX = 24
# Upscaling stops at this resolution. The glyphs of a binarized page break into small blobs
# that would ask for more, and the pixels cost memory and OCR time, not accuracy.
MAX_UPSCALED_DPI = 450
# Saturation from which a pixel counts as coloured ink (seals, stamps), fully from the second.
SEAL_SATURATION = (30, 80)
# Reds and blues (OpenCV hues, 0-180: below the first or above the second), and the saturation
# and brightest channel from which such a pixel is a stamp's ghost rather than print.
STAMP_HUES = (15, 90)
STAMP_GHOST = (20, 165)
# A seal left black by a black-and-white scan: a ring of 30-75 pt radius (official seals are
# 38-45 mm across), darker than the paper just inside and outside it along most of its round.
SEAL_RADIUS = (30, 75)
SEAL_RIDGE = 0.7  # share of the round where the ring stands out
RIDGE_SIDE = 5  # points inside and outside the ring compared with it
RIDGE_CONTRAST = 40  # grey levels
RING_SEARCH = 3  # points: how far off the circle transform's centre and radius may be
MID_GREY = (100, 200)  # grey levels neither black nor paper
MAX_SKEW_DEG = 6.0
# Renders larger than this many pixels are refused (an A0 page at 300 dpi is ~140 Mpx).
MAX_PIXELS = 60_000_000


@dataclass
class PageImage:
    """A grey page image and how its pixels map to page points."""

    grey: np.ndarray  # uint8, white paper
    dpi: float
    skew: float = 0.0  # degrees undone by deskew
    turns: int = 0  # quarter turns (counter-clockwise) that set the page upright

    @property
    def scale(self) -> float:
        """Page points per pixel."""
        return 72.0 / self.dpi


def render_pdf_page(page: pymupdf.Page, dpi: float) -> PageImage:
    """Render a PDF page in colour; a render above MAX_PIXELS gets a lower dpi."""
    area_in = page.rect.width * page.rect.height / 72.0 / 72.0
    dpi = int(min(dpi, (MAX_PIXELS / area_in) ** 0.5))  # PyMuPDF takes whole dots per inch
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, 3)
    return PageImage(grey=drop_colour(rgb), dpi=dpi)


def load_image(path: Path) -> PageImage:
    """Load an image file; raise ValueError when it cannot be decoded."""
    data = np.fromfile(str(path), dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError("cannot decode image")
    if bgr.shape[0] * bgr.shape[1] > MAX_PIXELS:
        raise ValueError(f"image too large ({bgr.shape[1]}x{bgr.shape[0]} pixels)")
    dpi = image_dpi(path) or ASSUMED_IMAGE_DPI
    return PageImage(grey=drop_colour(bgr[:, :, ::-1]), dpi=dpi)


def image_dpi(path: Path) -> float | None:
    try:
        pix = pymupdf.Pixmap(str(path))
    except Exception:  # formats PyMuPDF cannot parse still load through OpenCV
        return None
    return float(pix.xres) if pix.xres and pix.xres > 1 else None


def drop_colour(rgb: np.ndarray) -> np.ndarray:
    """Grey image in which saturated (coloured) ink becomes paper.

    Seals are red, signatures often blue; the print under them is black and stays.
    For a coloured pixel the brightest channel is what the paper looks like through the ink.
    """
    rgb = np.ascontiguousarray(rgb)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    low, high = SEAL_SATURATION
    if not (hsv[:, :, 1] > low).any():
        return grey
    # Only tinted pixels can change; scans have few, so only those are worked on.
    tinted = np.nonzero(hsv[:, :, 1] >= min(low, STAMP_GHOST[0]))
    saturation = hsv[:, :, 1][tinted].astype(np.float32)
    brightest = rgb[tinted].max(axis=1)
    tinted_grey = grey[tinted].astype(np.float32)
    # Blend by saturation, so the pale, half-coloured rim of a stamp goes too.
    weight = np.clip((saturation - low) / (high - low), 0, 1)
    tinted_grey += weight * (brightest - tinted_grey)
    # A stamp's ink also darkens the paper's own colour, so its dull strokes would stay as a
    # grey ghost OCR reads; a reddish or bluish pixel lighter than print is paper. (Yellowed
    # paper, and the grey print on it, have other hues.)
    hue = hsv[:, :, 0][tinted]
    stamp_hue = (hue < STAMP_HUES[0]) | (hue > STAMP_HUES[1])
    dull = (saturation >= STAMP_GHOST[0]) & (saturation < high)  # print over a vivid stamp is vivid
    tinted_grey[stamp_hue & dull & (brightest >= STAMP_GHOST[1])] = 255
    grey[tinted] = tinted_grey.astype(np.uint8)
    return grey


def clean(image: PageImage) -> PageImage:
    """Even out the background, undo skew, and upscale small text."""
    grey = flatten_background(image.grey)
    skew = estimate_skew(grey)
    if abs(skew) >= 0.05:
        grey = rotate(grey, skew)
    dpi = image.dpi
    height = text_height(grey)
    factor = min(3.0, MIN_TEXT_PX / height, MAX_UPSCALED_DPI / dpi) if height else 1.0
    if factor > 1.0:
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        dpi *= factor
    return PageImage(grey=grey, dpi=dpi, skew=skew)


def turn(image: PageImage, turns: int) -> PageImage:
    """The page turned by quarter turns counter-clockwise (exact: no resampling)."""
    if turns % 4 == 0:
        return image
    grey = np.ascontiguousarray(np.rot90(image.grey, turns))
    return PageImage(grey=grey, dpi=image.dpi, skew=image.skew, turns=turns % 4)


def flatten_background(grey: np.ndarray) -> np.ndarray:
    """Divide by a smooth estimate of the paper so shading and uneven light become white."""
    small = cv2.resize(grey, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    # Closing removes the print; what is left is the paper.
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = cv2.resize(paper, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, np.maximum(paper, 1), scale=255)


def ink(grey: np.ndarray) -> np.ndarray:
    """Binary mask of dark pixels (255 = ink)."""
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def estimate_skew(grey: np.ndarray) -> float:
    """Skew angle in degrees by the sharpest horizontal projection of the ink.

    Text lines and rules both give sharp row profiles when level, so this works
    for ruled and unruled pages alike.
    """
    scale = 1000.0 / max(grey.shape)
    small = ink(cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    h, w = small.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.05), key=sharpness)
    return round(float(best), 2)


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def binarized(grey: np.ndarray) -> bool:
    """Is the page black and white? Most of the print of a grey scan is mid grey."""
    ink = grey[grey < MID_GREY[1]]
    return ink.size > 0 and float((ink > MID_GREY[0]).mean()) < 0.5


def text_height(grey: np.ndarray) -> float | None:
    """Median height in pixels of character-sized ink blobs."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink(grey), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    glyphs = heights[(heights >= 4) & (heights <= 200) & (widths <= 3 * heights) & (widths >= 2)]
    if len(glyphs) < 20:
        return None
    return float(np.median(glyphs))


def seal_rings(grey: np.ndarray, dpi: float) -> list[tuple[float, float, float]]:
    """Rings of seals a black-and-white scan kept, as (x, y, radius) in page points. Their arcs
    look like short rules wherever they run nearly straight."""
    small = cv2.resize(grey, None, fx=72 / dpi, fy=72 / dpi, interpolation=cv2.INTER_AREA)
    found = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.5), cv2.HOUGH_GRADIENT, dp=1,
                             minDist=2 * SEAL_RADIUS[0], param1=100, param2=30,
                             minRadius=SEAL_RADIUS[0], maxRadius=SEAL_RADIUS[1])
    if found is None:
        return []
    darkness = 255 - cv2.GaussianBlur(small, (3, 3), 0).astype(np.int16)
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)

    def round_at(circles: np.ndarray, dr: float) -> np.ndarray:
        """Darkness along each circle (rows of x, y, r) widened by dr, one row per circle."""
        x, y, r = (circles[:, [i]] for i in range(3))
        xs = np.clip(np.round(x + (r + dr) * np.cos(angles)).astype(int), 0, small.shape[1] - 1)
        ys = np.clip(np.round(y + (r + dr) * np.sin(angles)).astype(int), 0, small.shape[0] - 1)
        return darkness[ys, xs]

    def ridge(circles: np.ndarray) -> np.ndarray:
        """Share of each circle's round where it runs darker than both its sides."""
        ring = np.max([round_at(circles, d) for d in (-1, 0, 1)], axis=0)
        inside, outside = round_at(circles, -RIDGE_SIDE), round_at(circles, RIDGE_SIDE)
        return ((ring > inside + RIDGE_CONTRAST) & (ring > outside + RIDGE_CONTRAST)).mean(axis=1)

    # The transform's centre and radius may be a few points off, enough to miss a thin ring;
    # the ridge says where it runs.
    steps = np.arange(-RING_SEARCH, RING_SEARCH + 1)
    shifts = np.stack(np.meshgrid(steps, steps, steps), axis=-1).reshape(-1, 3)
    rings = []
    for circle in found[0]:
        nearby = circle + shifts
        ridges = ridge(nearby)
        if ridges.max() >= SEAL_RIDGE:
            rings.append(tuple(float(v) for v in nearby[ridges.argmax()]))
    return rings
