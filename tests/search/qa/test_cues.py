import json
from collections import defaultdict

from graph.lookup import fold
from search.qa.cues import CueKind, load_cues, questions_path
from search.qa.model import AnswerType


def test_no_cue_word_is_listed_with_two_meanings():
    data = json.loads(questions_path().read_text(encoding="utf-8"))
    meanings = defaultdict(set)
    for kind in ("which", "count"):
        for word in data["interrogatives"][kind]:
            meanings[fold(word)].add(kind)
    for role, words in data["roles"].items():
        for word in words:
            meanings[fold(word)].add(role)
    for answer, spec in data["answers"].items():
        for key in ("nouns", "asks"):
            for word in spec.get(key, []):
                meanings[fold(word)].add(answer)
    for key in ("together", "separately", "mention", "filler", "whole_document"):
        for word in data[key]:
            meanings[fold(word)].add(key)
    assert {w: m for w, m in meanings.items() if len(m) > 1} == {}


def test_composed_cues():
    cues = load_cues()
    assert cues.words["哪些"].kind == CueKind.WHICH and cues.words["多少"].kind == CueKind.COUNT
    assert cues.words["多少人"].answer == AnswerType.FIGURE and cues.words["多少人"].count  # count + unit
    assert cues.words["哪些事"].answer == AnswerType.TASKS  # one-character noun after an interrogative
    assert "事" not in cues.words  # … and nowhere else
    assert cues.words["多个部门"].kind == CueKind.SEVERAL and cues.words["其他单位"].kind == CueKind.SEVERAL
    assert cues.words["这份方案"].kind == CueKind.SCOPE
    assert cues.words["配合单位"].role == "supporting" and cues.words["牵头"].role == "lead"
    assert cues.phrase("reading", reading="学会部 · 配合 · 任务") == "理解为：学会部 · 配合 · 任务"
