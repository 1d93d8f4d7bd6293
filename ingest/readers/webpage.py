"""A government web page: the main text only, with its title and labelled fields.

The page is parsed with the standard library into a small tree; scripts, styles, navigation,
headers, footers and blocks whose class or id names them as such are dropped; the block holding
most of the running text (paragraph text counts for its parent and half for its grandparent,
link text against it) is the main text. The extracted text is the title as a Markdown heading,
the labelled fields (发文字号：…) found on the page, then the main text with one line per block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..model import IngestError
from .text import decode

_DROP = {"script", "style", "noscript", "template", "iframe", "svg", "nav", "header", "footer", "aside", "form"}
_DROP |= {"button", "select", "object", "canvas", "head"}
_KEEP = {"html", "body", "main", "article"}  # never dropped for their class names
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "td", "th", "tbody"}
_BLOCK |= {"thead", "blockquote", "pre", "dl", "dt", "dd", "center", "body", "html", "h1", "h2", "h3"}
_BLOCK |= {"h4", "h5", "h6", "br", "hr", "figure", "figcaption"}
_PARAGRAPH = {"p", "li", "td", "th", "pre", "blockquote", "dd", "h2", "h3", "h4", "h5", "h6"}
_HEADING = re.compile(r"^h([1-6])$")
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    parent: _Node | None
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unknown end tags are ignored, a new <p> closes an open one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li") and self._open(tag):
            self.handle_endtag(tag)
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self._open(tag)
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def _open(self, tag: str) -> _Node | None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            if node.tag in ("table", "ul", "ol") and tag in ("p", "li"):
                return None  # a list or table item does not close across its container
            node = node.parent
        return node


def _walk(node: _Node):
    yield node
    for child in node.children:
        if isinstance(child, _Node):
            yield from _walk(child)


def _text(node: _Node) -> str:
    return _SPACE.sub(" ", "".join(c if isinstance(c, str) else _text(c) for c in node.children)).strip()


def _boilerplate(node: _Node, hints: tuple[str, ...]) -> bool:
    if node.tag in _DROP:
        return True
    if node.tag in _KEEP:
        return False
    names = f"{node.attrs.get('class', '')} {node.attrs.get('id', '')} {node.attrs.get('role', '')}".lower()
    return any(token.startswith(hints) for token in re.split(r"[\s_-]+", names) if token)


def _prune(root: _Node, hints: tuple[str, ...]) -> None:
    for node in list(_walk(root)):
        node.children = [c for c in node.children if isinstance(c, str) or not _boilerplate(c, hints)]


def _own_text(node: _Node) -> tuple[int, int]:
    """(characters, characters inside links) of the inline text a block holds directly."""
    chars = links = 0
    for child in node.children:
        if isinstance(child, str):
            chars += len(child.strip())
        elif child.tag not in _BLOCK:
            inner = len(_text(child))
            chars += inner
            if child.tag == "a":
                links += inner
    return chars, links


def _main_block(root: _Node, min_chars: int) -> _Node:
    scores: dict[int, float] = {}
    nodes: dict[int, _Node] = {}
    for node in _walk(root):
        if node.tag not in _BLOCK:
            continue
        chars, links = _own_text(node)
        if chars - links < min_chars:
            continue
        score = chars - 2 * links
        # A paragraph's text counts for the block holding it; loose text counts for its own block.
        holder = node.parent if node.tag in _PARAGRAPH and node.parent is not None else node
        for target, share in ((holder, 1.0), (holder.parent, 0.5)):
            if target is not None:
                scores[id(target)] = scores.get(id(target), 0.0) + share * score
                nodes[id(target)] = target
    if not scores:
        return root
    return nodes[max(scores, key=lambda k: scores[k])]


def _render(node: _Node, out: list[str], line: list[str]) -> None:
    """Lines of text: a block element ends the current line, a heading gets its Markdown marks."""
    heading = _HEADING.match(node.tag)
    if node.tag in _BLOCK or heading:
        _flush(out, line)
    if heading:
        line.append("#" * int(heading.group(1)) + " ")
    for child in node.children:
        if isinstance(child, str):
            line.append(child if node.tag == "pre" else _SPACE.sub(" ", child))
        else:
            _render(child, out, line)
    if node.tag in _BLOCK or heading:
        _flush(out, line)


def _flush(out: list[str], line: list[str]) -> None:
    text = "".join(line).strip()
    if text.strip("# "):
        out.append(text)
    line.clear()


def _title(root: _Node, main: _Node, page: _PageHead, rules: dict) -> str:
    for node in (*_walk(main), *_walk(root)):
        if node.tag == "h1" and _text(node):
            return _text(node)
    named = next((page.meta[n] for n in rules["title_meta"] if page.meta.get(n)), "")
    return named or re.split(rules["title_separators"], page.title)[0].strip()


@dataclass
class _PageHead:
    title: str  # the <title> text
    meta: dict[str, str]  # <meta name=… content=…>


def _page_head(root: _Node) -> _PageHead:
    title = ""
    meta: dict[str, str] = {}
    for node in _walk(root):
        if node.tag == "title" and not title:
            title = _text(node)
        elif node.tag == "meta" and node.attrs.get("name") and node.attrs.get("content", "").strip():
            meta.setdefault(node.attrs["name"], node.attrs["content"].strip())
    return _PageHead(title, meta)


def _fields(root: _Node, page: _PageHead, rules: dict) -> list[str]:
    """``label：value`` lines for the labelled fields on the page (发文字号：…), else in its meta
    tags, in the order of ``rules["fields"]``."""
    found: dict[str, str] = {}
    pieces = [p for p in (_SPACE.sub("", piece) for piece in _strings(root)) if p]
    labels = "|".join(re.escape(label) for label in rules["fields"])
    for i, piece in enumerate(pieces):
        m = re.match(f"^({labels})[：:](.*)$", piece)
        if not m:
            continue
        value = m.group(2) or (pieces[i + 1] if i + 1 < len(pieces) else "")
        if value and not re.match(f"^({labels})[：:]", value):
            found.setdefault(m.group(1), value)
    for name, label in rules["meta_fields"].items():
        if page.meta.get(name):
            found.setdefault(label, page.meta[name])
    return [f"{label}：{found[label]}" for label in rules["fields"] if label in found]


def _strings(node: _Node):
    """Text pieces as a reader sees them: one per block, inline text kept together."""
    lines: list[str] = []
    _render(node, lines, [])
    for line in lines:
        yield from re.split(r"(?<=\S)\s{2,}(?=\S)", line)


def is_html(raw: bytes) -> bool:
    head = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<html" in head)


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    m = _CHARSET.search(raw[:4096])
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared in ("gb2312", "gbk", "gb18030"):
        declared = "gb18030"
    if declared:
        try:
            return raw.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(raw, name)


def read_html(raw: bytes, name: str, rules: dict) -> tuple[str, str]:
    source, encoding = _decode(raw, name)
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    root = builder.root
    page = _page_head(root)
    _prune(root, ())  # scripts, styles, navigation and footer elements
    fields = _fields(root, page, rules)
    _prune(root, tuple(rules["boilerplate_hints"]))  # blocks whose class or id says what they are
    main = _main_block(root, rules["min_block_chars"])
    body: list[str] = []
    _render(main, body, [])
    if not body:
        raise IngestError(f"{name}: 网页没有正文 (no main text found in the page)")
    title = _title(root, main, page, rules)
    text = "\n".join(body)
    head = [f"# {title}"] if title and title not in body[0] else []
    return "\n".join(head + [f for f in fields if f.split("：")[0] not in text] + body), encoding
