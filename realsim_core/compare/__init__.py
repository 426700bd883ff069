"""Compare a simulator run with real users: distances with CIs, noise floor and domain analysis.

``compare_runs`` is the entry point (annotates, computes, stores);
``load_comparison`` / ``load_table`` / ``knowledge_heatmap`` read stored
results for the dashboard without recomputing. The distances themselves are
exported for tests and notebooks.
"""

from realsim_core.compare._api import compare_runs
from realsim_core.compare._bootstrap import Assessment, assess
from realsim_core.compare._compute import CompareSettings, compare_frames
from realsim_core.compare._frames import LABELS, Frames, build_frames
from realsim_core.compare._persist import knowledge_heatmap, list_comparisons, load_comparison, load_table
from realsim_core.compare._result import TABLES, ComparisonResult
from realsim_core.compare._tables import DIMENSIONS, TABLE2_COLUMNS
from realsim_core.compare._tvd import tvd_percent, tvd_stat
from realsim_core.compare._wasserstein import w1_stat

__all__ = [
    "DIMENSIONS", "LABELS", "TABLE2_COLUMNS", "TABLES", "Assessment", "CompareSettings", "ComparisonResult",
    "Frames", "assess", "build_frames", "compare_frames", "compare_runs", "knowledge_heatmap",
    "list_comparisons", "load_comparison", "load_table", "tvd_percent", "tvd_stat", "w1_stat",
]
