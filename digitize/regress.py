"""`digitize regress SAMPLES_DIR`: convert every sample and score it against its expected CSVs.

`SAMPLES_DIR/manifest.json` lists the samples:

    [{"name": "d01", "input": "d01.pdf", "expected": ["expected/d01.csv"], "features": ["merged"],
      "thresholds": {"min_exact": 0.98, "max_cer": 0.01, "shape": true}}, ...]

The i-th CSV written for a sample is scored against its i-th expected CSV; scores are pooled over
the sample's tables.  A sample passes when it meets every threshold; with `shape` on, an extra
output table also fails it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import pipeline, scoring
from .errors import ExitCode

MANIFEST = "manifest.json"
DEFAULT_THRESHOLDS = {"min_exact": 1.0, "max_cer": 0.0, "shape": True}
# Slack for float rounding when a share is compared with a threshold.
EPSILON = 1e-9
DIFF_TEXT_WIDTH = 60
DIFFS_SHOWN_PER_TABLE = 20


class ManifestError(ValueError):
    """The manifest is missing or does not describe samples the way this command expects."""


@dataclass
class Thresholds:
    min_exact: float
    max_cer: float
    shape: bool


@dataclass
class Sample:
    name: str
    input: Path
    expected: list[Path]
    thresholds: Thresholds
    features: list[str] = field(default_factory=list)


@dataclass
class SampleResult:
    sample: Sample
    tables: list[tuple[Path, scoring.TableScore]] = field(default_factory=list)  # (expected CSV, score)
    extra_outputs: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def scores(self) -> list[scoring.TableScore]:
        return [score for _, score in self.tables]

    @property
    def exact_share(self) -> float:
        return pooled_exact_share(self.scores)

    @property
    def cer(self) -> float:
        return pooled_cer(self.scores)

    @property
    def shape_ok(self) -> bool:
        return all(score.shape_ok for _, score in self.tables) and not self.extra_outputs

    @property
    def passed(self) -> bool:
        limits = self.sample.thresholds
        return (
            self.exact_share >= limits.min_exact - EPSILON
            and self.cer <= limits.max_cer + EPSILON
            and (self.shape_ok or not limits.shape)
        )

    @property
    def perfect(self) -> bool:
        exact = all(score.exact == score.cells for score in self.scores)
        return self.shape_ok and exact and self.cer == 0 and not self.errors


def pooled_exact_share(scores: list[scoring.TableScore]) -> float:
    cells = sum(score.cells for score in scores)
    return sum(score.exact for score in scores) / cells if cells else 0.0


def pooled_cer(scores: list[scoring.TableScore]) -> float:
    chars = sum(score.chars for score in scores)
    return sum(score.edit_distance for score in scores) / chars if chars else 0.0


def load_manifest(samples_dir: Path) -> list[Sample]:
    """Parse and check `samples_dir/manifest.json`; raise ManifestError with a one-line reason."""
    path = samples_dir / MANIFEST
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: manifest not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: invalid JSON: {exc}") from None
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{path}: expected a non-empty list of samples")
    samples = [parse_entry(entry, samples_dir, f"{path}: entry {n}") for n, entry in enumerate(entries, 1)]
    names = [sample.name for sample in samples]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ManifestError(f"{path}: duplicate sample names: {', '.join(duplicates)}")
    return samples


def parse_entry(entry: object, samples_dir: Path, where: str) -> Sample:
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected an object")
    name, input_name, expected = entry.get("name"), entry.get("input"), entry.get("expected")
    # The name becomes the sample's output folder, so it must be a plain file name.
    if not isinstance(name, str) or not name or name in (".", "..") or Path(name).name != name:
        raise ManifestError(f"{where}: 'name' must be a non-empty file name")
    where = f"{where} ({name})"
    if not isinstance(input_name, str) or not input_name:
        raise ManifestError(f"{where}: 'input' must be a non-empty string")
    if not isinstance(expected, list) or not expected or not all(isinstance(e, str) for e in expected):
        raise ManifestError(f"{where}: 'expected' must be a non-empty list of CSV paths")
    features = entry.get("features", [])
    if not isinstance(features, list):
        raise ManifestError(f"{where}: 'features' must be a list")
    given = entry.get("thresholds", {})
    if not isinstance(given, dict) or set(given) - set(DEFAULT_THRESHOLDS):
        raise ManifestError(f"{where}: 'thresholds' may only hold min_exact, max_cer and shape")
    limits = {**DEFAULT_THRESHOLDS, **given}
    numbers_ok = all(
        isinstance(limits[key], int | float) and not isinstance(limits[key], bool)
        for key in ("min_exact", "max_cer")
    )
    if not numbers_ok or not isinstance(limits["shape"], bool):
        raise ManifestError(f"{where}: 'thresholds' needs numbers min_exact, max_cer and a boolean shape")
    expected_paths = [samples_dir / e for e in expected]
    for csv_path in expected_paths:
        if not csv_path.is_file():
            raise ManifestError(f"{where}: expected CSV not found: {csv_path}")
    return Sample(
        name=name,
        input=samples_dir / input_name,
        expected=expected_paths,
        thresholds=Thresholds(float(limits["min_exact"]), float(limits["max_cer"]), limits["shape"]),
        features=[str(f) for f in features],
    )


def check_sample(sample: Sample, out_dir: Path) -> SampleResult:
    """Convert the sample's input into `out_dir` and score each output table."""
    result = SampleResult(sample)
    try:
        converted = pipeline.convert_file(sample.input, out_dir)
    except Exception as exc:  # a crash on one sample is that sample's failure, not the whole run's
        result.errors.append(f"{sample.input}: conversion crashed: {type(exc).__name__}: {exc}")
        converted = pipeline.ConvertResult(sample.input)
    result.errors += converted.errors
    outputs = converted.outputs
    for n, expected_csv in enumerate(sample.expected):
        predicted = scoring.load_csv(outputs[n]) if n < len(outputs) else None
        result.tables.append((expected_csv, scoring.score_table(scoring.load_csv(expected_csv), predicted)))
    result.extra_outputs = outputs[len(sample.expected) :]
    return result


