"""The encoder adapted to the corpus, without labels: contrastive fine-tuning on the pairs the
documents give for free (``search.pairs``), with the other pairs of a batch as negatives
(sentence-transformers' MultipleNegativesRankingLoss).

A trained model goes to ``$POLICYKG_HOME/models/NAME/`` (NAME: the base model's name, ``adapted``
and the time), written into a staging folder and renamed into place with its manifest
``adapted.json`` last: base model, pairs by kind, epochs, batch size, steps, loss per epoch, and the
version and documents it was trained on. Builds then encode with the newest such model (see
``search.encoder.model_path``) and an index records it, so queries are encoded with the model that
built the index. Each training gets its own folder, so a model never changes under an index using
it; models no kept version uses, other than the newest, are removed when the next training starts.
How long and on which pairs it trains is set in ``data/lexicon/search.json`` → ``adapt``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.home import Version, build_lock, exclusive, require_version, versions_dir
from graph.store import load_graph

from .adapt_settings import AdaptSettings
from .config import load_config
from .encoder import ADAPTED_MANIFEST, adapted_models, base_model_path, models_dir
from .errors import EncoderMissing
from .pairs import Pair, batches, mine_pairs
from .units import SearchUnit, units_from_graph

STAGING = ".staging-"
LOCK = "adapt.lock"


class AdaptBusy(ValueError):
    """Another training holds this home's models."""


@dataclass
class AdaptedModel:
    """A trained model's folder and what its manifest says about it."""

    path: Path
    name: str
    base: str
    base_name: str
    pairs: int
    pairs_by_kind: dict[str, int]
    epochs: int
    batch_size: int
    steps: int
    loss: list[float]  # mean loss of each epoch
    seconds: float
    version: str  # the version whose corpus it was trained on
    documents: list[str]
    trained: str

    def manifest(self) -> dict:
        data = asdict(self)
        del data["path"]
        return data


@contextmanager
def adapt_lock() -> Iterator[None]:
    """One training at a time in a home; ``AdaptBusy`` when another holds it."""
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive(
        folder / LOCK, AdaptBusy(f"另一个模型正在训练 (a model is being trained in {folder}; try again later)")
    ):
        yield


def models_in_use() -> set[str]:
    """The model folders the kept versions' indexes were encoded with."""
    used = set()
    for version in versions_dir().iterdir() if versions_dir().is_dir() else ():
        manifest = version / "index" / "manifest.json"
        try:
            used.add(str(Path(json.loads(manifest.read_text(encoding="utf-8"))["model"]["path"]).resolve()))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            continue
    return used


def prune_models() -> list[str]:
    """Remove the adapted models no kept version uses, except the newest, and what killed trainings
    left; returns the names removed. Call holding the build lock and the adapt lock."""
    keep = models_in_use()
    models = adapted_models()
    if models:
        keep.add(str(models[-1].resolve()))
    removed = []
    for path in models_dir().iterdir():
        if path.is_dir() and str(path.resolve()) not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _schedule(step: int, total: int, warmup: int) -> float:
    """Linear warm-up, then linear decay to zero."""
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


@dataclass
class Training:
    steps: int
    losses: list[float]  # mean loss of each epoch


def fine_tune(pairs: list[Pair], base: str, folder: Path, settings: AdaptSettings, progress: bool = False) -> Training:
    """Train a copy of the model at ``base`` on ``pairs`` and save it to ``folder``. The word
    embeddings stay frozen: a few thousand pairs cannot move a vocabulary-sized table well, and
    leaving it out halves the optimiser's work."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from tqdm import tqdm
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no loading and writing bars; training shows its own

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    try:
        model = SentenceTransformer(base, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any load failure is one clear message
        raise EncoderMissing(f"向量模型无法加载 (cannot load embedding model at {base}: {exc})") from None
    model.max_seq_length = settings.max_seq_length
    tables = [m for m in model.modules() if isinstance(m, torch.nn.Embedding)]
    max(tables, key=lambda m: m.num_embeddings).requires_grad_(False)  # the vocabulary's table
    loss_fn = MultipleNegativesRankingLoss(model, scale=settings.scale)
    epochs = [
        [b for b in batches(rng.sample(pairs, len(pairs)), settings.batch_size) if len(b) > 1]
        for _ in range(settings.epochs)
    ]
    total = sum(len(e) for e in epochs)
    if settings.max_steps:
        total = min(total, settings.max_steps)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=settings.learning_rate)
    warmup = max(1, round(total * settings.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: _schedule(step, total, warmup))
    model.train()
    means: list[float] = []
    step = 0
    with tqdm(total=total, desc="adapt", unit="batch", file=sys.stderr, disable=not progress) as bar:
        for epoch in epochs:
            losses = []
            for batch in epoch:
                if step == total:
                    break
                features = [model.preprocess([p.anchor for p in batch]), model.preprocess([p.positive for p in batch])]
                loss = loss_fn(features, None)
                loss.backward()
                optimiser.step()
                scheduler.step()
                optimiser.zero_grad()
                losses.append(loss.item())
                step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{losses[-1]:.3f}")
            if losses:
                means.append(sum(losses) / len(losses))
    model.eval()
    model.save(str(folder))
    return Training(step, means)


def adapt_units(
    units: list[SearchUnit],
    version: str,
    base: str,
    settings: AdaptSettings | None = None,
    progress: bool = False,
) -> AdaptedModel:
    """Train on the pairs of ``units`` (of version ``version``) and install the model in the data
    directory, trained with ``settings`` (default: search.json's ``adapt``); ValueError when the
    units give too few pairs to train on."""
    settings = settings or load_config().adapt
    started = time.perf_counter()
    pairs = mine_pairs(units, settings.pairs)
    if len(pairs) < 2 * settings.batch_size:
        raise ValueError(
            f"语料太少，无法训练 (the corpus gives {len(pairs)} training pairs; at least "
            f"{2 * settings.batch_size} are needed)"
        )
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    name = f"{Path(base).name}-adapted-{stamp}"
    final = models_dir() / name
    staged = models_dir() / f"{STAGING}{name}"
    models_dir().mkdir(parents=True, exist_ok=True)
    try:
        training = fine_tune(pairs, base, staged, settings, progress)
        model = AdaptedModel(
            path=final,
            name=name,
            base=base,
            base_name=Path(base).name,
            pairs=len(pairs),
            pairs_by_kind=dict(Counter(str(p.kind) for p in pairs)),
            epochs=settings.epochs,
            batch_size=settings.batch_size,
            steps=training.steps,
            loss=[round(x, 4) for x in training.losses],
            seconds=round(time.perf_counter() - started, 1),
            version=version,
            documents=sorted({u.doc for u in units}),
            trained=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        )
        (staged / ADAPTED_MANIFEST).write_text(json.dumps(model.manifest(), ensure_ascii=False, indent=1), "utf-8")
        staged.rename(final)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return model


def adapt_served(
    base: str | None = None, settings: AdaptSettings | None = None, progress: bool = False
) -> AdaptedModel:
    """Train on the served version's units, starting from the base model (``base``, else
    ``$POLICYKG_MODEL``, else the packaged one: never from an earlier adapted model)."""
    base_path = base_model_path(base)
    with adapt_lock():
        with build_lock():  # no build switches versions while the unused models are found
            prune_models()
            version: Version = require_version()
        units = units_from_graph(load_graph(version.graph_path))
        return adapt_units(units, version.id, base_path, settings, progress)
