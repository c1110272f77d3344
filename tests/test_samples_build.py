"""The committed samples are exactly what samples/build.py makes, and their PDFs carry the expected texts."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pymupdf
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
NAMES = [e["name"] for e in MANIFEST]
DIGITAL = [e for e in MANIFEST if "scan" not in e["features"]]
SCANNED = [e for e in MANIFEST if "scan" in e["features"]]
SCANNED_NAMES = [e["name"] for e in SCANNED]
SCAN_GREY_SLACK = 8  # grey levels a pixel of a fresh scan may differ by
SCAN_PIXELS_MOVED = 0.001  # share of pixels that may differ by more


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("samples_build", SAMPLES / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    load_builder().build(out)
    return out


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_manifest_is_up_to_date(built: Path) -> None:
    assert (built / "manifest.json").read_bytes() == (SAMPLES / "manifest.json").read_bytes()


def test_manifest_entries() -> None:
    build = load_builder()
    listed = set()
    for entry in MANIFEST:
        assert set(entry) == {"name", "input", "expected", "features", "thresholds"}
        assert (SAMPLES / entry["input"]).is_file()
        scans = {scan.name: scan for scan in build.SCANS}
        expected = scans[entry["name"]].thresholds if entry["name"] in scans else build.THRESHOLDS
        assert entry["thresholds"] == expected, entry["name"]
        listed |= set(entry["expected"])
    on_disk = {f"expected/{p.name}" for p in (SAMPLES / "expected").glob("*.csv")}
    assert listed == on_disk
    # Text layers must convert exactly; OCR gets some slack on the texts, none on the table's shape.
    assert build.THRESHOLDS == {"min_exact": 1.0, "max_cer": 0.0, "shape": True}
    assert all(scan.thresholds["shape"] is True for scan in build.SCANS)


@pytest.mark.parametrize("entry", SCANNED, ids=SCANNED_NAMES)
def test_scanned_sample_shares_its_digital_samples_expected_csvs(entry: dict) -> None:
    digital = {e["name"]: e for e in DIGITAL}
    base, kind = entry["name"].split(".scan-")
    assert base in digital and kind
    assert entry["input"] == f"{entry['name']}.pdf"
    assert entry["expected"] == digital[base]["expected"]


@pytest.mark.parametrize("entry", MANIFEST, ids=NAMES)
def test_expected_csvs_are_up_to_date(built: Path, entry: dict) -> None:
    for rel in entry["expected"]:
        assert (built / rel).read_bytes() == (SAMPLES / rel).read_bytes(), rel
        rows = read_csv(SAMPLES / rel)
        assert rows and len({len(r) for r in rows}) == 1, f"{rel} is not rectangular"


def page_images(path: Path) -> list[np.ndarray]:
    """The one image on each page of a scanned PDF, decoded."""
    with pymupdf.open(path) as doc:
        return [
            cv2.imdecode(np.frombuffer(doc.extract_image(page.get_images()[0][0])["image"], np.uint8), -1)
            for page in doc
        ]


@pytest.mark.parametrize("entry", MANIFEST, ids=NAMES)
def test_pdf_is_up_to_date(built: Path, entry: dict) -> None:
    fresh, committed = built / entry["input"], SAMPLES / entry["input"]
    if fresh.read_bytes() == committed.read_bytes():
        return
    if entry in SCANNED:
        # OpenCV's resampling and encoders round a little differently from release to release, so a
        # scan is up to date when its pixels all but match; a changed step or seed moves most of them.
        pages, want = page_images(fresh), page_images(committed)
        assert len(pages) == len(want), f"{committed.name}: run `python samples/build.py`"
        for number, (image, model) in enumerate(zip(pages, want, strict=True), 1):
            where = f"{committed.name} page {number}: run `python samples/build.py`"
            assert image.shape == model.shape, where
            moved = np.abs(image.astype(int) - model.astype(int)) > SCAN_GREY_SLACK
            assert moved.mean() <= SCAN_PIXELS_MOVED, where
        return
    made_by = pymupdf.open(committed).metadata.get("producer")
    if made_by != f"PyMuPDF {pymupdf.VersionBind}":
        pytest.skip(f"{committed.name} was made by {made_by}, this is PyMuPDF {pymupdf.VersionBind}")
    pytest.fail(f"{committed.name} differs from a fresh build: run `python samples/build.py`")


def page_texts(path: Path) -> list[tuple[str, set[int]]]:
    """Each page's text with all whitespace removed, and the offsets where its text lines end."""
    pages = []
    with pymupdf.open(path) as doc:
        for page in doc:
            joined, ends = "", set()
            for line in page.get_text().splitlines():
                joined += squeeze(line)
                ends.add(len(joined))
            pages.append((joined, ends))
    return pages


