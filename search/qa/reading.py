"""Read a question as parts that combine in any order: the things it names, what it asks for and
the constraints on it (role, several departments, scope). There are no sentence patterns: names
come from the graph by longest match, cue words from ``data/lexicon/questions.json``, and each
stretch left over is looked up as part of a name, a term of the text, or a near miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx

from graph.lookup import fold
from graph.schema import ROLE_LABELS, NodeType, Role

from .cues import Cue, CueKind, Cues
from .mentions import Found, NameTable, Texts, Words, positions
from .model import AnswerType, Match, Mention, MentionKind, QuestionError, Reading, Span

_WORD = re.compile(r"\w+")
# Cue kinds an interrogative reaches across to the noun it asks for (哪些具体任务, 任务有哪些).
_PASSABLE = frozenset({CueKind.FILLER, CueKind.ROLE, CueKind.TOGETHER, CueKind.MENTION, CueKind.FIGURE_VERB})
_FORWARD_GAP, _BACKWARD_GAP = 2, 3  # characters of unknown words it reaches across
_QUESTION_WORDS = (CueKind.WHICH, CueKind.COUNT, CueKind.ASK, CueKind.FILLER)  # not what a question is about
_NAMED = (MentionKind.DEPARTMENT, MentionKind.ENTITY, MentionKind.TASK, MentionKind.DOCUMENT)


@dataclass(frozen=True)
class Folded:
    """The question folded for matching, and where each folded character came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        return Span(self.origin[start], self.origin[end - 1] + 1)


def fold_question(question: str) -> Folded:
    chars, origin = [], []
    for i, ch in enumerate(question):
        for c in fold(ch):
            chars.append(c)
            origin.append(i)
    return Folded("".join(chars), tuple(origin))


@dataclass
class Token:
    start: int
    end: int
    cue: Cue | None = None
    found: Found | None = None

    @property
    def kind(self) -> CueKind | None:
        return self.cue.kind if self.cue else None


@dataclass
class Question:
    text: str  # as asked
    reading: Reading
    content: str  # the folded question without interrogatives and filler: what a figure is about


@dataclass(frozen=True)
class _Asked:
    answer: AnswerType | None  # None: an interrogative with no noun (负责什么)
    count: bool


