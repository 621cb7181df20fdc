# Branchflow. `make run` starts the platform on its embedded default; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv

# The trace viewer (Phoenix) pins libraries the services use at other versions: its own
# locked environment, installed for `make run TRACES=1` and for the tests.
TRACE_VIEWER := libs/devstack/trace-viewer
RUN_FLAGS := $(if $(filter 1,$(TRACES)),--traces) $(if $(filter 1,$(VERBOSE)),--verbose) \
	$(if $(BRANCHFLOW_LANG),--lang $(BRANCHFLOW_LANG))

.PHONY: run test lint bench asyncapi i18n tokens setup trace-viewer clean

# uv is the one tool we need on the machine; pip installs it when it is missing. Bytecode is
# compiled once here: where Python may not write it (PYTHONDONTWRITEBYTECODE, read-only installs)
# every start compiled every module again, half of a service's start-up (bench/restart_after_kill.py).
setup:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@$(UV) sync --frozen --quiet --compile-bytecode
	@.venv/bin/python -m compileall -q -j0 -x '/(\.venv|var)/' libs services gateway >/dev/null

trace-viewer: setup
	@$(UV) sync --frozen --quiet --project $(TRACE_VIEWER)

# make run [TRACES=1] [VERBOSE=1] [BRANCHFLOW_LANG=en]  (the terminal: Chinese by default)
run: setup $(if $(filter 1,$(TRACES)),trace-viewer)
	@$(UV) run --frozen branchflow-dev run $(RUN_FLAGS)

test: setup trace-viewer
	$(UV) run --frozen npm ci --prefix gateway/tests/audit --no-audit --no-fund --silent
	$(UV) run --frozen ruff check .
	$(UV) run --frozen pytest

lint: setup
	$(UV) run --frozen ruff check .

# every benchmark with its defaults; some of them: make bench BENCHES="restart_after_kill"
BENCHES ?= identify_throughput referral_throughput gateway_lobby_list restart_after_kill
bench: setup
	@for name in $(BENCHES); do \
		echo "== bench/$$name.py"; \
		$(UV) run --frozen python bench/$$name.py || exit $$?; \
	done

asyncapi: setup
	$(UV) run --frozen python -m branchflow_devstack.asyncapi --write

# extract the marked texts of every package with a locale/ folder, update each language's .po, compile
i18n: setup
	$(UV) run --frozen python -m branchflow_runtime.i18n

tokens: setup
	$(UV) run --frozen branchflow-token

clean:
	rm -rf var .pytest_cache
