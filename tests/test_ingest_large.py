"""A 200 MB upload is streamed: memory stays bounded and the ingest completes in seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MB = 1 << 20

# Reads a small file (warming up imports and caches), then the big one; prints the
# peak RSS after each, so the difference is what streaming 200 MB cost.
# Peak memory is read from /proc/self/status (VmHWM: this program's own high-water
# mark since exec). rusage's ru_maxrss would also count the image of the forking
# parent -- the whole pytest process, models included -- before exec.
_VMHWM = """
def vmhwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""
_READ_ONLY = _VMHWM + """
import sys
from realsim_core.ingest import load_scenario_index, pair_dialogues, read_dialogues
for path in sys.argv[1:3]:
    result = read_dialogues(path, source="big")
    n = sum(1 for _ in pair_dialogues(result.dialogues, load_scenario_index(sys.argv[3]), result.report))
    print(n, result.report.read, result.report.kept, vmhwm_mb())
"""
_CLI = _VMHWM + """
import atexit, sys
atexit.register(lambda: print("PEAK_MB", vmhwm_mb(), file=sys.stderr))
from realsim_core.cli import main
main()
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


def _run(args: list[str], cwd: Path) -> str:
    """Run a child process and return its output (it reports its own peak memory)."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    output = proc.stdout.decode()
    assert proc.returncode == 0, output
    return output


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
    output = _run([*reader, str(small), str(big), str(data)], tmp_path)
    read_seconds = time.monotonic() - started
    small_line, big_line = output.strip().splitlines()
    baseline, peak = float(small_line.split()[-1]), float(big_line.split()[-1])
    assert big_line.split()[:3] == [str(count)] * 3
    # Reading 200 MB costs next to nothing beyond the interpreter and imports.
    assert peak - baseline < 64, (baseline, peak)

    cli = [sys.executable, "-c", _CLI]
    started = time.monotonic()
    output = _run([*cli, "ingest", str(big), "--name", "big", "--data-dir", str(data)], tmp_path)
    ingest_peak = float(output.rsplit("PEAK_MB", 1)[1].split()[0])
    ingest_seconds = time.monotonic() - started
    assert f"read {count}, kept {count}, dropped 0" in output
    # Storing includes DuckDB's buffers; still far below holding the parsed file (json.load needs > 1 GB).
    assert ingest_peak < 1024, ingest_peak
    print(f"\n200 MB: read small+big {read_seconds:.1f} s (peak {peak:.0f} MB, baseline {baseline:.0f} MB); "
          f"ingest {ingest_seconds:.1f} s (peak {ingest_peak:.0f} MB)")
