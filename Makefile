# realsim — the README's commands. `make setup` is safe to re-run: it only
# reinstalls when requirements.txt or pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= $(or $(REALSIM_DATA_DIR),data)
PORT ?= 8501
# The corpus: REALSIM_SOURCE if set, else a local copy beside the checkout if there is one,
# else `realsim fetch` downloads the pinned public files.
LOCAL_CORPUS := $(wildcard $(abspath ..)/shared/realsim/all_extracted_scenarios.json)
REALSIM_SOURCE ?= $(if $(LOCAL_CORPUS),$(dir $(LOCAL_CORPUS)),)
export REALSIM_SOURCE

.PHONY: setup run build test train-annotators bench lint clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip wheel setuptools
	$(BIN)/pip install -r requirements.txt
	$(BIN)/pip install --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

# Fetch the corpus, build the demo database, open the dashboard.
build: setup
	$(BIN)/realsim fetch --data-dir $(DATA_DIR)
	$(BIN)/realsim demo --data-dir $(DATA_DIR)

run: build
	REALSIM_DATA_DIR=$(DATA_DIR) $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: setup
	$(BIN)/python -m pytest -q

train-annotators: setup
	$(BIN)/python scripts/train_annotators.py

bench: setup
	$(BIN)/python benchmarks/annotate.py
	$(BIN)/python benchmarks/encoder_precision.py
	$(BIN)/python benchmarks/compare.py
	$(BIN)/python benchmarks/simulate.py
	$(BIN)/python benchmarks/app.py

# ruff is a developer tool, installed on first use rather than in every CI run.
lint: setup
	test -x $(BIN)/ruff || $(BIN)/pip install -q ruff==0.17.6
	$(BIN)/ruff check realsim_core tests benchmarks scripts app.py pages

clean:
	rm -rf $(VENV) .pytest_cache
