"""Document titles as keys: every way of writing one document's title gives the same key.

《中共中央 国务院关于…的意见》, 《中共中央、国务院关于…的意见》 and 《中共中央国务院关于…的意见》
are one document; so are 《中华人民共和国科学技术普及法》, 《科学技术普及法》 and
《中华人民共和国科学技术普及法（2024年修订）》, the last naming a version. Spacing, quote styles,
full- and half-width forms, dashes, nested title marks, the 中华人民共和国 prefix and the
separators between issuers do not change the key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .lexicon import Lexicon

_SPACE = re.compile(r"\s+")
_QUOTES = re.compile("[“”\"‘’'「」『』《》〈〉<>]")
_DASHES = re.compile("[—–－―~～-]+")


@dataclass(frozen=True)
class TitleKey:
    key: str
    version: str  # "2024", "2024-12" or "2024-12-25" when the title names a version, else ""


def _version(match: re.Match) -> str:
    parts = [f"{int(match['y']):04d}"] + [f"{int(match[g]):02d}" for g in ("m", "d") if match[g]]
    return "-".join(parts)


def title_key(title: str, lexicon: Lexicon) -> TitleKey:
    rules = lexicon.rules["citation"]
    text = _SPACE.sub("", unicodedata.normalize("NFKC", title))
    text = _DASHES.sub("-", _QUOTES.sub("", text))
    version = ""
    found = re.search(unicodedata.normalize("NFKC", rules["version_suffix"]), text)
    if found and found.start() > 0:
        text, version = text[: found.start()], _version(found)
    for prefix in rules["title_prefixes"]:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
            break
    head, sep, rest = text.partition(rules["issuer_end"])
    if sep and len(head) <= rules["issuer_max_chars"]:
        text = re.sub("[、，,]", "", head) + sep + rest
    return TitleKey(text, version)


def title_issuer(title: str, lexicon: Lexicon) -> str:
    """The issuers a title opens with (中共中央 国务院关于… → 中共中央、国务院), "" when it names none.

    Issuers written without a separator are split on the organisation lexicon's names."""
    rules = lexicon.rules["citation"]
    head, sep, _ = _SPACE.sub(" ", title.strip()).partition(rules["issuer_end"])
    if not sep or not head.strip() or len(head) > rules["issuer_max_chars"]:
        return ""
    names = sorted(lexicon.organisations.names(), key=len, reverse=True)
    parts: list[str] = []
    for piece in re.split("[、，, ]+", head.strip()):
        parts += _cover(piece, names) or [piece]
    return "、".join(p for p in parts if p)


def _cover(text: str, names: list[str]) -> list[str] | None:
    """``text`` as a run of known names (中共中央国务院 → 中共中央, 国务院), None when it is not one."""
    if not text:
        return []
    for name in names:
        if text.startswith(name):
            rest = _cover(text[len(name) :], names)
            if rest is not None:
                return [name, *rest]
    return None
