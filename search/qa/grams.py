"""Which runs of two and of three characters a text holds, kept as a hashed bit table.

Reading a question, every run of its words is looked for in the corpus's texts, and most runs of a
question put in the asker's own words are in no text: each such miss was a substring search over
the whole corpus (tens of millions of characters on a large one). A term the text holds has every
one of its pairs and triples in the table, so a term with one missing is absent without a search.
Pairs and triples are hashed into the table, so one may seem present when it is not (the search then
decides); never the reverse.
"""

from __future__ import annotations

import numpy as np

_CODE_BITS = 21  # every Unicode code point fits
_MULTIPLIERS = {2: 0x9E3779B97F4A7C15, 3: 0xC2B2AE3D27D4EB4F}  # odd 64-bit constants: multiplicative hashing
_MASK = (1 << 64) - 1
MIN_BITS, MAX_BITS = 12, 26  # the table: at least 512 bytes, at most 8 MB
_CHUNK = 4_000_000  # characters hashed at a time, so the work space stays small


def _table_bits(length: int) -> int:
    """About 32 table bits per character of text (every character starts a pair and a triple)."""
    return max(MIN_BITS, min(MAX_BITS, (32 * max(length, 1)).bit_length()))


class CharGrams:
    def __init__(self, text: str):
        self.bits = _table_bits(len(text))
        seen = np.zeros(1 << self.bits, dtype=bool)
        shift = np.uint64(64 - self.bits)
        for start in range(0, len(text), _CHUNK):
            part = text[start : start + _CHUNK + 2]  # runs across the cut are hashed in both chunks
            codes = np.frombuffer(part.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            pairs = (codes[:-1] << np.uint64(_CODE_BITS)) | codes[1:]
            triples = (pairs[:-1] << np.uint64(_CODE_BITS)) | codes[2:]
            seen[(pairs * np.uint64(_MULTIPLIERS[2])) >> shift] = True
            seen[(triples * np.uint64(_MULTIPLIERS[3])) >> shift] = True
        self._table = np.packbits(seen, bitorder="little").tobytes()

    def _slot(self, codes: list[int]) -> int:
        key = 0
        for code in codes:
            key = (key << _CODE_BITS) | code
        return ((key * _MULTIPLIERS[len(codes)]) & _MASK) >> (64 - self.bits)

    def may_hold(self, term: str) -> bool:
        """False when the text certainly does not hold ``term``; True when it may."""
        codes = [ord(ch) for ch in term]
        for size in (3, 2):  # triples tell more
            for i in range(len(codes) - size + 1):
                slot = self._slot(codes[i : i + size])
                if not (self._table[slot >> 3] >> (slot & 7)) & 1:
                    return False
        return True
