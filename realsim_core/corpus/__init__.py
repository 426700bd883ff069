"""The released realsim corpus: fetch it, load it, link scenarios, store it."""

from realsim_core.corpus._build import build_real_run, real_run_is_current
from realsim_core.corpus._fetch import FetchError, FetchReport, fetch_corpus, sha256_of
from realsim_core.corpus._load import (
    CorpusReport,
    DuplicateGroup,
    domain_of,
    load_personas,
    load_real_corpus,
    load_scenarios,
    verify_corpus,
)
from realsim_core.corpus._manifest import COMMIT, DOMAINS, FILES, REPOSITORY

__all__ = [
    "COMMIT", "DOMAINS", "FILES", "REPOSITORY", "CorpusReport", "DuplicateGroup", "FetchError", "FetchReport",
    "build_real_run", "domain_of", "fetch_corpus", "load_personas", "load_real_corpus", "load_scenarios",
    "real_run_is_current", "sha256_of", "verify_corpus",
]
