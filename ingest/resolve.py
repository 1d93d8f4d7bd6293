"""Merge mentions into entities: one canonical name per thing, every other form an alias."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .extract.scan import strip_quotes
from .lexicon import AliasTable, Lexicon
from .model import Document
from .summary import DocumentSummary, summaries
from .titles import title_key


@dataclass
class Entity:
    id: str
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    attrs: dict = field(default_factory=dict)


@dataclass
class Resolution:
    entities: dict[str, Entity]
    by_surface: dict[tuple[str, str], str]  # (type, surface) -> entity id

    def entity_for(self, type_: str, surface: str) -> Entity | None:
        key = self.by_surface.get((type_, surface))
        return self.entities[key] if key else None


class _Groups:
    """Union-find over names."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, name: str) -> str:
        self.parent.setdefault(name, name)
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name in list(self.parent):
            out.setdefault(self.find(name), []).append(name)
        return out


def _table_groups(groups: _Groups, used: set[str], table: AliasTable) -> None:
    for canonical, aliases in table.groups.items():
        for alias in aliases:
            if alias in used or canonical in used:
                groups.union(alias, canonical)


def _strip_prefix(name: str, prefixes: list[str]) -> str | None:
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return name[len(prefix) :]
    return None


def _departments(names: set[str], lexicon: Lexicon) -> dict[str, str]:
    """Canonical = the fullest form a document uses (院士专家服务中心 -> 省院士专家服务中心)."""
    groups = _Groups()
    for name in names:
        groups.find(name)
    _table_groups(groups, names, lexicon.departments)
    prefixes = lexicon.words("department", "jurisdiction_prefixes")
    for name in names:
        short = _strip_prefix(name, prefixes)
        if short in names:
            groups.union(short, name)
    out = {}
    for members in groups.members().values():
        used = [m for m in members if m in names] or members
        canonical = max(used, key=lambda m: (len(m), m))
        out.update({m: canonical for m in members})
    return out


def _programmes(names: set[str], lexicon: Lexicon) -> dict[str, str]:
    """Lexicon aliases, facility forms (海智工作站 -> 海智计划), short forms (三长 -> 三长制)."""
    rules = lexicon.rules["programme"]
    table = lexicon.programmes.names()
    canon = {n: table.get(n, table.get(strip_quotes(n), n)) for n in names}
    canon = {n: table.get(re.sub("[（(].*[）)]$", "", c), c) for n, c in canon.items()}
    targets = set(canon.values())
    stems: dict[str, str] = {}
    for target in sorted(targets):  # one stem, one target, whatever the order of the set
        for suffix in rules["stem_suffixes"]:
            if target.endswith(suffix) and len(target) > len(suffix) + 1:
                stems.setdefault(target[: -len(suffix)], target)
    prefixes = lexicon.words("department", "jurisdiction_prefixes") + ["国家级"]
    facilities = sorted(rules["facility_suffixes"], key=len, reverse=True)
    for name, target in canon.items():
        resolved = target
        for suffix in facilities:
            rest = target[: -len(suffix)]
            if target.endswith(suffix) and (rest in targets or rest in stems):
                resolved = rest if rest in targets else stems[rest]
                break
        if resolved == target and target in stems:  # “三长” written for 三长制
            resolved = stems[target]
        bare = _strip_prefix(resolved, prefixes)
        canon[name] = bare if bare in targets else resolved  # 省院士工作站 -> 院士工作站
    return canon


def _from_table(names: set[str], table: AliasTable) -> dict[str, str]:
    index = table.names()
    return {n: index.get(n, n) for n in names}


def _titles(names: set[str], docs: list[DocumentSummary], lexicon: Lexicon) -> dict[str, str]:
    """Title variants of one document are one entity, named by the ingested document's title when
    there is one, else by the fullest form without a version (中华人民共和国科学技术普及法)."""
    titles = {title_key(d.title, lexicon).key: d.title for d in docs}
    groups: dict[str, list[tuple[bool, int, str]]] = {}
    for name in names:
        key = title_key(name, lexicon)
        groups.setdefault(key.key, []).append((not key.version, len(name), name))
    return {name: titles.get(key) or max(group)[2] for key, group in groups.items() for _, _, name in group}


def resolve(documents: list[Document] | list[DocumentSummary], lexicon: Lexicon) -> Resolution:
    """The entities of a corpus: of its documents, or of their summaries (``ingest.summary``)."""
    docs = summaries(documents, lexicon)
    names: dict[str, set[str]] = {}
    for doc in docs:
        for type_, surface in doc.names:
            names.setdefault(type_, set()).add(surface)
    canonical = {
        "Department": _departments(names.get("Department", set()), lexicon),
        "Programme": _programmes(names.get("Programme", set()), lexicon),
        "Organisation": _from_table(names.get("Organisation", set()), lexicon.organisations),
        "Place": _from_table(names.get("Place", set()), lexicon.places),
        "Policy": _titles(names.get("Policy", set()), docs, lexicon),
        "Publication": _titles(names.get("Publication", set()), docs, lexicon),
    }
    entities: dict[str, Entity] = {}
    by_surface: dict[tuple[str, str], str] = {}
    for type_, mapping in canonical.items():
        for surface, name in mapping.items():
            key = f"{type_.lower()}:{name}"
            entity = entities.setdefault(key, Entity(key, type_, name))
            if surface != name:
                entity.aliases.add(surface)
            by_surface[(type_, surface)] = key
            if type_ in ("Policy", "Publication"):
                entity.attrs["key"] = title_key(name, lexicon).key  # one key per document title
    for doc in docs:
        for short, full in doc.aliases:
            entity_id = by_surface.get(("Policy", full))
            if entity_id:
                entities[entity_id].aliases.add(short)
        for surface, named in doc.issuers:
            issuer = canonical["Organisation"].get(named, named)
            entities[by_surface[("Policy", surface)]].attrs.setdefault("issuer", issuer)
    return Resolution(entities, by_surface)
