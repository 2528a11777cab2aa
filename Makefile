# See README.md. `make run` serves the demo site; `make test` passes every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run serve bench setup install messages static migrate demo test lock clean

run: setup demo
	$(MANAGE) runserver 127.0.0.1:8000

# The site under gunicorn with production settings (see README, "Serving").
serve: setup
	scripts/serve

# Large data set in its own database, then every page measured (see README, "Benchmarks").
bench: setup
	scripts/bench

setup: install messages static migrate

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is needed; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV) || { echo "On Debian: apt-get install python3-venv" >&2; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

messages: install
	scripts/system-deps gettext
	$(MANAGE) compilemessages --ignore=.venv -v0

static: install
	$(MANAGE) collectstatic --noinput -v0

migrate: install
	$(MANAGE) migrate --noinput -v0

demo: migrate
	$(MANAGE) load_demo

test: install
	scripts/system-deps gettext browser redis
	$(MAKE) messages static
	scripts/run-tests

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var
