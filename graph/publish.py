"""Publish the graph's RDF to a SPARQL 1.1 server through the Graph Store HTTP Protocol.

Each document becomes one named graph, ``GRAPH_BASE + "doc/" + DOC``, holding its units,
figures, source spans and the relations read from it; the entities that documents share
(departments, programmes, organisations, policies, places) go to ``GRAPH_BASE + "shared"``. Every
graph is sent with ``PUT``, which replaces what the server held under that name, so publishing a
rebuilt corpus again replaces each document's graph whole. Graphs of documents no longer in the
corpus are left as they are.

Credentials come from ``$POLICYKG_PUBLISH_USER`` and ``$POLICYKG_PUBLISH_PASSWORD`` and answer the
server's challenge: HTTP basic auth (Fuseki, GraphDB) or digest auth (Virtuoso's
``/sparql-graph-crud-auth``).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import networkx as nx

from .rdf import DEFAULT_BASE, document_rdf

USER_ENV = "POLICYKG_PUBLISH_USER"
PASSWORD_ENV = "POLICYKG_PUBLISH_PASSWORD"
TURTLE = "text/turtle; charset=utf-8"
SHARED = "shared"


class PublishError(Exception):
    """The server refused or could not be reached; the message is one line."""


@dataclass(frozen=True)
class Published:
    graph: str  # the named graph's IRI
    doc: str | None  # None: the shared entities
    triples: int
    status: int  # the server's HTTP status


def graph_base(value: str | None, base: str = DEFAULT_BASE) -> str:
    """Where named graphs are minted: ``value``, else ``BASE + "graph/"``."""
    prefix = value or f"{base}graph/"
    parts = urlsplit(prefix)
    if parts.scheme not in ("http", "https", "urn") or prefix[-1] not in "/#:":
        raise ValueError(f"图 IRI 无效 invalid graph IRI '{prefix}': use an absolute IRI ending in '/', '#' or ':'")
    return prefix


def graph_iri(prefix: str, doc: str | None) -> str:
    return f"{prefix}{SHARED}" if doc is None else f"{prefix}doc/{quote(doc, safe='')}"


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    if not user:
        return urllib.request.build_opener()
    # Sent when the server asks (a 401 with its scheme): Virtuoso refuses an unasked-for Basic header.
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)
    )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"服务地址无效 invalid graph store URL '{url}': use an absolute http(s) URL")


def publish(
    graph: nx.MultiDiGraph,
    url: str,
    prefix: str,
    base: str = DEFAULT_BASE,
    timeout: float = 120.0,
) -> Iterator[Published]:
    """PUT each document's graph (and the shared entities) to the graph store at ``url``."""
    _check_url(url)
    opener = _opener(url, os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV))
    for doc, rdf in document_rdf(graph, base):
        name = graph_iri(prefix, doc)
        body = rdf.serialize(format="turtle", encoding="utf-8")
        target = f"{url}{'&' if '?' in url else '?'}{urlencode({'graph': name})}"
        request = urllib.request.Request(target, data=body, method="PUT", headers={"Content-Type": TURTLE})
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
            raise PublishError(
                f"发布失败 publishing {name} failed: HTTP {exc.code} {exc.reason} {detail}".strip()
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PublishError(f"无法连接 cannot reach the graph store at {url}: {reason}") from None
        yield Published(name, doc, len(rdf), status)
