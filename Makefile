# Every target sets up .venv on first use, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/bench-data

.PHONY: run test lint typecheck unit bench-quality bench-speed bench-service bench-batch soak stubs clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cleaner serve --host 127.0.0.1 --port 50051

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check cleaner server

typecheck: $(STAMP)
	$(BIN)/mypy cleaner server

unit: $(STAMP)
	$(BIN)/python -m pytest

stubs: $(STAMP)
	$(BIN)/python -m server.stubs

bench-quality: $(STAMP)
	$(BIN)/python -m bench.quality --data $(DATA)

bench-speed: $(STAMP)
	$(BIN)/python -m bench.speed --data $(DATA)

bench-service: $(STAMP)
	$(BIN)/python -m bench.service --data $(DATA)

bench-batch: $(STAMP)
	$(BIN)/python -m bench.batch --data $(DATA)

soak: $(STAMP)
	$(BIN)/python -m bench.soak

clean-venv:
	rm -rf $(VENV)
