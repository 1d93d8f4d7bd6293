"""Query folding: full-width to half-width, traditional to simplified, case and spacing."""

from __future__ import annotations

import re
import unicodedata

from hanziconv import HanziConv

from .config import SearchConfig
from .errors import QueryError

_SPACE = re.compile(r"\s+")


def fold_query(text: str) -> str:
    """The form a query is searched in: NFKC (全角 -> half width), simplified characters, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = HanziConv.toSimplified(text)
    return _SPACE.sub(" ", text).strip().lower()


def content_chars(text: str) -> str:
    """Letters, digits and CJK characters only: what is left once punctuation and symbols go."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def check_query(raw: str, config: SearchConfig) -> str:
    """Fold ``raw`` or raise :class:`QueryError` with a message meant for the user."""
    if not isinstance(raw, str):
        raise QueryError("查询必须是文字 (the query must be text)")
    if len(raw.strip()) > config.max_chars:
        raise QueryError(
            f"查询过长：{len(raw.strip())} 字，上限 {config.max_chars} 字 "
            f"(query too long: {len(raw.strip())} characters, at most {config.max_chars})"
        )
    query = fold_query(raw)
    content = content_chars(query)
    if not content:
        raise QueryError("查询为空或只有标点，请输入要查找的内容 (the query is empty or only punctuation)")
    if len(content) < config.min_chars:
        raise QueryError(
            f"查询太短：请至少输入 {config.min_chars} 个字 "
            f"(query too short: give at least {config.min_chars} characters)"
        )
    return query
