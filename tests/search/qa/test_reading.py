import pytest

from search.qa.model import AnswerType, Match, MentionKind, QuestionError


def read(reader, question):
    return reader.read(question).reading


def kinds(reading):
    return [(m.kind, m.name or m.text) for m in reading.mentions if m.used]


def test_mentions_carry_their_spans_in_the_question_as_asked(reader):
    question = "请问 “智慧行动” 归哪个部门？"
    reading = read(reader, question)
    [m] = reading.mentions
    assert (m.kind, m.match, m.name, m.node) == (MentionKind.ENTITY, Match.ALIAS, "智惠行动", "programme:智惠行动")
    assert question[m.span.start : m.span.end] == "智慧行动"
    assert reading.answer == AnswerType.DEPARTMENTS and reading.summary == "智惠行动 · 部门"


@pytest.mark.parametrize(
    "question, role, answer, count",
    [
        ("国际部配合了哪些任务", "supporting", AnswerType.TASKS, False),
        ("学会部作为牵头部门负责什么", "lead", AnswerType.TASKS, False),
        ("组人部牵头的有几项", "lead", AnswerType.TASKS, True),
        ("学会部牵头或配合的任务一共有多少", None, AnswerType.TASKS, True),
        ("宣调部手上有哪些工作", None, AnswerType.TASKS, False),
        ("科技小院由哪个单位牵头", "lead", AnswerType.DEPARTMENTS, False),
        ("海智计划归谁管", None, AnswerType.DEPARTMENTS, False),
        ("这份方案有几个部门参与", None, AnswerType.DEPARTMENTS, True),
        ("哪份文件提到了三长制", None, AnswerType.DOCUMENTS, False),
        ("本方案是依据哪些文件制定的", None, AnswerType.POLICIES, False),
        ("科创中国是什么", None, AnswerType.DEFINITION, False),
        ("海智计划和国际部是什么关系", None, AnswerType.CONNECTION, False),
        ("科技志愿者注册了多少人", None, AnswerType.FIGURE, True),
        ("海智计划相关的任务", None, AnswerType.TASKS, False),  # an answer noun with no interrogative
        ("应急科普有关的任务", None, AnswerType.TASKS, False),
        ("海智计划的负责部门", None, AnswerType.DEPARTMENTS, False),
    ],
)
def test_what_a_question_asks_for_whatever_the_word_order(reader, question, role, answer, count):
    reading = read(reader, question)
    assert (reading.role, reading.answer, reading.count) == (role, answer, count)


def test_several_departments_and_tasks_of_several_departments(reader):
    reading = read(reader, "办公室和组人部一起做哪项工作")
    assert kinds(reading) == [(MentionKind.DEPARTMENT, "办公室"), (MentionKind.DEPARTMENT, "组人部")]
    assert reading.together and reading.summary == "办公室、组人部 · 共同 · 任务"
    # 几个部门 describes the tasks here (一起), it is not what is counted
    reading = read(reader, "有哪些任务是几个部门一起负责的")
    assert reading.several and not reading.count and reading.answer == AnswerType.TASKS
    assert read(reader, "学会部或国际部负责的任务").separately


def test_partial_names_terms_and_names_the_graph_lacks(reader):
    assert kinds(read(reader, "海智由哪些部门负责")) == [(MentionKind.ENTITY, "海智计划")]
    [term] = read(reader, "哪些任务讲到了应急科普").mentions
    assert (term.kind, term.match, term.text) == (MentionKind.TERM, Match.TEXT, "应急科普")
    # part of several names but also a word of the text: a term, the names kept as candidates
    [term] = read(reader, "哪些任务涉及乡村振兴").mentions
    assert term.kind == MentionKind.TERM and "乡村振兴大讲堂" in term.candidates
    [missing] = read(reader, "碳达峰相关任务有哪些").mentions
    assert (missing.kind, missing.match) == (MentionKind.TERM, Match.NONE)
    [typo] = read(reader, "海智计化是哪个部门管的").mentions
    assert typo.kind == MentionKind.UNKNOWN and typo.candidates == ["海智计划"]
    [odd] = read(reader, "上海市有哪些任务").mentions
    assert odd.kind == MentionKind.UNKNOWN and odd.text == "上海市"  # ends like a place name
    [both] = read(reader, "大讲堂是哪个部门负责的").mentions
    assert both.kind == MentionKind.AMBIGUOUS and set(both.candidates) == {"赣鄱科普大讲堂", "乡村振兴大讲堂"}
    # a part of names so common in the text that it names nothing in particular
    assert read(reader, "科协涉及哪些部门").mentions[0].kind == MentionKind.AMBIGUOUS


def test_words_beside_names_qualify_or_narrow_them(reader):
    reading = read(reader, "数字科协建设由哪些部门负责")
    assert kinds(reading) == [(MentionKind.ENTITY, "数字科协")]
    reading = read(reader, "最美科技工作者的宣传是谁负责的")
    [_, term] = reading.mentions
    assert term.kind == MentionKind.TERM and term.optional  # narrows only if it can
    reading = read(reader, "普及部的任务中哪些提到应急科普")
    assert not reading.mentions[1].optional  # 提到: it must be there
    # 部署了: a verb of the question, not a term
    [scope] = read(reader, "这份方案部署了多少项任务").mentions
    assert (scope.kind, scope.match) == (MentionKind.DOCUMENT, Match.SCOPE)


def test_bare_keywords_ask_nothing_unless_they_are_one_name(reader):
    assert read(reader, "数字科协").answer == AnswerType.DEFINITION
    assert read(reader, "国际合作交流渠道").answer == AnswerType.SEARCH
    assert read(reader, "科普内容的全媒体传播").answer == AnswerType.SEARCH


def test_empty_and_over_long_questions(reader):
    with pytest.raises(QuestionError, match="empty"):
        reader.read("  ？ ")
    with pytest.raises(QuestionError, match="too long"):
        reader.read("海" * 501)
