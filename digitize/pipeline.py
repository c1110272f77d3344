"""The conversion pipeline, stage by stage.

    source   open the file, read each page's text layer and vector ruling,   (source.py)
             or render it when it has none
    clean    drop seals, even out the background, undo skew and rotation     (raster.py)
    rules    ruling lines of the page image                                  (lines.py)
    ocr      characters with their boxes, read from the page image           (ocr.py)
    tables   find table grids on the page and fill their cells               (tables.py)
    reread   cells left empty that hold print read again on their own       (checks.py)
    stitch   join tables that continue over page breaks into logical tables  (stitch.py)
    correct  put OCR misreadings of glossary terms right                     (correct.py)
    second   doubtful cells read again by the other OCR engine               (checks.py)
    check    flag doubtful cells: low confidence, corrections, bad arithmetic (checks.py)
    output   write one CSV + JSON sidecar per logical table, atomically      (output.py)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import checks, correct, lines, ocr, output, raster, review, source, stitch, tables
from .errors import DigitizeError, MissingDependencyError
from .model import Document, Page


@dataclass
class Options:
    encoding: str = "utf-8-sig"
    password: str | None = None
    dpi: float = 300
    force_ocr: bool = False
    engine: str = "rapidocr"
    correct: bool = True  # glossary correction of OCR'd cells
    # Doubtful cells read again by the other OCR engine; off by default, as Tesseract takes
    # seconds per cell.
    second_opinion: bool = False


@dataclass
class ConvertResult:
    path: Path
    outputs: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, naming file and page
    pages: int = 0
    tables: int = 0
    cells: int = 0
    review: list[dict] = field(default_factory=list)  # review file rows of the flagged cells
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def failed(self) -> bool:
        return bool(self.errors) and not self.outputs


def extract(path: Path, options: Options | None = None, only_page: int | None = None) -> Document:
    """Run every stage but output; page-level problems are collected in `Document.errors`.
    With `only_page`, the other pages are skipped."""
    options = options or Options()
    doc = Document(path=path, pages=[])
    pages = source.read_pages(path, options.password, options.dpi, options.force_ocr)
    column_hint = None
    while True:
        with timed(doc, "source"):
            page = next(pages, None)
        if page is None:
            break
        if only_page is not None and page.number != only_page:
            continue
        doc.pages.append(page)
        engine = image = None
        if page.image is not None:
            engine = ocr.get_engine(options.engine)
            image = read_image(page, engine, doc)
        if page.error:
            doc.errors.append(str(DigitizeError(page.error, path, page.number)))
            continue
        with timed(doc, "tables"):
            page.tables = tables.find_tables(page, column_hint)
        column_hint = page.tables[-1].col_x if page.tables else None
        if image is not None:
            with timed(doc, "reread"):
                checks.read_unread_ink(page.tables, image, engine)
            second = ocr.other_engine(options.engine) if options.second_opinion else None
            if second is not None:
                with timed(doc, "second"):
                    checks.compare_engines(page.tables, image, second)
    with timed(doc, "stitch"):
        doc.tables = stitch.stitch(doc.pages)
    if options.correct:
        with timed(doc, "correct"):
            correct.correct_tables(doc.tables, correct.default_glossary())
    with timed(doc, "check"):
        checks.flag_tables(doc.tables, correct.default_glossary().known)
    if not doc.tables and not doc.errors:
        doc.errors.append(str(DigitizeError("no table found", path)))
    return doc


def read_image(page: Page, engine: ocr.OcrEngine, doc: Document) -> raster.PageImage:
    """Rules and characters of a page image, in page points, as a text layer would give them;
    returns the image OCR read."""
    with timed(doc, "clean"):
        image = raster.clean(page.image)
        image = raster.turn(image, ocr.upright_turns(image.grey, image.dpi))
    if image.turns % 2:
        page.width, page.height = page.height, page.width
    with timed(doc, "rules"):
        page.segments, rule_mask = lines.find_rules(image)
    with timed(doc, "ocr"):
        image = replace(image, grey=lines.erase_rules(image.grey, rule_mask))
        page.chars = engine.read(image.grey, image.scale)
    with timed(doc, "rules"):
        page.segments = lines.finish_rules(page.segments, image, page.chars)
        page.chars = lines.drop_rule_readings(page.chars, page.segments)
    page.source = f"ocr:{engine.name}"
    page.skew, page.turns = image.skew, image.turns
    page.image = None
    return image


@contextmanager
def timed(doc: Document, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    doc.timings[stage] = doc.timings.get(stage, 0.0) + time.perf_counter() - started


def convert_file(path: Path, out_dir: Path, options: Options | None = None) -> ConvertResult:
    """Convert one input file into CSVs under `out_dir`; errors are reported, not raised."""
    options = options or Options()
    result = ConvertResult(path)
    try:
        doc = extract(path, options)
    except MissingDependencyError:
        raise  # no other file would fare better
    except DigitizeError as exc:
        result.errors.append(str(exc))
        return result
    except Exception as exc:  # a fault of ours or of a library must not stop the batch
        result.errors.append(str(DigitizeError(f"cannot convert ({type(exc).__name__}: {exc})", path)))
        return result
    result.errors += doc.errors
    result.timings = doc.timings
    result.pages = len(doc.pages)
    result.tables = len(doc.tables)
    result.cells = sum(t.nrows * t.ncols for t in doc.tables)
    result.outputs = output.write_tables(doc.tables, path, out_dir, options.encoding)
    with timed(doc, "review"):
        result.review = review.review_rows(doc, [p.stem for p in result.outputs], out_dir, options.password)
    return result
