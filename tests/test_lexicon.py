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


def test_page_scores_count_pairs_read_surely_more_than_once_and_leave_figures_out():
    scores = lexicon.page_scores(["年度指标值：95%", "年度指标值：100", "指标：", "12.5", "12.5"])
    assert scores["标值"] > 0 and scores["值："] > 0
    assert "标：" not in scores  # seen once
    assert "12" not in scores and "2." not in scores


def test_a_pair_the_page_reads_surely_decides_an_unsure_character():
    # 标价 is a word and 标值 is not; the page's labels read "指标值" where they were read surely.
    steps = [{"指": 0.99}, {"标": 0.99}, {"价": 0.5, "值": 0.4}]
    assert read(steps)[0] == "指标价"
    page = lexicon.page_scores([
        "1、产出指标：法律服务需求满足率", "年度指标值：95%", "2、满意度指标：服务对象满意率",
        "年度指标值：90%", "3、产出指标：接听热线及时率", "年度指标值：100%",
        "按照上级要求在本辖区内村（社区）配备法律顾问", "每月提供现场法律服务",
        "每个季度为村（社区）提供法治讲座", "按要求完成法律顾问工作日志填报", "每年参加业务培训",
        "促进法律服务便捷化精准化水平进一步提高", "群众不出村（社区）即可享受法律服务"])
    [(text, confidence)] = decoder()(line_probabilities(steps)[None], False, page)
    assert text == "指标值" and confidence < 0.9


def test_sure_runs_split_at_unsure_characters():
    preds = line_probabilities([{"年": 0.99}, {"度": 0.99}, {"指": 0.5, "措": 0.4},
                                {"标": 0.99}, {"值": 0.99}])
    assert decoder().sure_runs(preds) == ["年度", "标值"]


def test_a_look_alike_the_page_read_surely_decides_an_unsure_character():
    # The recogniser wavers between 怀 and 杯 and never thinks of 标, whose sure copies on the
    # page look most like the glyph; the fourth character's run starts at step 7.
    steps = [{"年": 0.99}, {"度": 0.99}, {"指": 0.99}, {"怀": 0.5, "杯": 0.3}]
    mark = decoder().decoder.character.index("标")
    [(text, _)] = decoder()(line_probabilities(steps)[None], False, None, {7: (mark, 0.1)})
    assert text == "年度指标"
    # A lead too small to outweigh what the recogniser saw changes nothing.
    [(text, _)] = decoder()(line_probabilities(steps)[None], False, None, {7: (mark, 0.01)})
    assert text == "年度指怀"
