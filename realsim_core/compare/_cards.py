"""``docs/metrics.md`` is generated from the metric cards (module docstrings).

One source of truth: change a card, regenerate (``python -m
realsim_core.compare._cards > docs/metrics.md``); a test fails while the two
disagree.
"""

from __future__ import annotations

import importlib

SECTIONS = [
    ("Counting labels (all categorical dimensions)", "realsim_core.compare._frames"),
    ("TVD ×100 — intent, feedback, emotion, identity", "realsim_core.compare._tvd"),
    ("Wasserstein-1 — words, turns, errors, fk_grade, mtld", "realsim_core.compare._wasserstein"),
    ("Knowledge similarity", "realsim_core.compare._knowledge"),
    ("Fréchet distance — frechet", "realsim_core.compare._frechet"),
    ("Classifier two-sample test — c2st_auc", "realsim_core.compare._c2st"),
    ("Uncertainty: CI, noise floor, p-value", "realsim_core.compare._bootstrap"),
    ("Domain level — table3 and domains.csv", "realsim_core.compare._domains"),
    ("What is missing / invented — missing.csv", "realsim_core.compare._missing"),
    ("Storage and recomputation", "realsim_core.compare._persist"),
]

HEADER = """# Comparison metrics

Generated from the metric cards in `realsim_core/compare/` — edit the cards,
then run `python -m realsim_core.compare._cards > docs/metrics.md`.

`realsim compare --run NAME` writes `table1.csv` (per-run means and label
shares), `table2.csv` (one row per dimension: `run, against, dimension,
metric, value, ci_low, ci_high, noise_floor, noise_ci_low, noise_ci_high,
p_value, n_run, n_against`, then `warning, failed_run, failed_against,
replicates`), `table3.csv` (Pearson r across domains), `domains.csv`,
`missing.csv` and `comparison.json` (all tables plus settings: seed, bootstrap
size, annotator backend and fingerprints, embedding model, realsim version).
Distances are 0 when equal (TVD, W1, Fréchet); knowledge is a similarity
(higher is closer); the classifier AUC is 0.5 when indistinguishable. Samples
under 30 dialogues get a `warning`.
"""


def metrics_markdown() -> str:
    parts = [HEADER]
    for title, module in SECTIONS:
        doc = (importlib.import_module(module).__doc__ or "").strip()
        body = doc.split("\n>>>")[0].rstrip()  # doctest examples stay in the code
        parts.append(f"## {title}\n\n{body}\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(metrics_markdown(), end="")
