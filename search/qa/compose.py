"""Answers composed from a reading: each constraint becomes a graph operation, and what the answer
lists (tasks, departments, documents, a count) is taken from what they select together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.schema import LEAF_UNIT_TYPES, RELATION_LABELS, ROLE_LABELS, TYPE_LABELS, NodeType, Role

from .basis import policy_basis
from .cues import Cues
from .evidence import (
    dedupe,
    document_node,
    document_ref,
    edge_evidence,
    entity_ref,
    labels,
    name,
    responsible,
    task_ref,
)
from .figures import figure
from .model import (
    Answer,
    AnswerType,
    Evidence,
    Match,
    Mention,
    MentionKind,
    PolicyRef,
    Reading,
    Status,
    TaskRef,
)
from .operations import (
    Hits,
    citations_of,
    citing,
    departments_of,
    in_scope,
    intersect,
    ordered,
    tasks_in,
    tasks_of,
    unite,
    units_containing,
    units_mentioning,
    versions_of,
    with_several_departments,
)
from .paths import relation
from .reading import Question, Reader

_ALL_UNITS = (*LEAF_UNIT_TYPES, NodeType.DOCUMENT)
MAX_SUGGESTIONS = 8
MAX_LISTED = 30  # tasks named in an answer sentence; the record lists them all
MAX_EVIDENCE = 200  # sentences cited by one answer


@dataclass
class Selection:
    """The tasks a reading's constraints select, and how to say what they are."""

    tasks: Hits
    pieces: list[str] = field(default_factory=list)  # 学会部配合, 提到三长制
    operations: list[str] = field(default_factory=list)  # tasks_of(学会部, supporting)
    missing_term: bool = False  # a term that must occur and no task holds: ranked search may help


