"""The word prior that reads unsure characters again, on the recogniser's own classes."""

import math

import numpy as np

from digitize import lexicon, ocr


def test_word_scores_come_from_the_general_dictionary():
    scores = lexicon.pair_scores()
    assert scores["和谐"] > 3 and scores["响应"] > 3
    assert "程请" not in scores  # no word


def test_best_reading_takes_the_choices_that_form_words():
    choices = [[("酶", math.log(0.21)), ("响", math.log(0.20))],
               [("应", math.log(0.37)), ("是", math.log(0.18))]]
    assert lexicon.best_reading(choices, 1.0) == [1, 0]


def test_best_reading_without_words_keeps_the_likeliest_choices():
    choices = [[("程", math.log(0.5)), ("秤", math.log(0.3))], [("请", math.log(0.6)), ("靖", math.log(0.3))]]
    assert lexicon.best_reading(choices, 1.0) == [0, 0]


def decoder():
    return ocr.get_engine("rapidocr").engine.text_rec.postprocess_op


def line_probabilities(steps: list[dict[str, float]]) -> np.ndarray:
    """A recogniser's output for one line: per time step, the given characters' probabilities,
    the rest on the blank class; blank steps between the characters."""
    classes = decoder().decoder.character
    preds = np.zeros((2 * len(steps) + 1, len(classes)), np.float32)
    preds[:, 0] = 1.0
    for i, step in enumerate(steps):
        row = preds[2 * i + 1]
        for ch, p in step.items():
            row[classes.index(ch)] = p
        row[0] = 1.0 - sum(step.values())
    return preds


def read(steps: list[dict[str, float]]) -> tuple[str, float]:
    [(text, confidence)] = decoder()(line_probabilities(steps)[None], False)
    return text, confidence


def test_unsure_characters_are_read_as_the_word_they_form():
    text, confidence = read([{"酶": 0.4, "响": 0.35}, {"应": 0.6, "是": 0.3}, {"构": 0.99}, {"建": 0.99}])
    assert text == "响应构建"
    assert confidence < 0.8  # the reading is no surer than the recogniser was


def test_a_sure_character_stays_as_read_though_another_would_form_a_word():
    assert read([{"程": 0.98, "和": 0.01}, {"谐": 0.99}])[0] == "程谐"


def test_a_character_next_to_its_twin_is_not_chosen_where_the_two_would_read_as_one():
    # Steps 1 and 2 hold no blank between them: "常" at both would decode as one 常.
    preds = line_probabilities([{"帝": 0.5, "常": 0.45}, {"常": 0.99}])
    preds = np.delete(preds, 2, axis=0)
    [(text, _)] = decoder()(preds[None], False)
    assert text == "帝常"
