"""Benchmark: seconds to compare one run with real, and growth with runs and dialogues.

Annotations and embeddings are precomputed (synthetic but realistically
shaped: ~7 user turns per dialogue, multi-label intents, per-sentence emotions,
identity disclosures, knowledge statements, 384-d unit vectors from a
low-rank model), so only the comparison itself is timed: TVD/W1 with
bootstrap, noise floor and permutations, Fréchet, the classifier test,
knowledge similarity, domain tables and the missing/invented list.

    .venv/bin/python benchmarks/compare.py                 # 1 run × 1,000 dialogues, B = 1,000
    .venv/bin/python benchmarks/compare.py --sizes 250,500,1000 --runs 1,2,4
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from realsim_core.annotate import AnnotationResult
from realsim_core.compare import CompareSettings, build_frames, compare_frames
from realsim_core.schema import Dialogue, Message

INTENTS = ["info_retrieval", "info_discovery", "info_understanding", "info_analysis", "method_guidance",
           "content_generation", "content_modification", "system_management"]
FEEDBACK = ["no_feedback", "explicit_positive", "explicit_negative", "regeneration_request"]
EMOTIONS = ["neutral", "joy", "sadness", "anger", "surprise"]
DOMAINS = [f"domain{k}" for k in range(16)]


def synthetic(name: str, n: int, seed: int) -> AnnotationResult:
    rng = np.random.default_rng(seed)
    dialogues, values = [], {k: [] for k in ("length", "linguistic", "errors", "intent", "feedback", "emotion",
                                             "identity", "knowledge")}
    for i in range(n):
        turns = int(rng.integers(1, 12))
        msgs = []
        for t in range(turns):
            msgs += [Message(role="user", content=f"{name} turn {i}-{t} " + "w " * int(rng.integers(1, 40))),
                     Message(role="assistant", content="reply")]
        dialogues.append(Dialogue(id=f"{name}:{i}", source=name, domain=DOMAINS[i % 16], scenario_id=f"s{i}",
                                  messages=msgs))
        values["length"].append({"words": int(rng.lognormal(4.5, 1.0)), "turns": turns})
        values["linguistic"].append({"fk_grade": float(rng.normal(8, 3)), "mtld": float(rng.normal(60, 15))})
        values["errors"].append(int(rng.poisson(5)))
        values["intent"].append([list(rng.choice(INTENTS, size=int(rng.integers(0, 3)))) for _ in range(turns)])
        values["feedback"].append([[str(rng.choice(FEEDBACK))] for _ in range(turns)])
        values["emotion"].append([list(rng.choice(EMOTIONS, size=int(rng.integers(1, 4)))) for _ in range(turns)])
        values["identity"].append({"demographic": ["x"] if rng.random() < 0.3 else [], "past": [], "future": []})
        values["knowledge"].append([[f"{name} knows {i}-{t}"] if rng.random() < 0.6 else [] for t in range(turns)])
    return AnnotationResult(dialogues=dialogues, values=values, specs={})


class PrecomputedEncoder:
    """Fixed 384-d unit vectors per text (a stand-in for cached MiniLM vectors)."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.basis = self.rng.normal(size=(32, 384))
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        for text in texts:
            if text not in self.cache:
                v = self.rng.normal(size=32) @ self.basis + 0.3 * self.rng.normal(size=384)
                self.cache[text] = v / np.linalg.norm(v)
        return np.vstack([self.cache[t] for t in texts]).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="dialogues per run, comma-separated")
    parser.add_argument("--runs", default="1", help="numbers of runs compared with real, comma-separated")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    settings = CompareSettings(bootstrap=args.bootstrap)
    for n in (int(v) for v in args.sizes.split(",")):
        real = build_frames(synthetic("real", n, 0))
        encoder = PrecomputedEncoder()
        for k in (int(v) for v in args.runs.split(",")):
            runs = [build_frames(synthetic(f"sim{j}", n, j + 1)) for j in range(k)]
            compare_frames("sim0", "real", runs[0], real, CompareSettings(bootstrap=20), encoder)  # warm caches
            start = time.perf_counter()
            for j, run in enumerate(runs):
                compare_frames(f"sim{j}", "real", run, real, settings, encoder)
            total = time.perf_counter() - start
            print(f"dialogues={n:5d} runs={k} bootstrap={args.bootstrap}: {total:6.2f} s total, "
                  f"{total / k:5.2f} s per run", flush=True)


if __name__ == "__main__":
    main()