class Reader:
    def __init__(self, graph: nx.MultiDiGraph, cues: Cues):
        self.graph, self.cues = graph, cues
        self.names = NameTable(graph, cues.name_suffix_min)
        self.texts = Texts(graph)
        self.words = Words(cues.content_tags)
        self.cue_longest = max(map(len, cues.words))
        self.documents = sorted(n for n, a in graph.nodes(data=True) if a.get("type") == NodeType.DOCUMENT)

    def read(self, question: str) -> Question:
        if not question or not question.strip():
            raise QuestionError("问题为空，请输入一个问题 (empty question)")
        limit = self.cues.max_chars
        if len(question) > limit:
            raise QuestionError(f"问题过长（{len(question)} 字），请控制在 {limit} 字以内 (question too long)")
        folded = fold_question(question)
        if not _WORD.search(folded.text):
            raise QuestionError("问题为空或只有标点，请输入一个问题 (empty question)")
        tokens = self._tokens(folded.text)
        mentions = sorted(self._named(folded, tokens) + self._leftovers(folded, tokens), key=lambda m: m.span.start)
        reading = self._reading(tokens, mentions)
        if not self._questioning(tokens):
            reading.answer = self._keyword(folded.text, tokens, mentions)
        reading.summary = self.summary(reading)
        asked = [False] * len(folded.text)
        for t in tokens:
            if t.kind in _QUESTION_WORDS:
                asked[t.start : t.end] = [True] * (t.end - t.start)
        content = "".join(c for c, q in zip(folded.text, asked, strict=True) if not q)
        return Question(question, reading, content)

    # -- names and cue words ---------------------------------------------------------------------
    def _tokens(self, text: str) -> list[Token]:
        """Names and cue words, longest first; a name beats a cue word of the same length."""
        candidates = [(f.end - f.start, 1, -f.start, Token(f.start, f.end, found=f)) for f in self.names.find(text)]
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + self.cue_longest) + 1):
                cue = self.cues.words.get(text[start:end])
                if cue:
                    candidates.append((end - start, 0, -start, Token(start, end, cue=cue)))
        taken: list[Token] = []
        used = [False] * len(text)
        for *_, token in sorted(candidates, key=lambda c: c[:3], reverse=True):
            if not any(used[token.start : token.end]):
                taken.append(token)
                used[token.start : token.end] = [True] * (token.end - token.start)
        return sorted(taken, key=lambda t: t.start)

    def _named(self, folded: Folded, tokens: list[Token]) -> list[Mention]:
        out = []
        for t in tokens:
            text, span = folded.text[t.start : t.end], folded.span(t.start, t.end)
            if t.found and len(t.found.named) > 1:
                names = [self.names.display(n.node) for n in t.found.named]
                out.append(Mention(text, span, MentionKind.AMBIGUOUS, Match.NAME, candidates=names))
            elif t.found:
                out.append(self._of_node(text, span, t.found.named[0].node, t.found.named[0].match))
            elif t.kind == CueKind.SCOPE:
                out.append(self._scope(text, span))
        titled = any(m.kind == MentionKind.DOCUMENT and m.match != Match.SCOPE for m in out)
        for m in out:
            if m.match == Match.SCOPE and titled:  # 《…》这份方案: the document named
                m.used = False
        return out

    def _scope(self, text: str, span: Span) -> Mention:
        """本方案: the one document there is; with several, which one is not guessed."""
        if len(self.documents) == 1:
            node = self.documents[0]
            title = self.graph.nodes[node]["title"]
            return Mention(text, span, MentionKind.DOCUMENT, Match.SCOPE, node, title, NodeType.DOCUMENT)
        titles = [self.graph.nodes[d]["title"] for d in self.documents]
        return Mention(text, span, MentionKind.AMBIGUOUS, Match.SCOPE, candidates=titles)

    def _of_node(self, text: str, span: Span, node: str, how: Match) -> Mention:
        a = self.graph.nodes[node]
        kind = {
            NodeType.DEPARTMENT: MentionKind.DEPARTMENT,
            NodeType.TASK: MentionKind.TASK,
            NodeType.DOCUMENT: MentionKind.DOCUMENT,
        }.get(a["type"], MentionKind.ENTITY)
        return Mention(text, span, kind, how, node, self.names.display(node), a["type"])

    # -- what is left over -----------------------------------------------------------------------
    def _leftovers(self, folded: Folded, tokens: list[Token]) -> list[Mention]:
        """Each stretch no name or cue word covers (filler words do not cut a stretch: 数字乡村建设工程)."""
        text = folded.text
        hard = [False] * len(text)
        for t in tokens:
            if t.kind != CueKind.FILLER:
                hard[t.start : t.end] = [True] * (t.end - t.start)
        named = any(t.found or t.kind == CueKind.SCOPE for t in tokens)
        out = []
        for word in _WORD.finditer(text):
            i = word.start()
            while i < word.end():
                j = i
                while j < word.end() and not hard[j]:
                    j += 1
                for start, end, mention in self._resolve(text, i, j):
                    if mention.kind == MentionKind.TERM and text.startswith(self.cues.aspect, end):
                        continue  # 部署了: a verb of the question, not what it is about
                    if mention.kind == MentionKind.TERM and named:
                        # Beside other names a term only narrows, unless the question says it must
                        # be mentioned (提到, 涉及); a word stuck to a name qualifies it (科技小院建设).
                        mention.optional = not self._follows(tokens, start, CueKind.MENTION)
                        mention.used = not (mention.optional and self._touches_name(tokens, start, end))
                    mention.span = folded.span(start, end)
                    out.append(mention)
                i = max(j, i + 1)
        return out

    def _resolve(self, text: str, start: int, end: int) -> list[tuple[int, int, Mention]]:
        """What ``text[start:end]`` names: as a whole (filler at its edges aside, then with it),
        else the longest run of whole words inside it, and so on for what remains."""
        if end - start < 2:
            return []
        trimmed = self._trim(text, start, end, whole_words=True)
        for s, e in dict.fromkeys([trimmed, (start, end)]):
            found = self._classify(text[s:e]) if e - s >= 2 else None
            if found:
                return [(s, e, found)]
        for s, e in dict.fromkeys([self._trim(text, start, end, whole_words=False), trimmed, (start, end)]):
            part = text[s:e]
            if len(part) >= 2 and not self.texts.occurs(part):
                near = self.names.near(part, self.cues.near_miss_cutoff) if len(part) >= 3 else []
                if near or self.names.looks_like_name(part):  # 海智计化, 上海市: a name the graph lacks
                    return [(s, e, Mention(part, Span(0, 0), MentionKind.UNKNOWN, Match.NONE, candidates=near))]
        part = text[start:end]
        bounds = sorted(set(self.words.bounds(part)) | self._soft_bounds(part))
        inner = sorted(
            ((i, j) for i in bounds for j in bounds if j - i >= 2 and (i, j) != (0, len(part))),
            key=lambda p: (p[0] - p[1], p[0]),
        )
        for i, j in inner:
            if (start + i, start + j) == trimmed:
                continue
            found = self._classify(part[i:j])
            if found:
                return [
                    *self._resolve(text, start, start + i),
                    (start + i, start + j, found),
                    *self._resolve(text, start + j, end),
                ]
        s, e = trimmed
        if e - s >= 2 and self.words.has_content(text[s:e]):  # a term the text lacks (碳达峰): ranked search may
            return [(s, e, Mention(text[s:e], Span(0, 0), MentionKind.TERM, Match.NONE))]
        return []

    def _classify(self, part: str) -> Mention | None:
        """Part of one name (海智), a term of the text (应急科普), part of several names, or nothing."""
        holders = self.names.containing(part)
        content = self.words.has_content(part)
        if holders:
            # Part of names. The text also using it on its own makes it a term (宣传, 乡村振兴) unless
            # it is so common it names nothing in particular (科协); else it stands for the one name
            # holding it (海智 -> 海智计划) or is ambiguous between several (大讲堂).
            names = [self.names.display(n) for n in holders]
            if content and self.texts.occurs_outside(part, self.names.forms_of(holders)):
                if self.texts.share(part) <= self.cues.generic_share:
                    return Mention(part, Span(0, 0), MentionKind.TERM, Match.TEXT, candidates=names)
            elif len(holders) == 1 and (len(part) > 2 or content):
                return self._of_node(part, Span(0, 0), holders[0], Match.PARTIAL)
            return Mention(part, Span(0, 0), MentionKind.AMBIGUOUS, Match.PARTIAL, candidates=names)
        if content and self.texts.occurs(part):
            return Mention(part, Span(0, 0), MentionKind.TERM, Match.TEXT)
        return None

    def _trim(self, text: str, start: int, end: int, whole_words: bool) -> tuple[int, int]:
        """Without filler words at either edge; with ``whole_words`` only where jieba cuts them off
        as words of their own (上海市有 -> 上海市, not 海市)."""
        bounds = {start + b for b in self.words.bounds(text[start:end])} if whole_words else None
        trimmed = True
        while trimmed and start < end:
            trimmed = False
            for word in self.cues.fillers:
                if text.startswith(word, start, end) and (bounds is None or start + len(word) in bounds):
                    start, trimmed = start + len(word), True
                elif text.endswith(word, start, end) and (bounds is None or end - len(word) in bounds):
                    end, trimmed = end - len(word), True
        return start, end

    def _soft_bounds(self, part: str) -> set[int]:
        """Edges of the filler words inside ``part``."""
        return {k for word in self.cues.fillers for i in positions(part, word) for k in (i, i + len(word))}

    @staticmethod
    def _follows(tokens: list[Token], start: int, kind: CueKind) -> bool:
        """Whether the cue nearest before ``start`` (filler aside) is of ``kind``."""
        before = [t for t in tokens if t.end <= start and t.kind != CueKind.FILLER]
        return bool(before) and before[-1].kind == kind

    @staticmethod
    def _touches_name(tokens: list[Token], start: int, end: int) -> bool:
        return any(t.found and (t.end == start or t.start == end) for t in tokens)

    # -- what it asks for ------------------------------------------------------------------------
    def _reading(self, tokens: list[Token], mentions: list[Mention]) -> Reading:
        kinds = [t.kind for t in tokens]
        roles = [t.cue.role for t in tokens if t.cue and t.kind == CueKind.ROLE]
        several = CueKind.SEVERAL in kinds
        asked: list[_Asked] = []
        bound: set[int] = set()
        for i, t in enumerate(tokens):
            if t.cue and t.kind == CueKind.ASK:
                asked.append(_Asked(t.cue.answer, t.cue.count))
            elif t.kind in (CueKind.WHICH, CueKind.COUNT):
                j = self._bind(tokens, i)
                cue = tokens[j].cue if j is not None else None
                noun = cue.answer if cue else None
                if j is not None and noun == AnswerType.DEPARTMENTS and self._before_together(tokens, j):
                    several = True  # 几个部门一起负责的任务: the departments describe the tasks
                    continue
                if j is not None:
                    bound.add(j)
                asked.append(_Asked(noun, t.kind == CueKind.COUNT))
        several = several or any(
            t.cue
            and t.kind == CueKind.NOUN
            and t.cue.answer == AnswerType.DEPARTMENTS
            and j not in bound
            and self._before_together(tokens, j)
            for j, t in enumerate(tokens)
        )
        reading = Reading(
            answer=AnswerType.SEARCH,
            mentions=mentions,
            role=roles[0] if len(set(roles)) == 1 else None,  # 牵头或配合: either
            together=CueKind.TOGETHER in kinds,
            separately=CueKind.SEPARATELY in kinds,
            several=several,
        )
        reading.answer, reading.count = self._answer(tokens, asked, reading)
        return reading

    def _answer(self, tokens: list[Token], asked: list[_Asked], reading: Reading) -> tuple[AnswerType, bool]:
        typed = [a.answer for a in asked if a.answer]
        listing = (AnswerType.TASKS, AnswerType.DEPARTMENTS)
        # No interrogative names the answer: the last listing noun does (海智计划相关的任务 -> tasks).
        named = [t.cue.answer for t in tokens if t.cue and t.kind == CueKind.NOUN and t.cue.answer in listing]
        chosen = typed[-1] if typed else (named[-1] if named and not asked else None)
        count = any(a.count for a in asked if a.answer in (chosen, None))
        nouns = {t.cue.answer for t in tokens if t.cue and t.kind == CueKind.NOUN}
        things = [m for m in reading.mentions if m.kind in (MentionKind.DEPARTMENT, MentionKind.ENTITY)]
        if AnswerType.POLICIES in typed and chosen not in listing:
            return AnswerType.POLICIES, False
        connection = AnswerType.CONNECTION in (*typed, *nouns) and len(things) >= 2
        if connection and chosen not in (*listing, AnswerType.DOCUMENTS):
            return AnswerType.CONNECTION, False
        if chosen == AnswerType.FIGURE or (
            chosen is None and count and (AnswerType.FIGURE in nouns or CueKind.FIGURE_VERB in [t.kind for t in tokens])
        ):
            return AnswerType.FIGURE, True
        if chosen in (*listing, AnswerType.DOCUMENTS, AnswerType.DEFINITION):
            return chosen, count
        if chosen == AnswerType.CONNECTION:  # 跟什么有关系, with one name: what it is
            return AnswerType.DEFINITION, False
        return self._default(reading), count

    @staticmethod
    def _default(reading: Reading) -> AnswerType:
        """What a question that names things but no answer noun asks for (学会部负责什么 -> tasks)."""
        kinds = {m.kind for m in reading.mentions if m.used}
        if MentionKind.DEPARTMENT in kinds or reading.several:
            return AnswerType.TASKS
        if kinds & {MentionKind.ENTITY, MentionKind.TASK, MentionKind.AMBIGUOUS, MentionKind.UNKNOWN}:
            return AnswerType.DEPARTMENTS
        if kinds & {MentionKind.TERM, MentionKind.DOCUMENT}:
            return AnswerType.TASKS
        return AnswerType.SEARCH

    @staticmethod
    def _questioning(tokens: list[Token]) -> bool:
        """Whether the words ask something: an interrogative, an answer noun beside a name, or an
        answer noun that words of relation point at (应急科普有关的任务)."""
        kinds = {t.kind for t in tokens}
        if kinds & {CueKind.WHICH, CueKind.COUNT, CueKind.ASK}:
            return True
        if CueKind.MENTION in kinds and CueKind.NOUN in kinds:
            return True
        return any(t.found for t in tokens) and bool(kinds & {CueKind.NOUN, CueKind.ROLE})

    def _keyword(self, text: str, tokens: list[Token], mentions: list[Mention]) -> AnswerType:
        """A bare name (数字科协) is a question about it; other bare words go to ranked search."""
        named = [t for t in tokens if t.found]
        rest = [c for i, c in enumerate(text) if not any(t.start <= i < t.end for t in tokens)]
        resolved = [m for m in mentions if m.kind in _NAMED and m.node]
        if len(named) == 1 and len(resolved) == 1 and not any(_WORD.match(c) for c in rest):
            return AnswerType.DEFINITION
        return AnswerType.SEARCH

    @staticmethod
    def _bind(tokens: list[Token], i: int) -> int | None:
        """The answer noun an interrogative asks for: just after it, else just before it."""
        for step, reach in ((1, _FORWARD_GAP), (-1, _BACKWARD_GAP)):
            j, edge = i + step, tokens[i].end if step > 0 else tokens[i].start
            while 0 <= j < len(tokens):
                t = tokens[j]
                gap = t.start - edge if step > 0 else edge - t.end
                if gap > reach:
                    break
                if t.kind == CueKind.NOUN:
                    return j
                if t.found or t.kind not in _PASSABLE:
                    break
                reach -= gap
                edge = t.end if step > 0 else t.start
                j += step
        return None

    @staticmethod
    def _before_together(tokens: list[Token], j: int) -> bool:
        """Whether a noun is followed by 共同/一起 (filler aside): 几个部门一起."""
        for t in tokens[j + 1 :]:
            if t.start - tokens[j].end > 2:
                return False
            if t.kind == CueKind.TOGETHER:
                return True
            if t.kind != CueKind.FILLER:
                return False
        return False

    # -- one line for people ---------------------------------------------------------------------
    def summary(self, reading: Reading) -> str:
        phrase, parts = self.cues.phrase, []
        names = []
        for m in reading.mentions:
            if not m.used:
                continue
            if m.kind == MentionKind.TERM:
                names.append(phrase("term", term=m.text))
            elif m.kind == MentionKind.TASK:
                names.append(phrase("task", id=m.name))
            elif m.kind in _NAMED and m.match != Match.SCOPE:
                names.append(m.name or m.text)
            else:
                names.append(m.text)
        if names:
            parts.append(phrase("list_sep").join(names))
        if reading.role:
            parts.append(ROLE_LABELS[Role(reading.role)])
        if reading.several:
            parts.append(phrase("several_label"))
        elif reading.together and len(names) > 1:
            parts.append(phrase("together_label"))
        parts.append(self.cues.labels.get(reading.answer) or phrase("search_label"))
        if reading.count:
            parts.append(phrase("count_label"))
        return phrase("reading_sep").join(p for p in parts if p)
