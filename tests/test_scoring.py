import io
import json
from pathlib import Path

import pytest

from digitize import scoring
from digitize.errors import ExitCode

TABLE = [
    ["科目编码", "科目名称", "预算数"],
    ["201", "一般公共服务支出", "1234.56"],
    ["205", "教育支出", "880.00"],
    ["208", "社会保障和就业支出", "77.10"],
    ["", "合计", "2191.66"],
]


def nonempty(table: list[list[str]]) -> int:
    return sum(1 for row in table for cell in row if cell)


def chars(table: list[list[str]]) -> int:
    return sum(len(cell) for row in table for cell in row)


def test_normalize_nfkc_and_whitespace():
    assert scoring.normalize("  １２３\u3000 ４\n5 ") == "123 4 5"


def test_load_csv_pads_rows_and_drops_trailing_empty(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b,c\r\nd\r\n,,\r\n , \r\n".encode())
    assert scoring.load_csv(path) == [["a", "b", "c"], ["d", "", ""]]


def test_identical_tables_are_exact():
    score = scoring.score_table(TABLE, [row[:] for row in TABLE])
    assert score.shape_ok
    assert score.cells == nonempty(TABLE)
    assert score.exact_share == 1.0
    assert score.cer == 0.0
    assert score.diffs == []


def test_missing_row_only_loses_its_cells():
    predicted = [row for n, row in enumerate(TABLE) if n != 2]
    score = scoring.score_table(TABLE, predicted)
    assert not score.shape_ok
    assert (score.rows_predicted, score.cols_predicted) == (4, 3)
    assert score.cells == nonempty(TABLE)
    assert score.exact == nonempty(TABLE) - 3
    assert {(d.row, d.col) for d in score.diffs} == {(2, 0), (2, 1), (2, 2)}
    assert score.edit_distance == chars([TABLE[2]])
    assert score.cer == pytest.approx(chars([TABLE[2]]) / chars(TABLE))


def test_extra_empty_column_shifts_nothing():
    predicted = [[""] + row for row in TABLE]
    score = scoring.score_table(TABLE, predicted)
    assert not score.shape_ok
    assert score.exact_share == 1.0
    assert score.cer == 0.0


def test_missing_column_only_loses_its_cells():
    predicted = [[row[0], row[2]] for row in TABLE]
    score = scoring.score_table(TABLE, predicted)
    names = [row[1] for row in TABLE]
    assert score.exact == nonempty(TABLE) - len(names)
    assert {d.col for d in score.diffs} == {1}
    assert score.edit_distance == sum(len(name) for name in names)


def test_changed_character_gives_its_cer():
    predicted = [row[:] for row in TABLE]
    predicted[1][2] = "1284.56"
    score = scoring.score_table(TABLE, predicted)
    assert score.shape_ok
    assert score.exact == nonempty(TABLE) - 1
    assert score.edit_distance == 1
    assert score.cer == pytest.approx(1 / chars(TABLE))
    assert score.diffs == [scoring.CellDiff(1, 2, "1234.56", "1284.56")]


def test_fullwidth_prediction_is_exact_after_normalisation():
    predicted = [row[:] for row in TABLE]
    predicted[1][2] = "１２３４.５６ "
    assert scoring.score_table(TABLE, predicted).exact_share == 1.0


def test_spurious_text_in_empty_cell_is_counted():
    predicted = [row[:] for row in TABLE]
    predicted[4][0] = "999"
    score = scoring.score_table(TABLE, predicted)
    assert score.cells == nonempty(TABLE) + 1
    assert score.exact == nonempty(TABLE)
    assert score.edit_distance == 3
    assert score.diffs == [scoring.CellDiff(4, 0, "", "999")]


def test_spurious_row_is_counted():
    noise = ["单位 万元", "", ""]
    score = scoring.score_table(TABLE, [noise] + [row[:] for row in TABLE])
    assert not score.shape_ok
    assert score.cells == nonempty(TABLE) + 1
    assert score.exact == nonempty(TABLE)
    assert score.edit_distance == len(noise[0])
    assert score.diffs == [scoring.CellDiff(None, 0, "", noise[0])]


def test_missing_prediction_scores_zero():
    score = scoring.score_table(TABLE, None)
    assert not score.shape_ok
    assert score.exact_share == 0.0
    assert score.cer == 1.0
    assert score.cells == nonempty(TABLE)


def test_empty_prediction_scores_zero_but_is_not_missing_shape():
    score = scoring.score_table(TABLE, [])
    assert (score.rows_predicted, score.cols_predicted) == (0, 0)
    assert not score.shape_ok
    assert score.exact == 0


def test_shape_detection():
    same_shape = [row[:] for row in TABLE]
    same_shape[0][0] = "编码"
    assert scoring.score_table(TABLE, same_shape).shape_ok
    extra_col = [row + ["x"] for row in TABLE]
    assert not scoring.score_table(TABLE, extra_col).shape_ok
    assert not scoring.score_table(TABLE, TABLE[:-1]).shape_ok


# --- regress -------------------------------------------------------------------------------------------

GRID = [["Item", "Amount"], ["Tax", "1200"]]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(",".join(row) + "\r\n" for row in rows), encoding="utf-8-sig")


