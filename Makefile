# neuroloom: `make demo` and `make test` work on a fresh machine (Python >= 3.10 with venv).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO   := demo_output

.PHONY: setup setup-test demo test bench bench-quick clean

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: setup
	mkdir -p $(DEMO)
	cd $(DEMO) && ../$(PY) ../examples/tut2.py
	@echo
	@echo "Demo outputs (tutorial 2 network) are in $(CURDIR)/$(DEMO):"
	@ls -1 $(DEMO) | sed 's/^/  /'

# lint-imports checks the architecture's contracts (pyproject.toml, docs/architecture.md);
# the suite runs on two workers, each test file on one (its module fixtures built once)
test: setup-test
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -n 2 --dist loadfile --durations=20

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache

# Builder benchmark beside NetPyNE 1.1.1 and a plain-NEURON floor (tens of minutes; see
# bench/run.py). `make bench-quick` is a small smoke run.
bench: setup
	$(PY) bench/run.py

bench-quick: setup
	$(PY) bench/run.py --quick
