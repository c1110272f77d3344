"""The review file: one row per flagged cell, for a person to settle in Excel or WPS.

`digitize convert` writes OUT/review.csv (UTF-8 with a BOM, so both open it as Chinese) and a
crop image of each flagged cell under OUT/review/. A person fills the `final` column where the
proposed text is wrong; `digitize review apply OUT/review.csv` then writes those values into
the table CSVs and sidecars, and with `--learn` keeps the word-level corrections in
corrections/learned.tsv for the next run.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from . import output, source
from .correct import CORRECTIONS_DIR, HAN
from .errors import ExitCode
from .model import Cell, Document, Page, Table

COLUMNS = ["id", "file", "page", "table", "row", "col", "header", "row_key", "ocr_text", "proposed",
           "reasons", "confidence", "crop", "final"]
CROP_DPI = 150
CROP_MARGIN = 6.0  # points of page shown around a cell
LEARN_CONTEXT = 2  # unchanged characters kept on each side of a learned correction
LEARNED_HEADER = "# misreading<TAB>correction, confirmed in review (digitize review apply --learn)\n"


def review_rows(doc: Document, names: list[str], out_dir: Path, password: str | None = None) -> list[dict]:
    """Rows of the review file for the flagged cells of a converted document; their crop images
    are written under OUT/review/."""
    rows = []
    wanted: dict[int, list[tuple[Path, Cell]]] = {}
    for table, name in zip(doc.tables, names, strict=True):
        for cell in table.cells:
            if not cell.flags:
                continue
            cell_id = f"{name}.r{cell.row + 1}c{cell.col + 1}"
            crop = out_dir / "review" / f"{cell_id}.png"
            rows.append({
                "id": cell_id, "file": str(doc.path), "page": cell.page, "table": name,
                "row": cell.row + 1, "col": cell.col + 1, "header": column_header(table, cell.col),
                "row_key": row_key(table, cell.row), "ocr_text": ocr_text(cell.text, cell.corrections),
                "proposed": cell.text,
                "reasons": " ".join(cell.flags), "confidence": f"{cell.confidence:.2f}",
                "crop": str(crop.relative_to(out_dir)), "final": "",
            })
            wanted.setdefault(cell.page, []).append((crop, cell))
    pages = {p.number: p for p in doc.pages}
    for number, crops in wanted.items():
        write_crops(doc.path, pages[number], crops, password)
    return rows


def ocr_text(text: str, corrections: list[dict]) -> str:
    """A cell's text as read, before its glossary corrections."""
    for change in reversed(corrections):
        text = text.replace(change["after"], change["before"], 1)
    return text


def column_header(table: Table, col: int) -> str:
    """The texts over a column in the table's first rows, top to bottom."""
    parts: list[str] = []
    for r in range(min(3, table.nrows)):
        cell = table.cell_at(r, col)
        text = cell.text.strip() if cell else ""
        if text and text not in parts and not re.fullmatch(r"[-+\d,.%\s]+", text):
            parts.append(text)
    return " / ".join(parts)


def row_key(table: Table, row: int) -> str:
    cell = table.cell_at(row, 0)
    return cell.text.strip() if cell else ""


def write_crops(path: Path, page: Page, crops: list[tuple[Path, Cell]], password: str | None) -> None:
    """Crop images of cells, from the page rendered again."""
    image = source.page_image(path, page, CROP_DPI, password)
    grey = image.grey
    px = image.dpi / 72.0
    for crop_path, cell in crops:
        x0, y0, x1, y1 = cell.bbox
        box = [int(max(0, (x0 - CROP_MARGIN) * px)), int(max(0, (y0 - CROP_MARGIN) * px)),
               int((x1 + CROP_MARGIN) * px), int((y1 + CROP_MARGIN) * px)]
        piece = grey[box[1]:box[3], box[0]:box[2]]
        if piece.size:
            ok, png = cv2.imencode(".png", np.ascontiguousarray(piece))
            if ok:
                output.write_atomic(crop_path, png.tobytes())


def update_review_file(out_dir: Path, rows: list[dict], tables: set[str]) -> Path:
    """Write OUT/review.csv: the rows of `tables` replaced by `rows`, other tables' rows (and
    the final values a person has already filled in for them) kept."""
    path = out_dir / "review.csv"
    kept = [r for r in read_review(path) if r.get("table") not in tables] if path.exists() else []
    for stale in (out_dir / "review").glob("*.png"):
        name = re.sub(r"\.r\d+c\d+\.png$", "", stale.name)
        if name in tables and stale.name not in {Path(r["crop"]).name for r in rows}:
            stale.unlink()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(kept + rows)
    output.write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    return path


