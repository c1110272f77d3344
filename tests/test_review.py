"""The review file end to end: convert a scanned sample, settle a flagged cell, apply it."""

import csv
import json
import shutil
from pathlib import Path

import cv2
import pytest

from digitize import review
from digitize.cli import main
from digitize.errors import ExitCode

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SCAN = SAMPLES / "s02_merged_header.scan-seal.pdf"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("converted")
    assert main(["convert", str(SCAN), "-o", str(out), "-q"]) == ExitCode.OK
    return out


@pytest.fixture
def out(converted, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(converted, copy)
    return copy


def read_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=review.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def table_text(out, row):
    grid = list(csv.reader((out / f"{row['table']}.csv").open(encoding="utf-8-sig", newline="")))
    return grid[int(row["row"]) - 1][int(row["col"]) - 1]


def test_convert_writes_a_review_row_and_a_crop_for_each_flagged_cell(converted):
    raw = (converted / "review.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel and WPS read it as UTF-8
    rows = read_rows(converted / "review.csv")
    sidecar = json.loads((converted / f"{SCAN.stem}.json").read_text(encoding="utf-8"))
    flagged = {(c["row"] + 1, c["col"] + 1) for c in sidecar["cells"] if c["flags"]}
    assert rows and {(int(r["row"]), int(r["col"])) for r in rows} == flagged
    for row in rows:
        assert row["final"] == ""
        assert row["proposed"] == table_text(converted, row)
        assert row["reasons"] and row["header"] and row["row_key"]
        crop = cv2.imread(str(converted / row["crop"]))
        assert crop is not None and crop.shape[0] > 20 and crop.shape[1] > 20


def test_apply_writes_final_values_into_the_csv_and_sidecar_and_is_idempotent(out, capsys):
    rows = read_rows(out / "review.csv")
    rows[0]["final"] = rows[0]["proposed"] + "（已核对）"
    write_rows(out / "review.csv", rows)

    assert main(["review", "apply", str(out / "review.csv")]) == ExitCode.OK
    assert "1 cells changed in 1 tables" in capsys.readouterr().err
    assert table_text(out, rows[0]) == rows[0]["final"]
    sidecar = json.loads((out / f"{rows[0]['table']}.json").read_text(encoding="utf-8"))
    where = (int(rows[0]["row"]) - 1, int(rows[0]["col"]) - 1)
    (cell,) = [c for c in sidecar["cells"] if (c["row"], c["col"]) == where]
    assert cell["text"] == rows[0]["final"] and "reviewed" in cell["flags"]

    before = (out / f"{rows[0]['table']}.csv").read_bytes()
    assert main(["review", "apply", str(out / "review.csv")]) == ExitCode.OK
    assert "0 cells changed" in capsys.readouterr().err
    assert (out / f"{rows[0]['table']}.csv").read_bytes() == before


def test_apply_refuses_a_review_file_that_does_not_match_the_outputs(out, capsys):
    rows = read_rows(out / "review.csv")
    rows[0]["final"] = "甲"
    rows[0]["proposed"] = "not what the table holds"
    write_rows(out / "review.csv", rows)
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}

    assert main(["review", "apply", str(out / "review.csv")]) == ExitCode.BAD_INPUT
    assert "does not match" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before


def test_learn_keeps_the_confirmed_word_correction(out, tmp_path):
    rows = read_rows(out / "review.csv")
    rows[0]["ocr_text"] = "提供可法任工服务"
    rows[0]["final"] = "提供司法社工服务"
    write_rows(out / "review.csv", rows)
    corrections = tmp_path / "corrections"
    corrections.mkdir()

    assert review.apply_review(out / "review.csv", learn=True, corrections_dir=corrections) == ExitCode.OK
    learned = (corrections / "learned.tsv").read_text(encoding="utf-8").splitlines()
    assert "提供可法任工服\t提供司法社工服" in learned
    assert review.apply_review(out / "review.csv", learn=True, corrections_dir=corrections) == ExitCode.OK
    assert (corrections / "learned.tsv").read_text(encoding="utf-8").splitlines() == learned  # once only


def test_learned_pairs_keep_numbers_out():
    assert review.learned_pairs("可法任工10人", "司法社工12人") == [("可法任工", "司法社工")]
    assert review.learned_pairs("合计1,000", "合计1,900") == []
