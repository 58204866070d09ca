# Two commands do everything on a fresh machine:
#   make site   install what is needed and build the shipped example site into site/
#   make test   install what is needed (incl. Debian's Chromium and espeak-ng) and run
#               lint + all tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch. On this project's machines pip finds it on local disk; elsewhere
# use e.g. TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cpu".
TORCH_SPEC ?= torch==2.13.0
PYTEST_ARGS ?=
# llama-cpp-python (extra llm-local) compiles llama.cpp; its default CPU flags (native,
# AVX-512) built a library that segfaulted on the first generation on our machines.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX512=OFF

.PHONY: install site test lint browser speech serve clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH_SPEC)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e '.[test,llm-local,ray]'
	touch $@

# Debian's Chromium for the browser tests (never a browser download of a test tool's own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver; fi; }

# Debian's espeak-ng: the transcription tests synthesize the speech Whisper hears.
speech:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq espeak-ng; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq espeak-ng; fi; }

site: install
	$(BIN)/notegraph build

serve: install
	$(BIN)/notegraph serve

lint: install
	$(BIN)/ruff check notegraph tests scripts

test: install browser speech lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf site .cache
