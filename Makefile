# The Mentoring Scheme Toolkit: everything a fresh machine needs starts from `make`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo_output

NBSTRIP := $(abspath $(BIN))/nbstripout --keep-id

.PHONY: install notebook-filter browser demo lab app test lint bench sample clean

install: $(STAMP) notebook-filter

# Outputs never reach git: the filter strips every notebook as it is staged (see .gitattributes).
notebook-filter: $(STAMP)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIP)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.required true && \
	  git config diff.ipynb.textconv '$(NBSTRIP) -t'; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/python -m toolkit demo --out $(OUT)

# Jupyter refuses to run as root unless told; only add that where we are root (CI, containers).
ROOT_OK := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(ROOT_OK)

# Kernels talk over local socket files (ipc), not TCP ports: a port picked free can be taken by
# another kernel starting at the same moment, which kills the new kernel at birth.
app: install
	$(BIN)/voila notebooks/ --Voila.ip=127.0.0.1 --KernelManager.transport=ipc

# Debian's Chromium for the real-browser tests; installed when missing and we may (root).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    >/dev/null) || echo "Chromium could not be installed: browser tests will be skipped."; \
	else echo "Chromium is not installed and cannot be (not root): browser tests will be skipped."; fi

test: install browser
	$(BIN)/ruff check toolkit tests benchmarks notebooks
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --doctest-modules toolkit -p no:cacheprovider
	rm -rf test-output/schemes
	TOOLKIT_SCHEMES="$(CURDIR)/test-output/schemes" \
	  $(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks/

lint: install
	$(BIN)/ruff check toolkit tests benchmarks notebooks

sample: install
	$(BIN)/python -m toolkit sample --out sample_data

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
