"""build, tasks, entity, stats."""

from __future__ import annotations

import argparse
import sys
import time

from graph import query
from graph.home import BUNDLED_CORPUS
from graph.records import AnyEntityRecord, DepartmentRecord, PolicyRecord
from graph.schema import REFERENCED_TYPES, EdgeType

from ..output import add_build_options, fail, print_json
from ..pipeline import build_all
from ..state import current
from .adapt import adapt_and_rebuild


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    summary = build_all(
        args.paths or [str(BUNDLED_CORPUS)],
        warn=lambda msg: print(f"警告 warning: {msg}", file=sys.stderr),
        progress=not args.quiet,
        model=args.model,
    )
    s = summary["stats"]
    entities = ", ".join(f"{k} {v}" for k, v in s.nodes.items() if k in REFERENCED_TYPES)
    print(
        f"built {s.documents} documents, {s.tasks} tasks, entities: {entities}; "
        f"{s.edge_count} edges in {time.perf_counter() - started:.1f} s -> {summary['path']}"
    )
    if "index" in summary:
        i = summary["index"]
        print(f"search index: {i['units']} units, {i['pieces']} pieces, {i['bytes'] / 1e6:.1f} MB -> {i['path']}")
    if args.adapt:
        return adapt_and_rebuild(args.model, args.quiet)
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    graph = current().graph
    if args.doc:
        query.require_document(graph, args.doc)
    records = query.tasks(graph, args.doc)
    if args.json:
        print_json(records)
        return 0
    for t in records:
        print(f"{t.doc} {t.id:<8} {t.label:<8} {t.title}  [{'、'.join(t.departments)}]")
    return 0


def _print_entity(r: AnyEntityRecord) -> None:
    aliases = getattr(r, "aliases", [])
    print(f"{r.type} {r.name}" + (f" (别名 aliases: {'、'.join(aliases)})" if aliases else ""))
    if isinstance(r, DepartmentRecord):
        for t in r.tasks:
            print(f"  {t.role:<10} {t.doc} {t.id} {t.title}")
        return
    if isinstance(r, PolicyRecord):
        for link in r.documents:
            print(f"  {EdgeType.SAME_AS:<10} {link.doc} 《{link.title}》 {link.date}: {link.reason}")
    for m in r.mentions:
        where = f"{m.doc} {m.id or ''}".strip()
        print(f"  {m.relation:<10} {where}: {m.sentence}")
    if r.departments:
        print("  部门 departments: " + "、".join(d.name for d in r.departments))


def cmd_entity(args: argparse.Namespace) -> int:
    data = current()
    graph = data.graph
    match = data.index.lookup(args.name)
    if not match.nodes:
        hint = f"; 您是不是要找 did you mean: {'、'.join(match.suggestions)}" if match.suggestions else ""
        return fail(f"未找到实体 no entity named '{args.name}'{hint}")
    records = [query.entity_record(graph, n) for n in match.nodes]
    if args.json:
        print_json(records if len(records) > 1 else records[0])
        return 0
    if len(records) > 1:
        print(f"'{args.name}' 有多个匹配 matches several entities:")
    for r in records:
        _print_entity(r)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    s = current().stats
    if args.json:
        print_json(s)
        return 0
    print(f"documents {s.documents}, tasks {s.tasks}, nodes {s.node_count}, edges {s.edge_count}")
    print("nodes: " + ", ".join(f"{k} {v}" for k, v in s.nodes.items()))
    print("edges: " + ", ".join(f"{k} {v}" for k, v in s.edges.items()))
    return 0


def register(sub) -> None:
    b = sub.add_parser("build", help="ingest documents and build the graph (default: bundled corpus)")
    b.add_argument("paths", nargs="*", help="files (.txt .md .docx .pdf .html) or folders")
    add_build_options(b)
    b.add_argument("--adapt", action="store_true", help="then adapt the embedding model to it (see `policykg adapt`)")
    b.set_defaults(func=cmd_build)
    t = sub.add_parser("tasks", help="list tasks")
    t.add_argument("--json", action="store_true")
    t.add_argument("--doc", help="only this document id")
    t.set_defaults(func=cmd_tasks)
    e = sub.add_parser("entity", help="show an entity by name, alias or partial name")
    e.add_argument("name")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_entity)
    s = sub.add_parser("stats", help="graph counts")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)
