import pytest

from digitize.textjoin import ended_ocr_text, join_lines, tidy_ocr_text, tidy_spaces


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


def test_rule_remains_at_the_start_of_an_ocr_cell_are_dropped():
    assert tidy_ocr_text("！项目名称（资金使用单位）") == "项目名称（资金使用单位）"
    assert tidy_ocr_text("：公共法律服务管理") == "公共法律服务管理"
    assert tidy_ocr_text("一村（社区）一法律顾问") == "一村（社区）一法律顾问"  # 一 is a word, not a rule
    assert tidy_ocr_text("（一）法律援助") == "（一）法律援助"


def test_tidy_ocr_text_sets_a_document_number_year_in_its_brackets():
    assert tidy_ocr_text("穗财政[2021]113号") == "穗财政〔2021〕113号"
    assert tidy_ocr_text("（区安排）穗财政【2020）76号经费") == "（区安排）穗财政〔2020〕76号经费"
    assert tidy_ocr_text("穗财政〔2021]113号") == "穗财政〔2021〕113号"
    assert tidy_ocr_text("金额(2021)") == "金额(2021)"  # not a document number: no 号 after it


@pytest.mark.parametrize(("read", "meant"), [
    ("参加“示范市（县、区）“创建", "参加“示范市（县、区）”创建"),  # a closing mark read as opening
    ("推动“八五\"普法工作", "推动“八五”普法工作"),  # one read straight among curly ones
    # nested as printed
    ("提出“将构建“智慧司法”、“司法为民”新模式”", "提出“将构建“智慧司法”、“司法为民”新模式”"),
    ("推动我区\"专兼结合\"的人民调解", "推动我区\"专兼结合\"的人民调解"),  # all straight, as printed
    ("“立足于“智慧司法”的建设", "“立足于“智慧司法”的建设"),  # odd in number: the cell holds part of a quote
])
def test_quotes_read_the_wrong_way_round_are_paired(read, meant):
    assert tidy_ocr_text(read) == meant


@pytest.mark.parametrize(("read", "meant"), [
    ("征订<人民调解》杂志", "征订《人民调解》杂志"),
    ("参照《无障碍设计规范>。", "参照《无障碍设计规范》。"),
    ("年度指标值：<24小时", "年度指标值：<24小时"),
    ("机制建立健全，，每月提供", "机制建立健全，每月提供"),
])
def test_misread_title_marks_and_doubled_marks_are_put_right(read, meant):
    assert tidy_ocr_text(read) == meant


def test_tidy_ocr_text_sets_the_marks_of_a_numbered_list():
    read = "1.产出指标：培训次数、年度指标值：4次:2,效益指标：满意率.年度指标值：90%3、满意度指标："
    meant = "1、产出指标：培训次数，年度指标值：4次。2、效益指标：满意率，年度指标值：90%。3、满意度指标："
    assert tidy_ocr_text(read) == meant
    assert tidy_ocr_text("不少于4次2、产出指标：接待人数") == "不少于4次。2、产出指标：接待人数"


def test_tidy_ocr_text_leaves_marks_that_number_no_labelled_item():
    for text in ("第1、2季度：完成验收", "时间、地点：海珠区", "年度指标值：1.配备办公桌椅、2.备有电脑",
                 "增长2.5倍：", "完成率100%。2、产出指标：", "（2021.03）经费"):
        assert tidy_ocr_text(text) == text


def test_an_ocr_cell_ends_on_its_last_character_or_a_full_stop():
    assert ended_ocr_text("年度指标值：100%.") == "年度指标值：100%。"
    assert ended_ocr_text("加强法治宣传，推进依法治区，") == "加强法治宣传，推进依法治区。"
    assert ended_ocr_text("10,265.10.") == "10,265.10"
    # A short cell with no mark inside is a label or a value, which ends on no mark.
    assert ended_ocr_text("质量指标。") == "质量指标"
    assert ended_ocr_text("行政复议案件办结率.") == "行政复议案件办结率"
    sentence = "持续推进法治政府建设全面提升行政执法水平。"  # longer: a sentence
    for text in ("备注：", "（一）", "12.5", "办结率100%", "", sentence):
        assert ended_ocr_text(text) == text


def test_a_speck_read_as_a_mark_inside_a_word_is_dropped():
    assert tidy_ocr_text("广州市从化区司：法局") == "广州市从化区司法局"  # where the line wrapped
    assert tidy_ocr_text("法治工。作经费，审.查") == "法治工作经费，审查"
    # Pairs that form no word, or only a weak one ("值参", "法国"), are parted by the mark.
    for text in ("指标值：全年", "指标值：参照", "制定本法。国家机关", "参加上、下半年", "12·4宪法日"):
        assert tidy_ocr_text(text) == text
