from search.qa.cues import load_cues
from search.qa.figures import figure


def test_the_figure_a_question_is_about_with_its_clause(plan_graph):
    found = figure(plan_graph, "我省公民科学素质比例提高", load_cues())
    assert [f.name for f in found.figures] == ["5.1%", "9.62%"] and found.figures[1].year == 2020
    assert "（2015年）" in found.text and found.evidence
    assert figure(plan_graph, "省政府投入建设省科技馆新馆", load_cues()).figures[0].name == "8.66亿元"


def test_no_figure_for_unrelated_words(plan_graph):
    assert figure(plan_graph, "火星探测", load_cues()) is None
    assert figure(plan_graph, "", load_cues()) is None
