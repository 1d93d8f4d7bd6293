"""export, sparql, publish: the graph in formats other tools read, read-only SPARQL over the built store,
and the RDF sent to a SPARQL server."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from graph import sparql
from graph.export import FORMATS, export
from graph.home import graph_path, require_version
from graph.publish import PASSWORD_ENV, USER_ENV, PublishError, graph_base, publish
from graph.rdf import BASE_ENV, DEFAULT_BASE, PREFIXES, base_iri, to_rdf
from graph.sparql_pool import PoolLimits
from graph.store import atomic_write, load_graph
from graph.triplestore import open_store, store_folder

from ..output import fail

NEO4J_IMPORT = (
    "neo4j-admin database import full --nodes={0}/nodes.csv --relationships={0}/relationships.csv "
    "--multiline-fields=true neo4j"
)
MAX_CELL = 60  # display columns per table cell; longer values are cut with …


def cmd_export(args: argparse.Namespace) -> int:
    base = base_iri(args.base)
    graph = load_graph(graph_path())
    fmt = FORMATS[args.format]
    rdf = to_rdf(graph, base) if fmt.rdflib else None
    files = export(graph, fmt.name, base, rdf)
    out = Path(args.output)
    if len(files) > 1:  # neo4j-csv: -o names a directory
        if out.exists() and not out.is_dir():
            raise ValueError(f"{out} 不是目录 is not a directory (neo4j-csv writes nodes.csv and relationships.csv)")
        targets = {out / name: data for name, data in files.items()}
    else:
        targets = {out / fmt.filename if out.is_dir() else out: next(iter(files.values()))}
    for path, data in targets.items():
        atomic_write(path, data)
    triples = f"{len(rdf)} triples, " if rdf is not None else ""
    sizes = ", ".join(f"{path} ({len(data):,} bytes)" for path, data in targets.items())
    print(f"exported {fmt.name}: {triples}{sizes}")
    if fmt.name == "neo4j-csv":
        print("import with: " + NEO4J_IMPORT.format(out))
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int = MAX_CELL) -> str:
    if _width(text) <= width:
        return text
    kept, used = [], _width("…")
    for ch in text:
        used += _width(ch)
        if used > width:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _show(term: dict | None, base: str) -> str:
    """A result term for reading: prefixed names, node IRIs relative to the base and decoded."""
    if term is None:
        return ""
    value = " ".join(term["value"].split())
    if term["type"] != "uri":
        return value if term["type"] == "literal" else f"_:{value}"
    if value.startswith(base):
        return f"<{unquote(value[len(base) :])}>"
    for prefix, ns in PREFIXES.items():
        if value.startswith(str(ns)):
            return f"{prefix}:{value[len(str(ns)) :]}"
    return f"<{value}>"


def print_table(results: dict, base: str) -> None:
    """SPARQL JSON results as aligned columns (Chinese characters count double width, long cells cut)."""
    if "boolean" in results:
        print("true" if results["boolean"] else "false")
        return
    names = results["head"]["vars"]
    rows = [[_clip(_show(b.get(n), base)) for n in names] for b in results["results"]["bindings"]]
    widths = [max(_width(c) for c in column) for column in zip(names, *rows, strict=True)]
    for line in [names, ["-" * w for w in widths], *rows]:
        print("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip())


def cmd_sparql(args: argparse.Namespace) -> int:
    prepared = sparql.prepare(sys.stdin.read() if args.query == "-" else args.query)
    table = args.format == "table"
    if table:
        media_type = sparql.MEDIA_TYPES[prepared.form][0]  # JSON for rows, Turtle for graphs
    else:
        media_type = sparql.FORMAT_NAMES[args.format]
    store = open_store(store_folder(require_version().path), PoolLimits(workers=1, queue=0))
    try:
        answer = sparql.run(store.pool, prepared, media_type, timeout=args.timeout, max_rows=args.max_rows)
    finally:
        store.close()
    if table and prepared.form in ("SELECT", "ASK"):
        print_table(json.loads(answer.body), store.info.base)
    else:
        sys.stdout.write(answer.body.decode("utf-8").rstrip("\n") + "\n")
    if answer.truncated:
        print(f"警告 warning: results cut at {args.max_rows} rows (--max-rows)", file=sys.stderr)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    base = base_iri(args.base)
    prefix = graph_base(args.graph, base)
    graph = load_graph(graph_path())
    total = 0
    try:
        for done in publish(graph, args.sparql, prefix, base):
            total += done.triples
            print(f"{done.graph}: {done.triples} triples (HTTP {done.status})")
    except PublishError as exc:
        return fail(str(exc))
    print(f"published {total} triples to {args.sparql}")
    return 0


def _positive(kind: type):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text}")
        return value

    return parse


def register(sub) -> None:
    base_help = f"base IRI for nodes (default: ${BASE_ENV} or {DEFAULT_BASE})"
    e = sub.add_parser("export", help="export the graph: Turtle, JSON-LD, N-Triples, GraphML, Neo4j CSV")
    e.add_argument("--format", required=True, choices=list(FORMATS))
    e.add_argument("-o", "--output", required=True, help="file to write (a directory for neo4j-csv)")
    e.add_argument("--base", help=base_help)
    e.set_defaults(func=cmd_export)
    s = sub.add_parser("sparql", help="run a read-only SPARQL query against the graph")
    s.add_argument("query", help="the query text, or - to read it from stdin")
    s.add_argument("--format", default="table", choices=["table", *sparql.FORMAT_NAMES])
    s.add_argument("--timeout", type=_positive(float), default=sparql.DEFAULT_TIMEOUT, help="seconds (default: 5)")
    s.add_argument("--max-rows", type=_positive(int), default=sparql.DEFAULT_MAX_ROWS, help="default: 10000")
    s.set_defaults(func=cmd_sparql)
    p = sub.add_parser(
        "publish",
        help="send the RDF to a SPARQL server (Graph Store HTTP Protocol), one named graph per document",
        epilog=f"credentials, if the server wants them: ${USER_ENV} and ${PASSWORD_ENV}",
    )
    p.add_argument("--sparql", required=True, metavar="URL", help="the server's graph store endpoint")
    p.add_argument("--graph", metavar="IRI", help="prefix of the named graphs (default: BASE + 'graph/')")
    p.add_argument("--base", help=base_help)
    p.set_defaults(func=cmd_publish)
