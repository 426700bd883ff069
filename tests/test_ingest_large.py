"""A 200 MB upload is streamed: memory stays bounded and the ingest completes in seconds."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MB = 1 << 20

# Reads a small file (warming up imports and caches), then the big one; prints the
# peak RSS after each, so the difference is what streaming 200 MB cost.
_READ_ONLY = """
import resource, sys
from realsim_core.ingest import load_scenario_index, pair_dialogues, read_dialogues
for path in sys.argv[1:3]:
    result = read_dialogues(path, source="big")
    n = sum(1 for _ in pair_dialogues(result.dialogues, load_scenario_index(sys.argv[3]), result.report))
    print(n, result.report.read, result.report.kept, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _write_upload(path: Path, megabytes: int) -> int:
    """A realsim-format JSON array of invented dialogues, ``megabytes`` large."""
    user = "Could you help me plan a balcony vegetable garden with afternoon sun? " * 4
    bot = "Start with herbs and cherry tomatoes in deep pots; water in the morning. " * 8
    target, size, count = megabytes * MB, 2, 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        while size < target:
            record = json.dumps({"conversation_id": f"g{count}", "conversation": [
                {"role": "user", "content": f"{count}: {user}"}, {"role": "assistant", "content": bot},
                {"role": "user", "content": "thanks!"}, {"role": "assistant", "content": bot}]})
            if count:
                handle.write(",\n")
                size += 2
            handle.write(record)
            size += len(record)
            count += 1
        handle.write("\n]\n")
    return count


def _peak_rss_mb(args: list[str], cwd: Path) -> tuple[float, str]:
    """Run a child process; return its own peak RSS (MB) and output."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    assert proc.stdout is not None
    output = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, output
    return usage.ru_maxrss / 1024, output  # ru_maxrss is in KiB on Linux


@pytest.mark.slow
def test_200mb_upload_streams_with_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    count = _write_upload(big, 200)
    small = tmp_path / "small.json"
    _write_upload(small, 1)
    assert big.stat().st_size >= 200 * MB
    data = tmp_path / "data"
    reader = [sys.executable, "-c", _READ_ONLY]

    started = time.monotonic()
    _, output = _peak_rss_mb([*reader, str(small), str(big), str(data)], tmp_path)
    read_seconds = time.monotonic() - started
    small_line, big_line = output.strip().splitlines()
    baseline, peak = float(small_line.split()[-1]), float(big_line.split()[-1])
    assert big_line.split()[:3] == [str(count)] * 3
    # Reading 200 MB costs next to nothing beyond the interpreter and imports.
    assert peak - baseline < 64, (baseline, peak)

    cli = [sys.executable, "-c", "from realsim_core.cli import main; main()"]
    started = time.monotonic()
    ingest_peak, output = _peak_rss_mb([*cli, "ingest", str(big), "--name", "big", "--data-dir", str(data)], tmp_path)
    ingest_seconds = time.monotonic() - started
    assert f"read {count}, kept {count}, dropped 0" in output
    # Storing includes DuckDB's buffers; still far below holding the parsed file (json.load needs > 1 GB).
    assert ingest_peak < 1024, ingest_peak
    print(f"\n200 MB: read small+big {read_seconds:.1f} s (peak {peak:.0f} MB, baseline {baseline:.0f} MB); "
          f"ingest {ingest_seconds:.1f} s (peak {ingest_peak:.0f} MB)")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < 2048
