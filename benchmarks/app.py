"""Dashboard render times: first render and re-render of every page (AppTest) with 10 runs × 1,000 dialogues.

How the database is built: the real corpus is fetched from REALSIM_SOURCE (default ../shared/realsim);
ten runs are made by sampling 1,000 real dialogues each (with replacement) and perturbing the user turns
(run k keeps a random share of each turn's words and repeats some, so every run has its own content and
its own distances), then annotated offline on the cheap dimensions (length, linguistic by default) and
compared with a small bootstrap, embeddings off. Pages are then rendered with the same AppTest the tests
use; the second render hits the st.cache_data results keyed by the store version.

    python benchmarks/app.py [--runs 10] [--dialogues 1000] [--dims length,linguistic] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def build(data_dir: Path, runs: int, n: int, dims: str, source: str) -> None:
    from realsim_core.compare import CompareSettings, compare_runs
    from realsim_core.corpus import build_real_run, fetch_corpus
    from realsim_core.schema import Dialogue, Message
    from realsim_core.store import Store

    fetch_corpus(data_dir=data_dir, source=source, show_progress=False)
    build_real_run(data_dir=data_dir)
    store = Store(data_dir)
    real = store.load_dialogues("real")
    for k in range(runs):
        rng = np.random.default_rng(k)
        keep, repeat = 0.4 + 0.06 * k, 1 + k % 3
        out = []
        for i, j in enumerate(rng.integers(0, len(real), size=n)):
            d = real[int(j)]
            msgs = []
            for m in d.messages:
                if m.role == "user":
                    words = [w for w in m.content.split() if rng.random() < keep] or ["ok"]
                    msgs.append(Message(role="user", content=" ".join(words * repeat)))
                else:
                    msgs.append(m)
            out.append(Dialogue(id=f"sim{k}:{i}", source=f"sim{k}", domain=d.domain, scenario_id=d.scenario_id,
                                scenario=d.scenario, messages=msgs))
        store.save_run(f"sim{k}", out, kind="benchmark", replace=True)
        compare_runs(store, f"sim{k}", "real", settings=CompareSettings(bootstrap=50, embeddings=False),
                     dims=dims, show_progress=False)
        print(f"built sim{k}", flush=True)


def measure(data_dir: Path) -> list[dict[str, object]]:
    from streamlit.testing.v1 import AppTest

    os.environ["REALSIM_DATA_DIR"] = str(data_dir)
    pages = ["pages/overview.py", "pages/dimensions.py", "pages/domains.py", "pages/transcripts.py",
             "pages/upload.py"]
    rows = []
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    for page in pages:
        timings = []
        for _ in range(3):  # first render, then two re-renders from the cache
            started = time.perf_counter()
            if page == "pages/overview.py":
                app.run()
            else:
                app.switch_page(page).run()
            timings.append(time.perf_counter() - started)
            if app.exception:
                raise RuntimeError(f"{page}: {app.exception[0].value}")
        rows.append({"page": page, "first_s": round(timings[0], 3), "rerender_s": round(min(timings[1:]), 3)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--dialogues", type=int, default=1000)
    parser.add_argument("--dims", default="length,linguistic")
    parser.add_argument("--data-dir", default=None, help="reuse or keep the benchmark database here")
    parser.add_argument("--source", default=os.environ.get("REALSIM_SOURCE", str(REPO.parent / "shared" / "realsim")))
    args = parser.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="realsim-bench-app-"))
    started = time.perf_counter()
    if not (data_dir / "realsim.duckdb").exists():
        build(data_dir, args.runs, args.dialogues, args.dims, args.source)
    build_s = time.perf_counter() - started
    rows = measure(data_dir)
    print(f"{'page':<24}{'first render s':>16}{'re-render s':>14}")
    for row in rows:
        print(f"{row['page']:<24}{row['first_s']:>16.3f}{row['rerender_s']:>14.3f}")
    result = {"runs": args.runs, "dialogues_per_run": args.dialogues, "dims": args.dims, "build_s": round(build_s, 1),
              "target_rerender_s": 1.0, "pages": rows, "machine": platform.platform(), "cpus": os.cpu_count(),
              "load_avg": os.getloadavg()}
    out = REPO / "benchmarks" / "results" / "app.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
