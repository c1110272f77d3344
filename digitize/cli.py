"""Command line: `digitize convert`, `digitize review apply`, `digitize inspect`, `digitize regress`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .batch import convert_all, default_jobs
from .errors import DigitizeError, ExitCode, MissingDependencyError
from .pipeline import Options
from .raster import IMAGE_SUFFIXES
from .review import apply_review

INPUT_SUFFIXES = {".pdf"} | IMAGE_SUFFIXES


def collect_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Expand folders (recursively) into input files; report paths that do not exist."""
    found, missing = [], []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            missing.append(f"{path}: no such file or folder")
    return found, missing


def cmd_convert(args: argparse.Namespace) -> int:
    inputs, missing = collect_inputs(args.inputs)
    for line in missing:
        print(f"error: {line}", file=sys.stderr)
    if not inputs:
        print("error: no input files", file=sys.stderr)
        return ExitCode.USAGE
    if args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    options = Options(encoding=args.encoding, password=args.password, dpi=args.dpi,
                      force_ocr=args.force_ocr, engine=args.engine, correct=not args.no_correct,
                      second_opinion=args.second_opinion)
    verbosity = 0 if args.quiet else 1 + args.verbose
    try:
        summary = convert_all(inputs, Path(args.output), options, args.jobs, args.force, verbosity)
    except MissingDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.MISSING_DEPENDENCY
    if verbosity:
        print(summary.line(), file=sys.stderr)
    if summary.failed and summary.failed == summary.files - summary.skipped:
        return ExitCode.BAD_INPUT
    if summary.with_errors or missing:
        return ExitCode.SOME_FAILED  # outputs were written, but not for everything
    return ExitCode.OK


def cmd_review_apply(args: argparse.Namespace) -> int:
    return apply_review(Path(args.review), learn=args.learn)


def cmd_inspect(args: argparse.Namespace) -> int:
    from .inspect import inspect_page

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return ExitCode.USAGE
    options = Options(password=args.password, dpi=args.dpi, force_ocr=args.force_ocr, engine=args.engine)
    try:
        cells = inspect_page(path, args.page, Path(args.output), options)
    except MissingDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.MISSING_DEPENDENCY
    except DigitizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    print(f"{args.output}: page {args.page} of {path.name}, {cells} cells drawn", file=sys.stderr)
    return ExitCode.OK


def cmd_regress(args: argparse.Namespace) -> int:
    from .regress import run

    return run(Path(args.samples), Path(args.output) if args.output else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitize", description=__doc__)
    parser.add_argument("--version", action="version", version=f"digitize {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    convert = sub.add_parser("convert", help="convert PDFs (files or folders) to CSV")
    convert.add_argument("inputs", nargs="+", metavar="IN",
                         help="PDF or image (PNG, JPEG, TIFF) files, or folders of them")
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="output folder")
    convert.add_argument("--encoding", choices=["utf-8-sig", "utf-8"], default="utf-8-sig",
                         help="CSV encoding; the default writes a BOM so Excel and WPS read Chinese")
    convert.add_argument("--password", help="password for encrypted PDFs")
    convert.add_argument("--engine", choices=["rapidocr", "tesseract"], default="rapidocr",
                         help="OCR engine for pages without a text layer (default: rapidocr)")
    convert.add_argument("--dpi", type=float, default=300,
                         help="resolution at which PDF pages are rendered for OCR (default: 300)")
    convert.add_argument("--force-ocr", action="store_true",
                         help="OCR every page, ignoring text layers (for poor invisible OCR layers)")
    convert.add_argument("--no-correct", action="store_true",
                         help="keep OCR text as read, without glossary correction")
    convert.add_argument("--second-opinion", action="store_true",
                         help="read doubtful cells again with the other OCR engine and flag those "
                              "read differently (slow: seconds per doubtful cell)")
    convert.add_argument("-j", "--jobs", type=int, default=default_jobs(),
                         help="files converted at once, one process each (default: the number of cores)")
    convert.add_argument("--force", action="store_true",
                         help="convert every input again, even those OUT/manifest.json records as done")
    convert.add_argument("-v", "--verbose", action="count", default=0, help="also list the files written")
    convert.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    convert.set_defaults(func=cmd_convert)

    review = sub.add_parser("review", help="settle flagged cells through the review file")
    review_sub = review.add_subparsers(dest="action", required=True)
    apply = review_sub.add_parser("apply", help="write the `final` column of a review file into the CSVs")
    apply.add_argument("review", metavar="REVIEW_CSV", help="OUT/review.csv written by `digitize convert`")
    apply.add_argument("--learn", action="store_true",
                       help="also keep the confirmed word corrections in corrections/learned.tsv")
    apply.set_defaults(func=cmd_review_apply)

    inspect = sub.add_parser("inspect", help="draw a page with its grid, cells coloured by confidence")
    inspect.add_argument("file", metavar="FILE", help="a PDF or image file")
    inspect.add_argument("--page", type=int, default=1, help="page number, from 1 (default: 1)")
    inspect.add_argument("-o", "--output", required=True, metavar="PNG", help="picture to write")
    inspect.add_argument("--password", help="password for an encrypted PDF")
    inspect.add_argument("--engine", choices=["rapidocr", "tesseract"], default="rapidocr")
    inspect.add_argument("--dpi", type=float, default=300, help="resolution for OCR (default: 300)")
    inspect.add_argument("--force-ocr", action="store_true", help="read the page by OCR, not its text layer")
    inspect.set_defaults(func=cmd_inspect)

    regress = sub.add_parser("regress", help="convert the sample pages and compare with their expected CSVs")
    regress.add_argument("samples", nargs="?", default="samples", help="samples folder (default: samples)")
    regress.add_argument("-o", "--output", help="keep the converted CSVs in this folder")
    regress.set_defaults(func=cmd_regress)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; ours is 1
        return ExitCode.USAGE if exc.code else ExitCode.OK
    return int(args.func(args))