def read_review(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: not a review file (no column {', '.join(sorted(missing))})")
        return list(reader)


@dataclass
class TableFile:
    """A table CSV and its sidecar, as `digitize convert` wrote them."""

    csv_path: Path
    grid: list[list[str]]
    encoding: str
    sidecar: dict
    changes: list[tuple[dict, str]] = field(default_factory=list)  # (review row, text before)

    @classmethod
    def load(cls, csv_path: Path) -> TableFile:
        data = csv_path.read_bytes()
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        grid = list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
        sidecar = json.loads(csv_path.with_suffix(".json").read_text(encoding="utf-8"))
        return cls(csv_path, grid, encoding, sidecar)

    def text(self, row: int, col: int) -> str | None:
        if 0 <= row < len(self.grid) and 0 <= col < len(self.grid[row]):
            return self.grid[row][col]
        return None

    def save(self) -> None:
        for review, before in self.changes:
            row, col, final = int(review["row"]) - 1, int(review["col"]) - 1, review["final"]
            self.grid[row][col] = final
            for cell in self.sidecar["cells"]:
                if (cell["row"], cell["col"]) == (row, col):
                    cell["text"] = final
                    cell.setdefault("review", []).append({"before": before, "after": final})
                    if "reviewed" not in cell["flags"]:
                        cell["flags"].append("reviewed")
        output.write_atomic(self.csv_path, output.csv_bytes(self.grid, self.encoding))
        side = json.dumps(self.sidecar, ensure_ascii=False, indent=1)
        output.write_atomic(self.csv_path.with_suffix(".json"), side.encode("utf-8"))


def apply_review(review_path: Path, learn: bool = False, corrections_dir: Path = CORRECTIONS_DIR) -> int:
    """Write the filled `final` values of a review file into its tables; returns an exit code.
    Nothing is written unless every row matches the outputs; rows already applied are skipped."""
    out_dir = review_path.parent
    try:
        rows = read_review(review_path)
    except (OSError, ValueError, csv.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    tables: dict[str, TableFile] = {}
    problems = []
    for row in rows:
        final = row["final"]
        if not final.strip():
            continue
        name = row["table"]
        if name not in tables:
            csv_path = out_dir / f"{name}.csv"
            try:
                tables[name] = TableFile.load(csv_path)
            except (OSError, ValueError) as exc:
                problems.append(f"{row['id']}: cannot read {csv_path.name} ({exc})")
                continue
        try:
            current = tables[name].text(int(row["row"]) - 1, int(row["col"]) - 1)
        except ValueError:
            current = None
        if current == final:
            continue  # applied before
        if current is None or current != row["proposed"]:
            problems.append(f"{row['id']}: the table holds {current!r}, not the proposed {row['proposed']!r}")
            continue
        tables[name].changes.append((row, current))
    if problems:
        for line in problems:
            print(f"error: {review_path}: {line}", file=sys.stderr)
        print(f"error: {review_path} does not match the outputs in {out_dir}; nothing changed",
              file=sys.stderr)
        return ExitCode.BAD_INPUT
    changed = [t for t in tables.values() if t.changes]
    for table in changed:
        table.save()
        for review, before in table.changes:
            print(f"{review['id']}: {before!r} -> {review['final']!r}")
    learned = learn_corrections(rows, corrections_dir) if learn else 0
    count = sum(len(t.changes) for t in changed)
    summary = f"{count} cells changed in {len(changed)} tables"
    print(summary + (f", {learned} corrections learned" if learn else ""), file=sys.stderr)
    return ExitCode.OK


def learned_pairs(read: str, final: str) -> list[tuple[str, str]]:
    """Word-level corrections between what OCR read and what a person confirmed: each run of
    changed Han characters (changes at most LEARN_CONTEXT apart make one run), with up to
    LEARN_CONTEXT unchanged Han characters either side to pin it to its word."""
    runs: list[list[int]] = []  # [read start, read end, final start, final end]
    for op in Levenshtein.opcodes(read, final):
        changed = read[op.src_start:op.src_end] + final[op.dest_start:op.dest_end]
        if op.tag == "equal" or not all(HAN.match(ch) for ch in changed):
            continue  # numbers and punctuation are settled cell by cell, never learned
        gap = read[runs[-1][1]:op.src_start] if runs else ""
        if runs and len(gap) <= LEARN_CONTEXT and all(HAN.match(ch) for ch in gap):
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    pairs = []
    for s0, s1, d0, d1 in runs:
        left = _han_run(read[:s0][::-1])[::-1]
        right = _han_run(read[s1:])
        pairs.append((left + read[s0:s1] + right, left + final[d0:d1] + right))
    return pairs


def _han_run(text: str) -> str:
    """The leading Han characters of text, at most LEARN_CONTEXT of them."""
    run = ""
    for ch in text[:LEARN_CONTEXT]:
        if not HAN.match(ch):
            break
        run += ch
    return run


def learn_corrections(rows: list[dict], corrections_dir: Path) -> int:
    """Append the confirmed corrections of the review rows to learned.tsv; returns how many."""
    path = corrections_dir / "learned.tsv"
    existing = path.read_text(encoding="utf-8") if path.exists() else LEARNED_HEADER
    known = {tuple(line.split("\t")[:2]) for line in existing.splitlines() if not line.startswith("#")}
    new = []
    for row in rows:
        if row["final"].strip() and row["final"] != row["ocr_text"]:
            for pair in learned_pairs(row["ocr_text"], row["final"]):
                if pair not in known:
                    known.add(pair)
                    new.append(pair)
    if new:
        text = existing + "".join(f"{wrong}\t{right}\n" for wrong, right in new)
        output.write_atomic(path, text.encode("utf-8"))
    return len(new)
