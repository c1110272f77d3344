"""Compare a predicted table with an expected one, cell by cell.

The rules follow the external benchmark, so that regression numbers and benchmark numbers agree:
rows are aligned first (monotone alignment on row-text similarity), then columns using the matched
rows, then rows again cell-wise with the column mapping.  A missing or extra row or column therefore
costs only the cells it touches.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

Grid = list[list[str]]
Pairs = list[tuple[int, int]]

ROW_MIN_SCORE = 0.35
COL_MIN_SCORE = 0.2
CELLWISE_ROW_MIN_SCORE = 0.3
# The cell-wise row alignment replaces the first one only if it keeps most of its matches.
CELLWISE_KEEP_SHARE = 0.8

_WHITESPACE = re.compile(r"\s+")


def load_csv(path: Path | str) -> Grid:
    """Read a CSV as a rectangular grid, without trailing all-empty rows."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def normalize(text: str) -> str:
    """NFKC, whitespace runs collapsed to one space, stripped."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


@dataclass
class CellDiff:
    """A counted cell whose prediction is not exact.

    `row`/`col` are 0-based positions in the expected table; either is None for predicted text
    in a row or column that has no expected counterpart.
    """

    row: int | None
    col: int | None
    expected: str
    predicted: str


@dataclass
class TableScore:
    rows_expected: int
    cols_expected: int
    rows_predicted: int
    cols_predicted: int
    shape_ok: bool
    cells: int = 0  # non-empty expected cells plus spurious predicted cells
    exact: int = 0
    edit_distance: int = 0
    chars: int = 0  # characters in the expected table, after normalisation
    diffs: list[CellDiff] = field(default_factory=list)

    @property
    def exact_share(self) -> float:
        return self.exact / self.cells if self.cells else 0.0

    @property
    def cer(self) -> float:
        return self.edit_distance / self.chars if self.chars else 0.0


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return Levenshtein.normalized_similarity(a, b)


def align(n: int, m: int, score: Callable[[int, int], float], min_score: float) -> Pairs:
    """Monotone alignment of 0..n-1 with 0..m-1 maximising the summed score of matched pairs.

    Pairs scoring below `min_score` cannot match.
    """
    scores = [[score(i, j) for j in range(m)] for i in range(n)]
    total = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best, how = total[i - 1][j], "skip-i"
            if total[i][j - 1] > best:
                best, how = total[i][j - 1], "skip-j"
            s = scores[i - 1][j - 1]
            if s >= min_score and total[i - 1][j - 1] + s > best:
                best, how = total[i - 1][j - 1] + s, "match"
            total[i][j] = best
            step[i][j] = how
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        how = step[i][j]
        if how == "match":
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == "skip-i":
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def align_tables(expected: Grid, predicted: Grid) -> tuple[Pairs, Pairs]:
    """Row pairs and column pairs (expected index, predicted index) of two normalised grids."""
    if not expected or not predicted or not expected[0] or not predicted[0]:
        return [], []
    expected_rows = ["".join(row) for row in expected]
    predicted_rows = ["".join(row) for row in predicted]

    def row_score(i: int, j: int) -> float:
        if not expected_rows[i] and not predicted_rows[j]:
            return 0.5
        return fuzz.ratio(expected_rows[i], predicted_rows[j]) / 100.0

    rows = align(len(expected), len(predicted), row_score, ROW_MIN_SCORE)

    def col_score(a: int, b: int) -> float:
        total, count = 0.0, 0
        for i, j in rows:
            if expected[i][a] or predicted[j][b]:
                total += similarity(expected[i][a], predicted[j][b])
                count += 1
        return total / count if count else 0.0

    cols = align(len(expected[0]), len(predicted[0]), col_score, COL_MIN_SCORE)
    if not cols:
        return rows, cols

    def cellwise_row_score(i: int, j: int) -> float:
        total, count = 0.0, 0
        for a, b in cols:
            if expected[i][a] or predicted[j][b]:
                total += similarity(expected[i][a], predicted[j][b])
                count += 1
        if not count:
            # Text outside the mapped columns counts against the match.
            return 0.5 if not (expected_rows[i] or predicted_rows[j]) else 0.0
        return total / count

    cellwise_rows = align(len(expected), len(predicted), cellwise_row_score, CELLWISE_ROW_MIN_SCORE)
    if len(cellwise_rows) >= len(rows) * CELLWISE_KEEP_SHARE:
        rows = cellwise_rows
    return rows, cols


def score_table(expected: Grid, predicted: Grid | None) -> TableScore:
    """Score `predicted` against `expected`; None stands for a missing prediction."""
    exp = [[normalize(cell) for cell in row] for row in expected]
    pred = [[normalize(cell) for cell in row] for row in predicted] if predicted is not None else []
    cols_expected = len(exp[0]) if exp else 0
    cols_predicted = len(pred[0]) if pred else 0
    score = TableScore(
        rows_expected=len(exp),
        cols_expected=cols_expected,
        rows_predicted=len(pred),
        cols_predicted=cols_predicted,
        shape_ok=predicted is not None and (len(exp), cols_expected) == (len(pred), cols_predicted),
    )
    rows, cols = align_tables(exp, pred)
    row_map, col_map = dict(rows), dict(cols)

    for i, exp_row in enumerate(exp):
        for a, exp_text in enumerate(exp_row):
            j, b = row_map.get(i), col_map.get(a)
            pred_text = pred[j][b] if j is not None and b is not None else ""
            score.chars += len(exp_text)
            score.edit_distance += Levenshtein.distance(exp_text, pred_text)
            if not exp_text and not pred_text:
                continue
            score.cells += 1
            if exp_text and exp_text == pred_text:
                score.exact += 1
            else:
                score.diffs.append(CellDiff(i, a, exp_text, pred_text))

    expected_row_of = {j: i for i, j in rows}
    expected_col_of = {b: a for a, b in cols}
    for j, pred_row in enumerate(pred):
        for b, pred_text in enumerate(pred_row):
            if pred_text and not (j in expected_row_of and b in expected_col_of):
                score.cells += 1
                score.edit_distance += len(pred_text)
                score.diffs.append(CellDiff(expected_row_of.get(j), expected_col_of.get(b), "", pred_text))
    return score
