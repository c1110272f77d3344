"""Glossary correction of OCR text, with the glossary and look-alike table in corrections/."""

import pytest

from digitize import correct

GLOSSARY = correct.load_glossary()

# Correct phrases of these tables that the glossary does not hold; none may change.
PHRASES_OUTSIDE_THE_GLOSSARY = [
    "组织开展宪法宣传周活动", "完成上级下发的创建要求", "群众满意度达到95%以上", "2023年度",
    "村（居）法律顾问", "人民调解员培训", "行政复议决定书", "服务对象满意率", "律师事务所", "公证员执业",
    "司法鉴定机构",
    "全年受援人数", "调解协议书", "普法讲师团", "基层法律服务所", "禁毒宣传教育", "戒毒康复人员",
    "社区服刑人员", "矫正小组", "法律明白人", "法治副校长", "青少年法治教育", "网格员", "安置帮教基地",
    "劳动争议调解", "未成年人保护", "信访事项", "执法监督", "合同审查", "规范性文件备案", "重大行政决策",
    "行政执法证", "法制审核", "刑事辩护全覆盖", "值班律师", "法律援助工作站", "驻村律师", "企业合规",
    "营商环境", "知识产权保护", "涉外法律服务", "公共法律服务热线",
]


def fix(text, confidences=None):
    return correct.correct_text(text, confidences or [1.0] * len(text), GLOSSARY)


def test_the_glossary_and_look_alike_table_are_big_enough():
    assert len(set(GLOSSARY.terms)) >= 500
    assert len(GLOSSARY.confusable) // 2 >= 300


@pytest.mark.parametrize(("read", "meant"), [
    ("刑满释放人贝冉犯非率", "刑满释放人员再犯罪率"),
    ("可法任工", "司法社工"),
])
def test_misreadings_from_real_ocr_are_put_right(read, meant):
    text, changes = fix(read)
    assert text == meant
    assert changes == [{"before": read, "after": meant, "term": meant, "score": changes[0]["score"]}]


def test_a_misread_term_inside_a_longer_text_is_put_right_and_numbers_are_kept():
    text, changes = fix("我分局现有3名可法任工，社工10.5万元/人/年")
    assert text == "我分局现有3名司法社工，社工10.5万元/人/年"
    assert [c["before"] for c in changes] == ["可法任工"]


@pytest.mark.parametrize("phrase", PHRASES_OUTSIDE_THE_GLOSSARY)
def test_correct_phrases_outside_the_glossary_stay_as_they_are(phrase):
    assert fix(phrase) == (phrase, [])


@pytest.mark.parametrize("text", ["社区矫正对象再犯罪率", "年度指标值：≥95%", "穗财政〔2021〕113号",
                                  "2,588.87"])
def test_correct_terms_numbers_and_codes_stay_as_they_are(text):
    assert fix(text) == (text, [])


def test_a_character_read_with_low_confidence_may_be_replaced_even_when_it_looks_different():
    assert ("和", "社") not in GLOSSARY.confusable
    assert fix("司法和工")[0] == "司法和工"  # read surely: left alone
    assert fix("司法和工", [1.0, 1.0, 0.3, 1.0])[0] == "司法社工"
    # a three-character term one unsure character off is as likely another word
    assert fix("开展工作建设", [1.0, 1.0, 1.0, 1.0, 0.3, 1.0])[0] == "开展工作建设"


def test_learned_corrections_are_applied_as_they_stand():
    glossary = correct.Glossary(terms=list(GLOSSARY.terms), confusable=GLOSSARY.confusable,
                                learned=[("法律硕问", "法律顾问")])
    text, changes = correct.correct_text("村居法律硕问", [1.0] * 6, glossary)
    assert text == "村居法律顾问"
    assert changes[0]["before"] == "法律硕问"


def test_an_item_number_gets_back_its_lost_mark_and_counts_are_left_alone():
    assert fix("年度指标值：95%。2产出指标：服务")[0] == "年度指标值：95%。2、产出指标：服务"
    assert fix("1产出指标")[0] == "1、产出指标"
    for text in ("提供3个，80平方米以上", "每年，2名社工", "2、产出指标", "2023年度"):
        assert fix(text) == (text, [])
