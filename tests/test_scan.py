"""Scanned samples (image-only PDFs from samples/build.py) end to end, scored like `digitize regress`.

Each scanned sample is converted once per session (OCR of a page takes seconds) and shared by the
tests below; the digital samples' regression run is in test_digital.py.
"""

import io
import json
from pathlib import Path

import pymupdf
import pytest

from digitize import regress

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SCANNED = [s for s in regress.load_manifest(SAMPLES) if "scan" in s.features]

@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    done: dict[str, tuple[regress.SampleResult, Path]] = {}

    def convert(sample: regress.Sample) -> tuple[regress.SampleResult, Path]:
        if sample.name not in done:
            out = tmp_path_factory.mktemp(sample.name)
            done[sample.name] = (regress.check_sample(sample, out), out)
        return done[sample.name]

    return convert


def details(result: regress.SampleResult) -> str:
    report = io.StringIO()
    regress.print_details(result, report)
    return report.getvalue()


def test_there_are_scanned_samples():
    assert len(SCANNED) >= 5  # the tests below are not left with nothing to check


@pytest.mark.parametrize("sample", SCANNED, ids=[s.name for s in SCANNED])
def test_scanned_sample_is_read_by_ocr_without_errors(converted, sample):
    result, out = converted(sample)
    assert result.errors == []
    assert len(result.tables) == len(sample.expected) and not result.extra_outputs
    with pymupdf.open(sample.input) as pdf:
        pages = set(range(1, pdf.page_count + 1))
    sides = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))]
    assert {page for side in sides for page in side["pages"]} == pages  # multi-page tables are stitched
    for side in sides:
        assert side["cells"]
        for cell in side["cells"]:
            assert cell["source"] == "ocr:rapidocr", cell
            assert 0.0 <= cell["confidence"] <= 1.0, cell
    # OCR confidence is recorded, not a constant: some cells are read less surely than others.
    assert len({cell["confidence"] for side in sides for cell in side["cells"]}) > 1


@pytest.mark.parametrize("sample", SCANNED, ids=[s.name for s in SCANNED])
def test_scanned_sample_has_the_expected_shape(converted, sample):
    result, _ = converted(sample)
    assert result.shape_ok, details(result)


@pytest.mark.parametrize("sample", SCANNED, ids=[s.name for s in SCANNED])
def test_scanned_sample_meets_its_thresholds(converted, sample):
    result, _ = converted(sample)
    assert result.passed, details(result)
