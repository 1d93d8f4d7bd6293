"""A token table put together from the previous one's rows and freshly cut texts equals the table
made from all the texts' tokens at once."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.bm25 import TokenTable
from search.token_cache import TOKENS, CachedTokens, _assemble, load_tokens

DOCS = st.lists(st.lists(st.sampled_from(["科普", "基地", "年会", "海智", "人才"]), max_size=5), max_size=8)


@settings(max_examples=200, deadline=None)
@given(DOCS, DOCS, st.data())
def test_assembled_table_equals_the_table_of_all_tokens(old_docs, new_docs, data):
    """Each new text is either taken from a previous row holding the same tokens or cut afresh."""
    previous = CachedTokens(np.zeros((len(old_docs), 32), np.uint8), TokenTable.from_tokens(old_docs), [], {}, None)
    take = np.full(len(new_docs), -1, dtype=np.int64)
    cut = {}
    for i, doc in enumerate(new_docs):
        same = [j for j, old in enumerate(old_docs) if old == doc]
        if same and data.draw(st.booleans()):
            take[i] = data.draw(st.sampled_from(same))
        else:
            cut[i] = doc
    got = _assemble(take, cut, previous)
    want = TokenTable.from_tokens(new_docs)
    assert got.vocab == want.vocab
    assert got.ids.dtype == np.int32 and got.ids.tolist() == want.ids.tolist()
    assert got.counts.tolist() == want.counts.tolist() and got.offsets.tolist() == want.offsets.tolist()


def test_a_cache_of_tokens_in_order_is_read_as_bags(tmp_path):
    docs = [["科普", "基地", "科普"], [], ["年会", "科普", "年会", "年会"]]
    table = TokenTable.from_tokens(docs)
    folder = tmp_path / TOKENS
    folder.mkdir()
    index = {t: i for i, t in enumerate(table.vocab)}
    np.save(folder / "keys.npy", np.zeros((len(docs), 32), np.uint8))
    np.save(folder / "ids.npy", np.asarray([index[t] for doc in docs for t in doc], dtype=np.int32))
    np.save(folder / "offsets.npy", np.cumsum([0] + [len(doc) for doc in docs]))
    (folder / "vocab.json").write_text(json.dumps(table.vocab), encoding="utf-8")
    (folder / "rules.json").write_text("{}", encoding="utf-8")
    (tmp_path / "words.txt").write_text("", encoding="utf-8")
    cached = load_tokens(tmp_path)
    assert cached is not None and cached.folded is None
    assert cached.table.ids.tolist() == table.ids.tolist() == [0, 2, 1, 2]
    assert cached.table.counts.tolist() == table.counts.tolist() == [1, 2, 3, 1]
    assert cached.table.offsets.tolist() == table.offsets.tolist() == [0, 2, 2, 4]
