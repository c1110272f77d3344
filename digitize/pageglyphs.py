"""The pictures of the Han characters a page's recogniser read surely, against which the
characters it read unsurely are compared.

A scan's print is the same type throughout, worn the same way. Where a worn glyph leaves the
recogniser unsure (标 read as 怀, 值 as 价), the copies of the same character read surely
elsewhere on the page look more like it than any other character's copies do. The closest
character, and by how much it is closer than the next, is handed to the decoder as one more
reading to weigh with the recogniser's own and the word prior (ocr.LexiconDecode).

Positions come from the recogniser's time steps (CTC): the step where a character's reading
peaks lies within its glyph, not always at its centre, so pictures are compared at a few
offsets around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from .lexicon import is_han

# A glyph is compared as a PICTURE_SIZE square picture of its ink, one character pitch wide and
# the line's height, moved by OFFSETS and LIFTS pixels of the picture: up to 0.3 of a character
# across, 0.1 of the line up or down.
PICTURE_SIZE = 32
OFFSETS = tuple(range(-10, 11, 2))
LIFTS = (-3, 0, 3)
# The pitch is measured from a line's own sure neighbours where it has this many pairs of them.
LEAST_PAIRS = 3
LEAST_SAMPLES = 50  # a page with fewer sure Han characters tells too little


@dataclass
class Reading:
    """One character of a line as the recogniser read it: the first of its run of time steps,
    the step where it peaks, its class, whether that is a Han character and whether it was
    read surely."""

    start: int
    peak: int
    label: int
    han: bool
    sure: bool


@dataclass
class Line:
    ink: np.ndarray  # 0 (paper) to 1 (print), the crop the recogniser read
    step_px: float  # crop pixels per time step
    readings: list[Reading]

    def centre(self, reading: Reading) -> float:
        return (reading.peak + 0.5) * self.step_px

    def pitch(self) -> float | None:
        """The distance between the centres of neighbouring Han characters read surely."""
        gaps = [self.centre(b) - self.centre(a) for a, b in pairwise(self.readings)
                if a.han and b.han and a.sure and b.sure]
        return float(np.median(gaps)) if len(gaps) >= LEAST_PAIRS else None


def character_steps(best: np.ndarray) -> list[tuple[int, int]]:
    """The runs of time steps (start, end) that read one character, from the best class per
    step; class 0 is the blank."""
    bounds = [0, *(np.flatnonzero(np.diff(best)) + 1).tolist(), len(best)]
    return [(start, end) for start, end in pairwise(bounds) if best[start]]


def line_of(crop: np.ndarray, preds: np.ndarray, input_size: tuple[int, int], characters: list[str],
            sure: float) -> Line:
    """A line crop (BGR) and the recogniser's class probabilities for it (steps x classes),
    its input `input_size` (height, width) pixels: the crop scaled to that height, padded to
    that width. Readings at least `sure` are the page's samples of their glyph."""
    best = preds.argmax(axis=1)
    readings = []
    for start, end in character_steps(best):
        label = int(best[start])
        peak = start + int(preds[start:end, label].argmax())
        readings.append(Reading(start, peak, label, han=is_han(characters[label]),
                                sure=bool(preds[peak, label] >= sure)))
    height, width = input_size
    step_px = width / len(best) * crop.shape[0] / height
    ink = 1 - crop[:, :, 0].astype(np.float32) / 255
    return Line(ink, step_px, readings)


def shrunk(ink: np.ndarray, width: float) -> np.ndarray:
    """The line's ink scaled so that a glyph `width` pixels wide makes a square picture of
    PICTURE_SIZE, with that much paper added at both ends."""
    scaled = cv2.resize(ink, (max(1, round(ink.shape[1] * PICTURE_SIZE / width)), PICTURE_SIZE),
                        interpolation=cv2.INTER_AREA)
    return np.pad(scaled, ((0, 0), (PICTURE_SIZE, PICTURE_SIZE)))


def picture(small: np.ndarray, centre: float) -> np.ndarray | None:
    """The glyph around `centre` (pixels of the shrunk line, before its added paper) as a unit
    vector with its mean taken off, so that comparing two is their correlation; None where
    there is no ink."""
    x0 = round(centre - PICTURE_SIZE / 2) + PICTURE_SIZE
    v = small[:, x0:x0 + PICTURE_SIZE].ravel().astype(np.float32)
    if v.size != PICTURE_SIZE * PICTURE_SIZE:
        return None
    v -= v.mean()
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 1e-6 else None


def closest_glyphs(lines: list[Line]) -> list[dict[int, tuple[int, float]]]:
    """For each line, {start step of an unsure Han reading: (the class whose sure samples on the
    page look most like it, how much more alike they look than the next class's)}."""
    found: list[dict[int, tuple[int, float]]] = [{} for _ in lines]
    pitches = [line.pitch() for line in lines]
    known = [p for p in pitches if p]
    if not known:
        return found
    page_pitch = float(np.median(known))
    widths = [pitch or page_pitch for pitch in pitches]
    small = [shrunk(line.ink, width) for line, width in zip(lines, widths, strict=True)]
    samples, labels = [], []
    for line, width, ink in zip(lines, widths, small, strict=True):
        for reading in line.readings:
            if reading.han and reading.sure:
                v = picture(ink, line.centre(reading) * PICTURE_SIZE / width)
                if v is not None:
                    samples.append(v)
                    labels.append(reading.label)
    if len(samples) < LEAST_SAMPLES:
        return found
    bank, classes = np.stack(samples), np.array(labels)
    for line, width, ink, out in zip(lines, widths, small, found, strict=True):
        lifted = None
        for reading in line.readings:
            if not reading.han or reading.sure:
                continue
            lifted = lifted or [np.roll(ink, lift, axis=0) for lift in LIFTS]
            at = line.centre(reading) * PICTURE_SIZE / width
            views = [picture(view, at + offset) for view in lifted for offset in OFFSETS]
            views = [v for v in views if v is not None]
            if not views:
                continue
            likeness = (np.stack(views) @ bank.T).max(axis=0)
            order = np.argsort(-likeness)
            best = classes[order[0]]
            others = order[classes[order] != best]
            margin = likeness[order[0]] - (likeness[others[0]] if others.size else 0.0)
            out[reading.start] = (int(best), float(margin))
    return found
