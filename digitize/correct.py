"""Fix OCR misreadings against the domain glossary in corrections/.

A span of a cell's text that nearly matches a glossary term (plain Levenshtein ratio, windows
of the term's length and one more or less) is replaced by the term only when every character
that differs is a look-alike of the term's character (confusables.tsv) or was read with low
confidence, no character that differs belongs to a glossary term the text already spells out,
and the term beats every rival reading of the span by a clear margin. Only Han characters
change: digits, amounts, percentages, dates and document codes never do. Corrections a person
confirmed in review (learned.tsv) are applied first, as they stand; an item number that lost its
、 ("。2产出指标") gets it back.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .model import Cell, Char, Table

CORRECTIONS_DIR = Path(os.environ.get("DIGITIZE_CORRECTIONS", Path(__file__).resolve().parent.parent
                                      / "corrections"))
MIN_TERM = 3  # shorter terms match too much by chance
MIN_SCORE = 50.0  # fuzz.ratio cut-off: "可法任工" still reads as "司法社工"
# The best term must beat any rival reading of its span by this much score, or by explaining
# at least one character more of the text.
MARGIN = 10.0
LOW_CONFIDENCE = 0.8  # a character read less surely than this may be replaced by any Han character
# ... but only to spell a term this long: a three-character term one unsure character off
# ("工作建" for 工作日) is as likely another word.
LOW_CONFIDENCE_TERM = 4
HAN = re.compile(r"[\u3400-\u9fff]")
# Spans that are data, not words: dates and document codes ("穗财政〔2021〕113号").
PROTECTED = re.compile(
    r"\d{2,4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"
    r"|[\u3400-\u9fff]{1,6}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号")


# "。2产出指标": an item number after a stop, straight before a word, has lost its 、 (OCR drops
# the small mark at a line's end); numbers before a unit ("3个", "80平方米") are counts.
COUNTED = "年月日个件次人元万宗场期项名户家所套台份册篇条批小时天号岁类级部间处亩平"
BARE_ITEM_NUMBER = re.compile(rf"(?<![^。；;，,])\d{{1,2}}(?![\d.,%])(?=[\u4e00-\u9fff])(?![{COUNTED}])")


@dataclass
class Glossary:
    terms: list[str]
    confusable: set[tuple[str, str]]  # both ways round
    learned: list[tuple[str, str]]  # (misreading, correction) confirmed in review

    def __post_init__(self) -> None:
        self.known = set(self.terms)
        self.by_char: dict[str, list[str]] = {}
        for term in self.known:
            if len(term) >= MIN_TERM:
                for ch in set(term):
                    self.by_char.setdefault(ch, []).append(term)


@dataclass
class Proposal:
    start: int
    end: int
    term: str
    score: float

    @property
    def matched(self) -> float:
        """Characters of the term the text already has (a longer term that fits explains more)."""
        return self.score / 100 * (len(self.term) + self.end - self.start) / 2


def load_glossary(directory: Path = CORRECTIONS_DIR) -> Glossary:
    """Terms of glossary/*.txt, confusables.tsv and learned.tsv; missing files count as empty."""
    terms = []
    for path in sorted((directory / "glossary").glob("*.txt")):
        terms += _data_lines(path)
    confusable = set()
    for line in _data_lines(directory / "confusables.tsv"):
        a, b = line.split("\t")[:2]
        confusable |= {(a, b), (b, a)}
    learned = []
    for line in _data_lines(directory / "learned.tsv"):
        wrong, right = line.split("\t")[:2]
        learned.append((wrong, right))
        terms.append(right)
    return Glossary(terms=terms, confusable=confusable, learned=learned)


@cache
def default_glossary() -> Glossary:
    """The glossary in CORRECTIONS_DIR, loaded once per process."""
    return load_glossary()


def _data_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def correct_tables(tables: list[Table], glossary: Glossary) -> int:
    """Correct the OCR'd cells of the tables in place; returns how many cells changed."""
    changed = 0
    for table in tables:
        for cell in table.cells:
            if cell.source.startswith("ocr") and cell.text:
                changed += correct_cell(cell, glossary)
    return changed


def correct_cell(cell: Cell, glossary: Glossary) -> bool:
    text, corrections = correct_text(cell.text, char_confidences(cell.text, cell.chars), glossary)
    if not corrections:
        return False
    cell.text = text
    cell.corrections += corrections
    cell.flags.append("corrected")
    return True


def char_confidences(text: str, chars: list[Char]) -> list[float]:
    """Confidence of each character of a cell's text, from the characters it was joined from
    (joining adds line breaks and drops spaces; those get 1)."""
    out = []
    k = 0
    for ch in text:
        j = next((j for j in range(k, min(k + 3, len(chars))) if chars[j].text == ch), None)
        if j is None:
            out.append(1.0)
        else:
            out.append(chars[j].confidence)
            k = j + 1
    return out


def correct_text(text: str, confidences: list[float], glossary: Glossary) -> tuple[str, list[dict]]:
    """The text with misread glossary terms put right, and a record of each change."""
    corrections = []
    for wrong, right in glossary.learned:
        if wrong in text:
            corrections.append({"before": wrong, "after": right, "term": right, "score": 100.0})
            text = text.replace(wrong, right)
    fixed = "".join(ch if not p else "\0" for ch, p in zip(text, protected_mask(text), strict=True))
    proposals = propose(fixed, confidences if len(confidences) == len(text) else [1.0] * len(text), glossary)
    for p in sorted(accept(proposals), key=lambda p: -p.start):  # right to left keeps offsets valid
        before = text[p.start:p.end]
        corrections.append({"before": before, "after": p.term, "term": p.term, "score": round(p.score, 1)})
        text = text[:p.start] + p.term + text[p.end:]
    for m in reversed(list(BARE_ITEM_NUMBER.finditer(text))):
        after = text[m.end()]
        corrections.append({"before": m.group() + after, "after": m.group() + "、" + after, "term": "、",
                            "score": 100.0})
        text = text[:m.end()] + "、" + text[m.end():]
    return text, corrections


def protected_mask(text: str) -> list[bool]:
    mask = [not HAN.match(ch) for ch in text]
    for m in PROTECTED.finditer(text):
        mask[m.start():m.end()] = [True] * (m.end() - m.start())
    return mask


def propose(text: str, confidences: list[float], glossary: Glossary) -> list[Proposal]:
    """Every allowed replacement of a span by a glossary term, with its score."""
    counts = Counter(term for ch in set(text) for term in glossary.by_char.get(ch, ()))
    spelled = _spelled_out(text, counts)
    by_length: dict[int, list[str]] = {}
    for term, shared in counts.items():
        if 2 * shared >= len(set(term)):  # half its characters must be there to nearly match
            by_length.setdefault(len(term), []).append(term)
    proposals = []
    for length, terms in by_length.items():
        for size in (length - 1, length, length + 1):
            windows = [text[i:i + size] for i in range(len(text) - size + 1)]
            if not windows:
                continue
            scores = process.cdist(terms, windows, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
            for t, start in zip(*np.nonzero(scores), strict=True):
                term, window, end = terms[t], windows[start], start + size
                if window != term and allowed(window, term, confidences[start:end], glossary,
                                              spelled[start:end]):
                    proposals.append(Proposal(int(start), int(end), term, float(scores[t, start])))
    return proposals


def _spelled_out(text: str, counts: Counter) -> list[bool]:
    """Characters that belong to a glossary term the text spells out exactly."""
    mask = [False] * len(text)
    for term in counts:
        for m in re.finditer(re.escape(term), text):
            mask[m.start():m.end()] = [True] * len(term)
    return mask


def allowed(window: str, term: str, confidences: list[float], glossary: Glossary,
            spelled: list[bool]) -> bool:
    """May OCR have read `term` as `window`? Every difference must be a look-alike or a doubtful
    character, of Han script, outside any term already spelled out."""
    ops = Levenshtein.editops(window, term)
    if not ops:
        return False
    for op in ops:
        if op.tag == "insert":  # a character the OCR never read: nothing to say it was misread
            return False
        a = window[op.src_pos]
        if not HAN.match(a) or spelled[op.src_pos]:
            return False
        doubtful = confidences[op.src_pos] < LOW_CONFIDENCE
        # A character dropped at either end is only the term's neighbour, not a misreading.
        inside = 0 < op.src_pos < len(window) - 1
        if op.tag == "delete" and not (doubtful and inside):
            return False
        if op.tag == "replace" and not ((a, term[op.dest_pos]) in glossary.confusable
                                        or doubtful and len(term) >= LOW_CONFIDENCE_TERM):
            return False
    return True


def accept(proposals: list[Proposal]) -> list[Proposal]:
    """The best proposal of each span, when it clearly beats every rival reading."""
    chosen: list[Proposal] = []
    ranked = sorted(proposals, key=lambda p: (-p.matched, -p.score, p.term))
    for p in ranked:
        if any(_overlap(p, q) for q in chosen):
            continue
        rivals = [q for q in ranked if q is not p and _overlap(p, q) and q.term not in p.term
                  and p.term not in q.term]
        if all(q.score <= p.score - MARGIN or q.matched <= p.matched - 1 for q in rivals):
            chosen.append(p)
    return chosen


def _overlap(p: Proposal, q: Proposal) -> bool:
    return p.start < q.end and q.start < p.end
