# Two commands on a fresh machine: `make demo` (the offline GitOps demo) and `make test` (lint + tests).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): requirements.txt requirements-emulator.txt requirements-dev.txt constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-emulator.txt -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: lint
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench.emulator
	$(PY) -m bench.deploy
	$(PY) -m bench.program
	PYTHONPATH=deploy $(PY) -m bench.fleet

clean:
	rm -rf $(VENV) .dss-emulator .demo
