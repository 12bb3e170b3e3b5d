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

.PHONY: setup lab app class test lint format clean slides handouts bench bench-app notebooks

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
## fails if APP_PORT is taken. HOST=0.0.0.0 serves the training room's network and asks for a token:
## a random one printed in the address, or your own from TOKEN_FILE=path or `TOKEN=… make app`
## (never `make app TOKEN=…`: make's arguments show in ps). POOL=n kernels kept warm, CAP=n trainees
## at once (default 40 and 40, an 8 GB laptop), IDLE=minutes before a disconnected page's kernel ends.
app: export JIHUA_APP_TOKEN = $(TOKEN)
app: $(STAMP)
ifeq ($(origin TOKEN),command line)
	@echo "口令不要写在 make 的参数里（本机任何人用 ps 都能看到）：请用 TOKEN=口令 make app …，或 make app TOKEN_FILE=口令文件"
	@echo "Keep the token out of make's arguments (anyone on this computer sees them in ps): use TOKEN=… make app …, or make app TOKEN_FILE=file"
	@exit 2
endif
	$(PY) -m jihua_kit.room.server --host $(HOST) --port $(APP_PORT) $(if $(POOL),--pool $(POOL)) \
		$(if $(CAP),--cap $(CAP)) $(if $(IDLE),--idle $(IDLE)) $(if $(TOKEN_FILE),--token-file $(TOKEN_FILE))

## make class SESSION=name: a class session (live quiz): the trainee app with a 课堂测验 tab on APP_PORT and
## the trainer's console on http://127.0.0.1:8867/ (this computer only); answers kept in classes/NAME.sqlite
## (DB=path to choose). HOST=0.0.0.0 for the room's network; tokens, POOL, CAP and IDLE as in make app
## (TRAINER_TOKEN_FILE=path or `TRAINER_TOKEN=… make class` for the console's own token). See README.
class: export JIHUA_APP_TOKEN = $(TOKEN)
class: export JIHUA_TRAINER_TOKEN = $(TRAINER_TOKEN)
class: $(STAMP)
ifneq ($(filter command line,$(origin TOKEN) $(origin TRAINER_TOKEN)),)
	@echo "口令不要写在 make 的参数里（本机任何人用 ps 都能看到）：请用 TOKEN=口令 make class …，或 TOKEN_FILE=口令文件"
	@echo "Keep tokens out of make's arguments (anyone on this computer sees them in ps): use TOKEN=… make class …, or TOKEN_FILE=file"
	@exit 2
endif
	@test -n "$(SESSION)" || { echo "请给出测验名称：make class SESSION=名称 / give a session name: make class SESSION=name"; exit 2; }
	$(BIN)/jihua-kit class serve --session "$(SESSION)" $(if $(DB),--db "$(DB)") --host $(HOST) --port $(APP_PORT) \
		--trainer-port $(TRAINER_PORT) $(if $(POOL),--pool $(POOL)) $(if $(CAP),--cap $(CAP)) $(if $(IDLE),--idle $(IDLE)) \
		$(if $(TOKEN_FILE),--token-file $(TOKEN_FILE)) $(if $(TRAINER_TOKEN_FILE),--trainer-token-file $(TRAINER_TOKEN_FILE))

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

## make bench: time and memory of the simulation (one run, and the joint uncertainty on Dask), the spreadsheets, the chapters and a class of 40 answering
## into one session file, on this machine (prints; no pass/fail)
bench: $(STAMP)
	$(PY) bench/simulation.py
	$(PY) bench/uncertainty.py
	$(PY) bench/bench_sheets.py
	$(PY) bench/notebooks.py
	$(PY) bench/class_answers.py
	$(PY) bench/app_load.py

## make bench-app: the trainee app under a class's load on 127.0.0.1 (10, 20, 40 phones; under 5 minutes);
## SOAK=1 adds 200 page loads by 20 sessions over 10 minutes. BENCH_ARGS=… passes other options (--help).
bench-app: $(STAMP)
	$(PY) bench/app_load.py $(if $(SOAK),--soak) $(BENCH_ARGS)

## make notebooks: re-execute every chapter in place as it is stored (after a data or code change
## that moves their outputs; NB=notebooks/06_cost.ipynb for one). Check the diff before committing.
notebooks: $(STAMP)
	$(PY) notebooks/execute.py $(NB)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) tests/layers.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis slides/build out bench-out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
