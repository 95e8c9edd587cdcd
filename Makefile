# Kliping: `make demo` and `make test` work on a fresh Debian machine with Python 3.11.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
KLIPING := $(VENV)/bin/kliping
# Debian packages: Pango and HarfBuzz-subset for WeasyPrint's PDF output, poppler-utils for pdftotext/pdftoppm in tests.
DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core poppler-utils tesseract-ocr tesseract-ocr-ind

.PHONY: setup system-deps demo test bench lint clean

setup: system-deps $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

system-deps:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
		else echo "Install the Debian packages: sudo apt-get install $$missing"; exit 1; fi; \
	fi

demo: setup
	$(KLIPING) demo

test: setup
	$(PY) -m pytest

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: setup
	$(VENV)/bin/ruff check crawler classify clippings tests benchmarks

clean:
	rm -rf var .pytest_cache