class Composer:
    def __init__(self, graph: nx.MultiDiGraph, reader: Reader, cues: Cues):
        self.graph, self.reader, self.cues = graph, reader, cues

    def answer(self, q: Question) -> Answer | None:
        """The graph's answer, or None when only ranked search can help."""
        reading = q.reading
        if reading.answer == AnswerType.SEARCH:
            return None
        reading.summary = self.reader.summary(reading)
        if reading.answer != AnswerType.FIGURE and (problem := self.unresolved(q)):
            problem.reading = reading
            return problem
        build = {
            AnswerType.TASKS: self.tasks,
            AnswerType.DEPARTMENTS: self.departments,
            AnswerType.DOCUMENTS: self.documents,
            AnswerType.POLICIES: self.policies,
            AnswerType.DEFINITION: self.definition,
            AnswerType.CONNECTION: self.connection,
            AnswerType.FIGURE: self.figure,
        }[reading.answer]
        answer = build(q)
        if answer is not None:
            reading.summary = self.reader.summary(reading)
            answer.reading = reading
        return answer

    def _new(self, q: Question, text: str, **fields) -> Answer:
        answer = Answer(q.text, intent(q.reading), text, **fields)
        answer.evidence = answer.evidence[:MAX_EVIDENCE]
        return answer

    def _listed(self, refs: list[TaskRef]) -> str:
        """The tasks as the answer sentence names them, the first ``MAX_LISTED`` of a long list."""
        listed = labels(refs[:MAX_LISTED], self.cues.phrase("task_sep"))
        return listed + (self.cues.phrase("more", n=len(refs)) if len(refs) > MAX_LISTED else "")

    # -- names the graph does not hold, or holds several of --------------------------------------
    def unresolved(self, q: Question) -> Answer | None:
        phrase = self.cues.phrase
        for m in (m for m in q.reading.mentions if m.used):
            names = phrase("list_sep").join(m.candidates[:MAX_SUGGESTIONS])
            if m.kind == MentionKind.UNKNOWN:
                hint = phrase("did_you_mean", names=names) if m.candidates else phrase("try_other")
                text = phrase("unknown", text=m.text) + hint
                return self._new(q, text, status=Status.NOT_FOUND, suggestions=m.candidates[:MAX_SUGGESTIONS])
            if m.kind == MentionKind.AMBIGUOUS:
                text = phrase("ambiguous", text=m.text, names=names)
                return self._new(q, text, status=Status.AMBIGUOUS, suggestions=m.candidates[:MAX_SUGGESTIONS])
        return None

    # -- selecting tasks -------------------------------------------------------------------------
    def select(self, reading: Reading, role_of_named: bool) -> Selection:
        """Tasks in scope ∩ the named departments' (with the role when ``role_of_named``) ∩ those
        mentioning the named entities or terms, of several departments when asked."""
        g, phrase = self.graph, self.cues.phrase
        used = [m for m in reading.mentions if m.used]
        scope = [m for m in used if m.kind == MentionKind.DOCUMENT and m.node]
        docs = [m.node or "" for m in scope]
        sel = Selection({})  # the scope's tasks are listed only when no other constraint selects any
        if docs:
            sel.operations.append(f"tasks_in({', '.join(docs)})")
            sel.pieces += [self._shown(m) for m in scope]
        groups: list[Hits] = []
        named_tasks = [m for m in used if m.kind == MentionKind.TASK]
        if named_tasks:
            groups.append(unite(g, [{m.node: []} for m in named_tasks if m.node]))
            sel.pieces += [phrase("task", id=m.name) for m in named_tasks]
            sel.operations.append(" ∪ ".join(f"task({m.name})" for m in named_tasks))
        depts = [m for m in used if m.kind == MentionKind.DEPARTMENT and m.node]
        if depts:
            role = reading.role if role_of_named else None
            hits = [tasks_of(g, m.node or "", role) for m in depts]
            groups.append(unite(g, hits) if reading.separately else intersect(g, hits))
            join = " ∪ " if reading.separately else " ∩ "
            sel.operations.append(join.join(f"tasks_of({m.name}, {role or 'any'})" for m in depts))
            role_word = ROLE_LABELS[Role(role)] if role else phrase("all_roles")
            if len(depts) == 1:
                sel.pieces.append(phrase("role_verb", dept=depts[0].name, role=role_word))
            elif reading.separately:
                sel.pieces.append(
                    phrase("either", depts=phrase("or").join(m.name or "" for m in depts), role=role_word)
                )
            else:
                sel.pieces.append(
                    phrase("shared", depts=phrase("and").join(m.name or "" for m in depts), role=role_word)
                )
        about = [m for m in used if m.kind == MentionKind.ENTITY or (m.kind == MentionKind.TERM and not m.optional)]
        if any(m.match == Match.NONE for m in about):
            sel.missing_term = True
            return sel
        if about:
            hits = [self._mentioning(m) for m in about]
            if any(not h and m.kind == MentionKind.TERM for h, m in zip(hits, about, strict=True)):
                sel.missing_term = True  # words of the text but of no task (疫情防控): passages may hold them
                return sel
            groups.append(intersect(g, hits) if reading.together else unite(g, hits))
            join = " ∩ " if reading.together else " ∪ "
            sel.operations.append(join.join(self._operation(m) for m in about))
            sel.pieces += [phrase("mentions", name=self._shown(m)) for m in about]
        # The scope filters; its evidence (each task's opening) stands only when nothing else does.
        if groups:
            held = in_scope(g, docs or None)
            tasks = {n: e for n, e in intersect(g, groups).items() if held(n)}
        else:
            tasks = tasks_in(g, docs or None)
        if reading.several:
            tasks = with_several_departments(g, tasks)
            sel.operations.append("with_several_departments")
            sel.pieces.append(phrase("several"))
        for m in (m for m in used if m.kind == MentionKind.TERM and m.optional):
            narrowed = intersect(g, [tasks, self._mentioning(m)]) if m.match != Match.NONE else {}
            if narrowed:
                tasks = narrowed
                sel.operations.append(self._operation(m))
                sel.pieces.append(phrase("mentions", name=self._shown(m)))
            else:
                m.used = False
        sel.tasks = tasks
        return sel

    def _mentioning(self, m: Mention, types: tuple[str, ...] = (NodeType.TASK,)) -> Hits:
        if m.kind == MentionKind.TERM:
            return units_containing(self.graph, self.reader.texts, m.text, types)
        return units_mentioning(self.graph, m.node or "", types)

    def _operation(self, m: Mention) -> str:
        return f"tasks_containing({m.text})" if m.kind == MentionKind.TERM else f"tasks_mentioning({m.name})"

    def _shown(self, m: Mention) -> str:
        if m.kind == MentionKind.DOCUMENT:
            return m.text if m.match == Match.SCOPE else self.cues.phrase("document", title=m.name)
        if m.kind == MentionKind.TERM:
            return self.cues.phrase("term", term=m.text)
        if m.kind == MentionKind.TASK:
            return self.cues.phrase("task", id=m.name)
        return m.name or m.text

    def _entity_fields(self, reading: Reading) -> dict:
        """The named entities, and the programmes and policies among them, for the answer record."""
        nodes = [m.node for m in reading.mentions if m.used and m.kind == MentionKind.ENTITY and m.node]
        attrs = [self.graph.nodes[n] for n in nodes]
        return {
            "entities": [entity_ref(self.graph, n) for n in nodes],
            "programmes": [a["name"] for a in attrs if a["type"] == NodeType.PROGRAMME],
            "policies": [PolicyRef(a["name"], a.get("issuer", "")) for a in attrs if a["type"] == NodeType.POLICY],
        }

    # -- tasks -----------------------------------------------------------------------------------
    def tasks(self, q: Question) -> Answer | None:
        reading, phrase, g = q.reading, self.cues.phrase, self.graph
        sel = self.select(reading, role_of_named=True)
        if sel.missing_term:
            return None
        reading.operation = " → ".join([*sel.operations, *(["count"] if reading.count else [])])
        refs = [task_ref(g, t) for t in sel.tasks]
        subject = phrase("list_sep").join(sel.pieces) or phrase("all_tasks")
        listed = self._listed(refs)
        depts = [m for m in reading.mentions if m.used and m.kind == MentionKind.DEPARTMENT and m.node]
        if not refs:
            text = phrase("tasks_none", subject=subject)
        elif len(depts) == 1 and not reading.role and len(sel.pieces) == 1:
            lead = sum(1 for t in sel.tasks if _role_in(g, depts[0].node or "", t) == Role.LEAD)
            text = phrase(
                "tasks_split", subject=subject, n=len(refs), lead=lead, supporting=len(refs) - lead, tasks=listed
            )
        else:
            text = phrase("tasks", subject=subject, n=len(refs), tasks=listed)
        named = [m.name or "" for m in depts]
        involved = list(dict.fromkeys(d for t in refs for d in t.departments))
        return self._new(
            q,
            text,
            departments=named or (involved if reading.several else []),
            tasks=refs,
            count=len(refs) if reading.count else None,
            evidence=dedupe([e for evidence in sel.tasks.values() for e in evidence]),
            **self._entity_fields(reading),
        )

    # -- departments -----------------------------------------------------------------------------
    def departments(self, q: Question) -> Answer | None:
        reading, phrase, g = q.reading, self.cues.phrase, self.graph
        sel = self.select(reading, role_of_named=False)
        if sel.missing_term:
            return None
        named = {m.node for m in reading.mentions if m.used and m.kind == MentionKind.DEPARTMENT}
        found = {d: e for d, e in departments_of(g, sel.tasks, reading.role).items() if d not in named}
        reading.operation = " → ".join(
            [*sel.operations, f"departments_of({reading.role or 'any'})", *(["count"] if reading.count else [])]
        )
        subject = self._subject(reading)
        refs = [task_ref(g, t) for t in sel.tasks]
        fields = self._entity_fields(reading)
        if not found:
            about = [m for m in reading.mentions if m.used and m.kind == MentionKind.ENTITY]
            if not sel.tasks and len(about) == 1 and about[0].node:
                elsewhere = self._mentioning(about[0], _ALL_UNITS)
                return self._new(
                    q,
                    phrase("entity_unused", name=about[0].name),
                    status=Status.NOT_FOUND,
                    evidence=dedupe([e for ev in elsewhere.values() for e in ev]),
                    count=0 if reading.count else None,
                    **fields,
                )
            return self._new(
                q,
                phrase("departments_none", subject=subject),
                tasks=refs,
                count=0 if reading.count else None,
                **fields,
            )
        names = [name(g, d) for d in found]
        listed = self._listed(refs)
        joined = phrase("list_sep").join(names)
        if reading.role:
            role = ROLE_LABELS[Role(reading.role)]
            text = phrase(
                "departments_role", subject=subject, n=len(names), role=role, names=joined, k=len(refs), tasks=listed
            )
        else:
            text = phrase("departments", subject=subject, n=len(names), names=joined, k=len(refs), tasks=listed)
        evidence = [e for ev in sel.tasks.values() for e in ev] + [e for ev in found.values() for e in ev]
        return self._new(
            q,
            text,
            departments=names,
            tasks=refs,
            count=len(names) if reading.count else None,
            evidence=dedupe(evidence),
            **fields,
        )

    def _subject(self, reading: Reading) -> str:
        phrase = self.cues.phrase
        shown = [
            self._shown(m)
            for m in reading.mentions
            if m.used and m.kind in (MentionKind.ENTITY, MentionKind.TERM, MentionKind.TASK, MentionKind.DOCUMENT)
        ]
        return phrase("list_sep").join(shown) or phrase("all_tasks")

    # -- documents -------------------------------------------------------------------------------
    def documents(self, q: Question) -> Answer | None:
        reading, phrase, g = q.reading, self.cues.phrase, self.graph
        used = [m for m in reading.mentions if m.used]
        groups: list[Hits] = []
        for m in used:
            if m.kind in (MentionKind.ENTITY, MentionKind.TERM):
                if m.match == Match.NONE:
                    return None
                groups.append(self._mentioning(m, _ALL_UNITS))
            elif m.kind == MentionKind.DEPARTMENT and m.node:
                groups.append(tasks_of(g, m.node, reading.role))
            elif m.kind == MentionKind.TASK and m.node:
                groups.append({m.node: []})
        # A document named by title, and nothing else, asks for the documents that cite it.
        cited = (
            [] if groups else [m for m in used if m.kind == MentionKind.DOCUMENT and m.node and m.match != Match.SCOPE]
        )
        wording = ("cited_by", "cited_by_none") if cited else ("documents", "documents_none")
        if groups:
            units = intersect(g, groups) if reading.together else unite(g, groups)
        elif cited:
            units = unite(g, [citing(g, m.node) for m in cited if m.node])
        else:
            scope = [m.node for m in used if m.kind == MentionKind.DOCUMENT and m.node]
            units = ordered(g, {d: [] for d in scope}) or tasks_in(g)
        docs: dict[str, list[Evidence]] = {}
        for unit, evidence in units.items():
            docs.setdefault(document_node(g, unit), []).extend(evidence)
        refs = [document_ref(g, d) for d in docs]
        shown = [m for m in used if m.kind != MentionKind.DOCUMENT] or cited
        if cited:
            reading.operation = "documents_citing(" + ", ".join(m.name or m.text for m in cited) + ")"
        else:
            reading.operation = "documents_of(" + ", ".join(self._operation(m) for m in shown) + ")"
        subject = phrase("list_sep").join(self._shown(m) for m in shown)
        if cited:
            versions = [v for m in cited if m.node for v in versions_of(g, m.node)]
            titles = phrase("task_sep").join(self._citing_item(d, versions) for d in docs)
        else:
            titles = phrase("list_sep").join(f"《{r.title}》" for r in refs)
        text = (
            phrase(wording[0], subject=subject, n=len(refs), titles=titles)
            if refs
            else phrase(wording[1], subject=subject)
        )
        return self._new(
            q,
            text,
            status=Status.OK if refs else Status.NOT_FOUND,
            documents=refs,
            count=len(refs) if reading.count else None,
            evidence=dedupe([e for ev in docs.values() for e in ev]),
            **self._entity_fields(reading),
        )

    def _citing_item(self, document: str, cited: list[str]) -> str:
        """A citing document with how it cites (relation, and why that version): 《…》（依据：…）."""
        phrase, title = self.cues.phrase, self.graph.nodes[document]["title"]
        ways = [
            phrase("cited_how", relation=RELATION_LABELS.get(c["relation"], c["relation"]), reason=c["reason"])
            for c in citations_of(self.graph, document, cited)
        ]
        shown = phrase("document", title=title)
        if not ways:
            return shown
        return phrase("cited_by_item", document=shown, ways=phrase("list_sep").join(dict.fromkeys(ways)))

    # -- policies, definitions, connections, figures ---------------------------------------------
    def policies(self, q: Question) -> Answer | None:
        reading = q.reading
        used = [m for m in reading.mentions if m.used]
        named = [m.node for m in used if m.kind == MentionKind.TASK and m.node]
        if not named and any(m.kind in (MentionKind.ENTITY, MentionKind.TERM, MentionKind.DEPARTMENT) for m in used):
            sel = self.select(reading, role_of_named=True)
            if sel.missing_term:
                return None
            named = list(sel.tasks)
        docs = [m.node for m in used if m.kind == MentionKind.DOCUMENT and m.node]
        reading.operation = f"policies_of({', '.join(named or docs) or 'documents'})"
        answer = policy_basis(self.graph, named, docs, self.cues)
        return self._new(
            q, answer.text, status=answer.status, tasks=answer.tasks, policies=answer.policies, evidence=answer.evidence
        )

    def definition(self, q: Question) -> Answer | None:
        reading, g, phrase = q.reading, self.graph, self.cues.phrase
        first = next((m for m in reading.mentions if m.used), None)
        if first is None:
            return None
        if first.kind in (MentionKind.DEPARTMENT, MentionKind.TERM):  # what a department does: its tasks
            reading.answer = AnswerType.TASKS
            return self.tasks(q)
        if first.kind == MentionKind.DOCUMENT and first.node:
            reading.operation = f"document({first.node})"
            a = g.nodes[first.node]
            details = [phrase(f"document_{key}", **{key: a[key]}) for key in ("issuer", "number", "date") if a.get(key)]
            text = phrase("document_definition", title=a["title"], details=phrase("detail_sep").join(details))
            return self._new(q, text, documents=[document_ref(g, first.node)])
        if first.kind == MentionKind.TASK and first.node:
            reading.operation = f"task({first.name})"
            t = task_ref(g, first.node)
            a = g.nodes[first.node]
            who = phrase("list_sep").join(
                f"{name(g, d)}（{ROLE_LABELS[Role(e['role'])]}）" for d, e in responsible(g, first.node)
            )
            text = phrase("task_definition", id=t.id, label=t.label, title=t.title, departments=who, text=a["text"])
            evidence = [edge_evidence(g, first.node, e) for _, e in responsible(g, first.node)]
            return self._new(q, text, tasks=[t], departments=t.departments, evidence=dedupe(evidence))
        return self._what_is(q, first)

    def _what_is(self, q: Question, m: Mention) -> Answer:
        g, phrase, node = self.graph, self.cues.phrase, m.node or ""
        a = g.nodes[node]
        q.reading.operation = f"mentions_of({m.name}) → departments_of(any)"
        units = self._mentioning(m, _ALL_UNITS)
        evidence = dedupe([e for ev in units.values() for e in ev])
        tasks = [t for t in units if g.nodes[t]["type"] == NodeType.TASK]
        refs = [task_ref(g, t) for t in tasks]
        depts = [name(g, d) for d in departments_of(g, tasks)]
        aliases = (
            phrase("definition_aliases", aliases=phrase("list_sep").join(a["aliases"])) if a.get("aliases") else ""
        )
        kind = TYPE_LABELS.get(a["type"], a["type"])
        text = phrase("definition", name=a["name"], aliases=aliases, kind=kind, n=len(evidence))
        if refs:
            text += phrase("definition_tasks", n=len(refs), tasks=self._listed(refs))
        text += phrase("definition_departments", names=phrase("list_sep").join(depts)) if depts else ""
        text += "。"
        if evidence:
            text += phrase("definition_quote", text=evidence[0].text)
        return self._new(q, text, departments=depts, tasks=refs, evidence=evidence, **self._entity_fields(q.reading))

    def connection(self, q: Question) -> Answer | None:
        things = [m for m in q.reading.mentions if m.used and m.kind in (MentionKind.DEPARTMENT, MentionKind.ENTITY)]
        a, b = things[0].node or "", things[1].node or ""
        q.reading.operation = f"shortest_paths({things[0].name}, {things[1].name})"
        found = relation(self.graph, a, b, self.cues)
        fields = {"entities": [entity_ref(self.graph, a), entity_ref(self.graph, b)]}
        if not found.paths:
            return self._new(q, found.text, status=Status.NOT_FOUND, **fields)
        return self._new(q, found.text, paths=found.paths, evidence=found.evidence, **fields)

    def figure(self, q: Question) -> Answer | None:
        q.reading.operation = "figures_like(question)"
        found = figure(self.graph, q.content, self.cues)
        if found is None:
            return None
        return self._new(q, found.text, figures=found.figures, evidence=found.evidence)


