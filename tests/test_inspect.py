"""`digitize inspect`: the page drawn with its grid and cells."""

from pathlib import Path

import cv2
import numpy as np
import pymupdf

from digitize.cli import main
from digitize.errors import ExitCode
from digitize.inspect import INSPECT_DPI, SURE, TABLE

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def pixels_of(picture: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.all(np.abs(picture.astype(int) - colour) <= 10, axis=2).sum())


def test_inspect_draws_the_page_with_its_tables_and_cells(tmp_path, capsys):
    sample = SAMPLES / "s06_form_two_tables.pdf"
    png = tmp_path / "page.png"
    assert main(["inspect", str(sample), "--page", "1", "-o", str(png)]) == ExitCode.OK
    assert "cells drawn" in capsys.readouterr().err
    picture = cv2.imread(str(png))
    with pymupdf.open(sample) as doc:
        width = doc[0].rect.width * INSPECT_DPI / 72
    assert abs(picture.shape[1] - width) <= 2
    assert pixels_of(picture, TABLE) > 1000  # the table outlines
    assert pixels_of(picture, SURE) > 1000  # cell boxes of a text layer: read surely


def test_inspect_of_a_page_that_is_not_there_is_bad_input(tmp_path, capsys):
    sample = SAMPLES / "s06_form_two_tables.pdf"
    assert main(["inspect", str(sample), "--page", "9", "-o", str(tmp_path / "p.png")]) == ExitCode.BAD_INPUT
    assert "no page 9" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()
