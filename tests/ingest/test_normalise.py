from ingest.lexicon import load_lexicon
from ingest.normalise import normalise
from ingest.readers import read_source
from tests.conftest import PLAN


def _plan():
    original = read_source(PLAN, load_lexicon().formats).text
    return original, normalise(original, load_lexicon())


def test_page_break_splits_are_repaired():
    _, norm = _plan()
    for word in [
        "学会发展不均衡",
        "提升学习宣传活动影响力",
        "“网上科协”平台",
        "医疗卫生",
        "履职不力",
        "党中央、省委省政府决策部署",
        "组织科技工作者围绕省委省政府",
    ]:
        assert word in norm.text, word
    assert "学\n" not in norm.text and "宣\n" not in norm.text


def test_markdown_escapes_spaces_and_stray_english_removed():
    _, norm = _plan()
    assert "政治责任" in norm.text and "*" not in norm.text and "\\" not in norm.text and "#" not in norm.text
    assert "指示精神和江西省委" in norm.text and " and " not in norm.text
    assert "深化改革重点任务方案（2021-2025）" in norm.text  # the space inside the title is gone
    assert "平台27个" in norm.text and "\u3000" not in norm.text and "\u200b" not in norm.text


def test_offsets_slice_back_to_the_original():
    original, norm = _plan()
    assert len(norm.offsets) == len(norm.text) + 1
    i = norm.text.index("学会发展不均衡")
    assert original[norm.offsets[i] : norm.offsets[i + 6] + 1] == "学\n\n会发展不均衡"
    i = norm.text.index("精神和江西")
    assert original[norm.offsets[i] : norm.offsets[i + 4] + 1] == "精神 and 江西"
    # every repaired character comes from the same character of the original (or replaces "and")
    for k, ch in enumerate(norm.text):
        if ch != "\n" and norm.text[k] not in "和":
            assert original[norm.offsets[k]] == ch, (k, ch)


def test_zero_width_and_full_width_spaces(tmp_path):
    lex = load_lexicon()
    norm = normalise("标题\n\n政府工作报\n告\n\n交出一份人\n\u200b\n民满意的答卷。\n\u3000\u3000各位代表：", lex)
    assert "政府工作报告" in norm.text and "交出一份人民满意的答卷。" in norm.text
    assert "各位代表：" in norm.text.split("\n")
