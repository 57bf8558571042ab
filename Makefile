# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run    extract the plans in data/raw into data/processed
#   make test   run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench system-deps clean

run: $(STAMP)
	$(BIN)/python -m pipeline run data/raw --out data/processed

test: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py --work /tmp/plan57-bench --sizes 100,1000,10000 --pdf 40
	$(BIN)/python benchmarks/bench_link.py

system-deps:
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  missing=""; \
	  for p in tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd fonts-dejavu-core chromium; do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi; \
	else echo "skipping Debian packages (not root or no apt-get): install tesseract-ocr tesseract-ocr-vie fonts-dejavu-core chromium yourself"; fi

$(STAMP): pyproject.toml
	$(MAKE) system-deps
	command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) data/processed/*.parquet data/processed/*.csv
