# The two commands of README.md: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-packages run test lint unit bench faults

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: the hub needs Python 3.11+"; exit 1; }
	@echo "Installing the hub and its test tools into $(VENV) …"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## Debian packages the tests use (promtool, docker-compose, chromium): installed when missing, as root.
system-packages:
	@scripts/system-packages.sh

install: system-packages $(STAMP)

## Run the hub: local Kafka (unless HUB_KAFKA_BOOTSTRAP is set), topics, worker and HTTP API on :6066.
run: install
	$(BIN)/hub run

## Lint and type gates.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

## The whole test suite: gates, unit and contract tiers, and the integration tier on a broker the suite starts.
## pytest's exit code 5 ("no tests collected") is not a failure.
test: lint
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

## Unit tier only: no broker, no Java.
unit: install
	$(BIN)/pytest tests/unit

## The benchmark (not part of the test suite): prints one table of figures and targets. Options: BENCH_ARGS,
## e.g. `make bench BENCH_ARGS=--quick`; see `hub bench --help`.
bench: install
	$(BIN)/hub bench $(BENCH_ARGS)

## The fault suite (not part of the test suite; its small version is): kill -9, broker restart and a webhook outage
## under load, then one table of what was lost or given twice; exit 1 when the target is missed. Options:
## FAULTS_ARGS, e.g. `make faults FAULTS_ARGS="--small"`; see `hub faults --help`.
faults: install
	$(BIN)/hub faults $(FAULTS_ARGS)
