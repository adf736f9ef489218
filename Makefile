# xlscore — make demo / make test / make bench
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench venv clean docs templates samples schemes dist

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip "setuptools>=77"
	$(PY) -m pip install -q -e '.[test,web]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p output
	$(VENV)/bin/xlscore score samples --out output || test $$? -eq 1
	@echo "复核副本（*_复核.xlsx）已写入 output/，报告（*_复核.json）在 output/报告/"

schemes: $(STAMP)
	$(VENV)/bin/python tools/make_schemes.py

templates: $(STAMP)
	$(VENV)/bin/python tools/make_templates.py

samples: $(STAMP)
	$(VENV)/bin/python tools/build_samples.py
	$(VENV)/bin/python tools/fill_samples.py

docs: $(STAMP)
	$(VENV)/bin/xlscore codes --markdown > docs/findings.md

test: $(STAMP)
	$(PY) -m pytest

N ?= 500
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/bench.py --n $(N)

dist: $(STAMP)
	rm -rf dist
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist .
	@ls dist

clean:
	rm -rf $(VENV) output dist
