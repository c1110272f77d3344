"""The command line on bad input: one error line naming the file, the batch goes on."""

import json
import shutil
from pathlib import Path

import pymupdf
import pytest

from digitize.cli import main
from digitize.errors import ExitCode
from digitize.scoring import load_csv

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


def test_pdf_mixing_text_layer_and_image_pages_converts_both(tmp_path, capsys):
    mixed = tmp_path / "mixed.pdf"
    with pymupdf.open(SAMPLES / "s06_form_two_tables.pdf") as doc, \
            pymupdf.open(SAMPLES / "s03_partial_rules.pdf") as other:
        pix = other[0].get_pixmap(dpi=200)
        page = doc.new_page(width=other[0].rect.width, height=other[0].rect.height)
        page.insert_image(page.rect, pixmap=pix)  # an image-only page, as a scan would be
        doc.save(mixed)
    out = tmp_path / "out"
    assert main(["convert", str(mixed), "-o", str(out)]) == ExitCode.OK
    assert "error" not in capsys.readouterr().err
    sides = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("mixed.t*.json"))]
    assert [side["pages"] for side in sides] == [[1], [1], [2]]
    for side in sides:
        for cell in side["cells"]:
            assert cell["page"] == side["pages"][0]
            assert cell["source"] == ("text-layer" if cell["page"] == 1 else "ocr:rapidocr"), cell
            assert 0.0 <= cell["confidence"] <= 1.0
    for n in (1, 2):  # the text-layer page converts exactly, as it does on its own
        expected = load_csv(SAMPLES / "expected" / f"s06_form_two_tables.t0{n}.csv")
        assert load_csv(out / f"mixed.t0{n}.csv") == expected
    # The image page was read, not just gridded: its table has the page's shape and texts.
    expected = load_csv(SAMPLES / "expected" / "s03_partial_rules.csv")
    assert (sides[2]["rows"], sides[2]["cols"]) == (len(expected), len(expected[0]))
    assert load_csv(out / "mixed.t03.csv")[0] == expected[0]
    assert {"法律援助经费", "316.20", "社区矫正服务经费", "95.40"} <= {c["text"] for c in sides[2]["cells"]}


def one_error_line_naming(err: str, name: str) -> bool:
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    return len(errors) == 1 and name in errors[0]


@pytest.mark.parametrize("kind", ["truncated", "zero-pages", "not-a-pdf"])
def test_unusable_pdf_is_one_error_line_and_the_batch_goes_on(tmp_path, capsys, kind):
    bad = tmp_path / f"{kind}.pdf"
    if kind == "truncated":
        data = a_sample().read_bytes()
        bad.write_bytes(data[: len(data) // 3])
    elif kind == "zero-pages":
        bad.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    else:
        bad.write_bytes(b"\x89PNG\r\n\x1a\n but not really an image either")
    good = tmp_path / "good.pdf"
    shutil.copy(a_sample(), good)
    assert main(["convert", str(bad), str(good), "-o", str(tmp_path / "out")]) == ExitCode.SOME_FAILED
    assert one_error_line_naming(capsys.readouterr().err, bad.name)
    assert (tmp_path / "out" / "good.csv").exists()
    assert main(["convert", str(bad), "-o", str(tmp_path / "alone")]) == ExitCode.BAD_INPUT


def ruled_page(doc: pymupdf.Document, width: float, height: float, rows: list[list[str]]) -> None:
    page = doc.new_page(width=width, height=height)
    x, y, w, h = 72.0, 100.0, 120.0, 24.0
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.draw_rect(pymupdf.Rect(x + c * w, y + r * h, x + (c + 1) * w, y + (r + 1) * h), width=0.8)
            page.insert_text((x + c * w + 6, y + r * h + 16), text, fontname="china-s", fontsize=10)


def test_an_a0_page_converts(tmp_path, capsys):
    big = tmp_path / "a0.pdf"
    with pymupdf.open() as doc:
        ruled_page(doc, 2384, 3370, [["项目", "金额"], ["法律援助", "316.20"]])
        doc.new_page(width=2384, height=3370)  # and a blank A0 page, rendered for OCR
        doc.save(big)
    assert main(["convert", str(big), "-o", str(tmp_path / "out")]) == ExitCode.OK
    assert "error" not in capsys.readouterr().err  # a page without a table in a document with one is fine
    assert load_csv(tmp_path / "out" / "a0.csv") == [["项目", "金额"], ["法律援助", "316.20"]]


def test_a_thousand_page_pdf_converts(tmp_path):
    long = tmp_path / "long.pdf"
    with pymupdf.open() as doc:
        for n in range(1000):
            ruled_page(doc, 595, 842, [["项目", "金额"], [f"项目{n}", f"{n}.00"]])
        doc.save(long)
    assert main(["convert", str(long), "-o", str(tmp_path / "out"), "-q"]) == ExitCode.OK
    rows = [row for path in sorted((tmp_path / "out").glob("long*.csv")) for row in load_csv(path)]
    assert sum(row[0].startswith("项目") and row[0] != "项目" for row in rows) == 1000