def occurrences(haystack: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), haystack)]


def found(text: str, pages: list[tuple[str, set[int]]], first: int = 0, head: bool = True) -> bool:
    """`text` is on a page, or (a cell cut by a page break) its head ends a line on one page and the
    rest starts a line on the next."""
    for i in range(first, len(pages) if head else first + 1):
        joined, ends = pages[i]
        starts = ends | {0}
        if any(head or p in starts for p in occurrences(joined, text)):
            return True
        if i + 1 == len(pages):
            continue
        for k in range(1, len(text)):
            ok = any(p + k in ends and (head or p in starts) for p in occurrences(joined, text[:k]))
            if ok and found(text[k:], pages, i + 1, head=False):
                return True
    return False


@pytest.mark.parametrize("entry", DIGITAL, ids=[e["name"] for e in DIGITAL])
def test_pdf_text_layer_holds_every_cell(entry: dict) -> None:
    pages = page_texts(SAMPLES / entry["input"])
    for rel in entry["expected"]:
        for r, row in enumerate(read_csv(SAMPLES / rel)):
            for c, text in enumerate(row):
                if squeeze(text):
                    assert found(squeeze(text), pages), f"{rel} row {r} col {c}: {text!r} not in the PDF"


def dpi_of(entry: dict) -> int:
    (dpi,) = [int(f[: -len("dpi")]) for f in entry["features"] if re.fullmatch(r"\d+dpi", f)]
    return dpi


@pytest.mark.parametrize("entry", SCANNED, ids=SCANNED_NAMES)
def test_scanned_pdf_is_one_page_image_per_digital_page(entry: dict) -> None:
    digital = SAMPLES / f"{entry['name'].split('.scan-')[0]}.pdf"
    dpi = dpi_of(entry)
    with pymupdf.open(SAMPLES / entry["input"]) as scan, pymupdf.open(digital) as original:
        assert scan.page_count == original.page_count
        for page, model in zip(scan, original, strict=True):
            where = f"{entry['input']} page {page.number + 1}"
            text_blocks = [b for b in page.get_text("dict")["blocks"] if b["type"] == 0]
            assert not text_blocks, f"{where} has a text layer"
            assert page.get_drawings() == [], f"{where} has vector drawings"
            assert len(page.get_images()) == 1, where
            (info,) = page.get_image_info()
            assert pymupdf.Rect(page.rect) == pymupdf.Rect(model.rect), where
            assert pymupdf.Rect(info["bbox"]).contains(page.rect + (0.1, 0.1, -0.1, -0.1)), where
            # The image is the page rendered at the dpi the sample's features name.
            assert abs(info["width"] - page.rect.width * dpi / 72) <= 1, where
            assert abs(info["height"] - page.rect.height * dpi / 72) <= 1, where


def test_wrap_keeps_text_and_width() -> None:
    build = load_builder()
    text = "1、产出指标：法律咨询服务人次，年度指标值：≥6000人次。2、产出指标：12348热线接听及时率。"
    lines = build.wrap(text, 60.0, 9.0)
    assert "".join(lines) == text and len(lines) > 3
    assert all(build.text_width(line, 9.0) <= 60.0 for line in lines)
    assert not any(line[0] in build.CLOSERS for line in lines)
    assert build.wrap("财政专户\n拨款", 200.0, 9.0) == ["财政专户", "拨款"]


def test_forced_breaks() -> None:
    build = load_builder()
    long = "保障社区矫正日常监管、教育学习和信息化核查工作正常开展。" * 4
    table = {"widths": [80, 120], "header": [["项目名称", "绩效目标"]], "repeat_header": True}
    rows = [
        ["甲", long],
        {"cells": ["乙", long], "split_after": 2},
        {"cells": ["丙", "短"], "break_before": True},
    ]
    pdf, tables, splits = build.build_sample({"tables": [{**table, "body": rows}]})
    doc = pymupdf.open("pdf", pdf)
    assert splits == 1 and len(doc) == 3
    assert [squeeze(p.get_text()).count("项目名称") for p in doc] == [1, 1, 1]
    assert tables == [[["项目名称", "绩效目标"], ["甲", long], ["乙", long], ["丙", "短"]]]
