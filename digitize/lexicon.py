"""A prior of ordinary Chinese words for reading unsure characters.

Where the recogniser wavers between look-alikes (和 or 程, 响 or 酶), the reading whose
neighbouring characters form words is the likelier one. Words and their frequencies come from
jieba's general dictionary, not from the domain glossary: this is a reading aid for any text,
applied before the glossary correction stage.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources

from .errors import MissingDependencyError

# Pairs seen in fewer dictionary occurrences than this say more about the dictionary than the language.
MIN_PAIR_COUNT = 3
MIN_PAGE_PAIRS = 2
# Two characters at least this much likelier side by side than by chance (pair_scores) form a word.
WORD_PAIR = 3.0


@cache
def pair_scores() -> dict[str, float]:
    """How much likelier two Han characters stand side by side inside a word than by chance
    (pointwise mutual information, natural log), by the two-character string; only pairs that
    are likelier, so a pair left out forms no word."""
    try:
        words = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise MissingDependencyError(f"the word list of jieba is not installed ({exc})") from exc
    pairs: Counter[str] = Counter()
    for line in words.splitlines():
        word, count = line.split(" ", 2)[:2]
        if len(word) < 2 or not all(is_han(ch) for ch in word):
            continue
        for a, b in zip(word, word[1:], strict=False):
            pairs[a + b] += int(count)
    return _likelier_pairs(pairs, MIN_PAIR_COUNT)


def page_scores(runs: Sequence[str]) -> dict[str, float]:
    """How much likelier two characters, one of them Han, stand side by side on a page than by
    chance, as pair_scores says for the dictionary, from the runs of characters the recogniser
    read surely. A table repeats its labels ("年度指标值：", "、产出指标") and names: where one
    copy is read unsurely, the copies read surely say what it likely is. Figures repeat no
    pattern, so pairs without a Han character are left out."""
    pairs = Counter(a + b for run in runs for a, b in zip(run, run[1:], strict=False)
                    if (is_han(a) or is_han(b)) and not (a.isspace() or b.isspace()))
    return _likelier_pairs(pairs, MIN_PAGE_PAIRS)


def _likelier_pairs(pairs: Counter[str], least: int) -> dict[str, float]:
    """Pointwise mutual information (natural log) of the pairs seen `least` times or more,
    for those likelier than chance."""
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for pair, n in pairs.items():
        first[pair[0]] += n
        second[pair[1]] += n
    total = sum(pairs.values())
    scores = {pair: math.log(n * total / (first[pair[0]] * second[pair[1]]))
              for pair, n in pairs.items() if n >= least}
    return {pair: score for pair, score in scores.items() if score > 0}


def is_han(ch: str) -> bool:
    """A Han character (CJK unified ideographs and extension A)."""
    return "\u3400" <= ch <= "\u9fff"


def best_reading(choices: Sequence[Sequence[tuple[str, float]]], weight: float,
                 may_follow: Callable[[int, str, str], bool] = lambda i, a, b: True,
                 page: dict[str, float] | None = None) -> list[int]:
    """For each position, the index of the choice that best explains the line: the sum of the
    choices' log probabilities plus `weight` times the word score of each neighbouring pair
    (pairs that form no word score 0, so rare names are not pushed towards common words), the
    dictionary's and the `page`'s (page_scores) added up.
    `may_follow(i, a, b)` says whether b at position i may follow a."""
    words = pair_scores()
    page = page or {}

    def pair_score(pair: str) -> float:
        return words.get(pair, 0.0) + page.get(pair, 0.0)

    # best[j] = (score, path) of the best reading of the line so far ending in choice j
    best = [(logp, [j]) for j, (_, logp) in enumerate(choices[0])]
    for i in range(1, len(choices)):
        step = []
        for j, (ch, logp) in enumerate(choices[i]):
            ways = [(score + weight * pair_score(choices[i - 1][path[-1]][0] + ch), path)
                    for score, path in best if may_follow(i, choices[i - 1][path[-1]][0], ch)]
            if not ways:
                continue
            score, path = max(ways, key=lambda way: way[0])
            step.append((score + logp, [*path, j]))
        best = step or [(score, [*path, 0]) for score, path in best]
    return max(best, key=lambda way: way[0])[1]
