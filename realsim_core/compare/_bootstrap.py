"""Seeded, vectorised uncertainty for any two-sample statistic.

A statistic here is ``stat(x, y, wx, wy) -> (B,)``: ``x`` and ``y`` are per-
dialogue data (rows = dialogues), ``wx``/``wy`` are ``(B, n)`` weight matrices
(how often each dialogue is drawn in each of B replicates). Writing every
distance in that form turns the bootstrap, the noise floor and the
permutation test into a few matrix products — no Python loop over resamples.

* **CI**: percentile interval of the statistic over B bootstrap resamples, the
  two samples resampled independently, by dialogue (turns of one dialogue are
  not independent, so dialogues are the unit).
* **Noise floor**: the statistic between two random halves of the ``against``
  corpus, over B random splits: its mean and 2.5–97.5% range. It is what two
  samples of *real* users already differ by (at half the corpus size, so it
  is a slightly generous yardstick).
* **p-value**: permutation test of "both samples come from one distribution":
  dialogue labels shuffled B times, ``p = (1 + #{perm ≥ observed}) / (B + 1)``
  (≤ for similarities, where larger means closer).

Plug-in distances are biased upwards at small n (two samples of the same
users are never at exactly 0), and resampling with repeats adds to the bias,
so a percentile CI can sit slightly above the value (most visibly for the
Fréchet distance with few dialogues). Read a distance against its noise
floor, not against 0. Fréchet uses at most 200 replicates and knowledge
(per domain) at most 200: their per-replicate cost is a matrix
decomposition or a best-match search; the ``replicates`` column says how
many were used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

Statistic = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
CHUNK = 250  # replicates per block: bounds memory at CHUNK × n weights
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class Assessment:
    """A statistic with its uncertainty."""

    value: float
    ci_low: float
    ci_high: float
    noise_floor: float
    noise_ci_low: float
    noise_ci_high: float
    p_value: float
    n_run: int
    n_against: int


def resample_weights(rng: np.random.Generator, n: int, b: int) -> np.ndarray:
    """``(b, n)`` counts of each row in b bootstrap resamples of size n."""
    idx = rng.integers(0, n, size=(b, n))
    flat = idx + (np.arange(b) * n)[:, None]
    return np.bincount(flat.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)


def split_masks(rng: np.random.Generator, n: int, b: int, first: int) -> np.ndarray:
    """``(b, n)`` 0/1 masks choosing ``first`` of n rows uniformly at random, per replicate."""
    base = np.zeros((b, n))
    base[:, :first] = 1.0
    return rng.permuted(base, axis=1)


def _blocks(b: int) -> Iterator[int]:
    done = 0
    while done < b:
        size = min(CHUNK, b - done)
        yield size
        done += size


def bootstrap(stat: Statistic, x: np.ndarray, y: np.ndarray, b: int, rng: np.random.Generator) -> np.ndarray:
    """The statistic over b independent resamples of x and y."""
    nx, ny = len(x), len(y)
    return np.concatenate(
        [stat(x, y, resample_weights(rng, nx, s), resample_weights(rng, ny, s)) for s in _blocks(b)]
    )


def noise_floor(stat: Statistic, y: np.ndarray, b: int, rng: np.random.Generator) -> np.ndarray:
    """The statistic between two random halves of y, over b splits."""
    n = len(y)
    out = []
    for s in _blocks(b):
        mask = split_masks(rng, n, s, n // 2)
        out.append(stat(y, y, mask, 1.0 - mask))
    return np.concatenate(out)


def permutations(stat: Statistic, x: np.ndarray, y: np.ndarray, b: int, rng: np.random.Generator) -> np.ndarray:
    """The statistic under b random relabellings of the pooled dialogues."""
    pooled = np.concatenate([x, y])
    out = []
    for s in _blocks(b):
        mask = split_masks(rng, len(pooled), s, len(x))
        out.append(stat(pooled, pooled, mask, 1.0 - mask))
    return np.concatenate(out)


def interval(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def assess(
    stat: Statistic,
    x: np.ndarray,
    y: np.ndarray,
    *,
    b: int,
    seed: int,
    larger_is_closer: bool = False,
) -> Assessment:
    """Value, bootstrap CI, noise floor and permutation p of ``stat`` (x = run, y = against)."""
    nx, ny = len(x), len(y)
    if nx == 0 or ny == 0:
        nan = float("nan")
        return Assessment(nan, nan, nan, nan, nan, nan, nan, nx, ny)
    value = float(stat(x, y, np.ones((1, nx)), np.ones((1, ny)))[0])
    # Separate streams per procedure: changing one never shifts another's numbers.
    rng_boot, rng_noise, rng_perm = (np.random.default_rng([seed, k]) for k in range(3))
    boot = bootstrap(stat, x, y, b, rng_boot)
    ci_low, ci_high = interval(boot)
    if ny >= 4:
        noise = noise_floor(stat, y, b, rng_noise)
        floor = float(np.nanmean(noise)) if np.isfinite(noise).any() else float("nan")
        noise_low, noise_high = interval(noise)
    else:
        floor = noise_low = noise_high = float("nan")
    perm = permutations(stat, x, y, b, rng_perm)
    perm = perm[np.isfinite(perm)]
    if not np.isfinite(value) or perm.size == 0:
        p_value = float("nan")
    else:
        extreme = perm <= value + 1e-12 if larger_is_closer else perm >= value - 1e-12
        p_value = float((1 + extreme.sum()) / (1 + perm.size))
    return Assessment(value, ci_low, ci_high, floor, noise_low, noise_high, p_value, nx, ny)


def small_sample_warning(n_run: int, n_against: int) -> str:
    """A warning text when either sample is too small for a confident number ('' otherwise)."""
    small = [f"{name}={n}" for name, n in (("n_run", n_run), ("n_against", n_against)) if n < SMALL_SAMPLE]
    return f"small sample ({', '.join(small)} < {SMALL_SAMPLE} dialogues)" if small else ""
