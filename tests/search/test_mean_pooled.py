"""Models that are a transformer followed by mean pooling run with transformers alone, and give the
vectors sentence-transformers gives, to the bit; any other model still runs through it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from search.encoder import Encoder, base_model_path
from search.mean_pooled import MeanPooled, is_mean_pooled

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "科技志愿服务",
    "  省科协领导联系学会的制度是什么  ",
    "实施“科创中国”三年行动计划，推动科技经济深度融合。" * 12,  # longer than the model reads
    "应急科普",
    "Science popularisation 科普 2021-2025",
    "组建老专家科普报告团，深入基层开展科普宣讲活动。",
    "远航工程",
]


def describe(folder: Path, modules: list[dict] | None = None, pooling: dict | None = None, **files: dict) -> Path:
    """A model folder's description files (no weights: ``is_mean_pooled`` reads only these)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text("{}")
    if modules is not None:
        (folder / "modules.json").write_text(json.dumps(modules))
    if pooling is not None:
        (folder / "1_Pooling").mkdir(exist_ok=True)
        (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    for name, content in files.items():
        (folder / f"{name}.json").write_text(json.dumps(content))
    return folder


TRANSFORMER = {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"}
POOLING = {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}
NORMALIZE = {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}


def test_the_packaged_model_is_mean_pooled():
    assert is_mean_pooled(base_model_path())


@pytest.mark.parametrize(
    ("modules", "pooling", "files", "expected"),
    [
        ([TRANSFORMER, POOLING], {"pooling_mode": "mean"}, {}, True),
        ([TRANSFORMER, POOLING], {"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False}, {}, True),
        (
            [TRANSFORMER, POOLING],
            {"pooling_mode": "mean"},
            {"config_sentence_transformers": {"prompts": {"query": "", "document": ""}, "default_prompt_name": None}},
            True,
        ),
        ([TRANSFORMER, POOLING], {"pooling_mode": "cls"}, {}, False),
        ([TRANSFORMER, POOLING], {"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}, {}, False),
        ([TRANSFORMER, POOLING, NORMALIZE], {"pooling_mode": "mean"}, {}, False),
        ([TRANSFORMER], None, {}, False),
        ([{**TRANSFORMER, "path": "0_Transformer"}, POOLING], {"pooling_mode": "mean"}, {}, False),
        ([TRANSFORMER, POOLING], {"pooling_mode": "mean"}, {"sentence_bert_config": {"do_lower_case": True}}, False),
        (
            [TRANSFORMER, POOLING],
            {"pooling_mode": "mean"},
            {"config_sentence_transformers": {"prompts": {"query": "查询："}, "default_prompt_name": None}},
            False,
        ),
        (
            [TRANSFORMER, POOLING],
            {"pooling_mode": "mean"},
            {"sentence_bert_config": {"modality_config": {"text": {"method": "encode", "method_output_name": "x"}}}},
            False,
        ),
    ],
)
def test_a_folder_is_mean_pooled_only_when_its_modules_say_so(tmp_path, modules, pooling, files, expected):
    assert is_mean_pooled(describe(tmp_path / "model", modules, pooling, **files)) is expected


def test_unreadable_or_empty_folders_are_not_mean_pooled(tmp_path):
    broken = describe(tmp_path / "broken")
    (broken / "modules.json").write_text("[{")
    assert not is_mean_pooled(broken)
    odd = describe(tmp_path / "odd", [TRANSFORMER, POOLING], {"pooling_mode": "mean"}, sentence_bert_config={})
    (odd / "sentence_bert_config.json").write_text(json.dumps({"modality_config": ["text"]}))
    assert not is_mean_pooled(odd)
    (tmp_path / "empty").mkdir()
    assert not is_mean_pooled(tmp_path / "empty")


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_mean_pooled_vectors_equal_sentence_transformers_to_the_bit(dtype):
    import torch
    from sentence_transformers import SentenceTransformer

    path = base_model_path()
    kwargs = {"torch_dtype": torch.bfloat16} if dtype == "bfloat16" else {}
    reference = SentenceTransformer(path, device="cpu", model_kwargs=kwargs)
    reference.max_seq_length = 32
    want = reference.encode(TEXTS, batch_size=3, normalize_embeddings=False, convert_to_numpy=True)
    encoder = Encoder(path, dtype, 32)
    assert isinstance(encoder._forward, MeanPooled)
    got = encoder.encode(TEXTS, batch_size=3)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.array_equal(got, want)


def test_other_models_run_through_sentence_transformers(tmp_path):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize

    base = SentenceTransformer(base_model_path(), device="cpu")
    normalised = SentenceTransformer(modules=[*base, Normalize()], device="cpu")
    normalised.save(str(tmp_path / "normalised"))
    assert not is_mean_pooled(tmp_path / "normalised")
    reference = SentenceTransformer(str(tmp_path / "normalised"), device="cpu")
    reference.max_seq_length = 32
    encoder = Encoder(str(tmp_path / "normalised"), "float32", 32)
    assert not isinstance(encoder._forward, MeanPooled)
    got = encoder.encode(TEXTS, batch_size=3)
    want = reference.encode(TEXTS, batch_size=3, convert_to_numpy=True)
    assert np.array_equal(got, want)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)  # the Normalize module ran


def test_the_packaged_model_encodes_without_sentence_transformers():
    code = (
        "import sys\n"
        "from search.encoder import Encoder, base_model_path\n"
        "vectors = Encoder(base_model_path(), 'float32', 32).encode(['科技志愿服务', '远航工程'])\n"
        "assert vectors.shape[0] == 2\n"
        "assert 'sentence_transformers' not in sys.modules and 'sklearn' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
