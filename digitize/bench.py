"""Benchmark: convert a corpus of PDFs, time it per page and score it against expected CSVs.

    python -m digitize.bench CORPUS [--variant digital --variant scan ...] [--jobs N] [--out DIR]

Each variant is converted once in this process, file by file (seconds per page and per stage,
scores), then once more as a batch of N worker processes (pages per minute). Peak memory is
the largest resident size of this process and of any worker.

CORPUS holds `<doc>.<variant>.pdf` files and `expected/<doc>[.tNN].csv`.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import scoring
from .batch import convert_all
from .pipeline import Options, convert_file
from .review import ocr_text


@dataclass
class ReviewCounts:
    """How glossary correction and flagging fared on tables of the right shape."""

    cells: int = 0  # all cells of all tables
    flagged: int = 0
    compared: int = 0  # cells of tables whose shape is right
    right_before: int = 0  # read right before correction
    right_after: int = 0
    made_wrong: int = 0  # right before correction, wrong after
    wrong_after: int = 0
    wrong_flagged: int = 0  # wrong after correction and in the review file

    def add(self, expected: scoring.Grid, sidecar: dict) -> None:
        self.cells += sidecar["rows"] * sidecar["cols"]
        self.flagged += sum(bool(c["flags"]) for c in sidecar["cells"])
        if (len(expected), len(expected[0]) if expected else 0) != (sidecar["rows"], sidecar["cols"]):
            return
        for cell in sidecar["cells"]:
            want = scoring.normalize(expected[cell["row"]][cell["col"]])
            before = scoring.normalize(ocr_text(cell["text"], cell.get("corrections", [])))
            after = scoring.normalize(cell["text"])
            self.compared += 1
            self.right_before += before == want
            self.right_after += after == want
            self.made_wrong += before == want and after != want
            self.wrong_after += after != want
            self.wrong_flagged += after != want and bool(cell["flags"])

    def report(self, variant: str) -> str:
        return (f"{variant}: review: {self.flagged}/{self.cells} cells flagged "
                f"({self.flagged / max(self.cells, 1):.3f}); on tables of the right shape, exact cells "
                f"{self.right_before / max(self.compared, 1):.4f} before correction, "
                f"{self.right_after / max(self.compared, 1):.4f} after, {self.made_wrong} made wrong; "
                f"review recall {self.wrong_flagged}/{self.wrong_after} "
                f"({self.wrong_flagged / max(self.wrong_after, 1):.3f})")


def bench_variant(corpus: Path, variant: str, out_dir: Path, jobs: int) -> None:
    inputs = sorted(corpus.glob(f"*.{variant}.pdf"))
    if not inputs:
        print(f"{variant}: no *.{variant}.pdf in {corpus}")
        return
    pages = 0
    total = 0.0
    stages: dict[str, float] = {}
    seconds = []  # per page, for each file
    scores = []
    review = ReviewCounts()
    for path in inputs:
        started = time.perf_counter()
        result = convert_file(path, out_dir)
        elapsed = time.perf_counter() - started
        pages += result.pages
        total += elapsed
        for stage, spent in result.timings.items():
            stages[stage] = stages.get(stage, 0.0) + spent
        seconds.append(elapsed / max(result.pages, 1))
        doc = path.name.removesuffix(f".{variant}.pdf")
        expected = sorted((corpus / "expected").glob(f"{doc}.csv")) + sorted(
            (corpus / "expected").glob(f"{doc}.t[0-9][0-9].csv"))
        for i, exp in enumerate(expected):
            predicted = scoring.load_csv(result.outputs[i]) if i < len(result.outputs) else None
            scores.append(scoring.score_table(scoring.load_csv(exp), predicted))
            if predicted is not None:
                sidecar = json.loads(result.outputs[i].with_suffix(".json").read_text(encoding="utf-8"))
                review.add(scoring.load_csv(exp), sidecar)
    cells = sum(s.cells for s in scores)
    chars = sum(s.chars for s in scores)
    seconds.sort()
    print(f"{variant}: {len(inputs)} files, {pages} pages, "
          f"{sum(s.shape_ok for s in scores)}/{len(scores)} table shapes right, "
          f"exact cells {sum(s.exact for s in scores) / max(cells, 1):.4f}, "
          f"CER {sum(s.edit_distance for s in scores) / max(chars, 1):.4f}")
    print(f"{variant}: median {seconds[len(seconds) // 2]:.3f} s/page, "
          f"{60 * pages / max(total, 1e-9):.0f} pages/min on one process")
    per_page = ", ".join(f"{stage} {spent / max(pages, 1):.3f}" for stage, spent in stages.items())
    print(f"{variant}: mean s/page by stage: {per_page}")
    print(review.report(variant))
    started = time.perf_counter()
    convert_all(inputs, out_dir / f"jobs{jobs}", Options(), jobs=jobs, force=True, verbosity=0)
    print(f"{variant}: {60 * pages / (time.perf_counter() - started):.0f} pages/min with -j {jobs}")
    print(f"{variant}: peak memory {peak_mb(resource.RUSAGE_SELF):.0f} MB in one process, "
          f"{peak_mb(resource.RUSAGE_CHILDREN):.0f} MB in a worker")


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digitize.bench", description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--variant", action="append", help="input variant (default: digital)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the batch run (default: 2)")
    parser.add_argument("--out", type=Path, help="keep the CSVs here")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: {args.corpus}: no such folder", file=sys.stderr)
        return 1
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        for variant in args.variant or ["digital"]:
            bench_variant(args.corpus, variant, args.out or Path(tmp) / variant, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
