# jihua-kit: every target sets itself up (creates .venv, installs the kit when pyproject.toml
# changed), so `make lab` and `make test` work from a fresh clone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8888
APP_PORT ?= 8866
TRAINER_PORT ?= 8867
# Running as root (containers, CI) needs --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg
# reveal.js and friends for the slide decks, installed from slides/package-lock.json (npm's own stamp).
REVEAL := slides/node_modules/.package-lock.json

.PHONY: setup lab app class test lint format clean slides handouts bench

setup: $(STAMP)

$(STAMP): pyproject.toml jupyter/overrides.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

## make lab: open the training notebooks in JupyterLab (Chinese UI, bound to this machine only)
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=$(HOST) --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

## make app: the trainee calculators as a web page (Voilà, app/trainee.ipynb) on http://127.0.0.1:8866/;
## fails if APP_PORT is taken. HOST=0.0.0.0 serves the training room's network and asks for a token
## (TOKEN=… or a random one, printed in the address); see README.
app: $(STAMP)
	$(PY) -m jihua_kit.app_server --host $(HOST) --port $(APP_PORT) $(if $(TOKEN),--token $(TOKEN))

## make class SESSION=name: a class session (live quiz): the trainee app with a 课堂测验 tab on APP_PORT and
## the trainer's console on http://127.0.0.1:8867/ (this computer only); answers kept in classes/NAME.sqlite
## (DB=path to choose). HOST=0.0.0.0 for the room's network (token as in make app). See README.
class: $(STAMP)
	@test -n "$(SESSION)" || { echo "请给出测验名称：make class SESSION=名称 / give a session name: make class SESSION=name"; exit 2; }
	$(BIN)/jihua-kit class serve --session "$(SESSION)" $(if $(DB),--db "$(DB)") --host $(HOST) --port $(APP_PORT) \
		--trainer-port $(TRAINER_PORT) $(if $(TOKEN),--token $(TOKEN))

## make test: lint, unit and property tests, then every notebook through nbval
## (fetches reveal.js for the slide tests once when npm is present; without it they skip)
test: $(STAMP) lint $(if $(shell command -v npm),$(REVEAL))
	$(PY) -m pytest tests $(wildcard notebooks/*.ipynb) $(NBVAL)

## make slides: one offline reveal.js deck per notebook in slides/build/ (see slides/README.md).
## reveal.js comes from slides/package-lock.json: npm runs once (needs the registry), then never again.
slides: $(STAMP) $(REVEAL)
	$(BIN)/jihua-kit slides

$(REVEAL): slides/package.json slides/package-lock.json
	@command -v npm >/dev/null || { echo "make slides needs npm once, to fetch reveal.js (apt-get install npm)"; exit 1; }
	npm ci --prefix slides --no-audit --no-fund

## make handouts: two PDFs of each deck in slides/build/handouts/ (headless Chromium's print):
## <deck>.pdf one 16:9 page per slide, <deck>-A4.pdf three slides to an A4 page. Decks and PDFs that
## are newer than their notebooks are not made again. Skipped with a message without Chromium.
handouts: $(STAMP) $(REVEAL)
	$(BIN)/jihua-kit slides --changed
	$(PY) slides/handouts.py

## make bench: time and memory of the simulation, the spreadsheets, the chapters and a class of 40 answering
## into one session file, on this machine (prints; no pass/fail)
bench: $(STAMP)
	$(PY) bench/simulation.py
	$(PY) bench/bench_sheets.py
	$(PY) bench/notebooks.py
	$(PY) bench/class_answers.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis slides/build out bench-out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
