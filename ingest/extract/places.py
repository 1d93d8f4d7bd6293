"""Places from the gazetteer (data/lexicon/places.tsv)."""

from __future__ import annotations

from ..lexicon import Lexicon
from ..model import Mention
from .scan import find_all


def extract_places(text: str, lexicon: Lexicon) -> list[Mention]:
    return [Mention("Place", n, s, e, "") for s, e, n in find_all(text, lexicon.places.names())]
