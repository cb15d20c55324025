# The Mentoring Scheme Toolkit: everything a fresh machine needs starts from `make`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo_output

.PHONY: install demo lab app test lint bench sample clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/python -m toolkit demo --out $(OUT)

lab: install
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

test: install
	$(BIN)/ruff check toolkit tests benchmarks notebooks
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --doctest-modules toolkit -p no:cacheprovider
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks/

lint: install
	$(BIN)/ruff check toolkit tests benchmarks notebooks

sample: install
	$(BIN)/python -m toolkit sample --out sample_data

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
