"""Known answers for the comparison statistics (TVD, W1, bootstrap, noise floor, permutation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

from realsim_core.compare import assess, tvd_percent, tvd_stat, w1_stat
from realsim_core.compare._bootstrap import resample_weights, small_sample_warning, split_masks
from realsim_core.compare._domains import fisher_ci


def ones(n: int) -> np.ndarray:
    return np.ones((1, n))


def test_tvd_identical_is_zero_and_disjoint_is_hundred() -> None:
    counts = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0]])
    assert tvd_stat(counts, counts.copy(), ones(2), ones(2))[0] == pytest.approx(0.0)
    disjoint_a = np.array([[3.0, 0.0, 0.0, 0.0], [1.0, 2.0, 0.0, 0.0]])
    disjoint_b = np.array([[0.0, 0.0, 1.0, 4.0]])
    assert tvd_stat(disjoint_a, disjoint_b, ones(2), ones(1))[0] == pytest.approx(100.0)
    assert tvd_percent(np.array([0.2, 0.8]), np.array([0.2, 0.8])) == 0.0


def test_tvd_rejects_mismatched_or_empty_vectors() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        tvd_percent(np.array([1.0, 0.0]), np.array([1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="at least one occurrence"):
        tvd_percent(np.array([0.0, 0.0]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_w1_matches_scipy_with_and_without_weights(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.poisson(6, size=40).astype(float)
    y = rng.normal(8, 3, size=70)
    assert w1_stat(x, y, ones(40), ones(70))[0] == pytest.approx(wasserstein_distance(x, y))
    wx = rng.integers(0, 4, size=(3, 40)).astype(float)
    wy = rng.integers(1, 4, size=(3, 70)).astype(float)
    got = w1_stat(x, y, wx, wy)
    for b in range(3):
        assert got[b] == pytest.approx(wasserstein_distance(x, y, wx[b], wy[b]))


def test_w1_of_tripled_sample_is_twice_the_mean() -> None:
    x = np.random.default_rng(5).poisson(150, size=200).astype(float)
    assert w1_stat(x, 3 * x, ones(200), ones(200))[0] == pytest.approx(2 * x.mean())


def test_resample_weights_and_split_masks_have_the_right_totals() -> None:
    rng = np.random.default_rng(0)
    w = resample_weights(rng, 17, 50)
    assert w.shape == (50, 17) and (w.sum(axis=1) == 17).all()
    m = split_masks(rng, 11, 20, 5)
    assert set(np.unique(m)) == {0.0, 1.0} and (m.sum(axis=1) == 5).all()


def test_ci_contains_value_and_shrinks_with_n() -> None:
    widths = []
    for n in (40, 160, 640):
        rng = np.random.default_rng(n)
        a = assess(w1_stat, rng.poisson(5, n).astype(float), rng.poisson(6, n).astype(float), b=400, seed=0)
        assert a.ci_low <= a.value <= a.ci_high
        widths.append(a.ci_high - a.ci_low)
    assert widths[0] > widths[1] > widths[2]


def test_assess_is_reproducible_for_a_seed() -> None:
    rng = np.random.default_rng(9)
    x, y = rng.poisson(5, 60).astype(float), rng.poisson(5, 80).astype(float)
    assert assess(w1_stat, x, y, b=200, seed=3) == assess(w1_stat, x, y, b=200, seed=3)
    assert assess(w1_stat, x, y, b=200, seed=3) != assess(w1_stat, x, y, b=200, seed=4)


def test_noise_floor_of_real_halves_contains_the_real_vs_real_distance() -> None:
    rng = np.random.default_rng(11)
    corpus = rng.multinomial(6, [0.4, 0.3, 0.2, 0.1], size=600).astype(float)
    half_a, half_b = corpus[:300], corpus[300:]
    a = assess(tvd_stat, half_a, half_b, b=500, seed=0)
    assert a.noise_ci_low <= a.value <= a.noise_ci_high
    assert a.p_value > 0.05


def test_permutation_p_is_roughly_uniform_under_the_null() -> None:
    rng = np.random.default_rng(2024)
    p_values = []
    for trial in range(60):
        x = rng.poisson(4, 40).astype(float)
        y = rng.poisson(4, 50).astype(float)
        p_values.append(assess(w1_stat, x, y, b=199, seed=trial).p_value)
    p = np.array(p_values)
    assert 0.35 < p.mean() < 0.65
    assert 0.0 <= (p < 0.1).mean() <= 0.25  # ≈ 10% expected
    x = rng.poisson(4, 60).astype(float)
    assert assess(w1_stat, x, x + 3, b=199, seed=0).p_value < 0.01


def test_small_samples_are_flagged() -> None:
    assert "n_run=12" in small_sample_warning(12, 500)
    assert small_sample_warning(30, 30) == ""


def test_fisher_ci_brackets_r_and_needs_four_domains() -> None:
    low, high = fisher_ci(0.6, 16)
    assert low < 0.6 < high and -1 < low and high < 1
    assert np.isnan(fisher_ci(0.6, 3)[0])


def test_metrics_doc_is_generated_from_the_cards() -> None:
    from pathlib import Path

    from realsim_core.compare._cards import metrics_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
    assert doc.read_text(encoding="utf-8") == metrics_markdown(), "regenerate docs/metrics.md from the cards"
