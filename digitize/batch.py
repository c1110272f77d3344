"""Convert many inputs: a process pool, progress on stderr, and resume through OUT/manifest.json.

The manifest records, for each input, its content hash, whether it was converted and what it
wrote. A re-run skips inputs converted before whose content has not changed (unless forced),
so a batch that was stopped part-way finishes where it left off. Only this process writes the
manifest and the review file; workers write their own tables, each atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from . import output
from .errors import MissingDependencyError
from .pipeline import ConvertResult, Options, convert_file
from .review import update_review_file

MANIFEST = "manifest.json"


@dataclass
class Summary:
    files: int = 0
    skipped: int = 0  # converted in an earlier run, unchanged since
    failed: int = 0  # no output at all
    with_errors: int = 0  # some page or file failed
    pages: int = 0
    tables: int = 0
    cells: int = 0
    flagged: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        skipped = f" ({self.skipped} unchanged since the last run, skipped)" if self.skipped else ""
        return (f"{self.files} files{skipped}, {self.pages} pages, {self.tables} tables, {self.cells} cells, "
                f"{self.flagged} cells to review, {self.failed} failed, {self.seconds:.1f} s")


@dataclass
class Manifest:
    path: Path
    entries: dict[str, dict] = field(default_factory=dict)  # input path -> record

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        path = out_dir / MANIFEST
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["inputs"]
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}  # none yet, or unreadable: everything is converted again
        return cls(path, entries)

    def finished(self, key: str, digest: str, out_dir: Path) -> bool:
        entry = self.entries.get(key)
        return bool(entry and entry.get("sha256") == digest and entry.get("status") == "done"
                    and all((out_dir / name).exists() for name in entry.get("outputs", [])))

    def record(self, key: str, digest: str, result: ConvertResult) -> None:
        self.entries[key] = {
            "sha256": digest,
            "status": "failed" if result.failed else "done",
            "outputs": [p.name for p in result.outputs],
            "errors": result.errors,
            "pages": result.pages,
            "tables": result.tables,
            "cells": result.cells,
            "flagged": len(result.review),
        }
        text = json.dumps({"inputs": self.entries}, ensure_ascii=False, indent=1)
        output.write_atomic(self.path, text.encode("utf-8"))


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def convert_all(inputs: list[Path], out_dir: Path, options: Options, jobs: int = 1, force: bool = False,
                verbosity: int = 1) -> Summary:
    """Convert the inputs into out_dir; errors go to stderr one line each, as they come.
    Raises MissingDependencyError, which no other input would escape either."""
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob("review/.*.tmp")]:
        stale.unlink()  # left by a run that was killed while writing
    manifest = Manifest.load(out_dir)
    summary = Summary(files=len(inputs))
    todo = []
    for path in inputs:
        key, digest = str(path.resolve()), file_hash(path)
        if not force and manifest.finished(key, digest, out_dir):
            summary.skipped += 1
        else:
            todo.append((path, key, digest))
    quiet_bar = verbosity < 1 or not sys.stderr.isatty()  # a bar only where a person watches
    bar = tqdm(total=len(todo), unit="file", file=sys.stderr, disable=quiet_bar)
    results = _results([path for path, _, _ in todo], out_dir, options, jobs)
    for (_, key, digest), result in zip(todo, results, strict=True):
        for line in result.errors:
            bar.write(f"error: {line}", file=sys.stderr)
        if verbosity > 1:
            for out in result.outputs:
                bar.write(str(out), file=sys.stderr)
        if result.outputs:
            update_review_file(out_dir, result.review, {p.stem for p in result.outputs})
        manifest.record(key, digest, result)
        summary.failed += result.failed
        summary.with_errors += bool(result.errors)
        summary.pages += result.pages
        summary.tables += result.tables
        summary.cells += result.cells
        summary.flagged += len(result.review)
        bar.update()
    bar.close()
    summary.seconds = time.monotonic() - started
    return summary


def _results(paths: list[Path], out_dir: Path, options: Options, jobs: int) -> Iterator[ConvertResult]:
    """Conversion results in input order; more than one job runs them in worker processes."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield convert_file(path, out_dir, options)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(convert_file, path, out_dir, options) for path in paths]
        try:
            for future in futures:
                yield future.result()
        except MissingDependencyError:
            for future in futures:
                future.cancel()
            raise
