"""A small real database for the dashboard tests: a slice of the real corpus plus invented runs.

The real dialogues are read at run time from the fetched corpus (nothing is
copied into the repo); the simulated run is invented text written here,
paired with real scenario ids so transcripts line up side by side. One
dialogue carries HTML/script payloads to prove they render as text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from realsim_core.compare import CompareSettings, compare_runs
from realsim_core.report.upload import available_dimensions
from realsim_core.schema import Dialogue, Message, write_jsonl
from realsim_core.store import Store

DOMAINS = ("branding", "general", "job", "song", "travel")
PER_DOMAIN = 8
SIM_RUN = "eager-sim"
XSS_TURN = "Check this <script>alert(1)</script> and <img src=x onerror=alert(2)> **bold** :red[x] $x$"
OPENERS = [
    "Hello there! I am a retired teacher and I would love some help today. {topic}",
    "Hi! As a proud father of two, I am planning ahead and need a hand. {topic}",
    "Good morning! I work as a nurse and I am so excited to try this. {topic}",
]
FOLLOW_UPS = [
    "Thank you so much, that is wonderful! Could you explain the second step in more detail please?",
    "This is amazing, I really appreciate it. Can you make it a little longer and more detailed?",
    "Great answer! What else should I consider before I start?",
    "Perfect, thanks a lot. Could you also give me an example I can follow?",
]


def usable_dims() -> list[str]:
    """Offline dimensions whose annotator can run here (trained models may be absent)."""
    return available_dimensions("local")


def invented_dialogue(run: str, k: int, scenario_id: str, domain: str) -> Dialogue:
    topic = f"My task is about {domain.replace('_', ' ')}, number {k}."
    messages = [Message(role="user", content=OPENERS[k % len(OPENERS)].format(topic=topic)),
                Message(role="assistant", content="Sure, here is a plan with three steps.")]
    for t in range(2 + k % 3):
        messages += [Message(role="user", content=FOLLOW_UPS[(k + t) % len(FOLLOW_UPS)]),
                     Message(role="assistant", content="Of course, here are more details.")]
    return Dialogue(id=f"{run}:{k}", source=run, domain=domain, scenario_id=scenario_id, messages=messages)


def xss_dialogue(run: str, scenario_id: str, domain: str) -> Dialogue:
    return Dialogue(id=f"{run}:xss", source=run, domain=domain, scenario_id=scenario_id, messages=[
        Message(role="user", content=XSS_TURN), Message(role="assistant", content="<b>not bold</b>"),
        Message(role="user", content="Thanks! <iframe src=javascript:alert(3)></iframe>")])


def real_slice(store: Store) -> list[Dialogue]:
    """The first dialogues of a few domains of the real corpus."""
    index = store.dialogue_index("real")
    keep = index[index["domain"].isin(DOMAINS)].groupby("domain").head(PER_DOMAIN)
    return list(store.iter_dialogues("real", keep["id"].tolist()))


def simulated_for(real: list[Dialogue], run: str) -> list[Dialogue]:
    sims = [invented_dialogue(run, k, d.scenario_id, d.domain) for k, d in enumerate(real) if d.scenario_id]
    first = next(d for d in real if d.scenario_id)
    sims[0] = xss_dialogue(run, first.scenario_id, first.domain)
    return sims


def build_app_db(real_data_dir: Path, target: Path, bootstrap: int = 50) -> dict[str, object]:
    """Copy the fetched corpus and store, keep a real slice, add and compare one invented run."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(real_data_dir / "corpus", target / "corpus", dirs_exist_ok=True)
    shutil.copy(real_data_dir / "realsim.duckdb", target / "realsim.duckdb")
    store = Store(target)
    real = real_slice(store)
    store.save_run("real", real, kind="real", replace=True)
    sims = simulated_for(real, SIM_RUN)
    store.save_run(SIM_RUN, sims, kind="upload")
    dims = usable_dims()
    compare_runs(store, SIM_RUN, "real", settings=CompareSettings(bootstrap=bootstrap), dims=dims,
                 show_progress=False)
    return {"dims": dims, "real_ids": [d.id for d in real], "xss_scenario": sims[0].scenario_id,
            "xss_domain": sims[0].domain}


def upload_file(real: list[Dialogue], path: Path, run: str = "browser-run", n: int = 12) -> Path:
    """A small JSONL upload of invented dialogues paired with real scenarios (first one carries the payloads)."""
    dialogues = simulated_for(real[:n], run)
    write_jsonl(dialogues, path)
    return path


def dump_info(info: dict[str, object], path: Path) -> None:
    path.write_text(json.dumps(info), encoding="utf-8")


@pytest.fixture(scope="session")
def app_db(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The small app database, built once per session and shared by the page and browser tests."""
    target = tmp_path_factory.mktemp("appdb")
    return target, build_app_db(real_data_dir, target)
