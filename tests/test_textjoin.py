from digitize.textjoin import join_lines, tidy_spaces


def test_cjk_lines_join_without_space():
    assert join_lines(["广州市从化区司", "法局"]) == "广州市从化区司法局"


def test_cjk_punctuation_joins_without_space():
    assert join_lines(["年度指标值：", "≥95%。"]) == "年度指标值：≥95%。"


def test_digits_wrapped_inside_chinese_text_stay_together():
    assert join_lines(["法律援助、123", "48法律服务专线"]) == "法律援助、12348法律服务专线"


def test_latin_lines_join_with_one_space():
    assert join_lines(["Rule of", "Law"]) == "Rule of Law"


def test_spaces_between_han_characters_are_dropped():
    assert tidy_spaces("司 法  社 工 2 人") == "司法社工2人"


def test_spaces_between_latin_words_collapse_to_one():
    assert tidy_spaces("PP-OCR   v4  model") == "PP-OCR v4 model"
