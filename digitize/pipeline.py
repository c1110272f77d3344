"""The conversion pipeline, stage by stage.

    source   open the file, read each page's text layer and vector ruling   (source.py)
    tables   find table grids on the page and fill their cells               (tables.py)
    stitch   join tables that continue over page breaks into logical tables  (stitch.py)
    output   write one CSV + JSON sidecar per logical table, atomically      (output.py)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import output, source, stitch, tables
from .errors import DigitizeError
from .model import Document


@dataclass
class Options:
    encoding: str = "utf-8-sig"
    password: str | None = None


@dataclass
class ConvertResult:
    path: Path
    outputs: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, naming file and page
    pages: int = 0
    tables: int = 0
    cells: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.errors) and not self.outputs


def extract(path: Path, options: Options | None = None) -> Document:
    """Run every stage but output; page-level problems are collected in `Document.errors`."""
    options = options or Options()
    doc = source.open_document(path, password=options.password)
    column_hint = None
    for page in doc.pages:
        if page.error:
            doc.errors.append(str(DigitizeError(page.error, path, page.number)))
            continue
        page.tables = tables.find_tables(page, column_hint)
        column_hint = page.tables[-1].col_x if page.tables else None
    doc.tables = stitch.stitch(doc.pages)
    if not doc.tables and not doc.errors:
        doc.errors.append(str(DigitizeError("no table found", path)))
    return doc


def convert_file(path: Path, out_dir: Path, options: Options | None = None) -> ConvertResult:
    """Convert one input file into CSVs under `out_dir`; errors are reported, not raised."""
    options = options or Options()
    result = ConvertResult(path)
    try:
        doc = extract(path, options)
    except DigitizeError as exc:
        result.errors.append(str(exc))
        return result
    result.errors += doc.errors
    result.pages = len(doc.pages)
    result.tables = len(doc.tables)
    result.cells = sum(t.nrows * t.ncols for t in doc.tables)
    result.outputs = output.write_tables(doc.tables, path, out_dir, options.encoding)
    return result
