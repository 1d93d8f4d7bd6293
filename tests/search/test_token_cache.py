"""A token table put together from the previous one's rows and freshly cut texts equals the table
made from all the texts' tokens at once."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.bm25 import TokenTable
from search.token_cache import CachedTokens, _assemble

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
    assert got.offsets.tolist() == want.offsets.tolist()
