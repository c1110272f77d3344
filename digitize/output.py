"""Write logical tables as CSV plus a JSON sidecar, atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from .model import Table


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes files only their owner can read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def table_names(stem: str, count: int) -> list[str]:
    """`X` for a single table, `X.t01`, `X.t02`, ... when there are several."""
    if count == 1:
        return [stem]
    return [f"{stem}.t{i:02d}" for i in range(1, count + 1)]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # RFC 4180: CRLF, quotes as needed
    return buf.getvalue().encode(encoding)


def sidecar(table: Table, source: Path) -> dict:
    return {
        "source": str(source),
        "pages": table.pages,
        "rows": table.nrows,
        "cols": table.ncols,
        "bbox": [round(v, 2) for v in table.bbox],
        "cells": [
            {
                "row": c.row,
                "col": c.col,
                "rowspan": c.rowspan,
                "colspan": c.colspan,
                "page": c.page,
                "bbox": [round(v, 2) for v in c.bbox],
                "continued": [{"page": p, "bbox": [round(v, 2) for v in b]} for p, b in c.continued],
                "text": c.text,
                "confidence": round(c.confidence, 4),
                "source": c.source,
                "flags": c.flags,
                "corrections": c.corrections,
                **({"second_reading": c.second_reading} if c.second_reading is not None else {}),
            }
            for c in table.cells
        ],
    }


def write_tables(tables: list[Table], source: Path, out_dir: Path, encoding: str = "utf-8-sig") -> list[Path]:
    """Write each table as `<stem>[.tNN].csv` with a `.json` sidecar; return the CSV paths."""
    written = []
    for table, name in zip(tables, table_names(source.stem, len(tables)), strict=True):
        csv_path = out_dir / f"{name}.csv"
        write_atomic(csv_path, csv_bytes(table.grid(), encoding))
        side = json.dumps(sidecar(table, source), ensure_ascii=False, indent=1)
        write_atomic(out_dir / f"{name}.json", side.encode("utf-8"))
        written.append(csv_path)
    return written
