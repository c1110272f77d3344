"""Digital (text-layer) pages end to end, on the sample PDFs built by samples/build.py."""

import io
import json
import shutil
from pathlib import Path

from digitize import regress
from digitize.pipeline import convert_file, extract
from digitize.scoring import load_csv

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def digital_samples(folder: Path) -> list[str]:
    """Copy the digital samples (with their expected CSVs and manifest entries) into `folder`."""
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    digital = [entry for entry in manifest if "scan" not in entry["features"]]
    (folder / "expected").mkdir(parents=True)
    for entry in digital:
        for rel in [entry["input"], *entry["expected"]]:
            shutil.copyfile(SAMPLES / rel, folder / rel)
    (folder / "manifest.json").write_text(json.dumps(digital, ensure_ascii=False), encoding="utf-8")
    return [entry["name"] for entry in digital]


def test_regression_on_digital_samples_passes(tmp_path):
    """Every text-layer sample converts exactly (the scanned ones are checked in test_scan.py)."""
    names = digital_samples(tmp_path / "samples")
    assert len(names) >= 6
    report = io.StringIO()
    code = regress.run(tmp_path / "samples", tmp_path / "out", stream=report)
    assert code == 0, report.getvalue()
    overall = f"OVERALL samples={len(names)} passed={len(names)} failed=0 exact=1.000 cer=0.000"
    assert overall in report.getvalue()


def test_wrapped_cell_text_is_joined_without_spaces():
    doc = extract(SAMPLES / "s01_wrapped_full.pdf")
    grid = doc.tables[0].grid()
    assert grid == load_csv(SAMPLES / "expected" / "s01_wrapped_full.csv")
    assert "广州市从化区司法局" in {cell for row in grid for cell in row}


def test_merged_header_span_is_recorded_in_sidecar(tmp_path):
    result = convert_file(SAMPLES / "s02_merged_header.pdf", tmp_path)
    assert result.outputs == [tmp_path / "s02_merged_header.csv"]
    side = json.loads((tmp_path / "s02_merged_header.json").read_text(encoding="utf-8"))
    spans = {(c["text"], c["rowspan"], c["colspan"]) for c in side["cells"]}
    assert ("预算金额", 1, 4) in spans
    assert ("项目名称（资金使用单位）", 2, 1) in spans
    assert all(c["source"] == "text-layer" for c in side["cells"])


def test_row_cut_by_page_break_becomes_one_row():
    for name in ("s04_pages_repeat_header", "s05_pages_no_repeat"):
        doc = extract(SAMPLES / f"{name}.pdf")
        assert len(doc.pages) > 1 and len(doc.tables) == 1
        table = doc.tables[0]
        assert table.pages == list(range(1, len(doc.pages) + 1))
        assert table.grid() == load_csv(SAMPLES / "expected" / f"{name}.csv")
        assert any(cell.continued for cell in table.cells)


def test_header_repeated_on_continuation_pages_appears_once():
    grid = extract(SAMPLES / "s04_pages_repeat_header.pdf").tables[0].grid()
    assert sum(1 for row in grid if row == grid[0]) == 1


def test_partially_ruled_table_gets_columns_from_text():
    doc = extract(SAMPLES / "s03_partial_rules.pdf")
    assert doc.tables[0].grid() == load_csv(SAMPLES / "expected" / "s03_partial_rules.csv")


def test_two_tables_on_one_page_give_two_csvs(tmp_path):
    result = convert_file(SAMPLES / "s06_form_two_tables.pdf", tmp_path)
    assert [p.name for p in result.outputs] == ["s06_form_two_tables.t01.csv", "s06_form_two_tables.t02.csv"]
