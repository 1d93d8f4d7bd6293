"""Parse a question into an intent and entity slots, using the patterns in data/lexicon/questions.json."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from graph.lookup import EntityIndex, fold
from ingest.lexicon import load_lexicon

from .model import Parsed, QuestionError, Slot

SLOT_TYPES = {
    "dept": ("Department",),
    "ent": ("Programme", "Organisation", "Policy", "Place", "Department"),
    "a": ("Department", "Programme", "Organisation", "Policy", "Place"),
    "b": ("Department", "Programme", "Organisation", "Policy", "Place"),
}


@lru_cache(maxsize=2)
def vocabulary(root: str | None = None) -> dict:
    path = load_lexicon(root).root / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for intent in data["intents"]:
        intent["compiled"] = [re.compile(p) for p in intent["patterns"]]
    return data


def _trim(text: str, words: list[str], *, prefix: bool) -> str:
    changed = True
    while changed:
        changed = False
        for word in sorted(words, key=len, reverse=True):
            if prefix and text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :], True
            elif not prefix and text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)], True
    return text


def normalise_question(question: str, vocab: dict) -> str:
    if not question or not question.strip():
        raise QuestionError("问题为空，请输入一个问题 (empty question)")
    if len(question) > vocab["max_chars"]:
        raise QuestionError(f"问题过长（{len(question)} 字），请控制在 {vocab['max_chars']} 字以内 (question too long)")
    text = unicodedata.normalize("NFKC", question)
    text = re.sub(r"\s+", "", text).strip("?？!！。.,，;；:：~～")
    text = _trim(text, vocab["strip_prefixes"], prefix=True)
    text = _trim(text, vocab["strip_suffixes"], prefix=False).strip("?？!！。.,，")
    if not re.search(r"\w", text):
        raise QuestionError("问题为空或只有标点，请输入一个问题 (empty question)")
    return text


def _clean_slot(text: str) -> str:
    """Drop the particles a lazy pattern leaves at the edges of a slot (的, 在, 是, quotes)."""
    return re.sub(r"^(?:关于|对于|有关|在|是)|(?:的|在|是|上|方面)$", "", text).strip("“”\"'《》「」")


def resolve_slot(index: EntityIndex, text: str, fillers: list[str]) -> Slot:
    """Look a slot up as written, then without filler words (数字科协建设 -> 数字科协)."""
    slot = Slot(text)
    for candidate in (text, _trim(_trim(text, fillers, prefix=True), fillers, prefix=False)):
        match = index.lookup(candidate)
        if match.nodes:
            slot.nodes, slot.suggestions = match.nodes, []
            return slot
        slot.suggestions = slot.suggestions or match.suggestions
    return slot


def _match(folded: str, intent: dict, pattern: re.Pattern, indexes: dict, vocab: dict) -> Parsed | None:
    m = pattern.search(folded)
    if not m:
        return None
    parsed = Parsed("", folded, intent["intent"])
    for name, value in m.groupdict().items():
        value = _clean_slot(value or "")
        if name == "task":
            parsed.slots[name] = Slot(value)
        elif value:
            parsed.slots[name] = resolve_slot(indexes[SLOT_TYPES[name]], value, vocab["filler_words"])
    return parsed


def parse(question: str, indexes: dict[tuple[str, ...], EntityIndex], vocab: dict | None = None) -> Parsed:
    """The first reading whose entity slots all resolve; failing that, the first reading at all
    (so an unknown name is reported with suggestions rather than guessed)."""
    vocab = vocab or vocabulary()
    folded = normalise_question(question, vocab)
    first = None
    chosen = None
    for intent in vocab["intents"]:
        for pattern in intent["compiled"]:
            parsed = _match(folded, intent, pattern, indexes, vocab)
            if parsed is None:
                continue
            first = first or parsed
            if all(slot.nodes for key, slot in parsed.slots.items() if key != "task"):
                chosen = parsed
                break
        if chosen:
            break
    chosen = chosen or first
    if chosen is None:
        chosen = Parsed(question, folded, "search")
        whole = indexes[SLOT_TYPES["ent"]].lookup(folded)
        if len(whole.nodes) == 1 and fold(folded) in indexes[SLOT_TYPES["ent"]].names:
            chosen.intent, chosen.slots["ent"] = "what_is", Slot(folded, whole.nodes)
    chosen.question = question
    chosen.count = any(w in folded for w in vocab["count_words"])
    chosen.lead_only = any(w in folded for w in vocab["lead_words"])
    return chosen
