"""Join characters into lines and lines into cell text, the CJK way."""

from __future__ import annotations

import re
import unicodedata

from .lexicon import WORD_PAIR, is_han, pair_scores
from .model import Char

_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def is_cjk(ch: str) -> bool:
    """Han characters, kana, CJK punctuation and full-width forms: no spaces around them."""
    if not ch:
        return False
    o = ord(ch[0])
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK symbols and punctuation, kana, unified ideographs
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= o <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x3FFFF  # extension planes
        or ch in "“”‘’…—·"
    )


def tidy_spaces(text: str) -> str:
    """Drop spaces next to CJK characters; collapse other runs to one space."""
    text = _SPACES.sub(" ", text).strip()
    out = []
    for i, ch in enumerate(text):
        if ch == " " and (is_cjk(text[i - 1]) or is_cjk(text[i + 1])):
            continue
        out.append(ch)
    return "".join(out)


def squashed(text: str) -> str:
    """The text in NFKC form without any whitespace, for comparing what two readings say."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def join_lines(lines: list[str]) -> str:
    """Join the lines wrapped inside one cell.

    CJK text wraps at any character, so lines join with no space; a cell with no CJK
    at all is Latin text wrapped at spaces, so its lines join with one space.
    """
    lines = [tidy_spaces(line) for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    has_cjk = any(is_cjk(ch) for line in lines for ch in line)
    out = lines[0]
    for line in lines[1:]:
        if not has_cjk and not out.endswith("-"):
            out += " "
        out += line
    return out


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Cluster characters into text lines by vertical position, top to bottom, each left to right."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: c.cy):
        if lines:
            last = lines[-1]
            ref = sum(c.cy for c in last) / len(last)
            if abs(ch.cy - ref) < 0.45 * max(ch.size, last[0].size):
                last.append(ch)
                continue
        lines.append([ch])
    return [sorted(line, key=lambda c: c.bbox[0]) for line in lines]


def line_text(line: list[Char], infer_spaces: bool = True) -> str:
    """Characters of one line; with `infer_spaces` (text layers, which often place words
    without space glyphs), a visible gap between Latin characters becomes a space."""
    out = []
    prev: Char | None = None
    for ch in line:
        if infer_spaces and prev is not None and ch.text.strip() and prev.text.strip():
            gap = ch.bbox[0] - prev.bbox[2]
            if gap > 0.25 * ch.size and not (is_cjk(ch.text) or is_cjk(prev.text)):
                out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


def cell_text(chars: list[Char], infer_spaces: bool = True) -> str:
    lines = [line_text(line, infer_spaces) for line in group_lines(chars)]
    return unicodedata.normalize("NFC", join_lines(lines))


# Chinese typography never starts a line with closing punctuation (行首禁则); at the start of an
# OCR'd cell such a mark is the remains of a rule.
NO_LINE_START = "，。、；：！？）】」』"


HAN_RANGE = "\u3400-\u9fff"  # the Han characters lexicon.is_han knows, for a regular expression
# The year of a document number is set in 〔〕 (GB/T 9704: "穗财政〔2021〕113号"); OCR reads
# it as [], () or 【】, and the number may wrap within its cell.
DOCUMENT_YEAR = re.compile(rf"(?<=[{HAN_RANGE}])[\[［(（【〔](\s*\d{{4}}\s*)[\]］)）】〕](?=\s*\d+\s*号)")


# A numbered list in a cell ("1、产出指标：…，年度指标值：95%。2、效益指标：…") numbers its
# items with 、 and ends each with 。, and a label and its colon follow the clause before them
# after ，; a worn scan leaves these small marks looking alike, and OCR mixes them up.
LIST_MARKS = ".,:;·，、：；。"
ITEM_NUMBER = re.compile(rf"(?<![0-9.])([0-9]{{1,2}})[{LIST_MARKS}](?=[{HAN_RANGE}]{{1,5}}[：:])")
ITEM_END = re.compile(rf"(?<=[^0-9\s{LIST_MARKS}])[{LIST_MARKS}]?(?=[0-9]{{1,2}}、[{HAN_RANGE}]{{1,5}}[：:])")
# Two to five characters before a colon may be a list of short items ("时间、地点："), not a label.
LABEL_AFTER_CLAUSE = re.compile(rf"(?<=[{HAN_RANGE}%）)”》])[、。；;.:·：](?=[{HAN_RANGE}]{{3,5}}[：:])")
# A cell's text ends on its last character or a full stop, never on a comma or semicolon;
# a figure on its last digit. (A full-width colon read as such may end a label.)
TEXT_END = re.compile(rf"(?<=[{HAN_RANGE}%）)”》0-9])[.,:;，；、·]$")
FIGURE_END = re.compile(r"(?<=[0-9])[.,:;·]$")
# A cell of at most LABEL_CELL characters with no mark inside is a label or a value, not a
# sentence: it ends on no mark (what OCR read there is a speck or a worn character).
LABEL_CELL = 15
SEGMENT_MARKS = "，,、。；;：:"  # the marks that part a text into clauses and items
LABEL_END = re.compile(rf"(?<=[{HAN_RANGE}%）)”》0-9])[.,:;，；、·。]$")
# Chinese text never doubles a comma, stop or colon; OCR reads one mark twice.
DOUBLED_MARK = re.compile(r"([，、；：。])\1+")
# A book title opened or closed with an angle bracket the OCR read for 《 or 》.
TITLE_OPENED = re.compile(rf"<(?=[{HAN_RANGE}][^<>《》]*》)")
TITLE_CLOSED = re.compile(rf"(?<=《)([^<>《》]*[{HAN_RANGE}])>")
QUOTE_MARKS = re.compile("[\"“”]")
# A stop, colon or point between two Han characters that form a word (lexicon.WORD_PAIR),
# within a line or where it wraps, is a speck of the scan read as a mark: no mark parts a word.
SPECK_BETWEEN_HAN = re.compile(rf"(?<=([{HAN_RANGE}]))[。：:.·](?=([{HAN_RANGE}]))")


def tidy_ocr_text(text: str) -> str:
    """OCR'd cell text without the rule remains at its start or specks inside words, document
    numbers' years in 〔〕, the marks of a numbered list as such lists set them, doubled marks
    read once, 《》 for angle brackets around a title and quotes paired."""
    words = pair_scores()
    text = SPECK_BETWEEN_HAN.sub(
        lambda m: "" if words.get(m.group(1) + m.group(2), 0.0) >= WORD_PAIR else m.group(0), text)
    text = DOCUMENT_YEAR.sub(lambda m: f"〔{m.group(1)}〕", text.lstrip(NO_LINE_START + " "))
    text = ITEM_END.sub("。", ITEM_NUMBER.sub(r"\1、", text))
    text = LABEL_AFTER_CLAUSE.sub("，", text)
    text = DOUBLED_MARK.sub(r"\1", text)
    text = TITLE_CLOSED.sub(r"\1》", TITLE_OPENED.sub("《", text))
    return paired_quotes(text)


def ended_ocr_text(text: str) -> str:
    """A whole OCR'd cell's text with the mark it ends on set as cells end: a full stop after
    text, none after a figure or a label. Only whole: the first part of a row cut by a page
    break may well stop on a comma."""
    if not any(map(is_han, text)):
        return FIGURE_END.sub("", text)
    if len(text) <= LABEL_CELL and not any(mark in SEGMENT_MARKS for mark in text[:-1]):
        return LABEL_END.sub("", text)
    return TEXT_END.sub("。", text)


def paired_quotes(text: str) -> str:
    """Double quotes set “ ” in turn where OCR read one the wrong way round or straight: when
    the marks are even in number but do not nest as read, or mix curly and straight ones.
    Marks that nest as read (a quote within a quote, set “ “ ” ”) or all straight stay."""
    marks = QUOTE_MARKS.findall(text)
    if len(marks) % 2 or '"' not in marks and _nested(marks) or "“" not in marks and "”" not in marks:
        return text
    turn = iter("“”" * (len(marks) // 2))
    return QUOTE_MARKS.sub(lambda _: next(turn), text)


def _nested(marks: list[str]) -> bool:
    depth = 0
    for mark in marks:
        depth += 1 if mark == "“" else -1
        if depth < 0:
            return False
    return depth == 0
