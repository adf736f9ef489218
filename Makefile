# xlscore — make demo / make test / make bench
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench venv clean docs

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p output
	@for f in samples/*.xlsx; do \
	  stem=$$(basename "$$f" .xlsx); \
	  $(VENV)/bin/xlscore check "$$f" || test $$? -eq 1 || exit 1; \
	  $(VENV)/bin/xlscore check --format json "$$f" > "output/$$stem.json" || test $$? -eq 1 || exit 1; \
	done
	@echo "报告已写入 output/"

docs: $(STAMP)
	$(VENV)/bin/xlscore codes --markdown > docs/findings.md

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	@echo "make bench: 基准测试将在性能议题中实现"

clean:
	rm -rf $(VENV) output
