"""What is missing / invented: the labels whose share differs most, with examples.

For each categorical dimension every label gets its share in both samples and
the difference in percentage points (run − against). ``invented`` labels are
over-produced by the run (examples from the run: what the simulator does that
real users rarely do); ``missing`` labels are under-produced (examples from
the ``against`` corpus: what real users do that the simulator does not).
Examples are user turns (for identity: the disclosed quote), cut to
``EXAMPLE_CHARS`` characters, taken in corpus order so results are stable.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from realsim_core.compare._frames import Categorical, Frames, align_labels

EXAMPLES = 2
EXAMPLE_CHARS = 240
MISSING_COLUMNS = ["run", "against", "dimension", "label", "run_share", "against_share", "difference_pts",
                   "direction", "rank", "examples"]


def _examples(frames: Frames, cat: Categorical, label: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for row, turn, found, quote in cat.occurrences:
        if found != label:
            continue
        if quote is not None:
            text = quote
        elif turn >= 0:
            text = frames.user_turns[row][turn]
        else:
            text = frames.user_turns[row][0] if frames.user_turns[row] else ""
        if not text.strip():
            continue
        out.append({"dialogue_id": frames.ids[row], "turn": turn + 1 if turn >= 0 else None,
                    "text": text[:EXAMPLE_CHARS]})
        if len(out) >= EXAMPLES:
            break
    return out


def missing_table(run_name: str, against_name: str, run: Frames, against: Frames) -> pd.DataFrame:
    rows = []
    for dim in run.categorical.keys() & against.categorical.keys():
        cx, cy = run.categorical[dim], against.categorical[dim]
        labels, mx, my = align_labels(cx, cy)
        px, py = mx.sum(axis=0), my.sum(axis=0)
        px = px / px.sum() if px.sum() else px
        py = py / py.sum() if py.sum() else py
        diff = (px - py) * 100.0
        order = np.argsort(-np.abs(diff), kind="stable")
        order = [k for k in order if px[k] > 0 or py[k] > 0]  # labels neither side uses say nothing
        for rank, k in enumerate(order, start=1):
            invented = diff[k] > 0
            examples = _examples(run, cx, labels[k]) if invented else _examples(against, cy, labels[k])
            rows.append({"run": run_name, "against": against_name, "dimension": dim, "label": labels[k],
                         "run_share": float(px[k]), "against_share": float(py[k]),
                         "difference_pts": float(diff[k]),
                         "direction": "invented" if invented else ("missing" if diff[k] < 0 else "equal"),
                         "rank": rank, "examples": json.dumps(examples, ensure_ascii=False)})
    frame = pd.DataFrame(rows, columns=MISSING_COLUMNS)
    return frame.sort_values(["dimension", "rank"]).reset_index(drop=True)
