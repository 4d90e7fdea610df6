# The two commands in the README: `make run` and `make test`. Both install first.
# Needs only Python 3.11+ and make; everything else comes from the package registry into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-fast test-app lint bench clean constraints

install: $(STAMP)

# Reinstall only when the project's dependencies or their pins change: a second `make install` is instant.
# constraints.txt pins every package the install pulls in to the versions the tests last passed on.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ftcost needs Python 3.11 or newer, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Only this machine can open the app unless told otherwise: `make run ADDRESS=0.0.0.0` shares it with the
# network (read SECURITY.md first: what a visitor can do with the Live page, and what stays off).
ADDRESS ?= 127.0.0.1
PORT    ?= 8501

run: install
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

test: install
	$(BIN)/python -m pytest

# The edit-test loop, under a minute on 2 cores: the library and CLI tests, spread over the cores. Left to
# `make test`: the real browser, the tens-of-MB inputs, and the pages run through AppTest (`make test-app`).
# PYTHONDONTWRITEBYTECODE= : where the environment sets it (this machine does), pytest re-rewrites the asserts of all
# ~80 test modules in every worker on every run (~8 s); unset, it keeps them in __pycache__ (gitignored).
FAST := not browser and not slow and not app
test-fast: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto -m "$(FAST)"

# The pages through AppTest (no browser, no large inputs): the loop for work on ui/.
test-app: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto -m "app and not slow"

# The checks that find mistakes first, then the formatter's verdict: a formatting diff never hides a type error.
lint: install
	$(BIN)/ruff check src ui app.py tests bench
	$(BIN)/mypy
	$(BIN)/ruff format --check src ui app.py tests bench

bench: install
	$(BIN)/python bench/bench_analyze.py

# After a deliberate upgrade (`$(BIN)/python -m pip install -U ...`) and a green `make test`: re-pin.
constraints: install
	$(BIN)/python tools/constraints.py > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
