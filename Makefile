# Two commands a newcomer needs: `make run` and `make test`. Both install what they need:
# `make run` only what running needs (the project and the embedded Postgres), `make test`
# adds the test toolchain. Each install has its own stamp, so neither redoes the other's.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run worker test browser trust bench lint format studio clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[embedded]'
	touch $@

# The test extra includes the embedded one, so this install serves `make run` too.
$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[embedded,test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(PY) -m server

worker: $(RUN_STAMP)
	$(PY) -m server.worker

# The inbox's browser tests drive Debian's chromium (Playwright never downloads a browser).
# Installed when missing and this user can (root with apt-get); otherwise those tests fail
# and say how to install it.
APT_CHROMIUM := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && { $(APT_CHROMIUM) || { apt-get update -qq && $(APT_CHROMIUM); }; }; } || echo "chromium is missing and cannot be installed here: the inbox browser tests will fail"

# Each run gets its own temporary folder: pytest's shared default (/tmp/pytest-of-<user>)
# keeps only the last three runs, so a second run on the machine could delete this run's
# Postgres data under it.
test: $(TEST_STAMP) browser
	$(PY) -m ruff check .
	$(PY) -m pytest --basetemp="$$(mktemp -d)"

# The red-team corpus through the service: rates and the issue's targets in docs/trust.md.
trust: $(TEST_STAMP)
	$(PY) -m tests.redteam.run

# The bare LangGraph loop and the service end to end, interleaved: docs/benchmarks.md.
# Needs only what running needs; BENCH_EVENTS, BENCH_ROUNDS... size it (bench/config.py).
bench: $(RUN_STAMP)
	$(PY) -m bench

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(TEST_STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

studio: $(TEST_STAMP)
	LANGGRAPH_CLI_NO_ANALYTICS=1 $(VENV)/bin/langgraph dev --no-browser

clean:
	rm -rf $(VENV) .data
