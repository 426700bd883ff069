"""Three to five headline findings written from the stored numbers.

Each finding is computed, never canned: a sentence is only produced when the
numbers behind it exist, and it quotes them, so a reader can check it against
the tables ("run X writes 14× more words per dialogue than real users").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from realsim_core.report._stored import AGAINST

MAX_HEADLINES = 5


def _ratio_phrase(ratio: float) -> str:
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"


def _words(t1: pd.DataFrame) -> str | None:
    if "mean_words" not in t1 or AGAINST not in t1.index:
        return None
    real = float(t1.loc[AGAINST, "mean_words"])
    sims = t1.drop(index=AGAINST)["mean_words"].astype(float).dropna()
    if sims.empty or not real > 0:
        return None
    run = str((sims / real - 1).abs().idxmax())
    ratio = float(sims[run]) / real
    if ratio >= 1:
        return (f"{run} writes {_ratio_phrase(ratio)} more words per dialogue than real users "
                f"({sims[run]:,.0f} vs {real:,.0f}).")
    return (f"{run} writes {_ratio_phrase(1 / ratio)} fewer words per dialogue than real users "
            f"({sims[run]:,.0f} vs {real:,.0f}).")


def _errors(t1: pd.DataFrame) -> str | None:
    if "mean_errors" not in t1 or AGAINST not in t1.index:
        return None
    real = float(t1.loc[AGAINST, "mean_errors"])
    sims = t1.drop(index=AGAINST)["mean_errors"].astype(float).dropna()
    if sims.empty or not np.isfinite(real):
        return None
    run = str(sims.idxmin())
    if real <= sims[run]:
        return None
    if sims[run] <= 0:
        return (f"Real users make {real:.2f} grammar and spelling errors per dialogue; {run} makes none: "
                "simulated users are cleaner than real ones.")
    return (f"Real users make {_ratio_phrase(real / sims[run])} more grammar and spelling errors per dialogue "
            f"than {run} ({real:.2f} vs {sims[run]:.2f}): simulated users are cleaner than real ones.")


def _closest(t2: pd.DataFrame, inside: pd.DataFrame) -> str | None:
    if t2.empty or inside.empty:
        return None
    runs = [r for r in inside.index if r in set(t2["run"])]
    if not runs:
        return None
    counts = inside.loc[runs].sum(axis=1)
    scored = t2.dropna(subset=["value"]).groupby("run")["dimension"].nunique()
    best = str(counts.idxmax())
    total = int(scored.get(best, 0))
    if len(runs) == 1:
        return (f"{best} is within the real-vs-real noise floor on {int(counts[best])} of {total} "
                "measured dimensions.")
    return (f"{best} is closest to real users: within the noise floor on {int(counts[best])} of {total} "
            f"dimensions (other runs: {', '.join(f'{r} {int(counts[r])}' for r in runs if r != best)}).")


def _largest_label_gap(missing: pd.DataFrame) -> str | None:
    if missing.empty:
        return None
    frame = missing.dropna(subset=["difference_pts"])
    frame = frame[frame["label"] != "none"]
    if frame.empty:
        return None
    row = frame.loc[frame["difference_pts"].abs().idxmax()]
    verb = "over-produces" if row["difference_pts"] > 0 else "under-produces"
    return (f"{row['run']} {verb} {row['dimension']} '{row['label']}': {100 * row['run_share']:.0f}% of "
            f"its {row['dimension']} labels vs {100 * row['against_share']:.0f}% for real users.")


def _identity(t1: pd.DataFrame) -> str | None:
    col = "share_identity_none"
    if col not in t1 or AGAINST not in t1.index:
        return None
    real = 1 - float(t1.loc[AGAINST, col])
    sims = (1 - t1.drop(index=AGAINST)[col].astype(float)).dropna()
    if sims.empty:
        return None
    run = str(sims.idxmax())
    if sims[run] <= real:
        return None
    return (f"{run} discloses more about itself than real users: {100 * sims[run]:.0f}% of its identity "
            f"labels are disclosures vs {100 * real:.0f}% for real users.")


def headlines(table1: pd.DataFrame, table2: pd.DataFrame, inside: pd.DataFrame,
              missing: pd.DataFrame) -> list[str]:
    """Up to five findings from Table 1, Table 2 (with its noise flags) and the missing-label table."""
    t1 = table1.set_index("run") if not table1.empty else table1
    found = [
        _words(t1) if not t1.empty else None,
        _errors(t1) if not t1.empty else None,
        _largest_label_gap(missing),
        _identity(t1) if not t1.empty else None,
        _closest(table2, inside),
    ]
    return [h for h in found if h][:MAX_HEADLINES]