def shapes(scores: list[scoring.TableScore], predicted: bool) -> str:
    parts = []
    for score in scores:
        if predicted and score.rows_predicted == score.cols_predicted == 0:
            parts.append("-")
        elif predicted:
            parts.append(f"{score.rows_predicted}x{score.cols_predicted}")
        else:
            parts.append(f"{score.rows_expected}x{score.cols_expected}")
    return "+".join(parts)


def clip(text: str) -> str:
    return text if len(text) <= DIFF_TEXT_WIDTH else text[: DIFF_TEXT_WIDTH - 3] + "..."


def position(index: int | None) -> str:
    return "-" if index is None else str(index + 1)


def print_summary(results: list[SampleResult], stream: TextIO) -> None:
    width = max([len(r.sample.name) for r in results] + [6])
    header = f"{'sample':<{width}}  {'expected':>12}  {'predicted':>12}   exact     cer  result"
    print(header, file=stream)
    print("-" * len(header), file=stream)
    for r in results:
        predicted = shapes(r.scores, predicted=True)
        if r.extra_outputs:
            predicted += f"+{len(r.extra_outputs)} extra"
        print(
            f"{r.sample.name:<{width}}  {shapes(r.scores, predicted=False):>12}  {predicted:>12}  "
            f"{r.exact_share:6.3f}  {r.cer:6.3f}  {'PASS' if r.passed else 'FAIL'}",
            file=stream,
        )


def print_details(result: SampleResult, stream: TextIO) -> None:
    limits = result.sample.thresholds
    features = f" [{', '.join(result.sample.features)}]" if result.sample.features else ""
    print(
        f"\n{result.sample.name}{features}: {'PASS' if result.passed else 'FAIL'} "
        f"(needs exact >= {limits.min_exact}, cer <= {limits.max_cer}{', shape' if limits.shape else ''})",
        file=stream,
    )
    for expected_csv, score in result.tables:
        if score.rows_predicted == score.cols_predicted == 0 and not score.shape_ok:
            print(f"  {expected_csv.name}: no predicted table", file=stream)
        elif not score.shape_ok:
            print(
                f"  {expected_csv.name}: shape {score.rows_predicted}x{score.cols_predicted}, "
                f"expected {score.rows_expected}x{score.cols_expected}",
                file=stream,
            )
        for diff in score.diffs[:DIFFS_SHOWN_PER_TABLE]:
            print(
                f"  {expected_csv.name} row {position(diff.row)} col {position(diff.col)}: "
                f"expected {clip(diff.expected)!r} got {clip(diff.predicted)!r}",
                file=stream,
            )
        hidden = len(score.diffs) - DIFFS_SHOWN_PER_TABLE
        if hidden > 0:
            print(f"  {expected_csv.name}: ... {hidden} more differing cells", file=stream)
    for extra in result.extra_outputs:
        print(f"  extra output table: {extra.name}", file=stream)
    for error in result.errors:
        print(f"  error: {error}", file=stream)


def run(samples_dir: Path, out_dir: Path | None = None, stream: TextIO = sys.stdout) -> int:
    """Check every sample in `samples_dir`; return the exit code."""
    samples_dir = Path(samples_dir)
    try:
        samples = load_manifest(samples_dir)
    except ManifestError as exc:
        print(f"digitize regress: {exc}", file=stream)
        return ExitCode.USAGE
    with tempfile.TemporaryDirectory(prefix="digitize-regress-") as scratch:
        base = Path(out_dir) if out_dir is not None else Path(scratch)
        # One folder per sample: two inputs may share a file name stem.
        results = [check_sample(sample, base / sample.name) for sample in samples]

    print_summary(results, stream)
    for result in results:
        if not result.perfect:
            print_details(result, stream)
    failed = [r.sample.name for r in results if not r.passed]
    all_scores = [score for r in results for score in r.scores]
    print(
        f"\nOVERALL samples={len(results)} passed={len(results) - len(failed)} failed={len(failed)} "
        f"exact={pooled_exact_share(all_scores):.3f} cer={pooled_cer(all_scores):.3f}"
        + (f" failing: {', '.join(failed)}" if failed else ""),
        file=stream,
    )
    return ExitCode.REGRESSION if failed else ExitCode.OK
