"""The command line on bad input: one error line naming the file, the batch goes on."""

import shutil
from pathlib import Path

import pymupdf
import pytest

from digitize.cli import main
from digitize.errors import ExitCode

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def a_sample() -> Path:
    return sorted(SAMPLES.glob("*.pdf"))[0]


def test_corrupt_pdf_fails_with_one_line_and_batch_continues(tmp_path, capsys):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not a pdf at all")
    good = tmp_path / "good.pdf"
    shutil.copy(a_sample(), good)
    code = main(["convert", str(bad), str(good), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == ExitCode.SOME_FAILED
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        line for line in err.splitlines() if "broken.pdf" in line
    ]
    assert (tmp_path / "out" / "good.csv").exists() or list((tmp_path / "out").glob("good.t*.csv"))


def test_encrypted_pdf_needs_password(tmp_path, capsys):
    locked = tmp_path / "locked.pdf"
    with pymupdf.open(a_sample()) as doc:
        doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    assert main(["convert", str(locked), "-o", str(tmp_path / "a")]) == ExitCode.BAD_INPUT
    assert "password" in capsys.readouterr().err
    assert main(["convert", str(locked), "-o", str(tmp_path / "b"), "--password", "secret"]) == ExitCode.OK
    assert list((tmp_path / "b").glob("locked*.csv"))


def test_page_without_table_is_reported(tmp_path, capsys):
    plain = tmp_path / "prose.pdf"
    with pymupdf.open() as doc:
        doc.new_page().insert_text((72, 72), "No table on this page.")
        doc.save(plain)
    assert main(["convert", str(plain), "-o", str(tmp_path / "out")]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "prose.pdf" in err and "no table" in err


def test_missing_input_is_a_usage_error(tmp_path):
    assert main(["convert", str(tmp_path / "nowhere.pdf"), "-o", str(tmp_path / "out")]) == ExitCode.USAGE


def test_unknown_option_is_a_usage_error():
    assert main(["convert", "--no-such-option"]) == ExitCode.USAGE


@pytest.mark.parametrize("encoding, bom", [("utf-8-sig", True), ("utf-8", False)])
def test_csv_encoding(tmp_path, encoding, bom):
    assert main(["convert", str(a_sample()), "-o", str(tmp_path), "--encoding", encoding]) == ExitCode.OK
    data = next(tmp_path.glob("*.csv")).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    assert b"\r\n" in data


def test_page_without_text_layer_is_named_and_other_pages_convert(tmp_path, capsys):
    mixed = tmp_path / "mixed.pdf"
    with pymupdf.open(a_sample()) as doc:
        pix = doc[0].get_pixmap(dpi=50)
        page = doc.new_page()
        page.insert_image(page.rect, pixmap=pix)  # an image-only page, as a scan would be
        doc.save(mixed)
        scan_page = doc.page_count
    assert main(["convert", str(mixed), "-o", str(tmp_path / "out")]) == ExitCode.SOME_FAILED
    err = capsys.readouterr().err
    assert f"mixed.pdf, page {scan_page}: no text layer" in err
    assert list((tmp_path / "out").glob("mixed*.csv"))
