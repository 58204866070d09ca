# Two commands do everything on a fresh machine:
#   make site   install what is needed and build the shipped example site into site/
#   make test   install what is needed (incl. Debian's Chromium) and run lint + all tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch. On this project's machines pip finds it on local disk; elsewhere
# use e.g. TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cpu".
TORCH_SPEC ?= torch==2.13.0
PYTEST_ARGS ?=

.PHONY: install site test lint browser serve clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH_SPEC)
	$(BIN)/python -m pip install -q -e '.[test,ray]'
	touch $@

# Debian's Chromium for the browser tests (never a browser download of a test tool's own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver; fi; }

site: install
	$(BIN)/notegraph build

serve: install
	$(BIN)/notegraph serve

lint: install
	$(BIN)/ruff check notegraph tests scripts

test: install browser lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf site .cache