def _role_in(graph: nx.MultiDiGraph, dept: str, task: str) -> str | None:
    return next((e["role"] for d, e in responsible(graph, task) if d == dept), None)


def intent(reading: Reading) -> str:
    """A name for the kind of answer, built from what the question names: department_tasks,
    shared_tasks, entity_departments, term_tasks, multi_department_tasks, what_is …"""
    fixed = {
        AnswerType.POLICIES: "policy_basis",
        AnswerType.DEFINITION: "what_is",
        AnswerType.CONNECTION: "relation",
        AnswerType.FIGURE: "figure",
        AnswerType.SEARCH: "search",
    }
    if reading.answer in fixed:
        return fixed[reading.answer]
    used = [m for m in reading.mentions if m.used]
    depts = sum(1 for m in used if m.kind == MentionKind.DEPARTMENT)
    parts = ["shared" if depts > 1 else "department"] if depts else []
    parts += ["multi_department"] if reading.several else []
    kinds = {MentionKind.UNKNOWN: MentionKind.ENTITY, MentionKind.AMBIGUOUS: MentionKind.ENTITY}  # as meant
    named = {kinds.get(m.kind, m.kind) for m in used}
    parts += [kind.value for kind in (MentionKind.ENTITY, MentionKind.TERM, MentionKind.TASK) if kind in named]
    return "_".join([*(parts or ["document"]), reading.answer.value])