def write_samples(root: Path, expected: list[list[str]], thresholds: dict | None = None) -> Path:
    """A samples folder with one PDF holding a ruled 2x2 table and its expected CSV."""
    import pymupdf

    root.mkdir(parents=True, exist_ok=True)
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    xs, ys = [72, 222, 372], [100, 130, 160]
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=1)
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y), width=1)
    for r, row in enumerate(GRID):
        for c, text in enumerate(row):
            page.insert_text((xs[c] + 6, ys[r] + 20), text, fontsize=11)
    doc.save(root / "tiny.pdf")
    doc.close()
    write_csv(root / "expected" / "tiny.csv", expected)
    entry = {
        "name": "tiny",
        "input": "tiny.pdf",
        "expected": ["expected/tiny.csv"],
        "features": ["ruled"],
        "thresholds": thresholds or {"min_exact": 1.0, "max_cer": 0.0, "shape": True},
    }
    (root / "manifest.json").write_text(json.dumps([entry]), encoding="utf-8")
    return root


@pytest.fixture
def fake_converter(monkeypatch):
    """Replace the converter with one that writes preset tables, to test reporting on its own."""
    from digitize import pipeline

    tables: list[list[list[str]]] = []

    def convert_file(path, out_dir, options=None):
        result = pipeline.ConvertResult(Path(path))
        for n, rows in enumerate(tables, 1):
            csv_path = Path(out_dir) / f"{Path(path).stem}.t{n:02d}.csv"
            write_csv(csv_path, rows)
            result.outputs.append(csv_path)
        return result

    monkeypatch.setattr(pipeline, "convert_file", convert_file)
    return tables


def run_regress(samples: Path, out_dir: Path | None = None) -> tuple[int, str]:
    from digitize import regress

    stream = io.StringIO()
    code = regress.run(samples, out_dir, stream=stream)
    return code, stream.getvalue()


def test_regress_passes_on_matching_tables(tmp_path, fake_converter):
    fake_converter.append(GRID)
    code, report = run_regress(write_samples(tmp_path / "samples", GRID))
    assert code == ExitCode.OK
    assert "PASS" in report and "FAIL" not in report
    assert "passed=1 failed=0" in report


def test_regress_reports_differing_cells(tmp_path, fake_converter):
    fake_converter.append([["Item", "Amount"], ["Tax", "1300"]])
    code, report = run_regress(write_samples(tmp_path / "samples", GRID))
    assert code == ExitCode.REGRESSION
    assert "tiny [ruled]: FAIL" in report
    assert "row 2 col 2: expected '1200' got '1300'" in report


def test_regress_thresholds_allow_small_errors(tmp_path, fake_converter):
    fake_converter.append([["Item", "Amount"], ["Tax", "1300"]])
    limits = {"min_exact": 0.7, "max_cer": 0.1, "shape": True}
    code, report = run_regress(write_samples(tmp_path / "samples", GRID, limits))
    assert code == ExitCode.OK
    assert "expected '1200' got '1300'" in report  # imperfect samples still show their diffs


def test_regress_missing_and_extra_tables(tmp_path, fake_converter):
    samples = write_samples(tmp_path / "samples", GRID)
    code, report = run_regress(samples)
    assert code == ExitCode.REGRESSION
    assert "no predicted table" in report

    fake_converter.extend([GRID, [["x"]]])
    code, report = run_regress(samples)
    assert code == ExitCode.REGRESSION
    assert "extra output table: tiny.t02.csv" in report


def test_regress_keeps_outputs_in_given_folder(tmp_path, fake_converter):
    fake_converter.append(GRID)
    run_regress(write_samples(tmp_path / "samples", GRID), tmp_path / "out")
    assert (tmp_path / "out" / "tiny" / "tiny.t01.csv").is_file()


@pytest.mark.parametrize(
    "manifest",
    [
        None,
        "{not json",
        "[]",
        '[{"name": "a"}]',
        '[{"name": "../a", "input": "a.pdf", "expected": ["a.csv"]}]',
        '[{"name": "a", "input": "a.pdf", "expected": ["none.csv"]}]',
        '[{"name": "a", "input": "a.pdf", "expected": ["a.csv"], "thresholds": {"min_exact": "high"}}]',
    ],
)
def test_regress_bad_manifest_is_a_usage_error(tmp_path, manifest):
    (tmp_path / "a.csv").write_text("x\r\n", encoding="utf-8")
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    code, report = run_regress(tmp_path)
    assert code == ExitCode.USAGE
    assert len(report.strip().splitlines()) == 1
    assert "manifest.json" in report


def test_regress_converts_a_real_pdf(tmp_path):
    samples = write_samples(tmp_path / "samples", GRID)
    code, report = run_regress(samples)
    assert code == ExitCode.OK, report

    write_csv(samples / "expected" / "tiny.csv", [["Item", "Amount"], ["Tax", "1201"]])
    code, report = run_regress(samples)
    assert code == ExitCode.REGRESSION, report
    assert "expected '1201' got '1200'" in report
