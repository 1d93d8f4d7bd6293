import pytest

from ingest.lexicon import load_lexicon
from ingest.titles import title_issuer, title_key

LEXICON = load_lexicon()
CENTRAL = "中共中央国务院关于锚定农业农村现代化扎实推进乡村全面振兴的意见"


@pytest.mark.parametrize(
    "written",
    [
        "中共中央 国务院关于锚定农业农村现代化 扎实推进乡村全面振兴的意见",
        "中共中央、国务院关于锚定农业农村现代化扎实推进乡村全面振兴的意见",
        "中共中央，国务院关于锚定农业农村现代化扎实推进乡村全面振兴的意见",
        CENTRAL,
    ],
)
def test_issuer_separators_and_spacing_do_not_change_the_key(written):
    assert title_key(written, LEXICON).key == title_key(CENTRAL, LEXICON).key


def test_comma_inside_the_body_of_a_title_is_kept():
    # separators are dropped between issuers only, not between the measures a title names
    with_comma = title_key("国务院关于加强科普工作、提升公民素质的意见", LEXICON).key
    assert with_comma == "国务院关于加强科普工作、提升公民素质的意见"


def test_prefix_quotes_widths_dashes_nested_marks_and_versions():
    plain = title_key("科学技术普及法", LEXICON)
    assert plain == title_key("中华人民共和国科学技术普及法", LEXICON)
    revised = title_key("中华人民共和国科学技术普及法（2024年修订）", LEXICON)
    assert (revised.key, revised.version) == (plain.key, "2024")
    dated = title_key("中华人民共和国科学技术普及法(2024年12月25日修订)", LEXICON)
    assert (dated.key, dated.version) == (plain.key, "2024-12-25")
    assert title_key("“十四五”时期推进科协系统深化改革重点任务工作方案", LEXICON) == title_key(
        '"十四五"时期推进科协系统深化改革重点任务工作方案', LEXICON
    )
    assert title_key("实施方案（2021—2025年）", LEXICON) == title_key("实施方案(2021-2025年)", LEXICON)
    assert title_key("实施方案（2021—2025年）", LEXICON).version == ""  # a period is not a version
    assert title_key("关于修改〈中华人民共和国教育法〉的决定", LEXICON) == title_key(
        "关于修改<中华人民共和国教育法>的决定", LEXICON
    )
    assert title_key("中华人民共和国宪法", LEXICON).key == "宪法"
    assert title_key("中华人民共和国", LEXICON).key == "中华人民共和国"


def test_issuers_at_the_head_of_a_title():
    for written in (CENTRAL, "中共中央 国务院关于做好三农工作的意见", "中共中央、国务院关于做好三农工作的意见"):
        assert title_issuer(written, LEXICON) == "中共中央、国务院"
    assert title_issuer("江西省人民政府办公厅关于加强科普工作的通知", LEXICON) == "江西省人民政府办公厅"
    assert title_issuer("中华人民共和国科学技术普及法", LEXICON) == ""
