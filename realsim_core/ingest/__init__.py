"""Uploads in any supported format -> dialogues in the one schema, with a loss report.

``read_dialogues`` streams a file (JSON arrays through ijson, JSON Lines and CSV
line by line) and ``ingest_file`` stores it as a run in one transaction.
"""

from realsim_core.ingest._detect import FORMATS, detect_format
from realsim_core.ingest._errors import IngestError
from realsim_core.ingest._ingest import ingest_file
from realsim_core.ingest._pairing import ScenarioIndex, load_scenario_index, pair_dialogues
from realsim_core.ingest._reader import IngestResult, read_dialogues
from realsim_core.ingest._report import DroppedRecord, LossReport

__all__ = [
    "FORMATS", "DroppedRecord", "IngestError", "IngestResult", "LossReport", "ScenarioIndex", "detect_format",
    "ingest_file", "load_scenario_index", "pair_dialogues", "read_dialogues",
]
