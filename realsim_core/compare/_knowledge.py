"""Knowledge similarity: do simulated users know what real users know?

Card — measures: how close the simulated users' knowledge statements ("the
user knows that …", "the user does not know …") are in meaning to the real
users'. Unit: cosine similarity of all-MiniLM-L6-v2 embeddings, −1…1; higher
is closer (unlike the distances). Method: for statement sets A and B,
``sim(A→B)`` is the mean over a ∈ A of its best-matching b ∈ B; the score is
the symmetric ½(sim(A→B) + sim(B→A)), so neither side can score high by being
tiny or generic. **Per domain** (default): A and B pool the statements of each
domain; the headline value is the unweighted mean over domains both samples
cover (the domain × run heatmap shows the per-domain values). **Paired**
(``--paired``): A and B are the statements of the simulated and real dialogue
of one scenario; the value is the mean over scenario pairs. Accepts value kind
``statements``. Reference: realsim paper §3 (MiniLM cosine similarity).
Uncertainty: per-domain — bootstrap/permutation/halves of dialogues within
domains (at most 200 replicates: best matches need a max per replicate);
paired — bootstrap over pairs, noise floor = similarity of two *different*
real dialogues of the same domain, p-value = pairs re-matched at random within
the domain (does the simulation carry its own scenario's knowledge?).
Limits: statements are LLM-written, so similarity partly reflects the
annotator's phrasing; dialogues without statements are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

MAX_REPLICATES = 200
_CHUNK = 16


def _best_per_dialogue(s: np.ndarray, owner_b: np.ndarray, nb: int) -> np.ndarray:
    """(|A|, nb): each a's best match among the statements of each B dialogue (−inf if it has none)."""
    out = np.full((s.shape[0], nb), -np.inf)
    if s.size == 0:
        return out
    order = np.argsort(owner_b, kind="stable")
    groups, starts = np.unique(owner_b[order], return_index=True)
    out[:, groups] = np.maximum.reduceat(s[:, order], starts, axis=1)
    return out


def _directed(best: np.ndarray, owner_a: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """Mean over drawn a of the best match among drawn B dialogues, per replicate."""
    out = np.empty(wa.shape[0])
    for start in range(0, wa.shape[0], _CHUNK):
        drawn_b = wb[start : start + _CHUNK] > 0
        top = np.where(drawn_b[:, None, :], best[None], -np.inf).max(axis=2)  # (r, |A|)
        weight = wa[start : start + _CHUNK][:, owner_a]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + _CHUNK] = (np.where(weight > 0, top, 0.0) * weight).sum(axis=1) / weight.sum(axis=1)
    return out


def sym_similarity(s: np.ndarray, owner_a: np.ndarray, owner_b: np.ndarray,
                   wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """Symmetric mean best-match similarity for R replicates.

    ``s`` is the (|A|, |B|) cosine matrix, ``owner_*`` the dialogue of each
    statement, ``wa``/``wb`` (R, n dialogues) draw weights (0 = not drawn: the
    dialogue's statements can neither match nor be averaged). Best matches
    are reduced to one per (statement, dialogue) first, so a replicate costs
    |A| × dialogues, not |A| × |B|.
    """
    best_a = _best_per_dialogue(s, owner_b, wb.shape[1])
    best_b = _best_per_dialogue(s.T, owner_a, wa.shape[1])
    return 0.5 * (_directed(best_a, owner_a, wa, wb) + _directed(best_b, owner_b, wb, wa))


def directed_pair_matrix(s: np.ndarray, owner_a: np.ndarray, owner_b: np.ndarray,
                         na: int, nb: int) -> np.ndarray:
    """(na, nb) matrix of sim(A_i → B_j) between dialogue statement sets (NaN where a set is empty)."""
    out = np.full((na, nb), np.nan)
    if s.size == 0:
        return out
    cols = np.argsort(owner_b, kind="stable")
    rows = np.argsort(owner_a, kind="stable")
    s = s[np.ix_(rows, cols)]
    ob, oa = owner_b[cols], owner_a[rows]
    ub, starts_b = np.unique(ob, return_index=True)
    ua, starts_a = np.unique(oa, return_index=True)
    best = np.maximum.reduceat(s, starts_b, axis=1)  # (|A|, len(ub))
    sums = np.add.reduceat(best, starts_a, axis=0)
    counts = np.diff(np.append(starts_a, len(oa)))[:, None]
    out[np.ix_(ua, ub)] = sums / counts
    return out


def per_domain_replicates(ea: np.ndarray, oa: np.ndarray, eb: np.ndarray, ob: np.ndarray,
                          wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """Similarity replicates for one domain: statement embeddings, owners and (R, n dialogues) weights."""
    return sym_similarity(ea @ eb.T, oa, ob, wa, wb)


def iter_domains(domains_a: np.ndarray, domains_b: np.ndarray) -> Iterator[str]:
    """Domains present on both sides, sorted."""
    yield from sorted(set(domains_a.tolist()) & set(domains_b.tolist()))
